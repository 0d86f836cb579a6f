"""The listing record in, the score record out: bad input is refused with the field named."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from scoring import Brand, Listing, Reason, Registry, Score, score
from scoring.records import parse_line, score_to_record


def test_only_id_and_title_are_required():
    x = Listing.from_record({"id": "a:1", "title": "康帅傅 红烧牛肉面"})
    assert x.title == "康帅傅 红烧牛肉面" and x.price is None and x.seller is None and x.currency == "CNY"


def test_full_record_is_parsed_with_types():
    rec = {
        "id": "demo-static:10023",
        "platform": "demo-static",
        "url": "http://127.0.0.1:8801/item/10023",
        "title": "康帅傅 红烧牛肉面 5连包",
        "price": 9.9,
        "currency": "CNY",
        "category": "方便面",
        "seller": {"id": "s-88", "name": "好味食品店", "opened": "2026-06-01", "rating": 4.1},
        "sold": 1200,
        "description": "...",
        "images": ["http://x/a.jpg"],
        "seen_at": "2026-11-28T09:00:00+08:00",
    }
    x = Listing.from_record(rec)
    assert x.seller is not None and x.seller.opened == dt.date(2026, 6, 1) and x.seller.rating == 4.1
    assert x.seen_at is not None and x.seen_at.utcoffset() == dt.timedelta(hours=8)
    assert x.images == ("http://x/a.jpg",) and x.sold == 1200


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": "1"}, "title"),
        ({"id": "1", "title": "  "}, "title"),
        ({"title": "x"}, "id"),
        ({"id": "1", "title": "x", "price": "abc"}, "price"),
        ({"id": "1", "title": "x", "price": -3}, "price"),
        ({"id": "1", "title": "x" * 10_001}, "title"),
        ({"id": "1", "title": 42}, "title"),
        ({"id": "1", "title": "x", "seller": "shop"}, "seller"),
        ({"id": "1", "title": "x", "seller": {"opened": "yesterday"}}, "seller.opened"),
        ({"id": "1", "title": "x", "images": "a.jpg"}, "images"),
        ({"id": "1", "title": "x", "seen_at": "noon"}, "seen_at"),
        ({"id": "1", "title": "x", "image_hashes": ["zz"]}, "image_hashes"),
    ],
)
def test_bad_fields_are_named(record, field):
    with pytest.raises(ValueError, match=f"'{field}'"):
        Listing.from_record(record)


def test_price_as_numeric_string_is_accepted():
    assert Listing.from_record({"id": "1", "title": "x", "price": "¥1,299.00"}).price == 1299.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"\xff\xfe not utf-8", "UTF-8"),
        ("{not json", "not JSON"),
        ("[1, 2]", "JSON object"),
        ("", "empty"),
        ('{"id": "1", "title": "' + "长" * 1_000_000 + '"}', "title"),
    ],
)
def test_parse_line_refuses_unreadable_lines(line, message):
    with pytest.raises(ValueError, match=message):
        parse_line(line)


def test_parse_line_reads_bytes_and_text():
    assert parse_line('{"id": "x", "title": "雪碧 330ml"}'.encode()).title == "雪碧 330ml"
    assert parse_line('{"id": 7, "title": "Nike"}\n').id == "7"


def test_score_record_has_exactly_the_documented_fields():
    s = Score(
        "a",
        0.93456,
        True,
        "康师傅",
        "lookalike_mark",
        (Reason("lookalike", 0.71234, "康帅傅 ≈ 康师傅"),),
        features={"lookalike": 0.9},
    )
    rec = score_to_record(s)
    assert list(rec) == ["id", "risk", "flagged", "brand", "violation", "reasons"]
    assert rec["risk"] == 0.935 and rec["reasons"] == [
        {"signal": "lookalike", "weight": 0.712, "detail": "康帅傅 ≈ 康师傅"}
    ]
    json.dumps(rec, ensure_ascii=False)


def test_a_real_score_round_trips_to_json():
    reg = Registry([Brand("康师傅", categories=("方便面",))])
    s = score(Listing("x", "康帅傅 红烧牛肉面 5连包", category="方便面", price=9.9), reg)
    rec = json.loads(json.dumps(score_to_record(s), ensure_ascii=False))
    assert rec["flagged"] is True and rec["brand"] == "康师傅" and rec["violation"] == "lookalike_mark"
    assert abs(sum(r["weight"] for r in rec["reasons"]) - rec["risk"]) < 0.01


def test_registry_from_yaml_dict():
    reg = Registry.from_yaml_dict(
        {
            "brands": [
                {
                    "name": "康师傅",
                    "aliases": ["Master Kong"],
                    "owner": "康师傅控股有限公司",
                    "registrations": [{"number": "1234567", "nice_class": 30}],
                    "categories": ["方便面", "饮料"],
                    "price_floor": 3.0,
                    "authorized_sellers": ["康师傅官方旗舰店"],
                    "official_images": ["images/ksf-1.jpg"],
                }
            ]
        }
    )
    b = reg.brands[0]
    assert b.aliases == ("Master Kong",) and b.nice_classes == (30,) and b.price_floor == 3.0
    assert b.marks == ("康师傅", "Master Kong")


def test_score_lines_keeps_order_and_reports_bad_lines():
    from scoring.records import score_lines

    reg = Registry([Brand("康师傅", categories=("方便面",))])
    lines = [
        '{"id": "a", "title": "康帅傅 牛肉面", "category": "方便面"}'.encode(),
        b"\xff\xfe",
        b"",
        '{"id": "c", "title": "x", "price": "abc"}',
        '{"id": "d", "title": "纯棉毛巾"}',
    ]
    out = list(score_lines(lines, reg))
    assert [r["id"] for r, _, _ in out] == ["a", None, "c", "d"]
    assert out[0][0]["flagged"] is True and out[0][2] is not None
    assert "error" in out[1][0] and "UTF-8" in out[1][0]["error"]
    assert "price" in out[2][0]["error"] and out[2][1] is None
    assert out[3][0]["flagged"] is False


# values that parse as JSON but break later steps: an integer beyond 64 bits (SQLite), a lone
# surrogate (UTF-8 encoding), a nesting deeper than the JSON parser's recursion
HOSTILE = [
    ('{"id": "h:1", "title": "康师傅 红烧牛肉面", "sold": 9223372036854775808}', "sold"),
    ('{"id": "h:2", "title": "康师傅 \\ud800 红烧牛肉面"}', "title"),
    ('{"id": "h:3", "title": "x", "images": ' + "[" * 100_000 + "]" * 100_000 + "}", "images"),
    ('{"id": "h:4", "title": "x", "price": ' + "9" * 5000 + "}", "price"),
    ('{"id": "h:5", "title": "x", "price": 1e13}', "price"),
    ('{"id": "h:6", "title": "x", "seller": {"id": "s", "name": "好店\\u0000"}}', "seller.name"),
    ('{"id": "h:7", "title": "x", "seller": {"rating": -1}}', "seller.rating"),
    ('{"id": "h:8", "title": "x", "category": "' + "类" * 201 + '"}', "category"),
    ('{"id": "h:9", "title": "x", "images": ["\\udfff.jpg"]}', "images[0]"),
]


@pytest.mark.parametrize(("line", "field"), HOSTILE)
def test_out_of_range_values_are_refused_naming_the_field(line, field):
    with pytest.raises(ValueError, match=re.escape(f"'{field}'")):
        parse_line(line)


def test_a_batch_goes_on_past_each_hostile_line_with_one_error_record_each():
    from scoring.records import score_lines

    reg = Registry([Brand("康师傅", categories=("方便面",), nice_classes=(30,))])
    good = [
        json.dumps({"id": f"g:{i}", "title": "康帅傅 红烧牛肉面 5连包", "category": "方便面"})
        for i in range(3)
    ]
    lines = [good[0], *(line for line, _ in HOSTILE), good[1], good[2]]
    out = [record for record, _, _ in score_lines(lines, reg)]
    assert len(out) == len(lines)
    assert [r["id"] for r in out if "error" not in r] == ["g:0", "g:1", "g:2"]
    errors = [r for r in out if "error" in r]
    assert len(errors) == len(HOSTILE)
    for record, (_, field) in zip(errors, HOSTILE, strict=True):
        assert f"'{field}'" in record["error"]
        json.dumps(record, ensure_ascii=False).encode("utf-8")  # every error record can be written
    assert all(r["flagged"] for r in out if "error" not in r)
