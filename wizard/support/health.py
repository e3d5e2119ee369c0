"""One district's health as the app sees it: counts by school and the data problems support calls are about.

Pure functions of a `DistrictSnapshot` and today's date (injected), so every finding is reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from wizard.hub.dataapi import DataSection, DataTerm, DataUser
from wizard.support.reading import DistrictSnapshot

# Who must act on a finding.
DISTRICT = "district"
VENDOR = "vendor"
HUB = "hub"


@dataclass(frozen=True)
class SchoolCounts:
    school_id: str
    name: str
    teachers: int
    sections: int
    students: int


@dataclass(frozen=True)
class Finding:
    """One kind of data problem: how many records, what it means, who fixes it, and the affected records."""

    code: str
    title: str
    explanation: str
    actor: str
    records: tuple[tuple[str, str, str, str], ...]  # (hub id, SIS id, label, school name)

    @property
    def count(self) -> int:
        return len(self.records)


@dataclass(frozen=True)
class HealthReport:
    district_id: str
    district_name: str
    sync_state: str
    last_sync: str | None
    launch_date: str | None
    today: dt.date
    totals: dict[str, int]  # schools, teachers, sections, students
    by_school: tuple[SchoolCounts, ...]
    findings: tuple[Finding, ...]  # only the kinds with at least one record
    unreadable: tuple[str, ...] = ()  # resources the app may not read, so their checks did not run


def _user_row(user: DataUser, snapshot: DistrictSnapshot) -> tuple[str, str, str, str]:
    return (user.id, user.sis_id or "", user.name or "(no name)", snapshot.school_name(user.school))


def _section_row(section: DataSection, snapshot: DistrictSnapshot) -> tuple[str, str, str, str]:
    return (section.id, section.sis_id, section.name or "(no name)", snapshot.school_name(section.school))


def _term_row(term: DataTerm, when: str) -> tuple[str, str, str, str]:
    return (term.id, "", f"{term.name or '(no name)'} {when}", "")


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    for parse in (dt.date.fromisoformat, lambda t: dt.datetime.strptime(t, "%m/%d/%Y").date()):
        try:
            return parse(text[:10])
        except ValueError:
            continue
    return None


def _duplicates(users: tuple[DataUser, ...]) -> list[DataUser]:
    counts = Counter(u.sis_id for u in users if u.sis_id)
    return sorted(
        (u for u in users if u.sis_id and counts[u.sis_id] > 1), key=lambda u: (u.sis_id or "", u.id)
    )


def counts_by_school(snapshot: DistrictSnapshot) -> tuple[SchoolCounts, ...]:
    teachers: Counter[str] = Counter()
    for teacher in snapshot.teachers:
        for school in dict.fromkeys((*teacher.schools, *([teacher.school] if teacher.school else []))):
            teachers[school] += 1
    sections = Counter(s.school for s in snapshot.sections)
    students = Counter(s.school or "" for s in snapshot.students)
    rows = [
        SchoolCounts(school.id, school.name, teachers[school.id], sections[school.id], students[school.id])
        for school in snapshot.schools
    ]
    return tuple(sorted(rows, key=lambda r: r.name.casefold()))


def findings(snapshot: DistrictSnapshot, today: dt.date) -> list[Finding]:
    students, teachers, sections = snapshot.students, snapshot.teachers, snapshot.sections
    enrolled = {student for section in sections for student in section.students}
    ended = [t for t in snapshot.terms if (end := _parse_date(t.end_date)) is not None and end < today]
    future = [t for t in snapshot.terms if (start := _parse_date(t.start_date)) is not None and start > today]
    candidates = [
        Finding(
            "students_without_sis_id",
            "Students without a SIS id",
            "The app links a hub login to its own account by SIS id; these students cannot be linked.",
            DISTRICT,
            tuple(_user_row(u, snapshot) for u in students if not u.sis_id),
        ),
        Finding(
            "duplicate_student_sis_ids",
            "Students sharing a SIS id",
            "Two students with one SIS id sign in to the same app account.",
            DISTRICT,
            tuple(_user_row(u, snapshot) for u in _duplicates(students)),
        ),
        Finding(
            "duplicate_teacher_sis_ids",
            "Teachers sharing a SIS id",
            "Two teachers with one SIS id sign in to the same app account.",
            DISTRICT,
            tuple(_user_row(u, snapshot) for u in _duplicates(teachers)),
        ),
        Finding(
            "sections_without_teacher",
            "Sections with no teacher",
            "No teacher will see these classes in the app.",
            DISTRICT,
            tuple(_section_row(s, snapshot) for s in sections if not s.teachers and not s.teacher),
        ),
        Finding(
            "sections_without_students",
            "Sections with no students",
            "Teachers will see these classes empty in the app.",
            DISTRICT,
            tuple(_section_row(s, snapshot) for s in sections if not s.students),
        ),
        Finding(
            "students_in_no_section",
            "Students in no section",
            "They can sign in, but no teacher sees them in a class.",
            DISTRICT,
            tuple(_user_row(u, snapshot) for u in students if u.id not in enrolled),
        ),
        Finding(
            "teachers_without_email",
            "Teachers without email",
            "Teachers need an email to sign in with Google or Microsoft and to get the app's messages.",
            DISTRICT,
            tuple(_user_row(u, snapshot) for u in teachers if not u.email),
        ),
        Finding(
            "terms_ended",
            "Terms that have ended",
            "Sections in an ended term are usually stale: the district should roll its SIS over.",
            DISTRICT,
            tuple(_term_row(t, f"ended {t.end_date}") for t in ended),
        ),
        Finding(
            "terms_not_started",
            "Terms that have not started",
            "Classes in these terms will appear before the term begins.",
            DISTRICT,
            tuple(_term_row(t, f"starts {t.start_date}") for t in future),
        ),
    ]
    return [finding for finding in candidates if finding.records]


def assess_health(snapshot: DistrictSnapshot, today: dt.date) -> HealthReport:
    """Counts by school and every data problem found, for the date `today` (terms depend on it)."""
    district = snapshot.district
    return HealthReport(
        district_id=district.id,
        district_name=district.name,
        sync_state=district.state,
        last_sync=district.last_sync,
        launch_date=district.launch_date,
        today=today,
        totals={
            "schools": len(snapshot.schools),
            "teachers": len(snapshot.teachers),
            "sections": len(snapshot.sections),
            "students": len(snapshot.students),
        },
        by_school=counts_by_school(snapshot),
        findings=tuple(findings(snapshot, today)),
        unreadable=snapshot.unreadable,
    )
