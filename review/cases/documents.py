"""The documents a case produces, in Chinese, as DOCX and PDF, from a plain value (``CaseData``).

- ``HandOver``: 案件线索交办单 to a department of the bureau, 案件线索移送函 to the market-supervision
  bureau with jurisdiction (the shops' registration regions), or 涉嫌犯罪案件移送书 to the public
  security organ;
- ``PlatformNotice``: the notice to a platform to take the necessary measures against the listed links
  (电子商务法 第四十二条至第四十五条), with the evidence hashes and a response deadline.

One composition (``compose``) gives the text of a document as blocks; ``docx_bytes`` and ``pdf_bytes``
lay the same blocks out, so both formats say the same thing. Every value that came from outside
(scraped titles, shop names, URLs, typed notes) is plain text: python-docx runs hold text, never markup,
and the PDF's paragraphs escape it (``review.evidence.report.paragraph``); control characters are shown
escaped and long values are cut, so a hostile listing can neither restyle nor break a document.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from review.format import money, printable
from settings import Settings, get_settings

CLIP = 300  # characters of one outside value printed in a document (a title, a shop name, a URL)
NOTE_CLIP = 2000  # characters of the officer's note

Recipient = Literal["department", "bureau", "police"]
RECIPIENTS: tuple[Recipient, ...] = ("department", "bureau", "police")


@dataclass(frozen=True)
class Letterhead:
    """The issuing body as its documents name it (settings ``MARKWATCH_BUREAU``, ``MARKWATCH_BUREAU_*``)."""

    bureau: str
    address: str = ""
    postcode: str = ""
    phone: str = ""
    contact: str = ""
    prefix: str = ""  # 文号前缀

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Letterhead:
        s = settings or get_settings()
        return cls(
            bureau=s.bureau or "（执法单位未设置：MARKWATCH_BUREAU）",
            address=s.bureau_address,
            postcode=s.bureau_postcode,
            phone=s.bureau_phone,
            contact=s.bureau_contact,
            prefix=s.document_prefix,
        )


@dataclass(frozen=True)
class CaseShop:
    """One shop (seller) of the network, as last seen."""

    platform: str  # the platform's key
    platform_title: str
    name: str
    shop_id: str
    url: str | None = None
    licence: str | None = None  # 统一社会信用代码 as shown
    region: str | None = None  # the registration region read from the licence (review.uscc)
    licence_valid: bool = False


@dataclass(frozen=True)
class CaseListing:
    """One listing of the case (a lead), with its estimated sales as storage computes them."""

    lead_id: int
    platform: str
    platform_title: str
    shop: str
    title: str
    url: str | None
    brand: str | None
    price: float | None
    sold: int | None
    estimated_sales: float | None  # price × sold (storage.queue.estimated_sales), None when unknown
    currency: str = "CNY"
    evidence: tuple[tuple[str, str], ...] = ()  # (what, sha256): the snapshots and screenshots held


@dataclass(frozen=True)
class CaseData:
    """What a document says about a case: its shops, its listings and their figures."""

    case_id: int
    network_id: str
    status: str
    opened_at: datetime
    brands: tuple[str, ...]
    shops: tuple[CaseShop, ...]
    listings: tuple[CaseListing, ...]
    threshold: float  # the criminal threshold (settings.criminal_threshold_cny)
    department: str | None = None

    @property
    def number(self) -> str:
        return case_number(self.case_id)

    @property
    def total_sales(self) -> float:
        """The sum of the listings' estimated sales (those whose price and sales count are known)."""
        return sum(x.estimated_sales for x in self.listings if x.estimated_sales is not None)

    @property
    def unknown_sales(self) -> int:
        return sum(1 for x in self.listings if x.estimated_sales is None)

    @property
    def over_threshold(self) -> bool:
        return self.total_sales >= self.threshold

    @property
    def jurisdictions(self) -> tuple[str, ...]:
        """The shops' registration regions (from valid licences), in order, without duplicates."""
        return tuple(dict.fromkeys(s.region for s in self.shops if s.region and s.licence_valid))

    @property
    def platforms(self) -> tuple[tuple[str, str], ...]:
        """(key, title) of every platform with a shop or a listing of the case, in order."""
        pairs = [(s.platform, s.platform_title) for s in self.shops]
        pairs += [(x.platform, x.platform_title) for x in self.listings]
        return tuple(dict.fromkeys(pairs))


