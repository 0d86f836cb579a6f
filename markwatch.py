"""markwatch's command line: the one front door for every verb (see docs/cli.md).

Exit codes: 0 done; 1 done but some records failed (each reported); 2 refused (bad input or
configuration, nothing written); 3 internal error (a bug: rerun with --debug for the traceback).
"""

from __future__ import annotations

import difflib
import gc
import json
import sys
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from demo import BRANDS_FILE, PORTS
from review.format import percent, printable, reason_detail
from review.i18n import DEFAULT_LANG, MESSAGES, job_name, label, normalise, schedule_words, translate
from settings import get_settings, installed_version
from storage import Database, MarkwatchError, NotFound, open_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from sqlalchemy.orm import Session
    from typer._click import Context as ClickContext  # what Typer's command classes are given
    from typer._click import HelpFormatter

    from brands.queueing import ScoreQueue
    from crawler.run import CrawlRunSummary
    from demo.server import DemoServers
    from scoring import Listing, Score
    from scoring.parallel import EvidenceWorkers
    from settings import Settings
    from storage.models import User

# --- help and usage errors in the command line's language -----------------------------------------------

# the words typer.rich_utils draws help with: module constants that it reads each time it draws
_TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "cli.usage.arguments",
    "OPTIONS_PANEL_TITLE": "cli.usage.options",
    "COMMANDS_PANEL_TITLE": "cli.usage.commands",
    "DEFAULT_STRING": "cli.usage.default",
    "REQUIRED_LONG_STRING": "cli.usage.required",
    "ENVVAR_STRING": "cli.usage.envvar",
    "DEPRECATED_STRING": "cli.usage.deprecated",
}


@contextmanager
def _help_said(command: TyperCommand | TyperGroup, ctx: ClickContext) -> Iterator[None]:
    """While help is drawn: the help of the command, of its options and arguments and of the commands it
    lists as their catalogue entries in the command line's language instead of their keys, and Typer's
    own words from the catalogue; all as they were afterwards."""
    from typer import rich_utils

    helped: list[Any] = [*command.get_params(ctx)]
    if isinstance(command, TyperGroup):
        helped += [command.get_command(ctx, name) for name in command.list_commands(ctx)]
    help_option = command.get_help_option(ctx)  # Typer's own, with its English text
    saved = [(item, item.help) for item in [command, *helped] if getattr(item, "help", None)]
    words = {name: getattr(rich_utils, name) for name in _TYPER_WORDS}
    try:
        for item, key in saved:
            item.help = _t("cli.help.help_option" if item is help_option else key)
        for name, key in _TYPER_WORDS.items():
            setattr(rich_utils, name, _t(key))
        yield
    finally:
        for item, key in saved:
            item.help = key
        for name, word in words.items():
            setattr(rich_utils, name, word)


def _write_usage(command: TyperCommand | TyperGroup, ctx: ClickContext, formatter: HelpFormatter) -> None:
    pieces = " ".join(command.collect_usage_pieces(ctx))
    formatter.write_usage(ctx.command_path, pieces, prefix=_t("cli.usage.usage"))


class _SpokenCommand(TyperCommand):
    """A command whose help texts are catalogue keys, said in the command line's language when help is
    shown: Typer builds every command before Click has read ``--lang``, so no text can be chosen earlier."""

    def format_help(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        with _help_said(self, ctx):
            super().format_help(ctx, formatter)

    def format_usage(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def parse_args(self, ctx: ClickContext, args: list[str]) -> list[str]:
        allowed, ctx.allow_extra_args = ctx.allow_extra_args, True  # so that markwatch words the refusal
        try:
            rest = super().parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = allowed
        if rest and not allowed and not ctx.resilient_parsing:
            ctx.fail(_t("cli.usage.extra_arguments", args=" ".join(rest)))
        return rest


class _SpokenGroup(TyperGroup):
    """A group of commands that says its help, and an unknown command, like _SpokenCommand."""

    def format_help(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        with _help_said(self, ctx):
            super().format_help(ctx, formatter)

    def format_usage(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        _write_usage(self, ctx, formatter)

    def resolve_command(self, ctx: ClickContext, args: list[str]) -> Any:
        name = args[0]
        if self.get_command(ctx, name) is None and not name.startswith("-") and not ctx.resilient_parsing:
            close = difflib.get_close_matches(name, self.list_commands(ctx))
            said = _t("cli.usage.no_such_command", name=name)
            if close:
                said += _t("cli.usage.did_you_mean", names=", ".join(f"'{c}'" for c in close))
            ctx.fail(said)
        return super().resolve_command(ctx, args)


class _Cli(typer.Typer):
    """A Typer app whose groups and commands speak the command line's language (_SpokenGroup,
    _SpokenCommand)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(cls=_SpokenGroup, **options)

    def command(self, *args: Any, **options: Any) -> Any:
        return super().command(*args, cls=_SpokenCommand, **options)


def _usage_error(exc: typer.TyperException) -> str | None:
    """What a usage error (unknown option, missing argument, bad value…) tells the user, in the command
    line's language, built from what the exception says about the error rather than from its English
    message; None for "no arguments, so here is the help", already shown."""
    # Typer vendors Click and exports only BadParameter: these classes say which error it is
    from typer._click import exceptions as click

    if isinstance(exc, click.NoArgsIsHelpError):
        return None
    ctx = getattr(exc, "ctx", None)
    lines = []
    if ctx is not None:
        lines.append(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            lines.append(_t("cli.usage.try_help", command=ctx.command_path, option=ctx.help_option_names[0]))
        lines.append("")
    return "\n".join([*lines, _t("cli.usage.error") + _usage_problem(exc)])


def _usage_problem(exc: typer.TyperException) -> str:
    from typer._click import exceptions as click

    if isinstance(exc, click.MissingParameter):
        param = exc.param
        kind = getattr(param, "param_type_name", "")
        name = param.get_error_hint() if param is not None else str(exc.param_hint)
        return _t("cli.usage.missing_option" if kind == "option" else "cli.usage.missing_argument", name=name)
    if isinstance(exc, click.NoSuchOption):
        said = _t("cli.usage.no_such_option", option=exc.option_name)
        if exc.possibilities:
            said += _t("cli.usage.possible_options", options=", ".join(sorted(exc.possibilities)))
        return said
    if isinstance(exc, click.BadOptionUsage):  # an option without its value: the one way markwatch meets it
        return _t("cli.usage.needs_value", option=exc.option_name)
    if isinstance(exc, click.BadParameter):
        param = exc.param
        hint = param.get_error_hint() if param is not None else str(exc.param_hint or "")
        cause = exc.__cause__
        if cause is not None and hasattr(cause, "errors"):  # pydantic's refusal of a value, by its error type
            from review.app import bad_input

            return bad_input(cause.errors()[0]).message(LANG, param=hint)
        return _t("cli.usage.bad_value", param=hint, problem=exc.message)
    return exc.message  # ctx.fail: markwatch's own words (_SpokenCommand, _SpokenGroup, _root)


app = _Cli(
    name="markwatch",
    help="cli.help.markwatch",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = _Cli(help="cli.help.db", no_args_is_help=True)
brands_app = _Cli(help="cli.help.brands", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(brands_app, name="brands")

UNWRAPPED = 1_000_000  # columns: what a pipe or a file gets, so no line is ever wrapped


class _EscapingConsole(Console):
    """Every string it shows (printed or in a table cell) has its control characters escaped: titles,
    seller and brand names, file and member names come from outside and may carry terminal escapes."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(printable(text, keep_newlines=True, keep_tabs=True), **kwargs)


def _console(stderr: bool = False) -> Console:
    """A console that never wraps a line it prints (soft wrap), and that, when its output is not a
    terminal, lays out tables for no width at all: whatever ``COLUMNS`` or the terminal at hand say,
    what a script reads from markwatch is the same bytes. Markup is off: brand names, titles and error
    texts are data and may contain [brackets]."""
    stream = sys.stderr if stderr else sys.stdout
    terminal = hasattr(stream, "isatty") and stream.isatty()
    return _EscapingConsole(
        stderr=stderr, highlight=False, markup=False, soft_wrap=True, width=None if terminal else UNWRAPPED
    )


out = _console()
err = _console(stderr=True)
LANG = (
    DEFAULT_LANG  # the language of everything markwatch prints: Chinese unless LANG/LC_ALL or --lang say en
)


def lang_from_environment(environ: dict[str, str] | None = None) -> str:
    """zh_CN unless the locale asks for English: the first of LC_ALL, LC_MESSAGES, LANG that is set
    (POSIX order) starting with ``en``."""
    import os

    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANG
    return DEFAULT_LANG


def _t(key: str, /, **values: Any) -> str:
    """A message of the catalogue (review.i18n) in the command line's language."""
    return translate(key, LANG, **values)


def _one_of_languages(value: str) -> str:
    """``en`` or ``zh`` from what a user typed (en_US, zh-CN…); BadParameter for anything else."""
    if not value.lower().replace("-", "_").startswith(("zh", "en")):
        raise typer.BadParameter(translate("cli.bad_lang", LANG, value=value))
    return "en" if value.lower().startswith("en") else DEFAULT_LANG


def _lang_callback(value: str | None) -> str | None:
    global LANG
    if value is not None:
        LANG = _one_of_languages(value)
    return value


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"markwatch {installed_version()}")
        raise typer.Exit()


@dataclass
class RootOptions:
    """The root options as Typer parsed them, for ``main`` to read after the command (``ctx.obj``)."""

    debug: bool = False


@app.callback(invoke_without_command=True)  # without one, _root says so in the command line's language
def _root(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="cli.help.version"),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="cli.help.debug")] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=_lang_callback,
            is_eager=True,
            help="cli.help.lang",
        ),
    ] = None,
) -> None:
    """markwatch: counterfeit and lookalike listings, scored and queued for review."""
    if isinstance(ctx.obj, RootOptions):
        ctx.obj.debug = debug
    if ctx.invoked_subcommand is None:
        ctx.fail(_t("cli.usage.missing_command"))


