"""`markwatch --help` and the usage errors speak the command line's language: Chinese by default,
English under LANG=en* or with `--lang en` before the command; every command's and option's help is
in the catalogue in both languages."""

from __future__ import annotations

import re

import pytest
import typer

import markwatch
from review.i18n import MESSAGES

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh(cli, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`markwatch` under a Chinese server's default locale, its help drawn wide enough for no line to wrap."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("COLUMNS", "250")
    return cli


def commands(group, path=()):  # type: ignore[no-untyped-def]
    """Every group and command under ``group`` with its path of names."""
    yield path, group
    for name, command in getattr(group, "commands", {}).items():
        yield from commands(command, (*path, name))


def test_help_is_chinese_by_default(zh) -> None:  # type: ignore[no-untyped-def]
    root = zh("--help")
    assert root.exit_code == 0
    for said in ("用法：markwatch [OPTIONS] COMMAND", "监测电商平台上仿冒、傍名牌商品", "选项", "命令"):
        assert said in root.stdout
    assert "为商品文件评分" in root.stdout and "显示本帮助并退出。" in root.stdout
    score = zh("score", "--help").stdout
    assert "用法：markwatch score" in score and "参数" in score
    assert "商品文件，每行一条商品记录（JSON）。" in score and "[必填]" in score and "[默认：1]" in score
    for english in ("Usage", "Options", "Arguments", "Show this message", "Score a listings file", "default"):
        assert english not in root.stdout + score


@pytest.mark.parametrize("how", ["--lang en", "LANG=en_US.UTF-8"])
def test_help_is_english_with_lang_en_or_an_english_locale(zh, monkeypatch, how: str) -> None:  # type: ignore[no-untyped-def]
    args = ["--lang", "en"] if how == "--lang en" else []
    if how.startswith("LANG"):
        monkeypatch.setenv("LANG", "en_US.UTF-8")
    root = zh(*args, "--help").stdout
    assert "Usage: markwatch [OPTIONS] COMMAND" in root and "Commands" in root
    assert "Score a listings file" in root and "Show this message and exit." in root
    score = zh(*args, "score", "--help").stdout
    assert "Usage: markwatch score" in score and "Arguments" in score and "Options" in score
    assert "Listings, one listing record (JSON) per line." in score and "[default: 1]" in score
    assert not CJK.search(score), score


def test_lang_zh_before_the_command_gives_chinese_help_under_an_english_locale(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "250")
    assert "为商品文件评分" in cli("--lang", "zh", "score", "--help").stdout
    assert "Score a listings file" in cli("score", "--help").stdout


def test_every_command_and_option_has_help_in_both_languages() -> None:
    missing = []
    for path, command in commands(typer.main.get_command(markwatch.app)):
        where = " ".join(("markwatch", *path))
        for item, what in [(command, where), *((p, f"{where} {p.name}") for p in command.params)]:
            entry = MESSAGES.get(getattr(item, "help", None) or "")
            if entry is None or not CJK.search(entry[0]) or not entry[1] or entry[0] == entry[1]:
                missing.append(f"{what}: {getattr(item, 'help', None)!r}")
    assert missing == [], "help without a Chinese and an English entry in review/i18n.py"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_help_shows_a_catalogue_key(zh, lang: str) -> None:  # type: ignore[no-untyped-def]
    for path, _ in commands(typer.main.get_command(markwatch.app)):
        shown = zh("--lang", lang, *path, "--help")
        assert shown.exit_code == 0 and "cli.help" not in shown.stdout, path


def test_a_missing_argument_in_both_languages(zh) -> None:  # type: ignore[no-untyped-def]
    chinese = zh("score")
    assert chinese.exit_code == 2
    assert chinese.stderr.startswith("用法：markwatch score [OPTIONS]")
    assert "运行“markwatch score --help”查看帮助。" in chinese.stderr
    assert "错误：缺少参数 'file'。" in chinese.stderr
    english = zh("--lang", "en", "score")
    assert english.exit_code == 2
    assert "Try 'markwatch score --help' for help." in english.stderr
    assert "Error: Missing argument 'file'." in english.stderr


def test_an_unknown_option_or_command_in_both_languages(zh) -> None:  # type: ignore[no-untyped-def]
    option = zh("stats", "--jsn")
    assert option.exit_code == 2 and "错误：没有选项 --jsn（可能是：--json）" in option.stderr
    english = zh("--lang", "en", "stats", "--jsn")
    assert "Error: No such option: --jsn (Possible options: --json)" in english.stderr
    command = zh("scor")
    assert command.exit_code == 2 and "没有命令“scor”。您要找的是不是 'score'？" in command.stderr
    assert "No such command 'scor'. Did you mean 'score'?" in zh("--lang", "en", "scor").stderr


def test_a_bad_value_an_extra_argument_and_no_command_in_both_languages(zh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    listings = tmp_path / "商品.jsonl"
    listings.write_text("", encoding="utf-8")
    bad = zh("score", listings, "--jobs", "三")
    assert bad.exit_code == 2 and "“三”不是整数" in bad.stderr
    assert "“三” is not a whole number" in zh("--lang", "en", "score", listings, "--jobs", "三").stderr
    extra = zh("score", listings, "多余")
    assert extra.exit_code == 2 and "多余的参数：多余" in extra.stderr
    assert "Got unexpected extra argument(s) (多余)" in zh("--lang", "en", "score", listings, "多余").stderr
    assert "错误：缺少命令。" in zh("--debug").stderr
    assert "Error: Missing command." in zh("--lang", "en").stderr
