"""The FastAPI application: error shapes and the app factory that mounts every router."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from wizard.redact import install_url_redaction
from wizard.sandbox import routes_sftp
from wizard.sandbox import uploads as upload_processing
from wizard.sandbox.catalog import sync_catalog
from wizard.sandbox.db import Database
from wizard.sandbox.deps import ApiError, HubContext
from wizard.sandbox.middleware import BodyLimit, FaultInjection, IdempotentPosts
from wizard.sandbox.routes import (
    apps,
    browser,
    connections,
    data,
    directory,
    district_settings,
    launch,
    mail,
    oauth,
    sharing,
    signups,
    staff,
    uploads,
    vendor,
    vendor_app,
)
from wizard.sandbox.settings import HubSettings
from wizard.wire.onboarding import Health

ROUTERS = (
    signups,
    district_settings,
    staff,
    uploads,
    apps,
    connections,
    sharing,
    launch,
    mail,
    directory,
    browser,
    routes_sftp,
    vendor,
    vendor_app,
    data,
    oauth,
)


def _error_body(path: str, error: ApiError) -> dict[str, Any]:
    if path.startswith(("/v3.0", "/v3.1", "/userinfo")):
        return {"message": error.message}
    if path.startswith("/oauth"):
        return {"error": error.code, "error_description": error.message}
    body: dict[str, Any] = {"code": error.code, "message": error.message, **error.extra}
    if error.fields:
        body["fields"] = error.fields
    return {"error": body}


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location if part not in {"body", "query", "path"}]
    return ".".join(parts) or "request"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        headers = {**getattr(request.state, "rate_limit_headers", {}), **error.headers}
        return JSONResponse(_error_body(request.url.path, error), status_code=error.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        fields = {
            _field_name(tuple(item.get("loc", ()))): str(item.get("msg", "invalid"))
            for item in error.errors()
        }
        summary = "; ".join(f"{name}: {message}" for name, message in fields.items())
        api_error = ApiError(
            422, "invalid_request", f"Some fields are missing or invalid ({summary}).", fields=fields
        )
        return JSONResponse(_error_body(request.url.path, api_error), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        message = "There is no such address on this hub." if error.status_code == 404 else str(error.detail)
        fields: dict[str, str] = {}
        if error.status_code == 400 and "parsing the body" in message:  # not JSON, or nested too deep
            code, message = "invalid_body", "The request body is not a JSON object the hub can read."
            fields = {"body": "not valid JSON, or nested too deep"}
        api_error = ApiError(error.status_code, code, message, fields=fields)
        return JSONResponse(_error_body(request.url.path, api_error), status_code=error.status_code)


def create_app(db_path: Path, settings: HubSettings | None = None) -> FastAPI:
    """Build the hub: open (and migrate) the database, load the app catalog, mount every route."""
    install_url_redaction()  # the access log and the simulated vendor's requests name codes in URLs
    settings = settings or HubSettings.from_env()
    db = Database(db_path)
    context = HubContext(db=db, settings=settings, issued_credentials=sync_catalog(db))
    app = FastAPI(title="Embedded hub (sandbox)", version="1.0")
    app.state.hub = context
    upload_processing.resume_interrupted(context)  # nothing stays "processing" after a crash
    _install_error_handlers(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> Health:
        return Health(status="ok", schema_version=db.schema_version)

    for module in ROUTERS:
        app.include_router(module.router)
    app.add_middleware(IdempotentPosts, db=db)
    app.add_middleware(BodyLimit)  # before the replay middleware buffers a body
    app.add_middleware(FaultInjection, settings=settings)  # outermost: faults hit before anything else
    return app
