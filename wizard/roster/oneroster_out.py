"""The hub tables as a OneRoster 1.1 bulk set (what ClassLink's Roster Server takes by SFTP), and the hub
tables it must read back as; written and checked by wizard/roster/targets.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wizard.roster import standards
from wizard.roster.conversion import (
    ONEROSTER_CARRIED,
    Conversion,
    Tables,
    as_text,
    choose,
    columns_of,
    constant,
    draft,
    enrollments_frame,
    expect_race,
    frame_of,
    iso_dates,
    keyed_ids,
    mapped,
    race_codes,
    sessions_frame,
    table_of,
    with_demographics,
)
from wizard.roster.oneroster_set import first_of_list

SYSTEM_NAME = "District Onboarding Wizard"
ONEROSTER_USER_ROLES = ("administrator", "aide", "proctor")  # the 1.1 user roles a staff member can have


def to_oneroster(tables: Tables) -> Conversion:
    """The hub tables as a OneRoster 1.1 bulk set (files by name) and what it must read back as."""
    format_id, name = standards.ONEROSTER_11, "OneRoster 1.1"
    tables, people, first, district, files, expected, notes = draft(
        format_id, name, tables, ONEROSTER_CARRIED
    )

    # users: one per id; a staff member's role is kept when 1.1 has it, else written as administrator
    staff_role = people["role"].str.lower().str.strip()
    staff_role = staff_role.where(staff_role.isin(ONEROSTER_USER_ROLES), "administrator")
    role = choose(people["kind"] == "staff", staff_role, people["role"])
    changed = (people["kind"] == "staff") & (role != people["role"])
    if changed.any():
        notes.append(
            f"staff.csv: {int(changed.sum()):,} Role value(s) are not OneRoster 1.1 roles (administrator, aide, "
            "proctor) and were written as administrator, or in its spelling."
        )
    users = people[first].reset_index(drop=True)
    role = role[first].reset_index(drop=True)
    data = {
        "sourcedId": users["id"],
        "enabledUser": constant(len(users), "true"),
        "orgSourcedIds": users["school"].where(users["school"] != "", district),
        "role": role,
        "username": users["username"],
        "givenName": users["first"],
        "familyName": users["last"],
        "middleName": users["middle"],
        "identifier": users["number"],
        "email": users["email"],
        "grades": mapped(users["grade"], standards.ceds_grades()),
        "password": users["password"],
    }
    files["users.csv"] = frame_of(columns_of(format_id, "users"), data, len(users))
    _expect_people(expected, people, first, role)

    sections = table_of(tables, "sections")
    term_ids, files["academicSessions.csv"] = sessions_frame(format_id, sections)
    course_ids, courses = keyed_ids(sections, ("School_id", "Course_name", "Course_number"), "course-")
    files["courses.csv"] = frame_of(
        columns_of(format_id, "courses"),
        {
            "sourcedId": as_text(courses["id"]),
            "title": as_text(courses["Course_name"]),
            "courseCode": as_text(courses["Course_number"]),
            "orgSourcedId": as_text(courses["School_id"]),
        },
        len(courses),
    )
    subject = as_text(sections["Subject"])
    files["classes.csv"] = frame_of(
        columns_of(format_id, "classes"),
        {
            "sourcedId": as_text(sections["Section_id"]),
            "title": as_text(sections["Name"]),
            "grades": mapped(as_text(sections["Grade"]), standards.ceds_grades()),
            "courseSourcedId": course_ids,
            "classCode": as_text(sections["Section_number"]),
            "classType": choose(subject == "homeroom/advisory", "homeroom", "scheduled"),
            "schoolSourcedId": as_text(sections["School_id"]),
            "termSourcedIds": term_ids,
            "subjects": subject,
            "periods": as_text(sections["Period"]),
        },
        len(sections),
    )
    for column, noun in (("termSourcedIds", "term"), ("courseSourcedId", "course")):
        lacking = int((files["classes.csv"][column] == "").sum())
        if lacking:
            notes.append(
                f"classes.csv: {lacking:,} class(es) have no {noun} (the sections have no {noun.title()}_* "
                f"values); OneRoster 1.1 requires {column}, so a strict importer may refuse them."
            )
    lacking = int((files["users.csv"]["username"] == "").sum())
    if lacking:
        notes.append(
            f"users.csv: {lacking:,} user(s) have no Username; OneRoster 1.1 requires one, so a strict importer "
            "may refuse them."
        )
    if "sections" in expected:
        split = first_of_list(as_text(expected["sections"]["Subject"]))
        if (split != as_text(expected["sections"]["Subject"])).any():
            notes.append(
                "sections.csv: a Subject with a comma is a list in OneRoster; its first item is read back."
            )
        expected["sections"]["Subject"] = split
    files["enrollments.csv"] = enrollments_frame(format_id, table_of(tables, "enrollments"), sections)

    students = table_of(tables, "students")
    files["demographics.csv"] = _oneroster_demographics(format_id, students, expected, notes)
    files = {"manifest.csv": _manifest(files), **files}
    return Conversion(files, expected, notes)


def _expect_people(expected: Tables, people: pd.DataFrame, first: np.ndarray, role: pd.Series) -> None:
    """Records whose id an earlier record took are not read back; staff roles read back as written."""
    for kind in ("students", "teachers", "staff"):
        if kind not in expected:
            continue
        mine = (people["kind"] == kind).to_numpy()
        keep = first[mine]
        frame = expected[kind]
        if kind == "staff":
            frame["Role"] = as_text(_role_for_kind(people, role, first, mine))
        expected[kind] = frame[keep].reset_index(drop=True)


def _role_for_kind(people: pd.DataFrame, role: pd.Series, first: np.ndarray, mine: np.ndarray) -> np.ndarray:
    """The role written for each of one kind's rows (rows not written keep their own, they are dropped anyway)."""
    written = np.asarray(people["role"], dtype=object).copy()
    written[first] = np.asarray(role, dtype=object)
    chosen: np.ndarray = written[mine]
    return chosen


