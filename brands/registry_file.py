"""The brand registry file (YAML): strict validation with file and line for every problem, and export.

The format is a contract (docs/formats.md). Validation walks the YAML node tree rather than the loaded
data so that every problem can name its line; it collects all problems before it refuses.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from PIL import Image, UnidentifiedImageError

from brands.marks import MarkHolder, find_conflicts
from storage import safe_yaml
from storage.errors import MarkwatchError
from storage.safe_yaml import shorten

BRAND_KEYS = (
    "name",
    "aliases",
    "owner",
    "registrations",
    "categories",
    "price_floor",
    "authorized_sellers",
    "official_images",
)
REGISTRATION_KEYS = ("number", "nice_class", "international")
# CNIPA registration (and application) numbers are whole numbers, 6 to 8 digits so far (older
# registrations are shorter); 9 leaves room for the sequence to grow
CNIPA_NUMBER = re.compile(r"[0-9]{6,9}")
# WIPO international (Madrid) registration numbers: up to 7 digits so far, renewals of old ones
# written with an R before them (R 123456), some with a letter after (123456A)
INTERNATIONAL_NUMBER = re.compile(r"(?:[Rr] ?)?[0-9]{3,8}[A-Za-z]?")
NICE_CLASSES = range(1, 46)
MAX_MARK_LENGTH = 200


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    message: str  # English, naming the file's keys (for the command line and the API)
    # a message catalogue key and its values, for pages that speak the user's language (the portal)
    key: str | None = None
    values: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"

    @classmethod
    def unreadable(cls, path: Path, exc: OSError) -> Problem:
        """A declarative file that cannot be read at all."""
        reason = str(exc.strerror)
        return cls(
            str(path), None, f"cannot read the file: {reason}", "err.cannot_read_file", (("reason", reason),)
        )

    @classmethod
    def not_utf8(cls, path: Path, exc: UnicodeDecodeError) -> Problem:
        """A declarative file whose bytes are not UTF-8 text."""
        return cls(
            str(path),
            None,
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8",
            "registry.not_utf8",
            (("byte", str(exc.start)),),
        )


class FileRefused(MarkwatchError):
    """A declarative file (brand registry, platform profile) refused whole, with every reason."""

    what = "file"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{self.what} refused, nothing was written ({len(problems)} problem(s)):\n{lines}")


class RegistryFileError(FileRefused):
    what = "brand registry"


@dataclass(frozen=True)
class RegistrationSpec:
    number: str | None  # None: the class is known, the number not given
    nice_class: int
    international: bool = False  # a WIPO (Madrid) international registration number


@dataclass(frozen=True)
class BrandSpec:
    """One validated brand entry of a registry file."""

    name: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None
    registrations: tuple[RegistrationSpec, ...] = ()
    categories: tuple[str, ...] = ()
    price_floor: float | None = None
    authorized_sellers: tuple[str, ...] = ()
    official_images: tuple[str, ...] = ()  # paths relative to the registry file's folder
    line: int | None = field(default=None, compare=False)

    @property
    def marks(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class RegistryFile:
    source: str
    base_dir: Path | None
    brands: tuple[BrandSpec, ...]

    def image_path(self, relative: str) -> Path:
        """The file behind an official image path (validated to lie inside base_dir at parse time)."""
        assert self.base_dir is not None
        return self.base_dir / relative


def load_registry_file(path: Path) -> RegistryFile:
    """Read and validate a registry file; raises RegistryFileError naming every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegistryFileError([Problem.unreadable(path, exc)]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryFileError([Problem.not_utf8(path, exc)]) from exc
    return parse_registry(text, source=str(path), base_dir=path.resolve().parent)


def parse_registry(text: str, *, source: str, base_dir: Path | None) -> RegistryFile:
    """Validate registry YAML text; official image paths resolve in ``base_dir`` (None: images refused)."""
    checker = _Checker(source, base_dir)
    try:
        root = safe_yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        unsafe = isinstance(exc, safe_yaml.UnsafeYaml)
        message = problem if unsafe else f"broken YAML: {problem}; fix the syntax"
        said = ("registry.unsafe_yaml" if unsafe else "registry.broken_yaml", (("problem", str(problem)),))
        raise RegistryFileError([Problem(source, line, message, *said)]) from None
    brands = checker.registry(root)
    if checker.problems:
        raise RegistryFileError(checker.problems)
    return RegistryFile(source=source, base_dir=base_dir, brands=tuple(brands))


class _Checker:
    def __init__(self, source: str, base_dir: Path | None) -> None:
        self.source = source
        self.base_dir = base_dir.resolve() if base_dir else None
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, message: str, key: str | None = None, **values: object) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(
            Problem(self.source, line, message, key, tuple((k, str(v)) for k, v in values.items()))
        )

    # -- structure ------------------------------------------------------------------------------

    def registry(self, root: yaml.Node | None) -> list[BrandSpec]:
        if root is None:
            self.problem(
                None, "the file is empty; it needs a top-level `brands:` list", "registry.file_empty"
            )
            return []
        pairs = self.mapping(root, "the file", allowed=("brands",))
        if pairs is None:
            return []
        if "brands" not in pairs:
            self.problem(root, "missing the top-level `brands:` list", "registry.no_brands")
            return []
        items = pairs["brands"][1]
        if not isinstance(items, yaml.SequenceNode):
            self.problem(
                items,
                "`brands` must be a list of brands (each item starting with `- name: ...`)",
                "registry.brands_not_list",
            )
            return []
        brands = [b for b in (self.brand(node) for node in items.value) if b is not None]
        self.cross_check(brands)
        return brands

    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping of `key: value` lines", "registry.not_mapping")
            return None
        pairs: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(
                    key_node,
                    f"a key in {what} must be a word such as `name`, not {describe(key_node)}",
                    "registry.key_not_word",
                )
                continue
            key = str(key_node.value)
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                suggestion = (
                    f" (did you mean `{hint[0]}`?)" if hint else f"; allowed keys: {', '.join(allowed)}"
                )
                shown = key if len(key) <= 60 else key[:59] + "…"
                self.problem(
                    key_node,
                    f"unknown key `{shown}` in {what}{suggestion}",
                    "registry.unknown_key_hint" if hint else "registry.unknown_key",
                    word=shown,
                    hint=hint[0] if hint else "",
                    allowed=", ".join(allowed),
                )
            elif key in pairs:
                self.problem(
                    key_node, f"key `{key}` appears twice in {what}; keep one", "registry.key_twice", word=key
                )
            else:
                pairs[key] = (key_node, value_node)
        return pairs

    def brand(self, node: yaml.Node) -> BrandSpec | None:
        pairs = self.mapping(node, "a brand", allowed=BRAND_KEYS)
        if pairs is None:
            return None
        if "name" not in pairs:
            self.problem(
                node,
                "a brand has no `name`: every brand needs its primary mark as `name:`",
                "registry.no_name",
            )
            return None
        name = self.text(pairs["name"][1], "name", field="name")
        if name is None:
            return None
        where = f"brand {name!r}"
        aliases = self.text_list(pairs.get("aliases"), f"`aliases` of {where}", field="aliases")
        for alias_node, alias in zip(self._items(pairs.get("aliases")), aliases, strict=False):
            if alias == name:
                self.problem(
                    alias_node,
                    f"alias {alias!r} of {where} repeats its name; remove it",
                    "registry.alias_is_name",
                    alias=alias,
                )
        owner = self.text(pairs["owner"][1], "owner", field="owner") if "owner" in pairs else None
        return BrandSpec(
            name=name,
            aliases=tuple(dict.fromkeys(aliases)),
            owner=owner,
            registrations=tuple(self.registrations(pairs.get("registrations"), where)),
            categories=tuple(
                self.text_list(pairs.get("categories"), f"`categories` of {where}", field="categories")
            ),
            price_floor=self.price(pairs.get("price_floor"), where),
            authorized_sellers=tuple(
                self.text_list(
                    pairs.get("authorized_sellers"),
                    f"`authorized_sellers` of {where}",
                    field="authorized_sellers",
                )
            ),
            official_images=tuple(self.images(pairs.get("official_images"), where)),
            line=node.start_mark.line + 1,
        )

    # -- values ---------------------------------------------------------------------------------

    def text(self, node: yaml.Node, what: str, field: str | None = None) -> str | None:
        """A scalar as text; ``field`` (the key it belongs to) names it in the translated message."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.problem(
                node, f"`{what}` must be a piece of text", field and "registry.not_text", field=field
            )
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, f"`{what}` is empty", field and "registry.empty", field=field)
            return None
        if len(value) > MAX_MARK_LENGTH:
            self.problem(
                node,
                f"`{what}` is longer than {MAX_MARK_LENGTH} characters",
                field and "registry.too_long",
                field=field,
                limit=MAX_MARK_LENGTH,
            )
            return None
        return value

    @staticmethod
    def _items(pair: tuple[yaml.Node, yaml.Node] | None) -> list[yaml.Node]:
        if pair is None or not isinstance(pair[1], yaml.SequenceNode):
            return []
        return list(pair[1].value)

    def text_list(
        self, pair: tuple[yaml.Node, yaml.Node] | None, what: str, field: str | None = None
    ) -> list[str]:
        if pair is None or pair[1].tag == "tag:yaml.org,2002:null":
            return []
        node = pair[1]
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, e.g. `[a, b]`", "registry.not_list")
            return []
        values = [self.text(item, what, field) for item in node.value]
        return [v for v in values if v is not None]

    def registrations(self, pair: tuple[yaml.Node, yaml.Node] | None, where: str) -> list[RegistrationSpec]:
        if pair is None or pair[1].tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(pair[1], yaml.SequenceNode):
            self.problem(
                pair[1],
                f"`registrations` of {where} must be a list of {{number, nice_class}}",
                "registry.registrations_not_list",
            )
            return []
        result = []
        for item in pair[1].value:
            fields = self.mapping(item, f"a registration of {where}", allowed=REGISTRATION_KEYS)
            if fields is None:
                continue
            if "nice_class" not in fields:
                given = fields.get("number")
                self.problem(
                    item,
                    f"a registration of {where} lacks nice_class",
                    "registry.lacks_class",
                    number=plain(given[1]) if given is not None else "",
                )
                continue
            international = self.flag(fields.get("international"), "international", where)
            number = self.number(fields.get("number"), international, where)
            nice = self.nice_class(fields["nice_class"][1], where)
            if number is not False and nice is not None and international is not None:
                result.append(RegistrationSpec(number=number, nice_class=nice, international=international))
        return list(dict.fromkeys(result))

    def flag(self, pair: tuple[yaml.Node, yaml.Node] | None, key: str, where: str) -> bool | None:
        if pair is None:
            return False
        node = pair[1]
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return bool(yaml.SafeLoader("").construct_yaml_bool(node))
        self.problem(
            node, f"`{key}` of a registration of {where} must be true or false", "registry.not_flag", word=key
        )
        return None

    def number(
        self, pair: tuple[yaml.Node, yaml.Node] | None, international: bool | None, where: str
    ) -> str | None | Literal[False]:
        """The registration number as text, None when not given, False when refused."""
        if pair is None or pair[1].tag == "tag:yaml.org,2002:null":
            return None
        number = self.text(pair[1], "number", field="number")
        if number is None:
            return False
        if international:
            if not INTERNATIONAL_NUMBER.fullmatch(number):
                self.problem(
                    pair[1],
                    f"international registration number {shorten(number)} of {where} is not one: "
                    "use the WIPO number as printed (digits, e.g. 1234567)",
                    "registry.international_number",
                    number=number[:40],
                )
                return False
        elif not CNIPA_NUMBER.fullmatch(number):
            self.problem(
                pair[1],
                f"registration number {shorten(number)} of {where} is not a CNIPA registration number: "
                "write its 6–9 digits only (e.g. 12216619); for a Madrid international registration "
                "add `international: true`",
                "registry.number",
                number=number[:40],
            )
            return False
        return number

    def nice_class(self, node: yaml.Node, where: str) -> int | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:int":
            value = yaml.SafeLoader("").construct_yaml_int(node)
            if value in NICE_CLASSES:
                return value
        self.problem(
            node,
            f"nice_class {describe(node)} of {where} is not a Nice class: use a whole number 1–45",
            "registry.nice_class",
            value=plain(node),
        )
        return None

    def price(self, pair: tuple[yaml.Node, yaml.Node] | None, where: str) -> float | None:
        if pair is None or pair[1].tag == "tag:yaml.org,2002:null":
            return None
        node = pair[1]
        if not isinstance(node, yaml.ScalarNode) or node.tag not in (
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
        ):
            self.problem(
                node,
                f"price_floor of {where} must be a number of yuan (e.g. 3.5), got {describe(node)}",
                "registry.price_not_number",
                value=plain(node),
            )
            return None
        loader = yaml.SafeLoader("")
        construct = loader.construct_yaml_int if node.tag.endswith(":int") else loader.construct_yaml_float
        value = float(construct(node))
        if not value >= 0 or value == float("inf"):
            self.problem(
                node,
                f"price_floor of {where} must be zero or more, got {describe(node)}",
                "registry.price_negative",
                value=plain(node),
            )
            return None
        return value

    def images(self, pair: tuple[yaml.Node, yaml.Node] | None, where: str) -> list[str]:
        paths = self.text_list(pair, f"`official_images` of {where}")
        result = []
        for node, relative in zip(self._items(pair), paths, strict=False):
            if self.base_dir is None:
                self.problem(
                    node,
                    f"official image {relative!r} of {where}: images need a registry file on disk",
                    "registry.image_needs_file",
                    image=relative,
                )
                continue
            candidate = (self.base_dir / relative).resolve()
            if Path(relative).is_absolute() or not candidate.is_relative_to(self.base_dir):
                self.problem(
                    node,
                    f"official image {relative!r} of {where} lies outside the registry file's folder; "
                    "put the image beside the file and give a relative path",
                    "registry.image_outside",
                    image=relative,
                )
            elif not candidate.is_file():
                self.problem(
                    node,
                    f"official image {relative!r} of {where} does not exist",
                    "registry.no_image",
                    image=relative,
                )
            elif not _is_image(candidate):
                self.problem(
                    node,
                    f"official image {relative!r} of {where} is not an image (JPEG, PNG, WebP…)",
                    "registry.not_image",
                    image=relative,
                )
            else:
                result.append(Path(relative).as_posix())
        return result

    def cross_check(self, brands: list[BrandSpec]) -> None:
        """A name appears once; a mark is shared between brands only in Nice classes that do not overlap."""
        first_named: dict[str, BrandSpec] = {}
        for brand in brands:
            first = first_named.setdefault(brand.name, brand)
            if first is not brand:
                self.problems.append(
                    Problem(
                        self.source,
                        brand.line,
                        f"duplicate name {brand.name!r}: brand {brand.name!r} is already at line "
                        f"{first.line}; a name identifies one brand — merge the two entries",
                        "registry.duplicate_name",
                        (("name", brand.name), ("line", str(first.line))),
                    )
                )
        unique = [b for b in brands if first_named[b.name] is b]
        for conflict in find_conflicts([self.holder(b) for b in unique]):
            line = int(conflict.second.where.rsplit(":", 1)[1])
            self.problems.append(Problem(self.source, line, conflict.message(), *conflict.catalogue_entry()))

    def holder(self, brand: BrandSpec) -> MarkHolder:
        return brand_holder(brand, f"{self.source}:{brand.line}")


def brand_holder(brand: BrandSpec, where: str) -> MarkHolder:
    """A registry entry as the shared-mark rule sees it."""
    return MarkHolder(
        name=brand.name,
        marks=brand.marks,
        nice_classes=frozenset(r.nice_class for r in brand.registrations),
        where=where,
    )


def _is_image(path: Path) -> bool:
    try:
        with Image.open(path) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False


def brand_to_dict(spec: BrandSpec) -> dict[str, Any]:
    """The registry-file form of one brand, keys in the documented order, empty fields left out."""
    data: dict[str, Any] = {"name": spec.name}
    if spec.aliases:
        data["aliases"] = list(spec.aliases)
    if spec.owner:
        data["owner"] = spec.owner
    if spec.registrations:
        data["registrations"] = [registration_to_dict(r) for r in spec.registrations]
    if spec.categories:
        data["categories"] = list(spec.categories)
    if spec.price_floor is not None:
        data["price_floor"] = spec.price_floor
    if spec.authorized_sellers:
        data["authorized_sellers"] = list(spec.authorized_sellers)
    if spec.official_images:
        data["official_images"] = list(spec.official_images)
    return data


def registration_to_dict(registration: RegistrationSpec) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if registration.number is not None:
        data["number"] = registration.number
    data["nice_class"] = registration.nice_class
    if registration.international:
        data["international"] = True
    return data


def plain(node: yaml.Node) -> str:
    """A scalar's text cut to 40 characters (… for a list or mapping), for a translated message."""
    return str(node.value)[:40] if isinstance(node, yaml.ScalarNode) else "…"


def describe(node: yaml.Node) -> str:
    """A YAML value for an error message without expanding it: a scalar shortened, else its kind."""
    return shorten(node.value if isinstance(node, yaml.ScalarNode) else node)


def dump_registry(specs: list[BrandSpec]) -> str:
    """Deterministic registry YAML: the same brands always give the same bytes."""
    return yaml.safe_dump(
        {"brands": [brand_to_dict(s) for s in specs]},
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
    )
