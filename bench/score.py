"""Scoring speed: the whole `markwatch score` process (start-up included) at 10,000 synthetic brands ×
20,000 and × 100,000 synthetic listings, against the naive baseline in the same run.

    python bench/score.py [--brands N] [--listings 20000,100000] [--baseline-sample N] [--jobs N]

Titles are product words, a mark or a mutated mark (insertion, omission, substitution, spacing), and
words of a 30,000-word synthetic vocabulary (10% of listings carry a never-seen random string). The
brands are written as a registry file and the listings as a JSON Lines file; markwatch is timed as a
user runs it, `markwatch score --brands FILE LISTINGS --out /dev/null` in a child process: YAML,
validation, the matcher's index (built, or read from the compiled-registry cache), the scorer's
dictionaries, JSON in and out. Start-up alone is timed with a one-listing file, first with an empty
cache (a new or changed registry) and then with the cache written by that run.

The baseline is what a user would write first: rapidfuzz ``process.extractOne(title, marks,
scorer=fuzz.partial_ratio)`` over every folded mark (WRatio, extractOne's default and slower scorer, is
shown as a second reference), measured on a sample, half before markwatch's runs and half after, and
extrapolated. Times are CPU seconds (user + system) of the processes, so other load on the machine does
not skew the ratio; wall time is shown too. Peak memory is the child's ru_maxrss. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from machine import describe  # noqa: E402  (bench/machine.py)
from rapidfuzz import fuzz, process  # noqa: E402

from scoring import Brand, Listing, Seller  # noqa: E402
from scoring.text import fold  # noqa: E402

# common characters (GB2312 level 1 is ordered by pinyin; sample across it)
HAN = [
    bytes([hi, lo]).decode("gb2312")
    for hi in range(0xB0, 0xD8)
    for lo in range(0xA1, 0xFF)
    if not (hi == 0xD7 and lo > 0xF9)
]
# Latin marks: random consonant-vowel(-coda) syllables, as invented brand names are made
SYL = [
    c + v + k
    for c in (
        "b",
        "c",
        "d",
        "f",
        "g",
        "h",
        "k",
        "l",
        "m",
        "n",
        "p",
        "r",
        "s",
        "t",
        "v",
        "z",
        "br",
        "tr",
        "st",
        "pl",
    )
    for v in ("a", "e", "i", "o", "u", "ai", "ou")
    for k in ("", "", "n", "r", "x", "s")
]
CATS = [
    "饮料冲调",
    "休闲食品",
    "服饰鞋包",
    "手机数码",
    "个护清洁",
    "家用电器",
    "酒类",
    "游戏动漫",
    "文具",
    "玩具文创",
]
WORDS = [
    "新款",
    "包邮",
    "正品",
    "热卖",
    "限时特价",
    "厂家直销",
    "现货速发",
    "礼盒装",
    "500ml",
    "24罐",
    "男士",
    "女士",
    "夹心饼干",
    "运动鞋",
    "洗发水",
    "耳机",
    "手机壳",
    "巧克力",
    "白酒",
    "记号笔",
    "wireless",
    "sport",
    "classic",
    "pro",
]


def make_brands(n: int, rng: random.Random) -> list[Brand]:
    brands, seen = [], set()
    while len(brands) < n:
        if rng.random() < 0.6:
            name = "".join(rng.choice(HAN) for _ in range(rng.choice((2, 3, 3, 4))))
            aliases: tuple[str, ...] = (
                "".join(rng.choice(SYL) for _ in range(rng.choice((2, 3)))).capitalize(),
            )
        else:
            name = "".join(rng.choice(SYL) for _ in range(rng.choice((2, 3, 3, 4)))).capitalize()
            aliases = ()
        if name in seen:
            continue
        seen.add(name)
        cat = rng.choice(CATS)
        brands.append(
            Brand(
                name,
                aliases,
                categories=(cat,),
                price_floor=round(rng.uniform(5, 500), 1),
                authorized_sellers=(f"{name}官方旗舰店",),
            )
        )
    return brands


def mutate(mark: str, rng: random.Random) -> str:
    chars = list(mark)
    i = rng.randrange(len(chars))
    op = rng.random()
    if op < 0.4:
        chars[i] = (
            rng.choice(HAN) if "\u4e00" <= chars[i] <= "\u9fff" else rng.choice("abcdefghijklmnopqrstuvwxyz")
        )
    elif op < 0.6 and len(chars) > 2:
        del chars[i]
    elif op < 0.8:
        chars.insert(i, rng.choice(chars))
    else:
        return " ".join(chars)
    return "".join(chars)


def make_vocabulary(size: int, rng: random.Random) -> list[str]:
    """Other words of titles: like a real marketplace's, a finite vocabulary drawn from common characters."""
    return ["".join(rng.choice(HAN) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def make_listings(n: int, brands: list[Brand], rng: random.Random, vocab: list[str] | None = None):
    vocab = vocab or make_vocabulary(30_000, random.Random(3))
    for k in range(n):
        b = rng.choice(brands)
        r = rng.random()
        parts = rng.sample(WORDS, 3)
        if r < 0.3:
            parts.insert(rng.randrange(4), rng.choice(b.marks))
        elif r < 0.5:
            parts.insert(rng.randrange(4), mutate(rng.choice(b.marks), rng))
        elif r < 0.9:
            # Zipf-like choice of a vocabulary word: a few are frequent, most are rare
            parts.insert(
                0,
                vocab[min(len(vocab) - 1, int(rng.paretovariate(1.0)) - 1)]
                if rng.random() < 0.5
                else rng.choice(vocab),
            )
        else:
            parts.insert(0, "".join(rng.choice(HAN) for _ in range(rng.randint(2, 6))))  # never seen before
        yield Listing(
            id=f"bench-{k}",
            title=" ".join(parts),
            price=round(rng.uniform(1, 800), 2),
            category=rng.choice(CATS),
            seller=Seller(f"s{rng.randrange(5000)}", f"店铺{rng.randrange(5000)}"),
        )


def unique_marks(brands: list[Brand]) -> list[Brand]:
    """The brands whose marks no earlier brand holds (a registry file refuses a shared mark between
    brands that list no Nice class)."""
    from brands.marks import mark_key

    seen: set[str] = set()
    kept = []
    for brand in brands:
        keys = [mark_key(m) for m in brand.marks]
        if len(set(keys)) == len(keys) and not seen.intersection(keys):
            seen.update(keys)
            kept.append(brand)
    return kept


def write_registry(brands: list[Brand], path: Path) -> None:
    entries = []
    for b in brands:
        entry: dict[str, object] = {"name": b.name}
        if b.aliases:
            entry["aliases"] = list(b.aliases)
        entry.update(
            categories=list(b.categories),
            price_floor=b.price_floor,
            authorized_sellers=list(b.authorized_sellers),
        )
        entries.append(entry)
    path.write_text(
        yaml.safe_dump({"brands": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def write_listings(listings: Iterable[Listing], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for x in listings:
            assert x.seller is not None
            record = {
                "id": x.id,
                "platform": "bench",
                "title": x.title,
                "price": x.price,
                "category": x.category,
                "seller": {"id": x.seller.id, "name": x.seller.name},
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


@dataclass
class Run:
    cpu: float  # user + system seconds of the child
    wall: float
    peak_mb: float


def run_markwatch(registry: Path, listings: Path, home: Path, jobs: int) -> Run:
    """`markwatch score` in a child process, as a user runs it; its CPU time, wall time and peak memory
    (with --jobs, the workers' CPU time is counted too: they are its children)."""
    command = [sys.executable, str(ROOT / "markwatch.py"), "score", str(listings), "--brands", str(registry)]
    command += ["--out", os.devnull, "--jobs", str(jobs)]
    env = {**os.environ, "MARKWATCH_HOME": str(home), "PYTHONPATH": str(ROOT)}
    w0 = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"markwatch score failed ({child.returncode}): {err.decode()[-2000:]}")
    return Run(usage.ru_utime + usage.ru_stime, time.perf_counter() - w0, usage.ru_maxrss / 1024)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--brands", type=int, default=10_000)
    ap.add_argument("--listings", default="20000,100000", help="comma-separated listing counts")
    ap.add_argument("--baseline-sample", type=int, default=300)
    ap.add_argument("--jobs", type=int, default=1, help="markwatch score --jobs")
    args = ap.parse_args()
    counts = [int(n) for n in args.listings.split(",")]
    print(f"machine: {describe()}")
    rng = random.Random(42)
    brands = unique_marks(make_brands(args.brands + args.brands // 25, rng))[: args.brands]
    marks = [fold(m) for b in brands for m in b.marks]
    work = Path(tempfile.mkdtemp(prefix="markwatch-bench-"))
    try:
        registry = work / "brands.yaml"
        write_registry(brands, registry)
        files = {}
        for n in [1, *counts]:
            files[n] = work / f"listings-{n}.jsonl"
            write_listings(make_listings(n, brands, random.Random(1)), files[n])
        print(
            f"registry: {len(brands):,} brands, {len(marks):,} marks "
            f"({registry.stat().st_size / 1e6:.1f} MB of YAML); "
            f"listings: {', '.join(f'{n:,}' for n in counts)}"
        )

        sample = list(make_listings(args.baseline_sample, brands, random.Random(7)))
        scorers = (("partial_ratio", fuzz.partial_ratio), ("WRatio", fuzz.WRatio))
        half = max(1, len(sample) // 2)
        spent = {name: 0.0 for name, _ in scorers}

        def run_baseline(part: list[Listing]) -> None:
            # half of the sample before markwatch's runs and half after, so that a change of load on
            # the machine during the run affects both sides alike
            for name, scorer in scorers:
                t0 = time.process_time()
                for x in part:
                    process.extractOne(fold(x.title), marks, scorer=scorer)
                spent[name] += time.process_time() - t0

        run_baseline(sample[:half])
        home = work / "home"
        cold = run_markwatch(registry, files[1], home, 1)  # an empty cache: builds and stores the index
        warm = run_markwatch(registry, files[1], home, 1)
        runs = {n: run_markwatch(registry, files[n], home, args.jobs) for n in counts}
        run_baseline(sample[half:])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rates = {name: len(sample) / spent[name] for name, _ in scorers}
    for name, rate in rates.items():
        print(
            f"baseline: rapidfuzz process.extractOne(title, marks, scorer=fuzz.{name}) over {len(marks):,} "
            f"marks: {rate:,.1f} listings/s CPU (measured on {len(sample)}, half before and half after)"
        )
    print(
        f"start-up (one listing, whole process): {cold.cpu:.2f} s CPU ({cold.wall:.1f} s wall) with an empty "
        f"cache, {warm.cpu:.2f} s CPU ({warm.wall:.1f} s wall) with the compiled registry cached "
        "(target < 2 s)"
    )
    base = rates["partial_ratio"]
    for n, run in runs.items():
        target = 10 if n <= 20_000 else 20
        first = run.cpu + cold.cpu - warm.cpu  # the same run after a change of the registry
        print(
            f"markwatch score --jobs {args.jobs}, {n:,} listings, whole process: {run.cpu:.1f} s CPU "
            f"({run.wall:.1f} s wall) = {n / run.cpu:,.0f} listings/s; "
            f"{n / run.cpu / base:.1f}x partial_ratio (target >= {target}x), "
            f"{n / run.cpu / rates['WRatio']:.1f}x WRatio; "
            f"right after a registry change {n / first / base:.1f}x partial_ratio; "
            f"peak memory {run.peak_mb:,.0f} MB (target < 1024 MB); "
            f"the baseline would take {n / base / 60:.1f} min CPU"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this bench process (the generated data): {own:,.0f} MB")


if __name__ == "__main__":
    main()