def _oneroster_demographics(
    format_id: str, students: pd.DataFrame, expected: Tables, notes: list[str]
) -> pd.DataFrame:
    chosen = with_demographics(students)
    length = len(chosen)
    race = as_text(chosen["Race"])
    code = race_codes(race)
    data: dict[str, pd.Series] = {
        "sourcedId": as_text(chosen["Student_id"]),
        "birthDate": iso_dates(as_text(chosen["DOB"])),
        "sex": mapped(as_text(chosen["Gender"]), standards.sex_codes("oneroster")),
        "hispanicOrLatinoEthnicity": mapped(as_text(chosen["Hispanic_Latino"]), {"Y": "true", "N": "false"}),
    }
    for column in standards.race_codes().values():
        data[column] = choose(race == "", "", choose(code == column, "true", "false"))
    frame = frame_of(columns_of(format_id, "demographics"), data, length)
    if "students" in expected:
        gender = as_text(expected["students"]["Gender"])
        carried_gender = gender.isin(list(standards.sex_codes("oneroster"))) | (gender == "")
        if not carried_gender.all():
            notes.append(
                f"students.csv: {int((~carried_gender).sum()):,} Gender value(s) X have no OneRoster 1.1 sex "
                "(male/female only) and are left empty."
            )
        expected["students"]["Gender"] = gender.where(carried_gender, "")
        expect_race(expected["students"], notes, "OneRoster 1.1")
    return frame


def _manifest(files: dict[str, pd.DataFrame]) -> pd.DataFrame:
    properties = [("manifest.version", "1.0"), ("oneroster.version", "1.1")]
    written = {name[:-4] for name in files}
    for name in (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "users",
    ):
        properties.append((f"file.{name}", "bulk" if name in written else "absent"))
    properties += [("source.systemName", SYSTEM_NAME), ("source.systemCode", "wizard")]
    return pd.DataFrame(
        {
            "propertyName": as_text([key for key, _ in properties]),
            "value": as_text([value for _, value in properties]),
        }
    )
