"""The lookalike matcher and its candidate index.

The index maps keys to marks: Han characters, fuzzy pinyin bigrams, and for Latin marks the compact
form, its confusable skeleton, a coarse visual key, the sorted letters (transpositions) and
one-deletion keys (SymSpell). A title looks up its own keys, so the work per listing depends on the
title and on how many marks share its keys, not on the size of the registry. Only the candidates
found are scored precisely (character similarity by shape, sound and number for Han marks; a
weighted edit distance for Latin ones).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple

from rapidfuzz.distance import OSA

from scoring import latin
from scoring.lexicon import goods_parts, goods_table
from scoring.text import (
    NUMERALS,
    Segments,
    _t2s_table,
    fold,
    fuzzy,
    fuzzy_keys,
    han_to_pinyin,
    is_english_word,
    is_han,
    is_known_word,
    latin_fold,
    pinyin_initials,
    pinyins,
    segment,
    shape_sim,
    shape_table,
    skeleton,
    split_table,
    syllables,
    word_info,
)
from scoring.types import Brand

_OSA = OSA.normalized_similarity
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Mark:
    brand: int  # index into MarkIndex.brands
    text: str  # as registered
    form: str  # Han string, or compact Latin (letters and digits)
    script: str  # "han" or "latin"
    derived: bool = False  # a Latin form computed from a Han mark (its pinyin)
    words: int = 1  # number of Latin words in the registered form

    def __reduce__(self) -> tuple[type[Mark], tuple[int, str, str, str, bool, int]]:
        # pickle sets a dataclass's fields one by one, which a frozen class compiled by mypyc refuses
        return Mark, (self.brand, self.text, self.form, self.script, self.derived, self.words)


MatchKind = Literal[
    "exact",  # the mark as registered
    "evasion",  # the mark disguised by separators, full-width or variant characters
    "shape",  # Han characters that look alike
    "sound",  # Han characters that sound alike, or pinyin in their place
    "mixed",  # shape and sound together
    "number",  # one numeral for another
    "partial",  # some characters differ without a shape or sound likeness
    "insertion",  # a character added inside the mark
    "omission",  # a character of the mark left out
    "transposition",  # the mark's characters in another order
    "prefix",  # the mark's head kept, its tail changed
    "split",  # a character written as its two halves
    "latin",  # a Latin lookalike
    "initials",  # the pinyin initials of a Han mark
]


@dataclass
class Match:
    """One occurrence of something that looks like a mark in a title."""

    mark: Mark
    sim: float  # 0..1 string similarity
    kind: MatchKind
    found: str  # the text as found
    detail: str  # a short explanation in Chinese
    aligned: bool = True  # the match is a token of its own (not cut out of a longer word)
    embedded: bool = False  # the match sits inside an ordinary word (健康师傅, 冰雪碧波, 茅台镇)
    common_word: bool = False  # what was found is itself an ordinary word (污渍, wifi)
    raw: bool = False  # the mark appears as is in the raw title (no evasion)
    start: int = 0  # position in folded title
    end: int = 0
    word_freq: int = 0  # how common the ordinary word found is (Han: jieba frequency)
    tags: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Gram:
    """A Latin word of the title, or several joined (play station → playstation)."""

    text: str
    start: int  # in the folded title
    end: int
    words: int


@functools.lru_cache(maxsize=262144)
def _char_sim(a: str, b: str) -> tuple[float, str]:
    """Similarity of a title character a to a mark character b, and why."""
    if a == b:
        return 1.0, "="
    best, why = 0.0, ""
    pa, pb = pinyins(a), pinyins(b)
    if pa and pb:
        if pa[0] == pb[0]:
            best, why = 0.85, "音同"
        elif fuzzy(pa[0]) == fuzzy(pb[0]):
            best, why = 0.72, "音近"
        elif not set(pa).isdisjoint(pb):
            best, why = 0.45, "音近"  # through a less common reading
        # a shared rhyme alone would be too weak to pass the floor below: it is not looked for
    v = shape_sim(a, b)
    if v >= 0.72:
        s = 0.3 + (v - 0.72) * 2.2
        if s > best:
            best, why = s, "形近"
    if a in NUMERALS and b in NUMERALS and best < 0.6:
        best, why = 0.6, "数字"
    if best < 0.35:
        return 0.0, ""  # a shared rhyme or a faint likeness alone is noise
    return best, why


def _pseudo_sim(token: str, b: str) -> tuple[float, str]:
    """A pinyin syllable written in Latin in place of a Han character (酷wo音乐)."""
    if token in pinyins(b):
        return 0.85, "拼音"
    return 0.0, ""


# (mark position, its bit): one tuple per position, shared by every character's table
_POSITIONS: dict[int, tuple[int, int]] = {}


class _CharHits(NamedTuple):
    """A title character's hits on the marks (MarkIndex._char_table)."""

    repeated: frozenset[int]  # marks hit at two positions or more
    strong_short: frozenset[int]  # two-character marks hit through the exact character
    # every mark hit -> (rank, ((position, 1 << position), ...), hit through the exact character?)
    per_mark: dict[int, tuple[int, tuple[tuple[int, int], ...], bool]]


