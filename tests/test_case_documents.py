"""The case documents (交办单 / 移送函 / 移送书 and the platform notice) say what the case holds, in Chinese,
in DOCX and PDF alike, and never read a scraped value as markup."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document as ReadDocx

from review.cases.documents import (
    CaseData,
    CaseListing,
    CaseShop,
    HandOver,
    Letterhead,
    PacketRef,
    PlatformNotice,
    compose,
    document_number,
    render,
)

HOSTILE = '<b>粗体</b><font color="red">红</font>&amp; <para>\x1b[2K\x00\u202e]]>'
ISSUED = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
LETTERHEAD = Letterhead(
    bureau="某市市场监督管理局网络交易监督管理分局",
    address="某市人民路 1 号",
    postcode="200001",
    phone="021-12345678",
    contact="王警官",
    prefix="某市监网",
)


def shop(**overrides):  # type: ignore[no-untyped-def]
    values = dict(
        platform="demo-static",
        platform_title="演示商城",
        name="好味食品店",
        shop_id="s-88",
        url="http://127.0.0.1:8801/shop/s-88",
        licence="91440300MA5FXXXX0X",
        region="广东省深圳市",
        licence_valid=True,
    )
    return CaseShop(**{**values, **overrides})


def listing(n: int, **overrides):  # type: ignore[no-untyped-def]
    values = dict(
        lead_id=100 + n,
        platform="demo-static",
        platform_title="演示商城",
        shop="好味食品店",
        title=f"康帅傅 红烧牛肉面 5连包 #{n}",
        url=f"http://127.0.0.1:8801/item/{n}",
        brand="康师傅",
        price=9.9,
        sold=1200 * n,
        estimated_sales=9.9 * 1200 * n,
        evidence=(("网页快照 1", f"{n:x}" * 64), ("截图 1", "e" * 64)),
    )
    return CaseListing(**{**values, **overrides})


def a_case(**overrides):  # type: ignore[no-untyped-def]
    values = dict(
        case_id=7,
        network_id="N-3",
        status="open",
        opened_at=datetime(2026, 12, 1, tzinfo=UTC),
        brands=("康师傅",),
        shops=(
            shop(),
            shop(platform="demo-js", platform_title="演示 JS 商城", name="好味二店", shop_id="j-2"),
        ),
        listings=(
            listing(1),
            listing(2),
            listing(3, platform="demo-js", platform_title="演示 JS 商城", shop="好味二店"),
            listing(4, price=None, estimated_sales=None),
        ),
        threshold=50_000.0,
        department="经检处",
    )
    return CaseData(**{**values, **overrides})


def handover(to="department", **overrides):  # type: ignore[no-untyped-def]
    recipient = {"department": "经检处", "bureau": "深圳市市场监督管理局", "police": "某市公安局"}[to]
    values = dict(
        to=to,
        recipient=recipient,
        issued_at=ISSUED,
        number=document_number(LETTERHEAD, to, ISSUED, 3),
        packet=PacketRef(sha256="c" * 64, fingerprint="ab12 " * 8),
    )
    return HandOver(**{**values, **overrides})


def notice(**overrides):  # type: ignore[no-untyped-def]
    values = dict(
        platform="demo-static",
        recipient="演示商城平台经营者",
        issued_at=ISSUED,
        deadline=date(2026, 12, 13),
        number=document_number(LETTERHEAD, "platform_notice", ISSUED, 4),
    )
    return PlatformNotice(**{**values, **overrides})


def docx_text(data: bytes) -> str:
    document = ReadDocx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(tmp_path: Path, data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed; `make test` installs it")
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """pdftotext breaks table cells over lines: compare without the breaks and spaces."""
    return "".join(text.split())


def test_a_hand_over_to_a_department_names_the_case_its_shops_and_the_arithmetic_per_listing():
    text = docx_text(render(a_case(), handover(), LETTERHEAD, "docx"))
    assert "案件线索交办单" in text
    assert "某市监网交〔2026〕3号" in text
    assert "经检处：" in text
    assert "MW-C-7" in text and "好味二店" in text and "广东省深圳市" in text
    assert "¥9.90 × 1,200 = ¥11,880.00" in text  # the arithmetic of each listing
    assert "¥9.90 × 3,600 = ¥35,640.00" in text
    assert "未知（价格或销量未显示）" in text  # the listing without a price is shown, not counted
    assert "合计：¥71,280.00" in text  # 11,880 + 23,760 + 35,640
    assert "已达到刑事立案追诉标准（¥50,000.00）" in text
    assert "c" * 64 in text  # the attached case packet by its hash
    assert "某市市场监督管理局网络交易监督管理分局（盖章）" in text and "2026年12月6日" in text
    assert "王警官" in text and "021-12345678" in text


def test_under_the_threshold_the_documents_say_so():
    case = a_case(listings=(listing(1),))
    text = docx_text(render(case, handover(), LETTERHEAD, "docx"))
    assert "未达到刑事立案追诉标准" in text and "¥11,880.00" in text


def test_a_hand_over_to_another_bureau_names_the_registration_regions():
    text = docx_text(render(a_case(), handover("bureau"), LETTERHEAD, "docx"))
    assert "案件线索移送函" in text and "某市监网移〔2026〕3号" in text
    assert "登记地为广东省深圳市" in text and "属贵局管辖" in text


def test_a_transfer_to_the_police_cites_the_offence_and_the_transfer_rules(tmp_path):
    data = render(a_case(), handover("police"), LETTERHEAD, "pdf")
    text = squeezed(pdf_text(tmp_path, data))
    assert "涉嫌犯罪案件移送书" in text
    assert "某市公安局：" in text
    assert "第二百一十四条" in text and "《行政执法机关移送涉嫌犯罪案件的规定》第三条" in text
    assert "¥71,280.00" in text and "已达到刑事立案追诉标准" in text


def test_the_platform_notice_lists_only_that_platforms_links_with_their_evidence_hashes_and_a_deadline(
    tmp_path,
):
    case = a_case()
    for data, text in (
        (d := render(case, notice(), LETTERHEAD, "docx"), docx_text(d)),
        (p := render(case, notice(), LETTERHEAD, "pdf"), squeezed(pdf_text(tmp_path, p))),
    ):
        assert "关于对涉嫌侵犯知识产权商品采取必要措施的通知" in text
        assert "第四十二条至第四十五条" in text
        assert "删除、屏蔽、断开链接、终止交易和服务" in text
        assert "2026年12月13日" in text  # the response deadline
        assert "http://127.0.0.1:8801/item/1" in text and "http://127.0.0.1:8801/item/2" in text
        assert "http://127.0.0.1:8801/item/3" not in text  # listing 3 is on the other platform
        assert "1" * 64 in text and "2" * 64 in text and "3" * 64 not in text
        assert data


def test_a_notice_to_a_platform_without_listings_in_the_case_is_refused():
    with pytest.raises(ValueError, match="no listing on platform 'elsewhere'"):
        compose(a_case(), notice(platform="elsewhere"), LETTERHEAD)


def hostile_case():  # type: ignore[no-untyped-def]
    return a_case(
        brands=(HOSTILE,),
        shops=(shop(name=HOSTILE, shop_id=HOSTILE, region=None, licence=HOSTILE, licence_valid=False),),
        listings=(listing(1, title=HOSTILE, shop=HOSTILE, brand=HOSTILE, url="javascript:" + HOSTILE),),
    )


@pytest.mark.parametrize("spec", [handover("department", note=HOSTILE), handover("police"), notice()])
def test_hostile_scraped_text_is_printed_as_text_in_the_docx(spec):
    data = render(hostile_case(), spec, LETTERHEAD, "docx")
    text = docx_text(data)
    assert '<b>粗体</b><font color="red">红</font>&amp; <para>' in text  # as written, not as markup
    assert "\\x1b[2K\\x00\\u202e" in text  # control and bidi characters shown escaped
    assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    assert "&lt;b&gt;粗体&lt;/b&gt;" in xml and "<font" not in xml and "<para>" not in xml


@pytest.mark.parametrize("spec", [handover("department", note=HOSTILE), handover("police"), notice()])
def test_hostile_scraped_text_is_printed_as_text_in_the_pdf(tmp_path, spec):
    data = render(hostile_case(), spec, LETTERHEAD, "pdf")
    text = squeezed(pdf_text(tmp_path, data))
    assert squeezed('<b>粗体</b><font color="red">红</font>&amp; <para>') in text
    assert "\\x1b[2K\\x00\\u202e" in text


def test_a_huge_scraped_value_is_cut_and_says_how_long_it_was(tmp_path):
    title = "假" * 50_000
    case = a_case(listings=(listing(1, title=title),))
    text = docx_text(render(case, handover(), LETTERHEAD, "docx"))
    assert "假" * 300 in text and "假" * 301 not in text
    assert "共 50,000 字，已截断" in text
    assert pdf_text(tmp_path, render(case, handover(), LETTERHEAD, "pdf"))  # and it still lays out


def test_the_pdf_embeds_its_chinese_font():
    data = render(a_case(), notice(), LETTERHEAD, "pdf")
    assert b"/FontFile2" in data  # an embedded TrueType font, so the Chinese renders anywhere
    assert b"/Helvetica" not in data


def test_the_letterhead_comes_from_the_settings(monkeypatch):
    from settings import get_settings

    monkeypatch.setenv("MARKWATCH_BUREAU", "某区市场监督管理局")
    monkeypatch.setenv("MARKWATCH_BUREAU_PHONE", "0755-0000")
    monkeypatch.setenv("MARKWATCH_DOCUMENT_PREFIX", "某区市监")
    letterhead = Letterhead.from_settings(get_settings())
    assert letterhead.bureau == "某区市场监督管理局" and letterhead.phone == "0755-0000"
    assert document_number(letterhead, "bureau", ISSUED, 9) == "某区市监移〔2026〕9号"
    text = docx_text(render(a_case(), handover(), letterhead, "docx"))
    assert "某区市场监督管理局（盖章）" in text and "0755-0000" in text


def test_docx_and_pdf_say_the_same_thing(tmp_path):
    case = replace(a_case(), listings=(listing(1), listing(2)))
    docx = squeezed(docx_text(render(case, handover("bureau"), LETTERHEAD, "docx")))
    pdf = squeezed(pdf_text(tmp_path, render(case, handover("bureau"), LETTERHEAD, "pdf")))
    for phrase in ("案件线索移送函", "¥9.90×2,400=¥23,760.00", "合计：¥35,640.00", "属贵局管辖"):
        assert phrase in docx and phrase in pdf


def test_pdf_pages_say_which_of_how_many_and_the_file_is_dated_when_issued(tmp_path):
    many = replace(a_case(), listings=tuple(listing(n) for n in range(1, 80)))
    data = render(many, handover("police"), LETTERHEAD, "pdf")
    text = pdf_text(tmp_path, data)
    total = text.count("\f")  # pdftotext ends every page with a form feed
    assert total >= 2
    assert all(f"第{n}页共{total}页" in squeezed(text) for n in range(1, total + 1))
    path = tmp_path / "doc.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "2026" in next(line for line in info.splitlines() if line.startswith("CreationDate"))
