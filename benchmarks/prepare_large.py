"""Benchmark: prepare + write a district of 1,000,000 students and 6,000,000 enrollments.

    PYTHONPATH=. python benchmarks/prepare_large.py [--students N] [--keep DIR]

Generates plain SIS exports (human headers, M/D/YYYY birth dates) with schools, teachers and sections in a
temporary folder — vectorised, a few seconds — with a sprinkling of real problems (about 0.01% bad grades,
unknown sections, duplicate ids) so the issue paths run too; then times `prepare` and `write_outputs` and
prints wall time and peak RSS (resource.getrusage). Runs with --date-order mdy, as a district would after its
first run; without it every birth date with day <= 12 is (rightly) an ambiguous_date warning (listed up to
1000, counted beyond).

Measured 2026-11-22 on the shared 2-core, 24 GiB machine (other helpers' jobs running), default 1,000,000:
inputs 240 MB; prepare 24.6 s + write 3.9 s = 28.5 s wall; peak RSS 2,169 MiB (798 MiB after generating).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.roster.csvout import write_frame_csv
from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs

ENROLLMENTS_PER_STUDENT = 6
STUDENTS_PER_TEACHER = 17
SECTIONS_PER_TEACHER = 4
SCHOOLS = 250


def ids(prefix: str, numbers: np.ndarray, width: int = 0) -> pd.Series:
    text = pc.cast(pa.array(numbers), pa.string())
    if width:
        text = pc.utf8_lpad(text, width, "0")
    joined = pc.binary_join_element_wise(prefix, text, "")
    return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([joined.cast(pa.large_string())])))


def pick(choices: list[str], size: int, rng: np.random.Generator) -> pd.Series:
    return pd.Series(np.array(choices, dtype=object)[rng.integers(0, len(choices), size)], dtype="str")


def generate(folder: Path, students: int, rng: np.random.Generator) -> None:
    teachers = max(1, students // STUDENTS_PER_TEACHER)
    sections = teachers * SECTIONS_PER_TEACHER
    school_numbers = np.arange(1, SCHOOLS + 1)
    write_frame_csv(
        pd.DataFrame(
            {"School Code": ids("", school_numbers, 4), "School Name": ids("School ", school_numbers)}
        ),
        folder / "Schools.csv",
    )
    teacher_school = rng.integers(1, SCHOOLS + 1, teachers)
    write_frame_csv(
        pd.DataFrame(
            {
                "Teacher ID": ids("T", np.arange(teachers), 7),
                "School Code": ids("", teacher_school, 4),
                "First Name": pick(["Ana", "Ben", "Cal", "Dee", "Eli"], teachers, rng),
                "Last Name": pick(["Ng", "Ortiz", "Park", "Quinn"], teachers, rng),
                "Email": ids("t", np.arange(teachers)) + "@district.example.org",
            }
        ),
        folder / "Teachers.csv",
    )
    section_teacher = np.arange(sections) // SECTIONS_PER_TEACHER
    write_frame_csv(
        pd.DataFrame(
            {
                "Section ID": ids("S", np.arange(sections), 8),
                "School Code": ids("", teacher_school[section_teacher], 4),
                "Teacher ID": ids("T", section_teacher, 7),
                "Course Name": pick(["Math", "Science", "ELA", "Art", "History"], sections, rng),
                "Term": pick(["Fall 2025"], sections, rng),
            }
        ),
        folder / "Sections.csv",
    )
    student_school = rng.integers(1, SCHOOLS + 1, students)
    months, days, years = (
        rng.integers(1, 13, students),
        rng.integers(1, 29, students),
        rng.integers(2008, 2021, students),
    )
    dob = ids("", months) + "/" + ids("", days) + "/" + ids("", years)
    grade = pick(["K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"], students, rng)
    student_numbers = np.arange(students)
    bad = rng.choice(students, size=max(1, students // 10_000), replace=False)
    grade.iloc[bad] = "Q"
    student_ids = ids("", student_numbers + 100_000, 9)
    student_ids.iloc[bad[: len(bad) // 2] + 1] = student_ids.iloc[bad[: len(bad) // 2]].to_numpy()  # repeats
    write_frame_csv(
        pd.DataFrame(
            {
                "Student ID": student_ids,
                "School Code": ids("", student_school, 4),
                "Last Name": pick(["Smith", "Garcia", "Nguyen", "Okafor", "Kowalski"], students, rng),
                "First Name": pick(["Ava", "Liam", "Noah", "Mia", "Zoe", "Omar"], students, rng),
                "Grade Level": grade,
                "Gender": pick(["M", "F", "X"], students, rng),
                "Birth Date": dob,
                "Email": ids("s", student_numbers) + "@students.example.org",
            }
        ),
        folder / "Students.csv",
    )
    enrolled_student = np.repeat(student_numbers, ENROLLMENTS_PER_STUDENT)
    enrolled_section = rng.integers(0, sections, len(enrolled_student))
    section_ids = ids("S", enrolled_section, 8)
    unknown = rng.choice(len(section_ids), size=max(1, len(section_ids) // 100_000), replace=False)
    section_ids.iloc[unknown] = "S-MISSING"
    write_frame_csv(
        pd.DataFrame(
            {
                "School Code": ids("", teacher_school[section_teacher[enrolled_section]], 4),
                "Section ID": section_ids,
                "Student ID": ids("", enrolled_student + 100_000, 9),
            }
        ),
        folder / "Enrollments.csv",
    )


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    args = parser.parse_args()
    rng = np.random.default_rng(20261122)
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as temp:
        folder = args.keep or Path(temp) / "in"
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        generate(folder, args.students, rng)
        generated = time.perf_counter()
        sizes = {path.name: path.stat().st_size for path in sorted(folder.iterdir())}
        print(
            f"generated {args.students:,} students in {generated - started:.1f} s: "
            + ", ".join(f"{name} {size / 1e6:.0f} MB" for name, size in sizes.items())
        )
        rss_before = peak_rss_mib()
        result = prepare([folder], PrepareOptions(date_order="mdy"))
        prepared = time.perf_counter()
        written = write_outputs(result, Path(temp) / "out", allow_errors=True)
        finished = time.perf_counter()
        counts = result.summary()["counts"]
        print("counts:", ", ".join(f"{name} {count:,}" for name, count in counts.items()))
        print(f"errors {result.error_count:,}, warnings {result.warning_count:,}: {result.issues_by_code()}")
        print(f"wrote {len(written)} files")
        print(
            f"prepare {prepared - generated:.1f} s, write {finished - prepared:.1f} s, "
            f"total {finished - generated:.1f} s wall"
        )
        print(f"peak RSS {peak_rss_mib():,.0f} MiB (after generating: {rss_before:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