@dataclass(frozen=True)
class PacketRef:
    """The case evidence packet a document names as its attachment."""

    sha256: str
    fingerprint: str  # the signing key's fingerprint


@dataclass(frozen=True)
class HandOver:
    """A hand-over: to a department (交办单), a bureau by jurisdiction (移送函) or the police (移送书)."""

    to: Recipient
    recipient: str
    issued_at: datetime
    number: str
    note: str = ""  # the officer's words, printed as typed (escaped)
    packet: PacketRef | None = None

    kind = "handover"


@dataclass(frozen=True)
class PlatformNotice:
    """The notice to one platform to take the necessary measures against the case's links on it."""

    platform: str  # the platform's key: only its listings are named
    recipient: str  # the platform operator
    issued_at: datetime
    deadline: date
    number: str
    packet: PacketRef | None = None

    kind = "platform_notice"


DocumentSpec = HandOver | PlatformNotice


@dataclass(frozen=True)
class Block:
    """One part of a composed document; both layouts understand every kind."""

    kind: Literal[
        "letterhead", "number", "title", "salutation", "heading", "text", "facts", "table", "closing"
    ]
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()  # fractions of the text width, one per column
    lines: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]

    def text(self) -> str:
        """Every word of the document, in order (for tests and the audit trail's summary)."""
        out: list[str] = []
        for b in self.blocks:
            out += [b.text] if b.text else []
            out += list(b.header) + [cell for row in b.rows for cell in row] + list(b.lines)
        return "\n".join(out)


def case_number(case_id: int) -> str:
    return f"MW-C-{case_id}"


def document_number(letterhead: Letterhead, kind: str, issued_at: datetime, serial: int) -> str:
    """文号: ``<prefix><交|移|通>〔year〕<serial>号``; the prefix defaults to 网监."""
    word = {"department": "交", "bureau": "移", "police": "移", "platform_notice": "通"}.get(kind, "文")
    return f"{letterhead.prefix or '网监'}{word}〔{issued_at.year}〕{serial}号"


def bounded(value: Any, limit: int = CLIP) -> str:
    """Outside text as a document prints it: controls shown escaped, cut at ``limit`` characters."""
    text = printable("" if value is None else value)
    if not text:
        return "—"
    return text if len(text) <= limit else text[:limit] + f"……（共 {len(text):,} 字，已截断）"


def chinese_date(day: date | datetime) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _sales(x: CaseListing) -> str:
    if x.estimated_sales is None:
        return "未知（价格或销量未显示）"
    return f"{money(x.price, x.currency)} × {x.sold:,} = {money(x.estimated_sales, x.currency)}"


def _reached(case: CaseData) -> str:
    return "已达到" if case.over_threshold else "未达到"


def _threshold_sentence(case: CaseData) -> str:
    total = money(case.total_sales)
    unknown = f"（另有 {case.unknown_sales} 条商品价格或销量未显示，未计入）" if case.unknown_sales else ""
    verdict = _reached(case)
    return (
        f"按平台页面显示的价格与销量估算，涉案商品销售额合计 {total}{unknown}，"
        f"{verdict}刑事立案追诉标准（{money(case.threshold)}）。该数额为监测估算，以查证属实的数额为准。"
    )


