"""The app catalog: what a district can add, with its scopes, recommended sharing and icon."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from wizard.sandbox.catalog import icon_content
from wizard.sandbox.deps import API_ERRORS, ApiError, Context
from wizard.sandbox.store import app_entry, app_row, apps
from wizard.sandbox.views import app_view
from wizard.wire.onboarding import AppList, AppOut

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["apps"])
BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get("/apps")
def list_apps(context: Context, query: str = "") -> AppList:
    needle = query.strip().casefold()
    with context.db.read() as conn:
        entries = [app_entry(row) for row in apps(conn)]
    return AppList(
        data=[
            app_view(e)
            for e in entries
            if not needle or needle in f"{e['name']} {e['vendor']} {e.get('description', '')}".casefold()
        ]
    )


@router.get("/apps/{app_id}")
def get_app(app_id: str, context: Context) -> AppOut:
    with context.db.read() as conn:
        row = app_row(conn, app_id)
    if row is None:
        raise ApiError(404, "not_found", "There is no app with that id in the catalog.")
    return app_view(app_entry(row))


@router.get(
    "/apps/{app_id}/icon",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": BINARY, "image/png": BINARY}, "description": "the app's icon"}
    },
)
def app_icon(app_id: str, context: Context) -> Response:
    with context.db.read() as conn:
        row = app_row(conn, app_id)
    icon = icon_content(app_entry(row)) if row else None
    if icon is None:
        raise ApiError(404, "not_found", "This app has no icon.")
    content, media = icon
    return Response(content, media_type=media)
