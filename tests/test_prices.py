"""Prices and counts as marketplaces write them: every currency form, decimal commas, split elements,
ranges, 万 and k counts. The property tests write many amounts in each form and read them back."""

from __future__ import annotations

import random

import pytest

from crawler import normalise as n

AMOUNTS = sorted({round(random.Random(seed).uniform(0.01, 99_999), 2) for seed in range(300)})

# how each currency writes an amount (with the decimal separator its sites use)
FORMS = [
    ("¥{dot}", "CNY"),
    ("{dot}元", "CNY"),
    ("RMB {dot}", "CNY"),
    ("£{dot}", "GBP"),
    ("€ {comma}", "EUR"),
    ("EUR {comma}", "EUR"),
    ("{comma} €", "EUR"),
    ("US ${dot}", "USD"),
    ("${dot}", "USD"),
    ("CDN$ {dot}", "CAD"),
    ("HK${dot}", "HKD"),
    ("₹{dot}", "INR"),
    ("NT$ {dot}", "TWD"),
]


def written(amount: float, form: str) -> str:
    dot = f"{amount:,.2f}"  # 1,299.00
    comma = dot.replace(",", " ").replace(".", ",").replace(" ", ".")  # 1.299,00
    return form.format(dot=dot, comma=comma)


@pytest.mark.parametrize(("form", "code"), FORMS)
def test_every_amount_reads_back_in_every_currency_form(form: str, code: str) -> None:
    for amount in AMOUNTS:
        text = written(amount, form)
        assert n.parse_price(text) == amount, text
        assert n.currency_of(text, default=None) == code, text


@pytest.mark.parametrize(("form", "code"), FORMS)
def test_a_range_reads_as_its_lowest_amount(form: str, code: str) -> None:
    rng = random.Random(7)
    for low in AMOUNTS[::7]:
        high = round(low + rng.uniform(0.5, 500), 2)
        for sep in ("-", " - ", "~", "–"):
            text = written(low, form) + sep + written(high, form)
            assert n.parse_price(text) == low, text


def test_whole_and_cents_in_separate_elements_are_one_price() -> None:
    for amount in AMOUNTS:
        whole, cents = f"{amount:.2f}".split(".")
        assert n.parse_price(f"$ {whole} {cents}") == amount
        assert n.parse_price(f"$ {whole} . {cents}") == amount  # the decimal point in its own element


@pytest.mark.parametrize(
    ("text", "price", "currency"),
    [
        ("£8.99", 8.99, "GBP"),
        ("CDN$ 5.77", 5.77, "CAD"),
        ("US $349.99", 349.99, "USD"),
        ("EUR 6,37", 6.37, "EUR"),
        ("EUR 1.299", 1299.0, "EUR"),  # a thousands dot, not a decimal point
        ("€ 97,39 - 128,72", 97.39, "EUR"),
        ("¥149.00 - 159.00", 149.0, "CNY"),
        ("价格 ￥ 5499.00-6799.00", 5499.0, "CNY"),
        ("券后¥89", 89.0, "CNY"),
        ("1.2万", 12000.0, None),
    ],
)
def test_prices_seen_on_real_marketplaces(text: str, price: float, currency: str | None) -> None:
    assert n.parse_price(text) == price
    assert n.currency_of(text, default=None) == currency


def test_a_bare_dollar_is_the_platforms_own_dollar_and_nothing_is_silently_yuan() -> None:
    assert n.currency_of("$5.77", default="CAD") == "CAD"
    assert n.currency_of("US $5.77", default="CAD") == "USD"
    assert n.currency_of("£8.99", default="CNY") == "GBP"  # the page's currency beats the platform's
    assert n.currency_of("8.99", default="CNY") == "CNY"  # nothing on the page: the platform's default


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("1.2万+", 12000),
        ("10万+人付款", 100000),
        ("2k+ bought", 2000),
        ("51601人付款", 51601),
        ("月销3000+", 3000),
        ("5.8万+条评价", 58000),
        ("9700+", 9700),
    ],
)
def test_counts_with_their_units(text: str, count: int) -> None:
    assert n.parse_count(text) == count


def test_counts_read_back_in_every_unit() -> None:
    for thousands in range(1, 2000, 37):
        assert n.parse_count(f"{thousands}k+ bought in past month") == thousands * 1000
        wan = thousands / 10
        assert n.parse_count(f"{wan:g}万+人付款") == round(wan * 10_000)
