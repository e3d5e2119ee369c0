"""Converting the validated hub tables into a standard set (OneRoster 1.1, SDS v2.1): what each conversion
shares. A conversion is a `Conversion`: the standard's files by name, the hub tables it must read back as, and
notes on what the standard cannot carry (see wizard/roster/targets.py, which writes and checks the sets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from wizard.roster import spec, standards
from wizard.roster.arrowtext import lookup
from wizard.roster.sds import TEACHER_COLUMNS
from wizard.roster.staging import text_column

DISTRICT_ID = "district"
Tables = dict[str, pd.DataFrame]


@dataclass
class Conversion:
    """A standard set in memory: file name -> frame (the standard's headers), the hub tables it must read back
    as, and notes on what it cannot carry."""

    files: dict[str, pd.DataFrame]
    expected: Tables
    notes: list[str]


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


def as_text(values: pd.Series | np.ndarray | list[str]) -> pd.Series:
    """Values as a text Series with a fresh RangeIndex ("" for missing); text Series stay in Arrow (no copy)."""
    if isinstance(values, pd.Series):
        return values.astype("str").fillna("").reset_index(drop=True)
    return pd.Series(np.asarray(values, dtype=object), dtype="str").fillna("")


def constant(length: int, value: str) -> pd.Series:
    return text_column(length, value)


def stack(*parts: pd.Series) -> pd.Series:
    """Text Series one after the other (e.g. student enrollments, then teacher ones)."""
    return pd.concat([as_text(part) for part in parts], ignore_index=True)


def choose(condition: pd.Series | np.ndarray, yes: pd.Series | str, no: pd.Series | str) -> pd.Series:
    """Per row `yes` where `condition` holds, else `no` (Series aligned positionally, or constants)."""
    mask = np.asarray(condition, dtype=bool)
    length = len(mask)
    yes_values = as_text(yes) if isinstance(yes, pd.Series) else constant(length, yes)
    no_values = as_text(no) if isinstance(no, pd.Series) else constant(length, no)
    return yes_values.where(mask, no_values)


def mapped(values: pd.Series, table: dict[str, str]) -> pd.Series:
    """Each value's entry in `table` ("" when it has none); vectorised."""
    return lookup(values.astype("str"), as_text(list(table)), as_text(list(table.values())))


def iso_dates(values: pd.Series) -> pd.Series:
    """The hub's MM/DD/YYYY as YYYY-MM-DD (values already validated; anything else is kept as it is)."""
    return values.astype("str").str.replace(r"^(\d{2})/(\d{2})/(\d{4})$", r"\3-\1-\2", regex=True)


def school_year(start: pd.Series, end: pd.Series) -> pd.Series:
    """A session's school year: the year it ends (else starts) in."""
    end_year = end.str.extract(r"^(\d{4})-", expand=False).fillna("")
    start_year = start.str.extract(r"^(\d{4})-", expand=False).fillna("")
    return as_text(end_year.where(end_year != "", start_year))


def frame_of(columns: Sequence[str], data: dict[str, pd.Series], length: int) -> pd.DataFrame:
    """A frame with exactly `columns` (the standard's order); columns not in `data` are empty."""
    return pd.DataFrame(
        {column: (as_text(data[column]) if column in data else constant(length, "")) for column in columns},
        index=pd.RangeIndex(length),
    )


def columns_of(format_id: str, key: str) -> tuple[str, ...]:
    return standards.standard(format_id).files[key].columns


def blank(frame: pd.DataFrame, keep: Sequence[str]) -> pd.DataFrame:
    """The hub table with every column but `keep` emptied: what a standard without those columns reads back."""
    result = frame.copy()
    for column in result.columns:
        if column not in keep:
            result[column] = constant(len(result), "")
    return result


def not_carried(tables: Tables, carried: Mapping[str, Sequence[str]], standard_name: str) -> list[str]:
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


def people_of(tables: Tables) -> pd.DataFrame:
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
                    "kind": constant(length, kind),
                    "position": np.arange(length),
                    "id": as_text(frame[id_column]),
                    "school": as_text(frame["School_id"]),
                    "first": as_text(frame["First_name"]),
                    "last": as_text(frame["Last_name"]),
                    "middle": as_text(frame["Middle_name"])
                    if "Middle_name" in frame
                    else constant(length, ""),
                    "number": as_text(frame[number]) if number else constant(length, ""),
                    "email": as_text(frame[email]),
                    "username": as_text(frame["Username"]),
                    "password": as_text(frame["Password"]),
                    "grade": as_text(frame["Grade"]) if "Grade" in frame else constant(length, ""),
                    "role": as_text(frame["Role"]) if "Role" in frame else constant(length, kind[:-1]),
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {name: pd.Series([], dtype="str") for name in ("kind", "id", "school", "role")}
            | {"position": pd.Series([], dtype="int64")}
        )
    return pd.concat(parts, ignore_index=True)


def district_org(tables: Tables, people: pd.DataFrame) -> str:
    """The id of a district org for people with no school ("" when nobody needs one)."""
    if not ((people["school"] == "") & (people["id"] != "")).any():
        return ""
    taken = set(tables.get("schools", pd.DataFrame({"School_id": []}))["School_id"])
    candidate, number = DISTRICT_ID, 1
    while candidate in taken:
        number += 1
        candidate = f"{DISTRICT_ID}-{number}"
    return candidate


