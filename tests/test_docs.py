"""The documentation matches the code: every command, setting and file-format field is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

import markwatch
from settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def command_paths(group, prefix=()):  # type: ignore[no-untyped-def]
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from command_paths(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name))


def test_every_command_has_a_section_in_the_cli_guide():
    cli_md = (DOCS / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## `markwatch ([a-z -]+?)(?: [A-Z\[-].*)?`$", cli_md, flags=re.M))
    commands = set(command_paths(typer.main.get_command(markwatch.app)))
    assert commands - documented == set(), "commands missing from docs/cli.md"
    assert documented - commands == set(), "docs/cli.md documents commands that do not exist"


def test_every_setting_is_in_the_readme_or_settings_module():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for env in ("MARKWATCH_HOME", "MARKWATCH_DB", "MARKWATCH_CHROMIUM"):
        assert env in readme
    assert set(Settings.model_fields) >= {"home", "db", "chromium"}


def test_every_registry_key_is_documented():
    from brands.registry_file import BRAND_KEYS

    formats = (DOCS / "formats.md").read_text(encoding="utf-8")
    for key in BRAND_KEYS:
        assert f"| `{key}` |" in formats
