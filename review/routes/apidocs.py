"""The API's documentation, for signed-in users only: ``/openapi.json`` and Swagger UI at ``/docs``,
whose script, style sheet and icon markwatch serves itself (``/docs-assets``, the files of the
fastapi-offline package), so that the page works where no CDN can be reached."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from review.deps import UserDep

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)


def assets() -> StaticFiles:
    """Swagger UI's files, to mount at ASSETS_URL."""
    return StaticFiles(directory=str(ASSETS_DIR))


@router.get("/openapi.json")
def openapi(request: Request, user: UserDep) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(request: Request, user: UserDep) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{request.app.title} API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
    )