def _shops_table(shops: Sequence[CaseShop]) -> Block:
    return Block(
        "table",
        header=("序号", "平台", "店铺名称", "店铺编号", "统一社会信用代码", "登记地"),
        rows=tuple(
            (
                str(i),
                bounded(s.platform_title),
                bounded(s.name),
                bounded(s.shop_id),
                bounded(s.licence) + ("" if not s.licence or s.licence_valid else "（校验未通过）"),
                bounded(s.region),
            )
            for i, s in enumerate(shops, 1)
        ),
        widths=(0.06, 0.13, 0.22, 0.15, 0.26, 0.18),
    )


def _listings_table(listings: Sequence[CaseListing]) -> Block:
    return Block(
        "table",
        header=("序号", "线索编号", "平台／店铺", "商品标题", "品牌", "估算销售额（价格×销量）"),
        rows=tuple(
            (
                str(i),
                f"MW-{x.lead_id}",
                f"{bounded(x.platform_title)}／{bounded(x.shop)}",
                bounded(x.title),
                bounded(x.brand),
                _sales(x),
            )
            for i, x in enumerate(listings, 1)
        ),
        widths=(0.06, 0.1, 0.2, 0.28, 0.11, 0.25),
    )


def _links_table(listings: Sequence[CaseListing]) -> Block:
    return Block(
        "table",
        header=("序号", "店铺", "商品标题", "商品链接", "电子数据（SHA-256）"),
        rows=tuple(
            (
                str(i),
                bounded(x.shop),
                bounded(x.title),
                bounded(x.url),
                "\n".join(f"{bounded(what, 60)}：{sha}" for what, sha in x.evidence) or "（无快照）",
            )
            for i, x in enumerate(listings, 1)
        ),
        widths=(0.06, 0.14, 0.2, 0.22, 0.38),
    )


def _facts(case: CaseData) -> Block:
    platforms = "、".join(bounded(title) for _, title in case.platforms) or "—"
    return Block(
        "facts",
        rows=(
            ("案件编号", f"{case.number}（关联网络 {bounded(case.network_id)}）"),
            ("涉及品牌", "、".join(bounded(b) for b in case.brands) or "—"),
            ("涉及店铺", f"{len(case.shops)} 家（平台：{platforms}）"),
            ("涉案商品链接", f"{len(case.listings)} 条"),
            ("估算销售额合计", money(case.total_sales)),
            ("刑事立案追诉标准", f"{money(case.threshold)}（{_reached(case)}）"),
            ("经营者登记地", "、".join(case.jurisdictions) or "（未能从营业执照确定）"),
            ("承办处室", bounded(case.department) if case.department else "—"),
        ),
    )


def _attachments(packet: PacketRef | None, extra: str) -> list[Block]:
    lines = [extra]
    if packet is not None:
        lines.insert(
            0,
            f"案件证据包（markwatch 签名证据包 ZIP，SHA-256：{packet.sha256}；"
            f"签名公钥指纹：{packet.fingerprint}；"
            "核验方法：markwatch evidence verify 证据包.zip --key 指纹）",
        )
    return [Block("heading", "附件"), *[Block("text", f"{i}. {line}") for i, line in enumerate(lines, 1)]]


def _closing(letterhead: Letterhead, issued_at: datetime) -> list[Block]:
    contact = [
        f"{label}：{bounded(value)}"
        for label, value in (
            ("联系人", letterhead.contact),
            ("联系电话", letterhead.phone),
            ("地址", letterhead.address),
            ("邮政编码", letterhead.postcode),
        )
        if value
    ]
    # one block, so that the signature, the date and the contact line stay on one page
    return [
        Block(
            "closing",
            text="　".join(contact),
            lines=(f"{bounded(letterhead.bureau)}（盖章）", chinese_date(issued_at)),
        )
    ]


HANDOVER_TITLES = {
    "department": "案件线索交办单",
    "bureau": "案件线索移送函",
    "police": "涉嫌犯罪案件移送书",
}


