"""The app factory: ``create_app(settings)`` gives the FastAPI app that `markwatch serve` runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from review.deps import PASSWORD_PAGE, BadInput, LoginRequired, PasswordChangeRequired, lang_of, render
from review.i18n import MESSAGES
from review.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    LoginLimiter,
    SessionCodec,
    SessionData,
    load_secret_key,
)
from settings import Settings, get_settings
from storage import open_database

HERE = Path(__file__).parent

# Pages: only this origin's files; inline SVG is markup, so no script or style needs 'unsafe-inline'.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# /docs: Swagger UI's files come from this origin (review.routes.apidocs); its start-up script is inline.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


# pydantic's error types → the catalogue's ``input.*`` problems (anything else: ``input.invalid``)
PROBLEMS = {
    "missing": "missing",
    "int_parsing": "not_an_integer",
    "int_type": "not_an_integer",
    "int_from_float": "not_an_integer",
    "float_parsing": "not_a_number",
    "float_type": "not_a_number",
    "greater_than_equal": "at_least",
    "less_than_equal": "at_most",
    "string_too_long": "too_long",
    "literal_error": "one_of",
    "enum": "one_of",
    "date_parsing": "not_a_date",
    "date_from_datetime_parsing": "not_a_date",
}


BYTES: dict[Any, Any] = {bytes: lambda value: value.decode("utf-8", "replace")}


def bad_input(error: Mapping[str, Any]) -> BadInput:
    """One of FastAPI's validation errors as a BadInput naming its parameter (``loc`` without its source)."""
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    param = loc[-1] if loc else "?"
    ctx = error.get("ctx") or {}
    value = error.get("input")
    return BadInput(
        param,
        PROBLEMS.get(str(error.get("type")), "invalid"),
        value="" if value is None or isinstance(value, (dict, list)) else str(value),
        limit=next((ctx[k] for k in ("ge", "le", "max_length") if k in ctx), ""),
        choices=ctx.get("expected", ""),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The review web app on the configured database (which must be migrated)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="markwatch",
        summary="Review queue, leads, decisions and brands of markwatch",
        docs_url=None,  # review.routes.apidocs serves both behind login, with local assets
        redoc_url=None,
        openapi_url=None,
    )
    attach_state(app, settings)
    app.middleware("http")(session_and_headers)
    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PasswordChangeRequired, password_change_required)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    include_routers(app)
    return app


def attach_state(app: FastAPI, settings: Settings) -> None:
    """What every request reads from ``app.state``: settings, database, session codec, login limiter,
    templates."""
    app.state.settings = settings
    app.state.db = open_database(settings)
    app.state.codec = SessionCodec(load_secret_key(settings.home))
    app.state.limiter = LoginLimiter(app.state.db)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    app.state.templates = templates


def include_routers(app: FastAPI) -> None:
    from review.routes import admin, api, apidocs, auth, brands, captures, cases, leads, queue, sellers, users

    app.include_router(auth.router)
    app.include_router(queue.router)
    app.include_router(leads.router)
    app.include_router(captures.router)
    app.include_router(sellers.router)
    app.include_router(brands.router)
    app.include_router(admin.router)
    app.include_router(users.router)
    app.include_router(api.router)
    app.include_router(cases.router)
    app.include_router(cases.api)
    app.include_router(apidocs.router)
    app.mount(apidocs.ASSETS_URL, apidocs.assets(), name="docs-assets")


# --- middleware: the session cookie and the security headers ----------------------------------------


async def session_and_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Read the session from its cookie before the route; write it back and add the headers after."""
    codec: SessionCodec = request.app.state.codec
    data = codec.loads(request.cookies.get(SESSION_COOKIE))
    request.state.session = data or SessionData()
    request.state.session_changed = data is None
    request.state.user = None
    request.state.via_token = False
    response = await call_next(request)
    if request.state.session_changed and not request.state.via_token:
        set_session_cookie(request, response, codec)
    add_security_headers(request.url.path, response)
    return response


def set_session_cookie(request: Request, response: Response, codec: SessionCodec) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        SESSION_COOKIE,
        codec.dumps(request.state.session),
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,  # off for plain HTTP on loopback; on behind a TLS proxy
        path="/",
    )


def add_security_headers(path: str, response: Response) -> None:
    headers = response.headers
    if "content-security-policy" not in headers:
        headers["Content-Security-Policy"] = DOCS_CSP if path == "/docs" else PAGE_CSP
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    # pages carry per-user data: never cached; the static CSS/JS may be, for an hour
    headers.setdefault("Cache-Control", "public, max-age=3600" if path.startswith("/static/") else "no-store")


# --- error pages and answers -------------------------------------------------------------------------


async def login_required(request: Request, exc: Exception) -> Response:
    """A page that needs a signed-in user: to the login page, and back here afterwards."""
    target = request.url.path + (("?" + request.url.query) if request.url.query else "")
    return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)


async def password_change_required(request: Request, exc: Exception) -> Response:
    """A user still on a one-time password: to the change-password page, whatever was asked for."""
    return RedirectResponse(PASSWORD_PAGE, status_code=303)


async def http_error(request: Request, exc: Exception) -> Response:
    """An HTTP error: JSON for the API, the error page (in the user's language) for pages."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, RecursionError):
        exc = StarletteHTTPException(422, "error.too_deep")  # JSON too deep for the parser itself
    detail = str(exc.detail)
    if request.url.path.startswith("/api/") or request.url.path.startswith("/docs"):
        message = MESSAGES[detail][1] if detail in MESSAGES else detail
        return JSONResponse({"detail": message}, status_code=exc.status_code, headers=exc.headers)
    if isinstance(exc, BadInput):
        detail = exc.message(lang_of(request))
        return render(request, "error.html", status_code=400, message_key=None, detail=detail)
    key = detail if detail in MESSAGES else {404: "error.404", 403: "error.403"}.get(exc.status_code)
    return render(
        request,
        "error.html",
        status_code=exc.status_code,
        message_key=key,
        detail=None if key else detail,
    )


async def validation_error(request: Request, exc: Exception) -> Response:
    """Bad query or form values: FastAPI's 422 for the API, an error page naming each one for pages."""
    assert isinstance(exc, RequestValidationError)
    if request.url.path.startswith("/api/"):
        # FastAPI's shape: a contract; an input that is not JSON (bytes) is shown as text
        return JSONResponse({"detail": jsonable_encoder(exc.errors(), custom_encoder=BYTES)}, status_code=422)
    lang = lang_of(request)
    messages = dict.fromkeys(bad_input(error).message(lang) for error in exc.errors())
    detail = ("; " if lang == "en" else "；").join(messages)
    return render(request, "error.html", status_code=400, message_key=None, detail=detail)
