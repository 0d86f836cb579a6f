"""The daily digest: `$MARKWATCH_HOME/digests/YYYY-MM-DD.html` and `.xlsx`, optionally e-mailed.

New leads of the last 24 hours by platform, brand, violation kind and department, the top-risk leads
with links to the review app, crawl health per platform, and a 30-day trend chart. The numbers come
from storage.digest; the chart and the formatting are the web app's own, so the file and the digest
page show the same thing.
"""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font

from review.charts import stacked_days
from review.format import local_time, money, percent
from review.i18n import label
from settings import Settings
from storage import Database
from storage.digest import crawl_health, leads_per_day, new_leads_by, top_new_leads
from storage.models import utcnow

TEMPLATES = Path(__file__).parent / "templates"
FACETS = {"platform": "平台", "brand": "品牌", "violation": "违法类型", "department": "承办部门"}
RUN_STATUS = {"finished": "完成", "failed": "失败", "interrupted": "中断", "running": "进行中"}
TREND_DAYS = 30


def collect(db: Database, settings: Settings, now: datetime) -> dict[str, Any]:
    since = now - timedelta(days=1)
    today = now.astimezone(_zone(settings)).date()
    days = [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]
    with db.session() as session:
        facets = new_leads_by(session=session, since=since, until=now)
        top = [
            {
                "id": lead.id,
                "risk": lead.risk,
                "title": lead.listing.title,
                "platform": lead.listing.platform.name,
                "brand": lead.brand.name if lead.brand else None,
                "violation": lead.violation,
                "price": lead.listing.price,
                "url": settings.public_link(f"/leads/{lead.id}"),
            }
            for lead in top_new_leads(session=session, since=since, until=now)
        ]
        health = crawl_health(session=session, since=since, until=now)
        trend = leads_per_day(session=session, days=days, tz=settings.timezone)
    facets["violation"] = {
        label("violation", k) if k != "—" else k: n for k, n in facets["violation"].items()
    }
    return {
        "now": now,
        "since": since,
        "day": today,
        "facets": facets,
        "top": top,
        "health": health,
        "days": days,
        "trend": trend,
        "total": sum(facets["platform"].values()),
    }


def _zone(settings: Settings) -> ZoneInfo:
    from review.format import zone

    return zone(settings.timezone)


def render_html(data: dict[str, Any], settings: Settings) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    chart = stacked_days(
        data["days"],
        data["trend"],
        labels={k: label("violation", k) for k in data["trend"]},
        title="近30天新线索（按违法类型）",
    )
    return env.get_template("daily_digest.html").render(
        **data,
        facet_names=FACETS,
        run_status=RUN_STATUS,
        chart=chart,
        local_time=lambda t: local_time(t, settings.timezone),
        money=money,
        percent=percent,
        violation_label=lambda v: label("violation", v),
    )


def render_xlsx(data: dict[str, Any], settings: Settings) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "新线索"
    bold = Font(bold=True)
    sheet.append(["线索编号", "风险", "品牌", "违法类型", "平台", "商品标题", "价格（元）", "链接"])
    for cell in sheet[1]:
        cell.font = bold
    for lead in data["top"]:
        sheet.append(
            [
                lead["id"],
                round(lead["risk"], 4),
                lead["brand"] or "",
                label("violation", lead["violation"]),
                lead["platform"],
                lead["title"],
                lead["price"],
                lead["url"],
            ]
        )
        risk, link = sheet.cell(sheet.max_row, 2), sheet.cell(sheet.max_row, 8)
        risk.number_format = "0.0%"  # 0.9978 shows as 99.8%, so the ranking is visible
        link.hyperlink, link.style = lead["url"], "Hyperlink"
    for facet, name in FACETS.items():
        tab = book.create_sheet(f"按{name}")
        tab.append([name, "新线索数"])
        for cell in tab[1]:
            cell.font = bold
        for key, n in data["facets"][facet].items():
            tab.append([key, n])
    health = book.create_sheet("采集情况")
    health.append(["平台", "采集次数", "页面", "商品", "拦截", "错误", "最近状态"])
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
                RUN_STATUS.get(row.get("status", ""), row.get("status", "")),
            ]
        )
    trend = book.create_sheet("30天趋势")
    kinds = list(data["trend"])
    trend.append(["日期", *(label("violation", k) for k in kinds)])
    for i, day in enumerate(data["days"]):
        trend.append([day.isoformat(), *(data["trend"][k][i] for k in kinds)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_digest(db: Database, settings: Settings, *, now: datetime | None = None) -> dict[str, Any]:
    """Write today's digest files; e-mail the HTML when an SMTP server and recipients are configured."""
    now = now or utcnow()
    data = collect(db, settings, now)
    folder = settings.home / "digests"
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


def _mail(settings: Settings, data: dict[str, Any], html: str, xlsx_path: Path) -> bool:
    message = EmailMessage()
    message["Subject"] = f"markwatch 监测日报 {data['day'].isoformat()}：新线索 {data['total']} 条"
    message["From"] = settings.smtp_from or "markwatch@localhost"
    message["To"] = settings.digest_to
    message.set_content(f"新线索 {data['total']} 条，详见附件。")
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
