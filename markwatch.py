"""markwatch's command line: the one front door for every verb (see docs/cli.md).

Exit codes: 0 done; 1 done but some records failed (each reported); 2 refused (bad input or
configuration, nothing written); 3 internal error (a bug: rerun with --debug for the traceback).
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from settings import get_settings
from storage import Database, MarkwatchError, NotFound, open_database

app = typer.Typer(
    name="markwatch",
    help="Watch marketplaces for counterfeit and lookalike (傍名牌) listings of protected brands.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Create or migrate the database.", no_args_is_help=True)
brands_app = typer.Typer(help="The brand registry: import, list, show, export.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(brands_app, name="brands")

# markup off: brand names, titles and error texts are data and may contain [brackets]
out = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)


def package_version() -> str:
    try:
        return version("markwatch")
    except PackageNotFoundError:  # running from a checkout that was not installed
        return "0+unknown"


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"markwatch {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback when something fails.")] = False,
) -> None:
    """markwatch: counterfeit and lookalike listings, scored and queued for review."""


def database() -> Database:
    """The configured database, refusing one that needs `markwatch db upgrade`."""
    return open_database(get_settings())


# --- db -------------------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the database, or migrate it to this version's schema."""
    from storage.migrate import upgrade

    settings = get_settings()
    db = open_database(settings, check=False)
    before, after = upgrade(db.engine)
    where = db.engine.url.render_as_string(hide_password=True)
    if before == after:
        out.print(f"database {where} is up to date (revision {after})")
    else:
        out.print(f"database {where} migrated: {before or 'empty'} → {after}")


# --- brands ---------------------------------------------------------------------------------------------


@brands_app.command("import")
def brands_import(
    file: Annotated[Path, typer.Argument(help="Registry file (YAML), see docs/formats.md.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; write nothing.")] = False,
) -> None:
    """Load a brand registry file: all of it, or nothing when any entry is wrong."""
    from brands.registry_file import load_registry_file
    from brands.service import import_registry

    registry = load_registry_file(file)  # validate before touching the database
    report = import_registry(database(), registry, dry_run=dry_run)
    verb = "would import" if dry_run else "imported"
    out.print(
        f"{verb} {report.total} brand(s) from {file}: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged"
    )


