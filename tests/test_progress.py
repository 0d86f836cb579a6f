"""Progress bars of long commands (the crawl, `score`, the score step of `run`): in the command line's
language, with the total when it is known and words when it is not, and never wider than the terminal."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from crawler.progress import BarWords, FittedBar
from scheduler import crawl_bar_words


def shown(words: BarWords, width: int, done: int, total: int | None, **fields: object) -> list[str]:
    console = Console(width=width, file=io.StringIO(), force_terminal=True, color_system=None)
    bar = FittedBar(words, console)
    bar.update(done, total, **fields)
    console.print(bar.progress.get_renderable())
    return [line for line in console.file.getvalue().splitlines() if line.strip()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", [40, 80, 200])
def test_the_crawl_bar_is_chinese_shows_its_total_and_fits(width: int) -> None:
    words = BarWords(**crawl_bar_words("demo-static"))
    lines = shown(words, width, 120, 300, pages=37, blocks=2, retries=1)
    assert len(lines) == 1 and cell_len(lines[0]) <= width
    assert "采集 demo-static" in lines[0] and "商品 120/300" in lines[0]
    if width >= 100:
        assert "页面 37 · 拦截 2 · 重试 1" in lines[0]


@pytest.mark.parametrize("width", [40, 200])
def test_an_unknown_total_is_said_in_words_not_a_question_mark(width: int) -> None:
    lines = shown(BarWords(**crawl_bar_words("demo-spa")), width, 0, None)
    assert len(lines) == 1 and cell_len(lines[0]) <= width
    assert "/?" not in lines[0]
    assert "总数未知" in lines[0] or width < 60 and "商品 0 条" in lines[0]


def test_the_bar_speaks_english_under_an_english_locale() -> None:
    (line,) = shown(BarWords(**crawl_bar_words("demo-static", "en")), 200, 5, None)
    assert "crawling demo-static" in line and "5 listings (total not known yet)" in line


def test_score_shows_its_bar_in_chinese_with_the_files_size(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import markwatch
    from scoring.records import parse_line

    seen: list[tuple[int, int | None]] = []
    monkeypatch.setattr(FittedBar, "update", lambda self, done, total, **f: seen.append((done, total)))
    lines = [
        b'{"id": "a", "title": "\xe5\xba\xb7\xe5\xb8\x85\xe5\x82\x85 \xe6\x96\xb9\xe4\xbe\xbf\xe9\x9d\xa2"}\n'
    ] * 3
    monkeypatch.setattr(markwatch, "LANG", "zh_CN")
    made: list[BarWords] = []
    real_init = FittedBar.__init__

    def init(self, words, console, *, disable=False):  # type: ignore[no-untyped-def]
        made.append(words)
        real_init(self, words, console, disable=True)

    monkeypatch.setattr(FittedBar, "__init__", init)

    class Path:
        def score(self, listings, evidence=None):  # type: ignore[no-untyped-def]
            return [
                type("S", (), {"id": x.id, "flagged": False, "risk": 0.1, "reasons": []})() for x in listings
            ]

    import scoring.records

    monkeypatch.setattr(scoring.records, "score_to_record", lambda s: {"id": s.id})
    assert parse_line(lines[0]).title == "康帅傅 方便面"
    markwatch._score_stream(
        io.BytesIO(b"".join(lines)), io.StringIO(), Path(), db=None, explain=None, progress=True,
        total_bytes=len(b"".join(lines)),
    )  # fmt: skip
    assert made[0].label == "评分" and "已读" in made[0].count
    assert seen[-1] == (len(b"".join(lines)), len(b"".join(lines)))
