"""``report.pdf``: a Chinese report laid out like an electronic-evidence extraction record (电子数据提取笔录).

The CJK font is a TrueType font embedded (subset) in the PDF, so the report renders on any machine; the
built-in STSong-Light CID font is not used because it is not embedded. The font is ``MARKWATCH_CJK_FONT``
or the first usable one of the known system paths; reportlab reads TrueType outlines only, so the
OpenType/CFF Noto CJK files are tried last and skipped when they cannot be used.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from review.format import percent, printable, reason_detail
from review.i18n import translate
from settings import Settings, get_settings
from storage.errors import MarkwatchError

FONT_NAME = "MarkwatchCJK"
# characters of one scraped value shown in the report (the full text is in manifest.json): a table row
# taller than a page cannot be laid out at all
CLIP = 1000
HEADER_CLIP = 600
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),  # Debian fonts-wqy-microhei
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),  # fonts-wqy-zenhei
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),  # fonts-arphic-uming
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # fonts-droid-fallback
    ("/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # fonts-noto-cjk (CFF: usually refused)
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),  # macOS
    ("C:/Windows/Fonts/simhei.ttf", 0),  # Windows
    ("C:/Windows/Fonts/msyh.ttc", 0),
)
INSTALL_HINT = (
    "no CJK TrueType font found for the evidence report (report.pdf): install one with "
    "`apt-get install fonts-wqy-microhei` (Debian/Ubuntu), or set MARKWATCH_CJK_FONT to a .ttf/.ttc "
    "file with Chinese glyphs (a file.ttc#N picks the N-th font of a collection)"
)

_lock = threading.Lock()
_registered: dict[str, str] = {}  # "path#index" -> registered font name


def _parse_font_setting(value: Path | str) -> tuple[str, int]:
    text = str(value)
    path, _, index = text.partition("#")
    return path, int(index) if index.isdigit() else 0


def _try_register(path: str, index: int) -> str | None:
    """Register the font under a stable name; None when the file is absent or not usable by reportlab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    key = f"{path}#{index}"
    if key in _registered:
        return _registered[key]
    if not Path(path).is_file():
        return None
    name = f"{FONT_NAME}-{len(_registered)}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, IndexError):
        return None
    if font.face.charToGlyph.get(ord("电")) is None:  # a Latin-only font would print boxes
        return None
    pdfmetrics.registerFont(font)
    _registered[key] = name
    return name


def cjk_font(settings: Settings | None = None) -> str:
    """The reportlab name of an embeddable CJK font; raises MarkwatchError (naming the package) if none."""
    settings = settings or get_settings()
    with _lock:
        if settings.cjk_font:
            path, index = _parse_font_setting(settings.cjk_font)
            name = _try_register(path, index)
            if name is None:
                raise MarkwatchError(
                    f"MARKWATCH_CJK_FONT={settings.cjk_font} is not a usable TrueType font with Chinese "
                    "glyphs (reportlab cannot embed OpenType/CFF fonts such as Noto Sans CJK); point it at "
                    "a .ttf/.ttc such as /usr/share/fonts/truetype/wqy/wqy-microhei.ttc "
                    "(apt-get install fonts-wqy-microhei)"
                )
            return name
        for path, index in KNOWN_FONTS:
            name = _try_register(path, index)
            if name is not None:
                return name
    raise MarkwatchError(INSTALL_HINT)


