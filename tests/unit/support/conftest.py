"""One demo hub per test module: the embedded hub over HTTP, seeded with Maple Valley (Symphony Math and
Amplify connected), a fake clock the clients' sleeps advance, and Symphony's demo roster export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.hub_support import FAST, FakeClock
from wizard.hub.dataapi import DataApiClient
from wizard.hub.onboarding import VendorClient
from wizard.sandbox.catalog import AppCredentials
from wizard.sandbox.seed import DemoSeed, write_demo_vendor_roster
from wizard.sandbox.server import RunningHub, start_hub
from wizard.sandbox.settings import HubSettings
from wizard.support.reading import DistrictSnapshot, connected_districts, read_district

TODAY = dt.date(2026, 11, 2)  # inside the demo's 2026-2027 term, after Symphony's 2026-09-01 launch


@dataclass
class Demo:
    hub: RunningHub
    clock: FakeClock
    seed: DemoSeed = field(repr=False)
    roster_path: Path

    @property
    def symphony(self) -> AppCredentials:
        return self.seed.credentials["symphony-math"]

    def client(self, credentials: AppCredentials | None = None, **kwargs: object) -> DataApiClient:
        credentials = credentials or self.symphony
        options: dict[str, object] = {
            "policy": FAST,
            "sleep": self.clock.sleep,
            "clock": self.clock,
            **kwargs,
        }
        return DataApiClient(self.hub.base_url, credentials.client_id, credentials.client_secret, **options)  # type: ignore[arg-type]

    def vendor(self) -> VendorClient:
        return VendorClient(
            self.hub.base_url, self.symphony.client_id, self.symphony.client_secret, policy=FAST
        )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-hub")
    clock = FakeClock()
    settings = HubSettings(vendor_delay=30.0, clock=clock, random_seed=7)
    with start_hub(folder / "hub.sqlite3", settings=settings) as hub:
        seed = hub.seed_demo()  # its fresh app secrets reach the simulated vendor apps too
        yield Demo(hub, clock, seed, write_demo_vendor_roster(folder / "symphony-roster.csv"))


@pytest.fixture(scope="module")
def snapshot(demo: Demo) -> DistrictSnapshot:
    """What Maple Valley shares with Symphony Math (three schools), read once per module."""
    client = demo.client()
    try:
        [district] = connected_districts(client)
        return read_district(client.for_district(district.token), sleep=demo.clock.sleep)
    finally:
        client.close()
