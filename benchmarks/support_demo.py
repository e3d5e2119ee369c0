"""The support view's promise, timed: from an app's credentials to "these N students at Cedar Middle will not
be linked, here is why, here is the file" on the embedded hub's demo data, in well under a minute.

    PYTHONPATH=. python benchmarks/support_demo.py [--page-size N] [--busy]
    PYTHONPATH=. python benchmarks/support_demo.py --synthetic 250000

Starts the embedded hub on a free port with the demo district, then runs exactly what `main.py support` runs
(districts, Data API read with paging, health, login-link check against the demo Symphony Math roster, the
CSVs and the HTML report) and prints the time of each step. `--busy` injects 429s into a third of the Data
API calls (Retry-After 1 s) to show the cost of a rate-limited hub. `--synthetic N` times the checks alone
(no HTTP) on a made-up district of N students and a vendor roster of as many accounts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from wizard.hub.dataapi import DataApiClient
from wizard.hub.onboarding import VendorClient
from wizard.sandbox.seed import seed_demo, write_demo_vendor_roster
from wizard.sandbox.server import start_hub
from wizard.sandbox.settings import FaultRule, HubSettings
from wizard.support.run import run_support_checks, write_outputs


def synthetic(students: int) -> None:
    """Health, login links and the report for a district of `students` students, without the network."""
    from wizard.hub.dataapi import DataDistrict, DataSchool, DataSection, DataUser
    from wizard.support.health import assess_health
    from wizard.support.linkcheck import check_login_links, read_vendor_roster
    from wizard.support.reading import DistrictSnapshot
    from wizard.support.report import ReportContext, render_report

    schools = [DataSchool.from_json({"id": f"s{i}", "name": f"School {i}"}) for i in range(60)]
    users = [
        DataUser.from_json(
            {
                "id": f"u{n:07d}",
                "name": {"first": f"First{n % 3000}", "last": f"Last{n % 2000}"},
                "roles": {"student": {"sis_id": f"{n:08d}", "school": f"s{n % 60}"}},
            }
        )
        for n in range(students)
    ]
    sections = [
        DataSection.from_json(
            {
                "id": f"c{i}",
                "school": f"s{i % 60}",
                "teachers": ["t"],
                "students": [f"u{n:07d}" for n in range(i, students, students // 25 or 1)],
            }
        )
        for i in range(students // 25)
    ]
    snapshot = DistrictSnapshot(
        DataDistrict.from_json({"id": "d", "name": "Big"}),
        tuple(schools),
        tuple(users),
        tuple(sections),
        (),
        0,
    )
    with tempfile.TemporaryDirectory() as folder:
        roster = Path(folder) / "roster.csv"
        with roster.open("w", encoding="utf-8") as handle:
            handle.write("Username,ExternalID,FirstName,LastName\n")
            for n in range(students):
                external = f"{n:08d}" if n % 10 else f"{n:08d}".lstrip("0")
                handle.write(f"user{n},{external},First{n % 3000},Last{n % 2000}\n")
        began = time.perf_counter()
        health = assess_health(snapshot, dt.date.today())
        checked = time.perf_counter()
        links = check_login_links(snapshot, read_vendor_roster(roster))
        linked = time.perf_counter()
        context = ReportContext("https://hub.example", "client", "App", dt.datetime.now(dt.UTC))
        html = render_report(context, health, links=links)
        done = time.perf_counter()
    print(f"{students:,} students: health {checked - began:.2f} s, login links {linked - checked:.2f} s "
          f"({links.not_linked:,} not linked), report {done - linked:.2f} s ({len(html) // 1024} KiB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--busy", action="store_true", help="inject 429s into a third of the Data API calls")
    parser.add_argument("--synthetic", type=int, metavar="N", help="time the checks alone for N students")
    args = parser.parse_args()
    if args.synthetic:
        synthetic(args.synthetic)
        return
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        settings = HubSettings(random_seed=1)
        hub = start_hub(Path(folder) / "hub.sqlite3", settings=settings)
        seed = seed_demo(hub.context.db, settings)
        roster = write_demo_vendor_roster(Path(folder) / "symphony-roster.csv")
        if args.busy:
            hub.set_faults([FaultRule("/v3.*/*", rate_limit_rate=0.33, retry_after=1)])
        print(f"hub with the demo district up in {time.perf_counter() - started:.2f} s")
        credentials = seed.credentials["symphony-math"]
        began = time.perf_counter()
        client = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret)
        vendor = VendorClient(hub.base_url, credentials.client_id, credentials.client_secret)
        run = run_support_checks(
            client,
            vendor,
            district_id=None,
            roster_path=roster,
            today=dt.date.today(),
            page_size=args.page_size,
        )
        checked = time.perf_counter()
        paths = write_outputs(run, Path(folder) / "out", generated=dt.datetime.now(dt.UTC))
        done = time.perf_counter()
        worst = run.links.worst_school() if run.links else None
        print(f"checks: {checked - began:.2f} s ({run.snapshot.requests} Data API pages)")
        print(f"files:  {done - checked:.2f} s ({', '.join(p.name for p in paths)})")
        if worst:
            print(f"finding: {worst.not_linked_total} students at {worst.school} will not be linked")
        print(f"credentials to file: {done - began:.2f} s")
        client.close()
        vendor.close()
        hub.stop()


if __name__ == "__main__":
    main()