def database() -> Database:
    """The configured database, refusing one that needs `markwatch db upgrade`."""
    return open_database(get_settings())


# --- db -------------------------------------------------------------------------------------------------


@db_app.command("upgrade", help="cli.help.db.upgrade")
def db_upgrade() -> None:
    """Create the database, or migrate it to this version's schema."""
    from storage.migrate import upgrade

    settings = get_settings()
    db = open_database(settings, check=False)
    before, after = upgrade(db.engine)
    where = db.engine.url.render_as_string(hide_password=True)
    if before == after:
        out.print(_t("cli.db_current", where=where, revision=after))
    else:
        out.print(_t("cli.db_migrated", where=where, before=before or _t("cli.db_empty"), after=after))


# --- brands ---------------------------------------------------------------------------------------------


@brands_app.command("import", help="cli.help.brands.import")
def brands_import(
    file: Annotated[Path, typer.Argument(help="cli.help.brands.import.file")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="cli.help.brands.import.dry_run")] = False,
) -> None:
    """Load a brand registry file: all of it, or nothing when any entry is wrong."""
    from brands.registry_file import load_registry_file
    from brands.service import import_registry

    registry = load_registry_file(file)  # validate before touching the database
    report = import_registry(database(), registry, dry_run=dry_run)
    out.print(
        _t(
            "cli.brands_would_import" if dry_run else "cli.brands_imported",
            total=report.total,
            file=file,
            new=len(report.created),
            updated=len(report.updated),
            unchanged=len(report.unchanged),
        )
    )


@brands_app.command("list", help="cli.help.brands.list")
def brands_list(
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """Every registered brand with its marks and status."""
    from storage.brands import list_brands

    with database().session() as session:
        rows: list[dict[str, Any]] = [
            {
                "name": b.name,
                "aliases": b.aliases,
                "owner": b.owner,
                "status": b.status,
                "nice_classes": sorted({r.nice_class for r in b.registrations}),
                "price_floor": b.policy.price_floor if b.policy else None,
            }
            for b in list_brands(session=session)
        ]
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(
        _t("col.brand"),
        _t("cli.col_aliases"),
        _t("brands.owner"),
        _t("cli.col_classes"),
        _t("cli.col_price_floor"),
        _t("brands.status"),
    )
    for r in rows:
        table.add_row(
            r["name"],
            ", ".join(r["aliases"]),
            r["owner"] or "",
            ", ".join(map(str, r["nice_classes"])),
            "" if r["price_floor"] is None else f"¥{r['price_floor']:,.2f}",
            _t(f"status.{r['status']}"),
        )
    out.print(table)
    out.print(_t("cli.brands_count", n=len(rows)))


@brands_app.command("show", help="cli.help.brands.show")
def brands_show(name: Annotated[str, typer.Argument(help="cli.help.brands.show.name")]) -> None:
    """Everything registered for one brand, in registry-file form."""
    from brands.registry_file import dump_registry
    from brands.service import spec_from_brand
    from storage.brands import get_brand

    with database().session() as session:
        brand = get_brand(session=session, name=name)
        if brand is None:
            raise NotFound(_t("cli.no_brand", name=name))
        out.print(_t("cli.brand_status", status=_t(f"status.{brand.status}")))
        out.print(dump_registry([spec_from_brand(brand)]), end="", markup=False)


@brands_app.command("export", help="cli.help.brands.export")
def brands_export(
    file: Annotated[Path | None, typer.Argument(help="cli.help.brands.export.file")] = None,
) -> None:
    """The approved registry as a registry file; export → import → export gives the same bytes."""
    from brands.service import export_registry

    text = export_registry(database(), file, status="approved")
    if file is None:
        sys.stdout.write(text)
    else:
        err.print(_t("cli.wrote", file=file))


def _open_for_writing(path: Path) -> TextIO:
    """``path`` opened for records, or a refusal that names it (a missing folder, no permission): bad
    input, not a fault of markwatch."""
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise MarkwatchError(_t("cli.cannot_write", file=path, reason=exc.strerror)) from exc


# --- score ----------------------------------------------------------------------------------------------


@app.command("score", help="cli.help.score")
def score_file(
    file: Annotated[Path, typer.Argument(help="cli.help.score.file")],
    brands_file: Annotated[Path | None, typer.Option("--brands", help="cli.help.score.brands_file")] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="cli.help.score.out_file")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="cli.help.score.explain")] = False,
    queue: Annotated[bool, typer.Option("--queue", help="cli.help.score.queue")] = False,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="cli.help.score.jobs",
        ),
    ] = 1,
) -> None:
    """Score a listings file: one score record per input line, in input order."""
    from brands.queueing import ScoreQueue, score_queue
    from brands.scorer import Scorer, registry_from_path
    from scoring.parallel import EvidenceWorkers

    settings = get_settings()
    db = database() if (queue or brands_file is None) else None
    registry = registry_from_path(brands_file, settings.cache_dir) if brands_file is not None else None
    if db is not None:
        path = score_queue(db, settings, registry=registry)
    else:
        import scoring
        from storage.queue_rules import QueueRules

        assert registry is not None  # no database only with --brands
        scorer = Scorer(registry=registry, context=scoring.ScoringContext(), model=None)
        path = ScoreQueue(scorer=scorer, rules=QueueRules(), threshold=settings.scoring_threshold)
    if len(path.scorer.registry) == 0:
        raise MarkwatchError(_t("cli.no_brands_to_score"))
    # the registry's index (a few hundred thousand objects) lives to the end: the garbage collector's
    # full passes need not walk it again and again while the listings are scored; and scoring makes
    # millions of short-lived containers but hardly any reference cycles (a few hundred in 20,000
    # listings), so collecting less often frees the same memory in half the time
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        source = file.open("rb")
    except OSError as exc:
        raise MarkwatchError(_t("cli.cannot_read", file=file, reason=exc.strerror)) from exc
    if out_file is not None and str(out_file) == "-":
        out_file = None  # the usual name for standard output
    sink = _open_for_writing(out_file) if out_file else sys.stdout
    # the workers are forked before the progress bar's thread starts
    workers = EvidenceWorkers(path.scorer.registry, jobs) if jobs > 1 else None
    try:
        summary = _score_stream(
            source,
            sink,
            path,
            db=db if queue else None,
            explain=err if explain else None,
            progress=err.is_terminal,
            total_bytes=file.stat().st_size,
            workers=workers,
        )
    except BaseException:
        if workers is not None:
            workers.close(wait=False)
        raise
    finally:
        source.close()
        if out_file:
            sink.close()
    if workers is not None:
        workers.close()
    err.print(
        _t("cli.scored", scored=f"{summary.scored:,}", flagged=f"{summary.flagged:,}")
        + (_t("cli.scored_queued", queued=f"{summary.queued:,}") if queue else "")
        + (_t("cli.scored_failed", failed=f"{summary.failed:,}") if summary.failed else "")
    )
    if summary.failed:
        raise typer.Exit(1)


