"""Benchmark: the embedded hub with a large district, over HTTP with the product's clients.

    python benchmarks/hub_data_api.py --students-per-grade 1050   # about 20,000 students

Measures the upload (re-validation by the roster engine, diff, store), then reading every shared user through
the Data API with paging, at two page sizes. Targets: a 20,000-student upload processed in under a minute, and
the Data API serving at least 5,000 users per second at 1,000 per page. Measured on 2 shared cores: 4.2 s
and 8,400 users/s (1,000 per page), 14,000 users/s (10,000 per page).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hub_support import SIGNUP_ADMIN, SIGNUP_DISTRICT, write_roster
from wizard.hub.dataapi import DataApiClient
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.seed import demo_tables
from wizard.sandbox.server import start_hub
from wizard.sandbox.settings import HubSettings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--students-per-grade",
        type=int,
        default=1050,
        help="students per grade and school (19 school-grades: ~20,000 at 1050)",
    )
    args = parser.parse_args()
    tables = demo_tables(random.Random(1), students_per_grade=args.students_per_grade)
    with (
        tempfile.TemporaryDirectory() as folder,
        start_hub(
            Path(folder) / "hub.sqlite3", settings=HubSettings(vendor_delay=0, rate_limit=10**9)
        ) as hub,
    ):
        paths = write_roster(Path(folder) / "roster", tables)
        client = OnboardingClient(hub.base_url)
        district = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN).district
        started = time.perf_counter()
        upload = client.upload_roster(district.id, paths)
        done = client.wait_for_upload(district.id, upload.id, interval=0.1)
        upload_seconds = time.perf_counter() - started
        print(f"upload of {len(tables['students'])} students: {done.status} in {upload_seconds:.1f} s")
        connection = client.add_connection(district.id, "amplify-curriculum")
        client.authorize(district.id, connection.id)
        client.connection(district.id, connection.id)
        client.set_sharing(district.id, connection.id, SharingSettings("district"))
        credentials = hub.reset_app_secret("amplify-curriculum")
        api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret)
        [token] = api.district_tokens()
        for page_size in (1000, 10000):
            started = time.perf_counter()
            count = sum(1 for _ in api.for_district(token, page_size=page_size).users())
            seconds = time.perf_counter() - started
            print(f"Data API users, {page_size}/page: {count} in {seconds:.2f} s ({count / seconds:,.0f}/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
