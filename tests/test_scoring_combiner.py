"""The combiner, calibration from reviewer decisions, streaming, routing and the squatting check."""

from __future__ import annotations

import random

import pytest

from scoring import (
    DEFAULT_DEPARTMENTS,
    DEFAULT_THRESHOLD,
    Brand,
    CombinerModel,
    Listing,
    Registry,
    resemblance,
    score,
    score_many,
)
from scoring.calibration import fit

REG = Registry(
    [
        Brand("康师傅", ("Master Kong",), categories=("方便面",), nice_classes=(30,), price_floor=3.0),
        Brand("耐克", ("Nike",), categories=("运动鞋",), nice_classes=(25,), price_floor=300),
        Brand("海飞丝", ("Head & Shoulders",), categories=("洗发水",), nice_classes=(3,)),
    ]
)


def test_routing_table_and_threshold():
    assert DEFAULT_DEPARTMENTS["counterfeit_mark"] == "商标处"
    assert DEFAULT_DEPARTMENTS["lookalike_mark"] == "公平交易处"
    assert DEFAULT_DEPARTMENTS["false_advertising"] == "广告处"
    assert DEFAULT_DEPARTMENTS["banned_agri_input"] == "市场处"
    assert DEFAULT_DEPARTMENTS["substandard_fuel"] == "消保处"
    assert 0 < DEFAULT_THRESHOLD < 1


def test_reasons_add_up_to_the_risk_and_the_threshold_decides():
    s = score(Listing("a", "Nlke 跑步鞋 高仿 1:1", category="运动鞋", price=59), REG)
    assert s.flagged and s.department == "公平交易处"
    assert abs(sum(r.weight for r in s.reasons) - s.risk) < 1e-6
    weak = score(Listing("b", "Nlke 跑步鞋", category="运动鞋"), REG)
    assert weak.flagged and weak.risk < 0.999
    assert not score(Listing("b", "Nlke 跑步鞋", category="运动鞋"), REG, threshold=weak.risk + 1e-3).flagged


def test_unrelated_listing_scores_low_with_no_brand():
    s = score(Listing("z", "纯棉毛巾 三条装", category="家纺"), REG)
    assert (s.flagged, s.brand, s.violation, s.reasons) == (False, None, None, ())


def test_score_many_streams_in_input_order():
    listings = (
        Listing(f"id{i}", t, category="运动鞋")
        for i, t in enumerate(["Nike 跑步鞋", "Nlke 跑步鞋", "毛巾"] * 50)
    )
    out = score_many(listings, REG)
    first = next(out)
    assert first.id == "id0"
    rest = list(out)
    assert [s.id for s in rest] == [f"id{i}" for i in range(1, 150)]


def _examples(n: int, seed: int = 1):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        look = rng.random()
        cue = rng.choice([0.0, 0.0, 0.5, 1.0])
        confirmed = look + 0.6 * cue + rng.gauss(0, 0.15) > 0.9
        out.append(({"lookalike": look, "counterfeit_cue": cue}, confirmed))
    return out


def test_fit_returns_none_with_too_few_decisions():
    assert fit(_examples(10)) is None
    assert fit([({"lookalike": 0.9}, True)] * 40) is None  # one class only


def test_fit_learns_weights_and_a_threshold():
    model = fit(_examples(400))
    assert model is not None and model.n_examples == 400 and model.version.startswith("fit-")
    assert model.weights["lookalike"] > 0 and model.weights["counterfeit_cue"] > 0
    assert model.threshold is not None and 0 < model.threshold < 1
    assert model.risk({"lookalike": 0.95, "counterfeit_cue": 1.0}) > model.risk({"lookalike": 0.1})


def test_model_round_trips_through_json_and_is_used_by_score():
    model = fit(_examples(200))
    assert model is not None
    again = CombinerModel.from_json(model.to_json())
    assert again == model
    s = score(Listing("a", "Nlke 跑步鞋", category="运动鞋"), REG, model=again)
    assert s.model_version == model.version and "lookalike" in s.features


@pytest.mark.parametrize(
    "text", ["{}", "not json", '{"format": "markwatch-combiner/1", "weights": {"a": "x"}}']
)
def test_bad_model_json_is_refused(text):
    with pytest.raises(ValueError):
        CombinerModel.from_json(text)


def test_features_are_exposed_for_storage_but_not_in_the_record():
    from scoring.records import score_to_record

    s = score(Listing("a", "康帅傅 红烧牛肉面", category="方便面"), REG)
    assert s.features["lookalike"] > 0.6
    assert "features" not in score_to_record(s)


@pytest.mark.parametrize(
    ("mark", "brand"),
    [
        ("康帅傅", "康师傅"),
        ("康师傅", "康师傅"),
        ("Nlke", "耐克"),
        ("NIKE", "耐克"),
        ("海飛絲", "海飞丝"),
        ("水每飞丝", "海飞丝"),
    ],
)
def test_resemblance_finds_the_imitated_brand(mark, brand):
    got = resemblance(mark, REG)
    assert got and got[0][0] == brand and 0 < got[0][1] <= 1 and got[0][2]


@pytest.mark.parametrize("mark", ["统一", "白象", "Adidas", "安踏"])
def test_resemblance_is_empty_for_distinct_marks(mark):
    assert resemblance(mark, REG) == []
