"""What the district's SIS files held, for the Validate page's counts: from the export's summary.json, or the
rows of each hub file when there is none."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

COUNTED_FILES = {
    "schools": "schools.csv",
    "teachers": "teachers.csv",
    "sections": "sections.csv",
    "students": "students.csv",
    "enrollments": "enrollments.csv",
}
EXPORT_SUMMARY_NAME = "summary.json"


@dataclass(frozen=True)
class SisCount:
    """One kind of record in the district's SIS files: all rows read, and how many were left out of the hub
    files because they had errors (“Leave out rows with errors”)."""

    read: int
    left_out: int = 0

    @property
    def sent(self) -> int:
        return self.read - self.left_out


def sis_file_counts(export_dir: str) -> dict[str, SisCount] | None:
    """Per kind, the records read from the SIS files and those left out for errors, from the export's
    summary.json; without one, the rows of each hub file. None when nothing was exported."""
    folder = Path(export_dir) if export_dir else None
    if folder is None or not folder.is_dir():
        return None
    from_summary = counts_from_summary(folder / EXPORT_SUMMARY_NAME)
    if from_summary:
        return from_summary
    counts: dict[str, SisCount] = {}
    for kind, name in COUNTED_FILES.items():
        path = folder / name
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as stream:
                counts[kind] = SisCount(max(sum(1 for _ in csv.reader(stream)) - 1, 0))
    return counts or None


def counts_from_summary(path: Path) -> dict[str, SisCount]:
    """summary.json (written with the hub files) counts the kept rows and, apart, the rows with errors;
    {} when it is missing or not what the wizard writes."""
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        kept, with_errors = summary["counts"], summary.get("rows_with_errors", {})
        left_out_applies = bool(summary.get("upload_files_written", True))
        counts = {}
        for kind, name in COUNTED_FILES.items():
            if name in kept:
                errors = int(with_errors.get(name, 0)) if left_out_applies else 0
                counts[kind] = SisCount(int(kept[name]) + int(with_errors.get(name, 0)), errors)
        return counts
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