def _p(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    # scraped text is data, never markup: escape it (controls shown, not passed on); keep line breaks
    return Paragraph(escape(printable(text, keep_newlines=True)).replace("\n", "<br/>"), style)


class _Kit:
    """The styles and table builders of one report (one font, one page width)."""

    def __init__(self, font: str, lang: str = "zh") -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_CENTER
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.platypus import TableStyle

        self.font = font
        self.lang = lang
        self.base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.base, fontSize=8, leading=11)
        self.mono = ParagraphStyle("mono", parent=self.small, fontSize=7.5, leading=10, wordWrap="CJK")
        self.title = ParagraphStyle(
            "title", parent=self.base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4
        )
        self.subtitle = ParagraphStyle(
            "subtitle", parent=self.small, alignment=TA_CENTER, textColor=colors.grey
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.base,
            fontSize=11.5,
            leading=18,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.label = ParagraphStyle("label", parent=self.base, spaceBefore=6, spaceAfter=2, keepWithNext=1)
        self.width = A4[0] - 36 * mm
        self.height = A4[1] - 34 * mm
        self.grid = TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),  # the default, Helvetica, would be a non-embedded font
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
        self.header_grid = TableStyle(
            [*self.grid.getCommands(), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]
        )

    def t(self, key: str, /, **values: object) -> str:
        """A message of the catalogue (review.i18n ``report.*``) in the report's language."""
        return translate(key, self.lang, **values)

    def clip(self, text: Any, limit: int) -> str:
        """Long scraped text shortened for the report; the full text is in manifest.json and the snapshots."""
        if not text:
            return "—"
        text = str(text)
        return text if len(text) <= limit else text[:limit] + self.t("report.clipped", n=f"{len(text):,}")

    def kv_table(self, rows: Sequence[tuple[str, Any]]) -> Any:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Table, TableStyle

        data = [[_p(k, self.base), v if hasattr(v, "wrap") else _p(v, self.base)] for k, v in rows]
        key = (46 if self.lang == "en" else 36) * mm  # English labels are longer
        table = Table(data, colWidths=[key, self.width - key])
        table.setStyle(
            TableStyle(
                [*self.grid.getCommands(), ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3"))]
            )
        )
        return table

    def list_table(
        self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], style: Any
    ) -> Any:
        from reportlab.platypus import Table

        data = [[_p(h, self.small) for h in header]] + [[_p(c, style) for c in row] for row in rows]
        table = Table(data, colWidths=list(widths), repeatRows=1)
        table.setStyle(self.header_grid)
        return table


# public names of the escaping paragraph and the layout kit: the case documents (review/cases/documents.py)
# are laid out with the same embedded font, styles and tables
paragraph = _p
Kit = _Kit


def render_report(facts: dict[str, Any], *, settings: Settings | None = None, lang: str = "zh") -> bytes:
    """The PDF bytes of the extraction record for ``facts`` (the manifest's content plus the hash table).

    ``facts`` keys: lead, listing, score, snapshots, price_history, reasons, files, exported, key, tool.
    ``lang``: the language of the record's own words (review.i18n ``report.*``; zh-CN unless "en"); the
    scraped text is shown as it is. Deterministic: the same facts give the same bytes.
    """
    kit = _Kit(cjk_font(settings), lang)
    return _build_pdf(kit, facts, lambda: _story(kit, facts))


