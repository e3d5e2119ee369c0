"""The FastAPI application: shared context, error shapes, authentication helpers, and the app factory."""

from __future__ import annotations

import base64
import binascii
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from wizard.sandbox.catalog import AppCredentials, sync_catalog
from wizard.sandbox.db import Database
from wizard.sandbox.middleware import FaultInjection, IdempotentPosts
from wizard.sandbox.settings import HubSettings

if TYPE_CHECKING:
    from wizard.sandbox.sftp_server import SftpService


class ApiError(Exception):
    """An answer other than success, with a machine code and a message for the person at the other end."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def not_found(what: str) -> ApiError:
    if what == "district":
        return ApiError(
            404, "not_found", "That district is not on this hub, or you are signed in to another one."
        )
    return ApiError(404, "not_found", f"No {what} with that id exists in your district.")


@dataclass
class RateWindow:
    start: float
    used: int


@dataclass
class HubContext:
    """Everything a route needs: the database, the settings, and the per-token rate-limit windows."""

    db: Database
    settings: HubSettings
    issued_credentials: dict[str, AppCredentials] = field(default_factory=dict)
    rate_windows: dict[str, RateWindow] = field(default_factory=dict)
    rate_lock: threading.Lock = field(default_factory=threading.Lock)
    sftp: SftpService | None = None  # the hub's SFTP server, when it serves one

    def now(self) -> float:
        return self.settings.clock()


def hub_context(request: Request) -> HubContext:
    context: HubContext = request.app.state.hub
    return context


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Sign in first: this call needs an access token.")
    return token.strip()


def basic_credentials(request: Request) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    try:
        client_id, _, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        client_id, secret = "", ""
    if scheme.lower() != "basic" or not client_id or not secret:
        raise ApiError(401, "unauthorized", "This call needs the app's client id and secret (HTTP Basic).")
    return client_id, secret


def _error_body(path: str, error: ApiError) -> dict[str, Any]:
    if path.startswith(("/v3.0", "/userinfo")):
        return {"message": error.message}
    if path.startswith("/oauth"):
        return {"error": error.code, "error_description": error.message}
    body: dict[str, Any] = {"code": error.code, "message": error.message}
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
        api_error = ApiError(error.status_code, code, message)
        return JSONResponse(_error_body(request.url.path, api_error), status_code=error.status_code)


def create_app(db_path: Path, settings: HubSettings | None = None) -> FastAPI:
    """Build the hub: open (and migrate) the database, load the app catalog, mount every route."""
    from wizard.sandbox import routes_data, routes_onboarding, routes_roster, routes_sftp

    settings = settings or HubSettings.from_env()
    db = Database(db_path)
    context = HubContext(db=db, settings=settings, issued_credentials=sync_catalog(db))
    app = FastAPI(title="Embedded hub (sandbox)", version="1.0")
    app.state.hub = context
    _install_error_handlers(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "schema_version": db.schema_version}

    app.include_router(routes_onboarding.router)
    app.include_router(routes_roster.router)
    app.include_router(routes_sftp.router)
    app.include_router(routes_data.router)
    app.add_middleware(IdempotentPosts, db=db)
    app.add_middleware(FaultInjection, settings=settings)  # outermost: faults hit before anything else
    return app
