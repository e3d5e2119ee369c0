"""Small hub-shaped frames and vendor roster exports for the vendor tests."""

from __future__ import annotations

import pandas as pd

STUDENT_COLUMNS = [
    "School_id",
    "Student_id",
    "Student_number",
    "State_id",
    "Last_name",
    "Middle_name",
    "First_name",
    "Grade",
    "DOB",
    "Student_email",
    "Password",
]


def students(*rows: dict[str, str]) -> pd.DataFrame:
    """Hub students.csv rows; unspecified columns are empty text."""
    records = [{c: row.get(c, "") for c in STUDENT_COLUMNS} for row in rows]
    return pd.DataFrame(records, columns=STUDENT_COLUMNS, dtype="string")


def schools() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "School_id": ["100", "200"],
            "School_name": ["Lincoln Elementary", "Washington Middle"],
            "School_number": ["1", "2"],
        },
        dtype="string",
    )


SYMPHONY_ROSTER_HEADERS = ["Username", "Password", "FirstName", "LastName", "Grade", "School", "ExternalID"]


def symphony_roster(*rows: dict[str, str]) -> pd.DataFrame:
    """A Symphony Math roster export; unspecified columns are empty."""
    return pd.DataFrame(
        [{c: row.get(c, "") for c in SYMPHONY_ROSTER_HEADERS} for row in rows],
        columns=SYMPHONY_ROSTER_HEADERS,
        dtype="string",
    )


def district() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The main fixture: every situation the matcher must handle, in one small district.

    SIS students and the Symphony accounts that should (or should not) match them:
    - 1001 José-María O'Neil: account "jmoneil" already has ExternalID 1001 -> linked_by_external_id
    - 1002 Zoë Ångström: account "zangstrom" typed without accents and with a hyphen -> linked_by_name
    - 1003 / 1004 Ana Díaz grade 3 and grade 5: account "adiaz" says grade 3 -> linked_by_name (tie broken),
      1004 -> new_account (its username must avoid "adiaz" and the existing "adiaz2")
    - 1005 / 1006 Sam Lee, both grade 4 at Lincoln: account "slee" cannot be told apart -> ambiguous_match
    - 1007 Mary Smith: no account -> new_account, username "msmith" is taken by a leaver -> "msmith3"
      (since "msmith2" is taken too)
    - account "old.kid" with ExternalID 9999 (no such SIS id) -> external_id_matches_no_student
    - accounts "twin1" and "twin2" both claim ExternalID 1008 -> external_id_conflict for 1008 and both
    - account "msmith" Mary Smith? no: "Marcus Smith", no SIS record -> unmatched_existing_account
    """
    sis = students(
        {
            "Student_id": "1001",
            "First_name": "José-María",
            "Last_name": "O'Neil",
            "Grade": "3",
            "School_id": "100",
            "DOB": "04/05/2015",
        },
        {
            "Student_id": "1002",
            "First_name": "Zoë",
            "Last_name": "Ångström",
            "Grade": "4",
            "School_id": "100",
        },
        {"Student_id": "1003", "First_name": "Ana", "Last_name": "Díaz", "Grade": "3", "School_id": "100"},
        {"Student_id": "1004", "First_name": "Ana", "Last_name": "Diaz", "Grade": "5", "School_id": "200"},
        {"Student_id": "1005", "First_name": "Sam", "Last_name": "Lee", "Grade": "4", "School_id": "100"},
        {"Student_id": "1006", "First_name": "Sam", "Last_name": "Lee", "Grade": "4", "School_id": "100"},
        {
            "Student_id": "1007",
            "First_name": "Mary",
            "Last_name": "Smith",
            "Grade": "Kindergarten",
            "School_id": "100",
        },
        {"Student_id": "1008", "First_name": "Chris", "Last_name": "Twin", "Grade": "6", "School_id": "200"},
    )
    roster = symphony_roster(
        {
            "Username": "jmoneil",
            "Password": "pw1",
            "FirstName": "Jose Maria",
            "LastName": "ONeil",
            "ExternalID": "1001",
        },
        {"Username": "zangstrom", "Password": "pw2", "FirstName": "zoe", "LastName": "Ang-strom"},
        {"Username": "adiaz", "Password": "pw3", "FirstName": "Ana", "LastName": "Diaz", "Grade": "3"},
        {"Username": "adiaz2", "Password": "pw4", "FirstName": "Alex", "LastName": "Diaz"},
        {"Username": "slee", "Password": "pw5", "FirstName": "Sam", "LastName": "Lee"},
        {
            "Username": "old.kid",
            "Password": "pw6",
            "FirstName": "Old",
            "LastName": "Kid",
            "ExternalID": "9999",
        },
        {
            "Username": "twin1",
            "Password": "pw7",
            "FirstName": "Chris",
            "LastName": "Twin",
            "ExternalID": "1008",
        },
        {
            "Username": "twin2",
            "Password": "pw8",
            "FirstName": "Chris",
            "LastName": "Twin",
            "ExternalID": "1008",
        },
        {"Username": "msmith", "Password": "pw9", "FirstName": "Marcus", "LastName": "Smith"},
        {"Username": "MSmith2", "Password": "pw10", "FirstName": "Mia", "LastName": "Smith"},
    )
    return sis, roster