def _story(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    return [
        *_title_block(kit, facts),
        *_basic_section(kit, facts),
        *_object_section(kit, facts),
        *_findings_section(kit, facts),
        *_snapshots_section(kit, facts),
        *_prices_section(kit, facts),
        *_audit_section(kit, facts),
        *_integrity_section(kit, facts),
        _signature_section(kit),
        *_pictures_section(kit, facts),
    ]


def _title_block(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    lead, tool = facts["lead"], facts["tool"]
    return [
        _p(kit.t("report.title"), kit.title),
        _p(kit.t("report.subtitle", id=lead["id"], tool=f"{tool['name']} {tool['version']}"), kit.subtitle),
        Spacer(1, 4 * mm),
    ]


def _basic_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """一、基本情况: the case, when and by whom it was extracted, and how."""
    lead, exported, tool = facts["lead"], facts["exported"], facts["tool"]
    status = lead.get("status_label") or lead.get("status")
    return [
        _p(kit.t("report.basic"), kit.heading),
        kit.kv_table(
            [
                (kit.t("report.case_no"), kit.t("report.case_no_value", id=lead["id"], status=status)),
                (kit.t("report.extracted_at"), _both_zones(kit, exported["at_shanghai"], exported["at_utc"])),
                (kit.t("report.bureau"), exported.get("bureau") or kit.t("report.bureau_unset")),
                (kit.t("report.extractor"), _officer(kit, exported["by"], exported.get("by_certificate"))),
                (
                    kit.t("report.witness"),
                    _officer(kit, exported["witness"], exported.get("witness_certificate"))
                    if exported.get("witness")
                    else kit.t("report.witness_none"),
                ),
                (kit.t("report.place"), exported.get("place") or kit.t("report.place_unset")),
                (kit.t("report.environment"), _environment(kit, facts)),
                (kit.t("report.method"), _method(kit, facts)),
                (kit.t("report.tool"), kit.t("report.tool_value", tool=f"{tool['name']} {tool['version']}")),
            ]
        ),
    ]


def _both_zones(kit: _Kit, shanghai: Any, utc: Any) -> str:
    return kit.t("report.both_zones", shanghai=shanghai, utc=utc)


def _images_text(kit: _Kit, listing: dict[str, Any], facts: dict[str, Any]) -> str:
    """The listing's image addresses, and how many of the images are held in the packet and shown."""
    addresses = kit.clip("\n".join(listing.get("images") or []), CLIP)
    held = int(facts.get("images") or 0)
    return addresses + ("\n" + kit.t("report.images_held", n=held) if held else "")


def _officer(kit: _Kit, name: str, certificate: str | None) -> str:
    return kit.t("report.officer", name=name, certificate=certificate or kit.t("report.unregistered"))


def _environment(kit: _Kit, facts: dict[str, Any]) -> str:
    """The place of extraction and how the pages were fetched (tools, browsers, user agents, egress)."""
    snaps = facts["snapshots"]
    tools = sorted({str(s["tool_version"]) for s in snaps if s.get("tool_version")})
    browsers = sorted({str(s["browser_version"]) for s in snaps if s.get("browser_version")})
    egress = sorted({str(s["egress"]) for s in snaps if s.get("egress")})
    place = facts["exported"].get("place") or kit.t("report.place_unset_short")
    semi = kit.t("report.semi")
    fetched = semi.join(kit.clip(t, 200) for t in tools) or kit.t("report.env_unrecorded")
    text = kit.t("report.env_fetched", place=place, tools=fetched)
    items = semi.join(kit.clip(b, 100) for b in browsers)
    text += kit.t("report.env_browsers", items=items) if browsers else ""
    items = semi.join(kit.clip(e, 100) for e in egress)
    text += kit.t("report.env_egress", items=items) if egress else ""
    return text + kit.t("report.env_end")


def _method(kit: _Kit, facts: dict[str, Any]) -> str:
    """提取方法: what the packet actually holds, nothing it does not."""
    snaps = facts["snapshots"]
    pages = sum(1 for s in snaps if s.get("html"))
    shots = sum(1 for s in snaps if s.get("screenshot"))
    images = int(facts.get("images") or 0)
    archive = facts.get("archive") or {}
    held = [kit.t("report.held_html", n=pages)] if pages else []
    held += [kit.t("report.held_shots", n=shots)] if shots else []
    held += [kit.t("report.held_images", n=images)] if images else []
    held += [kit.t("report.held_archive", warcs=archive["warcs"], file=archive["file"])] if archive else []
    saved = kit.t("report.saved", held=kit.t("report.sep").join(held)) if held else kit.t("report.saved_none")
    return (
        _captures_text(kit, snaps)
        + saved
        + kit.t("report.hashed")
        + _timestamp_text(kit, facts.get("timestamp") or {})
    )


def _captures_text(kit: _Kit, snaps: list[dict[str, Any]]) -> str:
    """How many fetches were crawls and browser captures, and which captures failed and why."""
    if not snaps:
        return ""
    failed = [s for s in snaps if s.get("failed_reason")]
    browser = sum(1 for s in snaps if s.get("capture") == "evidence" and not s.get("failed_reason"))
    crawled = sum(1 for s in snaps if s.get("capture") != "evidence" and not s.get("failed_reason"))
    done = [kit.t("report.crawled_n", n=crawled)] if crawled else []
    done += [kit.t("report.browser_n", n=browser)] if browser else []
    done_text = kit.t("report.sep").join(done) or kit.t("report.none_succeeded")
    text = kit.t("report.captures", n=len(snaps), done=done_text)
    if failed:
        reasons = kit.t("report.semi").join(
            kit.t("report.failed_one", n=s["n"], reason=kit.clip(s["failed_reason"], 200)) for s in failed
        )
        text += kit.t("report.captures_failed", n=len(failed), reasons=reasons)
    return text + kit.t("report.stop")


def _timestamp_text(kit: _Kit, stamp: dict[str, Any]) -> str:
    """Whether the manifest's hash carries a trusted time, said plainly either way."""
    if stamp.get("token_file"):
        return kit.t("report.ts_token", tsa=kit.clip(stamp.get("tsa"), 200), file=stamp["token_file"])
    if stamp.get("refused"):
        reason = kit.clip(stamp["refused"], 300)
        return kit.t("report.ts_refused", tsa=kit.clip(stamp.get("tsa"), 200), reason=reason)
    return kit.t("report.ts_none")


def _licence_text(kit: _Kit, seller: dict[str, Any]) -> str:
    licence = seller.get("licence_check") or {}
    if not seller.get("licence"):
        return kit.t("report.licence_unshown")
    text = kit.clip(seller.get("licence"), CLIP)
    return text + (
        kit.t("report.licence_ok", region=licence.get("region"))
        if licence.get("valid")
        else kit.t("report.licence_bad", reason=licence.get("reason"))
    )


def _object_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """二、提取对象: the listing and its seller as last seen."""
    listing = facts["listing"]
    return [
        _p(kit.t("report.object"), kit.heading),
        kit.kv_table(
            [
                (kit.t("report.platform"), listing.get("platform_title") or listing.get("platform")),
                (
                    kit.t("report.listing_url"),
                    kit.clip(listing.get("url"), CLIP) if listing.get("url") else kit.t("report.none"),
                ),
                (kit.t("report.listing_title"), kit.clip(listing.get("title"), CLIP)),
                (kit.t("report.external_id"), kit.clip(listing.get("external_id"), CLIP)),
                (kit.t("report.category"), kit.clip(listing.get("category"), CLIP)),
                (kit.t("report.description"), kit.clip(listing.get("description"), 600)),
                (kit.t("report.images"), _images_text(kit, listing, facts)),
                *_seller_rows(kit, listing),
                *_sales_rows(kit, facts["lead"], listing),
            ]
        ),
    ]


def _seller_rows(kit: _Kit, listing: dict[str, Any]) -> list[tuple[str, Any]]:
    """The shop as the listing's page showed it."""
    seller = listing.get("seller") or {}
    name = kit.clip(seller.get("name"), CLIP) if seller.get("name") else kit.t("report.unknown")
    return [
        (
            kit.t("report.seller"),
            kit.t("report.seller_value", name=name, id=kit.clip(seller.get("id"), CLIP)),
        ),
        (kit.t("report.shop_url"), kit.clip(_absolute(seller.get("url"), listing.get("url")), CLIP)),
        (kit.t("report.opened_rating"), f"{seller.get('opened') or '—'} ／ {_or_dash(seller.get('rating'))}"),
        (
            kit.t("report.blacklisted"),
            kit.t("report.yes") if seller.get("blacklisted") else kit.t("report.no"),
        ),
        (kit.t("report.licence"), _licence_text(kit, seller)),
    ]


def _sales_rows(kit: _Kit, lead: dict[str, Any], listing: dict[str, Any]) -> list[tuple[str, Any]]:
    """The price, units sold and estimated sales, and when the listing was seen."""
    sold = "—" if listing.get("sold") is None else f"{listing['sold']:,}"
    return [
        (kit.t("report.price"), _money(listing.get("price"), listing.get("currency"))),
        (kit.t("report.sold"), sold),
        (kit.t("report.sales"), _money(lead.get("estimated_sales"), listing.get("currency"))),
        (
            kit.t("report.seen"),
            f"{listing.get('first_seen_shanghai')} ／ {listing.get('last_seen_shanghai')}",
        ),
    ]


def _kind(lead: dict[str, Any], style: Any) -> Any:
    """The violation kind in words, after a square of its colour (review.charts: the digest's too)."""
    from reportlab.platypus import Paragraph

    from review.charts import colour_of

    text = escape(printable(lead.get("violation_label") or "—"))
    if not lead.get("violation"):
        return Paragraph(text, style)
    return Paragraph(f'<font color="{colour_of(lead["violation"])}">■</font> {text}', style)


def _findings_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """三、监测发现: the lead's verdict and the scorer's reasons."""
    lead, score = facts["lead"], facts["score"] or {}
    transfer = kit.t("report.transfer_yes") if lead.get("transfer_review") else kit.t("report.no")
    flagged = (
        f"{_or_dash(lead.get('first_flagged_shanghai'))} ／ {_or_dash(lead.get('last_flagged_shanghai'))}"
    )
    block: list[Any] = [
        _p(kit.t("report.findings"), kit.heading),
        kit.kv_table(
            [
                (kit.t("report.brand"), score.get("brand") or lead.get("brand") or "—"),
                (kit.t("report.violation"), _kind(lead, kit.base)),
                (kit.t("report.risk"), percent(lead.get("risk"))),
                (kit.t("report.department"), lead.get("department") or "—"),
                (kit.t("report.transfer"), transfer),
                (kit.t("report.model"), score.get("model_version") or "—"),
                (kit.t("report.flagged"), flagged),
            ]
        ),
    ]
    return block + _reasons_block(kit, facts["reasons"])


def _reasons_block(kit: _Kit, reasons: list[dict[str, Any]]) -> list[Any]:
    """The scorer's reasons, one row each."""
    from reportlab.lib.units import mm

    if not reasons:
        return []
    header = [kit.t(f"report.col_{c}") for c in ("n", "signal", "weight", "detail")]
    rows = [
        [
            i,
            r.get("signal_label") or r.get("signal"),
            f"{float(r.get('weight') or 0):.2f}",
            kit.clip(reason_detail(r.get("detail")), CLIP),
        ]
        for i, r in enumerate(reasons, 1)
    ]
    widths = [12 * mm, 32 * mm, 16 * mm, kit.width - 60 * mm]
    return [_p(kit.t("report.reasons"), kit.label), kit.list_table(header, rows, widths, kit.base)]


def _snapshot_files(kit: _Kit, snap: dict[str, Any]) -> str:
    """The packet's files of one fetch, and the ones whose original is missing."""
    kinds = {k: kit.t(f"report.kind_{k}") for k in ("html", "screenshot", "warc")}
    files = [kit.t("report.file_kind", file=snap[k], what=what) for k, what in kinds.items() if snap.get(k)]
    files += [kit.t("report.file_missing", what=kinds.get(m, m)) for m in snap.get("missing") or []]
    return "\n".join(files) or "—"


def _snapshot_block(kit: _Kit, snap: dict[str, Any]) -> list[Any]:
    """One fetch: what was asked for and got, when (both zones), the files, every response header."""
    from reportlab.lib.units import mm

    status = snap.get("http_status")
    final = kit.clip(snap.get("final_url"), CLIP) if snap.get("final_url") else kit.t("report.not_recorded")
    rows = [
        (kit.t("report.requested_url"), kit.clip(snap.get("url"), CLIP)),
        (kit.t("report.final_url"), final),
        (kit.t("report.fetched_at"), _both_zones(kit, snap["fetched_at_shanghai"], snap["fetched_at_utc"])),
        *_capture_rows(kit, snap),
        (kit.t("report.http_status"), kit.t("report.not_recorded") if status is None else status),
        (kit.t("report.fetch_tool"), kit.clip(snap.get("tool_version"), CLIP)),
        (kit.t("report.evidence_files"), _snapshot_files(kit, snap)),
    ]
    headers = snap.get("headers") or {}
    if not headers:
        rows.append((kit.t("report.headers"), kit.t("report.no_headers")))
    block: list[Any] = [_p(kit.t("report.snapshot", n=snap["n"]), kit.label), kit.kv_table(rows)]
    if headers:
        block.append(
            kit.list_table(
                [kit.t("report.headers"), kit.t("report.header_value")],
                [[kit.clip(k, 200), kit.clip(v, HEADER_CLIP)] for k, v in headers.items()],
                [40 * mm, kit.width - 40 * mm],
                kit.mono,
            )
        )
    return block


def _capture_rows(kit: _Kit, snap: dict[str, Any]) -> list[tuple[str, Any]]:
    """How this fetch was made: crawl or browser capture, its environment, and its failure if any."""
    way = kit.t("report.way_browser") if snap.get("capture") == "evidence" else kit.t("report.way_crawl")
    attempts = kit.t("report.attempts", n=snap["attempts"]) if (snap.get("attempts") or 1) > 1 else ""
    unrecorded = kit.t("report.not_recorded")
    rows: list[tuple[str, Any]] = [
        (kit.t("report.way"), way + attempts),
        (
            kit.t("report.user_agent"),
            kit.clip(snap.get("user_agent"), 400) if snap.get("user_agent") else unrecorded,
        ),
        (
            kit.t("report.browser_version"),
            kit.clip(snap.get("browser_version"), 200)
            if snap.get("browser_version")
            else kit.t("report.none"),
        ),
        (kit.t("report.egress"), kit.clip(snap.get("egress"), 200) if snap.get("egress") else unrecorded),
    ]
    if snap.get("failed_reason"):
        rows.append(
            (kit.t("report.result"), kit.t("report.failed", reason=kit.clip(snap["failed_reason"], CLIP)))
        )
    return rows


def _snapshots_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """四、网页快照: every fetch of the page, oldest first."""
    snaps = facts["snapshots"]
    block: list[Any] = [_p(kit.t("report.snapshots", n=len(snaps)), kit.heading)]
    for snap in snaps:
        block.extend(_snapshot_block(kit, snap))
    if not snaps:
        block.append(_p(kit.t("report.no_snapshots"), kit.base))
    return block


def _prices_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """五、价格记录."""
    from reportlab.lib.units import mm

    prices = facts["price_history"]
    if not prices:
        return [_p(kit.t("report.prices"), kit.heading), _p(kit.t("report.no_prices"), kit.base)]
    return [
        _p(kit.t("report.prices"), kit.heading),
        kit.list_table(
            [kit.t("report.col_n"), kit.t("report.col_observed"), kit.t("report.col_price")],
            [
                [i, p["observed_at_shanghai"], _money(p["price"], p["currency"])]
                for i, p in enumerate(prices, 1)
            ],
            [12 * mm, 60 * mm, kit.width - 72 * mm],
            kit.base,
        ),
    ]


def _audit_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """六、处理记录: the lead's audit trail."""
    from reportlab.lib.units import mm

    audit = facts.get("audit") or []
    if not audit:
        return [_p(kit.t("report.audit"), kit.heading), _p(kit.t("report.no_audit"), kit.base)]
    return [
        _p(kit.t("report.audit"), kit.heading),
        kit.list_table(
            [kit.t(f"report.col_{c}") for c in ("n", "time", "by", "action", "note")],
            [
                [
                    i,
                    e["at_shanghai"],
                    kit.clip(e.get("by"), CLIP),
                    e.get("action_label") or e.get("action"),
                    kit.clip(e.get("note"), CLIP),
                ]
                for i, e in enumerate(audit, 1)
            ],
            [12 * mm, 34 * mm, 30 * mm, 30 * mm, kit.width - 106 * mm],
            kit.small,
        ),
    ]


def _integrity_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """七、电子数据完整性校验: the hash of every file and how to check the signature."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    key = facts["key"]
    return [
        _p(kit.t("report.integrity"), kit.heading),
        kit.list_table(
            [kit.t("report.col_file"), kit.t("report.col_size"), "SHA-256"],
            [[f["name"], f"{f['size']:,}", f["sha256"]] for f in facts["files"]],
            [48 * mm, 24 * mm, kit.width - 72 * mm],
            kit.mono,
        ),
        Spacer(1, 2 * mm),
        _p(kit.t("report.verify_howto", fingerprint=key["fingerprint"]), kit.small),
        kit.kv_table(
            [
                (kit.t("report.sig_algorithm"), kit.t("report.sig_algorithm_value")),
                (kit.t("report.public_key"), key["public_key"]),
                (kit.t("report.fingerprint"), key["fingerprint"]),
                (kit.t("report.trusted_time"), _timestamp_text(kit, facts.get("timestamp") or {})),
            ]
        ),
    ]


def _signature_section(kit: _Kit) -> Any:
    """八、签名: lines for the officers' and the holder's signatures, kept on one page."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Table, TableStyle

    sign_rows = [
        [
            _p(kit.t(who), kit.base),
            _p("", kit.base),
            _p(kit.t("report.sign_date"), kit.base),
            _p("", kit.base),
        ]
        for who in ("report.sign_extractor", "report.sign_witness", "report.sign_holder")
    ]
    signatures = Table(
        sign_rows, colWidths=[60 * mm, 56 * mm, 16 * mm, kit.width - 132 * mm], rowHeights=14 * mm
    )
    signatures.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), kit.font),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
            ]
        )
    )
    return KeepTogether([_p(kit.t("report.signatures"), kit.heading), signatures])


