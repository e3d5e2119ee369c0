"""ASGI middleware: fault injection (for tests) and replay of POSTs carrying an `Idempotency-Key`."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import tempfile
from pathlib import Path
from typing import IO, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wizard.sandbox.db import Database
from wizard.sandbox.settings import MAX_FILE_BYTES, HubSettings

NEVER_FAULTED = frozenset({"/healthz"})
SPOOL_IN_MEMORY = 1024 * 1024
REPLAY_CHUNK = 1024 * 1024
KEEP_SECONDS = 24 * 3600


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


MAX_BODY_BYTES = 1024 * 1024  # a JSON or form body; roster files (multipart) have their own limit
MAX_MULTIPART_BYTES = 8 * MAX_FILE_BYTES  # eight hub files of at most the default file size each


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a request body larger than the hub accepts (413), before reading more of it than that.

    A declared Content-Length over the limit is refused at once; a body sent without one is counted as it
    arrives. The check comes before anything else reads the body, so nothing buffers a huge request.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        multipart = _header(scope, b"content-type").startswith("multipart/")
        limit = MAX_MULTIPART_BYTES if multipart else MAX_BODY_BYTES
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await _send_json(send, 413, _too_large(scope["path"], limit), [(b"connection", b"close")])
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _send_json(send, 413, _too_large(scope["path"], limit), [(b"connection", b"close")])


def _too_large(path: str, limit: int) -> dict[str, Any]:
    message = f"The request is larger than the hub accepts ({limit // (1024 * 1024)} MB)."
    if path.startswith(("/v3.0", "/userinfo")):
        return {"message": message}
    if path.startswith("/oauth"):
        return {"error": "invalid_request", "error_description": message}
    return {"error": {"code": "too_large", "message": message}}


class FaultInjection:
    """Misbehaves on purpose for requests matching the settings' fault rules (none by default)."""

    def __init__(self, app: ASGIApp, settings: HubSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NEVER_FAULTED or not self.settings.faults:
            await self.app(scope, receive, send)
            return
        for rule in list(self.settings.faults):
            if not rule.matches(scope["path"]):
                continue
            if rule.latency > 0:
                await asyncio.sleep(rule.latency)
            if self.settings.roll(rule.rate_limit_rate) and self.settings.take_fault(rule):
                reset = int(self.settings.clock()) + rule.retry_after
                await _send_json(
                    send,
                    429,
                    {"message": "Too many requests (injected fault)."},
                    [
                        (b"retry-after", str(rule.retry_after).encode()),
                        (b"x-ratelimit-limit", str(self.settings.rate_limit).encode()),
                        (b"x-ratelimit-remaining", b"0"),
                        (b"x-ratelimit-reset", str(reset).encode()),
                    ],
                )
                return
            if self.settings.roll(rule.error_rate) and self.settings.take_fault(rule):
                await _send_json(
                    send,
                    rule.error_status,
                    {
                        "error": {
                            "code": "injected_fault",
                            "message": "The hub failed on purpose (fault injection).",
                        }
                    },
                    [],
                )
                return
            if self.settings.roll(rule.drop_rate) and self.settings.take_fault(rule):
                # Promise a body, send a fragment, then stop: the server closes the connection mid-answer.
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
                    }
                )
                await send({"type": "http.response.body", "body": b'{"data": [', "more_body": True})
                return
        await self.app(scope, receive, send)