@brands_app.command("list")
def brands_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Every registered brand with its marks and status."""
    from storage.brands import list_brands

    with database().session() as session:
        rows = [
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
        "品牌 brand", "别名 aliases", "权利人 owner", "尼斯类 classes", "价格下限 floor", "状态 status"
    )
    for r in rows:
        table.add_row(
            r["name"],
            ", ".join(r["aliases"]),
            r["owner"] or "",
            ", ".join(map(str, r["nice_classes"])),
            "" if r["price_floor"] is None else f"¥{r['price_floor']:,.2f}",
            r["status"],
        )
    out.print(table)
    out.print(f"{len(rows)} brand(s)")


@brands_app.command("show")
def brands_show(name: Annotated[str, typer.Argument(help="The brand's name (primary mark).")]) -> None:
    """Everything registered for one brand, in registry-file form."""
    from brands.registry_file import dump_registry
    from brands.service import spec_from_brand
    from storage.brands import get_brand

    with database().session() as session:
        brand = get_brand(session=session, name=name)
        if brand is None:
            raise NotFound(f"no brand named {name!r}; `markwatch brands list` shows the registered ones")
        out.print(f"# status: {brand.status}")
        out.print(dump_registry([spec_from_brand(brand)]), end="", markup=False)


@brands_app.command("export")
def brands_export(
    file: Annotated[
        Path | None, typer.Argument(help="Write here (official images are copied beside it); default stdout.")
    ] = None,
) -> None:
    """The approved registry as a registry file; export → import → export gives the same bytes."""
    from brands.service import export_registry

    text = export_registry(database(), file, status="approved")
    if file is None:
        sys.stdout.write(text)
    else:
        err.print(f"wrote {file}")


# --- score ----------------------------------------------------------------------------------------------


@app.command("score")
def score_file(
    file: Annotated[Path, typer.Argument(help="Listings, one listing record (JSON) per line.")],
    brands_file: Annotated[
        Path | None, typer.Option("--brands", help="Registry file to score against; default: the database's.")
    ] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write score records here; default stdout.")
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Print each flagged listing's reasons.")] = False,
    queue: Annotated[
        bool, typer.Option("--queue", help="Also store the listings and queue the flagged ones for review.")
    ] = False,
) -> None:
    """Score a listings file: one score record per input line, in input order."""
    settings = get_settings()
    db = database() if (queue or brands_file is None) else None
    if brands_file is not None:
        from brands.registry_file import load_registry_file
        from brands.service import registry_from_file

        registry = registry_from_file(load_registry_file(brands_file))
    else:
        from brands.service import scoring_registry

        assert db is not None
        registry = scoring_registry(db)
    if len(registry) == 0:
        raise MarkwatchError(
            "no brands to score against: import a registry (`markwatch brands import`) or pass --brands"
        )
    try:
        source = file.open("rb")
    except OSError as exc:
        raise MarkwatchError(f"cannot read {file}: {exc.strerror}") from exc
    sink = out_file.open("w", encoding="utf-8") if out_file else sys.stdout
    try:
        summary = _score_stream(
            source,
            sink,
            registry,
            db=db if queue else None,
            settings=settings,
            explain=err if explain else None,
            progress=err.is_terminal,
            total_bytes=file.stat().st_size,
        )
    finally:
        source.close()
        if out_file:
            sink.close()
    err.print(
        f"scored {summary.scored:,} listing(s), {summary.flagged:,} flagged"
        + (f", {summary.queued:,} queued" if queue else "")
        + (f"; {summary.failed:,} line(s) failed (see their error records)" if summary.failed else "")
    )
    if summary.failed:
        raise typer.Exit(1)


class _ScoreSummary:
    def __init__(self) -> None:
        self.scored = self.flagged = self.queued = self.failed = 0


def _score_stream(source, sink, registry, *, db, settings, explain, progress, total_bytes):  # type: ignore[no-untyped-def]
    """Read listing records line by line, write one score record per line; memory stays flat.

    A line that cannot be read becomes an error record and the run goes on. With ``db`` the listings
    are stored and the flagged ones queued, committed in batches.
    """
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
    from scoring.records import parse_line, score_to_record

    import scoring

    summary = _ScoreSummary()
    context = scoring.ScoringContext()
    threshold = settings.scoring_threshold
    bar = Progress(
        TextColumn("scoring"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not progress,
    )
    task = bar.add_task("score", total=total_bytes)
    batch: list[tuple[dict, object]] = []

    def flush_queue() -> None:
        if not batch:
            return
        from storage.listings import upsert_listing
        from storage.queue import record_score

        with db.session() as session:
            for record, result in batch:
                listing, _ = upsert_listing(session=session, record=record)
                lead = record_score(
                    session=session,
                    listing=listing,
                    score=result,
                    reflag_margin=settings.queue_reflag_margin,
                    criminal_threshold=settings.criminal_threshold_cny,
                )
                summary.queued += lead is not None and result.flagged
        batch.clear()

    with bar:
        for number, line in enumerate(source, start=1):
            bar.advance(task, len(line))
            if not line.strip():
                continue
            try:
                listing = parse_line(line)
            except ValueError as exc:
                summary.failed += 1
                sink.write(
                    json.dumps({"id": _id_of(line), "error": f"line {number}: {exc}"}, ensure_ascii=False)
                    + "\n"
                )
                continue
            result = scoring.score(listing, registry, context=context, threshold=threshold)
            summary.scored += 1
            summary.flagged += result.flagged
            sink.write(json.dumps(score_to_record(result), ensure_ascii=False) + "\n")
            if explain is not None and result.flagged:
                explain.print(
                    Text(f"{result.id}  {listing.title[:60]}  风险 {result.risk:.2f}", style="bold")
                )
                for reason in result.reasons:
                    explain.print(f"  {reason.weight:+.2f}  {reason.signal}: {reason.detail}")
            if db is not None:
                batch.append((_normalised_record(listing), result))
                if len(batch) >= 500:
                    flush_queue()
        if db is not None:
            flush_queue()
    return summary


def _normalised_record(listing) -> dict:  # type: ignore[no-untyped-def]
    """A parsed listing back in listing-record form, with the types the parser enforced."""
    from dataclasses import asdict

    record = asdict(listing)
    record["seen_at"] = listing.seen_at.isoformat() if listing.seen_at else None
    if listing.seller is not None and listing.seller.opened is not None:
        record["seller"]["opened"] = listing.seller.opened.isoformat()
    return record


def _id_of(line: bytes) -> str | None:
    """The id of a line that failed, when it can be read at all."""
    try:
        value = json.loads(line).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


# --- stats ----------------------------------------------------------------------------------------------


@app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False) -> None:
    """Counts: brands, platforms, listings, snapshots, leads by status, crawl runs, last job runs."""
    from storage.stats import collect_stats

    with database().session() as session:
        figures = collect_stats(session=session)
    if as_json:
        sys.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("", "count", show_header=False)
    for key in (
        "brands",
        "brands_pending",
        "platforms",
        "listings",
        "snapshots",
        "screenshots",
        "crawl_runs",
    ):
        table.add_row(key, f"{figures[key]:,}")
    for status, n in figures["leads"].items():
        table.add_row(f"leads: {status}", f"{n:,}")
    for job, run in figures["jobs"].items():
        table.add_row(f"job {job}", f"{run['outcome']} at {run['started_at']}")
    out.print(table)


# --- jobs -----------------------------------------------------------------------------------------------


@app.command("jobs")
def jobs(as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False) -> None:
    """Scheduled jobs: schedule, next run, last run and its outcome."""
    from scheduler import job_table

    rows = job_table(database(), get_settings())
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    if not rows:
        out.print("no jobs yet: `markwatch run` installs the schedule")
        return
    table = Table("job", "schedule", "next run", "last run", "outcome")
    for row in rows:
        outcome = row["outcome"] or "never ran"
        if row["error"]:
            outcome += f": {row['error']}"
        table.add_row(row["id"], row["schedule"] or "", row["next_run"] or "", row["last_run"] or "", outcome)
    out.print(table)


# --- entry point ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit code; no traceback reaches a user without --debug."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        result = app(args=args, prog_name="markwatch", standalone_mode=False)
    except typer.Abort:
        err.print("aborted")
        return 2
    except typer.TyperException as exc:  # usage errors: unknown command or option, missing argument
        exc.show()  # type: ignore[attr-defined]
        return 2
    except MarkwatchError as exc:
        if debug:
            raise
        err.print(Text("error: ", style="bold red") + Text(str(exc)), soft_wrap=True)
        return exc.exit_code
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as exc:
        if debug:
            raise
        err.print(
            Text("internal error: ", style="bold red") + Text(f"{type(exc).__name__}: {exc}"), soft_wrap=True
        )
        err.print("this is a bug in markwatch; rerun with --debug for the traceback and report it")
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
