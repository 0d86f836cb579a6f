"""The credential lifecycle: sessions that really end, one-time passwords, the users page and commands,
a login limiter shared by every worker, and X-Forwarded-For believed only from a trusted proxy."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import pytest
import test_review_http as http
from factories import PASSWORD
from fastapi.testclient import TestClient
from test_review_http import csrf_of, login, post_form

from storage.models import Lead
from storage.users import get_user_by_name

world = http.world  # the review app's fixtures: its users, brands and leads
client = http.client


def fresh_client() -> TestClient:
    from review.app import create_app

    return TestClient(create_app())


def stolen_copy(client: TestClient) -> TestClient:
    """Another browser holding a copy of the client's session cookie."""
    thief = fresh_client()
    thief.cookies.set("mw_session", client.cookies["mw_session"])
    return thief


def logged_in(client: TestClient) -> bool:
    page = client.get("/")
    return page.status_code == 200 and page.url.path == "/"


def test_a_cookie_saved_before_logout_loads_nothing_and_decides_nothing(
    client: TestClient, world, db
) -> None:
    login(client, "审核员")
    thief = stolen_copy(client)
    token = csrf_of(thief, "/?since=all")
    assert post_form(client, "/logout", {}).status_code == 303
    assert thief.get("/", follow_redirects=False).headers["location"].startswith("/login")
    decided = thief.post(
        f"/leads/{world['ksf']}/decision",
        data={"action": "confirm", "csrf_token": token},
        follow_redirects=False,
    )
    assert decided.status_code in (303, 403) and not decided.headers.get("location", "").startswith("/leads")
    api = thief.post(
        f"/api/v1/leads/{world['ksf']}/decision", json={"action": "confirm"}, headers={"X-CSRF-Token": token}
    )
    assert api.status_code == 401
    with db.session() as s:
        assert s.get(Lead, world["ksf"]).status == "new"


def test_changing_the_password_ends_every_other_session(client: TestClient) -> None:
    login(client, "审核员")
    other = login(fresh_client(), "审核员")
    form = {"current": PASSWORD, "new": "新的密码-2026", "repeat": "新的密码-2026"}
    changed = client.post(
        "/account/password",
        data={**form, "csrf_token": csrf_of(client, "/account/password")},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    assert logged_in(client)  # this browser goes on with a new session
    assert not logged_in(other)
    assert login(fresh_client(), "审核员", "新的密码-2026")


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"current": "不对的密码", "new": "新的密码-2026", "repeat": "新的密码-2026"}, "当前密码不正确"),
        ({"current": PASSWORD, "new": "短", "repeat": "短"}, "至少需要 8 个字符"),
        ({"current": PASSWORD, "new": "新的密码-2026", "repeat": "新的密码-2027"}, "不一致"),
    ],
)
def test_a_bad_password_change_is_refused_in_chinese(client: TestClient, form, message) -> None:  # type: ignore[no-untyped-def]
    login(client, "审核员")
    response = client.post(
        "/account/password", data={**form, "csrf_token": csrf_of(client, "/account/password")}
    )
    assert response.status_code == 400 and message in response.text
    assert login(fresh_client(), "审核员")  # the old password still works
    assert client.post("/account/password", data=form).status_code == 403  # CSRF like every form


def test_a_one_time_password_must_be_changed_before_anything_else(client: TestClient, cli, world) -> None:
    result = cli("users", "passwd", "调查员")
    assert result.exit_code == 0
    one_time = re.search(r"one-time password: (\S+)", result.stdout).group(1)
    token = csrf_of(client)
    first = client.post(
        "/login", data={"name": "调查员", "password": one_time, "csrf_token": token}, follow_redirects=False
    )
    assert first.headers["location"] == "/account/password"
    for path in ("/", f"/leads/{world['ksf']}", "/brands"):
        assert client.get(path, follow_redirects=False).headers["location"] == "/account/password"
    page = client.get("/account/password")
    assert "一次性密码" in page.text and 'name="csrf_token"' in page.text
    form = {"current": one_time, "new": "调查员自己的密码", "repeat": "调查员自己的密码"}
    assert post_form(client, "/account/password", form, page="/account/password").status_code == 303
    assert logged_in(client)


def test_the_admin_lists_disables_and_resets_users(client: TestClient, world, db) -> None:
    reviewer = login(fresh_client(), "审核员")
    login(client, "管理员")
    page = client.get("/admin/users")
    assert page.status_code == 200 and "用户管理" in page.text and "审核员" in page.text
    with db.session() as s:
        reviewer_id = get_user_by_name(session=s, name="审核员").id
        admin_id = get_user_by_name(session=s, name="管理员").id
    disabled = post_form(client, f"/admin/users/{reviewer_id}", {"action": "disable"}, page="/admin/users")
    assert disabled.status_code == 200 and "已停用用户 审核员" in disabled.text
    assert not logged_in(reviewer)
    refused = fresh_client()
    bad = refused.post(
        "/login", data={"name": "审核员", "password": PASSWORD, "csrf_token": csrf_of(refused)}
    )
    assert bad.status_code == 401
    post_form(client, f"/admin/users/{reviewer_id}", {"action": "enable"}, page="/admin/users")
    reset = post_form(client, f"/admin/users/{reviewer_id}", {"action": "reset"}, page="/admin/users")
    one_time = re.search(r'id="one-time">.*?<code>([^<]+)</code>', reset.text, re.S).group(1)
    assert login(fresh_client(), "审核员", one_time)
    myself = post_form(client, f"/admin/users/{admin_id}", {"action": "disable"}, page="/admin/users")
    assert myself.status_code == 400 and logged_in(client)
    no_csrf = client.post(f"/admin/users/{reviewer_id}", data={"action": "disable"})
    assert no_csrf.status_code == 403
    assert login(fresh_client(), "调查员").get("/admin/users").status_code == 403


