"""Reading the YAML files people give markwatch (the brand registry, routing.yaml, platform profiles)
without letting a small file cost unbounded time or memory.

YAML aliases (``*name``) repeat an anchored value without writing it out; nested ones make a file of a
few hundred bytes stand for billions of values ("billion laughs"). None of markwatch's files needs
them, so a file holding one is refused, naming the line of the value it repeats. Nesting deeper than
``MAX_DEPTH`` is refused too. Error messages show values through ``shorten``, never whole.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml's composer when PyYAML was built with it: the same nodes, several times faster
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 100  # levels of nested lists and mappings; markwatch's files need fewer than 10


class UnsafeYaml(yaml.MarkedYAMLError):
    """A YAML file refused for an alias or too deep a nesting: ``problem`` says what, ``problem_mark``
    where (a ``yaml.YAMLError``, so every reader's handler for broken YAML reports it with its line)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None when empty); raises yaml.YAMLError for broken YAML
    and UnsafeYaml for an alias or nesting deeper than MAX_DEPTH."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise UnsafeYaml(
            f"lists or mappings nested too deeply (more than {MAX_DEPTH} levels)", None
        ) from None
    _check(root, text)
    return root


def load(text: str) -> Any:
    """The plain data of one YAML document (safe types only), after the checks of ``compose``."""
    root = compose(text)
    if root is None:
        return None
    loader = _Loader("")
    try:
        return loader.construct_document(root)
    finally:
        loader.dispose()


def shorten(value: object, limit: int = 60) -> str:
    """repr() of a value for an error message, cut to ``limit`` characters: a message never carries a
    huge value (a file may hold one on purpose). Lists and mappings are named by their kind."""
    if isinstance(value, (list, tuple, dict, set, yaml.CollectionNode)):
        return f"a {'mapping' if isinstance(value, (dict, yaml.MappingNode)) else 'list'}"
    text = repr(value if not isinstance(value, str) else value[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_alias(text: str) -> Any:
    """Where the first alias is written (the composed tree knows only where its value is anchored):
    a mark with ``line`` and ``column`` (libyaml's or PyYAML's), or None."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark
    return None


def _check(root: yaml.Node | None, text: str) -> None:
    """Every node once (an alias makes a node appear twice), none deeper than MAX_DEPTH."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)] if root is not None else []
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            line = node.start_mark.line + 1
            raise UnsafeYaml(
                f"a YAML alias repeats the value anchored at line {line}; aliases (*name) are not "
                "allowed in this file: write the value out",
                _first_alias(text) or node.start_mark,
            )
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise UnsafeYaml(
                f"lists or mappings nested too deeply (more than {MAX_DEPTH} levels)", node.start_mark
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
