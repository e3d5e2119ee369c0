"""Comparison keys for matching: one row per SIS student and per roster account, built with vectorised
clean-ups (names without accents or punctuation, ids, grades, dates, schools)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.normalise import (
    grade_key,
    header_key,
    id_key,
    iso_date,
    name_key,
    number_key,
    text,
)
from wizard.roster.vendor.profiles import VendorProfile

STUDENT_COLUMNS = ("Student_id", "First_name", "Last_name")
SHOWN_COLUMNS = (
    "First_name",
    "Last_name",
    "Grade",
    "School_id",
)  # what the report shows of a dropped student


def unique_students(
    students: pd.DataFrame, issues: list[oc.VendorIssue]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The students that can be matched (indexed by their position in `students`), and those that cannot: an
    empty SIS id, or one repeating an earlier row's (columns `input_row`, `Student_id`, `outcome`)."""
    missing = [column for column in STUDENT_COLUMNS if column not in students.columns]
    if missing:
        raise oc.RosterFileError(
            f"The students table has no {', '.join(missing)} column.",
            "Give the hub's students.csv, or map these columns when preparing the roster.",
        )
    frame = students.reset_index(drop=True)
    ids = text(frame["Student_id"])
    repeated = ids.duplicated(keep="first") & (ids != "")
    blank = ids == ""
    for row in frame.index[repeated | blank][:50]:
        issues.append(
            oc.VendorIssue(
                "warning",
                "student_id_not_unique" if ids[row] else "student_id_missing",
                "students.csv",
                int(row) + 2,
                "Student_id",
                str(ids[row]),
                "This student is left out of the vendor import: its SIS id is empty or repeats an earlier row.",
            )
        )
    out = repeated | blank
    dropped = pd.DataFrame(
        {
            "input_row": frame.index[out].to_numpy(dtype="int64"),
            "Student_id": ids[out].to_numpy(dtype=object),
            "outcome": np.where(blank[out], oc.Outcome.NO_SIS_ID, oc.Outcome.SIS_ID_NOT_UNIQUE).astype(
                object
            ),
            **{
                column: optional_column(frame, column)[out].to_numpy(dtype=object) for column in SHOWN_COLUMNS
            },
        }
    )
    return frame[~out], dropped


def school_names(sis: pd.DataFrame, schools: pd.DataFrame | None) -> pd.Series:
    if schools is None or "School_id" not in sis or not {"School_id", "School_name"} <= set(schools.columns):
        return pd.Series("", index=sis.index, dtype="string")
    names = schools.assign(_id=text(schools["School_id"])).drop_duplicates("_id").set_index("_id")
    return text(text(sis["School_id"]).map(names["School_name"]))


def optional_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None or column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return text(frame[column])


def full_name_key(first: pd.Series, last: pd.Series) -> pd.Series:
    first_key, last_key = name_key(first), name_key(last)
    return (first_key + "|" + last_key).where((first_key != "") & (last_key != ""), "")


def student_keys(sis: pd.DataFrame, schools: pd.DataFrame | None, profile: VendorProfile) -> pd.DataFrame:
    school_name = school_names(sis, schools)
    return pd.DataFrame(
        {
            "sid": text(sis["Student_id"]),
            "external_id": id_key(sis["Student_id"]),
            "number": number_key(optional_column(sis, "Student_number")),
            "state_id": number_key(optional_column(sis, "State_id")),
            "name": full_name_key(sis["First_name"], sis["Last_name"]),
            "grade": grade_key(optional_column(sis, "Grade"), profile.grades),
            "school_id": name_key(optional_column(sis, "School_id")),
            "school_name": name_key(school_name),
            "dob": iso_date(optional_column(sis, "DOB")),
            "label": student_label(sis, school_name),
        }
    )


def student_label(sis: pd.DataFrame, school_name: pd.Series) -> pd.Series:
    """How a candidate student is shown: "12345 (Ana Díaz, grade 3, Lincoln Elementary)"."""
    grade = optional_column(sis, "Grade")
    school = school_name.where(school_name != "", optional_column(sis, "School_id"))
    details = (text(sis["First_name"]) + " " + text(sis["Last_name"])).str.strip()
    details = details + (", grade " + grade).where(grade != "", "")
    details = details + (", " + school).where(school != "", "")
    return text(sis["Student_id"]) + " (" + details + ")"


def resolve_roster_columns(roster: pd.DataFrame, profile: VendorProfile) -> dict[str, str]:
    """role -> actual header in `roster`, matching the profile's headers ignoring case, spaces, underscores."""

    actual = {header_key(column): str(column) for column in roster.columns}
    found = {}
    for role, headers in profile.roster.items():
        present = [actual[header_key(header)] for header in headers if header_key(header) in actual]
        if present:
            found[role] = present[0]
    return found


def account_keys(roster: pd.DataFrame, profile: VendorProfile, roster_name: str) -> pd.DataFrame:
    if len(roster.columns) == 0:  # no roster at all: every student is new
        roster = pd.DataFrame({h[0]: pd.Series([], dtype="string") for h in profile.roster.values()})
    columns = resolve_roster_columns(roster, profile)
    if "username" not in columns:
        raise oc.RosterFileError(
            f"The {roster_name} file has no {profile.roster_header('username')!r} column.",
            f"Give the roster exported from {profile.title}, with its header row.",
        )

    def role(name: str) -> pd.Series:
        return optional_column(roster, columns.get(name))

    username = role("username")
    return pd.DataFrame(
        {
            "row": roster.index.to_numpy() + 2,
            "username": username,
            "user_key": username.str.casefold(),
            "external_id": id_key(role("external_id")),
            "raw_external_id": role("external_id"),
            "number": number_key(role("student_number")),
            "state_id": number_key(role("state_id")),
            "name": full_name_key(role("first_name"), role("last_name")),
            "first": role("first_name"),
            "last": role("last_name"),
            "grade": grade_key(role("grade"), profile.grades),
            "school": name_key(role("school")),
            "dob": iso_date(role("birth_date")),
            "password": role("password"),
        }
    )
