"""resemblance(): which registered brands a NEW mark imitates (the brand-registration squatting check)."""

from __future__ import annotations

from scoring.matcher import Match
from scoring.registry import Registry
from scoring.text import fold, latin_fold, segment

_KIND_ZH = {
    "exact": "与已登记商标相同",
    "evasion": "与已登记商标相同（仅有分隔符、全角或繁简差异）",
    "shape": "字形近似",
    "sound": "读音相同或相近",
    "mixed": "音形近似",
    "number": "仅数字不同",
    "insertion": "在已登记商标中插入字符",
    "omission": "省略已登记商标中的字符",
    "transposition": "调换已登记商标的字序",
    "prefix": "保留已登记商标的前部",
    "partial": "与已登记商标部分相同",
    "latin": "拉丁字母近似",
}


def resemblance(
    candidate_mark: str, registry: Registry, min_similarity: float = 0.6
) -> list[tuple[str, float, str]]:
    """Existing brands that a new mark resembles: (brand name, similarity 0..1, explanation in Chinese),
    most similar first. 康帅傅 → [("康师傅", 0.9, "字形近似：康帅傅 ≈ 康师傅 …")]."""
    text = candidate_mark.strip()
    if not text:
        return []
    seg = segment(text)
    matches: list[Match] = registry.index.match(text, seg)
    whole = latin_fold(fold(text))
    best: dict[str, tuple[float, str]] = {}
    for m in matches:
        sim = m.sim
        # the candidate should be about as long as the mark it imitates
        covered = len(m.found) / max(1, len(whole.replace(" ", "")))
        if covered < 0.5:
            sim *= 0.8
        if m.common_word:
            sim *= 0.9
        if sim < min_similarity:
            continue
        name = registry.index.brands[m.mark.brand].name
        expl = f"{_KIND_ZH.get(m.kind, '近似')}：{m.detail}"
        if name not in best or sim > best[name][0]:
            best[name] = (round(sim, 3), expl)
    return sorted(((n, s, e) for n, (s, e) in best.items()), key=lambda t: -t[1])
