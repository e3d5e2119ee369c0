"""Find secrets where they must not be: in files on disk (raw bytes, so a SQLite database and its WAL are read
as stored) and in captured log text. Used by the secret-scan test after a full journey (issue 11)."""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import requests

MIN_SECRET_LENGTH = 12  # shorter values (error codes, ids) are not secrets and would only give false hits
SECRET_KEYS = frozenset(
    {"admin_token", "access_token", "refresh_token", "id_token", "client_secret", "password", "staff_token"}
)


@dataclass
class Hit:
    secret_name: str
    where: str  # a file path, or "log"

    def __str__(self) -> str:
        return f"{self.secret_name} in {self.where}"


@dataclass
class Secrets:
    """Every secret issued in a run, by a name that says what it is (never the value, in any message)."""

    values: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, value: object) -> None:
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH and value not in self.values.values():
            self.values[f"{name} #{len(self.values) + 1}"] = value

    def names(self) -> list[str]:
        return sorted(name.split(" #")[0] for name in self.values)

    def forms(self) -> Iterator[tuple[str, bytes]]:
        """Each secret as it could be stored: plain UTF-8, URL-quoted, UTF-16 (SQLite's other text encoding)
        and base64 (a Basic authorization header)."""
        for name, value in self.values.items():
            for form in {
                value.encode(),
                quote(value, safe="").encode(),
                value.encode("utf-16-le"),
                base64.b64encode(value.encode()),
            }:
                yield name, form

    def harvest_json(self, body: object) -> None:
        """Secrets in a JSON answer: the values of SECRET_KEYS, at any depth."""
        if isinstance(body, dict):
            for key, value in body.items():
                if key in SECRET_KEYS:
                    self.add(key, value)
                self.harvest_json(value)
        elif isinstance(body, list):
            for item in body:
                self.harvest_json(item)


class WireRecorder:
    """Wraps requests.Session.send: every secret the hub hands out over HTTP (JSON answers, OAuth codes in a
    redirect) and every credential a client sends (Bearer tokens, Basic client secrets) is added to `secrets`."""

    def __init__(self, secrets: Secrets) -> None:
        self.secrets = secrets
        self.responses = 0
        self._original = requests.Session.send

    def __enter__(self) -> WireRecorder:
        recorder, original = self, self._original

        def send(session: requests.Session, request: requests.PreparedRequest, **kwargs: object) -> object:
            recorder.request(request)
            response = original(session, request, **kwargs)  # type: ignore[arg-type]
            recorder.response(response)
            return response

        requests.Session.send = send  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        requests.Session.send = self._original  # type: ignore[method-assign]

    def request(self, request: requests.PreparedRequest) -> None:
        authorization = str(request.headers.get("Authorization", ""))
        scheme, _, credential = authorization.partition(" ")
        if scheme.lower() == "bearer":
            self.secrets.add("bearer token", credential)
        elif scheme.lower() == "basic":
            with_secret = base64.b64decode(credential).decode("utf-8", "replace")
            self.secrets.add("client secret", with_secret.partition(":")[2])

    def response(self, response: requests.Response) -> None:
        self.responses += 1
        location = response.headers.get("location", "")
        for code in parse_qs(urlsplit(location).query).get("code", []):
            self.secrets.add("oauth code", code)
        if "json" in response.headers.get("content-type", ""):
            with contextlib.suppress(ValueError):
                self.secrets.harvest_json(response.json())


class LogCapture(logging.Handler):
    """Every record of every logger, at DEBUG, formatted as a log file would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def files_under(roots: Iterable[Path]) -> list[Path]:
    """Every regular file below `roots` (symlinks not followed), each once."""
    found: dict[Path, None] = {}
    for root in roots:
        if root.is_file():
            found[root] = None
            continue
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                if stat.S_ISREG(path.lstat().st_mode):
                    found[path] = None
    return list(found)


def scan(secrets: Secrets, files: Iterable[Path], logs: str = "") -> list[Hit]:
    """Where any form of any secret occurs: in a file's bytes or its path, or in the log text."""
    hits: list[Hit] = []
    log_bytes = logs.encode("utf-8", "surrogateescape")
    contents = [(str(path), path.read_bytes()) for path in files]
    for name, form in secrets.forms():
        for where, data in contents:
            if form in data or form in os.fsencode(where):
                hits.append(Hit(name, where))
        if form in log_bytes:
            hits.append(Hit(name, "log"))
    return hits