class _ScoreSummary:
    def __init__(self) -> None:
        self.scored = self.flagged = self.queued = self.failed = 0


SCORE_BATCH = 500  # lines scored (and, with --queue, stored and queued in one transaction) at a time


def _score_stream(
    source: IO[bytes],
    sink: IO[str],
    path: ScoreQueue,
    *,
    db: Database | None,
    explain: Console | None,
    progress: bool,
    total_bytes: int,
    workers: EvidenceWorkers | None = None,
) -> _ScoreSummary:
    """Write one score record per line of ``source``, in input order; memory stays flat however long
    the file. With ``db`` each batch of listings is stored, then scored and queued in one transaction
    (brands.queueing.score_and_queue, the path every scorer takes). With ``workers`` the matcher runs
    in worker processes while this one scores in input order: the same records."""
    import itertools
    from itertools import islice

    from crawler.progress import BarWords, FittedBar
    from scoring.records import error_record, parse_line, record_id, score_to_record

    summary = _ScoreSummary()
    words = BarWords(
        _t("progress.scoring"),
        _t("progress.bytes", done="{done}", total="{total}"),
        _t("progress.bytes_unknown", done="{done}"),
    )
    bar = FittedBar(words, err, disable=not progress)
    read = 0

    def parsed_lines() -> Iterator[tuple[int, Listing | None, dict[str, Any] | None]]:
        """(line number, listing or None, error record or None) per non-blank line."""
        nonlocal read
        for number, line in enumerate(source, start=1):
            read += len(line)
            if progress:  # a hidden bar still formats every update
                bar.update(read, total_bytes or None)
            if not line.strip():
                continue
            try:
                yield number, parse_line(line), None
            except ValueError as exc:
                yield number, None, error_record(record_id(line), f"line {number}: {exc}")

    lines = parsed_lines()
    batches = iter(lambda: list(islice(lines, SCORE_BATCH)), [])
    # json.dumps(..., ensure_ascii=False) makes a new encoder for every record: one does for all
    encode = json.JSONEncoder(ensure_ascii=False).encode
    if workers is None:
        found: Iterator[list[Any] | None] = itertools.repeat(None)
    else:
        # the workers read batch k + 1 .. while this process scores batch k; tee keeps the batches
        # in flight (at most two per worker) for the loop below
        batches, to_workers = itertools.tee(batches)
        found = workers.map([x for _n, x, _e in batch if x is not None] for batch in to_workers)
    with bar:
        for batch, evidence in zip(batches, found, strict=False):  # found: endless without workers
            listings = [listing for _n, listing, _e in batch if listing is not None]
            scores = iter(_score_batch(path, listings, db, summary, evidence))
            for _number, listing, error in batch:
                if listing is None:
                    summary.failed += 1
                    sink.write(encode(error) + "\n")
                    continue
                result = next(scores)
                summary.scored += 1
                summary.flagged += result.flagged
                sink.write(encode(score_to_record(result)) + "\n")
                if explain is not None and result.flagged:
                    risk = _t("cli.risk", risk=percent(result.risk))
                    explain.print(Text(printable(f"{result.id}  {listing.title[:60]}  {risk}"), style="bold"))
                    for reason in result.reasons:
                        name = label("signal", reason.signal, LANG)
                        explain.print(f"  {reason.weight:+.2f}  {name}：{reason_detail(reason.detail)}")
    return summary


def _score_batch(
    path: ScoreQueue,
    listings: list[Listing],
    db: Database | None,
    summary: _ScoreSummary,
    evidence: list[Any] | None = None,
) -> list[Score]:
    """The scores of ``listings`` in order; with ``db`` the listings are stored and queued too.
    ``evidence``: what worker processes found in them (``scoring.parallel``)."""
    if db is None:
        return list(path.score(listings, evidence=evidence))
    from brands.queueing import score_and_queue
    from storage.listings import upsert_listing

    with db.session() as session:
        rows = [
            upsert_listing(session=session, record=_normalised_record(listing))[0] for listing in listings
        ]
        outcomes = score_and_queue(session, rows, path, listings=listings, evidence=evidence)
    summary.queued += sum(outcome.queued for outcome in outcomes)
    return [outcome.score for outcome in outcomes]


def _normalised_record(listing: Listing) -> dict[str, Any]:
    """A parsed listing back in listing-record form, with the types the parser enforced."""
    from dataclasses import asdict

    record = asdict(listing)
    record["seen_at"] = listing.seen_at.isoformat() if listing.seen_at else None
    if listing.seller is not None and listing.seller.opened is not None:
        record["seller"]["opened"] = listing.seller.opened.isoformat()
    return record


# --- stats ----------------------------------------------------------------------------------------------


@app.command("stats", help="cli.help.stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False) -> None:
    """Counts: brands, platforms, listings, snapshots, leads by status, crawl runs, last job runs."""
    from storage.stats import collect_stats

    with database().session() as session:
        figures = collect_stats(session=session)
    if as_json:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("", _t("cli.col_count"), show_header=False)
    for key in (
        "brands",
        "brands_pending",
        "platforms",
        "listings",
        "snapshots",
        "screenshots",
        "crawl_runs",
    ):
        table.add_row(_t(f"stat.{key}"), f"{figures[key]:,}")
    for status, n in figures["leads"].items():
        table.add_row(_t("cli.stat_leads", status=label("status", status, LANG)), f"{n:,}")
    for job, run in figures["jobs"].items():
        outcome = label("outcome", run["outcome"], LANG)
        table.add_row(
            _t("cli.stat_job", job=job_name(job, LANG)),
            _t("cli.stat_job_run", outcome=outcome, when=_local(run["started_at"])),
        )
    out.print(table)


# --- platforms, crawl, demo (crawler/, demo/) -----------------------------------------------------------

platforms_app = _Cli(help="cli.help.platforms", no_args_is_help=True)
demo_app = _Cli(help="cli.help.demo", no_args_is_help=True)
app.add_typer(platforms_app, name="platforms")
app.add_typer(demo_app, name="demo")


@platforms_app.command("list", help="cli.help.platforms.list")
def platforms_list(
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """Platforms with their profiles: the built-in ones and those added with `platforms add`."""
    from crawler.profiles import BUILTIN, DEMOS, builtin_profile
    from storage.crawl import platform_overview

    with database().session() as session:
        rows = {r["name"]: r for r in platform_overview(session=session)}
    for name in BUILTIN:
        if name not in rows:
            profile = builtin_profile(name)
            assert profile is not None
            rows[name] = {
                "name": name,
                "title": profile.title,
                "render": profile.render,
                "enabled": name in DEMOS,
                "has_profile": True,
                "base_url": profile.base_url,
                "listings": 0,
                "last_crawl": None,
            }
    if as_json:
        ordered = sorted(rows.values(), key=lambda r: r["name"])
        sys.stdout.write(json.dumps(ordered, ensure_ascii=False) + "\n")
        return
    table = Table(
        *(
            _t(f"cli.col_{c}")
            for c in ("platform", "title", "render", "crawled", "address", "listings", "last_crawl")
        )
    )
    for row in sorted(rows.values(), key=lambda r: r["name"]):
        last = row["last_crawl"]
        table.add_row(
            row["name"],
            row["title"] or "",
            row["render"],
            _t("cli.enabled") if row["enabled"] else _t("cli.disabled"),
            row["base_url"] or _t("cli.no_profile"),
            f"{row['listings']:,}",
            f"{label('run', last['status'], LANG)} {_local(last['started_at'])}" if last else _t("cli.never"),
        )
    out.print(table)


@platforms_app.command("add", help="cli.help.platforms.add")
def platforms_add(
    profile_file: Annotated[Path, typer.Argument(help="cli.help.platforms.add.profile_file")],
) -> None:
    """Add a platform, or replace its profile: validated first, nothing written if refused."""
    from crawler.profiles import load_profile_file
    from storage.crawl import upsert_platform

    profile = load_profile_file(profile_file)
    with database().session() as session:
        _, created = upsert_platform(
            session=session,
            name=profile.name,
            title=profile.title,
            render=profile.render,
            profile=profile.data,
        )
    key = "cli.platform_added" if created else "cli.platform_updated"
    out.print(_t(key, name=profile.name, render=profile.render, url=profile.base_url))


@platforms_app.command("enable", help="cli.help.platforms.enable")
def platforms_enable(
    name: Annotated[str, typer.Argument(help="cli.help.platform_name")],
) -> None:
    """Crawl this platform from now on (`markwatch run`, the scheduler)."""
    from crawler.platforms import set_enabled

    changed = set_enabled(database(), name, True)
    out.print(_t("cli.platform_enabled" if changed else "cli.platform_was_enabled", name=name))


@platforms_app.command("disable", help="cli.help.platforms.disable")
def platforms_disable(
    name: Annotated[str, typer.Argument(help="cli.help.platform_name")],
) -> None:
    """Stop crawling this platform (`markwatch run`, the scheduler; `crawl` refuses it); its listings stay."""
    from crawler.platforms import set_enabled

    changed = set_enabled(database(), name, False)
    out.print(_t("cli.platform_disabled" if changed else "cli.platform_was_disabled", name=name))


listings_app = _Cli(help="cli.help.listings", no_args_is_help=True)
app.add_typer(listings_app, name="listings")


@listings_app.command("export", help="cli.help.listings.export")
def listings_export(
    platform: Annotated[
        str | None, typer.Option("--platform", help="cli.help.listings.export.platform")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="cli.help.listings.export.since",
        ),
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="cli.help.listings.export.out_file")] = None,
) -> None:
    """Stored listings as listing records (JSON Lines, what `markwatch score` reads)."""
    from storage.listings import export_listing_records

    moment = _parse_since(since) if since else None
    db = database()
    target = out_file.with_name(out_file.name + ".tmp") if out_file else None
    count = 0
    with (
        db.session() as session,
        _open_for_writing(target) if target else nullcontext(sys.stdout) as sink,
    ):
        for record in export_listing_records(session=session, platform=platform, since=moment):
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    if out_file and target:
        target.replace(out_file)  # a file is written whole or not at all
    if out_file:
        err.print(_t("cli.listings_exported_to", n=f"{count:,}", file=out_file))
    else:
        err.print(_t("cli.listings_exported", n=f"{count:,}"))


