"""The flood rate on ordinary traffic: how many ordinary marketplace listings the scorer flags.

    python bench/flood.py [--titles DIR] [--brands FILE]... [--out FILE] [--jobs N] [--top N]

Scores every ``*.jsonl`` listings file of ``--titles`` (default ``../shared/data/titles`` next to the
repository: real titles written by ordinary sellers, see its SOURCES.md) against each registry file
given with ``--brands`` (default: the dev registry ``../shared/data/dev/brands.yaml`` and the
well-known-marks registry ``bench/registries/well-known.yaml``), exactly as
``markwatch score FILE --brands REGISTRY`` does: the same file loader, the same registry builder, the
same streaming scorer and threshold, one fresh scoring context per listings file, listings in file
order. Each (registry, listings file) pair runs in its own process (``--jobs``, default the number of
CPUs), which is why the results equal one ``markwatch score`` run per file.

Prints, per registry, the flag rate overall, per listings file, per signal (flagged listings with a
positive contribution from that signal) and per violation, and the brands flagged most often. Writes
every flagged listing (source, id, title, brand, risk, violation, reasons) as JSON Lines to ``--out``
(default ``<temp dir>/markwatch-flood-<registry>.jsonl``) for reading. Not a test: every flag here
is a false alarm unless someone can say why the listing is a real violation.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a queue.py that would shadow the standard library's (multiprocessing needs that one)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from brands.registry_file import RegistryFileError, load_registry_file  # noqa: E402
from brands.scorer import registry_from_file  # noqa: E402
from scoring import ScoringContext  # noqa: E402
from scoring.records import score_lines  # noqa: E402
from scoring.registry import Registry  # noqa: E402
from settings import get_settings  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DEFAULT_TITLES = SHARED / "titles"
DEFAULT_REGISTRIES = (SHARED / "dev" / "brands.yaml", ROOT / "bench" / "registries" / "well-known.yaml")

# filled in the parent before the pool forks, so workers share the built registries instead of
# rebuilding (or pickling) their indexes
_REGISTRIES: dict[str, Registry] = {}


@dataclass
class FileResult:
    registry: str
    source: str
    scored: int = 0
    failed: int = 0
    seconds: float = 0.0
    flagged: list[dict[str, Any]] = field(default_factory=list)


def score_file(task: tuple[str, str]) -> FileResult:
    """One `markwatch score SOURCE --brands REGISTRY` run, keeping the flagged listings."""
    registry_key, source = task
    registry = _REGISTRIES[registry_key]
    result = FileResult(registry=registry_key, source=Path(source).name)
    started = time.process_time()
    with open(source, "rb") as lines:
        scored = score_lines(
            lines,
            registry,
            context=ScoringContext(),
            threshold=get_settings().scoring_threshold,
            model=None,
        )
        for record, listing, score in scored:
            if score is None or listing is None:
                result.failed += 1
                continue
            result.scored += 1
            if score.flagged:
                result.flagged.append(
                    {
                        "source": result.source,
                        "id": record["id"],
                        "title": listing.title,
                        "category": listing.category,
                        "price": listing.price,
                        "brand": record["brand"],
                        "risk": record["risk"],
                        "violation": record["violation"],
                        "reasons": record["reasons"],
                    }
                )
    result.seconds = time.process_time() - started
    return result


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.2f} %" if whole else "     – "


def report(name: str, results: list[FileResult], out: Path, top: int) -> None:
    scored = sum(r.scored for r in results)
    flagged = [f for r in results for f in r.flagged]
    print(f"\n=== registry {name}: {len(_REGISTRIES[name])} brands")
    print(f"flagged {len(flagged):,} of {scored:,} listings: {percent(len(flagged), scored).strip()}")
    failed = sum(r.failed for r in results)
    if failed:
        print(f"({failed:,} line(s) could not be read)")
    print("\nper listings file")
    for r in sorted(results, key=lambda r: r.source):
        print(
            f"  {r.source:34} {len(r.flagged):6,} / {r.scored:7,}  {percent(len(r.flagged), r.scored)}"
            f"   ({r.seconds:5.1f} s CPU)"
        )
    signals: Counter[str] = Counter()
    for f in flagged:
        signals.update({reason["signal"] for reason in f["reasons"] if reason["weight"] > 0})
    print("\nper signal (flagged listings the signal contributed to)")
    for signal, n in signals.most_common():
        print(f"  {signal:34} {n:6,}  {percent(n, scored)}")
    violations = Counter(f["violation"] or "(none)" for f in flagged)
    print("\nper violation")
    for violation, n in violations.most_common():
        print(f"  {violation:34} {n:6,}  {percent(n, scored)}")
    brands = Counter(f["brand"] or "(no brand)" for f in flagged)
    print(f"\nbrands flagged most often (top {top})")
    for brand, n in brands.most_common(top):
        print(f"  {brand:34} {n:6,}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as sink:
        for f in sorted(flagged, key=lambda f: (-f["risk"], f["source"], f["id"])):
            sink.write(json.dumps(f, ensure_ascii=False) + "\n")
    print(f"\nflagged listings written to {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--titles", type=Path, default=DEFAULT_TITLES, help="folder of *.jsonl listings files"
    )
    parser.add_argument(
        "--brands",
        type=Path,
        action="append",
        help="registry file (repeatable); default the dev and well-known ones",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="flagged listings (JSON Lines); with several registries, the registry's stem is added",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--top", type=int, default=15, help="how many brands to list")
    args = parser.parse_args()

    sources = sorted(args.titles.glob("*.jsonl"))
    if not sources:
        print(f"no *.jsonl listings files in {args.titles}", file=sys.stderr)
        return 2
    registry_files = args.brands or [p for p in DEFAULT_REGISTRIES if p.exists()]
    names: dict[str, Path] = {}
    for path in registry_files:
        started = time.perf_counter()
        try:
            registry = registry_from_file(load_registry_file(path))
        except RegistryFileError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        key = path.parent.name if path.stem == "brands" else path.stem  # the dev registry is brands.yaml
        key = key if key not in names else str(path)
        names[key] = path
        _REGISTRIES[key] = registry
        print(
            f"registry {key}: {path} ({len(registry)} brands,"
            f" loaded in {time.perf_counter() - started:.1f} s)"
        )
    print(
        f"titles: {args.titles} ({len(sources)} files); {args.jobs} process(es); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    tasks = [(key, str(source)) for key in names for source in sources]
    started = time.perf_counter()
    if args.jobs > 1:
        # biggest files first, so the longest task does not start last
        tasks.sort(key=lambda t: -Path(t[1]).stat().st_size)
        with multiprocessing.get_context("fork").Pool(min(args.jobs, len(tasks))) as pool:
            results = pool.map(score_file, tasks, chunksize=1)
    else:
        results = [score_file(task) for task in tasks]
    print(f"scored in {time.perf_counter() - started:.1f} s wall")

    for key in names:
        if args.out is None:
            out = Path(tempfile.gettempdir()) / f"markwatch-flood-{key}.jsonl"
        elif len(names) == 1:
            out = args.out
        else:
            out = args.out.with_name(f"{args.out.stem}-{key}{args.out.suffix}")
        report(key, [r for r in results if r.registry == key], out, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
