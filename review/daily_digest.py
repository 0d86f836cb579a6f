"""The daily digest: `$MARKWATCH_HOME/digests/YYYY-MM-DD.html` and `.xlsx`, optionally e-mailed, and
the web digest page (`/digest`), which shows the same sections.

New leads of the last 24 hours by platform, brand, violation kind and department, the top-risk leads
with links to the review app, crawl health per platform, and a 30-day trend chart. The numbers come
from storage.digest; every name comes from the review.i18n catalogue and every violation kind has its
one colour (review.charts.colour_of), in the page, the file, the spreadsheet and its chart.

The digest is a list of small sections (``SECTIONS``), each a template ``templates/digest/<name>.html``
fed by ``collect``'s data: adding one is adding its name, its template and what ``collect`` gives it.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill

from review.charts import colour_of, in_kind_order, stacked_days, swatch
from review.format import local_time, money, number, percent, zone
from review.i18n import DEFAULT_LANG, label, translate
from settings import Settings
from storage import Database
from storage.digest import crawl_health, leads_per_day, new_leads_by, top_new_leads
from storage.models import utcnow

TEMPLATES = Path(__file__).parent / "templates"
FACETS = ("platform", "brand", "violation", "department")
FACET_NAMES = {f: f"col.{f}" for f in FACETS}  # the names of the export columns
# the sections of the file, in order; the web page shows the same ones (a brand owner's without health)
SECTIONS = ("summary", "facets", "top", "health", "overdue", "trend")
# crawl health and the overdue platform notices (review/cases) are the bureau's, not a brand owner's business
STAFF_ONLY = ("health", "overdue")
TREND_DAYS = 30
FILE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}\.(html|xlsx)")


def collect(
    db: Database, settings: Settings, now: datetime, *, scope: Sequence[int] | None = None
) -> dict[str, Any]:
    """The digest's numbers for the 24 hours up to ``now`` (``scope``: a brand owner's brands only)."""
    since = now - timedelta(days=1)
    today = now.astimezone(zone(settings.timezone)).date()
    days = [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    with db.session() as session:
        facets = new_leads_by(session=session, since=since, until=now, scope=scope)
        top = [
            {
                "id": lead.id,
                "risk": lead.risk,
                "title": lead.listing.title,
                "platform": lead.listing.platform.name,
                "brand": lead.brand.name if lead.brand else None,
                "violation": lead.violation,
                "price": lead.listing.price,
                "currency": lead.listing.currency,
                "url": settings.public_link(f"/leads/{lead.id}"),
            }
            for lead in top_new_leads(session=session, since=since, until=now, scope=scope)
        ]
        health = crawl_health(session=session, since=since, until=now)
        overdue = [] if scope is not None else _overdue(session, settings, today)
        trend = in_kind_order(leads_per_day(session=session, days=days, tz=settings.timezone, scope=scope))
    return {
        "now": now,
        "since": since,
        "day": today,
        "facets": facets,
        "top": top,
        "health": health,
        "overdue": overdue,
        "days": days,
        "trend": trend,
        "total": sum(facets["platform"].values()),
    }


def _overdue(session: Any, settings: Settings, today: date) -> list[dict[str, Any]]:
    """Platform notices past their response deadline with no answer recorded (storage.casework)."""
    from storage.casework import overdue_notices

    return [
        {
            "case": f"MW-C-{d.case_id}",
            "number": d.number,
            "platform": (d.platform.title or d.platform.name) if d.platform else d.recipient,
            "issued_at": d.issued_at,
            "deadline": d.deadline,
            "days": (today - d.deadline).days if d.deadline else 0,
            "url": settings.public_link(f"/cases/{d.case_id}#document-{d.id}"),
        }
        for d in overdue_notices(session=session, today=today)
    ]


def _helpers(settings: Settings, lang: str) -> dict[str, Any]:
    """What every section template uses: the catalogue, the formats, the chart."""
    return {
        "t": lambda key, **values: translate(key, lang, **values),
        "label": lambda prefix, value: label(prefix, value, lang),
        "facet_names": FACET_NAMES,
        "local_time": lambda t: local_time(t, settings.timezone),
        "money": money,
        "number": number,
        "percent": percent,
        "colour_of": colour_of,
        "swatch": swatch,
    }


def chart(data: dict[str, Any], lang: str = DEFAULT_LANG) -> Any:
    return stacked_days(
        data["days"],
        data["trend"],
        labels={k: label("violation", k, lang) for k in data["trend"]},
        title=translate("digest.chart", lang),
    )


def section_context(data: dict[str, Any], settings: Settings, lang: str) -> dict[str, Any]:
    """The context the section templates read: the data, its chart and the helpers."""
    return {**data, **_helpers(settings, lang), "chart": chart(data, lang), "lang": lang}


def render_html(data: dict[str, Any], settings: Settings, lang: str = DEFAULT_LANG) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("daily_digest.html").render(
        **section_context(data, settings, lang), sections=SECTIONS
    )


def render_xlsx(data: dict[str, Any], settings: Settings, lang: str = DEFAULT_LANG) -> bytes:
    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    book = Workbook()
    sheet = book.active
    sheet.title = t("digest.sheet_new")
    bold = Font(bold=True)
    sheet.append(
        [t(k) for k in ("col.id", "col.risk", "col.brand", "col.violation", "col.platform", "col.title")]
        + [t("col.price_yuan"), t("col.link")]
    )
    for cell in sheet[1]:
        cell.font = bold
    for lead in data["top"]:
        sheet.append(
            [
                lead["id"],
                round(lead["risk"], 4),
                lead["brand"] or "",
                label("violation", lead["violation"], lang),
                lead["platform"],
                lead["title"],
                lead["price"],
                lead["url"],
            ]
        )
        risk, kind, link = (sheet.cell(sheet.max_row, c) for c in (2, 4, 8))
        risk.number_format = "0.0%"  # 0.9978 shows as 99.8%, so the ranking is visible
        kind.font = Font(color=colour_of(lead["violation"]).lstrip("#"), bold=True)
        link.hyperlink, link.style = lead["url"], "Hyperlink"
    for facet in FACETS:
        name = t(FACET_NAMES[facet])
        tab = book.create_sheet(t("digest.sheet_by", facet=name))
        tab.append([name, t("digest.count")])
        for cell in tab[1]:
            cell.font = bold
        for key, n in data["facets"][facet].items():
            shown = label("violation", key, lang) if facet == "violation" and key != "—" else key
            tab.append([t("digest.none_value") if key == "—" else shown, n])
    health = book.create_sheet(t("digest.health"))
    health.append(
        [t(f"health.{k}") for k in ("platform", "runs", "pages", "items", "blocks", "errors", "status")]
    )
    for cell in health[1]:
        cell.font = bold
    for row in data["health"]:
        health.append(
            [
                row["platform"],
                row["runs"],
                row["pages"],
                row["items"],
                row["blocks"],
                row["errors"],
                label("run", row.get("status"), lang),
            ]
        )
    overdue = book.create_sheet(t("digest.overdue"))
    overdue.append([t(f"overdue.{k}") for k in ("case", "number", "platform", "deadline", "days", "link")])
    for cell in overdue[1]:
        cell.font = bold
    for row in data.get("overdue", []):
        overdue.append(
            [
                row["case"],
                row["number"],
                row["platform"],
                row["deadline"].isoformat(),
                row["days"],
                row["url"],
            ]
        )
    _trend_sheet(book, data, t, lang)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _trend_sheet(book: Workbook, data: dict[str, Any], t: Any, lang: str) -> None:
    """The 30-day table and its stacked bar chart, each kind in its colour."""
    trend = book.create_sheet(t("digest.sheet_trend"))
    kinds = list(data["trend"])
    trend.append([t("digest.day"), *(label("violation", k, lang) for k in kinds)])
    for i, day in enumerate(data["days"]):
        trend.append([day.isoformat(), *(data["trend"][k][i] for k in kinds)])
    for column, kind in enumerate(kinds, start=2):
        head = trend.cell(1, column)
        head.font = Font(bold=True, color="FFFFFF")
        head.fill = PatternFill("solid", fgColor=colour_of(kind).lstrip("#"))
    if not kinds:
        return
    bars = BarChart()
    bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
    bars.title = t("digest.chart")
    last = len(data["days"]) + 1
    bars.add_data(
        Reference(trend, min_col=2, max_col=len(kinds) + 1, min_row=1, max_row=last), titles_from_data=True
    )
    bars.set_categories(Reference(trend, min_col=1, min_row=2, max_row=last))
    for series, kind in zip(bars.series, kinds, strict=True):
        series.graphicalProperties.solidFill = colour_of(kind).lstrip("#")
        series.graphicalProperties.line.solidFill = colour_of(kind).lstrip("#")
    bars.width, bars.height = 24, 10
    trend.add_chart(bars, f"{chr(ord('A') + len(kinds) + 2)}2")


def write_digest(db: Database, settings: Settings, *, now: datetime | None = None) -> dict[str, Any]:
    """Write today's digest files; e-mail the HTML when an SMTP server and recipients are configured."""
    now = now or utcnow()
    data = collect(db, settings, now)
    folder = digest_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / f"{data['day'].isoformat()}.html"
    xlsx_path = html_path.with_suffix(".xlsx")
    html = render_html(data, settings)
    for path, content in ((html_path, html.encode("utf-8")), (xlsx_path, render_xlsx(data, settings))):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    mailed = _mail(settings, data, html, xlsx_path) if settings.smtp_host and settings.digest_to else False
    return {"html": str(html_path), "xlsx": str(xlsx_path), "new_leads": data["total"], "mailed": mailed}