def _parse_since(text: str) -> datetime:
    """``--since``: an ISO date or time (Asia/Shanghai unless it has a zone), or ``24h`` / ``7d`` ago."""
    import re
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    relative = re.fullmatch(r"\s*(\d+)\s*([hd])\s*", text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        return datetime.now(UTC) - timedelta(hours=amount if unit == "h" else amount * 24)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise MarkwatchError(_t("cli.bad_since", value=text)) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(get_settings().timezone))


@platforms_app.command("try", help="cli.help.platforms.try")
def platforms_try(
    profile_ref: Annotated[str, typer.Argument(metavar="PROFILE", help="cli.help.platforms.try.profile_ref")],
    target: Annotated[str, typer.Argument(metavar="URL|FILE", help="cli.help.platforms.try.target")],
    as_url: Annotated[
        str | None,
        typer.Option("--url", help="cli.help.platforms.try.as_url"),
    ] = None,
    query: Annotated[str | None, typer.Option("--query", help="cli.help.platforms.try.query")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """Read one page with a profile, like `scrapy parse`: its kind, each field and its source, the links."""
    from crawler.profiles import builtin_profile, load_profile_file
    from crawler.trying import load_page, try_page

    if Path(profile_ref).suffix.lower() in (".yaml", ".yml") or Path(profile_ref).exists():
        profile = load_profile_file(Path(profile_ref))
    else:
        found = builtin_profile(profile_ref)
        if found is None:
            raise MarkwatchError(_t("cli.not_a_profile", ref=profile_ref))
        profile = found
    report = try_page(profile, load_page(target, as_url=as_url, profile=profile), query=query)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False) + "\n")
        return
    kind = {"list": "list page", "detail": "detail page"}.get(
        report.kind or "", "neither a list nor a detail page"
    )
    out.print(printable(f"{report.url}: {kind} ({report.kind_reason})"))
    for row in report.fields:
        text = row["text"]
        shown = (
            "(empty)" if text in (None, [], "") else (" | ".join(text) if isinstance(text, list) else text)
        )
        same = row["value"] in (None, []) or str(row["value"]) == " ".join(str(shown).split())
        value = "" if same else f"  → {row['value']}"
        source = f"  [{row['source']}]" if row["source"] else ""
        out.print(printable(f"  {row['name']}: {' '.join(str(shown).split())[:200]}{value}{source}"))
    if report.kind != "detail":
        out.print(f"  results: {len(report.results)}")
        for i, result in enumerate(report.results, 1):
            fields = ", ".join(f"{k}={' '.join(str(v).split())[:60]}" for k, v in result["fields"].items())
            out.print(
                printable(f"  {i:>3}. {result['url'] or '(no link)'}" + (f"  {fields}" if fields else ""))
            )
        out.print(printable(f"  next page: {', '.join(report.next_pages) or '(none)'}"))
    for refused in report.refused:
        out.print(printable(f"  refused: {refused['url']} ({refused['reason']})"))
    for marker in report.malformed_json:
        out.print(printable(f"  malformed JSON after /{marker}/: the fields read from it are empty"))


@app.command("crawl", help="cli.help.crawl")
def crawl_command(
    platform: Annotated[str, typer.Argument(help="cli.help.platform_name")],
    query: Annotated[
        list[str] | None,
        typer.Option(
            "--query",
            help="cli.help.crawl.query",
        ),
    ] = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="cli.help.crawl.max_pages")
    ] = None,
    distributed: Annotated[
        str | None,
        typer.Option("--distributed", help="cli.help.crawl.distributed"),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume/--fresh", help="cli.help.crawl.resume"),
    ] = True,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="cli.help.crawl.base_url"),
    ] = None,
    url: Annotated[
        list[str] | None,
        typer.Option(
            "--url",
            help="cli.help.crawl.url",
        ),
    ] = None,
) -> None:
    """Crawl a platform with its profile: store, snapshot, score and queue every listing."""
    from crawler.run import CrawlOptions, crawl
    from scheduler import crawl_bar_words

    database()  # refuse early when the database needs `markwatch db upgrade`
    for given in url or ():
        if not given.lower().startswith(("http://", "https://", "/")):
            raise MarkwatchError(_t("cli.bad_url", value=given))
    if url and (query or distributed):
        raise MarkwatchError(_t("cli.url_alone"))
    options = CrawlOptions(
        platform,
        queries=tuple(query or ()),
        max_pages=max_pages,
        distributed=distributed,
        base_url_override=base_url,
        progress=err.is_terminal,
        progress_words=crawl_bar_words(platform, LANG),
        fresh=not resume,
        urls=tuple(url or ()),
    )
    summary = crawl(options)
    out.print(crawl_summary_line(summary))
    for warning in summary.warnings:
        out.print(_t("cli.warning", text=warning))
    if summary.status != "finished" or summary.errors:
        raise typer.Exit(1)


def crawl_summary_line(summary: CrawlRunSummary) -> str:
    """What a crawl did, in one line in the command line's language."""

    def counted(by: dict[str, int]) -> str:
        total = sum(by.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(by.items()))
        return f"{total:,}" + ((f" ({detail})" if LANG == "en" else f"（{detail}）") if total else "")

    return _t(
        "cli.crawl_summary",
        platform=summary.platform,
        status=label("run", summary.status, LANG),
        items=f"{summary.items:,}",
        images=f"{summary.images:,}",
        pages=f"{summary.pages:,}",
        dropped=counted(summary.drops),
        blocks=f"{summary.blocks:,}",
        errors=f"{summary.errors:,}",
        refused=counted(summary.refused),
        warnings=f"{len(summary.warnings):,}",
        seconds=f"{summary.seconds:.1f}",
        resumed=_t("cli.crawl_resumed") if summary.resumed else "",
    )


