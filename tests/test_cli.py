"""The command line as scripts and people meet it: version, exit codes, errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

import markwatch
from settings import installed_version


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"markwatch {installed_version()}"


def test_unknown_command_and_missing_argument_are_usage_errors(cli):
    assert cli("frobnicate").exit_code == 2
    result = cli("brands", "import")
    assert result.exit_code == 2 and "Missing argument" in result.stderr


def test_a_missing_registry_file_is_named(cli, tmp_path):
    cli("db", "upgrade")
    result = cli("brands", "import", tmp_path / "不存在.yaml")
    assert result.exit_code == 2
    assert "不存在.yaml" in result.stderr and "cannot read the file" in result.stderr


def test_an_unexpected_failure_shows_no_traceback_unless_debugging(cli, monkeypatch):
    import storage.stats

    def explode(**_):
        raise RuntimeError("磁盘已满")

    cli("db", "upgrade")
    monkeypatch.setattr(storage.stats, "collect_stats", explode)
    result = cli("stats")
    assert result.exit_code == 3
    assert "internal error: RuntimeError: 磁盘已满" in result.stderr
    assert "--debug" in result.stderr and "Traceback" not in result.stderr
    with pytest.raises(RuntimeError, match="磁盘已满"):
        markwatch.main(["--debug", "stats"])  # the traceback, for a developer


def test_debug_is_the_root_option_not_any_argument_that_reads_like_it(cli):
    cli("db", "upgrade")
    result = cli("brands", "show", "--", "--debug")  # a brand's name, however odd
    assert result.exit_code == 2 and "--debug" in result.stderr


def test_a_bad_database_url_is_a_clear_refusal(cli, monkeypatch):
    monkeypatch.setenv("MARKWATCH_DB", "not a url")
    result = cli("stats")
    assert result.exit_code == 2 and "MARKWATCH_DB is not a database URL" in result.stderr


@pytest.mark.parametrize("command", [("stats",), ("db", "upgrade"), ("brands", "list")])
def test_a_file_that_is_not_a_database_is_a_clear_refusal(cli, monkeypatch, tmp_path, command):
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:管理员:/root:/bin/bash\n", encoding="utf-8")
    monkeypatch.setenv("MARKWATCH_DB", f"sqlite:///{passwd}")
    result = cli(*command)
    assert result.exit_code == 2, result.stderr
    assert "cannot open the database" in result.stderr and "file is not a database" in result.stderr
    assert passwd.read_text(encoding="utf-8") == "root:x:0:0:管理员:/root:/bin/bash\n"


def test_a_database_directory_that_cannot_be_made_is_a_clear_refusal(cli, monkeypatch, tmp_path):
    blocker = tmp_path / "文件"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("MARKWATCH_DB", f"sqlite:///{blocker}/sub/markwatch.db")
    result = cli("stats")
    assert result.exit_code == 2 and "cannot create the directory" in result.stderr


@pytest.mark.parametrize(
    "url", ["redis://127.0.0.1:1/0", "redis://127.0.0.1:99999/0", "http://127.0.0.1:6379/0"]
)
def test_a_redis_url_that_cannot_be_used_is_a_clear_refusal(cli, url):
    assert cli("db", "upgrade").exit_code == 0
    result = cli("crawl", "demo-static", "--distributed", url, "--max-pages", "1")
    assert result.exit_code == 2, result.stderr
    assert "cannot use Redis at" in result.stderr and "Traceback" not in result.stderr


def test_the_installed_console_script_runs(home):
    result = subprocess.run(
        [sys.executable, "-m", "markwatch", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("markwatch ")
