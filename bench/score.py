"""Scoring speed: 10,000 synthetic brands × 100,000 synthetic listings, the whole process.

    python bench/score.py [--brands N] [--listings N] [--baseline-sample N]

Titles are product words, a mark or a mutated mark (insertion, omission, substitution, spacing), and
words of a 30,000-word synthetic vocabulary (10% of listings carry a never-seen random string).
Prints throughput (CPU seconds of this process, so other load on the machine does not skew the
ratio; wall time is shown too), the naive baseline (rapidfuzz process.extractOne of the title over every mark,
measured on a sample in the same run and extrapolated), the speed-up, and peak memory (ru_maxrss).
Not a test.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process  # noqa: E402

from scoring import Brand, Listing, Registry, Seller, score_many  # noqa: E402
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--brands", type=int, default=10_000)
    ap.add_argument("--listings", type=int, default=100_000)
    ap.add_argument("--baseline-sample", type=int, default=300)
    args = ap.parse_args()
    rng = random.Random(42)
    t0 = time.perf_counter()
    brands = make_brands(args.brands, rng)
    registry = Registry(brands)
    _ = registry.index
    t_index = time.perf_counter() - t0
    marks = [fold(m) for b in brands for m in b.marks]
    print(f"registry: {len(brands)} brands, {len(marks)} marks, index built in {t_index:.1f} s")

    # naive baseline on a sample, same kind of listings
    sample = list(make_listings(args.baseline_sample, brands, random.Random(7)))
    # CPU time of this process, so that other load on the machine does not skew the comparison.
    # Two naive baselines: process.extractOne as it comes (default scorer WRatio), and with the
    # cheaper partial_ratio scorer that bench/quality.py uses as its quality baseline.
    scorers = (("default scorer (WRatio)", fuzz.WRatio), ("partial_ratio", fuzz.partial_ratio))
    half = max(1, len(sample) // 2)
    spent = {name: 0.0 for name, _ in scorers}

    def run_baseline(part: list[Listing]) -> None:
        # half of the sample before markwatch's run and half after, so that a change of load on the
        # machine during the run affects both sides alike
        for name, scorer in scorers:
            t0 = time.process_time()
            for x in part:
                process.extractOne(fold(x.title), marks, scorer=scorer)
            spent[name] += time.process_time() - t0

    run_baseline(sample[:half])
    t0, w0 = time.process_time(), time.perf_counter()
    flagged = 0
    n = 0
    for s in score_many(make_listings(args.listings, brands, random.Random(1)), registry):
        n += 1
        flagged += s.flagged
    elapsed = time.process_time() - t0
    wall = time.perf_counter() - w0
    rate = n / elapsed
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the second half
    run_baseline(sample[half:])
    rates = {name: len(sample) / spent[name] for name, _ in scorers}
    for name, r in rates.items():
        print(
            f"baseline: rapidfuzz process.extractOne, {name}, over {len(marks)} marks: "
            f"{r:,.1f} listings/s (measured on {len(sample)}, half before and half after)"
        )
    print(
        f"markwatch: {n:,} listings in {elapsed:.1f} s CPU ({wall:.1f} s wall) = {rate:,.0f} listings/s, "
        f"{flagged:,} flagged"
    )
    for (name, _), base_rate in zip(scorers, rates.values(), strict=True):
        # the target is against extractOne as it comes; partial_ratio is a stricter reference
        judged = "target ≥ 20x" if name.startswith("default") else "for reference, no target"
        print(
            f"speed-up over baseline ({name}): {rate / base_rate:.1f}x ({judged}); "
            "the baseline would take "
            f"{n / base_rate / 60:.1f} min CPU for the same {n:,} listings"
        )
    print(f"peak memory (whole process): {peak_mb:,.0f} MB (target < 1024 MB)")


if __name__ == "__main__":
    main()