class MarkIndex:
    """Candidate index over every mark of every brand: built once per registry, or restored from the
    ``tables()`` of one built before (scoring.registry keeps them on disk)."""

    # what a built index is made of; the rest are caches, filled while matching
    TABLES = (
        "marks",
        "han_char",
        "han_py2",
        "latin_exact",
        "latin_keys",
        "initials",
        "close_marks",
        "mark_len",
        "han_forms",
        "_latin_lengths",
        "_max_latin",
        "_gram_sizes",
        "_syllable_words",
    )

    def __init__(self, brands: Sequence[Brand], tables: Mapping[str, Any] | None = None) -> None:
        self.brands = tuple(brands)
        self._close_cache: dict[str, tuple[str, ...]] = {}
        self._latin_cache: dict[str, tuple[_PairPlan, ...]] = {}  # a Latin word -> _word_plans
        self._char_tables: dict[str, _CharHits] = {}
        self._han_cache: dict[str, list[Match]] = {}
        if tables is None:
            self._build()
        else:
            for name in self.TABLES:
                setattr(self, name, tables[name])
        # registration order (a brand's name, then its aliases) breaks ties between equally good matches,
        # so the mark a score names never depends on the order matches happened to be found in
        self._order = {id(m): i for i, m in enumerate(self.marks)}

    def tables(self) -> dict[str, Any]:
        """What ``MarkIndex(brands, tables)`` restores the index from (without its caches)."""
        return {name: getattr(self, name) for name in self.TABLES}

    def __reduce__(self) -> tuple[type[MarkIndex], tuple[tuple[Brand, ...], dict[str, Any]]]:
        return MarkIndex, (self.brands, self.tables())

    def _build(self) -> None:
        self.marks: list[Mark] = []
        self.han_char: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.han_py2: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        latin_sets: dict[str, set[int]] = defaultdict(set)
        self.latin_exact: dict[str, list[int]] = defaultdict(list)
        self.initials: dict[str, list[int]] = {}  # pinyin initials of Han marks (ksf) -> marks
        for bi, brand in enumerate(self.brands):
            for text in brand.marks:
                self._add(bi, text, latin_sets)
        self.han_char = dict(self.han_char)
        self.close_marks: dict[str, tuple[str, ...]] | None = None  # see with_close_marks
        self._latin_lengths = sorted({len(f) for f in self.latin_exact})
        self._max_latin = max(self._latin_lengths, default=0)
        # a mark of k words is looked for in runs of up to k + 1 title words (play station)
        max_words = max((m.words for m in self.marks if m.script == "latin"), default=1)
        self._gram_sizes = tuple(range(2, min(3, max_words + 1) + 1))
        # the pinyin of a Han mark written syllable by syllable (kang shi fu) takes one word per character
        self._syllable_words = max((len(m.form) for m in self.marks if m.script == "han"), default=0)
        self.mark_len = [len(m.form) for m in self.marks]
        self.han_forms = frozenset(m.form for m in self.marks if m.script == "han")
        self.han_py2 = dict(self.han_py2)
        # tuples, not sets: a compiled index (scoring.registry) loads several times faster
        self.latin_keys = {k: tuple(sorted(v)) for k, v in latin_sets.items()}

    def _add(self, bi: int, text: str, latin_sets: dict[str, set[int]]) -> None:
        f = latin_fold(fold(text))
        han = "".join(c for c in f if is_han(c))
        if han and len(han) >= 2 and len(han) >= len(_NON_ALNUM.sub("", f)):
            mid = len(self.marks)
            self.marks.append(Mark(bi, text, han, "han"))
            for p, c in enumerate(han):
                self.han_char.setdefault(c, []).append((mid, p))
            for p in range(len(han) - 1):
                for k in _py2_keys(han[p], han[p + 1]):
                    self.han_py2.setdefault(k, []).append((mid, p))
            py = han_to_pinyin(han)
            if len(py) >= 6:  # a Latin rendering in pinyin (kangshifu) counts as a form of the mark
                self._add_latin(bi, text, py, latin_sets, derived=True, words=1)
            if len(han) >= 3:  # three letters or more: two collide with too many abbreviations
                self.initials.setdefault(pinyin_initials(han), []).append(mid)
        elif not han:
            compact = _NON_ALNUM.sub("", f)
            if len(compact) >= 2:
                words = len([w for w in re.split(r"[^0-9a-z]+", f) if w])
                self._add_latin(bi, text, compact, latin_sets, derived=False, words=words)

    def _add_latin(
        self, bi: int, text: str, compact: str, latin_sets: dict[str, set[int]], *, derived: bool, words: int
    ) -> None:
        mid = len(self.marks)
        self.marks.append(Mark(bi, text, compact, "latin", derived, words))
        self.latin_exact[compact].append(mid)
        for k in latin_keys(compact):
            latin_sets[k].add(mid)

    # ------------------------------------------------------------ matching

    def _char_table(self, c: str) -> _CharHits:
        """Every mark holding c or a close look-alike of it (粤 → 奥), with the positions hit, and the
        sets that tell which marks a title's characters hit more than once."""
        got = self._char_tables.get(c)
        if got is None:
            per_mark: dict[int, list[tuple[int, int]]] = {}
            exact: set[int] = set()
            for mid, p in self.han_char.get(c, ()):
                per_mark.setdefault(mid, []).append(_POSITIONS.setdefault(p, (p, 1 << p)))
                exact.add(mid)
            for d in self._close(c):
                for mid, p in self.han_char.get(d, ()):
                    per_mark.setdefault(mid, []).append(_POSITIONS.setdefault(p, (p, 1 << p)))
            got = self._char_tables[c] = _CharHits(
                frozenset(mid for mid, ps in per_mark.items() if len(ps) > 1),
                frozenset(mid for mid in exact if self.mark_len[mid] <= 2),
                {mid: (rank, tuple(ps), mid in exact) for rank, (mid, ps) in enumerate(per_mark.items())},
            )
        return got

    def _hit_offsets(self, h: str) -> tuple[dict[int, dict[int, int]], set[int]]:
        """mark -> {offset: the mark positions hit there, as bits} from h's characters and pinyin
        bigrams (offset: where the mark would start in h), and the marks hit strongly (through an
        exact character or a bigram). Only the marks a walk over every character's hits could keep
        are listed: hit twice or more (counting the bigram hits), or a two-character mark hit once
        through an exact character; a mark hit once through a look-alike alone (most of them) is not.
        Marks come in the order of that walk (characters, then bigrams), offsets likewise."""
        tables = [self._char_table(c) for c in h]
        sounds: dict[int, dict[int, int]] = {}  # the bigram hits, mark -> {offset: positions}
        for i in range(len(h) - 1):
            for k in _py2_keys(h[i], h[i + 1]):
                for mid, p in self.han_py2.get(k, ()):
                    at = sounds.setdefault(mid, {})
                    at[i - p] = at.get(i - p, 0) | 3 << p  # positions p and p + 1
        seen: set[int] = set()
        kept: set[int] = set()
        for t in tables:
            kept |= seen & t.per_mark.keys()
            kept |= t.repeated
            kept |= t.strong_short
            seen.update(t.per_mark)
        kept |= seen & sounds.keys()
        strong = set(sounds)
        found: list[tuple[tuple[int, int], int, dict[int, int]]] = []
        for mid in kept:
            first = None
            offsets: dict[int, int] = {}
            for i, t in enumerate(tables):
                e = t.per_mark.get(mid)
                if e is not None:
                    rank, positions, exact = e
                    if first is None:
                        first = (i, rank)
                    if exact:
                        strong.add(mid)
                    for p, bit in positions:
                        offsets[i - p] = offsets.get(i - p, 0) | bit
            assert first is not None
            found.append((first, mid, offsets))
        found.sort(key=lambda f: f[0])
        hits = {mid: offsets for _, mid, offsets in found}
        for mid, more in sounds.items():
            offsets = hits.setdefault(mid, {})
            for off, bits in more.items():
                offsets[off] = offsets.get(off, 0) | bits
        return hits, strong

    def with_close_marks(self) -> MarkIndex:
        """Look up every character's look-alikes among the marks' characters now (this index, changed),
        so that a compiled copy of it (scoring.registry) spares a new process the whole shape table."""
        self.close_marks = {}
        for c, near in _close_table().items():
            in_marks = tuple(d for d in near if d in self.han_char)
            if in_marks:
                self.close_marks[c] = in_marks
        return self

    def _close(self, c: str) -> tuple[str, ...]:
        """Look-alikes of c that occur in some mark (cached per index)."""
        if self.close_marks is not None:
            return self.close_marks.get(c, ())
        got = self._close_cache.get(c)
        if got is None:
            got = self._close_cache[c] = tuple(d for d in _close_shapes(c) if d in self.han_char)
        return got

    def match(self, raw_title: str, seg: Segments | None = None) -> list[Match]:
        """Every mark the title may contain or imitate, best first (at most one match per mark)."""
        seg = seg or segment(raw_title)
        # traditional script is not evasion, nor is full-width punctuation (L＇oreal); full-width letters are
        raw_fold = raw_title.casefold().translate(_fullwidth_punctuation()).translate(_t2s_table())
        best: dict[int, Match] = {}
        for m in self._match_han(seg, raw_fold):
            if m.mark.brand >= 0:
                key = id(m.mark)
                cur = best.get(key)
                if cur is None or _rank(m) > _rank(cur):
                    best[key] = m
        cased = unicodedata.normalize("NFKC", raw_title)
        latin_matches = self._match_latin(seg, raw_fold, cased if len(cased) == len(seg.folded) else "")
        for m in latin_matches + self._match_syllable(seg) + self._match_initials(seg):
            key = id(m.mark)
            cur = best.get(key)
            if cur is None or _rank(m) > _rank(cur):
                best[key] = m
        raw_nfkc = cased.casefold()
        for key, m in best.items():
            if m.kind == "exact" and m.mark.script != "latin" and m.mark.form not in raw_nfkc:
                best[key] = _own_spelling(m, raw_nfkc) or m
        return sorted(best.values(), key=lambda m: (*_rank(m), -self._order[id(m.mark)]), reverse=True)

    # Han ---------------------------------------------------------

    def _match_han(self, seg: Segments, raw_fold: str) -> list[Match]:
        """Han matches token by token (cached per token: titles repeat their words); the whole
        stream is searched as well only when short pieces or pinyin sit between separators
        (雪 碧, 五-粮-液, 酷wo音乐), where a mark can straddle a gap."""
        han = seg.han
        h = han.chars
        if not h:
            return []
        gaps = han.gap_before
        starts = [i for i in range(len(h)) if i == 0 or gaps[i]] + [len(h)]
        out: list[Match] = []
        cross = False
        prev_single = False
        for t, (a, b) in enumerate(zip(starts, starts[1:], strict=False)):
            token = h[a:b]
            if b - a == 1:
                cross = cross or prev_single  # two single characters in a row: 雪 碧, 五-粮-液
                prev_single = True
            else:
                prev_single = False
            # whole tokens that together spell a mark, cut by separators only (六个 核桃)
            for p in range(max(0, t - 2), t):
                if not cross and h[starts[p] : b] in self.han_forms and _cut_by_separators(seg, starts[p], b):
                    cross = True
            for m in self._token_matches(token):
                start = han.pos[a + m.start]
                end = han.pos[a + m.end - 1] + 1
                kind, raw, detail = m.kind, m.raw, m.detail
                if m.kind in ("exact", "evasion"):
                    raw = m.mark.form in raw_fold
                    found = seg.folded[start:end]
                    if raw:
                        kind, detail = "exact", f"标题含商标“{m.mark.text}”"
                    elif any(ch.isdigit() for ch in found):
                        kind, detail = "evasion", f"{found} ≈ {m.mark.text} (用阿拉伯数字代替汉字)"
                    elif any("\u30a0" <= ch <= "\u30ff" for ch in found):
                        kind, detail = "evasion", f"{found} ≈ {m.mark.text} (用形似的片假名代替汉字)"
                    else:
                        kind, detail = "evasion", f"{found} ≈ {m.mark.text} (全角等字符变形)"
                out.append(
                    replace(
                        m,
                        start=start,
                        end=end,
                        kind=kind,
                        raw=raw,
                        detail=detail,
                        found=seg.folded[start:end],
                    )
                )
        if cross or (len(starts) > 2 and _pseudo_chars(seg)):
            out.extend(self._match_han_full(seg, raw_fold))
        return out

    def _token_matches(self, token: str) -> list[Match]:
        got = self._han_cache.get(token)
        if got is None:
            tseg = segment(token)
            got = self._match_han_full(tseg, token)
            got.extend(self._split_matches(token))
            if len(self._han_cache) > 200_000:
                self._han_cache.clear()
            self._han_cache[token] = got
        return got

    def _split_matches(self, token: str) -> list[Match]:
        """Split characters: a mark character written as its two halves (周住 for 雕, 白勺 for 的)."""
        table = split_table()
        merged, origin = [], []  # merged characters and, for each, (start, length) in the token
        i = 0
        changed = False
        while i < len(token):
            c = table.get((token[i], token[i + 1])) if i + 1 < len(token) else None
            if c is not None and c in self.han_char:
                merged.append(c)
                origin.append((i, 2))
                i += 2
                changed = True
            else:
                merged.append(token[i])
                origin.append((i, 1))
                i += 1
        if not changed:
            return []
        text = "".join(merged)
        out = []
        for m in self._match_han_full(segment(text), text):
            span = origin[m.start : m.end]
            if not any(n == 2 for _, n in span) or m.sim < 0.6:
                continue
            a = span[0][0]
            b = span[-1][0] + span[-1][1]
            found = token[a:b]
            sim = min(m.sim, 0.95) * 0.97
            out.append(
                replace(
                    m,
                    sim=sim,
                    kind="split",
                    found=found,
                    start=a,
                    end=b,
                    raw=False,
                    detail=f"{found} ≈ {m.mark.text} (拆字)",
                )
            )
        return out

    def _match_han_full(self, seg: Segments, raw_fold: str) -> list[Match]:
        han = seg.han
        h = han.chars
        if not h:
            return []
        pseudo = _pseudo_chars(seg)  # Latin pinyin syllables standing between Han characters
        hits, strong = self._hit_offsets(h)
        out = []
        marks = self.marks
        gaps = han.gap_before
        nh = len(h)
        mark_len = self.mark_len
        for mid, offsets in hits.items():
            n = mark_len[mid]
            whole = (1 << n) - 1  # every position of the mark
            is_strong = mid in strong
            form = marks[mid].form
            viable = set()
            for off, ps in offsets.items():
                union = ps | offsets.get(off - 1, 0) | offsets.get(off + 1, 0)
                if n > 2 and union.bit_count() < 2:
                    continue  # two mark positions must line up (one character may be added or dropped)
                if n <= 2 and not is_strong and ps.bit_count() < 2:
                    continue  # a two-character mark: an exact character or sound, or both alike
                if union != ps or ps == whole or (ps & 3 == 3 and (off <= 0 or gaps[off])):
                    viable.add(off)  # insertion, omission, transposition or exact: look closer
                    continue
                if off < 0 or off + n > nh:
                    continue
                # quick substitution bound: the characters of the window against the mark
                q = sum([_char_sim(a, b)[0] for a, b in zip(h[off : off + n], form, strict=True)]) / n
                aligned = (off == 0 or gaps[off]) and (off + n == nh or gaps[off + n])
                if q >= 0.55 or (q >= 0.45 and aligned):
                    viable.add(off)
            if not viable:
                continue
            m = self._best_han(marks[mid], seg, viable, pseudo, raw_fold)
            if m is not None and (m.sim >= 0.49 or m.kind in ("exact", "evasion")):
                out.append(m)
        return out

    def _best_han(
        self, mark: Mark, seg: Segments, offs: set[int], pseudo: dict[int, str], raw_fold: str
    ) -> Match | None:
        h = seg.han.chars
        form = mark.form
        n = len(form)
        best: Match | None = None
        tried: set[tuple[int, int]] = set()
        for off in offs:
            for s, length in (
                (off, n),
                (off, n + 1),
                (off - 1, n + 1),
                (off, n - 1),
                (off + 1, n - 1),
                (off - 1, n - 1),
            ):
                if s < 0 or length < 2 or s + length > len(h) or (s, length) in tried:
                    continue
                tried.add((s, length))
                if length != n and not _ends_may_match(h, s, length, form):
                    continue
                cand = self._score_window(mark, seg, s, length, pseudo, raw_fold)
                if cand is not None and (best is None or _rank(cand) > _rank(best)):
                    best = cand
        if n >= 3 and (best is None or best.sim < 0.7):
            cand = self._prefix(mark, seg, offs)
            if cand is not None and (best is None or _rank(cand) > _rank(best)):
                best = cand
        return best

    def _prefix(self, mark: Mark, seg: Segments, offs: set[int]) -> Match | None:
        """A token that keeps the head of the mark and changes the tail (阿迪王, 舒肤博士)."""
        h, gaps = seg.han.chars, seg.han.gap_before
        form = mark.form
        n = len(form)
        for s in sorted(o for o in offs if 0 <= o < len(h)):
            if not (s == 0 or gaps[s]):
                continue
            e = s + 1
            while e < len(h) and not gaps[e]:
                e += 1
            token = h[s:e]
            p = 0
            while p < min(len(token), n) and token[p] == form[p]:
                p += 1
            if form[0] in NUMERALS and p <= 2:
                continue  # 三只…, 六个…: a number and a measure word are a quantity, not a mark's head
            head = word_info(form[:p])
            if head is not None and head[0] >= _GENERIC_FREQ:
                continue  # the head kept is an everyday word (中国红 for 中国长城)
            if p >= 2 and 2 * p >= n and p < n and len(token) > p and len(token) <= n + 2:
                if _is_word(token[p - 1 : p + 1]) or _is_word(token[: p + 1]):
                    continue  # the kept head reads into an ordinary word (无印|章 is 无+印章; 马丁靴)
                sim = 0.45 + 0.35 * p / n
                common = word_info(token) is not None
                found = seg.folded[seg.han.pos[s] : seg.han.pos[e - 1] + 1]
                known = _known_han(token, form, "prefix")
                return Match(
                    mark=mark,
                    sim=sim,
                    kind="prefix",
                    found=found,
                    detail=f"{found} ≈ {mark.text} (保留“{form[:p]}”改换其余)",
                    common_word=common,
                    start=seg.han.pos[s],
                    end=seg.han.pos[e - 1] + 1,
                    tags=known,
                )
        return None

    def _score_window(
        self, mark: Mark, seg: Segments, s: int, length: int, pseudo: dict[int, str], raw_fold: str
    ) -> Match | None:
        """The Han window of `length` characters at stream position s, read as the mark: compare the
        characters, then judge where the window sits in the title."""
        window = seg.han.chars[s : s + length]
        form = mark.form
        cmp: _Comparison | None
        if length == len(form):
            if _only_generic_tail_kept(window, form) or _only_generic_head_kept(window, form):
                return None
            cmp = _compare_same_length(window, form)
        elif length == len(form) + 1:
            cmp = _compare_insertion(window, form)
        else:
            cmp = _compare_omission(window, form, s, pseudo)
        if cmp is None:
            return None
        return _place_window(mark, seg, s, length, cmp, raw_fold)

    def _match_syllable(self, seg: Segments) -> list[Match]:
        """Characters of a Han mark written as their pinyin, attached to the others without a
        separator, at any place in the mark (kang师傅, 小mi, 酷wo音乐, jinlong鱼)."""
        folded = seg.folded
        out: list[Match] = []
        for sm in _LETTERS.finditer(folded):
            word = sm.group()
            a, b = sm.start(), sm.end()
            left = _han_run(folded, a, -1)
            right = _han_run(folded, b, 1)
            if not left and not right:
                continue
            cands = {mid for c in left + right for mid in self._char_table(c).per_mark}
            for mid in cands:
                mark = self.marks[mid]
                form = mark.form
                n = len(form)
                # the mark's characters k .. k+j-1 are written in pinyin; the others stay Han
                for k in range(min(n, len(left)) + 1):
                    for j in range(1, n - k + 1):
                        rest = n - k - j
                        if rest > len(right) or k + rest == 0 or not _spells(word, form[k : k + j]):
                            continue
                        han = left[len(left) - k :] + right[:rest]
                        kept = form[:k] + form[k + j :]
                        sims = [_char_sim(x, y)[0] for x, y in zip(han, kept, strict=True)]
                        # the Han characters kept must be the mark's own (or, in a mark of three
                        # or more, close look-alikes): pinyin and a look-alike are too little
                        if min(sims) < (1.0 if n == 2 else 0.7):
                            continue
                        sim = (0.85 * j + sum(sims)) / n
                        start, end = a - k, b + rest
                        found = folded[start:end]
                        aligned = (start == 0 or not is_han(folded[start - 1])) and (
                            end == len(folded) or not is_han(folded[end])
                        )
                        detail = f"{found} ≈ {mark.text} (“{form[k : k + j]}”写作拼音“{word}”)"
                        out.append(
                            Match(
                                mark=mark,
                                sim=sim,
                                kind="sound",
                                found=found,
                                detail=detail,
                                aligned=aligned,
                                start=start,
                                end=end,
                            )
                        )
        return out

    def _match_initials(self, seg: Segments) -> list[Match]:
        """A Han mark abbreviated to the initials of its pinyin (ksf for 康师傅). An abbreviation
        collides with many others: the engine counts it only in the brand's own goods."""
        out = []
        for w, s, e in seg.latin:
            for mid in self.initials.get(w, ()):
                mark = self.marks[mid]
                found = seg.folded[s:e]
                detail = f"{found} ≈ {mark.text} (拼音首字母)"
                out.append(
                    Match(mark=mark, sim=0.75, kind="initials", found=found, detail=detail, start=s, end=e)
                )
        return out

    # Latin -------------------------------------------------------

    def _match_latin(self, seg: Segments, raw_fold: str, cased: str) -> list[Match]:
        """Latin words and runs of words against Latin marks (and the pinyin of Han marks), then a
        mark with an ordinary word glued on, then a mark hidden in a spaced-out run. ``cased`` is the
        title in its own letter case, position for position with ``seg.folded`` ("" when it is not)."""
        if not seg.latin or not self.latin_exact:
            return []
        out = self._gram_matches(self._latin_grams(seg), seg, raw_fold, cased)
        out.extend(self._glued_word_matches(seg, cased))
        out.extend(self._collapsed_matches(seg))
        return out

    def _latin_grams(self, seg: Segments) -> list[_Gram]:
        """Each Latin word, and runs of words joined across spaces or dashes: a mark of k words in up
        to k + 1 title words (play station), a Han mark's pinyin one word per syllable (kang shi fu)."""
        words = seg.latin
        longest = max(self._gram_sizes[-1:] + (self._syllable_words,))
        grams: list[_Gram] = []
        for i, (w, s, e) in enumerate(words):
            grams.append(_Gram(w, s, e, 1))
            for k in range(2, longest + 1):
                if i + k > len(words):
                    continue
                parts = words[i : i + k]
                if any(p[0].isdigit() for p in parts):
                    continue  # 500ml wireless is not a mark written in two words
                pinyin = all(p[0] in syllables() for p in parts)
                if k not in self._gram_sizes and not pinyin:
                    continue
                if not pinyin and _stray_letter(parts, seg.folded):
                    continue  # a stray letter (Women's Watch, One O One) is no piece of a mark
                if all(_only_space_or_dash(seg.folded[parts[j][2] : parts[j + 1][1]]) for j in range(k - 1)):
                    joined = "".join(p[0] for p in parts)
                    if len(joined) <= self._max_latin + 2:
                        # an apostrophe joins the pieces of one word (L'Oréal), not two words
                        seps = [seg.folded[parts[j][2] : parts[j + 1][1]] for j in range(k - 1)]
                        nw = 1 + sum(1 for sep in seps if "'" not in sep)
                        grams.append(_Gram(joined, s, parts[-1][2], nw))
        return grams

    def _gram_matches(self, grams: list[_Gram], seg: Segments, raw_fold: str, cased: str) -> list[Match]:
        """Each gram against the marks its index keys find, scored by weighted edit distance. What a
        word's comparisons give apart from the title (_word_plans) is worked out once per word; here
        only what depends on the title is looked at. A word met again in the same title is skipped:
        its marks were all compared at its first place."""
        out: list[Match] = []
        seen: set[str] = set()
        for g in grams:
            text = g.text
            if text in seen or len(text) < 2 or text.isdigit():
                continue
            if g.words == 1 and _romanises_neighbour(g, seg.folded):
                continue
            seen.add(text)
            looks = _GramLooks(g, seg)
            for plan in self._word_plans(text):
                m = _affix_match(plan, g, seg, cased) if g.words == 1 else None
                if m is None:
                    m = _plan_match(plan, looks, seg, raw_fold)
                if m is not None:
                    out.append(m)
        return out

    def _glued_word_matches(self, seg: Segments, cased: str) -> list[Match]:
        """The mark with an ordinary word glued on (nikestore, adidasoriginals: dnstwist's dictionary).
        A known word (superstar, extraordinary) is no such thing, nor is a compound of a mark that is
        an ordinary word itself (Super + bottoms), nor the mark followed by a model or line suffix
        (OPPOReno, iPhone14pro): that is the mark."""
        out = []
        for idx, (w, s, e) in enumerate(seg.latin):
            if len(w) < 4 or w in self.latin_exact or is_known_word(w) or idx in seg.latin_collapsed:
                continue  # a run of spaced-out letters is judged as evasion (K I T K A T 24)
            for k in range(3, len(w)):
                head, tail = w[:k], w[k:]
                for mid in self.latin_exact.get(head, ()):
                    model = _with_suffix(self.marks[mid], _Gram(w, s, e, 1), seg, cased)
                    if model is not None:
                        out.append(model)
                if len(w) < 7 or not 4 <= k <= len(w) - 3:
                    continue
                for form, rest in ((head, tail), (tail, head)):
                    if (
                        form not in self.latin_exact
                        or len(rest) < 3
                        or not is_english_word(rest)
                        or is_english_word(form)
                    ):
                        continue
                    for mid in self.latin_exact[form]:
                        mark = self.marks[mid]
                        if mark.derived:
                            continue
                        found = seg.folded[s:e]
                        detail = f"{found} ≈ {mark.text} (商标加词“{rest}”)"
                        out.append(
                            Match(
                                mark=mark, sim=0.8, kind="latin", found=found, detail=detail, start=s, end=e
                            )
                        )
        return out

    def _collapsed_matches(self, seg: Segments) -> list[Match]:
        """A word rebuilt from spaced-out letters that holds a mark inside (k i t k a t c o c a c o l a)."""
        out = []
        for idx in seg.latin_collapsed:
            w, s, e = seg.latin[idx]
            inside = {
                w[i : i + n]
                for n in self._latin_lengths
                if 3 <= n < len(w)
                for i in range(len(w) - n + 1)
                if w[i : i + n] in self.latin_exact
            }
            found = seg.folded[s:e]
            for form in inside:
                for mid in self.latin_exact[form]:
                    mark = self.marks[mid]
                    detail = f"{found} ≈ {mark.text} (插入分隔符规避)"
                    out.append(
                        Match(mark=mark, sim=1.0, kind="evasion", found=found, detail=detail, start=s, end=e)
                    )
        return out

    def _word_plans(self, text: str) -> tuple[_PairPlan, ...]:
        """The comparisons of a Latin word with the marks it may imitate, as far as they depend on the
        word and the mark alone (cached per word: most words recur across listings)."""
        got = self._latin_cache.get(text)
        if got is not None:
            return got
        marks = self.marks
        got = tuple(_pair_plan(marks[mid], text) for mid in self._latin_candidates(text))
        if len(self._latin_cache) > 100_000:
            self._latin_cache.clear()
        self._latin_cache[text] = got
        return got

    def _latin_candidates(self, text: str) -> list[int]:
        """Marks a Latin word may imitate: index keys, then a cheap C-level bound."""
        cands: set[int] = set(self.latin_exact.get(text, ()))
        if len(text) >= 3:
            cands.update(*filter(None, map(self.latin_keys.get, latin_keys(text))))
        keep = []
        keys = _word_keys(text)
        marks = self.marks
        for mid in cands:
            form = marks[mid].form
            osa = _OSA(text, form)
            if osa >= 0.5 or (len(form) >= 7 and text[0] == form[0] and osa >= 0.4):
                keep.append(mid)
                continue
            sk, vk, so = _word_keys(form)
            if sk == keys[0] or vk == keys[1] or so == keys[2]:
                keep.append(mid)
        return keep


