"""Platform profiles: the declarative description of a marketplace that the one generic spider follows.

A profile is a YAML file (every key in docs/crawling.md). Validation walks the YAML node tree so that
each problem names its file and line; all problems are collected, and a refused profile writes nothing.
The two demo profiles (``demo-static``, ``demo-spa``) are built in, and so are profiles of the big
marketplaces (``MARKETPLACES``: disabled until enabled).
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brands.registry_file import FileRefused, Problem
from crawler.extract import SpecError, compile_chain, template_names
from crawler.selectors import compile_selector
from storage import safe_yaml

HERE = Path(__file__).parent
DEMOS = ("demo-static", "demo-spa")  # the bundled demo marketplaces: crawled by `markwatch run`
# real marketplaces: built in, disabled until enabled (a fresh installation never crawls one by itself)
MARKETPLACES = ("taobao", "tmall", "jd", "amazon", "ebay", "aliexpress")
BUILTIN = DEMOS + MARKETPLACES
ORIGINAL_BASE = "_original_base_url"  # in a profile pointed at another address: the address it describes
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")

POLITENESS_KEYS: dict[str, type | tuple[type, ...]] = {
    "concurrency": int,  # concurrent requests per domain
    "delay": (int, float),  # s, minimum between requests to the domain
    "autothrottle": bool,
    "autothrottle_target": (int, float),  # AUTOTHROTTLE_TARGET_CONCURRENCY
    "max_delay": (int, float),  # s, AutoThrottle's ceiling (also the block back-off's)
    "retries": int,  # attempts after the first, for errors, 429, blocks, truncated pages
    "timeout": (int, float),  # s, per page
}
# address and contact are kept with the page's snapshot (its extracted texts), where seller networks
# read them (networks.build.observe); the listing record carries the others
SELLER_FIELDS = ("id", "name", "url", "opened", "rating", "licence", "address", "contact")
DETAIL_FIELDS = (
    "title",
    "price",
    "sold",
    "category",
    "description",
    "images",
    "currency",
    "brand",
    "seller",
)
TOP_KEYS = (
    "name",
    "title",
    "base_url",
    "render",
    "robots_txt",
    "start_urls",
    "search_url",
    "schedule",
    "politeness",
    "navigation",
    "list",
    "detail",
    "page",
    "currency",
    "detail_urls",
    "hosts",
    "image_hosts",
)
SECTION_KEYS = {
    "navigation": ("follow",),
    "list": (
        "items",
        "results",
        "link",
        "fields",
        "only",
        "next_page",
        "pages",
        "url_pattern",
        "ready",
        "load_more",
        "done",
    ),
    "detail": ("id", "url_pattern", "ready", "not_found", "fields"),
    "page": ("end_marker", "block", "block_url", "error"),
}
PAGES_KEYS = ("url", "step", "first", "max")
PAGES_PLACEHOLDERS = ("query", "page", "offset")
RICH_KEYS = {("list", "items"), ("list", "results"), ("list", "next_page"), ("detail", "id")}
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
BROWSER_ONLY = {("list", "ready"), ("list", "load_more"), ("list", "done"), ("detail", "ready")}
DEFAULT_POLITENESS: dict[str, Any] = {
    "concurrency": 8,
    "delay": 0.0,
    "autothrottle": True,
    "autothrottle_target": 8.0,
    "max_delay": 10.0,
    "retries": 8,
    "timeout": 30.0,
}


class ProfileError(FileRefused):
    """A profile was refused; ``problems`` names every reason with its file and line."""

    what = "platform profile"


@dataclass(frozen=True)
class Profile:
    """A validated platform profile; ``data`` is the profile as a plain dict (stored with the platform)."""

    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def title(self) -> str:
        return str(self.data.get("title") or self.data["name"])

    @property
    def render(self) -> str:
        return str(self.data["render"])

    @property
    def browser(self) -> bool:
        return self.render == "browser"

    @property
    def base_url(self) -> str:
        return str(self.data["base_url"]).rstrip("/")

    @property
    def politeness(self) -> dict[str, Any]:
        return DEFAULT_POLITENESS | dict(self.data.get("politeness") or {})

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.data.get(name) or {})

    def with_base_url(self, base_url: str | None) -> Profile:
        """The same profile served from another address (the demo on other ports, a mirror)."""
        if not base_url:
            return self
        from crawler.addresses import check_base_url

        original = self.data.get(ORIGINAL_BASE) or self.data["base_url"]
        checked = check_base_url(base_url, what=f"--base-url (or {env_var(self.name)})")
        return Profile(self.data | {"base_url": checked, ORIGINAL_BASE: original})

    def env_base_url(self) -> str | None:
        """``MARKWATCH_<NAME>_URL`` (``demo-static`` → ``MARKWATCH_DEMO_STATIC_URL``), when set."""
        return os.environ.get(env_var(self.name)) or None


def env_var(platform: str) -> str:
    return "MARKWATCH_" + re.sub(r"[^A-Z0-9]", "_", platform.upper()) + "_URL"


def load_profile_file(path: Path) -> Profile:
    """Read and validate a profile file; raises ProfileError naming every problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ProfileError([Problem.unreadable(path, exc)]) from exc
    except UnicodeDecodeError as exc:
        raise ProfileError([Problem.not_utf8(path, exc)]) from exc
    return parse_profile(text, source=str(path))


