"""Issue 11 item 1 / issue 14: a hub processes an upload far larger than its memory would allow at the old
cost of about 5 KB per row, in a process whose peak resident memory is measured by the OS."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

STUDENTS = 400_000
MEMORY_CAP_MB = 700  # the old processing needed about 5 KB per row: 400,000 students would take ~2,000 MB

CHILD = textwrap.dedent(
    """
    import csv, json, sys
    from pathlib import Path
    from wizard.hub.onboarding import OnboardingClient
    from wizard.sandbox.server import start_hub
    from wizard.sandbox.settings import HubSettings

    folder, students = Path(sys.argv[1]), int(sys.argv[2])
    schools, per_section = 100, 25

    def write(name, header, rows):
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return folder / name

    sections = students // per_section
    paths = [
        write("schools.csv", ["School_id", "School_name", "School_number", "Low_grade", "High_grade"],
              ([f"{s:04d}", f"School {s}", str(s), "K", "12"] for s in range(schools))),
        write("teachers.csv", ["School_id", "Teacher_id", "Teacher_email", "First_name", "Last_name"],
              ([f"{t % schools:04d}", f"T{t:06d}", f"t{t}@example.org", "Tea", f"Cher{t}"] for t in range(sections))),
        write("sections.csv", ["School_id", "Section_id", "Teacher_id", "Name", "Grade", "Course_name"],
              ([f"{c % schools:04d}", f"C{c:06d}", f"T{c:06d}", f"Class {c}", str(c % 12 + 1), "Math"]
               for c in range(sections))),
        write("students.csv", ["School_id", "Student_id", "First_name", "Last_name", "Grade", "DOB", "Student_email"],
              ([f"{(n // per_section) % schools:04d}", f"{n:08d}", "José", f"Student{n}", str((n // per_section) % 12 + 1),
                "01/02/2010", f"s{n}@example.org"] for n in range(students))),
        write("enrollments.csv", ["School_id", "Section_id", "Student_id"],
              ([f"{(n // per_section) % schools:04d}", f"C{n // per_section:06d}", f"{n:08d}"] for n in range(students))),
    ]
    settings = HubSettings(vendor_delay=0, hold_threshold=1.0)
    with start_hub(folder / "hub.sqlite3", settings=settings) as hub:
        client = OnboardingClient(hub.base_url)
        signed = client.signup(
            {"name": "Memory Test", "state": "CA", "nces_id": "0600009", "sis_vendor": "PowerSchool"},
            {"name": "Dana Admin", "email": "dana@example.org", "phone": "(555) 010-0000"},
        )
        district = OnboardingClient(hub.base_url, admin_token=signed.admin_token)
        upload = district.upload_roster(signed.district.id, paths)
        done = district.wait_for_upload(signed.district.id, upload.id, timeout=1800, interval=0.5)
        print(json.dumps({"status": done.status, "counts": done.counts, "errors": [e.message for e in done.errors[:3]]}))
    """
)


@pytest.mark.slow
def test_an_upload_far_larger_than_the_old_memory_cost_allows_is_processed_in_bounded_memory(
    tmp_path: Path,
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(Path.cwd()), os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), str(STUDENTS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    assert os.waitstatus_to_exitcode(status) == 0, err[-2000:]
    result = json.loads(out.strip().splitlines()[-1])
    peak_mb = usage.ru_maxrss / 1024
    print(f"peak resident memory {peak_mb:.0f} MB for {STUDENTS:,} students")
    assert result["status"] == "succeeded", result["errors"]
    assert result["counts"]["students"] == STUDENTS and result["counts"]["enrollments"] == STUDENTS
    assert peak_mb < MEMORY_CAP_MB
