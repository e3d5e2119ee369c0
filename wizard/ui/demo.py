"""Demo data for trying the wizard without real exports (the embedded hub's demo district, as SIS files)."""

from __future__ import annotations

import csv
import random
from pathlib import Path


def write_demo_sis_files(folder: Path, students_per_grade: int = 3) -> Path:
    """The demo district's roster (from the embedded hub's demo generator) as hub CSV files."""
    from wizard.roster.spec import hub_columns, hub_file_name
    from wizard.sandbox.seed import demo_tables

    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in demo_tables(random.Random(7), students_per_grade).items():
        with (folder / hub_file_name(kind)).open("w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=hub_columns(kind), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return folder