class _Affix(NamedTuple):
    """A registered mark with a model suffix or a line prefix (_model_suffix, _line_prefix): where in
    the word a change of letter case must fall for it to count (-1: it counts without one)."""

    case_at: int
    detail: str


class _PairPlan(NamedTuple):
    """A Latin word against one candidate mark, from the two alone (MarkIndex._word_plans)."""

    mark: Mark
    suffix: _Affix | None  # the mark with a model suffix, for a gram of one word (_with_suffix)
    prefix: _Affix | None  # the mark after a line prefix, likewise (_line_prefix)
    sim: float  # _latin_likeness: below 0.5 no match, 1.0 the mark itself
    tail: str | None  # a lookalike's detail after the text found; None: no lookalike
    known: bool  # a lookalike of one word is tagged "known" (_known_tags)


def _pair_plan(mark: Mark, text: str) -> _PairPlan:
    form = mark.form
    sim = _latin_likeness(text, form)
    tail = None
    if 0.55 <= sim < 1.0 and not (mark.derived and sim < 0.9):
        why = _lookalike_why(text, form)
        if why is not None:
            tail = f" ≈ {mark.text} ({why})"
    known = tail is not None and bool(_known_tags(text, text, form, 1))
    return _PairPlan(mark, _model_suffix(mark, text), _line_prefix(mark, text), sim, tail, known)


