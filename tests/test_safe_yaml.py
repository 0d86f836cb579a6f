"""Files people give markwatch (the brand registry, routing.yaml, platform profiles) are read by one safe
YAML loader: a small file with nested aliases ("billion laughs") is refused at once, naming the file
and the line, instead of expanding to billions of values; nothing huge is ever formatted into a
message."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import safe_yaml
from storage.errors import MarkwatchError


def laughs(levels: int = 9) -> str:
    """The issue's attack: each level repeats the one before nine times (9**9 strings at the end)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_is_refused_naming_the_line_where_it_is_written() -> None:
    with pytest.raises(safe_yaml.UnsafeYaml) as refused:
        safe_yaml.load(laughs())
    assert refused.value.problem_mark.line + 1 == 2  # the first *l0
    assert "alias" in refused.value.problem and "anchored at line 1" in refused.value.problem


def test_a_scalar_alias_and_a_merge_key_are_refused_too() -> None:
    with pytest.raises(safe_yaml.UnsafeYaml):
        safe_yaml.load("a: &x 康师傅\nb: *x\n")
    with pytest.raises(safe_yaml.UnsafeYaml):
        safe_yaml.load("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")


def test_plain_yaml_loads_as_before_anchors_without_aliases_included() -> None:
    assert safe_yaml.load("a: [1, {b: 康师傅}]\nc: 2.5\nd: &unused 3\n") == {
        "a": [1, {"b": "康师傅"}],
        "c": 2.5,
        "d": 3,
    }
    assert safe_yaml.load("") is None


def test_nesting_too_deep_is_refused_not_a_crash() -> None:
    deep = "a: " + "[" * 500 + "]" * 500 + "\n"
    with pytest.raises(Exception) as refused:  # noqa: PT011 - libyaml or the depth check, both YAMLError
        safe_yaml.compose(deep)
    assert isinstance(refused.value, __import__("yaml").YAMLError)


def test_shorten_never_returns_a_huge_value() -> None:
    assert safe_yaml.shorten("康" * 1_000_000).startswith("'康康")
    assert len(safe_yaml.shorten("x" * 1_000_000)) <= 60
    assert safe_yaml.shorten([[1] * 1000] * 1000) == "a list"
    assert safe_yaml.shorten({"k": "v"}) == "a mapping"


# --- the registry file -------------------------------------------------------------------------------


def registry_with(value_line: str) -> str:
    return laughs() + "brands:\n  - name: 康师傅\n" + value_line


@pytest.mark.parametrize(
    "where",
    [
        "    registrations: [{nice_class: *l8}]\n",
        "    price_floor: *l8\n",
        "    *l8 : 1\n",
        "    aliases: *l8\n",
    ],
    ids=["nice_class", "price_floor", "mapping key", "aliases"],
)
def test_a_registry_with_nested_aliases_is_refused_at_once_naming_file_and_line(
    cli, tmp_path: Path, where: str
) -> None:
    path = tmp_path / "brands.yaml"
    path.write_text(registry_with(where), encoding="utf-8")
    result = cli("brands", "import", str(path), "--dry-run")
    assert result.exit_code == 2
    assert f"{path}:2: a YAML alias repeats the value anchored at line 1" in result.stderr
    assert "lol" not in result.stderr and len(result.stderr) < 2000
    assert "Traceback" not in result.stderr


def test_registry_messages_show_a_list_given_as_a_value_by_its_kind(cli, tmp_path: Path) -> None:
    many = "[" + ", ".join(["'很长的值'"] * 20000) + "]"
    path = tmp_path / "brands.yaml"
    path.write_text(
        f"brands:\n  - name: 康师傅\n    price_floor: {many}\n    registrations: [{{nice_class: {many}}}]\n"
        f"    ? {many}\n    : 1\n",
        encoding="utf-8",
    )
    result = cli("brands", "import", str(path), "--dry-run")
    assert result.exit_code == 2
    assert "price_floor of brand '康师傅' must be a number of yuan (e.g. 3.5), got a list" in result.stderr
    assert "nice_class a list of brand '康师傅' is not a Nice class" in result.stderr
    assert f"{path}:5: a key in a brand must be a word" in result.stderr
    assert "很长的值" not in result.stderr


# --- routing.yaml and platform profiles ----------------------------------------------------------------


def test_a_routing_file_with_aliases_is_refused_naming_its_line(tmp_path: Path) -> None:
    from storage.queue_rules import read_routing

    path = tmp_path / "routing.yaml"
    path.write_text(laughs() + "counterfeit_mark: *l8\n", encoding="utf-8")
    with pytest.raises(MarkwatchError) as refused:
        read_routing(path, kinds=["counterfeit_mark"])
    message = str(refused.value)
    assert "routing.yaml" in message and "alias" in message and "line 2" in message
    assert "lol" not in message


def test_a_routing_file_names_a_huge_value_without_printing_it(tmp_path: Path) -> None:
    from storage.queue_rules import read_routing

    path = tmp_path / "routing.yaml"
    path.write_text("counterfeit_mark: [" + ", ".join(["商标处"] * 50000) + "]\n", encoding="utf-8")
    with pytest.raises(MarkwatchError) as refused:
        read_routing(path, kinds=["counterfeit_mark"])
    assert "must be a name, not a list" in str(refused.value) and len(str(refused.value)) < 1000


def test_a_platform_profile_with_aliases_is_refused_naming_file_and_line(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "shop.yaml"
    path.write_text(
        laughs() + "name: shop-example\nbase_url: https://shop.example.cn\nstart_urls: *l8\n",
        encoding="utf-8",
    )
    result = cli("platforms", "add", str(path))
    assert result.exit_code == 2
    assert f"{path}:2:" in result.stderr and "alias" in result.stderr
    assert "lol" not in result.stderr and "Traceback" not in result.stderr
