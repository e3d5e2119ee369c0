"""Credentials: keyring when usable, memory (with a plain warning) when not, never a plaintext file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from wizard.credentials import (
    NO_KEYRING_WARNING,
    CredentialStore,
    app_service,
    backend_is_usable,
    district_service,
    sftp_service,
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (for unit tests)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.secrets[(service, username)]


class LockedKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")


HUB = "https://hub.example.com/"


def test_secrets_are_stored_per_hub_and_district() -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    store.set_admin_token(HUB, "d1", "token-one")
    store.set_admin_token("https://other-hub.example.com", "d1", "token-two")
    store.set_admin_token(HUB, "d2", "token-three")
    assert store.admin_token("https://HUB.example.com", "d1") == "token-one"
    assert store.admin_token("https://other-hub.example.com", "d1") == "token-two"
    assert (district_service(HUB, "d1"), "admin-token") in backend.secrets
    assert store.persistent and store.warning is None
    store.delete_admin_token(HUB, "d1")
    store.delete_admin_token(HUB, "d1")  # deleting twice is fine
    assert store.admin_token(HUB, "d1") is None
    fresh = CredentialStore(backend)  # another run of the wizard finds what was saved
    assert fresh.admin_token(HUB, "d2") == "token-three"


def test_app_secrets_and_sftp_passwords() -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    store.set_app_secret(HUB, "client-1", "s3cret")
    store.set_sftp_password("SFTP.clever.com", 22, "district-sftp", "pw")
    assert (
        store.app_secret(HUB, "client-1") == "s3cret"
        and store.sftp_password("sftp.clever.com", 22, "district-sftp") == "pw"
        and store.sftp_password("sftp.clever.com", 2222, "district-sftp") is None
    )
    assert (app_service(HUB, "client-1"), "client-secret") in backend.secrets
    assert (sftp_service("sftp.clever.com", 22), "district-sftp") in backend.secrets
    store.delete_app_secret(HUB, "client-1")
    store.delete_sftp_password("sftp.clever.com", 22, "district-sftp")
    assert backend.secrets == {}


def test_without_a_keyring_secrets_live_in_memory_and_the_user_is_told(tmp_path: Path) -> None:
    store = CredentialStore(keyring.backends.fail.Keyring())
    assert not store.persistent and store.warning == NO_KEYRING_WARNING
    assert "this session only" in NO_KEYRING_WARNING
    store.set_admin_token(HUB, "d1", "only-in-memory")
    assert store.admin_token(HUB, "d1") == "only-in-memory"
    assert CredentialStore(keyring.backends.fail.Keyring()).admin_token(HUB, "d1") is None
    written = [p for p in Path(os.environ["WIZARD_DATA_DIR"]).parent.rglob("*") if p.is_file()]
    assert not any("only-in-memory" in p.read_text(errors="ignore") for p in written)


@pytest.mark.expected_warning_log(r"keyring failed \(KeyringLocked\); keeping secrets in memory")
def test_a_keyring_failing_at_use_falls_back_to_memory() -> None:
    store = CredentialStore(LockedKeyring())
    assert store.persistent
    store.set_admin_token(HUB, "d1", "kept")
    assert not store.persistent and store.warning
    assert store.admin_token(HUB, "d1") == "kept"


def test_plaintext_backends_are_refused() -> None:
    plaintext = type("PlaintextKeyring", (MemoryKeyring,), {"__module__": "keyrings.alt.file"})
    assert not backend_is_usable(plaintext())
    assert not CredentialStore(plaintext()).persistent
    assert backend_is_usable(MemoryKeyring())


def test_repr_never_shows_secrets() -> None:
    store = CredentialStore(MemoryKeyring())
    store.set_admin_token(HUB, "d1", "very-secret-token")
    assert "very-secret-token" not in repr(store)


@pytest.mark.secret_service
@pytest.mark.skipif(
    os.environ.get("TEST_SECRET_SERVICE") != "1", reason="needs TEST_SECRET_SERVICE=1 (scripts/run-tests.sh)"
)
def test_real_secret_service_round_trip() -> None:
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    store = CredentialStore(backend)
    assert store.persistent, "the Secret Service under dbus-run-session should be usable"
    district = f"test-{uuid.uuid4().hex}"
    store.set_admin_token(HUB, district, "stored-in-gnome-keyring")
    try:
        assert (
            CredentialStore(SecretService.Keyring()).admin_token(HUB, district) == "stored-in-gnome-keyring"
        )
    finally:
        store.delete_admin_token(HUB, district)
    assert CredentialStore(SecretService.Keyring()).admin_token(HUB, district) is None