def test_users_commands_list_disable_enable_passwd_tokens_revoke(cli, client: TestClient, world) -> None:
    listed = json.loads(cli("users", "list", "--json").stdout)
    assert {u["name"] for u in listed} >= {"管理员", "审核员", "康师傅权利人"}
    owner = next(u for u in listed if u["name"] == "康师傅权利人")
    assert owner["brands"] == ["康师傅"] and owner["disabled"] is False and owner["active_tokens"] == 0

    token = cli("users", "token", "审核员").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/leads", headers=headers).status_code == 200
    session_user = login(fresh_client(), "审核员")

    assert cli("users", "disable", "审核员").exit_code == 0
    assert client.get("/api/v1/leads", headers=headers).status_code == 401
    assert not logged_in(session_user)
    assert json.loads(cli("users", "list", "--json").stdout)[-1]["name"]  # still listed
    assert cli("users", "enable", "审核员").exit_code == 0
    assert client.get("/api/v1/leads", headers=headers).status_code == 200

    tokens = json.loads(cli("users", "tokens", "审核员", "--json").stdout)
    assert len(tokens) == 1 and token.startswith(tokens[0]["prefix"]) and tokens[0]["last_used_at"]
    assert token not in cli("users", "tokens", "审核员").stdout
    assert cli("users", "revoke", "审核员", tokens[0]["prefix"]).exit_code == 0
    assert client.get("/api/v1/leads", headers=headers).status_code == 401
    assert json.loads(cli("users", "tokens", "审核员", "--json").stdout)[0]["revoked"] is True
    again = cli("users", "revoke", "审核员", "--all")
    assert again.exit_code == 2 and "no active token" in again.stderr

    new = subprocess.run(
        [sys.executable, "-m", "markwatch", "users", "passwd", "审核员", "--password-stdin"],
        input="命令行设置的密码\n",
        capture_output=True,
        text=True,
        env=os.environ,
        check=False,
    )
    assert new.returncode == 0, new.stderr
    assert login(fresh_client(), "审核员", "命令行设置的密码")
    assert cli("users", "disable", "无此人").exit_code == 2


def test_the_login_limiter_holds_across_worker_processes(client: TestClient) -> None:
    """Two app instances (as two `serve --workers` processes) count the same failures."""
    workers = [client, fresh_client()]
    for attempt in range(5):
        worker = workers[attempt % 2]
        wrong = worker.post(
            "/login", data={"name": "审核员", "password": "不对", "csrf_token": csrf_of(worker)}
        )
        assert wrong.status_code == 401
    for worker in workers:
        right = worker.post(
            "/login",
            data={"name": "审核员", "password": PASSWORD, "csrf_token": csrf_of(worker)},
            follow_redirects=False,
        )
        assert right.status_code == 429


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(args: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "markwatch", *args, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ,
    )
    for _ in range(600):  # wait until it listens (no timing threshold: it either comes up or fails)
        if process.poll() is not None:
            raise AssertionError(f"markwatch {args[0]} exited with {process.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the web app never listened")


def failed_logins_until_refused(port: int, count: int) -> list[int]:
    codes = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as browser:
        for i in range(count):
            page = browser.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            response = browser.post(
                "/login",
                data={"name": f"猜测{i}", "password": "x", "csrf_token": token},
                headers={"X-Forwarded-For": f"203.0.113.{i + 1}"},
            )
            codes.append(response.status_code)
    return codes


@pytest.mark.parametrize(
    ("trust", "refused"), [([], True), (["--trust-proxy", "127.0.0.1"], False)], ids=["untrusted", "trusted"]
)
def test_x_forwarded_for_is_believed_only_with_trust_proxy(cli, world, trust, refused) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    process = serve(["serve", *trust], port)
    try:
        codes = failed_logins_until_refused(port, 24)
    finally:
        process.terminate()
        process.wait()
    # 20 failures per address: without --trust-proxy every attempt comes from 127.0.0.1
    assert (429 in codes) is refused, codes
    if refused:
        assert codes.index(429) == 20


def test_run_takes_trust_proxy_as_serve_does() -> None:
    import typer

    import markwatch

    commands = typer.main.get_command(markwatch.app).commands  # type: ignore[attr-defined]
    for name in ("run", "serve"):
        options = {opt for param in commands[name].params for opt in param.opts}
        assert "--trust-proxy" in options, name
    assert markwatch.proxy_options(None) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    assert markwatch.proxy_options(["10.0.0.5"]) == {"proxy_headers": True, "forwarded_allow_ips": "10.0.0.5"}
