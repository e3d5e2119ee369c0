"""The Qt-free measurements, each run by the benchmark in a fresh process:

    python -m wizard.bench.measures floor DISTRICT_FOLDER OUT_FOLDER
    python -m wizard.bench.measures hub HUB_FILES_FOLDER WORK_FOLDER

Each prints one JSON object on its last stdout line. The whole-process wall time and the peak resident set are
taken by the parent from the OS (wait4), so they include interpreter start and imports.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

DEMO_STUDENTS_PER_GRADE = 12  # the demo district the hub seeds (wizard.sandbox.seed)
PAGE_REPEATS = 20


def floor(district: Path, out: Path) -> dict[str, Any]:
    """The I/O floor: pyarrow reads every input file with every column as text and writes it back, nothing else."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    for path in sorted(district.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as stream:
            header = next(csv.reader(stream))
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
            ),
        )
        rows += table.num_rows
        pacsv.write_csv(table, out / path.name.lower())
    return {"rows": rows}


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = list(dict.fromkeys(column for row in rows for column in row)) or ["School_id"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


class _Progressive(dict[str, Any]):
    """Results printed (as one JSON line) each time one is added, so a later failure keeps the earlier ones."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        print(json.dumps(self), flush=True)


def _timed(action: Any, repeats: int = PAGE_REPEATS) -> float:
    """The median wall time of `action()` in milliseconds."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - started))
    return sorted(times)[len(times) // 2]


def hub(hub_files: Path, work: Path) -> dict[str, Any]:
    """Upload the prepared district to the embedded hub over HTTP and read it back through the Data API client;
    then time one 100-user page and the onboarding calls the wizard makes, in this district and in the demo."""
    from wizard.hub.dataapi import DataApiClient
    from wizard.hub.models import SharingSettings
    from wizard.hub.onboarding import OnboardingClient
    from wizard.sandbox.seed import demo_tables
    from wizard.sandbox.server import SftpOptions, start_hub
    from wizard.sandbox.settings import HubSettings

    demo_folder = work / "demo"
    demo_folder.mkdir(parents=True, exist_ok=True)
    demo = demo_tables(random.Random(1), students_per_grade=DEMO_STUDENTS_PER_GRADE)
    demo_paths = [_write_csv(demo_folder / f"{kind}.csv", rows) for kind, rows in demo.items()]
    from wizard.roster import spec

    hub_names = {spec.hub_file_name(kind) for kind in spec.HUB_KINDS}
    big_paths = sorted(path for path in hub_files.glob("*.csv") if path.name in hub_names)
    settings = HubSettings(vendor_delay=0, rate_limit=10**9, hold_threshold=1.0)
    results = _Progressive()
    with start_hub(
        work / "hub.sqlite3", settings=settings, sftp=SftpOptions(port=0, quiet_seconds=0.5)
    ) as running:
        client = OnboardingClient(running.base_url)
        districts: dict[str, tuple[str, str, str]] = {}
        for nces_id, (label, paths) in zip(
            ("0600001", "0600003"), (("demo", demo_paths), ("district", big_paths)), strict=True
        ):
            signed = client.signup(  # one district per NCES id: each bench district has its own
                {"name": f"Bench {label}", "state": "CA", "nces_id": nces_id, "sis_vendor": "PowerSchool"},
                {"name": "Dana Bench", "email": "dana@bench.example.org", "phone": "(555) 010-0000"},
            )
            district_client = OnboardingClient(running.base_url, admin_token=signed.admin_token)
            district_id = signed.district.id
            started = time.perf_counter()
            upload = district_client.upload_roster(district_id, paths)
            done = district_client.wait_for_upload(district_id, upload.id, timeout=3600, interval=0.2)
            seconds = time.perf_counter() - started
            if label == "district":
                results["hub_upload_s"] = round(seconds, 2)
                results["upload_status"] = done.status
            app = "amplify-curriculum"
            connection = district_client.add_connection(district_id, app)
            district_client.authorize(district_id, connection.id)
            district_client.connection(district_id, connection.id)
            district_client.set_sharing(district_id, connection.id, SharingSettings("district"))
            districts[label] = (district_id, connection.id, signed.admin_token)
        results["hub_sftp_upload_s"] = _sftp_upload(running, client, big_paths, work)
        credentials = running.reset_app_secret("amplify-curriculum")
        api = DataApiClient(running.base_url, credentials.client_id, credentials.client_secret)
        tokens = {token.district_id: token for token in api.district_tokens()}
        big_token = tokens[districts["district"][0]]
        started = time.perf_counter()
        users = sum(1 for _ in api.for_district(big_token, page_size=10_000).users())
        seconds = time.perf_counter() - started
        results["users_read"] = users
        results["hub_users_per_s"] = round(users / seconds) if seconds else 0
        for label, (district_id, connection_id, token) in districts.items():
            district_client = OnboardingClient(running.base_url, admin_token=token)
            data = api.for_district(tokens[district_id], page_size=100)
            results[f"page100_ms_{label}"] = round(_timed(lambda data=data: next(data.pages("users"))), 2)
            sharing = SharingSettings("district")
            calls: dict[str, Callable[[], object]] = {
                "district": partial(district_client.district, district_id),
                "connection": partial(district_client.connection, district_id, connection_id),
                "validation": partial(district_client.validation, district_id, connection_id),
                "sharing": partial(district_client.set_sharing, district_id, connection_id, sharing),
            }
            for name, call in calls.items():
                results[f"onboarding_{name}_ms_{label}"] = round(_timed(call, 5), 2)
    return results


def _sftp_upload(running: Any, client: Any, paths: list[Path], work: Path) -> float:
    """Send the hub set over SFTP to a district of its own; seconds from connecting to the upload processed
    (the hub waits for a quiet period of half a second after the last file before processing)."""
    import requests

    from wizard.hub.onboarding import OnboardingClient
    from wizard.hub.sftp import KnownHosts, SftpLogin, SftpTarget, send_files

    signed = client.signup(
        {"name": "Bench SFTP", "state": "CA", "nces_id": "0600002", "sis_vendor": "PowerSchool"},
        {"name": "Dana Bench", "email": "dana@bench.example.org", "phone": "(555) 010-0000"},
    )
    district_id = signed.district.id
    headers = {"Authorization": f"Bearer {signed.admin_token}"}
    account = requests.post(
        f"{running.base_url}/api/v1/districts/{district_id}/sftp/password", headers=headers, timeout=60
    ).json()
    district_client = OnboardingClient(running.base_url, admin_token=signed.admin_token)
    started = time.perf_counter()
    send_files(
        SftpTarget(account["username"], "127.0.0.1", running.sftp.port),
        SftpLogin(password=account["password"]),
        paths,
        known_hosts=KnownHosts(work / "known_hosts"),
    )
    while True:
        uploads = district_client.uploads(district_id)
        if uploads and all(upload.done for upload in uploads):
            return round(time.perf_counter() - started, 2)
        time.sleep(0.2)


def main(argv: list[str]) -> int:
    name, first, second = argv
    with tempfile.TemporaryDirectory(prefix="bench-"):
        if name == "floor":
            result = floor(Path(first), Path(second))
        elif name == "hub":
            result = hub(Path(first), Path(second))
        else:
            raise SystemExit(f"unknown measurement {name!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
