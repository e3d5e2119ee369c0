"""The hub tables as a Microsoft SDS v2.1 set, and the hub tables it must read back as; written and checked by
wizard/roster/targets.py."""

from __future__ import annotations

from wizard.roster import spec, standards
from wizard.roster.arrowtext import lookup
from wizard.roster.conversion import (
    SDS_CARRIED,
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


def to_sds(tables: Tables) -> Conversion:
    """The hub tables as an SDS v2.1 set (files by name) and what it must read back as."""
    format_id, name = standards.SDS_V21, "Microsoft SDS v2.1"
    tables, people, first, district, files, expected, notes = draft(format_id, name, tables, SDS_CARRIED)

    users = people[first].reset_index(drop=True)
    files["users.csv"] = frame_of(
        columns_of(format_id, "users"),
        {
            "sourcedId": users["id"],
            "username": users["username"],
            "givenName": users["first"],
            "familyName": users["last"],
            "password": users["password"],
            "email": users["email"],
        },
        len(users),
    )
    missing_username = (users["username"] == "").to_numpy()
    if missing_username.any():
        notes.append(
            f"users.csv: {int(missing_username.sum()):,} user(s) have no Username; SDS matches accounts by "
            "username, so fill them in before uploading to SDS."
        )
    staff_kinds = standards.role_kinds()
    tokens = people["role"].str.lower().str.replace(r"[^0-9a-z]", "", regex=True)
    is_staff_role = mapped(as_text(tokens), staff_kinds) == "staff"
    role = as_text(
        choose(people["kind"] == "staff", choose(is_staff_role, people["role"], "staff"), people["role"])
    )
    changed = (people["kind"] == "staff") & (role != people["role"])
    if changed.any():
        notes.append(
            f"staff.csv: {int(changed.sum()):,} Role value(s) are not SDS staff roles and were written as staff."
        )
    files["roles.csv"] = frame_of(
        columns_of(format_id, "roles"),
        {
            "userSourcedId": people["id"],
            "orgSourcedId": people["school"].where(people["school"] != "", district),
            "role": role,
            "grade": mapped(as_text(people["grade"]), standards.ceds_grades()),
            "isPrimary": constant(len(people), "true"),
        },
        len(people),
    )
    # every record is read back (one user per id, a role per record), with the user's name and email
    for kind in ("students", "teachers", "staff"):
        if kind not in expected:
            continue
        mine = (people["kind"] == kind).to_numpy()
        frame = expected[kind]
        id_column = spec.kind_spec(kind).id_column or ""
        ids = as_text(frame[id_column])
        for column, field_name in (
            ("First_name", "first"),
            ("Last_name", "last"),
            ("Username", "username"),
            ("Password", "password"),
        ):
            frame[column] = lookup(ids, users["id"], users[field_name])
        email_column = {"students": "Student_email", "teachers": "Teacher_email", "staff": "Staff_email"}[
            kind
        ]
        frame[email_column] = lookup(ids, users["id"], users["email"])
        if kind == "staff":
            frame["Role"] = as_text(role[mine])

    sections = table_of(tables, "sections")
    term_ids, files["academicSessions.csv"] = sessions_frame(format_id, sections)
    course_key = ("School_id", "Course_name", "Course_number", "Subject", "Grade")
    course_ids, courses = keyed_ids(sections, course_key, "course-")
    files["courses.csv"] = frame_of(
        columns_of(format_id, "courses"),
        {
            "sourcedId": as_text(courses["id"]),
            "orgSourcedId": as_text(courses["School_id"]),
            "title": as_text(courses["Course_name"]),
            "code": as_text(courses["Course_number"]),
            "subject": as_text(courses["Subject"]),
            "grade": mapped(as_text(courses["Grade"]), standards.ceds_grades()),
        },
        len(courses),
    )
    files["classes.csv"] = frame_of(
        columns_of(format_id, "classes"),
        {
            "sourcedId": as_text(sections["Section_id"]),
            "orgSourcedId": as_text(sections["School_id"]),
            "title": as_text(sections["Name"]),
            "sessionSourcedIds": term_ids,
            "courseSourcedId": course_ids,
        },
        len(sections),
    )
    if "sections" in expected:
        expected["sections"]["Subject"] = first_of_list(as_text(expected["sections"]["Subject"]))
    files["enrollments.csv"] = enrollments_frame(format_id, table_of(tables, "enrollments"), sections)
    if "enrollments" in expected:
        frame = expected["enrollments"]
        school = lookup(
            as_text(frame["Section_id"]),
            as_text(sections["Section_id"]),
            as_text(sections["School_id"]),
        )
        differs = (school != as_text(frame["School_id"])).to_numpy()
        if differs.any():
            notes.append(
                f"enrollments.csv: {int(differs.sum()):,} enrollment(s) name another school than their section's; "
                "SDS enrollments take their section's school."
            )
        frame["School_id"] = school

    students = table_of(tables, "students")
    chosen = with_demographics(students)
    files["demographics.csv"] = frame_of(
        columns_of(format_id, "demographics"),
        {
            "userSourcedId": as_text(chosen["Student_id"]),
            "sex": mapped(as_text(chosen["Gender"]), standards.sex_codes("sds")),
            "birthDate": iso_dates(as_text(chosen["DOB"])),
            "ethnicityCodes": mapped(as_text(chosen["Hispanic_Latino"]), standards.ethnicity_codes()),
            "raceCodes": race_codes(as_text(chosen["Race"])),
        },
        len(chosen),
    )
    if "students" in expected:
        expect_race(expected["students"], notes, name)
    return Conversion(files, expected, notes)
