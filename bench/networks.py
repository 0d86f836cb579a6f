"""Seller networks: clustering quality on the demo's seeded operations, and the time and memory to build
networks over a million synthetic listings.

    python bench/networks.py [--demo-size N] [--seed N] [--listings N] [--sellers N] [--skip-scale]

1. **Demo.** Every listing of the demo catalogue (both platforms) read as the crawler sees it: title,
   description, the shop block (name, licence, address, contact line) and the perceptual hashes of
   its images (``brands.scorer.image_phash``, as the crawler computes them). Signals
   (``networks.signals.of_listing``), evidence (``networks.rules.decide``) and groups
   (``networks.build.components``) are compared with the catalogue's truth (``label["operation"]``;
   a shop of no seeded operation stands alone): pairwise precision and recall over sellers.
   Targets: P ≥ 0.98, R ≥ 0.95.
2. **Scale.** ``--listings`` synthetic listings (1,000,000) of ``--sellers`` sellers (200,000): 15% of
   sellers in operations of 2–5 shops sharing licences, phones (written with tricks), WeChat ids,
   photos and addresses; every listing with two photos (its own, or a brand's stock photo), a
   quarter of ordinary shops with a phone of their own, shop names from a small pool (collisions),
   and market addresses thousands of shops give. The same three steps, timed (wall and CPU), with the
   peak memory of the process (ru_maxrss). Target: under 10 minutes and 2 GB on 2 cores.

Figures only; not a test.
"""

from __future__ import annotations

import argparse
import io
import itertools
import random
import resource
import string
import sys
import time
from collections.abc import Iterator
from pathlib import Path

# the project first, and not bench/ itself: its queue.py would stand in for the standard library's
HERE = Path(__file__).resolve().parent
sys.path[:] = [str(HERE.parent), *(p for p in sys.path if Path(p or ".").resolve() != HERE)]

from stdnum.cn import uscc  # noqa: E402

from networks.build import components  # noqa: E402
from networks.rules import Sighting, decide  # noqa: E402
from networks.signals import of_listing  # noqa: E402


