"""Quality on the labelled dev set: precision, recall, F1, brand accuracy, per-kind results,
beside a rapidfuzz partial_ratio baseline. Prints its figures; not a test.

    python bench/quality.py [DATA_DIR]      (default ../shared/data/dev next to the repo)

Scores the ``core`` tier (reported apart: ``stretch``; skipped: ``ignore``). Listings are scored in
file order with score_many, so price statistics build up as they would in a real run.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import yaml
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import Listing, Registry, score_many  # noqa: E402
from scoring.text import fold  # noqa: E402

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"


def prf(rows: list[tuple[bool, bool]]) -> tuple[float, float, float, int, int, int]:
    tp = sum(1 for p, g in rows if p and g)
    fp = sum(1 for p, g in rows if p and not g)
    fn = sum(1 for p, g in rows if not p and g)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp, fp, fn


def baseline(
    listings: list[Listing], registry: Registry, cutoff: float = 80.0
) -> dict[str, tuple[bool, str | None]]:
    """rapidfuzz partial_ratio of each mark against the title; flagged if any mark scores ≥ cutoff
    and the seller is not an authorised shop."""
    marks = [(fold(m), b) for b in registry.brands for m in b.marks]
    out = {}
    for x in listings:
        t = fold(x.title)
        best, brand = 0.0, None
        for m, b in marks:
            s = fuzz.partial_ratio(m, t)
            if s > best:
                best, brand = s, b
        auth = brand is not None and x.seller is not None and x.seller.name in brand.authorized_sellers
        out[x.id] = (best >= cutoff and not auth, brand.name if brand and best >= cutoff else None)
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    data = Path(args[0]) if args else DEFAULT_DIR
    registry = Registry.from_yaml_dict(yaml.safe_load((data / "brands.yaml").read_text(encoding="utf-8")))
    listings = [
        Listing.from_record(json.loads(line)) for line in (data / "listings.jsonl").open(encoding="utf-8")
    ]
    labels = {}
    for line in (data / "labels.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        labels[d["id"]] = d
    verbose = "-v" in sys.argv
    t0 = time.perf_counter()
    report(listings, registry, labels, verbose, "")
    elapsed = time.perf_counter() - t0
    # many search pages and platform feeds carry no category: the same listings with none
    bare = [dataclasses.replace(x, category=None) for x in listings]
    report(bare, registry, labels, verbose, " (every category removed)")
    print(f"scored {len(listings)} listings in {elapsed:.2f} s")


def report(
    listings: list[Listing], registry: Registry, labels: dict[str, dict], verbose: bool, condition: str
) -> None:
    scores = {s.id: s for s in score_many(listings, registry)}
    base = baseline(listings, registry)

    for tier in ("core", "stretch"):
        ids = [x.id for x in listings if labels[x.id]["tier"] == tier]
        if not ids:
            continue
        rows = [(scores[i].flagged, labels[i]["flagged"]) for i in ids]
        brow = [(base[i][0], labels[i]["flagged"]) for i in ids]
        p, r, f, tp, fp, fn = prf(rows)
        bp, br, bf, *_ = prf(brow)
        # brand accuracy: among true positives that name brands, the brand given is an accepted one
        tps = [i for i in ids if scores[i].flagged and labels[i]["flagged"] and labels[i]["brands"]]
        acc = sum(1 for i in tps if scores[i].brand in labels[i]["brands"]) / len(tps) if tps else 1.0
        btps = [i for i in ids if base[i][0] and labels[i]["flagged"] and labels[i]["brands"]]
        bacc = sum(1 for i in btps if base[i][1] in labels[i]["brands"]) / len(btps) if btps else 1.0
        vio = [i for i in ids if scores[i].flagged and labels[i]["flagged"]]
        vacc = sum(1 for i in vio if scores[i].violation == labels[i]["violation"]) / len(vio) if vio else 1.0
        print(f"== {tier}{condition}: {len(ids)} listings, {sum(g for _, g in rows)} positive")
        print(
            f"   markwatch : P {p:.3f}  R {r:.3f}  F1 {f:.3f}  brand acc {acc:.3f}  violation acc {vacc:.3f}"
            f"  (tp {tp} fp {fp} fn {fn})"
        )
        print(
            f"   baseline  : P {bp:.3f}  R {br:.3f}  F1 {bf:.3f}  brand acc {bacc:.3f}"
            "  (rapidfuzz partial_ratio ≥ 80)"
        )
        groups: dict[str, list[str]] = defaultdict(list)
        for i in ids:
            k = labels[i]["kind"]
            k = k.rsplit(":", 1)[0] if k.startswith(("case:", "neg:")) else k
            groups[k].append(i)
        print(f"   {'kind':28s} {'n':>4s} {'correct':>8s} {'baseline':>9s}")
        for k in sorted(groups):
            g = groups[k]
            ok = sum(1 for i in g if scores[i].flagged == labels[i]["flagged"])
            bok = sum(1 for i in g if base[i][0] == labels[i]["flagged"])
            print(f"   {k:28s} {len(g):4d} {ok:8d} {bok:9d}")
        if verbose:
            for i in ids:
                s, g = scores[i], labels[i]
                if (
                    s.flagged != g["flagged"]
                    or (s.flagged and g["brands"] and s.brand not in g["brands"])
                    or (s.flagged and g["flagged"] and s.violation != g["violation"])
                ):
                    x = next(x for x in listings if x.id == i)
                    print(
                        "   MISS",
                        i,
                        g["kind"],
                        int(g["flagged"]),
                        g["brands"],
                        g["violation"],
                        "|",
                        x.title,
                        "|",
                        f"{s.risk:.2f}",
                        s.brand,
                        s.violation,
                        [(r.signal, round(r.weight, 2), r.detail) for r in s.reasons],
                    )


if __name__ == "__main__":
    main()
