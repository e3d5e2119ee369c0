"""A deterministic synthetic district as an SIS would export it, cached on disk.

Per 1,000,000 students: 1,000 schools, 60,000 teachers, 250,000 sections and 6,000,000 enrollments, with
human headers and M/D/YYYY birth dates. A low rate of real-world messiness makes validation do real work:
duplicate student and section ids, enrollments naming unknown sections and students, students at an unknown
school, impossible birth dates, accented names (UTF-8), ids whose leading zeros must survive, and enrollments
whose student ids lost those zeros.

Everything is built with numpy and pyarrow compute (no Python loop per row), so a million-student district
takes seconds; a folder is reused when its marker says it was made by this generator version for that size.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from wizard.roster.csvout import write_frame_csv

GENERATOR_VERSION = 2
SEED = 20261201
MARKER = "district.json"
# messiness rates (per row of the file concerned)
DUPLICATE_RATE = 1 / 20_000
UNKNOWN_REFERENCE_RATE = 1 / 50_000
BAD_DATE_RATE = 1 / 20_000
ACCENTED_RATE = 1 / 50

FIRST_NAMES = ["Ava", "Liam", "Noah", "Mia", "Zoe", "Omar", "Ines", "Kai", "Lena", "Ravi", "Sofia", "Theo"]
LAST_NAMES = ["Smith", "Garcia", "Nguyen", "Okafor", "Kowalski", "Haddad", "Kim", "Lopez", "Brown", "Ito"]
ACCENTED_FIRST = ["José", "Zoë", "Chloé", "Łukasz", "Søren", "Ángel", "Françoise", "Ñico"]
ACCENTED_LAST = ["Nguyễn", "Müller", "Peña", "Šimić", "Øster", "Gonçalves", "Dvořák", "Ó Briain"]
GRADES = ["K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"]
COURSES = ["Math", "Science", "ELA", "Art", "History", "Música", "Español", "PE"]


@dataclass(frozen=True)
class DistrictSize:
    students: int
    schools: int
    teachers: int
    sections: int
    enrollments: int

    @classmethod
    def for_students(cls, students: int) -> DistrictSize:
        """The issue's proportions: per 1,000 students one school, 60 teachers, 250 sections, 6,000 enrollments."""
        return cls(
            students=students,
            schools=max(1, students // 1000),
            teachers=max(1, students * 6 // 100),
            sections=max(1, students // 4),
            enrollments=students * 6,
        )


@dataclass(frozen=True)
class District:
    folder: Path
    size: DistrictSize
    input_bytes: int

    @property
    def files(self) -> list[Path]:
        return sorted(path for path in self.folder.iterdir() if path.suffix == ".csv")


def ensure_district(cache: Path, students: int) -> District:
    """The district of `students` under `cache`, generated unless an identical one is already there."""
    size = DistrictSize.for_students(students)
    folder = cache / f"district-{students}"
    marker = folder / MARKER
    expected = {"version": GENERATOR_VERSION, "seed": SEED, **asdict(size)}
    if marker.is_file():
        try:
            if json.loads(marker.read_text(encoding="utf-8")) == expected:
                return District(folder, size, _input_bytes(folder))
        except ValueError:
            pass
    if folder.exists():
        shutil.rmtree(folder)
    partial = cache / f"district-{students}.partial"
    if partial.exists():
        shutil.rmtree(partial)
    partial.mkdir(parents=True)
    generate(partial, size)
    (partial / MARKER).write_text(json.dumps(expected, indent=2) + "\n", encoding="utf-8")
    partial.rename(folder)
    return District(folder, size, _input_bytes(folder))


def _input_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir() if path.suffix == ".csv")


# --- generation -------------------------------------------------------------------------------------------


def _ids(prefix: str, numbers: np.ndarray, width: int = 0) -> pa.Array:
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    if width:
        text = pc.utf8_lpad(text, width, "0")
    return pc.binary_join_element_wise(prefix, text, "") if prefix else text


def _pick(choices: list[str], picks: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(picks % len(choices), pa.int32()), pa.array(choices)).cast(
        pa.string()
    )


def _names(base: list[str], accented: list[str], count: int, rng: np.random.Generator) -> pa.Array:
    picks = rng.integers(0, len(base), count)
    names = np.asarray(base + accented, dtype=object)
    chosen = rng.random(count) < ACCENTED_RATE
    picks = np.where(chosen, len(base) + rng.integers(0, len(accented), count), picks)
    return pa.DictionaryArray.from_arrays(pa.array(picks, pa.int32()), pa.array(names.tolist())).cast(
        pa.string()
    )


def _sample(count: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted positions of about `rate * count` rows (at least one), never the first row."""
    wanted = min(count - 1, max(1, round(count * rate)))
    if wanted <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(np.arange(1, count), size=wanted, replace=False))


def _replace(array: pa.Array, positions: np.ndarray, values: pa.Array | str) -> pa.Array:
    """`array` with `positions` set to `values` (one string or one per position)."""
    if len(positions) == 0:
        return array
    mask = np.zeros(len(array), dtype=bool)
    mask[positions] = True
    if isinstance(values, str):
        return pc.if_else(pa.array(mask), pa.scalar(values), array)
    index = np.zeros(len(array), dtype=np.int64)
    index[positions] = np.arange(len(positions))
    scattered = values.take(pa.array(index))
    return pc.if_else(pa.array(mask), scattered, array)


def _write(folder: Path, name: str, columns: dict[str, pa.Array]) -> None:
    """As an SIS writes it: quotes only where needed (the product's own CSV writer)."""
    write_frame_csv(pa.table(columns).to_pandas(), folder / name)


def generate(folder: Path, size: DistrictSize) -> None:
    rng = np.random.default_rng(SEED)
    school_numbers = np.arange(1, size.schools + 1)
    school_codes = _ids("", school_numbers, 4)  # "0001": leading zeros that must survive
    _write(
        folder,
        "Schools.csv",
        {
            "School Code": school_codes,
            "School Name": pc.binary_join_element_wise(
                _pick(["Lincoln", "Jefferson", "Sánchez", "Roosevelt", "Öztürk"], school_numbers),
                " School ",
                pc.cast(pa.array(school_numbers), pa.string()),
                "",
            ),
        },
    )

    teacher_school = rng.integers(0, size.schools, size.teachers)
    _write(
        folder,
        "Teachers.csv",
        {
            "Teacher ID": _ids("T", np.arange(size.teachers), 7),
            "School Code": school_codes.take(pa.array(teacher_school)),
            "First Name": _names(FIRST_NAMES, ACCENTED_FIRST, size.teachers, rng),
            "Last Name": _names(LAST_NAMES, ACCENTED_LAST, size.teachers, rng),
            "Email": pc.binary_join_element_wise(
                _ids("t", np.arange(size.teachers)), "@district.example.org", ""
            ),
        },
    )

    section_teacher = rng.integers(0, size.teachers, size.sections)
    section_ids = _ids("S", np.arange(size.sections), 8)
    duplicated_sections = _sample(size.sections, DUPLICATE_RATE, rng)
    section_ids_written = _replace(
        section_ids, duplicated_sections, section_ids.take(pa.array(duplicated_sections - 1))
    )
    _write(
        folder,
        "Sections.csv",
        {
            "Section ID": section_ids_written,
            "School Code": school_codes.take(pa.array(teacher_school[section_teacher])),
            "Teacher ID": _ids("T", section_teacher, 7),
            "Course Name": _pick(COURSES, rng.integers(0, len(COURSES), size.sections)),
            "Term": _pick(["Fall 2026"], np.zeros(size.sections, dtype=np.int64)),
        },
    )

    student_numbers = np.arange(size.students)
    student_ids = _ids("", student_numbers + 1, 9)  # "000000001": leading zeros
    student_school = rng.integers(0, size.schools, size.students)
    student_school_codes = _replace(
        school_codes.take(pa.array(student_school)),
        _sample(size.students, UNKNOWN_REFERENCE_RATE, rng),
        "9999",
    )
    months = rng.integers(1, 13, size.students)
    days = rng.integers(1, 29, size.students)
    years = rng.integers(2008, 2021, size.students)
    birth = pc.binary_join_element_wise(_ids("", months), _ids("", days), _ids("", years), "/")
    birth = _replace(birth, _sample(size.students, BAD_DATE_RATE, rng), "13/45/2011")
    duplicated_students = _sample(size.students, DUPLICATE_RATE, rng)
    _write(
        folder,
        "Students.csv",
        {
            "Student ID": _replace(
                student_ids, duplicated_students, student_ids.take(pa.array(duplicated_students - 1))
            ),
            "School Code": student_school_codes,
            "Last Name": _names(LAST_NAMES, ACCENTED_LAST, size.students, rng),
            "First Name": _names(FIRST_NAMES, ACCENTED_FIRST, size.students, rng),
            "Grade Level": _pick(GRADES, rng.integers(0, len(GRADES), size.students)),
            "Gender": _pick(["M", "F", "X"], rng.integers(0, 3, size.students)),
            "Birth Date": birth,
            "Email": pc.binary_join_element_wise(_ids("s", student_numbers + 1), "@students.example.org", ""),
        },
    )
    del birth, student_school_codes

    per_student = max(1, size.enrollments // size.students)
    enrolled_student = np.repeat(student_numbers, per_student)[: size.enrollments]
    enrolled_section = rng.integers(0, size.sections, len(enrolled_student))
    enrolled_sections = _replace(
        section_ids.take(pa.array(enrolled_section)),
        _sample(len(enrolled_student), UNKNOWN_REFERENCE_RATE, rng),
        "S-UNKNOWN",
    )
    enrolled_students = _replace(
        student_ids.take(pa.array(enrolled_student)),
        _sample(len(enrolled_student), UNKNOWN_REFERENCE_RATE, rng),
        "999999999",
    )
    lost_zeros = _sample(len(enrolled_student), UNKNOWN_REFERENCE_RATE, rng)  # a spreadsheet ate the zeros
    enrolled_students = _replace(
        enrolled_students,
        lost_zeros,
        pc.utf8_ltrim(enrolled_students.take(pa.array(lost_zeros)), "0"),
    )
    _write(
        folder,
        "Enrollments.csv",
        {
            "School Code": school_codes.take(pa.array(teacher_school[section_teacher[enrolled_section]])),
            "Section ID": enrolled_sections,
            "Student ID": enrolled_students,
        },
    )