def _build_pdf(kit: _Kit, facts: dict[str, Any], story: Callable[[], list[Any]]) -> bytes:
    """Lay the report out on A4 pages, footed with the lead, the key and the page numbers."""
    lead, key, tool = facts["lead"], facts["key"], facts["tool"]
    return numbered_pdf(
        kit,
        story(),
        title=kit.t("report.doc_title", id=lead["id"]),
        author=f"{tool['name']} {tool['version']}",
        subject=kit.t("report.title"),
        created_utc=facts["exported"]["at_utc"],
        footer=kit.t("report.footer", id=lead["id"], fingerprint=key["fingerprint"]),
    )


def numbered_pdf(
    kit: _Kit, story: list[Any], *, title: str, author: str, subject: str, created_utc: str, footer: str
) -> bytes:
    """A4 pages with ``footer`` on the left and "第 X 页 共 Y 页" on the right of each; the PDF's creation
    date is ``created_utc`` (ISO 8601), so the same facts give the same bytes.

    The page numbers are drawn when the document is saved, once the total is known.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    created = _Stamp(created_utc)

    def draw_footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(kit.font, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.restoreState()

    class NumberedCanvas(Canvas):
        """Keeps each finished page until the end, then numbers them all out of the total."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = created  # the PDF's creation date is the document's own time
            self._finished: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._finished.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._finished)
            for number, state in enumerate(self._finished, 1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(kit.font, 7.5)
                self.setFillColor(colors.grey)
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, kit.t("report.page", n=number, total=total))
                self.restoreState()
                super().showPage()
            super().save()

    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        subject=subject,
        initialFontName=kit.font,  # else the canvas declares Helvetica, a font that is not embedded
        invariant=1,  # no random document id; the date is the given one: same facts, same bytes
    ).build(story, onFirstPage=draw_footer, onLaterPages=draw_footer, canvasmaker=NumberedCanvas)
    return buffer.getvalue()


