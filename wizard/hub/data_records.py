"""The Data API's records as an app reads them: districts, schools, sections, users, terms, courses.

Field names follow reference/clever-data-api/swagger-v3.0.1.yml. A record keeps its full JSON in `raw`;
the typed fields are read leniently (a hub may leave optional fields out or null).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Self


def _s(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _o(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value in (None, "") else str(value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list) else ()


# how a field is read, by its annotation: text ("" when missing), optional text (None when missing or ""),
# a list of ids
_READERS: dict[str, Callable[[Mapping[str, Any], str], Any]] = {
    "str": _s,
    "str | None": _o,
    "tuple[str, ...]": lambda data, key: _strings(data.get(key)),
}


@dataclass(frozen=True)
class DataRecord:
    """A Data API record: typed fields named as the JSON's keys, and the full JSON in `raw`."""

    raw: Mapping[str, Any] = field(repr=False, compare=False, kw_only=True)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Self:
        """Each field read from the key of its name, as its annotation says (see _READERS)."""
        values = {
            item.name: _READERS[str(item.type)](d, item.name) for item in fields(cls) if item.name != "raw"
        }
        return cls(**values, raw=d)


@dataclass(frozen=True)
class DataDistrict(DataRecord):
    id: str
    name: str
    state: str  # sync state: running | pending | error | paused | success | ""
    last_sync: str | None
    nces_id: str | None
    sis_type: str
    launch_date: str | None
    error: str


@dataclass(frozen=True)
class DataSchool(DataRecord):
    id: str
    name: str
    sis_id: str
    school_number: str
    district: str
    low_grade: str | None
    high_grade: str | None


@dataclass(frozen=True)
class DataSection(DataRecord):
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


@dataclass(frozen=True)
class DataUser(DataRecord):
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

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Self:
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
class DataTerm(DataRecord):
    id: str
    name: str | None
    start_date: str | None
    end_date: str | None
    district: str


@dataclass(frozen=True)
class DataCourse(DataRecord):
    id: str
    name: str | None
    number: str | None
    district: str
