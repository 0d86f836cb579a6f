"""The issue's end-to-end check: `markwatch run --once` on the demo marketplaces yields the demo's seeded
operations as cases, each with its summed sales, as `markwatch cases list --json` and `cases show` print
them (the demo catalogue is the ground truth: each listing's label names its true operation)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

import pytest

from demo.catalogue import catalogue_records

DEMO_SIZE = 120  # listings per demo marketplace, as tests/test_pipeline.py


def _markwatch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "markwatch", *args], env=env, capture_output=True, text=True, timeout=900
    )


@pytest.mark.slow
@pytest.mark.browser
def test_run_once_yields_the_seeded_operations_as_cases_with_their_summed_sales(home):
    env = {**os.environ, "MARKWATCH_HOME": str(home)}
    env.pop("MARKWATCH_DB", None)
    run = _markwatch(env, "run", "--once", "--demo-size", str(DEMO_SIZE))
    assert run.returncode == 0, run.stdout + run.stderr

    records = list(catalogue_records(size=DEMO_SIZE))
    operation_of = {r["id"]: r["label"].get("operation") for r in records}
    shops: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in records:
        if operation_of[r["id"]]:
            shops[operation_of[r["id"]]].add((r["platform"], r["seller"]["id"]))
    seeded = {op for op, members in shops.items() if len(members) >= 2}
    assert seeded, "the demo seeds operations of two shops or more"

    listed = _markwatch(env, "cases", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    cases = json.loads(listed.stdout)
    found: dict[str, float] = {}
    for case in cases:
        shown = _markwatch(env, "cases", "show", str(case["id"]), "--json")
        assert shown.returncode == 0, shown.stderr
        facts = json.loads(shown.stdout)
        members = {(s["platform"], s["shop_id"]) for s in facts["shops"]}
        owners = {op for op, group in shops.items() if members & group}
        assert len(owners) <= 1, f"case {case['number']} mixes operations {sorted(owners)}"
        if owners:
            (operation,) = owners
            assert members == shops[operation], f"{operation}: the case holds every shop, and only those"
            # the sum is the listings' price × sold, each shown with its arithmetic
            sales = [row["estimated_sales"] for row in facts["leads"] if row["estimated_sales"] is not None]
            assert facts["estimated_sales"] == pytest.approx(sum(sales))
            assert case["estimated_sales"] == pytest.approx(facts["estimated_sales"])
            for row in facts["leads"]:
                if row["estimated_sales"] is not None:
                    assert row["estimated_sales"] == pytest.approx(row["price"] * row["sold"])
            found[operation] = facts["estimated_sales"]
    assert set(found) == seeded, f"operations without a case: {sorted(seeded - set(found))}"
    print("\nseeded operations as cases, summed sales:", {op: round(v, 2) for op, v in sorted(found.items())})
