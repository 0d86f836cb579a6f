"""Latin lookalikes as dnstwist makes them, scored by a weighted edit distance.

Omission, insertion, repetition, transposition, vowel swap, keyboard-neighbour replacement and
homoglyphs all cost less than an arbitrary edit, so ``Abibas``, ``Nlke``, ``Cugci`` and
``Prongles`` stay close to their marks while ``Sonos`` or ``Nikon`` do not get close to theirs.
"""

from __future__ import annotations

import functools
import itertools
from typing import Final

from scoring.text import skeleton

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
VOWELS = frozenset("aeiouy")
# letters that look alike in common fonts (beyond the skeleton): mirror and near shapes
_VISUAL = [
    "bd",
    "pq",
    "bp",
    "dq",
    "oq",
    "oc",
    "ce",
    "ao",
    "ae",
    "uv",
    "vw",
    "vy",
    "nm",
    "nh",
    "nr",
    "il",
    "lt",
    "ij",
    "ft",
    "rn",
    "gq",
    "sz",
    "kx",
    "ea",
    "mw",
    "un",
    "ul",
    "gy",
]
VISUAL = frozenset(_VISUAL) | frozenset(pair[::-1] for pair in _VISUAL)  # each pair either way round


def _neighbours() -> frozenset[str]:
    pos = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    out = set()
    for a, (ra, ia) in pos.items():
        for b, (rb, ib) in pos.items():
            if a != b and abs(ra - rb) <= 1 and abs((ia + 0.5 * ra) - (ib + 0.5 * rb)) <= 1.0:
                out.add(a + b)
    return frozenset(out)


KEYBOARD = _neighbours()


@functools.lru_cache(maxsize=65536)
def sub_cost(a: str, b: str) -> float:
    """Cost of replacing letter a by b: homoglyphs 0.25, look-alike 0.5, vowel swap or keyboard
    neighbour 0.6, anything else 1."""
    if a == b:
        return 0.0
    if skeleton(a) == skeleton(b):
        return 0.25
    if a + b in VISUAL:
        return 0.5
    if (a in VOWELS and b in VOWELS) or a + b in KEYBOARD:
        return 0.6
    return 1.0


_INF: Final = float("inf")


def distance(s: str, t: str, limit: float = _INF) -> float:
    """Weighted Damerau-Levenshtein distance (optimal string alignment) between two words.

    Insertion or omission of a letter next to the same letter (repetition) costs 0.5, any other 1;
    swapping two adjacent letters costs 0.6. With a ``limit``, the computation stops as soon as the
    distance is sure to exceed it and returns a value above the limit (every alignment passes through
    one of two consecutive rows, so the smaller of their minima bounds the distance from below).

    The recurrence does the same additions and comparisons in the same order as the textbook one, so
    it gives the same values (the matcher's thresholds are sometimes met exactly); it reads the
    replacement costs from a per-letter table and folds swapped letters in after the row."""
    n, m = len(s), len(t)
    if n == 0 or m == 0:
        return float(max(n, m))
    ds = _indels(s)
    mark = _costs_against(t)
    dt = mark.indels
    prev2: list[float] = []
    prev = mark.first
    prev_min = 0.0
    before = ""
    for i in range(n):
        si = s[i]
        di = ds[i]
        replacing = _replacing(si)
        diag = prev[0]
        left = diag + di
        cur = [left] * (m + 1)
        cur_min = left
        for j in range(m):
            up = prev[j + 1]
            best = diag + replacing[t[j]]
            d = up + di
            if d < best:
                best = d
            d = left + dt[j]
            if d < best:
                best = d
            cur[j + 1] = best
            if best < cur_min:
                cur_min = best
            left = best
            diag = up
        if before and si != before and si + before in mark.swaps:
            _swap_letters(cur, prev2, t, si + before, dt)
            cur_min = min(cur)
        if limit < cur_min and limit < prev_min:
            return min(cur_min, prev_min)
        prev2, prev, prev_min = prev, cur, cur_min
        before = si
    return prev[m]


def _swap_letters(cur: list[float], prev2: list[float], t: str, pair: str, dt: tuple[float, ...]) -> None:
    """Lower the row where two adjacent letters of the word appear swapped in t (cost 0.6), and carry
    the lower cost on along the row through insertions, as the cell-by-cell recurrence would."""
    m = len(t)
    j = t.find(pair)
    while j >= 0:
        k = j + 2
        d = prev2[j] + 0.6
        if d < cur[k]:
            cur[k] = d
            while k < m and cur[k] + dt[k] < cur[k + 1]:
                cur[k + 1] = cur[k] + dt[k]
                k += 1
        j = t.find(pair, j + 1)


class _Against:
    """What every comparison with one word t reads: its letters' insertion costs, the first row of the
    recurrence (never changed: each row is a new list) and its adjacent pairs (for swaps)."""

    def __init__(self, t: str) -> None:
        self.indels = _indels(t)
        self.first = list(itertools.accumulate(self.indels, initial=0.0))
        self.swaps = frozenset(t[j : j + 2] for j in range(len(t) - 1))


class _Replacements(dict[str, float]):
    """For one letter a: letter b -> sub_cost(a, b), filled as letters come."""

    def __init__(self, a: str) -> None:
        super().__init__()
        self.a = a

    def __missing__(self, b: str) -> float:
        got = self[b] = sub_cost(self.a, b)
        return got


@functools.lru_cache(maxsize=4096)
def _replacing(a: str) -> _Replacements:
    return _Replacements(a)


@functools.lru_cache(maxsize=16384)
def _costs_against(t: str) -> _Against:
    return _Against(t)


@functools.lru_cache(maxsize=65536)
def _indels(w: str) -> tuple[float, ...]:
    """The cost of inserting or omitting each letter of w (a mark's are the same in every comparison)."""
    return tuple(_indel(w, i) for i in range(len(w)))


def _indel(w: str, i: int) -> float:
    c = w[i]
    if (i > 0 and w[i - 1] == c) or (i + 1 < len(w) and w[i + 1] == c):
        return 0.5
    return 1.0


@functools.lru_cache(maxsize=262144)
def similarity(word: str, mark: str) -> float:
    """1 - weighted distance / length of the longer word, on the folded words and their skeletons."""
    if word == mark:
        return 1.0
    if skeleton(word) == skeleton(mark):
        return 0.95
    d = distance(word, mark)
    return max(0.0, 1.0 - d / max(len(word), len(mark)))


def visual_key(word: str) -> str:
    """A coarse key in which look-alike letters collapse (a/o/e/c, b/d/p/q, i/l/j/t/1, u/v/w/y,
    n/m/h/r, s/z): ``adidas``, ``abibas`` and ``obibos`` share one key."""
    return word.translate(_VKEY)


_VKEY = str.maketrans("aoecbdpqiljt1uvwynmhrszg90", "ooooooooIIIIIvvvvnnnnsssoo")


def deletes(word: str) -> set[str]:
    """The word with each single letter removed (SymSpell keys for one edit)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