@demo_app.command("serve", help="cli.help.demo.serve")
def demo_serve(
    size: Annotated[int, typer.Option(min=1, help="cli.help.demo.size")] = 300,
    seed: Annotated[int, typer.Option(help="cli.help.demo.serve.seed")] = 7,
    faults: Annotated[float, typer.Option(min=0.0, max=1.0, help="cli.help.demo.serve.faults")] = 0.0,
    static_port: Annotated[
        int, typer.Option("--static-port", help="cli.help.demo.serve.static_port")
    ] = PORTS["demo-static"],
    spa_port: Annotated[int, typer.Option("--spa-port", help="cli.help.demo.serve.spa_port")] = PORTS[
        "demo-spa"
    ],
) -> None:
    """Serve the two demo marketplaces on 127.0.0.1 until Ctrl-C."""
    from demo.server import serve

    try:
        serve(static_port=static_port, spa_port=spa_port, size=size, seed=seed, faults=faults)
    except OSError as exc:
        raise MarkwatchError(str(exc)) from exc


@demo_app.command("catalogue", help="cli.help.demo.catalogue")
def demo_catalogue(
    platform: Annotated[str | None, typer.Argument(help="cli.help.demo.catalogue.platform")] = None,
    size: Annotated[int, typer.Option(min=1, help="cli.help.demo.size")] = 300,
    seed: Annotated[int, typer.Option(help="cli.help.demo.catalogue.seed")] = 7,
    static_port: Annotated[
        int, typer.Option("--static-port", help="cli.help.demo.catalogue.static_port")
    ] = PORTS["demo-static"],
    spa_port: Annotated[int, typer.Option("--spa-port", help="cli.help.demo.catalogue.spa_port")] = PORTS[
        "demo-spa"
    ],
) -> None:
    """The demo's ground truth: every listing it serves, with its true label, as JSON Lines."""
    from demo.catalogue import PLATFORMS, catalogue_records

    if platform is not None and platform not in PLATFORMS:
        raise MarkwatchError(_t("cli.no_demo_platform", name=platform, choices=", ".join(PLATFORMS)))
    for record in catalogue_records(platform, size, seed, static_port=static_port, spa_port=spa_port):
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- model ----------------------------------------------------------------------------------------------

model_app = _Cli(help="cli.help.model", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("fit", help="cli.help.model.fit")
def model_fit() -> None:
    """Learn the combiner's weights from reviewer decisions (confirmed vs dismissed leads)."""
    from scoring.calibration import MIN_EXAMPLES, fit
    from storage.scorer_memory import decided_examples, save_combiner_model

    db = database()
    with db.session() as session:
        examples = decided_examples(session=session)
    model = fit(examples)
    upheld = sum(1 for _, y in examples if y)
    if model is None:
        dismissed = len(examples) - upheld
        out.print(
            _t("cli.model_too_few", n=len(examples), upheld=upheld, dismissed=dismissed, least=MIN_EXAMPLES)
        )
        return
    with db.session() as session:
        save_combiner_model(
            session=session, version=model.version, n_examples=len(examples), model_json=model.to_json()
        )
    threshold = f"{model.threshold or 0.5:.2f}"
    out.print(
        _t("cli.model_fitted", version=model.version, n=len(examples), upheld=upheld, threshold=threshold)
    )


# --- run: the main job ----------------------------------------------------------------------------------


@app.command("run", help="cli.help.run")
def run(
    once: Annotated[bool, typer.Option("--once", help="cli.help.run.once")] = False,
    host: Annotated[str, typer.Option(help="cli.help.run.host")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="cli.help.run.port")] = 8000,
    demo_size: Annotated[int, typer.Option(help="cli.help.run.demo_size")] = 300,
    proxy: Annotated[
        list[str] | None,
        typer.Option("--trust-proxy", help="cli.help.trust_proxy"),
    ] = None,
) -> None:
    """The main job on the embedded default: demo marketplaces, migrate, crawl, score, queue, digest,
    then the scheduler and the review app."""
    import os

    from scheduler import persist_schedule, run_pipeline
    from storage.migrate import upgrade

    settings = get_settings()
    started = datetime.now(UTC)  # the leads this run queues are those first flagged from now on
    db = open_database(settings, check=False)
    before, after = upgrade(db.engine)
    out.print(_t("run.database", where=db.engine.url.render_as_string(hide_password=True), revision=after))
    _import_demo_registry_if_empty(db)

    demo = _start_demo(demo_size)
    try:
        # the crawler (and its subprocesses) find the demo where it actually listens
        os.environ["MARKWATCH_DEMO_STATIC_URL"] = demo.static_url
        os.environ["MARKWATCH_DEMO_SPA_URL"] = demo.spa_url
        out.print(_t("run.demo", static=demo.static_url, spa=demo.spa_url))
        run_pipeline(db, settings, _platforms_to_crawl(db), out.print, progress=err.is_terminal, lang=LANG)
        _print_counts(db, since=started)
        if once:
            persist_schedule(db, settings)  # `markwatch jobs` shows what a long-running `run` would do
            return
        _serve_forever(db, settings, host, port, proxy)
    finally:
        demo.close()


def _platforms_to_crawl(db: Database) -> list[str]:
    """The enabled built-in platforms (the demo ones unless disabled), then every enabled added one."""
    from crawler.platforms import enabled_platforms

    return enabled_platforms(db)


def _import_demo_registry_if_empty(db: Database) -> None:
    from brands.registry_file import load_registry_file
    from brands.service import import_registry
    from storage.brands import count_brands

    with db.session() as session:
        if count_brands(session=session):
            return
    report = import_registry(db, load_registry_file(BRANDS_FILE))
    out.print(_t("run.demo_brands", n=report.total, file=BRANDS_FILE.name))


def _start_demo(size: int) -> DemoServers:
    """The demo marketplaces on their default ports, or, where one is taken, on a free one: saying
    which port was busy and which one is used instead."""
    from demo.server import DemoServers

    refused = {name: reason for name, port in PORTS.items() if (reason := _port_refusal(port)) is not None}
    ports = {name: 0 if name in refused else port for name, port in PORTS.items()}
    try:
        demo = DemoServers(size=size, static_port=ports["demo-static"], spa_port=ports["demo-spa"]).start()
    except OSError as exc:  # taken between the probe and the start: any free port will do
        refused = {name: str(exc) for name in PORTS if name not in refused} | refused
        demo = DemoServers(size=size).start()
    used = {"demo-static": demo.static_port, "demo-spa": demo.spa_port}
    for name, reason in refused.items():
        key = "run.port_busy" if reason == "in use" else "run.port_refused"
        out.print(_t(key, platform=name, busy=PORTS[name], instead=used[name], reason=reason))
    return demo


def _port_refusal(port: int, host: str = "127.0.0.1") -> str | None:
    """Why ``port`` cannot be listened on ("in use", or the system's reason), or None if it can."""
    import errno
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return "in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
    return None


def _print_counts(db: Database, since: datetime | None = None) -> None:
    """What this run queued (leads first flagged ``since`` it started: by the crawls, which score as
    they store, and by the score step) and what the queue holds now, earlier runs' leads included."""
    from storage.leads import flagged_since
    from storage.search import OPEN_STATUSES
    from storage.stats import collect_stats

    with db.session() as session:
        figures = collect_stats(session=session)
        new = len(flagged_since(session=session, since=since)) if since is not None else 0
    leads = figures["leads"]
    waiting = sum(leads.get(status, 0) for status in OPEN_STATUSES)
    out.print(
        _t(
            "run.totals",
            listings=f"{figures['listings']:,}",
            snapshots=f"{figures['snapshots']:,}",
            screenshots=f"{figures['screenshots']:,}",
            open=f"{waiting:,}",
            new=f"{new:,}",
        )
    )


def proxy_options(proxy: list[str] | None) -> dict[str, Any]:
    """uvicorn's options for ``--trust-proxy``: X-Forwarded-For is believed from those addresses only.

    uvicorn's own default believes it from 127.0.0.1, so a client on the same machine could pick the
    address the login limiter counts; without --trust-proxy no forwarded header is believed at all.
    """
    if not proxy:
        return {"proxy_headers": False, "forwarded_allow_ips": ""}
    return {"proxy_headers": True, "forwarded_allow_ips": ",".join(proxy)}