class IdempotentPosts:
    """A POST repeated with the same `Idempotency-Key` (same caller, same path, same body) gets the first answer.

    Only successful answers are remembered, so a request that failed can be retried for real. The key is
    bound to the body it first came with: the same key with another body is refused, so a leaked key
    cannot be replayed with a made-up request. Answers carrying an admin token are never stored: a replay
    learns only that the sign-up is done (409 `signup_already_completed`, with the district id), and the
    client that started it signs in with the token it saved. A school tech lead's token is dropped the same
    way: the replay names the staff admin with `staff_token: null`.
    """

    def __init__(self, app: ASGIApp, db: Database) -> None:
        self.app = app
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else ""
        if not key or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body_hash, receive, spool = await _spooled(receive, self.spool_folder())
        try:
            await self._answer(scope, receive, send, key, body_hash)
        finally:
            spool.close()

    def spool_folder(self) -> Path:
        """The hub's work folder (beside its database, user-only), where large request bodies wait."""
        folder = self.db.path.with_name(f"{self.db.path.stem}-work")
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    async def _answer(self, scope: Scope, receive: Receive, send: Send, key: str, body_hash: str) -> None:
        caller = _header(scope, b"authorization")
        fingerprint = hashlib.sha256(f"{caller}\x1f{scope['path']}".encode()).hexdigest()
        with self.db.read() as conn:
            stored = conn.execute(
                "SELECT status, headers, body, body_hash FROM idempotency WHERE scope = ? AND key = ?",
                (fingerprint, key),
            ).fetchone()
        if stored is not None:
            if not hmac.compare_digest(stored["body_hash"], body_hash):
                await _send_json(send, 422, _KEY_REUSED, [])
                return
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in json.loads(stored["headers"])]
            await send(
                {
                    "type": "http.response.start",
                    "status": stored["status"],
                    "headers": [*headers, (b"idempotent-replayed", b"true")],
                }
            )
            await send({"type": "http.response.body", "body": bytes(stored["body"])})
            return
        started: dict[str, Any] = {}
        body = bytearray()

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        status = int(started.get("status", 500))
        if 200 <= status < 300:
            headers = [
                (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                for k, v in started.get("headers", [])
                if bytes(k).lower() in {b"content-type", b"location"}
            ]
            status, stored_body = _replayable(status, bytes(body))
            with self.db.transaction() as conn:
                # A day is long enough for any retry.
                conn.execute(
                    "DELETE FROM idempotency WHERE created < strftime('%s','now') - ?", (KEEP_SECONDS,)
                )
                conn.execute(
                    "INSERT OR IGNORE INTO idempotency (scope, key, status, headers, body, body_hash, created) "
                    "VALUES (?, ?, ?, ?, ?, ?, strftime('%s','now'))",
                    (fingerprint, key, status, json.dumps(headers), stored_body, body_hash),
                )


_KEY_REUSED = {
    "error": {
        "code": "idempotency_key_reused",
        "message": "This Idempotency-Key was already used for a different request.",
    }
}


async def _spooled(receive: Receive, folder: Path) -> tuple[str, Receive, IO[bytes]]:
    """The request body's SHA-256, and a `receive` that hands the body to the app again.

    The body is kept in memory up to a megabyte and beyond that in a file of the hub's own work folder, so a
    large upload is never held whole in memory (and never lands in the system's temporary folder).
    """
    digest = hashlib.sha256()
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b", dir=str(folder))  # noqa: SIM115
    final: Message | None = None
    while True:
        message = await receive()
        if message["type"] != "http.request":
            final = message  # a disconnect: hand it on after the body
            break
        chunk = message.get("body", b"")
        digest.update(chunk)
        spool.write(chunk)
        if not message.get("more_body", False):
            break
    spool.seek(0)

    async def replay() -> Message:
        chunk = spool.read(REPLAY_CHUNK)
        if chunk:
            return {"type": "http.request", "body": chunk, "more_body": spool.tell() < _size(spool)}
        if final is not None:
            return final
        return await receive()

    return digest.hexdigest(), replay, spool


def _size(spool: IO[bytes]) -> int:
    position = spool.tell()
    spool.seek(0, 2)
    size = spool.tell()
    spool.seek(position)
    return size


def _replayable(status: int, body: bytes) -> tuple[int, bytes]:
    """What a replay may answer: a sign-up's answer holds the admin token, so only its district id is kept."""
    try:
        answer = json.loads(body)
    except ValueError:
        return status, body
    if isinstance(answer, dict) and answer.get("staff_token"):
        # A school tech lead's token is shown once: a replay names the staff admin, without the token.
        return status, json.dumps({**answer, "staff_token": None}).encode()
    if not isinstance(answer, dict) or "admin_token" not in answer:
        return status, body
    district = answer.get("district")
    district_id = str(district.get("id", "")) if isinstance(district, dict) else ""
    done = {
        "error": {
            "code": "signup_already_completed",
            "message": (
                f"This sign-up was already completed (district id {district_id}). "
                "Sign in with the admin token saved when it completed."
            ),
            "district_id": district_id,
        }
    }
    return 409, json.dumps(done).encode()
