"""The command line speaks Chinese by default and English under LANG=en* / LC_ALL=en* or `--lang en`:
every command's messages and errors come from the one catalogue (review.i18n), the exit codes do not
depend on the language."""

from __future__ import annotations

import json
import re
import socket
from datetime import UTC, datetime, timedelta

import pytest

import markwatch
import scheduler
from demo import PORTS
from settings import get_settings


@pytest.fixture
def zh(cli, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`markwatch` under the locale a Chinese server has by default (C.UTF-8, no LC_ALL)."""
    monkeypatch.setenv("LANG", "C.UTF-8")
    return cli


def test_users_speak_chinese_by_default(zh) -> None:  # type: ignore[no-untyped-def]
    assert zh("db", "upgrade").exit_code == 0
    added = zh("users", "add", "审核员小王", "--role", "reviewer")
    assert added.exit_code == 0
    assert "已添加用户 审核员小王（审核员）" in added.stdout and "一次性密码：" in added.stdout
    listed = zh("users", "list").stdout
    assert listed.split()[:3] == ["审核员小王", "审核员", "待修改一次性密码"] and "API 令牌 0 个" in listed
    assert "已停用 审核员小王" in zh("users", "disable", "审核员小王").stdout
    assert "审核员小王 没有 API 令牌" in zh("users", "tokens", "审核员小王").stdout
    missing = zh("users", "token", "不存在的人")
    assert missing.exit_code == 2
    assert missing.stderr.startswith("错误：没有名为“不存在的人”的用户") and "error" not in missing.stderr


@pytest.mark.parametrize("how", ["--lang", "LANG", "LC_ALL"])
def test_english_under_an_english_locale_or_lang_en(zh, monkeypatch, how: str) -> None:  # type: ignore[no-untyped-def]
    args: tuple[str, ...] = ()
    if how == "--lang":
        args = ("--lang", "en")
    elif how == "LANG":
        monkeypatch.setenv("LANG", "en_GB.UTF-8")
    else:
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        monkeypatch.setenv("LC_ALL", "en_US.UTF-8")  # LC_ALL wins over LANG
    assert zh(*args, "db", "upgrade").exit_code == 0
    added = zh(*args, "users", "add", "审核员小王", "--role", "reviewer")
    assert "added user 审核员小王 (reviewer)" in added.stdout and "one-time password: " in added.stdout
    missing = zh(*args, "users", "token", "不存在的人")
    assert missing.exit_code == 2 and missing.stderr.startswith("error: no user named '不存在的人'")


def test_lang_zh_overrides_an_english_locale_and_a_bad_lang_is_refused(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("--lang", "zh", "db", "upgrade").stdout.startswith("数据库 ")
    refused = cli("--lang", "fr", "stats")
    assert refused.exit_code == 2 and "--lang fr" in refused.stderr


def test_evidence_messages_and_exit_codes_in_both_languages(zh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    zh("db", "upgrade")
    taken = tmp_path / "证据包.zip"
    taken.write_bytes(b"")
    chinese = zh("evidence", "export", "1", "--out", taken)
    english = zh("--lang", "en", "evidence", "export", "1", "--out", taken)
    assert chinese.exit_code == english.exit_code == 2
    assert "证据包.zip 已存在；请用 --out 另选文件名（证据包从不覆盖）" in chinese.stderr
    assert "证据包.zip already exists; choose another --out" in english.stderr
    not_zip = tmp_path / "不是证据包.zip"
    not_zip.write_bytes(b"PK not really")
    verify = zh("evidence", "verify", not_zip)
    assert verify.exit_code == 2 and "不是 markwatch 证据包" in verify.stderr
    assert zh("--lang", "en", "evidence", "verify", not_zip).exit_code == 2


def test_jobs_are_listed_in_words(zh, db) -> None:  # type: ignore[no-untyped-def]
    from storage.listings import get_or_create_platform

    with db.session() as session:
        get_or_create_platform(session=session, name="demo-static")
    scheduler.persist_schedule(db, get_settings())
    shown = zh("jobs").stdout
    assert (
        "采集 demo-static" in shown
        and "每天 02:00" in shown
        and "每 30 分钟" in shown
        and "尚未运行" in shown
    )
    assert "cron[" not in shown and "interval[" not in shown
    english = zh("--lang", "en", "jobs").stdout
    assert "daily at 02:00" in english and "never ran" in english
    rows = json.loads(zh("jobs", "--json").stdout)  # scripts keep the machine form
    assert any("hour='2'" in (r["schedule"] or "") for r in rows)


def test_the_run_summary_reads_without_contradiction(db, capsys) -> None:  # type: ignore[no-untyped-def]
    from factories import make_brand, make_lead

    with db.session() as session:
        make_brand(session, "康师傅")
        make_lead(session, now=datetime.now(UTC) - timedelta(days=1))  # queued by earlier runs
        make_lead(session, now=datetime.now(UTC) - timedelta(days=1))
    started = datetime.now(UTC)
    with db.session() as session:
        make_lead(session)  # queued by this run (a crawl scores and queues as it stores)
    said: list[str] = []
    scheduler.run_pipeline(db, get_settings(), [], said.append)
    assert "评分：采集时尚未评分的新增或变更商品 0 条，由此新入队 0 条" in said
    markwatch.LANG = "zh_CN"
    markwatch._print_counts(db, since=started)
    assert "本次运行新入队线索 1 条，队列中共有待审线索 3 条" in capsys.readouterr().out
    said.clear()
    scheduler.run_pipeline(db, get_settings(), [], said.append, lang="en")
    assert "scoring: 0 new or changed listings not scored while crawling, 0 of them queued" in said


def test_run_says_which_demo_port_was_busy_and_which_it_uses(capsys) -> None:  # type: ignore[no-untyped-def]
    busy = socket.socket()
    try:
        busy.bind(("127.0.0.1", PORTS["demo-static"]))
        busy.listen(1)
    except OSError:
        pass  # taken already (another demo on this machine): the same situation
    markwatch.LANG = "zh_CN"
    demo = markwatch._start_demo(5)
    try:
        said = capsys.readouterr().out
        assert f"演示商城 demo-static 的默认端口 {PORTS['demo-static']} 已被占用" in said
        assert f"改用端口 {demo.static_port}" in said and demo.static_port != PORTS["demo-static"]
    finally:
        demo.close()
        busy.close()


def test_evidence_export_and_verify_speak_chinese(zh, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from factories import make_brand, make_lead
    from test_evidence import members, rezip

    with db.session() as session:
        make_brand(session, "康师傅")
        lead = make_lead(session).id
    packet = tmp_path / "线索证据包.zip"
    exported = zh("evidence", "export", lead, "--out", packet)
    assert exported.exit_code == 0, exported.stderr
    assert exported.stdout.startswith(f"已写入 {packet}") and "签名密钥指纹" in exported.stdout
    checked = zh("evidence", "verify", packet)
    assert checked.exit_code == 0 and "签名：有效，签名密钥为本机的密钥" in checked.stdout
    assert "完好：" in checked.stdout and "个文件与签名清单一致" in checked.stdout
    changed = tmp_path / "改过的.zip"
    files = members(packet.read_bytes())
    files["audit.csv"] = files["audit.csv"].replace("确认".encode(), "排除".encode()) + b"\n"
    changed.write_bytes(rezip(files))
    english = zh("--lang", "en", "evidence", "verify", changed)
    chinese = zh("evidence", "verify", changed)
    assert english.exit_code == chinese.exit_code == 1
    assert "changed: audit.csv" in english.stdout and "已被改动：audit.csv" in chinese.stdout


def test_a_refused_registry_file_is_reported_in_chinese(zh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    zh("db", "upgrade")
    missing = tmp_path / "不存在的品牌库.yaml"
    chinese, english = zh("brands", "import", missing), zh("--lang", "en", "brands", "import", missing)
    assert chinese.exit_code == english.exit_code == 2
    assert chinese.stderr.startswith("错误：品牌库文件被拒绝，未写入任何内容（1 个问题）：")
    assert f"{missing}: 无法读取该文件：" in chinese.stderr
    assert (
        "brand registry refused, nothing was written" in english.stderr
        and "cannot read the file" in english.stderr
    )


def test_a_database_not_set_up_is_said_in_chinese(zh) -> None:  # type: ignore[no-untyped-def]
    result = zh("users", "list")
    assert result.exit_code == 2 and "尚未建立：请先运行 markwatch db upgrade" in result.stderr


def test_a_refused_registry_file_in_both_languages(zh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    registry = tmp_path / "品牌库.yaml"
    registry.write_text(
        "brands:\n"
        "  - name: 康帅傅\n"
        "    registrations:\n"
        '      - {number: "12", nice_class: 99}\n'
        "    pricefloor: 3\n",
        encoding="utf-8",
    )
    chinese = zh("brands", "import", registry)
    assert chinese.exit_code == 2
    assert "错误：品牌库文件被拒绝，未写入任何内容（3 个问题）：" in chinese.stderr
    assert f"{registry}:4: 尼斯分类“99”无效：应为 1–45 的整数" in chinese.stderr
    assert "注册号“12”不是商标局的注册号" in chinese.stderr and "international: true" in chinese.stderr
    assert f"{registry}:5: 未知的键“pricefloor”（是否应为“price_floor”？）" in chinese.stderr
    english = zh("--lang", "en", "brands", "import", registry)
    assert english.exit_code == 2 and "brand registry refused, nothing was written" in english.stderr
    assert "nice_class '99' of brand '康帅傅' is not a Nice class" in english.stderr
    assert not re.search(r"[\u4e00-\u9fff]", english.stderr.replace("康帅傅", "").replace("品牌库", ""))


def test_what_does_not_exist_is_named_in_both_languages(zh) -> None:  # type: ignore[no-untyped-def]
    zh("db", "upgrade")
    crawl = zh("crawl", "某商城")
    assert crawl.exit_code == 2 and "错误：没有名为“某商城”的平台配置" in crawl.stderr
    assert "error: no platform profile named '某商城'" in zh("--lang", "en", "crawl", "某商城").stderr
    lead = zh("evidence", "capture", "99999")
    assert lead.exit_code == 2 and "错误：没有线索 99999" in lead.stderr
    assert "error: no lead 99999" in zh("--lang", "en", "evidence", "capture", "99999").stderr
    listings = zh("listings", "export", "--platform", "某商城")
    assert listings.exit_code == 2 and "没有名为“某商城”的平台" in listings.stderr


def test_a_refused_platform_profile_names_its_keys_in_chinese(zh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "商城.yaml"
    profile.write_text("name: shop\nbase_url: https://shop.example.com\nrendr: http\n", encoding="utf-8")
    chinese = zh("platforms", "add", profile)
    assert chinese.exit_code == 2 and "错误：平台配置文件被拒绝，未写入任何内容" in chinese.stderr
    assert f"{profile}:3: 未知的键“rendr”（是否应为“render”？）" in chinese.stderr
    assert "缺少必填的键“render”" in chinese.stderr
    english = zh("--lang", "en", "platforms", "add", profile)
    assert "unknown key 'rendr' in the profile (did you mean 'render'?)" in english.stderr


MANY_PROBLEMS = """\
name: Shop!
base_url: ftp://shop.example.com
render: html
hosts: [https://shop.example.com]
start_urls: [/]
navigation: {follow: "a[["}
list:
  items: "a.item[["
  url_pattern: "(unclosed"
detail:
  id: "#id"
  fields: {title: {css: h1, re: "(x"}}
"""


def test_each_problem_of_a_refused_platform_profile_is_said_in_chinese(zh, tmp_path) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "商城.yaml"
    profile.write_text(MANY_PROBLEMS, encoding="utf-8")
    chinese = zh("platforms", "add", profile)
    assert chinese.exit_code == 2 and "（8 个问题）" in chinese.stderr
    for line in (
        f"{profile}:1: 名称“Shop!”无效：只能用小写字母、数字、- 和 _",
        f"{profile}:2: base_url 须为 http(s) 地址，如 http://127.0.0.1:8801，而不是 'ftp://shop.example.com'",
        f"{profile}:3: render 须为 http 或 browser，而不是 'html'",
        f"{profile}:4: hosts[0]：“https://shop.example.com”不是主机名",
        f"{profile}:6: navigation.follow：不是有效的 CSS 选择器（SelectorSyntaxError: ",
        f"{profile}:8: list.items：不是有效的 CSS 选择器（SelectorSyntaxError: ",
        f"{profile}:9: list.url_pattern：不是有效的正则表达式（missing ), unterminated subpattern",
        f"{profile}:12: detail.fields.title：'(x' 不是有效的正则表达式（missing ), unterminated subpattern",
    ):
        assert line in chinese.stderr
    english = zh("--lang", "en", "platforms", "add", profile)
    assert english.exit_code == 2
    for line in (
        f"{profile}:1: name 'Shop!': use lower-case letters, digits, - and _",
        f"{profile}:2: base_url must be an http(s) address like http://127.0.0.1:8801, not 'ftp://",
        f"{profile}:3: render must be 'http' or 'browser', not 'html'",
        f"{profile}:4: hosts[0]: 'https://shop.example.com' is not a host name",
        f"{profile}:6: navigation.follow: not a valid CSS selector (SelectorSyntaxError: ",
        f"{profile}:8: list.items: not a valid CSS selector (SelectorSyntaxError: ",
        f"{profile}:9: list.url_pattern: not a valid regular expression (missing )",
        f"{profile}:12: detail.fields.title: not a valid regular expression '(x' (missing )",
    ):
        assert line in english.stderr


def test_every_problem_a_platform_profile_can_have_names_its_catalogue_entry() -> None:
    """A new check without a catalogue entry would come out in English to a Chinese administrator: each
    ``self.fail(node, message, key, ...)`` of the profile checker and each ``SpecError(..., entry=...)``
    of a field's sources names an entry of review.i18n."""
    import ast
    from pathlib import Path

    from review.i18n import MESSAGES

    crawler = Path(__file__).parents[1] / "crawler"
    calls = [
        (path, call)
        for path in [*sorted((crawler / "profiles").glob("*.py")), crawler / "extract.py"]
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(call, ast.Call)
    ]
    untranslated, unknown, checked = [], [], 0
    for path, call in calls:
        if getattr(call.func, "attr", None) == "fail":
            keys = (
                [call.args[2]] if len(call.args) >= 3 else [k.value for k in call.keywords if k.arg == "key"]
            )
        elif getattr(call.func, "id", None) == "SpecError":
            keys = [k.value for k in call.keywords if k.arg == "entry"]
        else:
            continue
        checked += 1
        if not keys:
            untranslated.append(f"{path.name}:{call.lineno}")
        texts = [n.value for k in keys for n in ast.walk(k) if isinstance(n, ast.Constant)]
        unknown += [f"{path.name}:{call.lineno}: {t}" for t in texts if t not in MESSAGES]
    assert checked > 60 and not untranslated and not unknown, (untranslated, unknown)


@pytest.mark.parametrize(
    ("command", "name"), [(("brands", "import"), "品牌库.yaml"), (("platforms", "add"), "商城.yaml")]
)
def test_a_file_saved_as_gbk_is_refused_naming_the_byte(zh, tmp_path, command, name) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes("name: 康帅傅\n".encode("gbk"))
    chinese = zh(*command, path)
    assert (
        chinese.exit_code == 2
        and f"{path}: 文件不是 UTF-8 文本（第 6 字节）：请以 UTF-8 编码保存" in chinese.stderr
    )
    english = zh("--lang", "en", *command, path)
    assert f"{path}: not UTF-8 text (byte 6); save the file as UTF-8" in english.stderr