class _GramLooks:
    """What every mark compared with one gram reads of it: the text found, and whether it is ordinary
    English or a run of known words (worked out when a first lookalike needs it)."""

    def __init__(self, g: _Gram, seg: Segments) -> None:
        self.g = g
        self.found = seg.folded[g.start : g.end]
        self._common: bool | None = None
        self._known_parts: bool | None = None

    @property
    def common(self) -> bool:
        if self._common is None:
            self._common = _english(self.found)
        return self._common

    @property
    def known_parts(self) -> bool:
        if self._known_parts is None:
            self._known_parts = bool(_known_tags(self.found, self.g.text, "", self.g.words))
        return self._known_parts


def _affix_match(plan: _PairPlan, g: _Gram, seg: Segments, cased: str) -> Match | None:
    """The mark with a model suffix, else after a line prefix (_model_suffix, _line_prefix), for a gram
    of one word."""
    return _mark_with_affix(plan.mark, plan.suffix, g, seg, cased) or _mark_with_affix(
        plan.mark, plan.prefix, g, seg, cased
    )


def _plan_match(plan: _PairPlan, looks: _GramLooks, seg: Segments, raw_fold: str) -> Match | None:
    """The mark itself (exact, or disguised), or a lookalike of it, where the gram stands."""
    sim = plan.sim
    if sim < 0.5:
        return None
    if sim >= 1.0:
        return _latin_itself(plan.mark, looks, seg, raw_fold)
    if plan.tail is None:
        return None
    g = looks.g
    nw = g.words
    if nw > 1:
        sim *= 0.95
        tags = {"known_parts"} if looks.known_parts else set()
    else:
        tags = {"known"} if plan.known else set()
    found = looks.found
    return Match(
        mark=plan.mark,
        sim=sim,
        kind="latin",
        found=found,
        detail=found + plan.tail,
        common_word=looks.common,
        start=g.start,
        end=g.end,
        tags=tags,
    )