class _Stamp:
    """A reportlab time stamp (``reportlab.lib.utils.TimeStamp``) at a given UTC time."""

    def __init__(self, at_utc: str) -> None:
        import time
        from datetime import datetime

        self.t = datetime.fromisoformat(at_utc.replace("Z", "+00:00")).timestamp()
        self.lt = time.gmtime(self.t)
        self.YMDhms = tuple(self.lt)[:6]
        self.dhh = self.dmm = 0
        self.tzname = "UTC"


def _absolute(url: Any, base: Any) -> Any:
    """A URL as found on the page, resolved against the listing's address (``/shop/s-1`` is not one)."""
    from urllib.parse import urljoin

    return urljoin(str(base), str(url)) if url and base else url


def _pictures_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """九、图片: each screenshot and product image on a page of its own, scaled to fit."""
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, PageBreak

    pictures = facts.get("pictures") or []
    block: list[Any] = []
    for n, (name, data) in enumerate(pictures, 1):
        what = (
            kit.t("report.picture_shot") if name.startswith("screenshots/") else kit.t("report.picture_image")
        )
        heading = kit.t("report.pictures") if n == 1 else None
        block.append(PageBreak())
        if heading:
            block.append(_p(heading, kit.heading))
        block.append(_p(kit.t("report.figure", n=n, what=what, name=name), kit.label))
        try:
            width, height = ImageReader(io.BytesIO(data)).getSize()
        except Exception:  # noqa: BLE001 - bytes as served may be anything; the file itself is in the packet
            block.append(_p(kit.t("report.unshowable"), kit.base))
            continue
        room_w, room_h = kit.width, kit.height - 30 * mm
        scale = min(room_w / width, room_h / height)
        block.append(Image(io.BytesIO(data), width=width * scale, height=height * scale))
    return block


def _money(value: Any, currency: Any) -> str:
    if value is None:
        return "—"
    symbol = "¥" if (currency or "CNY") == "CNY" else f"{currency} "
    return f"{symbol}{float(value):,.2f}"


def _or_dash(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)
