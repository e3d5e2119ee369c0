"""A bounded load test of the standalone hub (issue 11): 20 clients for 30 seconds on loopback, zero 5xx.

The hub runs as its own process (as `main.py hub` does); each client thread signs in as the district's
admin or as the app and loops over a mix of the calls the wizard and an app make.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests

from tests.hub_support import FAST, write_roster
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.seed import demo_tables

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
SECONDS = float(os.environ.get("HUB_LOAD_SECONDS", "30"))


@pytest.mark.slow
def test_twenty_clients_for_thirty_seconds_get_no_5xx(tmp_path: Path) -> None:
    command = [sys.executable, str(ROOT / "main.py"), "hub", "--port", "0", "--sftp-port", "0", "--db", str(tmp_path / "hub.sqlite3"), "--seed", "demo"]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        output = "".join(lines)
        base_url = re.search(r"serving on (http://\S+)", output).group(1)  # type: ignore[union-attr]
        admin = re.search(r"district admin token: (\w+)", output).group(1)  # type: ignore[union-attr]
        client_id, secret = re.findall(r"app symphony-math: client id (\w+), secret (\w+)", output)[-1]
        district_id = OnboardingClient(base_url, admin, policy=FAST).current_district().id
        app_token = requests.get(f"{base_url}/oauth/tokens", auth=(client_id, secret), timeout=10).json()[
            "data"
        ][0]["access_token"]
        roster = write_roster(tmp_path / "roster", demo_tables(random.Random(1), students_per_grade=4))
        statuses: Counter[int] = Counter()
        failures: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + SECONDS

        def work(number: int) -> None:
            rng = random.Random(number)
            session = requests.Session()
            admin_headers = {"Authorization": f"Bearer {admin}"}
            calls = [
                ("GET", f"/api/v1/districts/{district_id}", admin_headers),
                ("GET", f"/api/v1/districts/{district_id}/connections", admin_headers),
                ("GET", f"/api/v1/districts/{district_id}/users?limit=50&query=a", admin_headers),
                ("GET", f"/api/v1/districts/{district_id}/schools", admin_headers),
                ("GET", "/api/v1/apps", {}),
                ("GET", "/v3.0/sections?limit=100", {"Authorization": f"Bearer {app_token}"}),
                ("GET", "/v3.0/users?role=student&limit=200", {"Authorization": f"Bearer {app_token}"}),
                ("GET", "/healthz", {}),
            ]
            while time.monotonic() < deadline:
                try:
                    if rng.random() < 0.01:
                        files = [("files", (p.name, p.read_bytes(), "text/csv")) for p in roster]
                        answer = session.post(f"{base_url}/api/v1/districts/{district_id}/uploads",
                                              files=files, headers=admin_headers, timeout=60)  # fmt: skip
                    else:
                        method, path, headers = rng.choice(calls)
                        answer = session.request(method, f"{base_url}{path}", headers=headers, timeout=60)
                    with lock:
                        statuses[answer.status_code] += 1
                        if answer.status_code >= 500:
                            failures.append(f"{answer.status_code} {answer.text[:200]}")
                except requests.RequestException as error:
                    with lock:
                        failures.append(f"no answer: {error}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert requests.get(f"{base_url}/healthz", timeout=10).status_code == 200  # still up
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    total = sum(statuses.values())
    print(
        f"\nload: {CLIENTS} clients x {SECONDS:.0f} s, {total} answers, statuses {dict(sorted(statuses.items()))}"
    )
    assert failures == [] and total > CLIENTS
