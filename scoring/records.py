"""The JSON Lines formats: reading a listing record, writing a score record (DESIGN.md)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scoring.registry import Registry
from scoring.types import Listing, Score

if TYPE_CHECKING:
    from scoring.combiner import CombinerModel
    from scoring.signals import ScoringContext

MAX_LINE = 2_000_000  # bytes; a longer line is refused before parsing
MAX_DEPTH = 100  # how deeply a record's values may nest when a line is too deep for the JSON parser


def parse_line(line: bytes | str) -> Listing:
    """Parse one JSON Lines record into a Listing.

    Raises ValueError (with a message fit for the error record) for non-UTF-8 bytes, a line that
    is not a JSON object, or any field Listing.from_record refuses.
    """
    if isinstance(line, bytes):
        if len(line) > MAX_LINE:
            raise ValueError(f"line is {len(line)} bytes, at most {MAX_LINE} allowed")
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"line is not valid UTF-8 (byte {exc.start})") from None
    if len(line) > MAX_LINE:
        raise ValueError(f"line is {len(line)} characters, at most {MAX_LINE} allowed")
    line = line.strip().lstrip("\ufeff")
    if not line:
        raise ValueError("empty line")
    try:
        data = _DECODER.decode(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        field = _deep_field(line)
        where = f"field '{field}': " if field else ""
        raise ValueError(f"{where}nested more than {MAX_DEPTH} levels deep") from None
    if not isinstance(data, dict):
        raise ValueError("a listing record must be a JSON object")
    return Listing.from_record(data)


def _bounded_int(digits: str) -> int | float:
    """A JSON integer; one of more digits than any field allows is read as infinite, so the field's
    range check names it (Python refuses to convert over 4,300 digits, and slowly below that)."""
    if len(digits) > 40:
        return -math.inf if digits.startswith("-") else math.inf
    return int(digits)


# json.loads with parse_int makes a new decoder for every line: one does for all
_DECODER = json.JSONDecoder(parse_int=_bounded_int)


def _deep_field(text: str) -> str | None:
    """The top-level key whose value first nests deeper than MAX_DEPTH (a line the JSON parser could
    not read for its depth), found by a scan that only counts brackets outside strings."""
    depth, key, in_string, escaped, start = 0, None, False, False, 0
    for i, c in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
                if depth == 1 and text[i + 1 : i + 40].lstrip().startswith(":"):
                    key = text[start + 1 : i]
        elif c == '"':
            in_string, start = True, i
        elif c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return key[:60] if key else None
        elif c in "]}":
            depth -= 1
    return None


def record_id(line: bytes | str) -> str | None:
    """Best-effort id of a line that could not be parsed (for its error record)."""
    try:
        text = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        data = json.loads(text)
        rid = data.get("id") if isinstance(data, dict) else None
        if isinstance(rid, bool) or not isinstance(rid, (str, int)):
            return None
        rid = str(rid)
        # an id that cannot be written back (too long, not Unicode text) is no help in an error record
        return rid if len(rid) <= 200 and rid.isprintable() and rid.encode("utf-8", "strict") else None
    except (ValueError, TypeError, RecursionError, UnicodeEncodeError):
        return None


def score_to_record(score: Score) -> dict[str, Any]:
    """The score record of DESIGN.md: id, risk, flagged, brand, violation, reasons."""
    return {
        "id": score.id,
        "risk": round(score.risk, 3),
        "flagged": score.flagged,
        "brand": score.brand,
        "violation": score.violation,
        "reasons": [
            {"signal": r.signal, "weight": round(r.weight, 3), "detail": r.detail} for r in score.reasons
        ],
    }


def error_record(rid: str | None, message: str) -> dict[str, Any]:
    """The record written for a line that cannot be read."""
    return {"id": rid, "error": message}


def score_lines(
    lines: Iterable[bytes | str],
    registry: Registry,
    *,
    context: ScoringContext | None = None,
    threshold: float | None = None,
    model: CombinerModel | None = None,
) -> Iterator[tuple[dict[str, Any], Listing | None, Score | None]]:
    """Score JSON Lines in input order, streaming: for each non-blank line (record, listing, score).

    The record is the score record, or the error record of a line that cannot be read (then
    listing and score are None) and the run goes on. Prices and sellers are learned as in
    score_many. This is what ``markwatch score`` writes; listing and score serve ``--queue`` and
    ``--explain``.
    """
    from scoring.engine import score_and_learn
    from scoring.signals import ScoringContext as _Context

    ctx = context if context is not None else _Context()
    for line in lines:
        if not line.strip():
            continue
        try:
            listing = parse_line(line)
        except ValueError as exc:
            yield error_record(record_id(line), str(exc)), None, None
            continue
        s = score_and_learn(listing, registry, ctx, threshold=threshold, model=model)
        yield score_to_record(s), listing, s