def _latin_itself(mark: Mark, looks: _GramLooks, seg: Segments, raw_fold: str) -> Match:
    """A gram whose letters are the mark's form: the mark as written, spaced out, split into words,
    written with changed characters, or (for a Han mark) its pinyin."""
    g, found = looks.g, looks.found
    s, e, nw = g.start, g.end, g.words
    sim = 1.0
    kind: MatchKind
    is_collapsed = any(seg.latin[i][1] == s for i in seg.latin_collapsed)
    raw_mark = fold(mark.text)
    raw = raw_mark in raw_fold
    if is_collapsed:
        kind, detail = "evasion", f"{found} ≈ {mark.text} (插入分隔符规避)"
    elif raw:
        kind, detail = "exact", f"标题含商标“{mark.text}”"
    elif nw > mark.words:
        # the mark written as several words (play station, pop station)
        kind, detail, sim = "latin", f"{found} ≈ {mark.text} (拆成多个词)", 0.9
    elif found in raw_fold and _boundaries(found) <= _boundaries(latin_fold(fold(mark.text))):
        kind, detail = "exact", f"标题含商标“{mark.text}”"
        raw = True
    else:
        kind, detail = "evasion", f"{found} ≈ {mark.text} (字符变形规避)"
    if mark.derived and kind == "exact":
        kind, detail = "latin", f"{found} = {mark.text}的拼音"
        sim = 0.92
    return Match(
        mark=mark,
        sim=sim,
        kind=kind,
        found=found,
        detail=detail,
        common_word=looks.common,
        raw=raw and kind == "exact",
        start=s,
        end=e,
    )


@dataclass
class _Comparison:
    """A Han window compared with a mark, before its place in the title is judged."""

    sim: float
    kind: MatchKind
    notes: list[str] = field(default_factory=list)
    pseudo_used: bool = False  # a dropped character is there, written in pinyin
    phrase: bool = False  # the inserted character makes an ordinary word with a neighbour


def _compare_same_length(window: str, form: str) -> _Comparison:
    """Character by character: exact, the same characters in another order, or each by shape, sound
    and number."""
    n = len(form)
    if window == form:
        return _Comparison(1.0, "exact")
    if n >= 2 and _letters(window) == _letters(form):
        return _Comparison(0.85 if n >= 3 else 0.75, "transposition", ["字序调换"])
    total = 0.0
    kinds: list[str] = []
    notes: list[str] = []
    for a, b in zip(window, form, strict=True):
        v, why = _char_sim(a, b)
        total += v
        if why != "=":
            kinds.append(why)
            notes.append(f"{a}/{b}" + (f" {why}" if why else ""))
    return _Comparison(total / n, _kind_of(kinds), notes)


@functools.lru_cache(maxsize=65536)
def _only_generic_tail_kept(window: str, form: str) -> bool:
    """Does the window keep only the mark's generic tail, a goods or everyday word (文具, 酒店, 咖啡,
    汽车), while every character of its distinctive head is replaced by one that neither looks nor
    sounds the same (办公文具 for 晨光文具, 度假酒店 for 如家酒店)? The tail names goods anyone may name;
    the head is the mark. A head kept in part (六仁核桃, 可日可乐) or imitated character by character
    (唐师傅, 汇原果汁) is still a lookalike."""
    n = len(form)
    if n < 3 or len(window) != n:
        return False
    for t in range(n - 1, 1, -1):
        if window[n - t :] != form[n - t :] or not _generic_word(form[n - t :]):
            continue
        head, found = form[: n - t], window[: n - t]
        if any(a == b for a, b in zip(found, head, strict=True)):
            return False
        return not all(_char_sim(a, b)[0] >= 0.7 for a, b in zip(found, head, strict=True))
    return False


@functools.lru_cache(maxsize=65536)
def _only_generic_head_kept(window: str, form: str) -> bool:
    """The mirror case: only an everyday head of the mark kept (自然 of 自然堂) and the rest replaced
    by characters unlike the mark's (自然棕: natural brown); or, in a three-character mark, no
    character kept at all and only faint likenesses (宝石蓝 for 保时捷)."""
    n = len(form)
    if n < 3 or len(window) != n:
        return False
    sims = [_char_sim(a, b)[0] for a, b in zip(window, form, strict=True)]
    if n == 3 and all(v < 1.0 for v in sims) and sum(sims) / n < 0.7:
        return True
    for h in range(n - 1, 1, -1):
        if window[:h] != form[:h]:
            continue
        info = word_info(form[:h])
        if info is None or info[0] < _GENERIC_FREQ:
            return False
        return all(v < 0.7 for v in sims[h:])
    return False


def _generic_word(w: str) -> bool:
    """A goods word of the goods vocabulary (data/goods.yaml) or a common noun (not a name)."""
    if w in _goods_vocabulary():
        return True
    info = word_info(w)
    return info is not None and info[0] >= 50 and info[1] == "n"


@functools.lru_cache(maxsize=1)
def _goods_vocabulary() -> frozenset[str]:
    return frozenset(k for k, _ in goods_table()[0]) | goods_parts()


# the highest similarity _char_sim gives two different characters (音同 0.85; 形近 0.3 + 0.28 × 2.2 for
# a shape similarity of 1, the most data/shape.tsv holds)
_NEAREST = 0.92


def _only_own_characters(n: int) -> bool:
    """Do n characters compared with as many of a mark reach the 0.99 an insertion or omission needs
    only when they are the mark's own? (For up to seven: one likeness costs more than 0.01.)"""
    return (n - 1 + _NEAREST) / n < 0.99


def _ends_may_match(h: str, s: int, length: int, form: str) -> bool:
    """Can the window h[s : s + length], one character longer or shorter than the mark, pass
    _compare_insertion or _compare_omission? Both keep the mark's first character, an insertion its
    last one too."""
    if length == len(form) + 1:
        return not _only_own_characters(len(form)) or (h[s] == form[0] and h[s + length - 1] == form[-1])
    return not _only_own_characters(length) or h[s] == form[0]


def _compare_insertion(window: str, form: str) -> _Comparison | None:
    """One inserted character inside the mark (六个大核桃, 清飞扬)."""
    n = len(form)
    best_sim, best_k = 0.0, -1
    if _only_own_characters(n):
        best_k = next((k for k in range(1, len(window) - 1) if window[:k] + window[k + 1 :] == form), -1)
        best_sim = 1.0
    else:
        for k in range(1, len(window) - 1):
            rest = window[:k] + window[k + 1 :]
            v = sum(_char_sim(a, b)[0] for a, b in zip(rest, form, strict=True)) / n
            if v > best_sim:
                best_sim, best_k = v, k
    if best_k < 0 or best_sim < 0.99:
        return None
    # the inserted character makes an ordinary word with a neighbour (蓝色|月亮): the window may be
    # an ordinary phrase rather than an imitation
    phrase = _is_word(window[best_k - 1 : best_k + 1]) or _is_word(window[best_k : best_k + 2])
    return _Comparison(0.88 * best_sim, "insertion", [f"插入“{window[best_k]}”"], phrase=phrase)


