"""A district's file-sync settings on the onboarding API (`/api/v1/districts/{d}/sftp`): its answers."""

from __future__ import annotations

from pydantic import BaseModel, Field

from wizard.wire.onboarding import Answer


class SftpKeyIn(BaseModel):
    public_key: str = Field(description="an OpenSSH public key line, e.g. 'ssh-ed25519 AAAA… admin@district'")


class SftpKeyOut(Answer):
    id: str
    fingerprint: str
    type: str
    comment: str
    added: str


class SftpFolderOut(Answer):
    files: list[str]
    missing: list[str]
    transfers_open: int
    last_change: str | None
    processing_expected_at: str | None


class SftpSettingsOut(Answer):
    enabled: bool
    host: str | None
    port: int | None
    host_key_fingerprint: str | None
    quiet_seconds: float | None
    username: str | None
    password_set: bool
    password_set_at: str | None
    keys: list[SftpKeyOut]
    accepted_names: list[str]
    folder: SftpFolderOut | None


class SftpPasswordOut(SftpSettingsOut):
    password: str = Field(repr=False)  # shown this once; the hub keeps only its hash


class SftpKeyRemoved(Answer):
    removed: SftpKeyOut
