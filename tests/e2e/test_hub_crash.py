"""SIGKILL the standalone hub at random points of an upload, many seeds (issue 11, item 5's crash test).

Each run: a fresh hub process, a district, a roster upload; the hub is killed at a random moment while the
upload is sent or processed; a new hub process opens the same database. After the restart no upload stays
"processing", the work folder holds no copy, and SQLite's integrity check passes.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.hub_support import FAST, SIGNUP_ADMIN, SIGNUP_DISTRICT, write_roster
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.seed import demo_tables

ROOT = Path(__file__).resolve().parents[2]
SEEDS = int(os.environ.get("HUB_CRASH_SEEDS", "6"))


def _start(db_path: Path) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        str(ROOT / "main.py"),
        "hub",
        "--port",
        "0",
        "--sftp-port",
        "0",
        "--db",
        str(db_path),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=db_path.parent,
    )
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"serving on (http://\S+)", line)
        if found:
            return process, found.group(1)
    raise AssertionError("the hub did not start")


def _kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=20)


def _stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        _kill(process)


@pytest.mark.slow
def test_no_upload_is_stuck_after_the_hub_is_killed_mid_upload(tmp_path: Path) -> None:
    paths = write_roster(tmp_path / "roster", demo_tables(random.Random(3), students_per_grade=120))
    stuck, runs, outcomes = 0, 0, []
    for seed in range(SEEDS):
        rng = random.Random(seed)
        folder = tmp_path / f"run-{seed}"
        folder.mkdir()
        db_path = folder / "hub.sqlite3"
        process, base_url = _start(db_path)
        try:
            client = OnboardingClient(base_url, policy=FAST)
            district_id = client.signup({**SIGNUP_DISTRICT, "nces_id": ""}, SIGNUP_ADMIN).district.id
            token = client._token
            sender = threading.Thread(target=_send, args=(base_url, token, district_id, paths), daemon=True)
            sender.start()
            time.sleep(rng.uniform(0.0, 2.5))  # while sending, storing or processing
        finally:
            _kill(process)
        runs += 1
        process, base_url = _start(db_path)
        try:
            client = OnboardingClient(base_url, token, policy=FAST)
            deadline = time.monotonic() + 120
            while any(u.status in ("queued", "processing") for u in client.uploads(district_id)):
                if time.monotonic() > deadline:
                    stuck += sum(u.status in ("queued", "processing") for u in client.uploads(district_id))
                    break
                time.sleep(0.2)
            outcomes += [u.status for u in client.uploads(district_id)]
            assert list(db_path.with_name("hub-work").iterdir()) == []
        finally:
            _stop(process)
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    print(f"\ncrash runs {runs}, stuck uploads {stuck}, outcomes {sorted(outcomes)}")
    assert stuck == 0


def _send(base_url: str, token: str | None, district_id: str, paths: list[Path]) -> None:
    with contextlib.suppress(Exception):  # the hub dies under it: that is the point
        OnboardingClient(base_url, token, policy=FAST).upload_roster(district_id, paths)
