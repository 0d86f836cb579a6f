"""What scripts read from markwatch: plain lines, never wrapped, the same bytes whatever the terminal
width (``COLUMNS``), run as a script runs it — a subprocess with its output in a pipe, from a folder
with a long path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REGISTRY = """\
brands:
  - name: 康师傅
    aliases: [Master Kong]
    owner: 康师傅控股有限公司
    registrations:
      - {number: "1234567", nice_class: 30}
    price_floor: 3.0
    authorized_sellers: [康师傅官方旗舰店]
  - name: 李宁
    aliases: [LI-NING, Li Ning]
    owner: 李宁（中国）体育用品有限公司
    registrations:
      - {number: "7654321", nice_class: 25}
"""

LISTINGS = [
    {
        "id": "feed:1",
        "title": "康帅傅 红烧牛肉面 5连包 特价批发 正品保证 假一赔十 全国包邮 当天发货",
        "price": 1.5,
    },
    {"id": "feed:2", "title": "李宁 运动鞋 高仿 1:1 原单 专柜品质 支持验货 量大从优 欢迎咨询", "price": 99},
    {"id": "feed:3", "title": "普通 保温杯 500ml", "price": 39},
]


@pytest.fixture
def deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with a long path (Chinese and spaces in it), as a fresh clone might sit in."""
    folder = tmp_path.joinpath(*(["一个很长的目录名 with spaces 用来测试路径"] * 6))
    folder.mkdir(parents=True)
    monkeypatch.setenv("MARKWATCH_HOME", str(folder / "home"))
    monkeypatch.delenv("MARKWATCH_DB", raising=False)
    (folder / "品牌登记表-registry.yaml").write_text(REGISTRY, encoding="utf-8")
    (folder / "listings.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in LISTINGS), encoding="utf-8"
    )
    return folder


def markwatch(folder: Path, columns: int, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": os.pathsep.join(sys.path), "LANG": "C.UTF-8"}
    env.pop("LC_ALL", None), env.pop("LC_MESSAGES", None)  # the default language: Chinese
    return subprocess.run(
        [sys.executable, "-m", "markwatch", *args],
        cwd=folder,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


COMMANDS = [
    ("brands", "list", "--json"),
    ("brands", "list"),
    ("brands", "show", "李宁"),
    ("stats", "--json"),
    ("stats",),
    ("score", "listings.jsonl", "--explain"),
    ("users", "list"),
    ("users", "list", "--json"),
    ("platforms", "list"),
    ("jobs",),
]


def test_every_commands_output_is_the_same_bytes_at_any_width(
    deep: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(deep)

    def at(columns: int, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("COLUMNS", str(columns))
        return cli(*args)

    assert at(80, "db", "upgrade").exit_code == 0
    registry = str(deep / "品牌登记表-registry.yaml")
    imported = {width: at(width, "brands", "import", registry, "--dry-run") for width in (40, 400)}
    assert imported[40].stdout == imported[400].stdout
    (line,) = imported[40].stdout.splitlines()  # one line, however long the path
    assert registry in line and line.endswith("0 updated, 0 unchanged")
    assert at(40, "brands", "import", registry).exit_code == 0
    assert at(40, "users", "add", "审核员小王", "--role", "reviewer").exit_code == 0
    for command in COMMANDS:
        narrow, wide = at(40, *command), at(400, *command)
        assert narrow.exit_code == wide.exit_code == 0, (command, narrow.stderr)
        assert narrow.stdout == wide.stdout, command
        assert narrow.stdout.strip(), command


def test_a_script_reads_unwrapped_lines_from_a_pipe(deep: Path) -> None:
    """The case that failed from a fresh clone: a summary naming a long path, read through a pipe."""
    assert markwatch(deep, 40, "db", "upgrade").returncode == 0
    registry = str(deep / "品牌登记表-registry.yaml")
    imported = markwatch(deep, 40, "brands", "import", registry)
    assert imported.returncode == 0, imported.stderr
    (line,) = imported.stdout.splitlines()
    assert registry in line and line.endswith("新增 2 个，更新 0 个，未变 0 个")
    scored = markwatch(deep, 40, "score", "listings.jsonl")
    assert scored.returncode == 0, scored.stderr
    records = [json.loads(line) for line in scored.stdout.splitlines()]
    assert [r["id"] for r in records] == ["feed:1", "feed:2", "feed:3"]
    missing = deep / "不存在的文件.yaml"
    refused = markwatch(deep, 40, "brands", "import", str(missing))
    assert refused.returncode == 2
    assert any(str(missing) in line for line in refused.stderr.splitlines())


def test_scraped_text_reaches_the_terminal_with_its_controls_escaped(
    deep: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(deep)
    hostile = {"id": "feed:9\x1b[2K", "title": "康帅傅\x1b]0;已核验\x07 红烧牛肉面\x1b[8m", "price": 1.0}
    (deep / "hostile.jsonl").write_text(json.dumps(hostile, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli("db", "upgrade").exit_code == 0
    assert cli("brands", "import", "品牌登记表-registry.yaml").exit_code == 0
    result = cli("score", "hostile.jsonl", "--explain", "--out", "scores.jsonl")
    assert result.exit_code == 0, result.stderr
    shown = result.stdout + result.stderr
    assert "\x1b" not in shown and "\x07" not in shown
    assert "\\x1b" in shown  # shown, escaped, not hidden
    record = json.loads((deep / "scores.jsonl").read_text(encoding="utf-8"))
    assert record["id"] == "feed:9\x1b[2K"  # the data itself is kept as it came: only its display is escaped