def _handover_body(case: CaseData, spec: HandOver, letterhead: Letterhead) -> list[Block]:
    bureau = bounded(letterhead.bureau)
    if spec.to == "department":
        opening = (
            f"经网络交易监测发现，下列 {len(case.shops)} 家网店经同一经营网络运营，涉嫌通过网络销售侵犯"
            "注册商标专用权的商品。现将案件线索交由你处室依法核查办理。"
        )
        ask = f"请依法核查处理，并将办理结果反馈{bureau}。"
    elif spec.to == "bureau":
        regions = "、".join(case.jurisdictions) or "（见附表）"
        opening = (
            f"我局在网络交易监测中发现，下列网店涉嫌通过网络销售侵犯注册商标专用权的商品。经核查营业执照"
            f"（统一社会信用代码），涉案经营者登记地为{regions}。"
        )
        ask = (
            "依据《市场监督管理行政处罚程序规定》关于地域管辖及案件移送的规定，本案线索属贵局管辖，现予移送，"
            "请依法处理，并将处理结果函告我局。"
        )
    else:
        opening = (
            "我局在网络交易监测中发现，下列网店经同一经营网络运营，涉嫌销售假冒注册商标的商品。"
            + _threshold_sentence(case)
        )
        ask = (
            "上述行为涉嫌构成《中华人民共和国刑法》第二百一十四条规定的销售假冒注册商标的商品罪。依据"
            "《行政执法机关移送涉嫌犯罪案件的规定》第三条，现将案件移送你局，请依法审查，并将是否立案的"
            "决定书面告知我局。"
        )
    blocks = [Block("text", opening), Block("heading", "一、线索概况"), _facts(case)]
    if spec.to != "police":
        blocks.append(Block("text", _threshold_sentence(case)))
    blocks += [
        Block("heading", "二、涉案店铺"),
        _shops_table(case.shops),
        Block("heading", "三、涉案商品及估算销售额"),
        _listings_table(case.listings),
        Block("text", f"合计：{money(case.total_sales)}。"),
        Block("heading", "四、办理意见"),
        Block("text", ask),
    ]
    if spec.note.strip():
        blocks.append(Block("text", f"承办人意见：{bounded(spec.note, NOTE_CLIP)}"))
    return blocks


def _compose_handover(case: CaseData, spec: HandOver, letterhead: Letterhead) -> Document:
    title = HANDOVER_TITLES[spec.to]
    blocks = [
        Block("letterhead", bounded(letterhead.bureau)),
        Block("number", bounded(spec.number)),
        Block("title", title),
        Block("salutation", f"{bounded(spec.recipient)}："),
        *_handover_body(case, spec, letterhead),
        *_attachments(spec.packet, "涉案网店、商品链接及电子数据哈希值清单（见上表）"),
        *_closing(letterhead, spec.issued_at),
    ]
    return Document(title, tuple(blocks))


NOTICE_TITLE = "关于对涉嫌侵犯知识产权商品采取必要措施的通知"


def _compose_notice(case: CaseData, spec: PlatformNotice, letterhead: Letterhead) -> Document:
    listings = [x for x in case.listings if x.platform == spec.platform]
    brands = "、".join(dict.fromkeys(bounded(x.brand) for x in listings if x.brand)) or "相关权利人"
    bureau = bounded(letterhead.bureau)
    deadline = chinese_date(spec.deadline)
    blocks = [
        Block("letterhead", bureau),
        Block("number", bounded(spec.number)),
        Block("title", NOTICE_TITLE),
        Block("salutation", f"{bounded(spec.recipient)}："),
        Block(
            "text",
            f"我局在网络交易监测中发现，你平台内经营者销售的下列 {len(listings)} 件商品涉嫌侵犯“{brands}”"
            "注册商标专用权（知识产权侵权通知，见下表）。根据《中华人民共和国电子商务法》第四十二条至第四十五条"
            "的规定，现通知如下：",
        ),
        Block("text", "一、请对下列商品链接及时采取删除、屏蔽、断开链接、终止交易和服务等必要措施；"),
        Block("text", "二、请将本通知转送相关平台内经营者，并依法公示收到的通知及处理结果；"),
        Block("text", "三、请依法保存上述经营者的身份信息、商品信息和交易记录等电子数据，以备核查；"),
        Block(
            "text",
            f"四、请于 {deadline} 前将处理结果（已采取的措施及时间，或不予处理的理由）书面回复{bureau}。"
            "逾期未回复的，我局将依据《中华人民共和国电子商务法》第四十五条等规定依法处理。",
        ),
        Block("heading", "涉嫌侵权商品链接清单"),
        _links_table(listings),
        Block(
            "text",
            "表中“电子数据”为我局在监测中保存的网页快照、截图的 SHA-256 哈希值，"
            "可与随附证据包中的文件逐一核对。",
        ),
        Block("text", f"案件编号：{case.number}；回复期限：{deadline}。"),
        *_attachments(spec.packet, "涉嫌侵权商品链接及电子数据哈希值清单（见上表）"),
        *_closing(letterhead, spec.issued_at),
    ]
    return Document(NOTICE_TITLE, tuple(blocks))