def _compare_omission(window: str, form: str, s: int, pseudo: dict[int, str]) -> _Comparison | None:
    """One character of a mark of three or more left out (徐记 for 徐福记), unless it is there in
    pinyin (pseudo: Latin syllables standing before Han stream positions)."""
    n = len(form)
    if n < 3:
        return None
    best_sim = 0.0
    dropped = ""
    if _only_own_characters(n - 1):
        k = next((k for k in range(1, n) if form[:k] + form[k + 1 :] == window), 0)
        best_sim, dropped = (1.0, form[k]) if k else (0.0, "")
    else:
        for k in range(1, n):
            rest = form[:k] + form[k + 1 :]
            v = sum(_char_sim(a, b)[0] for a, b in zip(window, rest, strict=True)) / (n - 1)
            if v > best_sim:
                best_sim, dropped = v, form[k]
    if best_sim < 0.99:
        return None
    syl = pseudo.get(s + form.index(dropped))
    if syl is not None and syl in pinyins(dropped):
        return _Comparison(0.95, "sound", [f"“{dropped}”写作拼音“{syl}”"], pseudo_used=True)
    return _Comparison(0.9 * best_sim * (n - 1) / n + 0.1 * best_sim, "omission", [f"省去“{dropped}”"])


def _place_window(
    mark: Mark, seg: Segments, s: int, length: int, cmp: _Comparison, raw_fold: str
) -> Match | None:
    """The compared window as a match in the title: separators inside it (evasion when the mark is
    spaced out in whole pieces), a disguised exact mark, an ordinary word around or in it."""
    h = seg.han.chars
    gaps = seg.han.gap_before
    e = s + length
    aligned_left = s == 0 or gaps[s]
    aligned_right = e == len(h) or gaps[e]
    inner_gap = any(gaps[s + 1 : e])
    sim, kind, notes = cmp.sim, cmp.kind, list(cmp.notes)
    if kind == "omission" and length == 2 and not (aligned_left and aligned_right):
        return None  # two characters left of a three-character mark, inside a longer run (欧珀莱 for 珀莱雅)
    if length == 2 and kind not in ("exact", "evasion") and not (aligned_left or aligned_right):
        return None  # two characters cut out of the middle of a longer run (挂脖式跑步, 普乐士修正带)
    raw = kind == "exact" and mark.form in raw_fold
    if kind == "exact" and inner_gap:
        # spaced-out mark: evasion only if the pieces are whole tokens (雪 碧, 五-粮-液)
        if not (aligned_left and aligned_right):
            return None
        kind, sim = "evasion", 1.0
        notes.append("插入分隔符规避")
    elif kind == "exact" and not raw:
        kind = "evasion"
        notes.append("全角/繁体等变形")
    elif inner_gap:
        if not (aligned_left and aligned_right) and not cmp.pseudo_used:
            return None
        if not cmp.pseudo_used:
            sim *= 0.9
    start = seg.han.pos[s]
    end = seg.han.pos[e - 1] + 1
    found = seg.folded[start:end]
    info = word_info(h[s:e]) if kind not in ("exact", "evasion") else None
    detail = f"{found} ≈ {mark.text}" + (f" ({'; '.join(notes)})" if notes else "")
    if kind == "exact":
        detail = f"标题含商标“{mark.text}”"
    return Match(
        mark=mark,
        sim=sim,
        kind=kind,
        found=found,
        detail=detail,
        aligned=aligned_left and aligned_right,
        embedded=_embedded(h, s, e, gaps)
        or (kind not in ("exact", "evasion") and _inside_known(h, s, e, gaps)),
        common_word=info is not None,
        raw=raw,
        start=start,
        end=end,
        word_freq=info[0] if info else 0,
        tags=({"phrase"} if cmp.phrase else set()) | _known_han(h[s:e], mark.form, kind),
    )


_DIGITS = re.compile(r"[0-9]")
_GENERIC_FREQ = 1000  # jieba frequency of an everyday word (中国, 时尚)
_LETTER = re.compile(r"[a-z]")


@functools.lru_cache(maxsize=65536)
def _model_number(text: str) -> bool:
    """A token of letters and digits (p10plus, r9s, xb271hu, nl2480km01): a model number."""
    return bool(_DIGITS.search(text)) and bool(_LETTER.search(text))


def _leet_of(text: str, form: str) -> bool:
    """Do the digits of text stand for letters of the mark (n1ke, ad1das, z0rvex)? Read through the
    confusable skeleton, the token must then be the mark or one cheap edit from it. A short token
    mostly of digits (k40, r10, m4c) is a model number, and a mark with digits of its own (PS5) is
    matched only as written."""
    digits = len(_DIGITS.findall(text))
    if _DIGITS.search(form) or len(text) < 4 or digits >= len(text) - digits:
        return False
    return latin.similarity(skeleton(text), skeleton(form)) >= 0.9


# the words marketplaces put after a mark to name a product line (MacBookPro, Osmopocket, Motomax)
LINE_WORDS = frozenset(
    [
        "pro",
        "max",
        "plus",
        "mini",
        "air",
        "lite",
        "ultra",
        "neo",
        "note",
        "prime",
        "edge",
        "pocket",
        "action",
        "move",
        "go",
        "play",
        "pad",
        "book",
        "buds",
        "band",
    ]
)


def _with_suffix(mark: Mark, g: _Gram, seg: Segments, cased: str) -> Match | None:
    """A registered Latin mark followed by a model or line suffix is that mark (_model_suffix)."""
    return _mark_with_affix(mark, _model_suffix(mark, g.text) if g.words == 1 else None, g, seg, cased)


def _model_suffix(mark: Mark, text: str) -> _Affix | None:
    """A registered Latin mark followed by a model or line suffix is that mark (Nokia7, iPhoneX,
    OPPOReno, iPhone14pro, macbookpro): the suffix holds a digit, starts with a change of letter case,
    is one or two letters that do not repeat the mark's last letter (adidass is a repetition), or is a
    product-line word (pro, max, mini, pocket)."""
    form = mark.form
    if mark.derived or len(form) < 3 or text == form or not text.startswith(form):
        return None
    suffix = text[len(form) :]
    if len(suffix) <= 2 and suffix.isalpha() and (is_english_word(text) or is_known_word(text)):
        return None  # a word of its own (green is not Gree + n)
    without_case = bool(
        _DIGITS.search(suffix)
        or (len(suffix) <= 2 and suffix.isalpha() and set(suffix) != {form[-1]})
        or suffix in LINE_WORDS
    )
    return _Affix(-1 if without_case else len(form), f"标题含商标“{mark.text}”（后接型号“{suffix}”）")


def _line_prefix(mark: Mark, text: str) -> _Affix | None:
    """A registered Latin mark after a one- or two-letter line prefix set off by its letter case is
    that mark (iFFALCON, eSUNO): the prefix is lower case and the mark starts upper case."""
    form = mark.form
    if mark.derived or len(form) < 4 or not text.endswith(form):
        return None
    prefix = text[: len(text) - len(form)]
    if not 1 <= len(prefix) <= 2 or not prefix.isalpha():
        return None
    return _Affix(len(prefix), f"标题含商标“{mark.text}”（前接“{prefix}”）")


def _mark_with_affix(mark: Mark, affix: _Affix | None, g: _Gram, seg: Segments, cased: str) -> Match | None:
    """The registered mark itself, written with a model suffix or a line prefix: an exact match, when
    the change of letter case the affix needs (if any) is there in the title."""
    if affix is None or (affix.case_at >= 0 and not _case_boundary(cased, g.start + affix.case_at)):
        return None
    found = seg.folded[g.start : g.end]
    return Match(
        mark=mark,
        sim=1.0,
        kind="exact",
        found=found,
        detail=affix.detail,
        raw=True,
        start=g.start,
        end=g.end,
        tags={"model"},
    )


def _case_boundary(cased: str, k: int) -> bool:
    """Does a new word start at position k by its letter case (iPhone|X, OPPO|Reno, Mate|Book)?"""
    if not 0 < k < len(cased):
        return False
    prev, nxt = cased[k - 1], cased[k]
    if prev.islower() and nxt.isupper():
        return True
    return prev.isupper() and nxt.isupper() and k + 1 < len(cased) and cased[k + 1].islower()


def _romanises_neighbour(g: _Gram, folded: str) -> bool:
    """Is the word the pinyin of the Chinese name right beside it (乐创（lecon）, 猛世（mengshi）)? Then
    it is that name's romanisation: the Chinese name is what is compared with the marks."""
    if not g.text.isalpha():
        return False
    a = g.start
    while a > 0 and g.start - a < 2 and folded[a - 1] in " ([（【":
        a -= 1
    b = g.end
    while b < len(folded) and b - g.end < 2 and folded[b] in " )]）】":
        b += 1
    before, after = _han_run(folded, a, -1), _han_run(folded, b, 1)
    return (len(before) >= 2 or len(after) >= 2) and _spells_beside(g.text, before, after)


@functools.lru_cache(maxsize=65536)
def _spells_beside(word: str, before: str, after: str) -> bool:
    """Is word the pinyin of two or more Han characters ending ``before`` or starting ``after``
    (_romanises_neighbour; cached: a word recurs beside the same name)?"""
    return any(_spells(word, before[-k:]) for k in range(2, len(before) + 1)) or any(
        _spells(word, after[:k]) for k in range(2, len(after) + 1)
    )


