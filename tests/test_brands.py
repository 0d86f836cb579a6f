"""The brand registry file: strict validation (every problem, with file and line), all-or-nothing import,
idempotent re-import, official images in the blob store, and a byte-identical export round trip."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from PIL import Image

GOOD = """\
brands:
  - name: 康师傅
    aliases: [Master Kong, 康師傅]
    owner: 康师傅控股有限公司
    registrations:
      - {number: "1234567", nice_class: 30}
    categories: [方便面, 饮料]
    price_floor: 3.0
    authorized_sellers: [康师傅官方旗舰店]
  - name: 六个核桃
    owner: 河北养元智汇饮品股份有限公司
    registrations:
      - {number: 7654321, nice_class: 32}
    price_floor: 4.5
"""


def write(tmp_path: Path, text: str, name: str = "brands.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def counts(cli) -> dict:
    result = cli("stats", "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def migrated(cli):
    assert cli("db", "upgrade").exit_code == 0
    return cli


def test_dev_registry_imports_every_brand_and_twice_without_duplicates(migrated, dev_brands):
    first = migrated("brands", "import", dev_brands)
    assert first.exit_code == 0, first.stderr
    assert "35 new" in first.stdout
    second = migrated("brands", "import", dev_brands)
    assert second.exit_code == 0
    assert "0 new" in second.stdout and "35 unchanged" in second.stdout
    assert counts(migrated)["brands"] == 35


def test_chinese_brand_is_listed_and_shown_with_all_its_forms(migrated, tmp_path):
    assert migrated("brands", "import", write(tmp_path, GOOD)).exit_code == 0
    listed = json.loads(migrated("brands", "list", "--json").stdout)
    kang = next(b for b in listed if b["name"] == "康师傅")
    assert kang["aliases"] == ["Master Kong", "康師傅"]
    assert kang["nice_classes"] == [30] and kang["price_floor"] == 3.0
    shown = migrated("brands", "show", "康师傅")
    assert "康师傅官方旗舰店" in shown.stdout and "1234567" in shown.stdout
    missing = migrated("brands", "show", "康帅傅")
    assert missing.exit_code == 2 and "no brand named '康帅傅'" in missing.stderr


def test_reimport_updates_in_place(migrated, tmp_path):
    migrated("brands", "import", write(tmp_path, GOOD))
    changed = GOOD.replace("price_floor: 3.0", "price_floor: 3.5").replace(
        "[Master Kong, 康師傅]", "[Master Kong]"
    )
    result = migrated("brands", "import", write(tmp_path, changed))
    assert "1 updated" in result.stdout and "1 unchanged" in result.stdout
    listed = {b["name"]: b for b in json.loads(migrated("brands", "list", "--json").stdout)}
    assert listed["康师傅"]["price_floor"] == 3.5
    assert listed["康师傅"]["aliases"] == ["Master Kong"]
    assert counts(migrated)["brands"] == 2


def test_dry_run_reports_but_writes_nothing(migrated, tmp_path):
    result = migrated("brands", "import", write(tmp_path, GOOD), "--dry-run")
    assert result.exit_code == 0 and "would import 2" in result.stdout
    assert counts(migrated)["brands"] == 0


BAD_CASES = {
    "unknown key (typo)": (
        GOOD.replace("    aliases: [Master Kong", "    aliase: [Master Kong"),
        3,
        "unknown key `aliase` in a brand (did you mean `aliases`?)",
    ),
    "missing name": ("brands:\n  - owner: 某公司\n    price_floor: 1\n", 2, "has no `name`"),
    "duplicate name": (GOOD + "  - name: 康师傅\n", 15, "duplicate name '康师傅'"),
    "mark of two brands in one class": (
        GOOD
        + "  - name: 康帅傅\n    aliases: [master kong]\n"
        + "    registrations: [{number: '1234568', nice_class: 30}]\n",
        15,
        "hold the mark 'master kong' in Nice class 30",
    ),
    "mark of two brands, one without a class": (
        GOOD + "  - name: 康帅傅\n    aliases: [Master Kong]\n",
        15,
        "brand '康帅傅' lists no Nice class",
    ),
    "nice class above 45": (GOOD.replace("nice_class: 30", "nice_class: 46"), 6, "not a Nice class"),
    "nice class zero": (GOOD.replace("nice_class: 30", "nice_class: 0"), 6, "not a Nice class"),
    "nice class not a number": (
        GOOD.replace("nice_class: 30", "nice_class: 第三十类"),
        6,
        "not a Nice class",
    ),
    "negative price floor": (GOOD.replace("price_floor: 3.0", "price_floor: -3"), 8, "must be zero or more"),
    "non-numeric price floor": (GOOD.replace("price_floor: 3.0", "price_floor: 三元"), 8, "must be a number"),
    "broken YAML": (
        GOOD.replace("aliases: [Master Kong, 康師傅]", "aliases: [Master Kong, 康師傅"),
        None,
        "broken YAML",
    ),
    "not a list of brands": ("brands: 康师傅\n", 1, "must be a list of brands"),
    "empty file": ("", None, "the file is empty"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_registry_is_refused_whole_with_file_and_line(migrated, tmp_path, case):
    migrated("brands", "import", write(tmp_path, GOOD, "existing.yaml"))
    before = counts(migrated)
    text, line, message = BAD_CASES[case]
    path = write(tmp_path, text)
    result = migrated("brands", "import", path)
    assert result.exit_code == 2
    assert "nothing was written" in result.stderr
    assert message in result.stderr
    where = f"{path}:{line}:" if line else str(path)
    assert where in result.stderr
    assert "Traceback" not in result.stderr
    assert counts(migrated) == before


def test_every_problem_is_reported_at_once(migrated, tmp_path):
    text = (
        GOOD.replace("aliases:", "aliase:")
        .replace("nice_class: 32", "nice_class: 99")
        .replace("price_floor: 4.5", "price_floor: -1")
    )
    result = migrated("brands", "import", write(tmp_path, text))
    assert result.exit_code == 2
    assert "3 problem(s)" in result.stderr
    assert ":3: unknown key" in result.stderr and ":13:" in result.stderr and ":14:" in result.stderr


WITH_IMAGE = GOOD.replace(
    "    authorized_sellers: [康师傅官方旗舰店]\n",
    "    authorized_sellers: [康师傅官方旗舰店]\n    official_images: [images/ksf-1.png]\n",
)


def png(path: Path, colour: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (64, 64), colour)
    for x in range(0, 64, 8):  # some structure so the perceptual hash is not trivial
        for y in range(64):
            image.putpixel((x, y), (0, 0, 0))
    image.save(path)
    return path


@pytest.mark.parametrize(
    ("image_line", "message"),
    [
        ("[images/missing.jpg]", "does not exist"),
        ("[notes.txt]", "is not an image"),
        ("[../../etc/passwd]", "lies outside the registry file's folder"),
        ("[/etc/passwd]", "lies outside the registry file's folder"),
    ],
)
def test_bad_official_image_is_refused(migrated, tmp_path, image_line, message):
    (tmp_path / "notes.txt").write_text("不是图片", encoding="utf-8")
    text = GOOD + f"    official_images: {image_line}\n"
    path = write(tmp_path, text)
    result = migrated("brands", "import", path)
    assert result.exit_code == 2 and message in result.stderr and f"{path}:15:" in result.stderr
    assert counts(migrated)["brands"] == 0


def test_official_images_go_to_the_blob_store_with_a_perceptual_hash(migrated, tmp_path, db):
    png(tmp_path / "images" / "ksf-1.png", "red")
    assert migrated("brands", "import", write(tmp_path, WITH_IMAGE)).exit_code == 0
    from storage.brands import get_brand

    with db.session() as session:
        image = get_brand(session=session, name="康师傅").official_images[0]
        assert image.source_path == "images/ksf-1.png"
        assert len(image.phash) == 16
        assert db.blobs.get(image.sha256) == (tmp_path / "images" / "ksf-1.png").read_bytes()


def test_export_import_export_is_byte_identical(migrated, tmp_path, dev_brands, monkeypatch):
    png(tmp_path / "src" / "images" / "ksf-1.png", "red")
    assert migrated("brands", "import", write(tmp_path / "src", WITH_IMAGE)).exit_code == 0
    assert migrated("brands", "import", dev_brands).exit_code == 0
    first = tmp_path / "out1" / "registry.yaml"
    first.parent.mkdir()
    assert migrated("brands", "export", first).exit_code == 0
    assert (tmp_path / "out1" / "images" / "ksf-1.png").exists()  # images travel with the export

    # a second installation imports the export and exports it again
    monkeypatch.setenv("MARKWATCH_HOME", str(tmp_path / "other-home"))
    assert migrated("db", "upgrade").exit_code == 0
    assert migrated("brands", "import", first).exit_code == 0
    second = tmp_path / "out2" / "registry.yaml"
    second.parent.mkdir()
    assert migrated("brands", "export", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert "康师傅" in first.read_text(encoding="utf-8")
    stdout_export = migrated("brands", "export")
    assert stdout_export.stdout.encode("utf-8") == second.read_bytes()


def test_registry_import_works_on_postgresql(pg_url, cli, dev_brands, tmp_path):
    assert cli("db", "upgrade").exit_code == 0
    assert cli("brands", "import", dev_brands).exit_code == 0
    assert cli("brands", "import", dev_brands).exit_code == 0
    assert counts(cli)["brands"] == 35
    bad = cli("brands", "import", write(tmp_path, GOOD.replace("nice_class: 30", "nice_class: 46")))
    assert bad.exit_code == 2 and counts(cli)["brands"] == 35
