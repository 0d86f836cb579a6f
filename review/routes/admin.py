"""The seller blacklist, the daily digest and the admin status page."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from review import format as fmt
from review.charts import stacked_days
from review.deps import AdminDep, SessionDep, StaffDep, UserDep, lang_of, render, scope_of
from review.i18n import label, translate
from review.routing import routing_table
from storage.blacklist import blacklisted_sellers
from storage.jobs import job_table
from storage.leads import flagged_since, recent_job_runs
from storage.models import utcnow
from storage.stats import collect_stats

router = APIRouter(include_in_schema=False)


@router.get("/blacklist")
def blacklist(request: Request, session: SessionDep, user: StaffDep) -> Response:
    return render(request, "blacklist.html", sellers=blacklisted_sellers(session=session))


@router.get("/digest")
def digest(request: Request, session: SessionDep, user: UserDep) -> Response:
    settings = request.app.state.settings
    lang = lang_of(request)
    today = fmt.local_date(utcnow(), settings.timezone)
    days = [today - timedelta(days=29 - i) for i in range(30)]
    start = fmt.day_start_utc(days[0], settings.timezone)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    index = {d: i for i, d in enumerate(days)}
    for at, violation in flagged_since(session=session, since=start, scope=scope_of(user)):
        i = index.get(fmt.local_date(at, settings.timezone))
        if i is not None:
            per_kind[violation][i] += 1
    series = dict(sorted(per_kind.items(), key=lambda kv: -sum(kv[1])))
    labels = {k: label("violation", k, lang) for k in series}
    chart = stacked_days(days, series, labels=labels, title=translate("digest.chart", lang))
    rows = [(d, {k: v[i] for k, v in series.items()}) for i, d in enumerate(days)]
    total = sum(sum(v) for v in series.values())
    return render(
        request,
        "digest.html",
        chart=chart,
        rows=list(reversed(rows)),
        series=series,
        labels=labels,
        total=total,
    )


@router.get("/admin/status")
def status(request: Request, session: SessionDep, user: AdminDep) -> Response:
    from review.evidence import fingerprint, public_key_hex

    settings = request.app.state.settings
    public_key = public_key_hex(settings)
    return render(
        request,
        "status.html",
        schedule=job_table(engine=request.app.state.db.engine, session=session),
        jobs=recent_job_runs(session=session),
        stats=collect_stats(session=session),
        routing=routing_table(settings),
        public_key=public_key,
        key_fingerprint=fingerprint(public_key),
    )
