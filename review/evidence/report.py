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

    def __init__(self, font: str) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_CENTER
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.platypus import TableStyle

        self.font = font
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

    def kv_table(self, rows: Sequence[tuple[str, Any]]) -> Any:
        from reportlab.lib import colors
        from reportlab.lib.units import mm
        from reportlab.platypus import Table, TableStyle

        data = [[_p(k, self.base), v if hasattr(v, "wrap") else _p(v, self.base)] for k, v in rows]
        table = Table(data, colWidths=[36 * mm, self.width - 36 * mm])
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


def render_report(facts: dict[str, Any], *, settings: Settings | None = None) -> bytes:
    """The PDF bytes of the extraction record for ``facts`` (the manifest's content plus the hash table).

    ``facts`` keys: lead, listing, score, snapshots, price_history, reasons, files, exported, key, tool.
    Deterministic: the same facts give the same bytes.
    """
    kit = _Kit(cjk_font(settings))
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
        _p("电子数据提取笔录", kit.title),
        _p(f"线索编号 MW-{lead['id']}　·　{tool['name']} {tool['version']}", kit.subtitle),
        Spacer(1, 4 * mm),
    ]


def _basic_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """一、基本情况: the case, when and by whom it was extracted, and how."""
    lead, exported, tool = facts["lead"], facts["exported"], facts["tool"]
    return [
        _p("一、基本情况", kit.heading),
        kit.kv_table(
            [
                (
                    "案件/线索编号",
                    f"MW-{lead['id']}（线索状态：{lead.get('status_label') or lead.get('status')}）",
                ),
                ("提取时间", f"{exported['at_shanghai']}（北京时间）／ {exported['at_utc']}（UTC）"),
                ("执法单位", exported.get("bureau") or "（未设置，MARKWATCH_BUREAU）"),
                ("提取人", _officer(exported["by"], exported.get("by_certificate"))),
                (
                    "见证人",
                    _officer(exported["witness"], exported.get("witness_certificate"))
                    if exported.get("witness")
                    else "（导出时未指定）",
                ),
                ("提取地点", exported.get("place") or "（未设置，MARKWATCH_EXTRACTION_PLACE）"),
                ("提取环境", _environment(facts)),
                ("提取方法", _method(facts)),
                ("提取工具", f"{tool['name']} {tool['version']}（网络交易傍名牌、假冒商品监测系统）"),
            ]
        ),
    ]


def _images_text(listing: dict[str, Any], facts: dict[str, Any]) -> str:
    """The listing's image addresses, and how many of the images are held in the packet and shown."""
    addresses = _clip("\n".join(listing.get("images") or []), CLIP)
    held = int(facts.get("images") or 0)
    return addresses + (f"\n（证据包保存商品图片 {held} 张，见“九、截图与商品图片”）" if held else "")


def _officer(name: str, certificate: str | None) -> str:
    return f"{name}（执法证号：{certificate or '未登记'}）"


def _environment(facts: dict[str, Any]) -> str:
    """The place of extraction and how the pages were fetched (tools, browsers, user agents, egress)."""
    snaps = facts["snapshots"]
    tools = sorted({str(s["tool_version"]) for s in snaps if s.get("tool_version")})
    browsers = sorted({str(s["browser_version"]) for s in snaps if s.get("browser_version")})
    egress = sorted({str(s["egress"]) for s in snaps if s.get("egress")})
    place = facts["exported"].get("place") or "提取地点未设置"
    fetched = "；".join(_clip(t, 200) for t in tools) or "未记录"
    text = f"于{place}，由本系统从其存储中导出。网页由本系统抓取，抓取工具：{fetched}"
    text += f"；浏览器：{'；'.join(_clip(b, 100) for b in browsers)}" if browsers else ""
    text += f"；出口网络：{'；'.join(_clip(e, 100) for e in egress)}" if egress else ""
    return text + (
        "。各次抓取的时间、抓取方式、浏览器标识（User-Agent）、浏览器版本、出口网络、请求网址、最终网址、"
        "HTTP 状态及全部响应头见第四部分。"
    )


