"""The seller blacklist, the daily digest and the admin status page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, Response

from review import format as fmt
from review.deps import STAFF, AdminDep, SessionDep, StaffDep, UserDep, lang_of, render, scope_of
from review.i18n import job_name, label, schedule_words
from review.routing import routing_table
from storage.blacklist import blacklisted_sellers
from storage.jobs import job_table
from storage.leads import recent_job_runs
from storage.models import utcnow
from storage.stats import collect_stats

router = APIRouter(include_in_schema=False)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


@router.get("/blacklist")
def blacklist(request: Request, session: SessionDep, user: StaffDep) -> Response:
    return render(request, "blacklist.html", sellers=blacklisted_sellers(session=session))


@router.get("/digest")
def digest(request: Request, session: SessionDep, user: UserDep) -> Response:
    """The digest of the last 24 hours, with the sections of the digest file (a brand owner's: its own
    brands' leads, no crawl health), and, for staff, links to the digest files."""
    from review.daily_digest import SECTIONS, STAFF_ONLY, collect, digest_files, section_context

    settings = request.app.state.settings
    scope = scope_of(user)
    data = collect(request.app.state.db, settings, utcnow(), scope=scope)
    staff = user.role in STAFF
    sections = [s for s in SECTIONS if staff or s not in STAFF_ONLY] + (["files"] if staff else [])
    return render(
        request,
        "digest.html",
        **section_context(data, settings, lang_of(request)),
        sections=sections,
        files=digest_files(settings) if staff else [],
    )


@router.get("/digest/files/{name}")
def digest_download(request: Request, name: str, user: StaffDep) -> Response:
    """A digest file (``2026-12-06.html`` or ``.xlsx``) as written by the daily job."""
    from review.daily_digest import digest_file

    path = digest_file(request.app.state.settings, name)
    if path is None:
        raise HTTPException(404)
    if path.suffix == ".html":  # a self-contained page: its own <style>, no script, nothing fetched
        return FileResponse(
            path,
            media_type="text/html; charset=utf-8",
            content_disposition_type="inline",
            filename=path.name,
            headers={"Content-Security-Policy": FILE_CSP},
        )
    return FileResponse(path, media_type=XLSX_TYPE, filename=path.name)


@router.get("/admin/status")
def status(request: Request, session: SessionDep, user: AdminDep) -> Response:
    from review.evidence import fingerprint, public_key_hex

    settings = request.app.state.settings
    public_key = public_key_hex(settings)
    lang = lang_of(request)
    return render(
        request,
        "status.html",
        schedule=[
            schedule_row(row, lang, settings.timezone)
            for row in job_table(engine=request.app.state.db.engine, session=session)
        ],
        jobs=recent_job_runs(session=session),
        job_name=lambda job_id: job_name(job_id, lang),
        stats=collect_stats(session=session),
        routing=routing_table(settings),
        public_key=public_key,
        key_fingerprint=fingerprint(public_key),
    )


def schedule_row(row: dict[str, Any], lang: str, tz: str) -> dict[str, Any]:
    """A row of storage.jobs.job_table in words: the job's name, its schedule, the outcome, and the
    times in the configured zone to the minute (the table itself keeps ISO times for scripts)."""

    def moment(value: str | None) -> str:
        return fmt.local_time(datetime.fromisoformat(value), tz) if value else "—"

    return {
        "id": row["id"],
        "name": job_name(row["id"], lang),
        "schedule": schedule_words(row.get("trigger"), lang),
        "next_run": moment(row["next_run"]),
        "last_run": moment(row["last_run"]),
        "outcome": label("outcome", row["outcome"], lang),
        "error": row["error"],
    }