def digest_folder(settings: Settings) -> Path:
    return settings.home / "digests"


def digest_files(settings: Settings, limit: int = 14) -> list[dict[str, Any]]:
    """The newest digest days written, each with the file names it has: [{day, html, xlsx}]."""
    folder = digest_folder(settings)
    days: dict[str, dict[str, Any]] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            if FILE_NAME.fullmatch(path.name):
                entry = days.setdefault(path.stem, {"day": date.fromisoformat(path.stem)})
                entry[path.suffix.lstrip(".")] = path.name
    return sorted(days.values(), key=lambda d: d["day"], reverse=True)[:limit]


def digest_file(settings: Settings, name: str) -> Path | None:
    """The digest file called ``name`` (``2026-12-06.xlsx``), or None: no other name is ever opened."""
    if not FILE_NAME.fullmatch(name):
        return None
    path = digest_folder(settings) / name
    return path if path.is_file() else None


def _mail(settings: Settings, data: dict[str, Any], html: str, xlsx_path: Path) -> bool:
    message = EmailMessage()
    message["Subject"] = translate(
        "digest.mail_subject", DEFAULT_LANG, day=data["day"].isoformat(), n=data["total"]
    )
    message["From"] = settings.smtp_from or "markwatch@localhost"
    message["To"] = settings.digest_to
    message.set_content(translate("digest.mail_body", DEFAULT_LANG, n=data["total"]))
    message.add_alternative(html, subtype="html")
    message.add_attachment(
        xlsx_path.read_bytes(),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=xlsx_path.name,
    )
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:  # type: ignore[arg-type]
        smtp.send_message(message)
    return True