def _method(facts: dict[str, Any]) -> str:
    """提取方法: what the packet actually holds, nothing it does not."""
    snaps = facts["snapshots"]
    pages = sum(1 for s in snaps if s.get("html"))
    shots = sum(1 for s in snaps if s.get("screenshot"))
    images = int(facts.get("images") or 0)
    archive = facts.get("archive") or {}
    held = [f"网页原始 HTML {pages} 份"] if pages else []
    held += [f"页面截图 {shots} 张"] if shots else []
    held += [f"商品图片 {images} 张"] if images else []
    held += (
        [f"{archive['warcs']} 次抓取的网页存档（WARC 记录，合为 WACZ 文件 {archive['file']}）"]
        if archive
        else []
    )
    saved = (
        f"由网络交易监测系统在其抓取时保存{'、'.join(held)}（按 SHA-256 内容寻址存储），导出时原样打包，"
        if held
        else "本证据包不含网页快照、截图、商品图片或网页存档，仅含系统记录的线索信息；"
    )
    return (
        _captures_text(snaps)
        + saved
        + "逐个计算 SHA-256 哈希值，并以本系统安装密钥（Ed25519）对清单 manifest.json 签名；"
        + _timestamp_text(facts.get("timestamp") or {})
    )


def _captures_text(snaps: list[dict[str, Any]]) -> str:
    """How many fetches were crawls and browser captures, and which captures failed and why."""
    if not snaps:
        return ""
    failed = [s for s in snaps if s.get("failed_reason")]
    browser = sum(1 for s in snaps if s.get("capture") == "evidence" and not s.get("failed_reason"))
    crawled = sum(1 for s in snaps if s.get("capture") != "evidence" and not s.get("failed_reason"))
    done = [f"常规抓取 {crawled} 次"] if crawled else []
    done += [f"浏览器取证抓取 {browser} 次"] if browser else []
    text = f"对提取对象的网页共抓取 {len(snaps)} 次（{'、'.join(done) or '均未成功'}）"
    if failed:
        reasons = "；".join(f"快照 {s['n']}：{_clip(s['failed_reason'], 200)}" for s in failed)
        text += f"，其中 {len(failed)} 次抓取失败（{reasons}），失败的抓取不含网页和截图"
    return text + "。"


def _timestamp_text(stamp: dict[str, Any]) -> str:
    """Whether the manifest's hash carries a trusted time, said plainly either way."""
    if stamp.get("token_file"):
        return (
            f"清单的 SHA-256 哈希值已由时间戳服务（{_clip(stamp.get('tsa'), 200)}）加盖 RFC 3161 可信时间戳"
            f"（{stamp['token_file']}，时间与服务名称以 markwatch evidence verify 核验结果为准）。"
        )
    if stamp.get("refused"):
        return (
            f"时间戳服务（{_clip(stamp.get('tsa'), 200)}）未给出有效的时间戳"
            f"（{_clip(stamp['refused'], 300)}），"
            "本证据包未加盖可信时间戳，提取时间仅为本系统时钟所记。"
        )
    return "本证据包未加盖可信时间戳（未配置时间戳服务 MARKWATCH_TSA_URL），提取时间仅为本系统时钟所记。"


def _licence_text(seller: dict[str, Any]) -> str:
    licence = seller.get("licence_check") or {}
    if not seller.get("licence"):
        return "（页面未显示）"
    text = _clip(seller.get("licence"), CLIP)
    return text + (
        f"（校验通过，登记地：{licence.get('region')}）"
        if licence.get("valid")
        else f"（校验未通过：{licence.get('reason')}）"
    )


