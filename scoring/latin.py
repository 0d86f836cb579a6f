"""Latin lookalikes as dnstwist makes them, scored by a weighted edit distance.

Omission, insertion, repetition, transposition, vowel swap, keyboard-neighbour replacement and
homoglyphs all cost less than an arbitrary edit, so ``Abibas``, ``Nlke``, ``Cugci`` and
``Prongles`` stay close to their marks while ``Sonos`` or ``Nikon`` do not get close to theirs.
"""

from __future__ import annotations

import functools

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


def distance(s: str, t: str, limit: float = float("inf")) -> float:
    """Weighted Damerau-Levenshtein distance (optimal string alignment) between two words.

    Insertion or omission of a letter next to the same letter (repetition) costs 0.5, any other 1;
    swapping two adjacent letters costs 0.6. With a ``limit``, the computation stops as soon as the
    distance is sure to exceed it and returns a value above the limit (every alignment passes through
    one of two consecutive rows, so the smaller of their minima bounds the distance from below)."""
    n, m = len(s), len(t)
    if n == 0 or m == 0:
        return float(max(n, m))
    ds = _indels(s)
    dt = _indels(t)
    prev2: list[float] = []
    prev = [0.0] * (m + 1)
    for j in range(1, m + 1):
        prev[j] = prev[j - 1] + dt[j - 1]
    for i in range(1, n + 1):
        si = s[i - 1]
        di = ds[i - 1]
        cur = [prev[0] + di] + [0.0] * m
        for j in range(1, m + 1):
            tj = t[j - 1]
            best = prev[j - 1] + (0.0 if si == tj else sub_cost(si, tj))
            d = prev[j] + di
            if d < best:
                best = d
            d = cur[j - 1] + dt[j - 1]
            if d < best:
                best = d
            if i > 1 and j > 1 and si == t[j - 2] and s[i - 2] == tj and si != tj:
                d = prev2[j - 2] + 0.6
                if d < best:
                    best = d
            cur[j] = best
        if limit < min(cur) and limit < min(prev):
            return min(min(cur), min(prev))
        prev2, prev = prev, cur
    return prev[m]


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
