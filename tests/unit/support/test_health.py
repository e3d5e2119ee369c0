from __future__ import annotations

import datetime as dt
from typing import Any

from tests.unit.support.conftest import TODAY
from wizard.hub.dataapi import DataDistrict, DataSchool, DataSection, DataTerm, DataUser
from wizard.support.health import assess_health
from wizard.support.reading import DistrictSnapshot


def student(i: str, sis: str | None, school: str = "sch1") -> dict[str, Any]:
    return {
        "id": i,
        "name": {"first": f"First{i}", "last": "Last"},
        "roles": {"student": {"sis_id": sis, "school": school, "schools": [school]}},
    }


def teacher(i: str, email: str | None, sis: str = "") -> dict[str, Any]:
    return {
        "id": i,
        "email": email,
        "name": {"first": "T", "last": i},
        "roles": {"teacher": {"sis_id": sis or f"T{i}", "school": "sch1", "schools": ["sch1"]}},
    }


def made_up_snapshot() -> DistrictSnapshot:
    users = [
        student("u1", "001"),
        student("u2", "001"),
        student("u3", None),
        student("u4", "004"),
        teacher("t1", "t1@example.org"),
        teacher("t2", None),
    ]
    sections = [
        {
            "id": "s1",
            "name": "Math",
            "school": "sch1",
            "teachers": ["t1"],
            "teacher": "t1",
            "students": ["u1", "u2"],
        },
        {"id": "s2", "name": "Art", "school": "sch1", "teachers": [], "students": ["u3"]},
        {"id": "s3", "name": "Empty", "school": "sch1", "teachers": ["t2"], "teacher": "t2", "students": []},
    ]
    terms = [
        {"id": "old", "name": "Spring 2026", "start_date": "2026-01-05", "end_date": "2026-06-10"},
        {"id": "now", "name": "2026-2027", "start_date": "2026-08-17", "end_date": "2027-06-11"},
        {"id": "next", "name": "Summer 2027", "start_date": "06/20/2027", "end_date": "08/01/2027"},
    ]
    return DistrictSnapshot(
        district=DataDistrict.from_json({"id": "d1", "name": "Test District", "state": "success"}),
        schools=(DataSchool.from_json({"id": "sch1", "name": "First School"}),),
        users=tuple(DataUser.from_json(u) for u in users),
        sections=tuple(DataSection.from_json(s) for s in sections),
        terms=tuple(DataTerm.from_json(t) for t in terms),
        requests=1,
    )


def test_every_kind_of_finding_on_made_up_data() -> None:
    report = assess_health(made_up_snapshot(), TODAY)
    found = {f.code: [row[0] for row in f.records] for f in report.findings}
    assert found == {
        "students_without_sis_id": ["u3"],
        "duplicate_student_sis_ids": ["u1", "u2"],
        "sections_without_teacher": ["s2"],
        "sections_without_students": ["s3"],
        "students_in_no_section": ["u4"],
        "teachers_without_email": ["t2"],
        "terms_ended": ["old"],
        "terms_not_started": ["next"],
    }
    assert report.totals == {"schools": 1, "teachers": 2, "sections": 3, "students": 4}
    [school] = report.by_school
    assert (school.name, school.teachers, school.sections, school.students) == ("First School", 2, 3, 4)


def test_terms_depend_on_the_injected_day() -> None:
    report = assess_health(made_up_snapshot(), dt.date(2026, 3, 1))
    codes = {f.code: [r[0] for r in f.records] for f in report.findings}
    assert "terms_ended" not in codes and codes["terms_not_started"] == ["now", "next"]


def test_demo_district_health(snapshot: DistrictSnapshot) -> None:
    report = assess_health(snapshot, TODAY)
    assert report.totals == {"schools": 3, "teachers": 21, "sections": 39, "students": 180}
    by_school = {s.name: (s.teachers, s.sections, s.students) for s in report.by_school}
    assert by_school == {
        "Cedar Middle": (5, 13, 36),
        "Maple Valley Elementary": (8, 13, 72),
        "Oak Ridge Elementary": (8, 13, 72),
    }
    counts = {f.code: f.count for f in report.findings}
    # The demo's Study Halls are empty, two students per grade are in no class, one Cedar teacher has no email.
    assert counts == {
        "sections_without_students": 3,
        "students_in_no_section": 30,
        "teachers_without_email": 1,
    }
    [no_email] = [f for f in report.findings if f.code == "teachers_without_email"]
    assert no_email.records[0][1] == "T20101" and no_email.records[0][3] == "Cedar Middle"
