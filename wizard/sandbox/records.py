"""Turning hub roster rows into the records the Data API serves, and comparing two data sets.

Records are stored in the shape of the hub's published spec (swagger v3.0.1): schools, sections, terms,
courses, and users whose role data sits under `roles.<role>`. Hub ids are derived from the district and the
SIS id, so a re-upload keeps every id stable and an app's accounts stay linked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

Row = Mapping[str, str]
Record = dict[str, Any]

# The roster kinds whose changes count towards an upload hold, in the order reports list them.
CHANGE_KINDS: tuple[str, ...] = ("schools", "teachers", "students", "sections", "staff")
STORED_KINDS: tuple[str, ...] = (*CHANGE_KINDS, "terms", "courses")
USER_KINDS: dict[str, str] = {"students": "student", "teachers": "teacher", "staff": "staff"}
MAX_SECTION_TEACHERS = 10


def hub_id(district_id: str, kind: str, sis_id: str) -> str:
    """A stable 24-hex-digit id (the hub's id format) for one SIS record of one district."""
    return hashlib.sha256(f"{district_id}\x1f{kind}\x1f{sis_id}".encode()).hexdigest()[:24]


def iso_date(text: str) -> str | None:
    """Hub CSV dates are MM/DD/YYYY; the API speaks ISO. Unreadable text is passed on as it is."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text


def _value(row: Row, column: str) -> str:
    return (row.get(column) or "").strip()


def _nullable(row: Row, column: str) -> str | None:
    return _value(row, column) or None


def _name(row: Row) -> dict[str, str | None]:
    return {
        "first": _nullable(row, "First_name"),
        "middle": _nullable(row, "Middle_name"),
        "last": _nullable(row, "Last_name"),
    }


def _nullables(row: Row, columns: Mapping[str, str]) -> Record:
    """Record field -> the row's value of its column (None when empty)."""
    return {name: _nullable(row, column) for name, column in columns.items()}


def _location(row: Row, address_column: str, prefix: str) -> Record:
    """An address from `address_column` and the <prefix>_city, _state and _zip columns (no coordinates)."""
    return {
        "address": _nullable(row, address_column),
        **_nullables(row, {part: f"{prefix}_{part}" for part in ("city", "state", "zip")}),
        "lat": None,
        "lon": None,
    }


def _credentials(row: Row) -> Record:
    return {"district_username": _value(row, "Username")}


def _at_known_schools(
    tables: Mapping[str, Iterable[Row]], kind: str, id_column: str, school_ids: Mapping[str, str]
) -> Iterator[tuple[Row, str, str]]:
    """The rows of `kind` that have an id and name a known school: (row, its SIS id, the school's hub id)."""
    for row in tables.get(kind, ()):
        sis, school = _value(row, id_column), school_ids.get(_value(row, "School_id"))
        if sis and school is not None:
            yield row, sis, school


# the role fields a student's and a teacher's row fill as they are (record field -> hub column)
STUDENT_FIELDS = {
    "student_number": "Student_number",
    "state_id": "State_id",
    "grade": "Grade",
    "gender": "Gender",
    "dob": "DOB",
    "graduation_year": "Graduation_year",
    "race": "Race",
    "hispanic_ethnicity": "Hispanic_Latino",
    "home_language": "Home_language",
    "ell_status": "Ell_status",
    "iep_status": "IEP_status",
}
TEACHER_FIELDS = {"teacher_number": "Teacher_number", "state_id": "State_teacher_id", "title": "Title"}


@dataclass
class RosterData:
    """One district's complete data set: kind -> hub id -> record."""

    records: dict[str, dict[str, Record]] = field(default_factory=lambda: {kind: {} for kind in STORED_KINDS})

    def count(self, kind: str) -> int:
        return len(self.records.get(kind, {}))


def sis_id_of(record: Record) -> str:
    roles = record.get("roles")
    if isinstance(roles, dict):
        for role in roles.values():
            if isinstance(role, dict):
                return str(role.get("sis_id") or role.get("staff_id") or "")
    return str(record.get("sis_id") or "")


class _Build(NamedTuple):
    """What building a district's users and sections reads: its id, the hub rows, school SIS id -> hub id, the
    time stamp."""

    district_id: str
    tables: Mapping[str, Iterable[Row]]
    school_ids: dict[str, str]
    now: str


def build_roster(district_id: str, tables: Mapping[str, Iterable[Row]], now: str) -> RosterData:
    """Build every record from hub-format rows (`schools`, `students`, `teachers`, `sections`, `enrollments`,
    optional `staff`). Rows pointing at records that do not exist are left out: the roster engine reports them."""
    data = RosterData()
    school_ids: dict[str, str] = {}
    for row in tables.get("schools", ()):
        sis = _value(row, "School_id")
        record_id = hub_id(district_id, "school", sis)
        school_ids[sis] = record_id
        data.records["schools"][record_id] = {
            "id": record_id,
            "district": district_id,
            "name": _value(row, "School_name"),
            "sis_id": sis,
            "school_number": _value(row, "School_number"),
            "state_id": _nullable(row, "State_id"),
            "nces_id": None,
            "mdr_number": None,
            "low_grade": _nullable(row, "Low_grade"),
            "high_grade": _nullable(row, "High_grade"),
            "principal": {"name": _nullable(row, "Principal"), "email": _nullable(row, "Principal_email")},
            "location": _location(row, "School_address", "School"),
            "phone": _nullable(row, "School_phone"),
            "created": now,
            "last_modified": now,
        }
    build = _Build(district_id, tables, school_ids, now)
    _add_users(data, build)
    _add_sections(data, build)
    return data


def _user(
    district_id: str, record_id: str, row: Row, email_column: str, role: str, role_data: Record
) -> Record:
    return {
        "id": record_id,
        "district": district_id,
        "email": _nullable(row, email_column),
        "name": _name(row),
        "created": "",
        "last_modified": "",
        "roles": {role: role_data},
    }


def _add_users(data: RosterData, build: _Build) -> None:
    district_id, tables, school_ids, now = build
    for row, sis, school in _at_known_schools(tables, "students", "Student_id", school_ids):
        record_id = hub_id(district_id, "student", sis)
        role = {
            "sis_id": sis,
            "legacy_id": record_id,
            **_nullables(row, STUDENT_FIELDS),
            "school": school,
            "schools": [school],
            "credentials": _credentials(row),
            "location": _location(row, "Student_street", "Student"),
            "created": now,
            "last_modified": now,
        }
        data.records["students"][record_id] = _user(
            district_id, record_id, row, "Student_email", "student", role
        )
    for row, sis, school in _at_known_schools(tables, "teachers", "Teacher_id", school_ids):
        record_id = hub_id(district_id, "teacher", sis)
        role = {
            "sis_id": sis,
            "legacy_id": record_id,
            **_nullables(row, TEACHER_FIELDS),
            "district": district_id,
            "school": school,
            "schools": [school],
            "credentials": _credentials(row),
            "name": _name(row),
            "created": now,
            "last_modified": now,
        }
        data.records["teachers"][record_id] = _user(
            district_id, record_id, row, "Teacher_email", "teacher", role
        )
    teachers_by_email = {
        str(record["email"]).casefold(): record
        for record in data.records["teachers"].values()
        if record["email"]
    }
    for row in tables.get("staff", ()):
        sis = _value(row, "Staff_id")
        if not sis:
            continue
        record_id = hub_id(district_id, "staff", sis)
        staff_school = school_ids.get(_value(row, "School_id"))
        role = {
            "staff_id": sis,
            "legacy_id": record_id,
            "title": _nullable(row, "Title"),
            "department": _nullable(row, "Department"),
            "roles": [_value(row, "Role")] if _value(row, "Role") else [],
            "schools": [staff_school] if staff_school else [],
            "credentials": _credentials(row),
        }
        teacher = teachers_by_email.get(_value(row, "Staff_email").casefold())
        if teacher is not None:  # the same person in teachers and staff is one user with two roles
            teacher["roles"]["staff"] = {**role, "legacy_id": teacher["id"]}
            continue
        data.records["staff"][record_id] = _user(district_id, record_id, row, "Staff_email", "staff", role)
    for kind in USER_KINDS:
        for record in data.records[kind].values():
            record["created"] = record["last_modified"] = now


def _add_sections(data: RosterData, build: _Build) -> None:
    district_id, tables, school_ids, now = build
    teachers = {sis_id_of(record): record for record in data.records["teachers"].values()}
    students = {sis_id_of(record): record for record in data.records["students"].values()}
    sections_by_sis: dict[str, Record] = {}
    for row, sis, school in _at_known_schools(tables, "sections", "Section_id", school_ids):
        teacher_columns = ["Teacher_id", *(f"Teacher_{n}_id" for n in range(2, MAX_SECTION_TEACHERS + 1))]
        section_teachers = [
            teachers[t]["id"] for t in (_value(row, c) for c in teacher_columns) if t in teachers
        ]
        for teacher_id in section_teachers:  # a teacher teaching at another school is listed there too
            role = data.records["teachers"][teacher_id]["roles"]["teacher"]
            if school not in role["schools"]:
                role["schools"].append(school)
        record_id = hub_id(district_id, "section", sis)
        section: Record = {
            "id": record_id,
            "district": district_id,
            "name": _value(row, "Name") or _value(row, "Course_name") or sis,
            "sis_id": sis,
            "school": school,
            "section_number": _nullable(row, "Section_number"),
            "grade": _nullable(row, "Grade"),
            "subject": _nullable(row, "Subject"),
            "period": _nullable(row, "Period"),
            "course": _course_id(data, district_id, row),
            "term_id": _term_id(data, district_id, row),
            "teacher": section_teachers[0] if section_teachers else None,
            "teachers": section_teachers,
            "students": [],
            "created": now,
            "last_modified": now,
        }
        data.records["sections"][record_id] = section
        sections_by_sis[sis] = section
    for row in tables.get("enrollments", ()):
        enrolled_in = sections_by_sis.get(_value(row, "Section_id"))
        student = students.get(_value(row, "Student_id"))
        if enrolled_in is not None and student is not None and student["id"] not in enrolled_in["students"]:
            enrolled_in["students"].append(student["id"])
            role = student["roles"]["student"]
            if enrolled_in["school"] not in role["schools"]:
                role["schools"].append(enrolled_in["school"])


def _course_id(data: RosterData, district_id: str, row: Row) -> str | None:
    name, number = _value(row, "Course_name"), _value(row, "Course_number")
    if not name:
        return None
    record_id = hub_id(district_id, "course", f"{number}\x1f{name}")
    data.records["courses"].setdefault(
        record_id, {"id": record_id, "district": district_id, "name": name, "number": number or None}
    )
    return record_id


def _term_id(data: RosterData, district_id: str, row: Row) -> str | None:
    name, start, end = _value(row, "Term_name"), _value(row, "Term_start"), _value(row, "Term_end")
    if not (name or start or end):
        return None
    record_id = hub_id(district_id, "term", f"{name}\x1f{start}\x1f{end}")
    data.records["terms"].setdefault(
        record_id,
        {
            "id": record_id,
            "district": district_id,
            "name": name or None,
            "start_date": iso_date(start),
            "end_date": iso_date(end),
        },
    )
    return record_id


@dataclass(frozen=True)
class KindChanges:
    added: int
    updated: int
    removed: int

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed}
