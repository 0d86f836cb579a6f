"""How values are shown: money as ¥1,299.00, times in Asia/Shanghai, risk as a percentage; outside text
with its control characters escaped, and spreadsheet cells that never become formulas."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CURRENCY_SIGNS = {"CNY": "¥", "RMB": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$"}


def zone(name: str = "Asia/Shanghai") -> ZoneInfo:
    return ZoneInfo(name)  # ZoneInfo keeps its own cache of zones


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
    """Risk as a percentage with one decimal, so that 0.9978 and 0.9999 still rank (99.8%, 99.9%):
    only a risk of exactly 1 shows as 100.0%."""
    if risk is None:
        return "—"
    shown = round(risk * 100, 1)
    return f"{min(shown, 99.9) if risk < 1 else shown:.1f}%"


def number(value: float | int | None) -> str:
    return "—" if value is None else f"{value:,}"


# C0 and C1 controls, DEL, line/paragraph separators, bidi overrides and lone surrogates: characters that
# move a terminal's cursor, reorder what a reader sees, are illegal in XML (XLSX) or cannot be encoded
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, keep_newlines: bool = False, keep_tabs: bool = False) -> str:
    """Text from outside (scraped, archive-supplied, typed) with every control character shown escaped.

    ``"\\x1b[2K"`` becomes the visible ``\\x1b[2K``: nothing a page, a ZIP member name or a reviewer's
    note holds can move a terminal's cursor, hide text, or make a spreadsheet or a PDF invalid.
    ``keep_newlines`` keeps ``\\n`` (multi-line notes in a cell or a report), ``keep_tabs`` keeps
    ``\\t`` (columns of a terminal listing); every other control is escaped.
    """
    value = "" if text is None else str(text)
    kept = ("\n" if keep_newlines else "") + ("\t" if keep_tabs else "")
    if not kept:
        return _CONTROL.sub(_escaped, value)
    return _CONTROL.sub(lambda m: m.group() if m.group() in kept else _escaped(m), value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_cell(value: object) -> object:
    """A value safe for a CSV or XLSX cell: controls escaped, and text never read as a formula.

    Numbers stay numbers. Text starting with ``= + - @ |`` (or a full-width ``＝ ＋ － ＠``, which some
    spreadsheet apps accept too) is prefixed with ``'``.
    """
    if not isinstance(value, str):
        return value
    text = printable(value, keep_newlines=True)
    if value[:1] in FORMULA_STARTS:
        return "'" + text
    return text


_QUOTES = "“”「」\"'"


def _distinct_items(segment: str) -> str:
    """An enumeration (``专柜同款、专柜同款、原单``) with each item once, in first-seen order."""
    items = segment.split("、")
    distinct = list(dict.fromkeys(item.strip() for item in items))
    return "、".join(distinct) if len(distinct) < len(items) else segment


def _top_level_split(text: str, mark: str) -> list[str]:
    """``text`` split on ``mark`` where it is outside quotes and brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "（(“「[":
            depth += 1
        elif ch in "）)”」]":
            depth = max(0, depth - 1)
        elif ch == mark and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def reason_detail(detail: object) -> str:
    """A scorer's reason detail as every page, the PDF and the command line show it: no word twice and
    no colon inside it, so that ``{signal}：{detail}`` has one colon.

    ``含售假暗语：专柜同款、专柜同款、原单`` → ``含售假暗语（专柜同款、原单）``;
    ``禁用：毒鼠强：“毒鼠强”`` → ``禁用（毒鼠强）``; ``禁用：对硫磷：“1605”`` → ``禁用（对硫磷，“1605”）``.
    The scorer's records keep its own wording; this is only how it is shown (old stored reasons too).
    """
    text = printable(detail).strip()
    segments: list[str] = []
    for segment in _top_level_split(text, "："):
        segment = _distinct_items(segment)
        if segments and segment.strip(_QUOTES) == segments[-1].strip(_QUOTES):
            continue  # 禁用：毒鼠强：“毒鼠强”: the term found is the substance named
        segments.append(segment)
    if len(segments) <= 1:
        return segments[0] if segments else ""
    head, rest = segments[0], segments[1:]
    note = re.fullmatch(r"(.*?)（([^（）]*)）", rest[-1])
    if note and note.group(1):  # 宣称功效：“减肥”（广告法第十七条）: one bracket, not two
        rest[-1:] = [note.group(1), note.group(2)]
    rest = list(dict.fromkeys(rest))
    return f"{head}（{'，'.join(rest)}）"