def orgs_frame(format_id: str, tables: Tables, district: str) -> pd.DataFrame:
    schools = tables.get("schools", pd.DataFrame({column: [] for column in spec.hub_columns("schools")}))
    ids = as_text(schools["School_id"])
    data = {
        "sourcedId": ids,
        "name": as_text(schools["School_name"]),
        "type": constant(len(ids), "school"),
        "identifier": as_text(schools["School_number"]),
        "parentSourcedId": constant(len(ids), district),
    }
    frame = frame_of(columns_of(format_id, "orgs"), data, len(ids))
    if district:
        head = frame_of(
            columns_of(format_id, "orgs"),
            {"sourcedId": as_text([district]), "name": as_text(["District"]), "type": as_text(["district"])},
            1,
        )
        frame = pd.concat([head, frame], ignore_index=True)
    return frame


def keyed_ids(frame: pd.DataFrame, key: Sequence[str], prefix: str) -> tuple[pd.Series, pd.DataFrame]:
    """Per row, the id of its distinct `key` combination ("" when all of it is empty); and the distinct rows."""
    if frame.empty:
        return as_text([]), pd.DataFrame({column: pd.Series([], dtype="str") for column in [*key, "id"]})
    present = (frame[list(key)] != "").any(axis=1).to_numpy()
    keys = frame[list(key)].astype("str")
    codes = keys.groupby(list(key), sort=False).ngroup().to_numpy()  # numbered in order of first appearance
    ids = np.where(present, np.char.add(prefix, (codes + 1).astype(str)), "")
    distinct = keys.drop_duplicates().reset_index(drop=True)
    distinct["id"] = np.char.add(prefix, (np.arange(len(distinct)) + 1).astype(str))
    used = np.unique(codes[present])
    return as_text(ids), distinct.iloc[used].reset_index(drop=True)


def sessions_frame(format_id: str, sections: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    term_ids, terms = keyed_ids(sections, ("Term_name", "Term_start", "Term_end"), "term-")
    start, end = (
        iso_dates(as_text(terms["Term_start"])),
        iso_dates(as_text(terms["Term_end"])),
    )
    data = {
        "sourcedId": as_text(terms["id"]),
        "title": as_text(terms["Term_name"]),
        "type": constant(len(terms), "term"),
        "startDate": start,
        "endDate": end,
        "schoolYear": school_year(start, end),
    }
    return term_ids, frame_of(columns_of(format_id, "academicsessions"), data, len(terms))


def teacher_links(sections: pd.DataFrame) -> pd.DataFrame:
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
            "section": as_text(long["Section_id"]),
            "school": as_text(long["School_id"]),
            "teacher": as_text(long["teacher"]),
            "rank": long["rank"].to_numpy(),
        }
    )


def race_codes(race: pd.Series) -> pd.Series:
    return mapped(race, standards.race_codes())


def unique_people(people: pd.DataFrame, standard_name: str, notes: list[str]) -> np.ndarray:
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


class Draft(NamedTuple):
    """A conversion begun: the hub tables that have rows, everyone as users (people_of), which of them become
    users (unique_people), the district org for people without a school ("" when none), and the files,
    expected tables and notes so far."""

    tables: Tables
    people: pd.DataFrame
    first: np.ndarray
    district: str
    files: dict[str, pd.DataFrame]
    expected: Tables
    notes: list[str]


def draft(format_id: str, name: str, tables: Tables, carried: Mapping[str, Sequence[str]]) -> Draft:
    """What every standard set starts from: the tables it reads back as (the columns it cannot carry emptied and
    noted), its users and its orgs."""
    tables = {kind: frame.reset_index(drop=True) for kind, frame in tables.items() if not frame.empty}
    notes = not_carried(tables, carried, name)
    expected = {kind: blank(frame, carried[kind]) for kind, frame in tables.items()}
    people = people_of(tables)
    district = district_org(tables, people)
    files = {"orgs.csv": orgs_frame(format_id, tables, district)}
    first = unique_people(people, name, notes)
    return Draft(tables, people, first, district, files, expected, notes)


def table_of(tables: Tables, kind: str) -> pd.DataFrame:
    """The hub table of `kind`, or an empty one with its columns."""
    return tables.get(kind, pd.DataFrame(columns=spec.hub_columns(kind)))


def with_demographics(students: pd.DataFrame) -> pd.DataFrame:
    """The students with any demographic value (the rows a demographics file lists)."""
    filled = (students[["DOB", "Gender", "Race", "Hispanic_Latino"]] != "").any(axis=1).to_numpy()
    return students[filled]


def enrollments_frame(format_id: str, enrollments: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """The student enrollments, then a teacher enrollment per filled teacher column (the first one primary), in
    the standard's columns (a standard takes only the ones it has)."""
    teachers = teacher_links(sections)
    rows = len(enrollments) + len(teachers)
    return frame_of(
        columns_of(format_id, "enrollments"),
        {
            "sourcedId": "enrollment-" + as_text((np.arange(rows) + 1).astype(str)),
            "classSourcedId": stack(enrollments["Section_id"], teachers["section"]),
            "schoolSourcedId": stack(enrollments["School_id"], teachers["school"]),
            "userSourcedId": stack(enrollments["Student_id"], teachers["teacher"]),
            "role": stack(constant(len(enrollments), "student"), constant(len(teachers), "teacher")),
            "primary": stack(
                constant(len(enrollments), "false"), choose(teachers["rank"] == 0, "true", "false")
            ),
        },
        rows,
    )


def expect_race(students: pd.DataFrame, notes: list[str], standard_name: str) -> None:
    race = as_text(students["Race"])
    unknown = (race != "") & (race_codes(race) == "")
    if unknown.any():
        notes.append(
            f"students.csv: {int(unknown.sum()):,} Race value(s) (e.g. Unknown) have no {standard_name} code and "
            "are left empty."
        )
    students["Race"] = race.where(~unknown, "")
