"""Shared helpers for tests that run the embedded hub as a real server and talk to it over HTTP."""

from __future__ import annotations

import csv
import random
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wizard.hub.dataapi import DataApiClient, DistrictData
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.hub.transport import RetryPolicy
from wizard.sandbox.catalog import AppCredentials
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.server import RunningHub, start_hub
from wizard.sandbox.settings import HubSettings

START = 1_790_000_000.0  # 2026-09-21, a fixed "now" for the hub's injected clock
FAST = RetryPolicy(attempts=4, backoff=0.001, max_backoff=0.01, connect_timeout=2, read_timeout=5)

SIGNUP_DISTRICT = {
    "name": "Riverside Unified",
    "state": "CA",
    "nces_id": "0633333",
    "sis_vendor": "PowerSchool",
}
SIGNUP_ADMIN = {"name": "Jordan Lee", "email": "jordan.lee@riverside.k12.ca.us", "phone": "(555) 010-4477"}


class FakeClock:
    """The hub's and the clients' notion of time in tests: advanced by hand (or by a client's 'sleep')."""

    def __init__(self, start: float = START) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds

    def sleep(self, seconds: float) -> None:
        """A client's sleep: records the wait and moves time on instead of waiting."""
        self.sleeps.append(seconds)
        self.advance(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hub_settings(clock: FakeClock) -> HubSettings:
    return HubSettings(vendor_delay=30.0, clock=clock, random_seed=7)


@pytest.fixture
def hub(tmp_path: Path, hub_settings: HubSettings) -> Iterator[RunningHub]:
    with start_hub(tmp_path / "hub.sqlite3", settings=hub_settings) as running:
        yield running


@dataclass
class SignedUp:
    client: OnboardingClient
    district_id: str
    admin_token: str = field(repr=False)


def sign_up(hub: RunningHub, clock: FakeClock, name: str = "Riverside Unified") -> SignedUp:
    client = OnboardingClient(hub.base_url, policy=FAST, sleep=clock.sleep)
    nces_id = (
        SIGNUP_DISTRICT["nces_id"]
        if name == SIGNUP_DISTRICT["name"]
        else f"06{zlib.crc32(name.encode()) % 100_000:05d}"
    )
    result = client.signup({**SIGNUP_DISTRICT, "name": name, "nces_id": nces_id}, SIGNUP_ADMIN)
    return SignedUp(client, result.district.id, result.admin_token)


@pytest.fixture
def district(hub: RunningHub, clock: FakeClock) -> Iterator[SignedUp]:
    signed = sign_up(hub, clock)
    yield signed
    signed.client.close()


def write_roster(folder: Path, tables: dict[str, list[dict[str, str]]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, rows in tables.items():
        path = folder / f"{kind}.csv"
        columns = list(dict.fromkeys(column for row in rows for column in row)) or ["School_id"]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths


def small_roster() -> dict[str, list[dict[str, str]]]:
    """The demo generator with few students: four schools, every kind of record, quick to process."""
    tables = demo_tables(random.Random(11), students_per_grade=3)
    coach = next(row for row in tables["teachers"] if row["Teacher_email"])
    tables["staff"] = [  # one is also a teacher (same email): one user with two roles
        {"School_id": coach["School_id"], "Staff_id": "ST1", "Staff_email": coach["Teacher_email"],
         "First_name": coach["First_name"], "Last_name": coach["Last_name"], "Title": "Math coach", "Role": "Coach"},
        {"School_id": "101", "Staff_id": "ST2", "Staff_email": "nurse@maplevalley.k12.ca.us", "First_name": "Kim",
         "Last_name": "Lee", "Title": "Nurse", "Role": "Nurse"},
    ]  # fmt: skip
    return tables


def upload_roster(
    signed: SignedUp, folder: Path, tables: dict[str, list[dict[str, str]]] | None = None
) -> str:
    paths = write_roster(folder, tables if tables is not None else small_roster())
    upload = signed.client.upload_roster(signed.district_id, paths)
    done = signed.client.wait_for_upload(signed.district_id, upload.id, timeout=30, interval=0.02)
    return done.status


def connect(
    hub: RunningHub, clock: FakeClock, signed: SignedUp, app_id: str, folder: Path, sharing: SharingSettings
) -> AppCredentials:
    """Upload a roster, connect `app_id`, share as told; return the app's (fresh) credentials."""
    upload_roster(signed, folder)
    client, district_id = signed.client, signed.district_id
    connection = client.add_connection(district_id, app_id)
    client.authorize(district_id, connection.id)
    clock.advance(hub.settings.vendor_delay + 1)
    if client.connection(district_id, connection.id).status == "vendor_requested_info":
        client.send_message(district_id, connection.id, "Done.")
        clock.advance(hub.settings.vendor_delay + 1)
    client.set_sharing(district_id, connection.id, sharing)
    return hub.reset_app_secret(app_id)


def data_for(
    hub: RunningHub, clock: FakeClock, credentials: AppCredentials, page_size: int = 1000
) -> DistrictData:
    api = DataApiClient(
        hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST, sleep=clock.sleep
    )
    [token] = api.district_tokens()
    return api.for_district(token, page_size=page_size)