def _other_compound(text: str, form: str) -> bool:
    """Is the mark two everyday words, and the word found the same with one of them replaced by another
    dictionary word that starts differently (ThinkCentre and ThinkBook, Galaxy Watch and Apple Watch,
    Range For and Range Rover), or one part of the mark kept whole and the rest replaced by unlike
    letters? Then it is another compound, not the mark imitated (PopStation keeps the p of Play;
    Chintendo is no compound: nin and tendo are not everyday words)."""
    if text[:4] != form[:4] and text[-4:] != form[-4:]:
        return False  # every part kept below is four letters or more of the mark's head or tail
    n = len(form)
    # the mark's head kept: the word and the mark part where they first differ (a shorter head kept
    # would leave the same next letter on both sides, which is no replacement)
    k = _common_head(text, form)
    if 4 <= k <= n - 3 and _replaced_part(form[:k], form[k:], text[k:], n):
        return True
    # the mark's tail kept: what replaces the rest must start differently from it
    if text[0] != form[0]:
        for k in range(4, min(_common_head(text[::-1], form[::-1]), n - 3) + 1):
            if _replaced_part(form[-k:], form[:-k], text[: len(text) - k], n):
                return True
    return False


def _common_head(a: str, b: str) -> int:
    """How many letters a and b share at their start."""
    k = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        k += 1
    return k


def _replaced_part(shared: str, rest: str, other: str, n: int) -> bool:
    """Is other, in place of the rest of a mark of n letters that keeps shared whole, another word
    rather than the rest imitated (_other_compound)?"""
    if len(other) < 2:
        return False
    if len(other) >= 3 and is_english_word(shared) and is_english_word(rest) and is_known_word(other):
        return True
    # one half of the mark kept whole, the other replaced by letters unlike it, starting
    # differently: another compound that shares a word part (Cosmeceuticals and
    # SkinCeuticals, Magformers and Transformers, Proster Digital and Western Digital)
    return 3 * len(shared) >= n and len(rest) >= 3 and latin.similarity(other, rest) < 0.5


def _inside_known(h: str, s: int, e: int, gaps: list[bool]) -> bool:
    """Is h[s:e] part of a longer known word or name of three characters or more (挂脖式, 周大福)?"""
    n = len(h)
    for a in range(max(0, s - 2), s + 1):
        for b in range(e, min(n, e + 2) + 1):
            inside = (a, b) != (s, e) and b - a >= 3 and not any(gaps[a + 1 : b])
            if inside and is_known_word(h[a:b]):
                return True
    return False


def _stray_letter(parts: list[tuple[str, int, int]], folded: str) -> bool:
    """Is one of the words a single letter set apart by a space (the s of Women's Watch, One O One)?
    A letter joined by an apostrophe or a dash is part of the name (L'Oréal)."""
    for j, (w, a, b) in enumerate(parts):
        if len(w) != 1:
            continue
        before = folded[parts[j - 1][2] : a] if j > 0 else ""
        after = folded[b : parts[j + 1][1]] if j + 1 < len(parts) else ""
        if any(c.isspace() for c in before + after):
            return True
    return False


def _displaced(text: str, form: str) -> int:
    """How many positions hold a different letter (for two words of the same letters)."""
    return sum(1 for a, b in zip(text, form, strict=True) if a != b)


def _latin_likeness(text: str, form: str) -> float:
    """How much a Latin word looks like a Latin mark form (below 0.5: not at all), from the two
    strings alone (kept with the word's other comparisons: MarkIndex._word_plans): the evidence of the
    weighted distance, raised when the mark's letters are only moved or its stem is kept."""
    if text != form and _model_number(text) and not _leet_of(text, form):
        return 0.0  # a model number (p10plus, xb271hu) is no word to compare a mark with
    # very short marks (UGG, PS5, Wii): one cheap substitution at most, same length
    if (
        len(form) <= 3
        and text != form
        and skeleton(text) != skeleton(form)
        and (len(text) != len(form) or latin.similarity(text, form) < 1.0 - 0.5 / len(form) - 1e-9)
    ):
        return 0.0
    sim = _latin_evidence(text, form)
    if text != form and _letters(text) == _letters(form) and _displaced(text, form) <= 3:
        sim = max(sim, 0.85)  # the mark's letters, two or three of them moved (nioka, cugci)
    if sim < 0.5:
        return sim
    if len(form) >= 5 and text[:3] == form[:3] and abs(len(text) - len(form)) <= 2 and sim < 0.62:
        sim = 0.62  # brand stem kept, ending changed (Adivon, Adisco)
    return sim


def _lookalike_why(text: str, form: str) -> str | None:
    """What makes a Latin word (not the mark) a lookalike of the mark form, for the match's detail;
    None when it is another compound instead (_other_compound)."""
    if _other_compound(text, form):
        return None
    return _latin_why(text, form)


def _latin_evidence(text: str, form: str) -> float:
    """Similarity of a Latin word to a mark, with the evidence growing with the mark's length: the
    weighted edit distance is counted against an effective length L·(L/6)^0.75, so one substitution
    in a four-letter mark (diap for Diao) is weak, while two edits in a nine-letter mark (Sunbucks
    for Starbucks) can be strong. Equal skeletons (homoglyphs) stay as latin.similarity says."""
    if text == form or skeleton(text) == skeleton(form):
        return latin.similarity(text, form)
    n = len(form)
    length: float = n * (n / 6) ** 0.75
    if len(text) > n and _subsequence(form, text):
        length = max(length, len(text))  # letters added, every letter of the mark kept in order (Haiyatt)
    # below 0.5 the word is no candidate (_plan_match): the exact distance past that is not needed
    return max(0.0, 1.0 - latin.distance(text, form, limit=0.5 * length) / length)


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _known_tags(found: str, text: str, form: str, nw: int) -> set[str]:
    """ "known": the word found is a word, name or brand of the large dictionary (pestle, samson,
    nubia), not one made up to imitate the mark; "known_parts": a run of words each of which is one
    (game of for Game Boy). A word that is the whole mark with one letter added inside (channel for
    chanel) keeps every letter of the mark in place and reads as the mark: it is not tagged."""
    if nw == 1:
        if is_known_word(text) and not inner_insertion(text, form):
            return {"known"}
        return set()
    parts = [w for w in re.split(r"[^a-z]+", found) if w]
    if parts and all(len(w) <= 2 or is_known_word(w) or is_english_word(w) for w in parts):
        return {"known_parts"}
    return set()


def inner_insertion(word: str, form: str) -> bool:
    """Is word the mark with one letter added inside it (channel for chanel)? Such a word keeps every
    letter of the mark in place: it reads as the mark, not as another word (unlike clean for clear, or
    a plural apples for apple)."""
    if len(form) < 4 or len(word) != len(form) + 1:
        return False
    return any(word[:i] + word[i + 1 :] == form for i in range(1, len(word) - 1))


def _known_han(window: str, form: str, kind: str) -> set[str]:
    """ "known": a Chinese dictionary word that shares the mark's head (大白菜 for 大白兔, 良品率 for
    良品铺子, 索爱 for 索尼) is that word, not an imitation."""
    if kind in ("exact", "evasion") or window == form:
        return set()
    return {"known"} if is_known_word(window) else set()


@functools.lru_cache(maxsize=65536)
def _english(found: str) -> bool:
    words = [w for w in re.split(r"[^a-z]+", found) if w]
    return bool(words) and all(len(w) >= 3 and is_english_word(w) for w in words)


def _boundaries(text: str) -> set[int]:
    """Positions in the compact form where a word boundary falls (coca cola → {4})."""
    out, k = set(), 0
    for part in re.split(r"[^0-9a-z]+", text):
        if part:
            if k:
                out.add(k)
            k += len(part)
    return out


def _only_space_or_dash(s: str) -> bool:
    return 0 < len(s) <= 2 and all(c in " -_.·'&" for c in s)


def _latin_why(text: str, form: str) -> str:
    if skeleton(text) == skeleton(form):
        return "形似字母替换"
    if _letters(text) == _letters(form):
        return "字母换位"
    if len(text) > len(form):
        return "多加字母"
    if len(text) < len(form):
        return "少写字母"
    return "字母替换"


@functools.lru_cache(maxsize=1)
def _fullwidth_punctuation() -> dict[int, str]:
    """Full-width and ideographic punctuation → its NFKC form (letters and digits stay as they are)."""
    chars = [chr(o) for o in range(0xFF01, 0xFF66)] + ["\u3000"]
    return {ord(c): unicodedata.normalize("NFKC", c) for c in chars if not c.isalnum()}


@functools.lru_cache(maxsize=1)
def _ambiguous_re() -> re.Pattern[str]:
    """Characters the traditional-to-simplified table folds although they are standard simplified
    characters of their own as well (乾 qián folds to 干 gān; also 於, 瞭, 藉 …)."""
    table = _t2s_table()
    try:
        import opencc

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        chars = [
            p[0]
            for p in (line.split() for line in path.read_text(encoding="utf-8").splitlines())
            if len(p) >= 3 and len(p[0]) == 1 and p[0] in p[1:] and ord(p[0]) in table
        ]
    except (ImportError, OSError):
        chars = []
    return re.compile("[" + "".join(chars) + "]" if chars else "(?!)")


