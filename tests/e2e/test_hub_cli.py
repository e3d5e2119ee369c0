"""`python main.py hub --seed demo` as a new user runs it: a server, a demo district, working credentials."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from wizard.hub.dataapi import DataApiClient
from wizard.hub.onboarding import OnboardingClient

ROOT = Path(__file__).resolve().parents[2]


def test_standalone_hub_with_demo_seed(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        str(ROOT / "main.py"),
        "hub",
        "--port",
        "0",
        "--sftp-port",
        "0",
        "--db",
        str(tmp_path / "hub.sqlite3"),
        "--seed",
        "demo",
        "--vendor-roster-out",
        str(tmp_path / "symphony.csv"),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        output = "".join(lines)
        base_url = re.search(r"serving on (http://\S+)", output)
        sftp = re.search(r"SFTP file sync on 127\.0\.0\.1:(\d+)  host key (SHA256:\S+)", output)
        assert sftp and int(sftp.group(1)) > 0, output  # --sftp-port 0: a free port, printed
        assert (tmp_path / "hub-sftp-host-key").stat().st_mode & 0o077 == 0  # user-only, beside the database
        token = re.search(r"district admin token: (\w+)", output)
        symphony = re.findall(r"app symphony-math: client id (\w+), secret (\w+)", output)
        assert base_url and token and symphony, output
        district = OnboardingClient(base_url.group(1), token.group(1)).current_district()
        assert district.name == "Maple Valley Unified School District"
        client_id, secret = symphony[-1]  # the demo's fresh credentials are printed last
        api = DataApiClient(base_url.group(1), client_id, secret)
        [district_token] = api.district_tokens()
        data = api.for_district(district_token)
        assert "Cedar Middle" in {school.name for school in data.schools()}
        assert len(list(data.users("student"))) > 100
        assert (tmp_path / "symphony.csv").read_text(encoding="utf-8").startswith("Username,")
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=20)
    assert code == 130