def compose(case: CaseData, spec: DocumentSpec, letterhead: Letterhead) -> Document:
    """The text of a document as blocks. Raises ValueError for a notice to a platform with no listing."""
    if isinstance(spec, PlatformNotice):
        if not any(x.platform == spec.platform for x in case.listings):
            raise ValueError(f"case {case.number} has no listing on platform {spec.platform!r}")
        return _compose_notice(case, spec, letterhead)
    if spec.to not in RECIPIENTS:
        raise ValueError(f"a hand-over goes to one of {', '.join(RECIPIENTS)}, not {spec.to!r}")
    return _compose_handover(case, spec, letterhead)


# ---- DOCX -------------------------------------------------------------------------------------------

BODY_FONT = "宋体"
TITLE_FONT = "黑体"


def _east_asian(run_or_style: Any, name: str) -> None:
    """Set the East Asian font of a run or style (python-docx sets only the Latin one)."""
    from docx.oxml.ns import qn

    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _rule_below(paragraph: Any, colour: str = "C00000") -> None:
    """A red line under the letterhead (红头)."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    border = ppr.makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(
        qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): "4", qn("w:color"): colour}
    )
    border.append(bottom)
    ppr.append(border)


def docx_bytes(document: Document, *, issued_at: datetime | None = None) -> bytes:
    """The document as DOCX bytes: every text a plain run, never markup."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    doc = Docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(26)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    _east_asian(normal, BODY_FONT)
    props = doc.core_properties
    props.title, props.author, props.subject = document.title, "markwatch", document.title
    if issued_at is not None:
        props.created = props.modified = issued_at.replace(tzinfo=None)

    width = section.page_width - section.left_margin - section.right_margin
    for block in document.blocks:
        if block.kind == "letterhead":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(block.text)
            run.bold, run.font.size, run.font.color.rgb = True, Pt(22), RGBColor(0xC0, 0, 0)
            _east_asian(run, TITLE_FONT)
            _rule_below(p)
        elif block.kind == "number":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(block.text)
        elif block.kind == "title":
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = p.add_run(block.text)
            run.bold, run.font.size = True, Pt(18)
            _east_asian(run, TITLE_FONT)
        elif block.kind == "heading":
            run = doc.add_paragraph().add_run(block.text)
            run.bold = True
            _east_asian(run, TITLE_FONT)
        elif block.kind in ("salutation", "text"):
            p = doc.add_paragraph()
            if block.kind == "text":
                p.paragraph_format.first_line_indent = Pt(24)
            p.add_run(block.text)
        elif block.kind in ("table", "facts"):
            header = list(block.header)
            rows = [list(r) for r in block.rows]
            columns = len(header or rows[0]) if (header or rows) else 1
            table = doc.add_table(rows=0, cols=columns)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            widths = block.widths or ((0.28, 0.72) if block.kind == "facts" else ())
            for n, values in enumerate(([header] if header else []) + rows):
                cells = table.add_row().cells
                for i, value in enumerate(values):
                    cells[i].text = ""
                    run = cells[i].paragraphs[0].add_run(value)
                    run.font.size = Pt(9)
                    run.bold = (n == 0 and bool(header)) or (block.kind == "facts" and i == 0)
                    if widths:
                        cells[i].width = int(width * widths[i])
            doc.add_paragraph()
        elif block.kind == "closing":
            doc.add_paragraph()
            for line in block.lines:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.keep_with_next = True
                p.add_run(line)
            if block.text:
                doc.add_paragraph().add_run(block.text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---- PDF --------------------------------------------------------------------------------------------


def pdf_bytes(document: Document, *, issued_at: datetime, settings: Settings | None = None) -> bytes:
    """The document as PDF bytes, A4, with the evidence report's embedded CJK font, escaping and page
    numbers ("第 X 页 共 Y 页"), created at ``issued_at``.

    Raises MarkwatchError (naming the package to install) when no CJK TrueType font is found.
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, KeepTogether, Spacer

    from review.evidence.report import Kit, cjk_font, numbered_pdf, paragraph

    kit = Kit(cjk_font(settings))
    letter = ParagraphStyle(
        "letter", parent=kit.title, fontSize=20, leading=28, textColor=colors.HexColor("#c00000")
    )
    centred = ParagraphStyle("centred", parent=kit.base, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=kit.base, alignment=TA_RIGHT, fontSize=11, leading=18)
    body = ParagraphStyle("body", parent=kit.base, fontSize=11, leading=18, firstLineIndent=22, spaceAfter=3)
    salutation = ParagraphStyle("salutation", parent=kit.base, fontSize=11, leading=18, spaceBefore=6)

    story: list[Any] = []
    for block in document.blocks:
        if block.kind == "letterhead":
            story += [
                paragraph(block.text, letter),
                HRFlowable(width="100%", thickness=1.5, color=colors.HexColor("#c00000"), spaceAfter=3),
            ]
        elif block.kind == "number":
            story.append(paragraph(block.text, centred))
        elif block.kind == "title":
            story += [Spacer(1, 3 * mm), paragraph(block.text, kit.title)]
        elif block.kind == "heading":
            story.append(paragraph(block.text, kit.heading))
        elif block.kind == "salutation":
            story.append(paragraph(block.text, salutation))
        elif block.kind == "text":
            story.append(paragraph(block.text, body))
        elif block.kind == "facts":
            story.append(kit.kv_table([(k, v) for k, v in block.rows]))
        elif block.kind == "table":
            widths = [kit.width * w for w in block.widths]
            story.append(kit.list_table(block.header, block.rows, widths, kit.small))
        elif block.kind == "closing":
            closing = [Spacer(1, 8 * mm), *[paragraph(line, right) for line in block.lines]]
            closing += [Spacer(1, 3 * mm), paragraph(block.text, kit.base)] if block.text else []
            story.append(KeepTogether(closing))

    return numbered_pdf(
        kit,
        story,
        title=document.title,
        author="markwatch",
        subject=document.title,
        created_utc=issued_at.astimezone(UTC).isoformat(),
        footer=document.title,
    )


FORMATS = ("docx", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def render(
    case: CaseData,
    spec: DocumentSpec,
    letterhead: Letterhead,
    fmt: str,
    *,
    settings: Settings | None = None,
) -> bytes:
    """The document ``spec`` of ``case`` as ``fmt`` (docx or pdf) bytes."""
    document = compose(case, spec, letterhead)
    if fmt == "docx":
        return docx_bytes(document, issued_at=spec.issued_at)
    if fmt == "pdf":
        return pdf_bytes(document, issued_at=spec.issued_at, settings=settings)
    raise ValueError(f"a document is made as {' or '.join(FORMATS)}, not {fmt!r}")