def _object_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """二、提取对象: the listing and its seller as last seen."""
    lead, listing = facts["lead"], facts["listing"]
    seller = listing.get("seller") or {}
    return [
        _p("二、提取对象", kit.heading),
        kit.kv_table(
            [
                ("交易平台", listing.get("platform_title") or listing.get("platform")),
                ("商品网址", _clip(listing.get("url"), CLIP) if listing.get("url") else "（无）"),
                ("商品标题", _clip(listing.get("title"), CLIP)),
                ("商品编号", _clip(listing.get("external_id"), CLIP)),
                ("商品类目", _clip(listing.get("category"), CLIP)),
                ("商品描述", _clip(listing.get("description"), 600)),
                ("商品图片", _images_text(listing, facts)),
                (
                    "店铺（卖家）",
                    f"{_clip(seller.get('name'), CLIP) if seller.get('name') else '（未知）'}"
                    f"（平台内编号 {_clip(seller.get('id'), CLIP)}）",
                ),
                ("店铺网址", _clip(_absolute(seller.get("url"), listing.get("url")), CLIP)),
                (
                    "开店日期／评分",
                    f"{seller.get('opened') or '—'} ／ {_or_dash(seller.get('rating'))}",
                ),
                ("黑名单卖家", "是" if seller.get("blacklisted") else "否"),
                ("营业执照/统一社会信用代码", _licence_text(seller)),
                ("当前价格", _money(listing.get("price"), listing.get("currency"))),
                ("销量", "—" if listing.get("sold") is None else f"{listing['sold']:,}"),
                ("估算销售额（价格×销量）", _money(lead.get("estimated_sales"), listing.get("currency"))),
                (
                    "首次／最近发现",
                    f"{listing.get('first_seen_shanghai')} ／ {listing.get('last_seen_shanghai')}",
                ),
            ]
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
    from reportlab.lib.units import mm

    lead, score = facts["lead"], facts["score"] or {}
    block: list[Any] = [
        _p("三、监测发现", kit.heading),
        kit.kv_table(
            [
                ("涉及品牌", score.get("brand") or lead.get("brand") or "—"),
                ("违法类型", _kind(lead, kit.base)),
                ("风险", percent(lead.get("risk"))),
                ("承办处室", lead.get("department") or "—"),
                (
                    "移送审查",
                    "估算销售额达到刑事立案标准，需审查是否移送公安机关"
                    if lead.get("transfer_review")
                    else "否",
                ),
                ("评分模型", score.get("model_version") or "—"),
                (
                    "首次／最近标记",
                    f"{_or_dash(lead.get('first_flagged_shanghai'))} ／ "
                    f"{_or_dash(lead.get('last_flagged_shanghai'))}",
                ),
            ]
        ),
    ]
    reasons = facts["reasons"]
    if reasons:
        block.append(_p("评分理由：", kit.label))
        block.append(
            kit.list_table(
                ["序号", "信号", "权重", "说明"],
                [
                    [
                        i,
                        r.get("signal_label") or r.get("signal"),
                        f"{float(r.get('weight') or 0):.2f}",
                        _clip(reason_detail(r.get("detail")), CLIP),
                    ]
                    for i, r in enumerate(reasons, 1)
                ],
                [12 * mm, 32 * mm, 16 * mm, kit.width - 60 * mm],
                kit.base,
            )
        )
    return block


def _snapshot_block(kit: _Kit, snap: dict[str, Any]) -> list[Any]:
    """One fetch: what was asked for and got, when (both zones), the files, every response header."""
    from reportlab.lib.units import mm

    kinds = (("html", "网页源码"), ("screenshot", "截图"), ("warc", "网页存档 WARC"))
    files = [f"{snap[k]}（{what}）" for k, what in kinds if snap.get(k)]
    missing = dict(kinds)
    files += [f"{missing.get(m, m)}原始文件已缺失" for m in snap.get("missing") or []]
    status = snap.get("http_status")
    rows = [
        ("请求网址", _clip(snap.get("url"), CLIP)),
        ("最终网址", _clip(snap.get("final_url"), CLIP) if snap.get("final_url") else "（未记录）"),
        ("抓取时间", f"{snap['fetched_at_shanghai']}（北京时间）／ {snap['fetched_at_utc']}（UTC）"),
        *_capture_rows(snap),
        ("HTTP 状态", "（未记录）" if status is None else status),
        ("抓取工具", _clip(snap.get("tool_version"), CLIP)),
        ("证据文件", "\n".join(files) or "—"),
    ]
    headers = snap.get("headers") or {}
    if not headers:
        rows.append(("响应头", "无（未记录响应头，例如浏览器页内路由快照）"))
    block: list[Any] = [_p(f"快照 {snap['n']}", kit.label), kit.kv_table(rows)]
    if headers:
        block.append(
            kit.list_table(
                ["响应头", "值"],
                [[_clip(k, 200), _clip(v, HEADER_CLIP)] for k, v in headers.items()],
                [40 * mm, kit.width - 40 * mm],
                kit.mono,
            )
        )
    return block


def _capture_rows(snap: dict[str, Any]) -> list[tuple[str, Any]]:
    """How this fetch was made: crawl or browser capture, its environment, and its failure if any."""
    way = "浏览器取证抓取（Chromium）" if snap.get("capture") == "evidence" else "常规抓取"
    rows: list[tuple[str, Any]] = [
        ("抓取方式", way + (f"，尝试 {snap['attempts']} 次" if (snap.get("attempts") or 1) > 1 else "")),
        ("浏览器标识", _clip(snap.get("user_agent"), 400) if snap.get("user_agent") else "（未记录）"),
        ("浏览器版本", _clip(snap.get("browser_version"), 200) if snap.get("browser_version") else "（无）"),
        ("出口网络", _clip(snap.get("egress"), 200) if snap.get("egress") else "（未记录）"),
    ]
    if snap.get("failed_reason"):
        rows.append(("抓取结果", f"失败：{_clip(snap['failed_reason'], CLIP)}（无网页、无截图）"))
    return rows


def _snapshots_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """四、网页快照: every fetch of the page, oldest first."""
    snaps = facts["snapshots"]
    block: list[Any] = [_p(f"四、网页快照（共 {len(snaps)} 次抓取）", kit.heading)]
    for snap in snaps:
        block.extend(_snapshot_block(kit, snap))
    if not snaps:
        block.append(_p("（无网页快照）", kit.base))
    return block


def _prices_section(kit: _Kit, facts: dict[str, Any]) -> list[Any]:
    """五、价格记录."""
    from reportlab.lib.units import mm

    prices = facts["price_history"]
    if not prices:
        return [_p("五、价格记录", kit.heading), _p("（无价格记录）", kit.base)]
    return [
        _p("五、价格记录", kit.heading),
        kit.list_table(
            ["序号", "观测时间（北京时间）", "价格"],
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
        return [_p("六、处理记录", kit.heading), _p("（无处理记录）", kit.base)]
    return [
        _p("六、处理记录", kit.heading),
        kit.list_table(
            ["序号", "时间（北京时间）", "操作人", "操作", "备注"],
            [
                [
                    i,
                    e["at_shanghai"],
                    _clip(e.get("by"), CLIP),
                    e.get("action_label") or e.get("action"),
                    _clip(e.get("note"), CLIP),
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
        _p("七、电子数据完整性校验（SHA-256）", kit.heading),
        kit.list_table(
            ["文件名", "大小（字节）", "SHA-256"],
            [[f["name"], f"{f['size']:,}", f["sha256"]] for f in facts["files"]],
            [48 * mm, 24 * mm, kit.width - 72 * mm],
            kit.mono,
        ),
        Spacer(1, 2 * mm),
        _p(
            "清单文件 manifest.json 记载上表及证据包内全部文件（含本笔录 report.pdf）的哈希值，"
            "并由本系统安装密钥签名（manifest.sig）。核验方法：markwatch evidence verify 证据包.zip "
            f'--key "{key["fingerprint"]}"（指纹以出具单位公布的或本笔录纸质签字件所载的为准，'
            "不能取自被核验的证据包本身），或按 docs/evidence.md 所述用 OpenSSL 自行核验。",
            kit.small,
        ),
        kit.kv_table(
            [
                ("签名算法", "Ed25519（对 manifest.json 全部字节签名）"),
                ("公钥", key["public_key"]),
                ("公钥指纹", key["fingerprint"]),
                ("可信时间戳", _timestamp_text(facts.get("timestamp") or {})),
            ]
        ),
    ]


def _signature_section(kit: _Kit) -> Any:
    """八、签名: lines for the officers' and the holder's signatures, kept on one page."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Table, TableStyle

    sign_rows = [
        [_p(who, kit.base), _p("", kit.base), _p("日期：", kit.base), _p("", kit.base)]
        for who in ("提取人（签名）：", "见证人（签名）：", "电子数据持有人（签名/盖章）：")
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
    return KeepTogether([_p("八、签名", kit.heading), signatures])


def _build_pdf(kit: _Kit, facts: dict[str, Any], story: Callable[[], list[Any]]) -> bytes:
    """Lay the report out on A4 pages, footed with the lead, the key and the page numbers."""
    lead, key, tool = facts["lead"], facts["key"], facts["tool"]
    return numbered_pdf(
        kit,
        story(),
        title=f"电子数据提取笔录 MW-{lead['id']}",
        author=f"{tool['name']} {tool['version']}",
        subject="电子数据提取笔录",
        created_utc=facts["exported"]["at_utc"],
        footer=f"电子数据提取笔录 · 线索 MW-{lead['id']} · 公钥指纹 {key['fingerprint']}",
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
                self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {number} 页 共 {total} 页")
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
        what = "页面截图" if name.startswith("screenshots/") else "商品图片"
        heading = "九、截图与商品图片" if n == 1 else None
        block.append(PageBreak())
        if heading:
            block.append(_p(heading, kit.heading))
        block.append(_p(f"图 {n}：{what}（证据包内文件 {name}）", kit.label))
        try:
            width, height = ImageReader(io.BytesIO(data)).getSize()
        except Exception:  # noqa: BLE001 - bytes as served may be anything; the file itself is in the packet
            block.append(_p("（此图片格式无法在笔录中显示，原始文件见证据包）", kit.base))
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


def _clip(text: Any, limit: int) -> str:
    """Long scraped text shortened for the report; the full text is in manifest.json and the snapshots."""
    if not text:
        return "—"
    text = str(text)
    return text if len(text) <= limit else text[:limit] + f"……（共 {len(text):,} 字，全文见 manifest.json）"
