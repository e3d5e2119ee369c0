"""Helpers for tests of file sync over SFTP: a hub serving SFTP on loopback, districts with SFTP accounts."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.hub_support import FakeClock, SignedUp, sign_up, small_roster, write_roster
from wizard.hub.sftp import KnownHosts, SftpLogin, SftpTarget
from wizard.sandbox.server import RunningHub, SftpOptions, start_hub
from wizard.sandbox.settings import HubSettings

QUIET = 0.4  # the hub's quiet period in these tests (the real hub waits 300 s)
MAX_FILE = 256 * 1024  # the hub's per-file limit in these tests, so "too large" is quick to reach


@dataclass
class SftpDistrict:
    signed: SignedUp
    hub: RunningHub
    username: str
    password: str = field(repr=False)

    @property
    def target(self) -> SftpTarget:
        assert self.hub.sftp is not None
        return SftpTarget(self.username, "127.0.0.1", self.hub.sftp.port)

    @property
    def login(self) -> SftpLogin:
        return SftpLogin(password=self.password)

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = f"{self.hub.base_url}/api/v1/districts/{self.signed.district_id}{path}"
        headers = {"Authorization": f"Bearer {self.signed.admin_token}"}
        return requests.request(method, url, headers=headers, timeout=10, **kwargs)

    def uploads(self) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = self.api("GET", "/uploads").json()["data"]
        return body

    def wait_for_processed(self, count: int = 1, timeout: float = 30) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.uploads()
            if len(found) >= count and all(item["status"] not in ("queued", "processing") for item in found):
                return found
            time.sleep(0.05)
        raise AssertionError(f"no processed upload after {timeout} s: {self.uploads()}")

    def folder(self) -> dict[str, Any]:
        folder: dict[str, Any] = self.api("GET", "/sftp").json()["folder"]
        return folder


def sftp_district(hub: RunningHub, clock: FakeClock, name: str = "Riverside Unified") -> SftpDistrict:
    signed = sign_up(hub, clock, name)
    answer = requests.post(
        f"{hub.base_url}/api/v1/districts/{signed.district_id}/sftp/password",
        headers={"Authorization": f"Bearer {signed.admin_token}"},
        timeout=10,
    ).json()
    return SftpDistrict(signed, hub, answer["username"], answer["password"])


@pytest.fixture
def sftp_hub(tmp_path: Path, clock: FakeClock) -> Iterator[RunningHub]:
    settings = HubSettings(vendor_delay=30.0, clock=clock, random_seed=7)
    options = SftpOptions(port=0, quiet_seconds=QUIET, max_file_bytes=MAX_FILE)
    with start_hub(tmp_path / "hub.sqlite3", settings=settings, sftp=options) as running:
        yield running


@pytest.fixture
def known_hosts(tmp_path: Path) -> KnownHosts:
    return KnownHosts(tmp_path / "known_hosts")


def roster_files(folder: Path) -> list[Path]:
    return write_roster(folder, small_roster())
