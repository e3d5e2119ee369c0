"""The Data API's records as an app reads them: districts, schools, sections, users, terms, courses.

Field names follow reference/clever-data-api/swagger-v3.0.1.yml. A record keeps its full JSON in `raw`;
the typed fields are read leniently (a hub may leave optional fields out or null).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _s(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _o(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value in (None, "") else str(value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


@dataclass(frozen=True)
class DataDistrict:
    id: str
    name: str
    state: str  # sync state: running | pending | error | paused | success | ""
    last_sync: str | None
    nces_id: str | None
    sis_type: str
    launch_date: str | None
    error: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DataDistrict:
        return cls(
            _s(d, "id"),
            _s(d, "name"),
            _s(d, "state"),
            _o(d, "last_sync"),
            _o(d, "nces_id"),
            _s(d, "sis_type"),
            _o(d, "launch_date"),
            _s(d, "error"),
            d,
        )


@dataclass(frozen=True)
class DataSchool:
    id: str
    name: str
    sis_id: str
    school_number: str
    district: str
    low_grade: str | None
    high_grade: str | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DataSchool:
        return cls(
            _s(d, "id"),
            _s(d, "name"),
            _s(d, "sis_id"),
            _s(d, "school_number"),
            _s(d, "district"),
            _o(d, "low_grade"),
            _o(d, "high_grade"),
            d,
        )


@dataclass(frozen=True)
class DataSection:
    id: str
    name: str
    sis_id: str
    school: str
    district: str
    teacher: str | None
    teachers: tuple[str, ...]
    students: tuple[str, ...]
    term_id: str | None
    course: str | None
    subject: str | None
    grade: str | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DataSection:
        return cls(
            _s(d, "id"),
            _s(d, "name"),
            _s(d, "sis_id"),
            _s(d, "school"),
            _s(d, "district"),
            _o(d, "teacher"),
            _strings(d.get("teachers")),
            _strings(d.get("students")),
            _o(d, "term_id"),
            _o(d, "course"),
            _o(d, "subject"),
            _o(d, "grade"),
            d,
        )


@dataclass(frozen=True)
class DataUser:
    """A user with one or more roles; `sis_id`, `school`, `schools` and `grade` come from the main role."""

    id: str
    district: str
    email: str | None
    first_name: str
    middle_name: str
    last_name: str
    roles: tuple[str, ...]
    sis_id: str | None
    school: str | None
    schools: tuple[str, ...]
    grade: str | None
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DataUser:
        raw_roles, raw_name = d.get("roles"), d.get("name")
        roles: Mapping[str, Any] = raw_roles if isinstance(raw_roles, Mapping) else {}
        name: Mapping[str, Any] = raw_name if isinstance(raw_name, Mapping) else {}
        main_role = next((r for r in ("student", "teacher", "staff") if roles.get(r)), "")
        main: Mapping[str, Any] = roles[main_role] if main_role else {}
        return cls(
            id=_s(d, "id"),
            district=_s(d, "district"),
            email=_o(d, "email"),
            first_name=_s(name, "first"),
            middle_name=_s(name, "middle"),
            last_name=_s(name, "last"),
            roles=tuple(role for role, value in roles.items() if value),
            sis_id=_o(main, "staff_id" if main_role == "staff" else "sis_id"),
            school=_o(main, "school") if main_role in {"student", "teacher"} else None,
            schools=_strings(main.get("schools")),
            grade=_o(main, "grade") if main_role == "student" else None,
            raw=d,
        )


@dataclass(frozen=True)
class DataTerm:
    id: str
    name: str | None
    start_date: str | None
    end_date: str | None
    district: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DataTerm:
        return cls(_s(d, "id"), _o(d, "name"), _o(d, "start_date"), _o(d, "end_date"), _s(d, "district"), d)


@dataclass(frozen=True)
class DataCourse:
    id: str
    name: str | None
    number: str | None
    district: str
    raw: Mapping[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DataCourse:
        return cls(_s(d, "id"), _o(d, "name"), _o(d, "number"), _s(d, "district"), d)