@functools.lru_cache(maxsize=1)
def _s2t_converters() -> tuple[Any, ...]:
    import opencc  # imported on first use: its dictionaries take a while to load

    return tuple(opencc.OpenCC(config) for config in ("s2t", "s2tw", "s2hk"))


@functools.lru_cache(maxsize=65536)
def _traditional_spellings(form: str) -> tuple[frozenset[str], ...] | None:
    """Per position of a simplified mark, the characters its traditional spellings use there
    (word by word, as OpenCC converts for the mainland, Taiwan and Hong Kong: 老干妈 → 老乾媽)."""
    converters = _s2t_converters()
    if not converters:
        return None
    spellings = [{c} for c in form]
    for converter in converters:
        converted = converter.convert(form)
        if len(converted) == len(form):
            for i, c in enumerate(converted):
                spellings[i].add(c)
    return tuple(frozenset(x) for x in spellings)


def _own_spelling(m: Match, raw: str) -> Match | None:
    """A mark found only through folding traditional characters is the genuine mark when it is
    written as the mark's own traditional spelling (乾媽樂 for 干妈乐). A character that folds to the
    mark's without being its spelling there is a substitution (鵰 for 雕: 雕 is its own traditional
    form), and so is a character that is a simplified character of its own as well, when no other
    character shows traditional script (老乾妈 for 老干妈: 乾 qián, not 干 gān)."""
    form = m.mark.form
    n = len(form)
    table = _t2s_table()
    spellings = _traditional_spellings(form)
    if spellings is None:
        return None
    for i in range(len(raw) - n + 1):
        w = raw[i : i + n]
        if w.translate(table) != form:
            continue
        changed = [a for a, b in zip(w, form, strict=True) if a != b]
        ambiguous_only = all(_ambiguous_re().match(a) for a in changed)
        pairs = zip(w, form, spellings, strict=True)
        own = [a == b or (a in sp and not ambiguous_only) for a, b, sp in pairs]
        if all(own):
            return None  # the mark in traditional script
        total, kinds, notes = 0.0, [], []
        for a, b, ok in zip(w, form, own, strict=True):
            if ok:
                total += 1.0
                continue
            v, why = _char_sim(a, b)
            total += v
            kinds.append(why)
            notes.append(f"{a}/{b}" + (f" {why}" if why else ""))
        detail = f"{w} ≈ {m.mark.text} ({'; '.join(notes)})"
        return replace(m, sim=total / n, kind=_kind_of(kinds), found=w, detail=detail, raw=False)
    return None


@functools.lru_cache(maxsize=65536)
def _letters(w: str) -> str:
    """The letters of w in order (an anagram key: transpositions keep it)."""
    return "".join(sorted(w))


@functools.lru_cache(maxsize=65536)
def _word_keys(w: str) -> tuple[str, str, str]:
    """The confusable skeleton, the visual key and the sorted letters of a Latin word."""
    return skeleton(w), latin.visual_key(w), _letters(w)


def latin_keys(w: str) -> set[str]:
    keys = {"=" + w, "s" + skeleton(w), "v" + latin.visual_key(w), "o" + _letters(w)}
    cons = "".join(c for c in w if c not in latin.VOWELS)
    if len(cons) >= 3:
        keys.add("c" + cons)
        if len(cons) >= 4:
            keys.update("c" + d for d in latin.deletes(cons))
    if len(w) == 3:
        keys.add("d" + w)
        keys.update("d" + d for d in latin.deletes(w))
    if len(w) >= 4:
        # one deletion on either side meets the full form of the other (SymSpell)
        vk = latin.visual_key(w)
        keys.add("d" + w)
        keys.add("x" + vk)
        keys.update("d" + d for d in latin.deletes(w))
        keys.update("x" + d for d in latin.deletes(vk))
    if len(w) >= 5:
        keys.add("p" + w[:3] + str(len(w) // 2))
    if len(w) >= 7:
        # a long mark keeps its head or its tail through two edits elsewhere (Sunbucks for Starbucks)
        keys.add("h" + w[:5])
        keys.add("t" + w[-5:])
    return keys


@functools.lru_cache(maxsize=262144)
def _py2_keys(a: str, b: str) -> list[tuple[str, str]]:
    ka, kb = fuzzy_keys(a), fuzzy_keys(b)
    if not ka or not kb:
        return []
    return [(x, y) for x in ka for y in kb]


@functools.lru_cache(maxsize=1)
def _close_table() -> dict[str, tuple[str, ...]]:
    """Each character's closest look-alikes (similarity ≥ 0.86, among the 10 nearest of either)."""
    table = shape_table()
    near: dict[str, set[str]] = {}
    for c, row in table.items():
        top = sorted(((v, d) for d, v in row.items() if v >= 0.86), reverse=True)[:10]
        for _, d in top:
            near.setdefault(c, set()).add(d)
            near.setdefault(d, set()).add(c)
    return {c: tuple(sorted(ds)) for c, ds in near.items()}


def _close_shapes(c: str) -> tuple[str, ...]:
    return _close_table().get(c, ())


def _kind_of(kinds: list[str]) -> MatchKind:
    if not kinds:
        return "exact"
    if all(k in ("音同", "音近", "拼音") for k in kinds):
        return "sound"
    if all(k == "形近" for k in kinds):
        return "shape"
    if all(k == "数字" for k in kinds):
        return "number"
    if all(k == "" for k in kinds):
        return "partial"
    return "mixed"


def _embedded(h: str, s: int, e: int, gaps: list[bool]) -> bool:
    """Does an ordinary word straddle either end of h[s:e] (健康|师傅, 冰雪|碧波), or a place or
    person name contain it (茅台镇)?"""
    n = len(h)
    # words crossing the left boundary: start before s, end inside the span
    for a in range(max(0, s - 3), s):
        if any(gaps[a + 1 : s + 1]):
            continue
        for b in range(s + 1, min(e, a + 4) + 1):
            if b - a >= 2 and b < e + 1 and b <= e and b > s and b < e and _is_word(h[a:b]):
                return True
    # words crossing the right boundary: start inside the span, end after e
    for b in range(e + 1, min(n, e + 3) + 1):
        if any(gaps[e:b]):
            break
        for a in range(max(s + 1, b - 4), e):
            if _is_word(h[a:b]):
                return True
    # a longer place or person name that contains the span
    for a in range(max(0, s - 2), s + 1):
        for b in range(e, min(n, e + 2) + 1):
            if (a, b) != (s, e) and not any(gaps[a + 1 : b]):
                info = word_info(h[a:b])
                if info and info[1] in ("ns", "nr", "nrt", "nrfg"):
                    return True
    return False


def _is_word(w: str) -> bool:
    info = word_info(w)
    return info is not None and info[0] >= 20


_LETTERS = re.compile(r"(?<![a-z0-9])[a-z]+(?![a-z0-9])")


def _cut_by_separators(seg: Segments, a: int, b: int) -> bool:
    """Do only separators (spaces, punctuation; no letters or digits) stand between Han characters
    a .. b-1 of the stream?"""
    pos, text = seg.han.pos, seg.folded
    return all(
        not any(c.isalnum() for c in text[pos[i - 1] + 1 : pos[i]]) and pos[i] - pos[i - 1] <= 4
        for i in range(a + 1, b)
    )


def _spells(word: str, chars: str) -> bool:
    """Is word the pinyin of chars, one reading per character (jinlong for 金龙)?"""
    if not chars:
        return not word
    return any(word.startswith(p) and _spells(word[len(p) :], chars[1:]) for p in pinyins(chars[0]))


def _han_run(text: str, i: int, step: int, limit: int = 4) -> str:
    """The Han characters directly before (step -1) or after (step 1) position i, up to limit."""
    if step < 0:
        got = _HAN_TAIL.search(text, max(0, i - limit), max(0, i))
    else:
        got = _HAN_HEAD.match(text, i, i + limit)
    return got.group() if got else ""


_HAN_RUN = "[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002a6df]+"  # text.is_han
_HAN_HEAD = re.compile(_HAN_RUN)
_HAN_TAIL = re.compile(_HAN_RUN + r"\Z")


def _pseudo_chars(seg: Segments) -> dict[int, str]:
    """Han-stream index i -> a pinyin syllable written in Latin right before character i (酷wo音乐)."""
    out: dict[int, str] = {}
    han = seg.han
    for i in range(1, len(han.chars)):
        if han.gap_before[i]:
            between = seg.folded[han.pos[i - 1] + 1 : han.pos[i]]
            if between.isascii() and between.isalpha() and between in syllables():
                out[i] = between
    return out


def _rank(m: Match) -> tuple[float, int]:
    return (
        m.sim + (0.05 if m.aligned else 0.0) - (0.05 if m.embedded else 0.0),
        1 if m.kind == "exact" else 0,
    )


__all__ = ["Mark", "Match", "MarkIndex", "latin_keys", "syllables"]
