"""Benchmark: send a 1,000,000-student hub set over loopback SFTP to the embedded hub, and have it processed.

    PYTHONPATH=. python benchmarks/sftp_large.py [--students N] [--prepared DIR] [--keep DIR]

Generates the district with the project's benchmark generator (`wizard.bench.district`, cached), prepares the hub set
(`prepare` + `write_outputs`, rows with errors left out), starts the embedded hub with its SFTP server (quiet
period 2 s, the per-file limit raised to fit the set), signs a district up, takes its SFTP password and sends
the set with the product's client (`wizard.hub.sftp.send_files`). Prints the send time and throughput, then the
hub's processing time: from the end of the quiet period (the upload's `created`) to its `finished`, i.e.
re-validation by the roster engine, comparison and storing, the same pipeline as an HTTP upload.

--prepared DIR skips generating and preparing and sends the hub files already in DIR.

Measured 2026-12-01 on the shared 2-core, 24 GiB machine with other helpers' test suites running (load
average about 10; the hub's processing thread got about a quarter of a core), 1,000,000 students: hub set
271 MB (students.csv 97 MB, enrollments.csv 156 MB, 5,998,736 enrollments); sent over loopback SFTP in
12.0 s (23 MB/s, asyncssh on both ends); the hub then processed it in 876 s (re-validation, comparison and
storing, the same pipeline as an HTTP upload: succeeded, 1,053 warnings); 898 s from the first byte to
processed; peak RSS of the process (hub and client) 8.5 GiB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import platformdirs

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hub_support import SIGNUP_ADMIN, SIGNUP_DISTRICT
from wizard.bench.district import ensure_district
from wizard.hub.onboarding import OnboardingClient
from wizard.hub.sftp import HUB_NAMES, KnownHosts, SftpLogin, SftpTarget, send_files
from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs
from wizard.sandbox.server import SftpOptions, start_hub
from wizard.sandbox.settings import HubSettings

QUIET = 2.0


def _seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def hub_set(work: Path, cache: Path, students: int) -> Path:
    out = work / "hub-set"
    started = time.perf_counter()
    district = ensure_district(cache, students)
    result = prepare(district.files, PrepareOptions(date_order="mdy"))
    write_outputs(result, out, allow_errors=True)
    print(
        f"generated and prepared {students:,} students in {time.perf_counter() - started:.1f} s "
        f"({result.error_count:,} errors left out, {result.warning_count:,} warnings)"
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--prepared", type=Path, help="send the hub files in this folder instead")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(platformdirs.user_cache_dir("district-wizard", appauthor=False)) / "bench",
        help="where the generated district is kept (default: the same cache as `main.py bench`)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sftp-bench-") as temp:
        work = args.keep or Path(temp)
        folder = args.prepared or hub_set(work, args.cache, args.students)
        files = [folder / name for name in HUB_NAMES if (folder / name).is_file()]
        total = sum(path.stat().st_size for path in files)
        print("files:", ", ".join(f"{path.name} {path.stat().st_size / 1e6:.0f} MB" for path in files))
        largest = max(path.stat().st_size for path in files)
        options = SftpOptions(port=0, quiet_seconds=QUIET, max_file_bytes=max(largest + 1, 200 * 1024 * 1024))
        with start_hub(work / "hub.sqlite3", settings=HubSettings(), sftp=options) as hub:
            assert hub.sftp is not None
            client = OnboardingClient(hub.base_url)
            signed = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)
            client.sign_in(signed.admin_token)
            district_id = signed.district.id
            account = client.rotate_sftp_password(district_id)
            assert account.username is not None
            target = SftpTarget(account.username, "127.0.0.1", hub.sftp.port)
            sent = send_files(
                target,
                SftpLogin(password=account.password),
                files,
                known_hosts=KnownHosts(work / "known_hosts"),
            )
            sent_at = time.time()
            print(
                f"sent {len(sent.names)} files, {sent.bytes / 1e6:,.0f} MB, in {sent.seconds:.1f} s "
                f"({sent.bytes / 1e6 / sent.seconds:,.0f} MB/s) over loopback SFTP"
            )
            while True:
                uploads = client.uploads(district_id)
                if uploads and uploads[0].done:
                    break
                time.sleep(0.5)
            upload = uploads[0]
            assert upload.finished is not None
            processing = _seconds(upload.finished) - _seconds(upload.created)
            print(
                f"hub: quiet period {QUIET:.0f} s, then processed as upload {upload.id} ({upload.source}) in "
                f"{processing:.1f} s: {upload.status}, counts {upload.counts}, "
                f"{upload.error_count:,} errors, {upload.warning_count:,} warnings"
            )
            print(
                f"from the first byte sent to processed: {sent.seconds + (time.time() - sent_at):.1f} s "
                f"(of which the quiet period {QUIET:.0f} s)"
            )
            print(
                f"total input {total / 1e6:,.0f} MB; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
