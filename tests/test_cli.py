"""The command line as scripts and people meet it: version, exit codes, errors without tracebacks."""

from __future__ import annotations

import subprocess
import sys

import markwatch


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"markwatch {markwatch.package_version()}"


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


def test_a_bad_database_url_is_a_clear_refusal(cli, monkeypatch):
    monkeypatch.setenv("MARKWATCH_DB", "not a url")
    result = cli("stats")
    assert result.exit_code == 2 and "MARKWATCH_DB is not a database URL" in result.stderr


def test_the_installed_console_script_runs(home):
    result = subprocess.run(
        [sys.executable, "-m", "markwatch", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("markwatch ")
