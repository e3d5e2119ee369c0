"""Secrets in the operating system's keyring — the only module that imports keyring.

Each secret lives under a service name made of the hub URL and the district (or the app, for an app's client
secret), so two hubs or two districts never overwrite each other. When no usable keyring exists (a headless
Linux without a Secret Service), secrets are kept in memory for this run only and `warning` says so in plain
words; they are never written to a plain file, and plaintext keyring backends are refused.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import cast

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE_PREFIX = "district-onboarding-wizard"
ADMIN_TOKEN = "admin-token"
CLIENT_SECRET = "client-secret"

NO_KEYRING_WARNING = (
    "No system keyring is available on this computer, so the wizard keeps your sign-in and secrets in memory "
    "for this session only: you will need to enter them again next time. To keep them safely, install and "
    "unlock a keyring (GNOME Keyring or KWallet on Linux)."
)
# Backends that exist but do not keep secrets safe (plain files) or at all (null).
REFUSED_BACKEND_MODULES = ("keyrings.alt", "keyring.backends.null", "keyring.backends.fail")


def _normalised_hub(hub_url: str) -> str:
    return hub_url.strip().rstrip("/").lower()


def district_service(hub_url: str, district_id: str) -> str:
    return f"{SERVICE_PREFIX}:{_normalised_hub(hub_url)}:district:{district_id}"


def app_service(hub_url: str, client_id: str) -> str:
    return f"{SERVICE_PREFIX}:{_normalised_hub(hub_url)}:app:{client_id}"


def staff_service(hub_url: str, district_id: str) -> str:
    return f"{SERVICE_PREFIX}:{_normalised_hub(hub_url)}:district:{district_id}:staff"


def sftp_service(host: str, port: int) -> str:
    return f"{SERVICE_PREFIX}:sftp:{host.strip().lower()}:{port}"


def smtp_service(host: str, port: int) -> str:
    return f"{SERVICE_PREFIX}:smtp:{host.strip().lower()}:{port}"


def backend_is_usable(backend: keyring.backend.KeyringBackend) -> bool:
    module = type(backend).__module__
    if module.startswith(REFUSED_BACKEND_MODULES):
        return False
    if hasattr(backend, "backends"):  # the chainer: usable if any of its members is
        return any(backend_is_usable(member) for member in backend.backends)
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend whose availability check itself fails is not usable
        return False


@dataclass(frozen=True)
class _Key:
    service: str
    username: str


class CredentialStore:
    """Stores and reads the wizard's secrets. Thread-safe; the GUI holds one for the whole session."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        """`backend`: the keyring to use; by default the system's, looked up on first use (finding it loads
        every keyring backend and may ask the desktop's secret service: not while the wizard opens)."""
        self._given = backend
        self._found: keyring.backend.KeyringBackend | None = None
        self._usable = False
        self._finding = threading.Lock()
        self._memory: dict[_Key, str] = {}
        self._lock = threading.Lock()

    def find_keyring(self) -> None:
        """Look up the keyring now (e.g. on a background thread once the window shows), not at first use."""
        self._find()

    def _find(self) -> keyring.backend.KeyringBackend:
        found = self._found
        if found is not None:
            return found
        with self._finding:
            if self._found is None:
                backend = self._given if self._given is not None else keyring.get_keyring()
                self._usable = backend_is_usable(backend)
                if not self._usable:  # not a fault: callers show `warning` to the user in their own words
                    log.info("no usable keyring backend (%s); secrets kept in memory", type(backend).__name__)
                self._found = backend
            return self._found

    @property
    def _backend(self) -> keyring.backend.KeyringBackend:
        return self._find()

    @property
    def _persistent(self) -> bool:
        self._find()
        return self._usable

    @_persistent.setter
    def _persistent(self, value: bool) -> None:
        self._find()
        self._usable = value

    def __repr__(self) -> str:
        where = type(self._backend).__name__ if self._persistent else "memory only"
        return f"CredentialStore({where})"

    @property
    def persistent(self) -> bool:
        """True when secrets survive this run (a real keyring), False when they live in memory only."""
        return self._persistent

    @property
    def warning(self) -> str | None:
        """What to tell the user when secrets cannot be kept, else None."""
        return None if self._persistent else NO_KEYRING_WARNING

    # ---- generic ----

    def _fall_back(self, error: Exception) -> None:
        log.warning("keyring failed (%s); keeping secrets in memory for this run", type(error).__name__)
        self._persistent = False

    def set_secret(self, service: str, username: str, secret: str) -> None:
        key = _Key(service, username)
        with self._lock:
            self._memory[key] = secret
            if self._persistent:
                try:
                    self._backend.set_password(service, username, secret)
                except (keyring.errors.KeyringError, RuntimeError, OSError) as error:
                    self._fall_back(error)

    def get_secret(self, service: str, username: str) -> str | None:
        key = _Key(service, username)
        with self._lock:
            if self._persistent:
                try:
                    stored = self._backend.get_password(service, username)
                except (keyring.errors.KeyringError, RuntimeError, OSError) as error:
                    self._fall_back(error)
                else:
                    if stored is not None:
                        return stored
            return self._memory.get(key)

    def delete_secret(self, service: str, username: str) -> None:
        with self._lock:
            self._memory.pop(_Key(service, username), None)
            if self._persistent:
                try:
                    self._backend.delete_password(service, username)
                except keyring.errors.PasswordDeleteError:
                    pass  # nothing stored: already gone
                except (keyring.errors.KeyringError, RuntimeError, OSError) as error:
                    self._fall_back(error)

    # ---- the wizard's secrets ----

    def set_admin_token(self, hub_url: str, district_id: str, token: str) -> None:
        self.set_secret(district_service(hub_url, district_id), ADMIN_TOKEN, token)

    def admin_token(self, hub_url: str, district_id: str) -> str | None:
        return self.get_secret(district_service(hub_url, district_id), ADMIN_TOKEN)

    def delete_admin_token(self, hub_url: str, district_id: str) -> None:
        self.delete_secret(district_service(hub_url, district_id), ADMIN_TOKEN)

    def set_app_secret(self, hub_url: str, client_id: str, secret: str) -> None:
        self.set_secret(app_service(hub_url, client_id), CLIENT_SECRET, secret)

    def app_secret(self, hub_url: str, client_id: str) -> str | None:
        return self.get_secret(app_service(hub_url, client_id), CLIENT_SECRET)

    def delete_app_secret(self, hub_url: str, client_id: str) -> None:
        self.delete_secret(app_service(hub_url, client_id), CLIENT_SECRET)

    # A school tech lead's own token, kept under their district and email when this computer added them (so the
    # district admin can try the tech lead's view here; the tech lead signs in with it on their own computer).

    def set_staff_token(self, hub_url: str, district_id: str, email: str, token: str) -> None:
        self.set_secret(staff_service(hub_url, district_id), email.strip().lower(), token)

    def staff_token(self, hub_url: str, district_id: str, email: str) -> str | None:
        return self.get_secret(staff_service(hub_url, district_id), email.strip().lower())

    def delete_staff_token(self, hub_url: str, district_id: str, email: str) -> None:
        self.delete_secret(staff_service(hub_url, district_id), email.strip().lower())

    # An SFTP password belongs to the account on one SFTP server (the embedded hub's, sftp.clever.com…),
    # so it is stored under that server's address and the account's username.

    def set_sftp_password(self, host: str, port: int, username: str, password: str) -> None:
        self.set_secret(sftp_service(host, port), username, password)

    def sftp_password(self, host: str, port: int, username: str) -> str | None:
        return self.get_secret(sftp_service(host, port), username)

    def delete_sftp_password(self, host: str, port: int, username: str) -> None:
        self.delete_secret(sftp_service(host, port), username)

    # The hub's mail server password belongs to its account on that server.

    def set_smtp_password(self, host: str, port: int, user: str, password: str) -> None:
        self.set_secret(smtp_service(host, port), user, password)

    def smtp_password(self, host: str, port: int, user: str) -> str | None:
        return self.get_secret(smtp_service(host, port), user)


_default_store: CredentialStore | None = None
_default_lock = threading.Lock()


def default_store() -> CredentialStore:
    """The process-wide store on the system keyring (created on first use)."""
    global _default_store
    with _default_lock:
        if _default_store is None:
            _default_store = CredentialStore()
        return _default_store


class _NoKeyring:
    """A keyring backend that never stores anything (priority 0), so the store keeps secrets in memory."""

    priority = 0


class _ProcessKeyring:
    """A usable keyring backend that lives as long as this process: for the screenshot tour and tests, which
    must walk the keyring path without ever touching the user's keyring."""

    priority = 1

    def __init__(self) -> None:
        self._secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def process_keyring_store() -> CredentialStore:
    """A credential store on a keyring of this process only (the tour, tests): it behaves as a real keyring
    (the sign-in is 'saved'), and everything in it is gone when the process ends."""
    return CredentialStore(backend=cast("keyring.backend.KeyringBackend", _ProcessKeyring()))


def memory_only_store() -> CredentialStore:
    """A credential store that keeps secrets in memory for this run only (demo tours, never the user's keyring)."""
    return CredentialStore(backend=cast("keyring.backend.KeyringBackend", _NoKeyring()))
