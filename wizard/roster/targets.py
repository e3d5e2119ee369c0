"""The prepared roster written for other hubs too: a OneRoster 1.1 bulk zip (what ClassLink's Roster Server takes
by SFTP) and a Microsoft SDS v2.1 folder, next to the hub set.

Each is converted from the validated hub tables (ids kept as text, grades as CEDS codes, dates as YYYY-MM-DD, the
standard's vocabularies from resources/roster_standards.toml), written beside its final place, read back with
this package's own reader, and kept only if it reads back as the hub set it came from, record for record (the
values the standard has no place for are listed in the notes and left out of the comparison). A difference is
a defect: RoundTripError says which record and column, and nothing is left behind.

    export = export_roster(result, Path("out"), ["hub", "oneroster", "sds"], allow_errors=False)
    export.written  # the hub files, report, summary.json;  export.sets  # TargetOutput per standard set
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, cast

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from wizard.errors import UserFacingError
from wizard.fileio import atomic_writer, fsync_folder, write_text_atomically
from wizard.roster import spec, standards
from wizard.roster.arrowtext import arrow, lookup
from wizard.roster.csvout import write_frame_csv
from wizard.roster.oneroster import first_of_list
from wizard.roster.pipeline import (
    SUMMARY_NAME,
    InputFormat,
    PrepareOptions,
    PrepareResult,
    WrittenFiles,
    prepare,
    write_outputs,
)
from wizard.roster.sds import TEACHER_COLUMNS
from wizard.roster.staging import text_column
from wizard.tasks import CancelToken, ProgressCallback, no_progress

STANDARD_TARGETS = ("oneroster", "sds")
ONEROSTER_ZIP = "oneroster_1.1.zip"
SDS_FOLDER = "sds_v2.1"
OUTPUT_NAMES = {"oneroster": ONEROSTER_ZIP, "sds": SDS_FOLDER}
DISTRICT_ID = "district"
SYSTEM_NAME = "District Onboarding Wizard"
ONEROSTER_USER_ROLES = ("administrator", "aide", "proctor")  # the 1.1 user roles a staff member can have
Tables = dict[str, pd.DataFrame]


class RoundTripError(UserFacingError):
    """A written set did not read back as the roster it was made from (a defect: nothing is kept)."""


@dataclass
class TargetOutput:
    """One standard set written: where, how many rows per file, and what the standard could not carry."""

    target: str
    name: str  # "OneRoster 1.1", "Microsoft SDS v2.1"
    path: Path
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "format": self.name,
            "path": self.path.name,
            "files": dict(self.counts),
            "round_trip": "identical",
            "not_carried": list(self.notes),
        }


@dataclass
class Conversion:
    """A standard set in memory: file name -> frame (the standard's headers), the hub tables it must read back
    as, and notes on what it cannot carry."""

    files: dict[str, pd.DataFrame]
    expected: Tables
    notes: list[str]


# --- shared conversions ---------------------------------------------------------------------------------------


def _text(values: pd.Series | np.ndarray | list[str]) -> pd.Series:
    """Values as a text Series with a fresh RangeIndex ("" for missing); text Series stay in Arrow (no copy)."""
    if isinstance(values, pd.Series):
        return values.astype("str").fillna("").reset_index(drop=True)
    return pd.Series(np.asarray(values, dtype=object), dtype="str").fillna("")


def _constant(length: int, value: str) -> pd.Series:
    return text_column(length, value)


def _stack(*parts: pd.Series) -> pd.Series:
    """Text Series one after the other (e.g. student enrollments, then teacher ones)."""
    return pd.concat([_text(part) for part in parts], ignore_index=True)


def _choose(condition: pd.Series | np.ndarray, yes: pd.Series | str, no: pd.Series | str) -> pd.Series:
    """Per row `yes` where `condition` holds, else `no` (Series aligned positionally, or constants)."""
    mask = np.asarray(condition, dtype=bool)
    length = len(mask)
    yes_values = _text(yes) if isinstance(yes, pd.Series) else _constant(length, yes)
    no_values = _text(no) if isinstance(no, pd.Series) else _constant(length, no)
    return yes_values.where(mask, no_values)


def _map(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Each value's entry in `table` ("" when it has none); vectorised."""
    return lookup(values.astype("str"), _text(list(table)), _text(list(table.values())))


def iso_dates(values: pd.Series) -> pd.Series:
    """The hub's MM/DD/YYYY as YYYY-MM-DD (values already validated; anything else is kept as it is)."""
    return values.astype("str").str.replace(r"^(\d{2})/(\d{2})/(\d{4})$", r"\3-\1-\2", regex=True)


def _school_year(start: pd.Series, end: pd.Series) -> pd.Series:
    """A session's school year: the year it ends (else starts) in."""
    end_year = end.str.extract(r"^(\d{4})-", expand=False).fillna("")
    start_year = start.str.extract(r"^(\d{4})-", expand=False).fillna("")
    return _text(end_year.where(end_year != "", start_year))


def _frame(columns: Sequence[str], data: dict[str, pd.Series], length: int) -> pd.DataFrame:
    """A frame with exactly `columns` (the standard's order); columns not in `data` are empty."""
    return pd.DataFrame(
        {column: (_text(data[column]) if column in data else _constant(length, "")) for column in columns},
        index=pd.RangeIndex(length),
    )


def _columns(format_id: str, key: str) -> tuple[str, ...]:
    return standards.standard(format_id).files[key].columns


def _blank(frame: pd.DataFrame, keep: Sequence[str]) -> pd.DataFrame:
    """The hub table with every column but `keep` emptied: what a standard without those columns reads back."""
    result = frame.copy()
    for column in result.columns:
        if column not in keep:
            result[column] = _constant(len(result), "")
    return result


def _not_carried(tables: Tables, carried: Mapping[str, Sequence[str]], standard_name: str) -> list[str]:
    """One note per hub column that has values the standard has no place for."""
    notes: list[str] = []
    for kind, frame in tables.items():
        keep = carried.get(kind, ())
        lost = [
            f"{column} ({int((frame[column] != '').sum()):,})"
            for column in frame.columns
            if column not in keep and (frame[column] != "").any()
        ]
        if lost:
            notes.append(
                f"{spec.hub_file_name(kind)}: {standard_name} has no place for " + ", ".join(lost) + "."
            )
    return notes


def _people(tables: Tables) -> pd.DataFrame:
    """Students, teachers and staff as one list of users, in that order (kind, id, person fields)."""
    parts = []
    for kind, id_column, number, email in (
        ("students", "Student_id", "Student_number", "Student_email"),
        ("teachers", "Teacher_id", "Teacher_number", "Teacher_email"),
        ("staff", "Staff_id", None, "Staff_email"),
    ):
        frame = tables.get(kind)
        if frame is None or frame.empty:
            continue
        length = len(frame)
        parts.append(
            pd.DataFrame(
                {
                    "kind": _constant(length, kind),
                    "position": np.arange(length),
                    "id": _text(frame[id_column]),
                    "school": _text(frame["School_id"]),
                    "first": _text(frame["First_name"]),
                    "last": _text(frame["Last_name"]),
                    "middle": _text(frame["Middle_name"])
                    if "Middle_name" in frame
                    else _constant(length, ""),
                    "number": _text(frame[number]) if number else _constant(length, ""),
                    "email": _text(frame[email]),
                    "username": _text(frame["Username"]),
                    "password": _text(frame["Password"]),
                    "grade": _text(frame["Grade"]) if "Grade" in frame else _constant(length, ""),
                    "role": _text(frame["Role"]) if "Role" in frame else _constant(length, kind[:-1]),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {name: pd.Series([], dtype="str") for name in ("kind", "id", "school", "role")}
            | {"position": pd.Series([], dtype="int64")}
        )
    return pd.concat(parts, ignore_index=True)


def _districts(tables: Tables, people: pd.DataFrame) -> str:
    """The id of a district org for people with no school ("" when nobody needs one)."""
    if not ((people["school"] == "") & (people["id"] != "")).any():
        return ""
    taken = set(tables.get("schools", pd.DataFrame({"School_id": []}))["School_id"])
    candidate, number = DISTRICT_ID, 1
    while candidate in taken:
        number += 1
        candidate = f"{DISTRICT_ID}-{number}"
    return candidate


def _orgs(format_id: str, tables: Tables, district: str) -> pd.DataFrame:
    schools = tables.get("schools", pd.DataFrame({column: [] for column in spec.hub_columns("schools")}))
    ids = _text(schools["School_id"])
    data = {
        "sourcedId": ids,
        "name": _text(schools["School_name"]),
        "type": _constant(len(ids), "school"),
        "identifier": _text(schools["School_number"]),
        "parentSourcedId": _constant(len(ids), district),
    }
    frame = _frame(_columns(format_id, "orgs"), data, len(ids))
    if district:
        head = _frame(
            _columns(format_id, "orgs"),
            {"sourcedId": _text([district]), "name": _text(["District"]), "type": _text(["district"])},
            1,
        )
        frame = pd.concat([head, frame], ignore_index=True)
    return frame


def _keyed_ids(frame: pd.DataFrame, key: Sequence[str], prefix: str) -> tuple[pd.Series, pd.DataFrame]:
    """Per row, the id of its distinct `key` combination ("" when all of it is empty); and the distinct rows."""
    if frame.empty:
        return _text([]), pd.DataFrame({column: pd.Series([], dtype="str") for column in [*key, "id"]})
    present = (frame[list(key)] != "").any(axis=1).to_numpy()
    keys = frame[list(key)].astype("str")
    codes = keys.groupby(list(key), sort=False).ngroup().to_numpy()  # numbered in order of first appearance
    ids = np.where(present, np.char.add(prefix, (codes + 1).astype(str)), "")
    distinct = keys.drop_duplicates().reset_index(drop=True)
    distinct["id"] = np.char.add(prefix, (np.arange(len(distinct)) + 1).astype(str))
    used = np.unique(codes[present])
    return _text(ids), distinct.iloc[used].reset_index(drop=True)


def _sessions(format_id: str, sections: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    term_ids, terms = _keyed_ids(sections, ("Term_name", "Term_start", "Term_end"), "term-")
    start, end = (
        iso_dates(_text(terms["Term_start"])),
        iso_dates(_text(terms["Term_end"])),
    )
    data = {
        "sourcedId": _text(terms["id"]),
        "title": _text(terms["Term_name"]),
        "type": _constant(len(terms), "term"),
        "startDate": start,
        "endDate": end,
        "schoolYear": _school_year(start, end),
    }
    return term_ids, _frame(_columns(format_id, "academicsessions"), data, len(terms))


def _teacher_links(sections: pd.DataFrame) -> pd.DataFrame:
    """(section, school, teacher, rank) for every teacher column that is filled, rank 0 = Teacher_id, in rank
    order so each section's teachers keep their order when read back."""
    if sections.empty:
        return pd.DataFrame(
            {name: pd.Series([], dtype="str") for name in ("section", "school", "teacher")}
            | {"rank": pd.Series([], dtype="int64")}
        )
    long = sections[["Section_id", "School_id", *TEACHER_COLUMNS]].melt(
        id_vars=["Section_id", "School_id"],
        value_vars=TEACHER_COLUMNS,
        var_name="column",
        value_name="teacher",
    )
    long["rank"] = long["column"].map({column: rank for rank, column in enumerate(TEACHER_COLUMNS)})
    long = long[long["teacher"] != ""].sort_values("rank", kind="stable")
    return pd.DataFrame(
        {
            "section": _text(long["Section_id"]),
            "school": _text(long["School_id"]),
            "teacher": _text(long["teacher"]),
            "rank": long["rank"].to_numpy(),
        }
    )


def _race_codes(race: pd.Series) -> pd.Series:
    return _map(race, standards.race_codes())


def _unique_people(people: pd.DataFrame, standard_name: str, notes: list[str]) -> np.ndarray:
    """Which person rows become users: an id used by a student and a teacher (or staff) is one user."""
    first = ~people["id"].duplicated(keep="first").to_numpy()
    if (~first).any():
        repeated = people[~first]
        listed = ", ".join(
            f"{kind} {ident}" for kind, ident in zip(repeated["kind"][:5], repeated["id"][:5], strict=True)
        )
        notes.append(
            f"{int((~first).sum()):,} record(s) share an id with an earlier student, teacher or staff member "
            f"({listed}); {standard_name} has one user per id, so the first record's name and email are used."
        )
    return first


class _Draft(NamedTuple):
    """A conversion begun: the hub tables that have rows, everyone as users (_people), which of them become
    users (_unique_people), the district org for people without a school ("" when none), and the files,
    expected tables and notes so far."""

    tables: Tables
    people: pd.DataFrame
    first: np.ndarray
    district: str
    files: dict[str, pd.DataFrame]
    expected: Tables
    notes: list[str]


def _draft(format_id: str, name: str, tables: Tables, carried: Mapping[str, Sequence[str]]) -> _Draft:
    """What every standard set starts from: the tables it reads back as (the columns it cannot carry emptied and
    noted), its users and its orgs."""
    tables = {kind: frame.reset_index(drop=True) for kind, frame in tables.items() if not frame.empty}
    notes = _not_carried(tables, carried, name)
    expected = {kind: _blank(frame, carried[kind]) for kind, frame in tables.items()}
    people = _people(tables)
    district = _districts(tables, people)
    files = {"orgs.csv": _orgs(format_id, tables, district)}
    first = _unique_people(people, name, notes)
    return _Draft(tables, people, first, district, files, expected, notes)


def _table(tables: Tables, kind: str) -> pd.DataFrame:
    """The hub table of `kind`, or an empty one with its columns."""
    return tables.get(kind, pd.DataFrame(columns=spec.hub_columns(kind)))


def _with_demographics(students: pd.DataFrame) -> pd.DataFrame:
    """The students with any demographic value (the rows a demographics file lists)."""
    filled = (students[["DOB", "Gender", "Race", "Hispanic_Latino"]] != "").any(axis=1).to_numpy()
    return students[filled]


def _enrollments(format_id: str, enrollments: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """The student enrollments, then a teacher enrollment per filled teacher column (the first one primary), in
    the standard's columns (a standard takes only the ones it has)."""
    teachers = _teacher_links(sections)
    rows = len(enrollments) + len(teachers)
    return _frame(
        _columns(format_id, "enrollments"),
        {
            "sourcedId": "enrollment-" + _text((np.arange(rows) + 1).astype(str)),
            "classSourcedId": _stack(enrollments["Section_id"], teachers["section"]),
            "schoolSourcedId": _stack(enrollments["School_id"], teachers["school"]),
            "userSourcedId": _stack(enrollments["Student_id"], teachers["teacher"]),
            "role": _stack(_constant(len(enrollments), "student"), _constant(len(teachers), "teacher")),
            "primary": _stack(
                _constant(len(enrollments), "false"), _choose(teachers["rank"] == 0, "true", "false")
            ),
        },
        rows,
    )


# --- OneRoster 1.1 ------------------------------------------------------------------------------------------

# The hub columns a standard set carries; the others are named in its notes and left out of the round trip.
SDS_CARRIED: dict[str, tuple[str, ...]] = {
    "schools": ("School_id", "School_name"),
    "students": (
        "School_id",
        "Student_id",
        "Last_name",
        "First_name",
        "Grade",
        "Gender",
        "DOB",
        "Race",
        "Hispanic_Latino",
        "Student_email",
        "Username",
        "Password",
    ),
    "teachers": (
        "School_id",
        "Teacher_id",
        "Teacher_email",
        "First_name",
        "Last_name",
        "Username",
        "Password",
    ),
    "sections": (
        "School_id",
        "Section_id",
        *TEACHER_COLUMNS,
        "Name",
        "Grade",
        "Course_name",
        "Course_number",
        "Subject",
        "Term_name",
        "Term_start",
        "Term_end",
    ),
    "enrollments": ("School_id", "Section_id", "Student_id"),
    "staff": (
        "School_id",
        "Staff_id",
        "Staff_email",
        "First_name",
        "Last_name",
        "Username",
        "Password",
        "Role",
    ),
}
# OneRoster 1.1 carries all of those and these besides
ONEROSTER_ONLY: dict[str, tuple[str, ...]] = {
    "schools": ("School_number",),
    "students": ("Student_number", "Middle_name"),
    "teachers": ("Teacher_number", "Middle_name"),
    "sections": ("Section_number", "Period"),
}
ONEROSTER_CARRIED = {kind: (*columns, *ONEROSTER_ONLY.get(kind, ())) for kind, columns in SDS_CARRIED.items()}


def to_oneroster(tables: Tables) -> Conversion:
    """The hub tables as a OneRoster 1.1 bulk set (files by name) and what it must read back as."""
    format_id, name = standards.ONEROSTER_11, "OneRoster 1.1"
    tables, people, first, district, files, expected, notes = _draft(
        format_id, name, tables, ONEROSTER_CARRIED
    )

    # users: one per id; a staff member's role is kept when 1.1 has it, else written as administrator
    staff_role = people["role"].str.lower().str.strip()
    staff_role = staff_role.where(staff_role.isin(ONEROSTER_USER_ROLES), "administrator")
    role = _choose(people["kind"] == "staff", staff_role, people["role"])
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
        "enabledUser": _constant(len(users), "true"),
        "orgSourcedIds": users["school"].where(users["school"] != "", district),
        "role": role,
        "username": users["username"],
        "givenName": users["first"],
        "familyName": users["last"],
        "middleName": users["middle"],
        "identifier": users["number"],
        "email": users["email"],
        "grades": _map(users["grade"], standards.ceds_grades()),
        "password": users["password"],
    }
    files["users.csv"] = _frame(_columns(format_id, "users"), data, len(users))
    _expect_people(expected, people, first, role)

    sections = _table(tables, "sections")
    term_ids, files["academicSessions.csv"] = _sessions(format_id, sections)
    course_ids, courses = _keyed_ids(sections, ("School_id", "Course_name", "Course_number"), "course-")
    files["courses.csv"] = _frame(
        _columns(format_id, "courses"),
        {
            "sourcedId": _text(courses["id"]),
            "title": _text(courses["Course_name"]),
            "courseCode": _text(courses["Course_number"]),
            "orgSourcedId": _text(courses["School_id"]),
        },
        len(courses),
    )
    subject = _text(sections["Subject"])
    files["classes.csv"] = _frame(
        _columns(format_id, "classes"),
        {
            "sourcedId": _text(sections["Section_id"]),
            "title": _text(sections["Name"]),
            "grades": _map(_text(sections["Grade"]), standards.ceds_grades()),
            "courseSourcedId": course_ids,
            "classCode": _text(sections["Section_number"]),
            "classType": _choose(subject == "homeroom/advisory", "homeroom", "scheduled"),
            "schoolSourcedId": _text(sections["School_id"]),
            "termSourcedIds": term_ids,
            "subjects": subject,
            "periods": _text(sections["Period"]),
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
        split = first_of_list(_text(expected["sections"]["Subject"]))
        if (split != _text(expected["sections"]["Subject"])).any():
            notes.append(
                "sections.csv: a Subject with a comma is a list in OneRoster; its first item is read back."
            )
        expected["sections"]["Subject"] = split
    files["enrollments.csv"] = _enrollments(format_id, _table(tables, "enrollments"), sections)

    students = _table(tables, "students")
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
            frame["Role"] = _text(_role_for_kind(people, role, first, mine))
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
    chosen = _with_demographics(students)
    length = len(chosen)
    race = _text(chosen["Race"])
    code = _race_codes(race)
    data: dict[str, pd.Series] = {
        "sourcedId": _text(chosen["Student_id"]),
        "birthDate": iso_dates(_text(chosen["DOB"])),
        "sex": _map(_text(chosen["Gender"]), standards.sex_codes("oneroster")),
        "hispanicOrLatinoEthnicity": _map(_text(chosen["Hispanic_Latino"]), {"Y": "true", "N": "false"}),
    }
    for column in standards.race_codes().values():
        data[column] = _choose(race == "", "", _choose(code == column, "true", "false"))
    frame = _frame(_columns(format_id, "demographics"), data, length)
    if "students" in expected:
        gender = _text(expected["students"]["Gender"])
        carried_gender = gender.isin(list(standards.sex_codes("oneroster"))) | (gender == "")
        if not carried_gender.all():
            notes.append(
                f"students.csv: {int((~carried_gender).sum()):,} Gender value(s) X have no OneRoster 1.1 sex "
                "(male/female only) and are left empty."
            )
        expected["students"]["Gender"] = gender.where(carried_gender, "")
        _expect_race(expected["students"], notes, "OneRoster 1.1")
    return frame


def _expect_race(students: pd.DataFrame, notes: list[str], standard_name: str) -> None:
    race = _text(students["Race"])
    unknown = (race != "") & (_race_codes(race) == "")
    if unknown.any():
        notes.append(
            f"students.csv: {int(unknown.sum()):,} Race value(s) (e.g. Unknown) have no {standard_name} code and "
            "are left empty."
        )
    students["Race"] = race.where(~unknown, "")


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
            "propertyName": _text([key for key, _ in properties]),
            "value": _text([value for _, value in properties]),
        }
    )


# --- SDS v2.1 -----------------------------------------------------------------------------------------------


def to_sds(tables: Tables) -> Conversion:
    """The hub tables as an SDS v2.1 set (files by name) and what it must read back as."""
    format_id, name = standards.SDS_V21, "Microsoft SDS v2.1"
    tables, people, first, district, files, expected, notes = _draft(format_id, name, tables, SDS_CARRIED)

    users = people[first].reset_index(drop=True)
    files["users.csv"] = _frame(
        _columns(format_id, "users"),
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
    is_staff_role = _map(_text(tokens), staff_kinds) == "staff"
    role = _text(
        _choose(people["kind"] == "staff", _choose(is_staff_role, people["role"], "staff"), people["role"])
    )
    changed = (people["kind"] == "staff") & (role != people["role"])
    if changed.any():
        notes.append(
            f"staff.csv: {int(changed.sum()):,} Role value(s) are not SDS staff roles and were written as staff."
        )
    files["roles.csv"] = _frame(
        _columns(format_id, "roles"),
        {
            "userSourcedId": people["id"],
            "orgSourcedId": people["school"].where(people["school"] != "", district),
            "role": role,
            "grade": _map(_text(people["grade"]), standards.ceds_grades()),
            "isPrimary": _constant(len(people), "true"),
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
        ids = _text(frame[id_column])
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
            frame["Role"] = _text(role[mine])

    sections = _table(tables, "sections")
    term_ids, files["academicSessions.csv"] = _sessions(format_id, sections)
    course_key = ("School_id", "Course_name", "Course_number", "Subject", "Grade")
    course_ids, courses = _keyed_ids(sections, course_key, "course-")
    files["courses.csv"] = _frame(
        _columns(format_id, "courses"),
        {
            "sourcedId": _text(courses["id"]),
            "orgSourcedId": _text(courses["School_id"]),
            "title": _text(courses["Course_name"]),
            "code": _text(courses["Course_number"]),
            "subject": _text(courses["Subject"]),
            "grade": _map(_text(courses["Grade"]), standards.ceds_grades()),
        },
        len(courses),
    )
    files["classes.csv"] = _frame(
        _columns(format_id, "classes"),
        {
            "sourcedId": _text(sections["Section_id"]),
            "orgSourcedId": _text(sections["School_id"]),
            "title": _text(sections["Name"]),
            "sessionSourcedIds": term_ids,
            "courseSourcedId": course_ids,
        },
        len(sections),
    )
    if "sections" in expected:
        expected["sections"]["Subject"] = first_of_list(_text(expected["sections"]["Subject"]))
    files["enrollments.csv"] = _enrollments(format_id, _table(tables, "enrollments"), sections)
    if "enrollments" in expected:
        frame = expected["enrollments"]
        school = lookup(
            _text(frame["Section_id"]),
            _text(sections["Section_id"]),
            _text(sections["School_id"]),
        )
        differs = (school != _text(frame["School_id"])).to_numpy()
        if differs.any():
            notes.append(
                f"enrollments.csv: {int(differs.sum()):,} enrollment(s) name another school than their section's; "
                "SDS enrollments take their section's school."
            )
        frame["School_id"] = school

    students = _table(tables, "students")
    chosen = _with_demographics(students)
    files["demographics.csv"] = _frame(
        _columns(format_id, "demographics"),
        {
            "userSourcedId": _text(chosen["Student_id"]),
            "sex": _map(_text(chosen["Gender"]), standards.sex_codes("sds")),
            "birthDate": iso_dates(_text(chosen["DOB"])),
            "ethnicityCodes": _map(_text(chosen["Hispanic_Latino"]), standards.ethnicity_codes()),
            "raceCodes": _race_codes(_text(chosen["Race"])),
        },
        len(chosen),
    )
    if "students" in expected:
        _expect_race(expected["students"], notes, name)
    return Conversion(files, expected, notes)


# --- writing and the round trip -----------------------------------------------------------------------------

CONVERTERS: dict[str, tuple[str, str, Callable[[Tables], Conversion]]] = {
    "oneroster": (standards.ONEROSTER_11, "OneRoster 1.1", to_oneroster),
    "sds": (standards.SDS_V21, "Microsoft SDS v2.1", to_sds),
}


def write_targets(
    result: PrepareResult,
    out_dir: Path,
    targets: Sequence[str],
    *,
    allow_errors: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[TargetOutput]:
    """Write the OneRoster 1.1 zip and/or SDS v2.1 folder for `targets` into `out_dir` (after write_outputs),
    each checked by reading it back; record them in summary.json. Like the hub files they are written only when
    the roster has no errors (or with allow_errors, then without the rows with errors); earlier ones that this
    run does not write are removed, so the folder never holds sets that disagree. Raises RoundTripError (and
    keeps nothing of that set) when a set does not read back as the roster."""
    wanted = [target for target in dict.fromkeys(targets) if target in CONVERTERS]
    _remove_leftovers(out_dir)
    upload = result.error_count == 0 or allow_errors
    # a plain hub export (no standard set wanted) must not pay for a filtered copy of every table
    tables = (
        (result.clean_tables() if result.error_count else dict(result.tables)) if wanted and upload else {}
    )
    outputs: list[TargetOutput] = []
    for index, target in enumerate(wanted if upload else []):
        if cancel is not None:
            cancel.raise_if_cancelled()
        format_id, name, convert = CONVERTERS[target]
        progress(index, len(wanted), f"Writing the {name} set")
        conversion = convert(tables)
        outputs.append(_write_checked(target, format_id, name, conversion, out_dir))
    removed = remove_stale_targets(out_dir, {output.target for output in outputs})
    _record_in_summary(out_dir, outputs, removed)
    progress(len(wanted), len(wanted), "Sets written")
    return outputs


def _remove_leftovers(out_dir: Path) -> None:
    """Staging folders a killed run left (".oneroster_1.1.zip.*", ".sds_v2.1.*")."""
    if not out_dir.is_dir():
        return
    for entry in out_dir.iterdir():
        if entry.is_dir() and any(entry.name.startswith(f".{name}.") for name in OUTPUT_NAMES.values()):
            shutil.rmtree(entry, ignore_errors=True)


@dataclass
class Export:
    """What one export wrote: the hub files, report and summary (`written`) and the standard sets (`sets`)."""

    written: WrittenFiles
    sets: list[TargetOutput]


def export_roster(
    result: PrepareResult,
    out_dir: Path,
    targets: Sequence[str] = ("hub",),
    *,
    allow_errors: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Export:
    """The one call for an export (CLI and GUI): the hub set, report and summary.json, then the OneRoster 1.1
    zip and/or SDS v2.1 folder named in `targets` ("hub", "oneroster", "sds"), each read back identical."""
    written = write_outputs(result, out_dir, allow_errors=allow_errors)
    chosen = [target for target in targets if target in STANDARD_TARGETS]
    sets = write_targets(result, out_dir, chosen, allow_errors=allow_errors, progress=progress, cancel=cancel)
    return Export(written, sets)


def remove_stale_targets(out_dir: Path, keep: set[str]) -> list[Path]:
    """Remove our OneRoster zip / SDS folder (recognised by name and contents) that this run did not write."""
    removed: list[Path] = []
    for target, name in OUTPUT_NAMES.items():
        path = out_dir / name
        if target in keep or not path.exists():
            continue
        if target == "oneroster" and path.is_file():
            path.unlink()
            removed.append(path)
        elif target == "sds" and path.is_dir():
            ours = {entry.name for entry in standards.standard(standards.SDS_V21).files.values()}
            if all(child.name in ours for child in path.iterdir()):
                shutil.rmtree(path)
                removed.append(path)
    return removed


def _record_in_summary(out_dir: Path, outputs: list[TargetOutput], removed: list[Path]) -> None:
    summary_path = out_dir / SUMMARY_NAME
    if not summary_path.is_file():
        return
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["targets"] = {output.target: output.to_dict() for output in outputs}
    if removed:
        summary["stale_files_removed"] = [
            *summary.get("stale_files_removed", []),
            *(path.name for path in removed),
        ]
    write_text_atomically(summary_path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")


def _write_checked(
    target: str, format_id: str, name: str, conversion: Conversion, out_dir: Path
) -> TargetOutput:
    final = out_dir / OUTPUT_NAMES[target]
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=out_dir))
    try:
        folder = staging / "set"
        folder.mkdir()
        for file_name, frame in conversion.files.items():
            write_frame_csv(frame, folder / file_name)
        if target == "oneroster":
            built = staging / final.name
            with zipfile.ZipFile(built, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as bundle:
                for file_name in conversion.files:
                    bundle.write(folder / file_name, file_name)
        else:
            built = folder
        check_round_trip(built, format_id, name, conversion.expected)
        _replace(built, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    counts = {
        file_name: len(frame) for file_name, frame in conversion.files.items() if file_name != "manifest.csv"
    }
    return TargetOutput(target, name, final, counts, conversion.notes)


def _replace(built: Path, final: Path) -> None:
    """Move the checked set into place: the zip through the one atomic writer (user-only), the folder (its files
    already written that way) by renames, the earlier folder moved aside first and removed after."""
    if built.is_file():
        with built.open("rb") as source, atomic_writer(final) as stream:
            shutil.copyfileobj(source, stream, 1024 * 1024)
        return
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        final.rename(old)
    built.rename(final)
    fsync_folder(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def check_round_trip(path: Path, format_id: str, name: str, expected: Tables) -> None:
    """Read `path` back as `format_id` and compare with `expected`, record for record; RoundTripError if not."""
    back = prepare([path], PrepareOptions(input_format=cast(InputFormat, format_id)))
    errors = back.issue_frame[back.issue_frame["severity"] == "error"]
    if len(errors):
        first = errors.iloc[0]
        raise RoundTripError(
            f"The {name} set written from this roster reads back with {len(errors):,} error(s) "
            f"(first: {first['file']} row {first['row']}: {first['message']}), so it was not kept.",
            "This is a defect in the wizard: please report it with validation_report.csv.",
        )
    differences = compare_tables(expected, back.tables)
    if differences:
        raise RoundTripError(
            f"The {name} set written from this roster does not read back the same ({'; '.join(differences[:3])}), "
            "so it was not kept.",
            "This is a defect in the wizard: please report it with validation_report.csv.",
        )


def compare_tables(expected: Tables, actual: Tables) -> list[str]:
    """What differs between two sets of hub tables, record by record (empty when they are identical). Both
    sides are sorted by id (then every column) and compared column by column in Arrow."""
    differences: list[str] = []
    kinds = [kind for kind in spec.HUB_KINDS if len(expected.get(kind, ())) or len(actual.get(kind, ()))]
    for kind in kinds:
        columns = spec.hub_columns(kind)
        left = _sorted(expected.get(kind), kind)
        right = _sorted(actual.get(kind), kind)
        if left.num_rows != right.num_rows:
            differences.append(
                f"{spec.hub_file_name(kind)}: {left.num_rows:,} records, {right.num_rows:,} read back"
            )
            continue
        for name in columns:
            same = pc.equal(left.column(name), right.column(name))
            if pc.all(same).as_py():
                continue
            row = int(pc.index(same, False).as_py())
            id_column = spec.kind_spec(kind).id_column or columns[0]
            was, now = str(left.column(name)[row].as_py()), str(right.column(name)[row].as_py())
            if name == "Password":  # never in a message
                was, now = "*" * len(was), "*" * len(now)
            record = left.column(id_column)[row].as_py()
            differences.append(f"{spec.hub_file_name(kind)} {record}: {name} {was!r} reads back as {now!r}")
            break
    return differences


def _sorted(frame: pd.DataFrame | None, kind: str) -> pa.Table:
    columns = spec.hub_columns(kind)
    if frame is None:
        return pa.table({column: pa.array([], pa.large_string()) for column in columns})
    table = pa.table(
        {
            column: arrow(frame[column].astype("str").fillna(""))
            if column in frame
            else pa.nulls(len(frame), pa.large_string()).fill_null("")
            for column in columns
        }
    )
    id_column = spec.kind_spec(kind).id_column
    order = [id_column, *[column for column in columns if column != id_column]] if id_column else columns
    return table.sort_by([(column, "ascending") for column in order])


__all__ = [
    "ONEROSTER_ZIP",
    "SDS_FOLDER",
    "STANDARD_TARGETS",
    "Conversion",
    "Export",
    "RoundTripError",
    "TargetOutput",
    "check_round_trip",
    "compare_tables",
    "export_roster",
    "remove_stale_targets",
    "to_oneroster",
    "to_sds",
    "write_targets",
]
