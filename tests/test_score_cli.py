"""`markwatch score`: one score record per input line, in order; bad lines reported and skipped;
`--queue` stores listings and keeps one lead per listing however often it is scored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REGISTRY = """\
brands:
  - name: 康师傅
    aliases: [Master Kong]
    registrations: [{number: "1234567", nice_class: 30}]
    categories: [方便面, 饮料]
    price_floor: 3.0
    authorized_sellers: [康师傅官方旗舰店]
  - name: Nike
    aliases: [耐克]
    registrations: [{number: "7654321", nice_class: 25}]
    categories: [运动鞋, 服装]
    price_floor: 299
    authorized_sellers: [Nike官方旗舰店]
"""

LINES = [
    {
        "id": "feed:1",
        "title": "康帅傅 红烧牛肉面 5连包",
        "price": 9.9,
        "category": "方便面",
        "sold": 300,
        "seller": {"id": "s-88", "name": "好味食品店"},
    },
    "not json at all",
    {
        "id": "feed:2",
        "title": "Nlke 男士气垫跑鞋",
        "price": 129,
        "category": "运动鞋",
        "seller": {"id": "s-9", "name": "潮鞋馆"},
    },
    {"id": "feed:3", "title": "没有价格的标题", "price": "abc"},
    {"id": "feed:4", "title": "烟台红富士苹果 5斤装 新鲜水果", "price": 39, "category": "水果"},
    {"id": "feed:5"},
    {"id": "feed:6", "title": "康" * 350_000},
    {
        "id": "feed:7",
        "title": "康师傅 红烧牛肉面 5连包",
        "price": 12.5,
        "category": "方便面",
        "seller": {"id": "s-1", "name": "康师傅官方旗舰店"},
    },
]


def feed(tmp_path: Path, lines=LINES, extra: bytes = b"") -> Path:
    path = tmp_path / "feed.jsonl"
    body = "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n"
    path.write_bytes(body.encode("utf-8") + extra)
    return path


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "brands.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_one_record_per_line_in_input_order_and_bad_lines_do_not_stop_the_run(cli, tmp_path, registry):
    result = cli(
        "score", feed(tmp_path, extra=b'{"id": "feed:8", "title": "\xff\xfe"}\n'), "--brands", registry
    )
    assert result.exit_code == 1  # some lines failed
    out = records(result.stdout)
    assert [r.get("id") for r in out] == [
        "feed:1",
        None,
        "feed:2",
        "feed:3",
        "feed:4",
        "feed:5",
        "feed:6",
        "feed:7",
        "feed:8",  # the id is still readable though the title is not UTF-8
    ]
    errors = {i: r["error"] for i, r in enumerate(out) if "error" in r}
    assert "line 2" in errors[1] and "JSON" in errors[1]
    assert "'price'" in errors[3] and "abc" in errors[3]
    assert "'title'" in errors[5]
    assert "'title'" in errors[6] and "10000" in errors[6].replace(",", "")
    assert "UTF-8" in errors[8]
    assert "3 line(s) failed" not in result.stderr and "5 line(s) failed" in result.stderr


def test_lookalikes_are_flagged_and_genuine_and_innocent_listings_are_not(cli, tmp_path, registry):
    out = {r["id"]: r for r in records(cli("score", feed(tmp_path), "--brands", registry).stdout)}
    assert out["feed:1"]["flagged"] and out["feed:1"]["brand"] == "康师傅"
    assert out["feed:2"]["flagged"] and out["feed:2"]["brand"] == "Nike"
    assert not out["feed:4"]["flagged"]  # apples are not a brand here
    assert not out["feed:7"]["flagged"]  # the brand's own shop
    assert out["feed:1"]["reasons"] and all(
        {"signal", "weight", "detail"} <= set(r) for r in out["feed:1"]["reasons"]
    )


def test_explain_prints_reasons_in_chinese_without_touching_the_records(cli, tmp_path, registry):
    plain = cli("score", feed(tmp_path), "--brands", registry)
    explained = cli("score", feed(tmp_path), "--brands", registry, "--explain")
    assert explained.stdout == plain.stdout
    assert "康帅傅" in explained.stderr and "康师傅" in explained.stderr


def test_out_file(cli, tmp_path, registry):
    target = tmp_path / "scores.jsonl"
    result = cli("score", feed(tmp_path), "--brands", registry, "--out", target)
    assert result.stdout == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(LINES)


def test_out_dash_is_standard_output(cli, tmp_path, registry, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("score", feed(tmp_path), "--brands", registry, "--out", "-")
    assert len(records(result.stdout)) == len(LINES)
    assert not (tmp_path / "-").exists()


def test_an_out_file_that_cannot_be_written_is_refused_by_name(cli, tmp_path, registry):
    result = cli(
        "score", feed(tmp_path), "--brands", registry, "--out", tmp_path / "没有这个目录" / "评分.jsonl"
    )
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "评分.jsonl" in result.stderr


def test_without_brands_the_database_registry_is_used(cli, tmp_path, registry):
    assert cli("db", "upgrade").exit_code == 0
    empty = cli("score", feed(tmp_path))
    assert empty.exit_code == 2 and "no brands to score against" in empty.stderr
    cli("brands", "import", registry)
    out = {r["id"]: r for r in records(cli("score", feed(tmp_path)).stdout)}
    assert out["feed:1"]["brand"] == "康师傅"


def test_queue_stores_listings_and_rescoring_updates_the_lead_never_duplicates(cli, tmp_path, registry):
    cli("db", "upgrade")
    cli("brands", "import", registry)
    first = cli("score", feed(tmp_path), "--queue")
    assert first.exit_code == 1
    stats = json.loads(cli("stats", "--json").stdout)
    flagged = sum(1 for r in records(first.stdout) if r.get("flagged"))
    assert stats["listings"] == 4 and sum(stats["leads"].values()) == flagged >= 2
    cli("score", feed(tmp_path), "--queue")
    again = json.loads(cli("stats", "--json").stdout)
    assert again["listings"] == 4 and again["leads"] == stats["leads"]


def test_a_missing_file_is_refused(cli, tmp_path, registry):
    result = cli("score", tmp_path / "没有.jsonl", "--brands", registry)
    assert result.exit_code == 2 and "没有.jsonl" in result.stderr


def test_queue_goes_on_past_values_that_would_break_storage(cli, tmp_path, registry):
    cli("db", "upgrade")
    cli("brands", "import", registry)
    good = {"id": "feed:ok", "title": "康帅傅 红烧牛肉面 5连包", "price": 9.9, "category": "方便面"}
    path = tmp_path / "hostile.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"id": "feed:big", "title": "康帅傅 红烧牛肉面", "sold": 9223372036854775808}',
                '{"id": "feed:sur", "title": "康帅傅 \\ud800 红烧牛肉面"}',
                '{"id": "feed:deep", "title": "x", "images": ' + "[" * 100_000 + "]" * 100_000 + "}",
                json.dumps(good, ensure_ascii=False),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = cli("score", path, "--queue")
    assert result.exit_code == 1
    out = records(result.stdout)
    assert "'sold'" in out[0]["error"] and "'title'" in out[1]["error"] and "'images'" in out[2]["error"]
    assert out[3]["id"] == "feed:ok" and out[3]["flagged"]
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["listings"] == 1 and sum(stats["leads"].values()) == 1


def test_jobs_give_the_same_records_in_the_same_order_as_one_process(cli, tmp_path, registry):
    # more lines than one batch, bad lines among them, and prices that teach the price statistics as
    # the run goes (the processes must not change what is learned from the listings before)
    kinds = [x for x in LINES if isinstance(x, str) or len(x.get("title", "")) < 100]  # not the huge one
    lines: list = []
    for k in range(1300):
        line = kinds[k % len(kinds)]
        if isinstance(line, dict):
            line = {**line, "id": f"feed:{k}"}
            if k % 3 == 0:
                price = 12.5 if k < 900 else 2.5
                line.update(
                    title="康师傅 红烧牛肉面 5连包", price=price, seller={"id": f"s{k % 7}", "name": "店"}
                )
        lines.append(line)
    path = feed(tmp_path, lines=lines, extra=b'{"id": "feed:x", "title": "\xff"}\n')
    one = cli("score", path, "--brands", registry)
    three = cli("score", path, "--brands", registry, "--jobs", "3")
    assert one.exit_code == three.exit_code == 1  # the bad lines are reported and skipped either way
    assert three.stdout == one.stdout
    assert len(records(three.stdout)) == len(lines) + 1
    assert "line 1301" in records(three.stdout)[-1]["error"]
    assert three.stderr.splitlines()[-1] == one.stderr.splitlines()[-1]


def test_jobs_with_queue_store_and_queue_as_one_process(cli, tmp_path, registry):
    assert cli("db", "upgrade").exit_code == 0
    cli("brands", "import", registry)
    queued = cli("score", feed(tmp_path), "--queue", "--jobs", "2")
    assert "queued" in queued.stderr
    again = cli("score", feed(tmp_path), "--queue")
    assert again.stdout == queued.stdout