def builtin_profile(name: str) -> Profile | None:
    """A built-in profile (the demo ones, the real marketplaces of MARKETPLACES) or None."""
    if name not in BUILTIN:
        return None
    return load_profile_file(HERE / f"{name}.yaml")


def parse_profile(text: str, *, source: str) -> Profile:
    """Validate profile YAML text; raises ProfileError naming every problem with its line."""
    try:
        root = safe_yaml.compose(text)  # aliases refused: a small file must stay small
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        said = ("registry.broken_yaml", (("problem", str(problem)),))
        raise ProfileError([Problem(source, line, f"broken YAML: {problem}; fix the syntax", *said)]) from exc
    checker = _Checker(source)
    data = checker.profile(root)
    if checker.problems:
        raise ProfileError(checker.problems)
    return Profile(data)


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, node: yaml.Node | None, message: str, key: str | None = None, **values: object) -> None:
        """A problem: ``message`` in English, naming the file's keys; ``key`` its catalogue entry."""
        said = tuple((k, str(v)) for k, v in values.items())
        self.problems.append(Problem(self.source, _line(node), message, key, said))

    def mapping(self, node: yaml.Node, allowed: tuple[str, ...], where: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, f"{where} must be a mapping of keys to values", "registry.not_mapping")
            return {}
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(allowed)}"
                self.fail(
                    key_node,
                    f"unknown key {key!r} in {where}{hint}",
                    "registry.unknown_key_hint" if close else "registry.unknown_key",
                    word=key,
                    hint=close[0] if close else "",
                    allowed=", ".join(allowed),
                )
                continue
            if key in out:
                self.fail(key_node, f"key {key!r} given twice in {where}", "registry.key_twice", word=key)
            out[key] = value_node
        return out

    def scalar(self, node: yaml.Node, where: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{where} must be a single value", "profile.not_single")
            return None
        return yaml.safe_load(yaml.serialize(node))

    def text(self, node: yaml.Node, where: str) -> str | None:
        value = self.scalar(node, where)
        if value is None or value == "":
            if isinstance(node, yaml.ScalarNode):
                self.fail(node, f"{where} is empty", "profile.empty")
            return None
        if not isinstance(value, str):
            self.fail(node, f"{where} must be text, not {value!r}", "profile.not_text", value=value)
            return None
        return value

    def selector(self, node: yaml.Node, where: str) -> str | None:
        expr = self.text(node, where)
        if expr is None:
            return None
        kind = "XPath" if expr.startswith("xpath:") else "CSS"
        try:
            compile_selector(expr)
        except ValueError as exc:
            self.fail(
                node,
                f"{where}: not a valid {kind} selector ({exc})",
                "profile.bad_selector",
                where=where,
                kind=kind,
                problem=exc,
            )
            return None
        return expr

    def selectors(self, node: yaml.Node, where: str) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            one = self.selector(node, where)
            return [one] if one else []
        if not isinstance(node, yaml.SequenceNode):
            self.fail(
                node,
                f"{where} must be a selector or a list of selectors",
                "profile.not_selectors",
                where=where,
            )
            return []
        return [s for i, n in enumerate(node.value) if (s := self.selector(n, f"{where}[{i}]"))]

    def hosts(self, node: yaml.Node, where: str) -> list[str]:
        """Host names (``item.example.cn``, ``127.0.0.1:8801``, ``*.example.cn``), a list."""
        from crawler.addresses import valid_host_pattern

        if not isinstance(node, yaml.SequenceNode):
            self.fail(
                node,
                f"{where} must be a list of host names like [item.example.cn, '*.example.cn']",
                "profile.hosts_not_list",
                where=where,
            )
            return []
        out = []
        for i, item in enumerate(node.value):
            host = self.text(item, f"{where}[{i}]")
            if host is not None and not valid_host_pattern(host):
                self.fail(
                    item,
                    f"{where}[{i}]: {host!r} is not a host name like item.example.cn (no scheme, no path)",
                    "profile.bad_host",
                    where=f"{where}[{i}]",
                    host=host,
                )
            elif host is not None:
                out.append(host.lower())
        return out

    def patterns(self, node: yaml.Node, where: str) -> list[str]:
        """Regular expressions (Python syntax), one or a list."""
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = []
        for i, item in enumerate(items):
            text = self.text(item, f"{where}[{i}]" if isinstance(node, yaml.SequenceNode) else where)
            if text is None:
                continue
            try:
                re.compile(text)
            except re.error as exc:
                self.fail(
                    item,
                    f"{where}: not a valid regular expression ({exc})",
                    "profile.bad_regex",
                    where=where,
                    problem=exc,
                )
                continue
            out.append(text)
        return out

    def url_path(self, node: yaml.Node, where: str) -> str | None:
        value = self.text(node, where)
        if value is None:
            return None
        if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) and not value.lower().startswith(
            ("http://", "https://")
        ):
            self.fail(
                node,
                f"{where}: only http and https addresses are crawled, not {value!r}",
                "profile.not_http",
                where=where,
                value=repr(value),
            )
            return None
        return value

    def profile(self, root: yaml.Node | None) -> dict[str, Any]:
        if root is None:
            self.fail(
                None,
                "the file is empty; a profile needs at least name, base_url, render, list, detail",
                "profile.file_empty",
            )
            return {}
        keys = self.mapping(root, TOP_KEYS, "the profile")
        data: dict[str, Any] = {}
        for required in ("name", "base_url", "render", "list", "detail"):
            if required not in keys and isinstance(root, yaml.MappingNode):
                self.fail(root, f"missing required key {required!r}", "profile.missing_key", word=required)
        if "name" in keys:
            name = self.text(keys["name"], "name")
            if name is not None and not NAME.match(name):
                self.fail(
                    keys["name"],
                    f"name {name!r}: use lower-case letters, digits, - and _ (like demo-static)",
                    "profile.bad_name",
                    name=name,
                )
            data["name"] = name
        if "title" in keys:
            data["title"] = self.text(keys["title"], "title")
        if "base_url" in keys:
            base = self.text(keys["base_url"], "base_url")
            if base is not None and not re.match(r"^https?://[^/\s]+", base):
                self.fail(
                    keys["base_url"],
                    f"base_url must be an http(s) address like http://127.0.0.1:8801, not {base!r}",
                    "profile.bad_base_url",
                    value=repr(base),
                )
            data["base_url"] = base
        render = None
        if "render" in keys:
            render = self.scalar(keys["render"], "render")
            if render not in ("http", "browser"):
                self.fail(
                    keys["render"],
                    f"render must be 'http' or 'browser', not {render!r}",
                    "profile.bad_render",
                    value=repr(render),
                )
                render = None
            data["render"] = render
        if "robots_txt" in keys:
            value = self.scalar(keys["robots_txt"], "robots_txt")
            if not isinstance(value, bool):
                self.fail(
                    keys["robots_txt"],
                    f"robots_txt must be true or false, not {value!r}",
                    "profile.not_flag",
                    where="robots_txt",
                    value=repr(value),
                )
            data["robots_txt"] = value
        if "start_urls" in keys:
            node = keys["start_urls"]
            urls = []
            if isinstance(node, yaml.SequenceNode):
                urls = [u for i, n in enumerate(node.value) if (u := self.url_path(n, f"start_urls[{i}]"))]
            else:
                self.fail(
                    node,
                    "start_urls must be a list of addresses (absolute, or paths on base_url)",
                    "profile.start_urls_not_list",
                )
            data["start_urls"] = urls
        if "search_url" in keys:
            search = self.url_path(keys["search_url"], "search_url")
            if search is not None and "{query}" not in search:
                self.fail(
                    keys["search_url"],
                    "search_url must contain {query} where the search words go",
                    "profile.search_url_query",
                )
            data["search_url"] = search
        for key in ("hosts", "image_hosts"):
            if key in keys:
                data[key] = self.hosts(keys[key], key)
        walkable = data.get("start_urls") or data.get("search_url") or "start_urls" in keys
        if not walkable and isinstance(root, yaml.MappingNode):
            self.fail(
                root,
                "give start_urls (where the catalogue walk begins), search_url, or both",
                "profile.no_start",
            )
        if "schedule" in keys:
            cron = self.text(keys["schedule"], "schedule")
            if cron is not None:
                from apscheduler.triggers.cron import CronTrigger

                try:
                    CronTrigger.from_crontab(cron)
                except ValueError as exc:
                    self.fail(
                        keys["schedule"],
                        f"schedule must be a crontab line like '0 2 * * *' ({exc})",
                        "profile.bad_schedule",
                        problem=exc,
                    )
            data["schedule"] = cron
        if "politeness" in keys:
            pol = self.mapping(keys["politeness"], tuple(POLITENESS_KEYS), "politeness")
            data["politeness"] = {}
            for key, node in pol.items():
                value = self.scalar(node, f"politeness.{key}")
                kind = POLITENESS_KEYS[key]
                if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
                    wanted = "true or false" if kind is bool else "a number"
                    self.fail(
                        node,
                        f"politeness.{key} must be {wanted}, not {value!r}",
                        "profile.not_flag" if kind is bool else "profile.not_number",
                        where=f"politeness.{key}",
                        value=repr(value),
                    )
                elif kind is not bool and isinstance(value, (int, float)) and value < 0:
                    self.fail(
                        node,
                        f"politeness.{key} must not be negative",
                        "profile.negative",
                        where=f"politeness.{key}",
                    )
                else:
                    data["politeness"][key] = value
            if data["politeness"].get("concurrency") == 0:
                self.fail(
                    pol.get("concurrency"),
                    "politeness.concurrency must be at least 1",
                    "profile.concurrency_zero",
                )
        if "currency" in keys:
            code = self.text(keys["currency"], "currency")
            if code is not None and not CURRENCY_CODE.match(code):
                self.fail(
                    keys["currency"],
                    f"currency must be an ISO 4217 code such as CNY or GBP, not {code!r}",
                    "profile.bad_currency",
                    value=repr(code),
                )
            data["currency"] = code
        if "detail_urls" in keys:
            node = keys["detail_urls"]
            if isinstance(node, yaml.SequenceNode):
                data["detail_urls"] = [
                    u for i, n in enumerate(node.value) if (u := self.url_path(n, f"detail_urls[{i}]"))
                ]
            else:
                self.fail(
                    node,
                    "detail_urls must be a list of product page addresses",
                    "profile.detail_urls_not_list",
                )
        for section, allowed in SECTION_KEYS.items():
            if section not in keys:
                continue
            fields = self.mapping(keys[section], allowed, section)
            out: dict[str, Any] = {}
            for key, node in fields.items():
                where = f"{section}.{key}"
                if (section, key) in BROWSER_ONLY and render == "http":
                    self.fail(
                        node,
                        f"{where} is for browser-rendered pages; set render: browser or remove it",
                        "profile.browser_only",
                        where=where,
                    )
                if key == "fields":
                    out[key] = self.fields(node, section)
                elif key == "follow":
                    out[key] = self.selectors(node, where)
                elif key == "block_url":
                    out[key] = self.patterns(node, where)
                elif (section, key) in RICH_KEYS:
                    out[key] = self.chain(node, where, selector_only=key != "id", no_const=True)
                elif key == "link":
                    out[key] = self.link(node, where)
                elif key == "pages":
                    out[key] = self.pages(node, where, searchable="search_url" in data)
                elif key == "only":
                    value = self.scalar(node, where)
                    if not isinstance(value, bool):
                        self.fail(
                            node,
                            f"{where} must be true or false, not {value!r}",
                            "profile.not_flag",
                            where=where,
                            value=repr(value),
                        )
                    out[key] = value
                elif key == "url_pattern":
                    pattern = self.text(node, where)
                    if pattern is not None:
                        try:
                            re.compile(pattern)
                        except re.error as exc:
                            self.fail(
                                node,
                                f"{where}: not a valid regular expression ({exc})",
                                "profile.bad_regex",
                                where=where,
                                problem=exc,
                            )
                    out[key] = pattern
                else:
                    out[key] = self.selector(node, where)
            mapping_node = isinstance(keys[section], yaml.MappingNode)
            if section == "list" and mapping_node:
                if "items" not in fields and "results" not in fields:
                    self.fail(
                        keys[section],
                        "missing list.items (the links to detail pages) or list.results (each result)",
                        "profile.no_items",
                    )
                if "results" in fields and "link" not in fields and not out.get("only"):
                    self.fail(
                        keys[section],
                        "list.results needs list.link: where each result's page is",
                        "profile.results_need_link",
                    )
                if ("link" in fields or "fields" in fields) and "results" not in fields:
                    self.fail(
                        keys[section],
                        "list.link and list.fields are read inside list.results",
                        "profile.outside_results",
                    )
                if out.get("only") and "id" not in (out.get("fields") or {}):
                    self.fail(
                        keys[section],
                        "list.only needs list.fields.id: the listing's id",
                        "profile.only_needs_id",
                    )
                link = out.get("link")
                if isinstance(link, dict) and "template" in link:
                    known = set(out.get("fields") or {})
                    for name in template_names(link["template"]):
                        if name not in known:
                            self.fail(
                                fields["link"],
                                f"list.link: unknown placeholder {{{name}}}; name one of list.fields "
                                f"({', '.join(sorted(known)) or 'none defined'})",
                                "profile.link_placeholder" if known else "profile.link_placeholder_no_fields",
                                name=name,
                                known=", ".join(sorted(known)),
                            )
            if section == "detail" and isinstance(keys[section], yaml.MappingNode):
                for required in ("id", "fields"):
                    if required not in fields:
                        self.fail(
                            keys[section],
                            f"missing detail.{required}",
                            "profile.missing_detail",
                            word=required,
                        )
            data[section] = out
        return data

    def fields(self, node: yaml.Node, section: str) -> dict[str, Any]:
        allowed = DETAIL_FIELDS + ("id",) if section == "list" else DETAIL_FIELDS
        keys = self.mapping(node, allowed, f"{section}.fields")
        out: dict[str, Any] = {}
        if section == "detail" and "title" not in keys and isinstance(node, yaml.MappingNode):
            self.fail(
                node,
                "missing detail.fields.title: a listing without a title cannot be used",
                "profile.no_title",
            )
        for key, value in keys.items():
            where = f"{section}.fields.{key}"
            if key == "seller":
                seller = self.mapping(value, SELLER_FIELDS, where)
                out[key] = {k: self.chain(v, f"{where}.{k}") for k, v in seller.items()}
            else:
                out[key] = self.chain(value, where, no_const=key == "id")
                if key == "currency" and isinstance(value, yaml.ScalarNode):
                    text = str(value.value)
                    if CURRENCY_CODE.match(text):
                        self.fail(
                            value,
                            f"{where}: {text!r} would be read as a CSS selector (an element <{text}>); "
                            f"a fixed currency is written {{const: {text}}}",
                            "profile.currency_is_selector",
                            where=where,
                            text=text,
                        )
        return out

    def chain(
        self, node: yaml.Node, where: str, *, selector_only: bool = False, no_const: bool = False
    ) -> Any:
        """A field's sources (a selector, a mapping, or a list of them in priority order), validated;
        returned as written (profiles are stored as plain data)."""
        value = yaml.safe_load(yaml.serialize(node))
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        values = value if isinstance(value, list) else [value]
        if not values:
            self.fail(
                node,
                f"{where}: an empty list; give at least one selector",
                "profile.empty_chain",
                where=where,
            )
            return None
        ok = True
        for i, (item_node, item) in enumerate(zip(items, values, strict=False)):
            label = f"{where}[{i}]" if isinstance(node, yaml.SequenceNode) else where
            if no_const and isinstance(item, dict) and "const" in item:
                self.fail(
                    item_node,
                    f"{label}: a constant is not allowed here; it must be read from the page",
                    "profile.no_const",
                    where=label,
                )
                ok = False
                continue
            try:
                compile_chain(item, selector_only=selector_only)
            except SpecError as exc:
                self.fail(
                    _sub_node(item_node, exc.key),
                    f"{label}: {exc}",
                    exc.entry,
                    where=label,
                    **exc.values,
                )
                ok = False
        return value if ok else None

    def link(self, node: yaml.Node, where: str) -> Any:
        """list.link: a template ``{template: "/item.htm?id={id}"}`` or the sources of the link."""
        if isinstance(node, yaml.MappingNode) and any(
            isinstance(k, yaml.ScalarNode) and k.value == "template" for k, _ in node.value
        ):
            keys = self.mapping(node, ("template",), where)
            template = self.url_path(keys["template"], f"{where}.template")
            if template is not None and not template_names(template):
                self.fail(
                    keys["template"],
                    f"{where}.template has no {{placeholder}}; use a selector instead",
                    "profile.template_no_placeholder",
                    where=where,
                )
            return {"template": template} if template else None
        return self.chain(node, where, selector_only=True, no_const=True)

    def pages(self, node: yaml.Node, where: str, *, searchable: bool) -> Any:
        """list.pages: list pages by number or offset (``{url: "/s?q={query}&s={offset}", step: 44}``)."""
        keys = self.mapping(node, PAGES_KEYS, where)
        out: dict[str, Any] = {"step": 1, "first": 1, "max": 10}
        if "url" not in keys:
            if isinstance(node, yaml.MappingNode):
                self.fail(
                    node,
                    f"missing {where}.url: the address of page {{page}} or at {{offset}}",
                    "profile.no_pages_url",
                    where=where,
                )
            return None
        template = self.url_path(keys["url"], f"{where}.url")
        if template is not None:
            names = template_names(template)
            for name in names:
                if name not in PAGES_PLACEHOLDERS:
                    self.fail(
                        keys["url"],
                        f"{where}.url: unknown placeholder {{{name}}}; use {{page}}, {{offset}} or {{query}}",
                        "profile.pages_placeholder",
                        where=where,
                        name=name,
                    )
            if not {"page", "offset"} & set(names):
                self.fail(
                    keys["url"],
                    f"{where}.url needs {{page}} or {{offset}}",
                    "profile.pages_no_number",
                    where=where,
                )
            if "query" in names and not searchable:
                self.fail(
                    keys["url"],
                    f"{where}.url uses {{query}} but the profile has no search_url",
                    "profile.pages_query_no_search",
                    where=where,
                )
        out["url"] = template
        for key in ("step", "first", "max"):
            if key in keys:
                least = 0 if key == "first" else 1
                value = self.scalar(keys[key], f"{where}.{key}")
                if isinstance(value, bool) or not isinstance(value, int) or value < least:
                    self.fail(
                        keys[key],
                        f"{where}.{key} must be a whole number of at least {least}",
                        "profile.pages_number",
                        where=f"{where}.{key}",
                        least=least,
                    )
                else:
                    out[key] = value
        return out if template else None


def _sub_node(node: yaml.Node, key: str | None) -> yaml.Node:
    """The value node of ``key`` in a mapping node (for the line of a problem), else the node itself."""
    if key and isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return node