def pairwise(predicted: list[set[int]], truth: dict[int, str]) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of predicted groups against true group labels (seller → label)."""
    same_pred = set()
    for group in predicted:
        same_pred |= {(a, b) for a, b in itertools.combinations(sorted(group), 2)}
    by_label: dict[str, list[int]] = {}
    for seller, label in truth.items():
        by_label.setdefault(label, []).append(seller)
    same_true = {
        (a, b) for members in by_label.values() for a, b in itertools.combinations(sorted(members), 2)
    }
    hit = len(same_pred & same_true)
    precision = hit / len(same_pred) if same_pred else 1.0
    recall = hit / len(same_true) if same_true else 1.0
    return precision, recall, len(same_pred), len(same_true)


# --- 1. the demo ------------------------------------------------------------------------------------


def demo(size: int, seed: int) -> None:
    from brands.scorer import image_phash
    from demo.catalogue import build_catalogue
    from demo.images import render_tile

    listings = build_catalogue(size, seed)
    ids: dict[tuple[str, str], int] = {}
    truth: dict[int, str] = {}
    sightings: list[Sighting] = []
    phash_of: dict[object, str] = {}
    for n, x in enumerate(listings):
        seller = ids.setdefault((x.platform, x.seller.id), len(ids) + 1)
        truth[seller] = x.label["operation"] or f"shop:{x.platform}:{x.seller.id}"
        hashes = []
        for spec in x.images:
            if spec not in phash_of:
                phash_of[spec] = image_phash(io.BytesIO(render_tile(spec)))
            hashes.append(phash_of[spec])
        page = x.seller.page()
        shop = {
            "address": f"退货地址：{page['address']}" if page["address"] else None,
            "contact": page["contact"],
        }
        for found in of_listing(
            title=x.title,
            description=x.description,
            seller_name=x.seller.name,
            seller_licence=x.seller.licence,
            shop=shop,
            image_hashes=hashes,
        ):
            sightings.append(Sighting(seller, found.kind, found.value, n))
    from demo.catalogue import load_brands

    official = _official_phashes(load_brands())
    decision = decide(sightings, official=official)
    groups = components((e.seller_a_id, e.seller_b_id) for e in decision.edges)
    precision, recall, predicted, true = pairwise(groups, truth)
    shops_of: dict[str, int] = {}
    for label in truth.values():
        shops_of[label] = shops_of.get(label, 0) + 1
    operations = {label for label, n in shops_of.items() if n >= 2}
    found_ops = {frozenset(truth[s] for s in g) for g in groups}
    whole = sum(1 for op in operations if frozenset({op}) in found_ops)
    print(f"demo ({len(listings)} listings, {len(truth)} shops, seed {seed}):")
    print(f"  {len(operations)} true operations of two or more shops (seeded, and brands' authorised shops)")
    print(f"  pairwise precision {precision:.3f} (target 0.98), recall {recall:.3f} (target 0.95)")
    print(
        f"  {predicted} predicted pairs, {true} true pairs; {whole}/{len(operations)} operations found whole"
    )
    for group in groups:
        labels = sorted({truth[s] for s in group})
        if len(labels) > 1:
            kinds = sorted({(e.kind, e.values[0]) for e in decision.edges if e.seller_a_id in group})
            print(f"  mixed group: {labels}, joined by {kinds}")


def _official_phashes(brands: tuple[dict[str, object], ...]) -> set[str]:
    """The demo brands' official images as the registry import hashes them (demo/brands.yaml names none:
    the brand tiles the demo draws are its official look, reused by counterfeits)."""
    return set()


# --- 2. scale ---------------------------------------------------------------------------------------

PHONE_FORMS = (
    lambda p: f"电话 {' '.join(p[:3])}-{p[3:7]}-{p[7:]}",
    lambda p: "手机：" + p.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    lambda p: "电话 " + "".join("〇一二三四五六七八九"[int(c)] for c in p),
    lambda p: f"☎ {p[:3]}❤{p[3:7]}❤{p[7:]}",
    lambda p: f"联系 {p}",
)
WECHAT_FORMS = ("微❤：{}", "薇信 {}", "V信: {}", "加威 {}", "vx：{}")
WORDS = ("正品", "新款", "包邮", "特价", "清仓", "现货", "热卖", "官方", "爆款", "精选", "套装", "礼盒")
NAMES = [
    a + b
    for a in "好优鑫晨惠佳乐百金诚老小星云福顺宏天悦匠青木南阿"
    for b in "味品源光民佳购汇牌信街鹿辰端满发达天享心禾子山杰"
]
SUFFIXES = ("食品店", "百货", "专营店", "旗舰店", "小铺", "商行", "优选", "生活馆")
MARKETS = [f"浙江省金华市义乌市国际商贸城{d}区{n}号门" for d in "一二三四五" for n in range(1, 11)]


def _usccs(rng: random.Random) -> Iterator[str]:
    while True:
        first17 = "91" + "440300" + "".join(rng.choice(string.digits) for _ in range(9))
        yield first17 + uscc.calc_check_digit(first17)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("35789") + "".join(rng.choice(string.digits) for _ in range(9))


def _hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def synthetic(
    listings: int, sellers: int, seed: int
) -> tuple[Iterator[tuple[int, int, dict[str, object]]], dict[int, str]]:
    """(listing id, seller id, of_listing keyword arguments) lazily, and the truth (seller → group)."""
    rng = random.Random(f"bench-networks:{seed}")
    codes = _usccs(rng)
    truth: dict[int, str] = {}
    profile: dict[int, dict[str, object]] = {}
    seller = 1
    op = 0
    while seller <= sellers * 0.15:  # operations
        op += 1
        size = rng.randint(2, 5)
        shared = {"licence": next(codes), "phone": _phone(rng), "wechat": f"op{op}_{rng.randint(100, 999)}kf",
                  "address": f"广东省广州市白云区工业大道{op}号", "photo": _hex(rng)}  # fmt: skip
        links = [rng.choice(("licence", "phone", "wechat", "photo+address")) for _ in range(size - 1)]
        for i in range(size):
            shows = set()
            for link in links[max(0, i - 1) : i + 1]:
                shows |= set(link.split("+"))
            contact = []
            if "phone" in shows:
                contact.append(rng.choice(PHONE_FORMS)(str(shared["phone"])))
            if "wechat" in shows:
                contact.append(rng.choice(WECHAT_FORMS).format(shared["wechat"]))
            profile[seller] = {
                "name": rng.choice(NAMES) + rng.choice(SUFFIXES),
                "licence": shared["licence"] if "licence" in shows else next(codes),
                "contact": "，".join(contact) or None,
                "address": f"退货地址：{shared['address']}" if "address" in shows else None,
                "photo": shared["photo"] if "photo" in shows else None,
            }
            truth[seller] = f"op-{op}"
            seller += 1
    stock = [_hex(rng) for _ in range(2000)]
    while seller <= sellers:  # ordinary shops
        profile[seller] = {
            "name": rng.choice(NAMES) + rng.choice(SUFFIXES),
            "licence": next(codes) if rng.random() < 0.8 else None,
            "contact": rng.choice(PHONE_FORMS)(_phone(rng)) if rng.random() < 0.25 else None,
            "address": f"地址：{rng.choice(MARKETS)}" if rng.random() < 0.3 else None,
            "photo": None,
        }
        truth[seller] = f"shop-{seller}"
        seller += 1

    def listings_iter() -> Iterator[tuple[int, int, dict[str, object]]]:
        for n in range(1, listings + 1):
            s = rng.randint(1, sellers)
            p = profile[s]
            own = p["photo"] if p["photo"] and rng.random() < 0.7 else _hex(rng)
            price, sold, day = rng.randint(9, 2999), rng.randint(0, 50000), rng.randint(1, 28)
            contact = f"｜{p['contact']}" if p["contact"] and rng.random() < 0.5 else ""
            words = rng.choice(WORDS), rng.randint(1, 99999), rng.choice(WORDS), rng.randint(100, 9999)
            yield n, s, {
                "title": "{} 商品{} {} 型号A{}".format(*words),
                "description": f"券后¥{price} 已售{sold}件 2026-11-{day:02d}发货{contact}",
                "seller_name": p["name"],
                "seller_licence": p["licence"],
                "shop": {"address": p["address"], "contact": p["contact"]},
                "image_hashes": [own, rng.choice(stock)],
            }  # fmt: skip

    return listings_iter(), truth


def scale(listings: int, sellers: int, seed: int) -> None:
    generated, truth = synthetic(listings, sellers, seed)
    started, cpu = time.perf_counter(), time.process_time()
    extract_seconds = 0.0

    def sightings() -> Iterator[Sighting]:
        nonlocal extract_seconds
        for n, seller, fields in generated:
            t = time.perf_counter()
            found = of_listing(**fields)  # type: ignore[arg-type]
            extract_seconds += time.perf_counter() - t
            for f in found:
                yield Sighting(seller, f.kind, f.value, n)

    decision = decide(sightings())
    decided = time.perf_counter()
    groups = components(((e.seller_a_id, e.seller_b_id) for e in decision.edges), ())
    done = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    precision, recall, _, _ = pairwise(groups, truth)
    print(f"scale ({listings:,} listings, {sellers:,} sellers, synthetic):")
    print(f"  build: {done - started:.1f} s wall ({time.process_time() - cpu:.1f} s CPU), target < 600 s")
    print(f"    signals {extract_seconds:.1f} s, evidence {decided - started - extract_seconds:.1f} s "
          f"(with generating the listings), components {done - decided:.1f} s")  # fmt: skip
    print(f"  {len(decision.edges):,} edges, {len(groups):,} networks")
    print(f"  pairwise precision {precision:.3f}, recall {recall:.3f} against the synthetic truth")
    print(f"  peak memory {peak:,.0f} MiB (ru_maxrss, whole process), target < 2048 MiB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-size", type=int, default=300, help="listings per demo platform")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--sellers", type=int, default=200_000)
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    demo(args.demo_size, args.seed)
    if not args.skip_scale:
        scale(args.listings, args.sellers, args.seed)


if __name__ == "__main__":
    main()
