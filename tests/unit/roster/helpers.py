"""Shared helpers for the roster tests: fixture paths and compact views of results."""

from __future__ import annotations

import csv
from pathlib import Path

from wizard.roster.pipeline import PrepareResult

DATA = Path(__file__).resolve().parents[2] / "data" / "roster"
# the public Microsoft SDS v1 "min required" sample (MIT, OfficeDev/O365-EDU-Tools; licence beside the files)
SDS_SAMPLE = DATA / "sds-v1-min-required"


def issue_keys(result: PrepareResult) -> set[tuple[str, str, str, int | None, str]]:
    """(severity, code, file, row, column) of every issue."""
    return {(issue.severity, issue.code, issue.file, issue.row, issue.column) for issue in result.issues}


def codes(result: PrepareResult) -> dict[str, int]:
    return result.issues_by_code()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def column(result: PrepareResult, kind: str, name: str) -> list[str]:
    return [str(value) for value in result.tables[kind][name].tolist()]


def write_district(folder: Path, students: int, tag: str, staff: bool) -> Path:
    """A small district's exports in `folder`: `tag` marks the names, so two districts' outputs differ."""
    folder.mkdir(parents=True)
    files = {
        "schools.csv": ["School_id,School_name,School_number", "1,Oak Ridge,1"],
        "teachers.csv": ["School_id,Teacher_id,First_name,Last_name"]
        + [f"1,T{n},Teach{tag}{n},Er{n}" for n in range(10)],
        "sections.csv": ["School_id,Section_id,Teacher_id,Name"]
        + [f"1,S{n},T{n},Math {n}" for n in range(10)],
        "students.csv": ["School_id,Student_id,Last_name,First_name,Grade"]
        + [f"1,{n:07d},Last{tag}{n},First{n},{n % 12 + 1}" for n in range(students)],
        "enrollments.csv": ["School_id,Section_id,Student_id"]
        + [f"1,S{n % 10},{n:07d}" for n in range(students)],
    }
    if staff:
        files["staff.csv"] = ["School_id,Staff_id,Staff_email,First_name,Last_name"] + [
            f"1,ST{n},st{n}@oak.example,Staff{tag}{n},Member{n}" for n in range(5)
        ]
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