def _serve_forever(
    db: Database, settings: Settings, host: str, port: int, proxy: list[str] | None = None
) -> None:
    import uvicorn

    from review.app import create_app
    from review.security import generate_password, hash_password
    from scheduler import install_jobs, make_scheduler
    from storage.users import create_user, list_users

    with db.session() as session:
        has_admin = any(u.role == "admin" for u in list_users(session=session))
        password = None
        if not has_admin:
            password = generate_password()
            admin = create_user(
                session=session, name="admin", role="admin", password_hash=hash_password(password)
            )
            admin.must_change_password = True  # the first login asks for a password of the admin's own
    if not settings.public_url:  # the digest's links lead to this app unless MARKWATCH_PUBLIC_URL says else
        import socket

        reachable = socket.getfqdn() if host in ("0.0.0.0", "::", "") else host  # a wildcard is no address
        settings = settings.model_copy(update={"public_url": f"http://{reachable}:{port}"})
    scheduler = make_scheduler(db, settings)
    jobs = install_jobs(scheduler, db, settings)
    scheduler.start()
    out.print(_t("run.jobs", jobs=_t("list.sep").join(job_name(j, LANG) for j in jobs)))
    out.print(_t("run.app", host=host, port=port))
    if password:
        out.print(_t("run.admin_password", password=password))
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", **proxy_options(proxy))
    finally:
        scheduler.shutdown(wait=False)


# --- jobs -----------------------------------------------------------------------------------------------


@app.command("jobs", help="cli.help.jobs")
def jobs(as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False) -> None:
    """Scheduled jobs: schedule, next run, last run and its outcome."""
    from storage.jobs import job_table

    db = database()
    with db.session() as session:
        rows = job_table(engine=db.engine, session=session)
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print(_t("cli.no_jobs"))
        return
    table = Table(*(_t(f"cli.col_{c}") for c in ("job", "schedule", "next_run", "last_run", "outcome")))
    for row in rows:
        outcome = label("outcome", row["outcome"], LANG)
        if row["error"]:
            outcome += f"：{row['error']}" if LANG != "en" else f": {row['error']}"
        table.add_row(
            job_name(row["id"], LANG),
            schedule_words(row.get("trigger"), LANG),
            _local(row["next_run"]),
            _local(row["last_run"]),
            outcome,
        )
    out.print(table)


# --- review web app: serve, users -----------------------------------------------------------------------

users_app = _Cli(
    help="cli.help.users",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


@app.command("serve", help="cli.help.serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="cli.help.serve.host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="cli.help.serve.port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="cli.help.serve.workers")] = 1,
    proxy: Annotated[
        list[str] | None,
        typer.Option("--trust-proxy", help="cli.help.trust_proxy"),
    ] = None,
) -> None:
    """The review web app (queue, lead pages, brand portal, JSON API under /api/v1)."""
    import uvicorn

    from review.app import create_app
    from review.routing import routing_table

    settings = get_settings()
    create_app(settings)  # refuses an un-migrated database before listening; creates the keys once
    routing_table(settings)  # refuses a bad routing.yaml before listening
    err.print(_t("cli.serving", host=host, port=port))
    uvicorn.run(
        "review.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        **proxy_options(proxy),
    )


@users_app.command("add", help="cli.help.users.add")
def users_add(
    name: Annotated[str, typer.Argument(help="cli.help.users.add.name")],
    role: Annotated[str, typer.Option("--role", help="cli.help.users.add.role")],
    brand: Annotated[list[str] | None, typer.Option("--brand", help="cli.help.users.add.brand")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="cli.help.users.add.password_stdin")
    ] = False,
) -> None:
    """Add a user; without --password-stdin a one-time password is generated and printed."""
    from review.security import generate_password, hash_password
    from storage.users import create_user

    generated = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            raise MarkwatchError(_t("cli.password_short"))
    else:
        password = generated = generate_password()
    with database().session() as session:
        user = create_user(
            session=session,
            name=name,
            role=role,
            password_hash=hash_password(password),
            brand_names=brand or [],
        )
        user.must_change_password = generated is not None  # a one-time password is changed at first login
        role_name = label("role", user.role, LANG)
        if brand:
            out.print(_t("cli.user_added_brands", name=user.name, role=role_name, brands=", ".join(brand)))
        else:
            out.print(_t("cli.user_added", name=user.name, role=role_name))
    if generated:
        out.print(_t("cli.one_time_password", password=generated))


@users_app.command("token", help="cli.help.users.token")
def users_token(name: Annotated[str, typer.Argument(help="cli.help.users.token.name")]) -> None:
    """Print a new API token (Bearer) for the user; only its hash is stored, so keep it now."""
    from review.security import new_api_token
    from storage.users import create_token, get_user_by_name

    with database().session() as session:
        user = get_user_by_name(session=session, name=name)
        if user is None:
            raise NotFound(_t("cli.no_user", name=name))
        token, digest, prefix = new_api_token()
        create_token(session=session, user=user, token_hash=digest, prefix=prefix)
    sys.stdout.write(token + "\n")


def _user_named(session: Session, name: str) -> User:
    from storage.users import get_user_by_name

    user = get_user_by_name(session=session, name=name)
    if user is None:
        raise NotFound(_t("cli.no_user", name=name))
    return user


def _local(value: str | datetime | None) -> str:
    """An ISO time (or a datetime) as shown to people: Asia/Shanghai, to the minute; "—" for none."""
    from review.format import local_time

    if not value:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return local_time(moment, get_settings().timezone)


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


