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
