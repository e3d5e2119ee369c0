"""The app catalog: data in the shipped app_catalog.json (wizard.resources), loaded into the hub's database with client credentials.

An app's client secret is stored only as a hash. It is shown once, when issued (first start, or
`reset_app_secret`), which is how a vendor receives its credentials from a real hub too.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from wizard.errors import UsageError
from wizard.resources import Traversable, resource
from wizard.sandbox.db import Database, dumps
from wizard.sandbox.store import token_hash

CATALOG_FILE = resource("app_catalog.json")
ICONS_DIR = resource("app_icons")
ICON_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@dataclass(frozen=True)
class AppCredentials:
    app_id: str
    client_id: str
    client_secret: str = field(repr=False)


def load_catalog(path: Traversable = CATALOG_FILE) -> list[dict[str, Any]]:
    try:
        apps: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["apps"]
    except (OSError, ValueError, KeyError) as error:
        raise UsageError(
            f"The app catalog {path} cannot be read ({error}).", "Reinstall the wizard."
        ) from None
    return apps


def sync_catalog(db: Database, path: Traversable = CATALOG_FILE) -> dict[str, AppCredentials]:
    """Insert new catalog apps (issuing their credentials) and refresh the others' descriptions."""
    issued: dict[str, AppCredentials] = {}
    with db.transaction() as conn:
        for entry in load_catalog(path):
            row = conn.execute("SELECT id FROM apps WHERE id = ?", (entry["id"],)).fetchone()
            if row is not None:
                conn.execute(
                    "UPDATE apps SET name = ?, data = ? WHERE id = ?",
                    (entry["name"], dumps(entry), entry["id"]),
                )
                continue
            credentials = AppCredentials(entry["id"], secrets.token_hex(10), secrets.token_hex(20))
            conn.execute(
                "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES (?, ?, ?, ?, ?)",
                (
                    entry["id"],
                    entry["name"],
                    dumps(entry),
                    credentials.client_id,
                    token_hash(credentials.client_secret),
                ),
            )
            issued[entry["id"]] = credentials
    return issued


def reset_app_secret(db: Database, app_id: str) -> AppCredentials:
    """Issue a new client secret for an app (the old one stops working) and return it once."""
    secret = secrets.token_hex(20)
    with db.transaction() as conn:
        row = conn.execute("SELECT client_id FROM apps WHERE id = ?", (app_id,)).fetchone()
        if row is None:
            raise UsageError(f"There is no app {app_id!r} in the hub's catalog.")
        conn.execute("UPDATE apps SET secret_hash = ? WHERE id = ?", (token_hash(secret), app_id))
    return AppCredentials(app_id, str(row["client_id"]), secret)


def icon_content(entry: dict[str, Any]) -> tuple[bytes, str] | None:
    """The catalog app's icon (bytes, media type), or None. Only a plain file name in the shipped icons folder."""
    name = str(entry.get("icon") or "")
    media = ICON_TYPES.get(PurePath(name).suffix.lower())
    if not name or media is None or PurePath(name).name != name or name.startswith("."):
        return None
    icon = ICONS_DIR / name
    return (icon.read_bytes(), media) if icon.is_file() else None
