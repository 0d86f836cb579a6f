"""How values are shown: money as ¥1,299.00, times in Asia/Shanghai, risk as a percentage."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

CURRENCY_SIGNS = {"CNY": "¥", "RMB": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$"}


@lru_cache(maxsize=4)
def zone(name: str = "Asia/Shanghai") -> ZoneInfo:
    return ZoneInfo(name)


def money(value: float | None, currency: str | None = "CNY") -> str:
    if value is None:
        return "—"
    sign = CURRENCY_SIGNS.get((currency or "CNY").upper(), (currency or "") + " ")
    return f"{sign}{value:,.2f}"


def local_time(value: datetime | None, tz: str = "Asia/Shanghai", *, seconds: bool = False) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def local_date(value: datetime, tz: str = "Asia/Shanghai") -> date:
    return value.astimezone(zone(tz)).date()


def day_start_utc(day: date, tz: str = "Asia/Shanghai") -> datetime:
    """Midnight of a local calendar day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=zone(tz)).astimezone(UTC)


def day_end_utc(day: date, tz: str = "Asia/Shanghai") -> datetime:
    return day_start_utc(day + timedelta(days=1), tz)


def percent(risk: float | None) -> str:
    return "—" if risk is None else f"{risk * 100:.0f}%"


def number(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,}"
