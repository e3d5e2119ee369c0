"""A district's file-sync settings (`/api/v1/districts/{d}/sftp`): SFTP username, password, SSH keys, folder.

`GET` shows the username, where the hub's SFTP server listens with its host key fingerprint, the registered
keys and what is waiting in the folder (with when processing is expected). `POST …/password` creates the
account on first use and returns a new password; it is shown this once and kept only as a hash.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi import APIRouter

from wizard.sandbox import sftp_accounts
from wizard.sandbox.deps import (
    ApiError,
    Context,
    District,
    HubContext,
    error_responses,
    invalid_fields,
    not_found,
)
from wizard.sandbox.store import district_row, iso
from wizard.sandbox.uploads import ACCEPTED_NAMES
from wizard.wire.sftp import SftpKeyIn, SftpKeyOut, SftpKeyRemoved, SftpPasswordOut, SftpSettingsOut

router = APIRouter(prefix="/api/v1", responses=error_responses(401, 404, 409, 422))


def key_id(fingerprint: str) -> str:
    """A key's id in URLs: its SHA256 fingerprint without the prefix, in URL-safe base64."""
    return fingerprint.removeprefix("SHA256:").replace("+", "-").replace("/", "_")


def _key_view(key: sftp_accounts.RegisteredKey) -> dict[str, Any]:
    return {
        "id": key_id(key.fingerprint),
        "fingerprint": key.fingerprint,
        "type": key.key_type,
        "comment": key.comment,
        "added": key.added,
    }


def _settings_view(conn: sqlite3.Connection, context: HubContext, district_id: str) -> dict[str, Any]:
    account = sftp_accounts.account(conn, district_id)
    service = context.sftp
    folder = service.folders.status(district_id).as_dict() if service is not None else None
    return {
        "enabled": service is not None,
        "host": service.host if service is not None else None,
        "port": service.port if service is not None else None,
        "host_key_fingerprint": service.fingerprint if service is not None else None,
        "quiet_seconds": service.quiet_seconds if service is not None else None,
        "username": account.username if account else None,
        "password_set": bool(account and account.password_hash),
        "password_set_at": sftp_accounts.password_set_at(conn, district_id),
        "keys": [_key_view(key) for key in sftp_accounts.keys(conn, district_id)],
        "accepted_names": sorted(ACCEPTED_NAMES),
        "folder": folder,
    }


def _district_name(conn: sqlite3.Connection, district_id: str) -> str:
    row = district_row(conn, district_id)
    if row is None:
        raise not_found("district")
    return str(row["name"])


@router.get("/districts/{district_id}/sftp", response_model=SftpSettingsOut)
def sftp_settings(district_id: District, context: Context) -> dict[str, Any]:
    """The district's SFTP username (created on first request), server address, keys and folder."""
    with context.db.transaction() as conn:
        sftp_accounts.ensure_account(conn, district_id, _district_name(conn, district_id), iso(context.now()))
        return _settings_view(conn, context, district_id)


@router.post("/districts/{district_id}/sftp/password", response_model=SftpPasswordOut)
def rotate_sftp_password(district_id: District, context: Context) -> dict[str, Any]:
    """A new SFTP password, returned this once (the hub keeps only its hash); the old one stops working."""
    password = sftp_accounts.new_password()
    hashed = sftp_accounts.hash_password(password)
    with context.db.transaction() as conn:
        now = iso(context.now())
        sftp_accounts.ensure_account(conn, district_id, _district_name(conn, district_id), now)
        sftp_accounts.rotate_password(conn, district_id, hashed, now)
        return {**_settings_view(conn, context, district_id), "password": password}


@router.post("/districts/{district_id}/sftp/keys", status_code=201, response_model=SftpKeyOut)
def add_sftp_key(district_id: District, body: SftpKeyIn, context: Context) -> dict[str, Any]:
    """Register an SSH public key (OpenSSH one-line form) for the district's SFTP login."""
    try:
        key = sftp_accounts.parse_public_key(body.public_key)
    except sftp_accounts.KeyRefused as refused:
        raise invalid_fields({"public_key": str(refused)}) from None
    with context.db.transaction() as conn:
        now = iso(context.now())
        sftp_accounts.ensure_account(conn, district_id, _district_name(conn, district_id), now)
        try:
            added = sftp_accounts.add_key(conn, district_id, key, now)
        except sftp_accounts.KeyRefused as refused:
            raise ApiError(409, "too_many_keys", str(refused)) from None
        return _key_view(added)


@router.delete("/districts/{district_id}/sftp/keys/{key}", response_model=SftpKeyRemoved)
def remove_sftp_key(district_id: District, key: str, context: Context) -> dict[str, Any]:
    with context.db.transaction() as conn:
        for registered in sftp_accounts.keys(conn, district_id):
            if key_id(registered.fingerprint) == key:
                sftp_accounts.remove_key(conn, district_id, registered.fingerprint)
                return {"removed": _key_view(registered)}
    raise not_found("SSH key")