@users_app.command("list", help="cli.help.users.list")
def users_list(
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """Every user: role, brands, whether disabled or due to change a one-time password, active tokens."""
    from storage.users import list_tokens, list_users

    with database().session() as session:
        rows: list[dict[str, Any]] = [
            {
                "name": u.name,
                "role": u.role,
                "brands": [b.name for b in u.brands],
                "disabled": u.disabled,
                "must_change_password": u.must_change_password,
                "active_tokens": sum(1 for t in list_tokens(session=session, user=u) if not t.revoked),
                "created_at": _when(u.created_at),
            }
            for u in list_users(session=session)
        ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    for r in rows:
        state = _t(
            "users.disabled"
            if r["disabled"]
            else "users.must_change"
            if r["must_change_password"]
            else "users.active"
        )
        brands = f" [{', '.join(r['brands'])}]" if r["brands"] else ""
        role = label("role", r["role"], LANG)
        line = _t(
            "cli.user_line", name=r["name"], role=role, brands=brands, state=state, tokens=r["active_tokens"]
        )
        out.print(line, soft_wrap=True)


@users_app.command("disable", help="cli.help.users.disable")
def users_disable(name: Annotated[str, typer.Argument(help="cli.help.users.disable.name")]) -> None:
    """Disable a user: every session ends at once and its API tokens stop working (kept, not revoked)."""
    from storage.users import set_disabled

    with database().session() as session:
        set_disabled(session=session, user=_user_named(session, name), disabled=True)
    out.print(_t("cli.user_disabled", name=name), soft_wrap=True)


@users_app.command("enable", help="cli.help.users.enable")
def users_enable(name: Annotated[str, typer.Argument(help="cli.help.users.enable.name")]) -> None:
    """Enable a disabled user (its tokens that were not revoked work again)."""
    from storage.users import set_disabled

    with database().session() as session:
        set_disabled(session=session, user=_user_named(session, name), disabled=False)
    out.print(_t("cli.user_enabled", name=name), soft_wrap=True)


@users_app.command("passwd", help="cli.help.users.passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="cli.help.users.passwd.name")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="cli.help.users.passwd.password_stdin")
    ] = False,
) -> None:
    """Set a password; without --password-stdin a one-time password is printed, to change at next login.
    Either way every session of the user ends."""
    from review.security import generate_password, hash_password
    from storage.users import set_password_hash

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            raise MarkwatchError(_t("cli.password_short"))
    else:
        password = generate_password()
    with database().session() as session:
        set_password_hash(
            session=session,
            user=_user_named(session, name),
            password_hash=hash_password(password),
            one_time=not password_stdin,
        )
    out.print(_t("cli.password_set", name=name), soft_wrap=True)
    if not password_stdin:
        out.print(_t("cli.one_time_password", password=password), soft_wrap=True)


@users_app.command("tokens", help="cli.help.users.tokens")
def users_tokens(
    name: Annotated[str, typer.Argument(help="cli.help.users.tokens.name")],
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """A user's API tokens: prefix, created, last used, revoked (the tokens themselves are never stored)."""
    from storage.users import list_tokens

    with database().session() as session:
        rows = [
            {
                "prefix": t.prefix,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked": t.revoked,
            }
            for t in list_tokens(session=session, user=_user_named(session, name))
        ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print(_t("cli.no_token", name=name), soft_wrap=True)
    for r in rows:
        state = _t("cli.token_revoked" if r["revoked"] else "cli.token_active")
        last, created = str(r["last_used_at"] or ""), str(r["created_at"] or "")
        used = _local(last) if last else _t("cli.never_used")
        line = _t("cli.token_line", prefix=r["prefix"], state=state, created=_local(created), used=used)
        out.print(line, soft_wrap=True)


@users_app.command("revoke", help="cli.help.users.revoke")
def users_revoke(
    name: Annotated[str, typer.Argument(help="cli.help.users.revoke.name")],
    prefix: Annotated[str | None, typer.Argument(help="cli.help.users.revoke.prefix")] = None,
    revoke_all: Annotated[bool, typer.Option("--all", help="cli.help.users.revoke.revoke_all")] = False,
) -> None:
    """Revoke a user's API token (by its prefix) or all of them (--all); a revoked token answers 401."""
    from storage.users import revoke_tokens

    if (prefix is None) == (not revoke_all):
        raise MarkwatchError(_t("cli.prefix_or_all"))
    with database().session() as session:
        revoked = revoke_tokens(
            session=session,
            user=_user_named(session, name),
            prefix=None if revoke_all or prefix is None else prefix.rstrip("…"),
        )
        prefixes = [t.prefix for t in revoked]
    out.print(
        _t("cli.tokens_revoked", n=len(prefixes), name=name, prefixes=", ".join(prefixes)), soft_wrap=True
    )


# --- evidence packets (review/evidence) -----------------------------------------------------------------

evidence_app = _Cli(help="cli.help.evidence", no_args_is_help=True)
app.add_typer(evidence_app, name="evidence")


def _check_packet_target(target: Path) -> None:
    """A packet is never written over a file, nor into a folder that is not there."""
    if target.exists():
        raise MarkwatchError(_t("cli.packet_exists", file=target))
    if not target.parent.is_dir():
        raise MarkwatchError(_t("cli.no_directory", dir=target.parent))


def _exporting_user(db: Database, as_user: str | None) -> str:
    """The name an export is recorded under: ``--as`` (an active markwatch user), else the OS login (a
    login that is no markwatch user is still recorded by name)."""
    import getpass

    if as_user is None:
        return getpass.getuser()
    from storage.evidence import is_active_user

    with db.session() as session:
        if not is_active_user(session=session, name=as_user):
            raise MarkwatchError(_t("cli.no_active_user", name=as_user))
    return as_user


@evidence_app.command("export", help="cli.help.evidence.export")
def evidence_export(
    lead_id: Annotated[int, typer.Argument(help="cli.help.evidence.export.lead_id")],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="cli.help.evidence.export.out_file"),
    ] = None,
    witness: Annotated[str | None, typer.Option("--witness", help="cli.help.evidence.export.witness")] = None,
    as_user: Annotated[str | None, typer.Option("--as", help="cli.help.evidence.export.as_user")] = None,
    report_lang: Annotated[
        str,
        typer.Option(
            "--report-lang",
            callback=lambda value: _one_of_languages(value),
            help="cli.help.evidence.export.report_lang",
        ),
    ] = "zh",
) -> None:
    """Export a lead's sealed evidence packet (ZIP with signed manifest and PDF report); an audit event."""
    from datetime import UTC, datetime

    from review.evidence import build_packet, fingerprint
    from review.evidence.packet import packet_file_name

    settings = get_settings()
    now = datetime.now(UTC)
    target = out_file or Path.cwd() / packet_file_name(lead_id, now, settings)
    _check_packet_target(target)
    db = database()
    user = _exporting_user(db, as_user)
    data = build_packet(
        db, lead_id, user_name=user, now=now, via="cli", settings=settings, witness=witness, lang=report_lang
    )
    with open(target, "xb") as handle:
        handle.write(data)
    key = fingerprint(settings=settings)
    out.print(_t("cli.packet_written", file=target, size=f"{len(data):,}", key=key), soft_wrap=True)


@evidence_app.command("capture", help="cli.help.evidence.capture")
def evidence_capture(
    lead_id: Annotated[
        int | None, typer.Argument(help="cli.help.evidence.capture.lead_id", show_default=False)
    ] = None,
    pending: Annotated[bool, typer.Option("--pending", help="cli.help.evidence.capture.pending")] = False,
    as_user: Annotated[str | None, typer.Option("--as", help="cli.help.evidence.capture.as_user")] = None,
) -> None:
    """Take an evidence capture of a lead's page now in Chromium (adds one; never replaces one)."""
    import getpass

    from crawler.capture import run_captures
    from storage.captures import request_capture
    from storage.evidence import is_active_user, user_id_by_name

    if (lead_id is None) == (not pending):
        raise MarkwatchError(_t("cli.capture_which"))
    settings = get_settings()
    db = database()
    if pending:
        summary = run_captures(db, settings)
    else:
        assert lead_id is not None
        with db.session() as session:
            if as_user is not None and not is_active_user(session=session, name=as_user):
                raise MarkwatchError(f"--as {as_user}: no active markwatch user of that name")
            user = as_user or getpass.getuser()
            row = request_capture(
                session=session,
                lead_id=lead_id,
                trigger="cli",
                user_id=user_id_by_name(session=session, name=user),
                by=user,
            )
            request_id = row.id
        summary = run_captures(db, settings, request_ids=[request_id])
    reasons = ", ".join(f"{k} {v}" for k, v in summary.reasons.items())
    line = _t("cli.captured", captured=summary.captured, failed=summary.failed)
    out.print(line + (_t("cli.capture_reasons", reasons=reasons) if reasons else ""), soft_wrap=True)
    if summary.failed and not summary.captured:
        raise typer.Exit(1)


@evidence_app.command("verify", help="cli.help.evidence.verify")
def evidence_verify(
    packet: Annotated[Path, typer.Argument(help="cli.help.evidence.verify.packet")],
    key: Annotated[
        str | None,
        typer.Option(
            "--key",
            help="cli.help.evidence.verify.key",
        ),
    ] = None,
    tsa_certs: Annotated[
        Path | None,
        typer.Option(
            "--tsa-certs",
            help="cli.help.evidence.verify.tsa_certs",
        ),
    ] = None,
) -> None:
    """Check who signed a packet, its trusted timestamp and every file's hash; exit 1 naming what is wrong."""
    from review.evidence import verify_packet

    if tsa_certs is not None and not tsa_certs.is_file():
        raise MarkwatchError(_t("cli.no_such_file", option="--tsa-certs", file=tsa_certs))
    try:
        report = verify_packet(packet, expected_key=key, tsa_certificates=tsa_certs)
    except OSError as exc:
        raise MarkwatchError(_t("cli.cannot_read", file=packet, reason=exc.strerror or exc)) from exc
    if not report.is_packet:
        raise MarkwatchError(_t("cli.not_a_packet", file=packet, problems="; ".join(report.problems)))
    for line in report.lines(LANG):
        out.print(line, soft_wrap=True)  # one line per finding, never wrapped: scripts read them
    if not report.ok:
        raise typer.Exit(1)


# --- cases (review/cases) ------------------------------------------------------------------------------

cases_app = _Cli(
    help="cli.help.cases",
    no_args_is_help=True,
)
app.add_typer(cases_app, name="cases")


@cases_app.command("list", help="cli.help.cases.list")
def cases_list(
    status: Annotated[str | None, typer.Option("--status", help="cli.help.cases.list.status")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """Every case (merged ones with --status merged), newest activity first, with its summed sales."""
    from review.format import local_time, money
    from review.i18n import label
    from storage.models import CaseStatus
    from storage.networks import list_cases

    settings = get_settings()
    statuses = [s.value for s in CaseStatus]
    if status is not None and status not in statuses:
        raise MarkwatchError(_t("cli.cases.bad_status", value=status, choices=", ".join(statuses)))
    with database().session() as session:
        rows = list_cases(session=session, status=status)
    threshold = settings.criminal_threshold_cny
    if as_json:
        items = [
            {
                "id": r.case_id,
                "number": f"MW-C-{r.case_id}",
                "network_id": r.network_id,
                "status": r.status,
                "sellers": r.sellers,
                "platforms": r.platforms,
                "leads": r.leads,
                "estimated_sales": r.estimated_sales,
                "over_threshold": r.estimated_sales >= threshold,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in rows
        ]
        out.print_json(json.dumps(items, ensure_ascii=False))
        return
    keys = ("cases.number", "queue.status", "cases.shops", "cases.platforms", "cases.leads", "case.total")
    table = Table(*(_t(k) for k in keys), _t("cases.over"), _t("cases.updated"))
    for r in rows:
        table.add_row(
            f"MW-C-{r.case_id}",
            label("case_status", r.status, LANG),
            str(r.sellers),
            str(r.platforms),
            str(r.leads),
            money(r.estimated_sales),
            _t("yes") if r.estimated_sales >= threshold else _t("no"),
            local_time(r.updated_at, settings.timezone),
        )
    out.print(table)
    out.print(_t("cli.cases.count", n=len(rows)))


def _case_number(text: str) -> int:
    number = text.strip().upper().removeprefix("MW-C-")
    if not number.isdigit():
        raise MarkwatchError(_t("cli.cases.bad_number", value=text))
    return int(number)


@cases_app.command("show", help="cli.help.cases.show")
def cases_show(
    case_id: Annotated[str, typer.Argument(help="cli.help.case_id")],
    as_json: Annotated[bool, typer.Option("--json", help="cli.help.json")] = False,
) -> None:
    """One case: its shops by platform, the evidence between them, each listing's price × sold, the sum
    against the criminal threshold, the jurisdiction, the department and the documents."""
    from review.cases.view import case_facts, load_case
    from review.format import money, number
    from review.i18n import label

    settings = get_settings()
    wanted = _case_number(case_id)
    with database().session() as session:
        view = load_case(session, wanted, scope=None, settings=settings, lang=LANG)
        if view is None:
            raise NotFound(_t("cli.cases.not_found", value=case_id))
        if as_json:
            out.print_json(json.dumps(case_facts(view), ensure_ascii=False))
            return
        status = label("case_status", view.case.status, LANG)
        out.print(_t("cli.cases.header", number=view.number, status=status, network=view.case.network_id))
        out.print(_t("cli.cases.brands", brands="、".join(view.brands) or "—"))
        regions = "、".join(f"{region}（{_t('case.shops_n', n=n)}）" for region, n in view.jurisdictions)
        out.print(_t("cli.cases.jurisdiction", regions=regions or _t("case.jurisdiction_unknown")))
        out.print(
            _t(
                "cli.cases.department",
                department=view.case.department or "—",
                suggested=view.suggested_department or "—",
            )
        )
        for platform, shops in view.shops_by_platform:
            out.print("\n" + _t("cli.cases.platform", platform=platform))
            for row in shops:
                seller = row.seller
                out.print(
                    _t(
                        "cli.cases.shop",
                        name=seller.name or seller.external_id,
                        id=seller.external_id,
                        licence=seller.licence or "—",
                        region=row.region or "—",
                        leads=row.leads,
                    )
                )
        out.print("\n" + _t("case.evidence"))
        for edge in view.edges:
            out.print(
                _t(
                    "cli.cases.edge",
                    a=edge.a.name or edge.a.external_id,
                    b=edge.b.name or edge.b.external_id,
                    kind=label("case_kind", edge.kind, LANG),
                    strength=label("case_strength", edge.strength, LANG),
                    values="、".join(edge.values),
                    snapshots=", ".join(str(s.id) for s in edge.snapshots) or "—",
                )
            )
        table = Table(*(_t(k) for k in ("col.id", "col.title", "case.shop", "col.brand", "case.arithmetic")))
        for r in view.sales:
            arithmetic = (
                f"{money(r.price, r.currency)} × {number(r.sold)} = {money(r.estimated, r.currency)}"
                if r.estimated is not None
                else _t("lead.threshold_na")
            )
            table.add_row(f"MW-{r.lead.id}" if r.lead else "—", r.title, r.shop, r.brand or "—", arithmetic)
        out.print(table)
        out.print(
            _t(
                "cli.cases.sum",
                total=money(view.total),
                unknown=_t("cli.cases.unknown", n=view.unknown) if view.unknown else "",
                verdict=_t("cli.cases.reached" if view.over_threshold else "cli.cases.not_reached"),
                limit=money(view.threshold),
            )
        )
        for document, responses in view.documents:
            answer = "、".join(label("case_response", r.outcome, LANG) for r in responses) or "—"
            out.print(
                _t(
                    "cli.cases.document",
                    number=document.number,
                    recipient=document.recipient,
                    deadline=document.deadline.isoformat() if document.deadline else "—",
                    answer=answer,
                )
            )


@cases_app.command("export", help="cli.help.cases.export")
def cases_export(
    case_id: Annotated[str, typer.Argument(help="cli.help.case_id")],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="cli.help.cases.export.out_file"),
    ] = None,
    as_user: Annotated[str | None, typer.Option("--as", help="cli.help.cases.export.as_user")] = None,
) -> None:
    """Export a case's sealed evidence packet: every lead's packet and the documents, signed; audited."""
    from datetime import UTC, datetime

    from review.cases.service import case_packet_file_name, export_case_packet
    from review.evidence import fingerprint

    settings = get_settings()
    wanted = _case_number(case_id)
    now = datetime.now(UTC)
    target = out_file or Path.cwd() / case_packet_file_name(wanted, now, settings)
    _check_packet_target(target)
    db = database()
    user = _exporting_user(db, as_user)
    try:
        data = export_case_packet(db, wanted, user_name=user, settings=settings, now=now, via="cli")
    except NotFound:
        raise NotFound(_t("cli.cases.not_found", value=case_id)) from None
    with open(target, "xb") as handle:
        handle.write(data)
    key = fingerprint(settings=settings)
    out.print(
        _t("cli.cases.written", file=target, size=f"{len(data):,}", key=key, name=target.name), soft_wrap=True
    )


# --- entry point ----------------------------------------------------------------------------------------


def _said(exc: MarkwatchError) -> str:
    """An error's message in the command line's language: its catalogue entry when it names one; a
    refused file's heading and problems (brands.registry_file.FileRefused): in English each problem's
    own message, which names the file's keys and the brand, otherwise its catalogue entry, worded for a
    file (review.registrations.problem_text)."""
    problems = getattr(exc, "problems", None)
    if isinstance(problems, list) and all(hasattr(p, "source") for p in problems):
        from review.registrations import problem_text

        what = _t(f"err.what.{getattr(exc, 'what', 'file')}")
        lines = [_t("err.file_refused", what=what, n=len(problems))]
        for p in problems:
            where = f"{p.source}:{p.line}" if p.line else p.source
            translated = p.key in MESSAGES and normalise(LANG) != "en"
            lines.append(f"  {where}: {problem_text(p, LANG, in_file=True) if translated else p.message}")
        return "\n".join(lines)
    key = getattr(exc, "key", None)
    if key and key in MESSAGES:
        try:
            return _t(key, **exc.values)
        except (KeyError, IndexError):  # an entry that names a value the error does not carry
            return str(exc)
    return str(exc)


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; no traceback reaches a user without --debug."""
    global out, err, LANG
    out, err = _console(), _console(stderr=True)  # for the streams of this run (a pipe, a file, a tty)
    LANG = lang_from_environment()  # --lang, read by Typer below, may change it
    args = list(sys.argv[1:] if argv is None else argv)
    root = RootOptions()
    try:
        result = app(args=args, prog_name="markwatch", standalone_mode=False, obj=root)
    except typer.Abort:
        err.print(_t("cli.aborted"))
        return 2
    except typer.TyperException as exc:  # usage errors: unknown command or option, missing argument
        said = _usage_error(exc)
        if said is not None:
            err.print(printable(said, keep_newlines=True), soft_wrap=True)
        return 2
    except MarkwatchError as exc:
        if root.debug:
            raise
        message = printable(_said(exc), keep_newlines=True)  # paths and values in it may come from outside
        err.print(Text(_t("cli.error"), style="bold red") + Text(message), soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print(_t("cli.interrupted"))
        return 130
    except Exception as exc:
        if root.debug:
            raise
        message = printable(f"{type(exc).__name__}: {exc}", keep_newlines=True)
        err.print(Text(_t("cli.internal_error"), style="bold red") + Text(message), soft_wrap=True)
        err.print(_t("cli.bug"))
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
