"""One mark, several owners: the registry accepts a mark (name or alias) for several brands when their
Nice classes do not overlap, and refuses it whole, naming both brands and the class, when they do — in
the registry file, on import against the database, in the brand-owner portal, the API and at approval.
Export → import → export gives the same bytes, shared marks included."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from factories import csrf_of, login, make_brand, make_user
from fastapi.testclient import TestClient

from storage import Database

SHARED = """\
brands:
  - name: 德芙
    aliases: [Dove]
    owner: 玛氏公司
    registrations:
      - {nice_class: 30}
    categories: [巧克力]
  - name: 多芬
    aliases: [DOVE]
    owner: 联合利华
    registrations:
      - {number: "1234567", nice_class: 3}
    categories: [香皂, 沐浴露]
  - name: 长城汽车
    aliases: [长城, Great Wall]
    registrations: [{nice_class: 12}]
  - name: 长城葡萄酒
    aliases: [長城, great wall]
    registrations: [{nice_class: 33}]
  - name: 长城电脑
    aliases: [长城]
    registrations: [{nice_class: 9}]
"""


def write(tmp_path: Path, text: str, name: str = "brands.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def migrated(cli):
    assert cli("db", "upgrade").exit_code == 0
    return cli


def names(cli) -> list[str]:
    import json

    return [b["name"] for b in json.loads(cli("brands", "list", "--json").stdout)]


def test_a_mark_is_shared_by_brands_whose_classes_do_not_overlap(migrated, tmp_path):
    result = migrated("brands", "import", write(tmp_path, SHARED))
    assert result.exit_code == 0, result.stderr
    assert names(migrated) == sorted(["德芙", "多芬", "长城汽车", "长城葡萄酒", "长城电脑"])


def test_export_import_export_is_byte_identical_with_shared_marks(migrated, tmp_path):
    assert migrated("brands", "import", write(tmp_path, SHARED)).exit_code == 0
    first = tmp_path / "out" / "first.yaml"
    first.parent.mkdir()
    assert migrated("brands", "export", first).exit_code == 0
    again = migrated("brands", "import", first)
    assert again.exit_code == 0, again.stderr
    assert "5 unchanged" in again.stdout
    second = tmp_path / "out" / "second.yaml"
    assert migrated("brands", "export", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text(encoding="utf-8")
    assert "- nice_class: 30" in text and "number: '1234567'" in text  # a number left out stays out


CONFLICTS = {
    "alias and alias, one class": (
        SHARED.replace("{nice_class: 9}", "{nice_class: 12}"),
        "长城电脑",
        "长城汽车",
        "in Nice class 12",
    ),
    "name of one, alias of another (case differs)": (
        SHARED + "  - name: dove\n    registrations: [{nice_class: 3}, {nice_class: 5}]\n",
        "dove",
        "多芬",
        "in Nice class 3",
    ),
    "alias of one, name of another": (
        SHARED + "  - name: 统一\n    aliases: [德芙]\n    registrations: [{nice_class: 30}]\n",
        "统一",
        "德芙",
        "in Nice class 30",
    ),
    "a brand without a class": (
        SHARED + "  - name: 长城宽带\n    aliases: [长城]\n",
        "长城宽带",
        "长城汽车",
        "lists no Nice class",
    ),
}


@pytest.mark.parametrize("case", list(CONFLICTS))
def test_a_shared_mark_in_overlapping_classes_is_refused_naming_both_brands(migrated, tmp_path, case):
    text, second, first, why = CONFLICTS[case]
    path = write(tmp_path, text)
    result = migrated("brands", "import", path)
    assert result.exit_code == 2 and "nothing was written" in result.stderr
    lines = text.splitlines()
    line_of = {
        n: i + 1 for i, line in enumerate(lines) for n in [line.split("name: ", 1)[-1]] if "name: " in line
    }
    assert f"brand {second!r} ({path}:{line_of[second]})" in result.stderr
    assert f"brand {first!r} ({path}:{line_of[first]})" in result.stderr
    assert why in result.stderr and "Traceback" not in result.stderr
    assert names(migrated) == []


def test_an_import_is_checked_against_the_brands_already_registered(migrated, tmp_path):
    existing = "brands:\n  - name: adidas\n    aliases: [阿迪达斯]\n    registrations: [{nice_class: 25}]\n"
    assert migrated("brands", "import", write(tmp_path, existing, "adidas.yaml")).exit_code == 0
    squat = write(
        tmp_path, "brands:\n  - name: 阿迪达斯\n    registrations: [{nice_class: 25}, {nice_class: 28}]\n"
    )
    refused = migrated("brands", "import", squat)
    assert refused.exit_code == 2
    assert f"brand '阿迪达斯' ({squat}:2)" in refused.stderr
    assert "brand 'adidas' (already registered)" in refused.stderr and "Nice class 25" in refused.stderr
    assert migrated("brands", "import", squat, "--dry-run").exit_code == 2
    assert names(migrated) == ["adidas"]
    # the file that replaces adidas itself is not in conflict with the old adidas
    changed = existing.replace("[阿迪达斯]", "[阿迪达斯, ADIDAS]")
    assert migrated("brands", "import", write(tmp_path, changed, "adidas2.yaml")).exit_code == 0
    other_goods = write(
        tmp_path, "brands:\n  - name: 阿迪达斯\n    registrations: [{nice_class: 30}]\n", "x.yaml"
    )
    assert migrated("brands", "import", other_goods).exit_code == 0
    assert names(migrated) == ["adidas", "阿迪达斯"]


# --- the web app: portal, API, approval -------------------------------------------------------------------


@pytest.fixture
def client(db: Database) -> TestClient:
    from review.app import create_app

    with db.session() as s:
        make_brand(
            s, "adidas", aliases=("阿迪达斯",), registrations=[("12216619", 25)], categories=["运动鞋"]
        )
        make_user(s, "管理员", role="admin")
        make_brand(s, "甲牌", aliases=())
        make_brand(s, "乙牌", aliases=())
        make_user(s, "权利人甲", role="brand_owner", brands=("甲牌",))
        make_user(s, "权利人乙", role="brand_owner", brands=("乙牌",))
    return TestClient(create_app())


def register(client: TestClient, name: str, registrations: str, aliases: str = ""):  # type: ignore[no-untyped-def]
    return client.post(
        "/brands",
        data={
            "csrf_token": csrf_of(client, "/brands"),
            "name": name,
            "aliases": aliases,
            "registrations": registrations,
        },
        follow_redirects=False,
    )


def status_of(db: Database, name: str) -> str | None:
    from storage.brands import get_brand

    with db.session() as s:
        brand = get_brand(session=s, name=name)
        return brand.status if brand else None


def test_the_portal_refuses_another_brands_mark_in_its_classes(client: TestClient, db) -> None:
    login(client, "权利人甲")
    refused = register(client, "ADIDAS", "12345678 25")
    assert refused.status_code == 400
    assert "adidas" in refused.text and "第 25 类" in refused.text
    assert status_of(db, "ADIDAS") is None
    alias = register(client, "阿迪王", "12345679 25", aliases="阿迪达斯")
    assert alias.status_code == 400 and status_of(db, "阿迪王") is None
    other_goods = register(client, "ADIDAS", "12345678 30")
    assert other_goods.status_code == 303 and status_of(db, "ADIDAS") == "pending"


def test_the_api_refuses_another_brands_mark_in_its_classes(client: TestClient, cli, db) -> None:
    token = cli("users", "token", "权利人甲").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "name": "阿迪达斯运动",
        "aliases": ["Adidas"],
        "registrations": [{"number": "12345678", "nice_class": 25}],
    }
    refused = client.post("/api/v1/brands", json=body, headers=headers)
    assert refused.status_code == 422
    assert "“adidas”" in refused.json()["detail"] and "Nice class 25" in refused.json()["detail"]
    assert status_of(db, "阿迪达斯运动") is None


def test_approval_refuses_a_mark_approved_for_another_brand_meanwhile(client: TestClient, db) -> None:
    owner_a = login(TestClient(client.app), "权利人甲")
    owner_b = login(TestClient(client.app), "权利人乙")
    assert register(owner_a, "熊猫电子", "12345678 9", aliases="熊猫").status_code == 303
    assert register(owner_b, "熊猫乳品", "12345679 29\n12345679 9", aliases="熊猫").status_code == 303
    from storage.brands import get_brand

    with db.session() as s:
        first, second = (get_brand(session=s, name=n).id for n in ("熊猫电子", "熊猫乳品"))
    admin = login(TestClient(client.app), "管理员")
    token = csrf_of(admin, "/admin/approvals")
    ok = admin.post(f"/admin/brands/{first}/decision", data={"action": "approve", "csrf_token": token})
    assert ok.status_code in (200, 303) and status_of(db, "熊猫电子") == "approved"
    refused = admin.post(
        f"/admin/brands/{second}/decision",
        data={"action": "approve", "csrf_token": csrf_of(admin, "/admin/approvals")},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert "不能批准" in refused.text and "熊猫电子" in refused.text and "第 9 类" in refused.text
    assert status_of(db, "熊猫乳品") == "pending"
