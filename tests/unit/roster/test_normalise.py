from __future__ import annotations

import pandas as pd
import pytest

from wizard.roster import normalise
from wizard.roster.normalise import AMBIGUOUS, INVALID, OK, parse_date


def text(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype="str")


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("K", "Kindergarten"),
        ("KG", "Kindergarten"),
        ("0K", "Kindergarten"),
        ("kindergarten", "Kindergarten"),
        ("PK", "PreKindergarten"),
        ("TK", "TransitionalKindergarten"),
        ("IT", "InfantToddler"),
        ("PR", "Preschool"),
        ("01", "1"),
        ("1st", "1"),
        ("2nd", "2"),
        ("Grade 3", "3"),
        ("12", "12"),
        ("13", "13"),
        ("PS", "PostGraduate"),
        ("UG", "Ungraded"),
        ("Other", "Other"),
    ],
)
def test_grades(raw: str, written: str) -> None:
    result = normalise.normalise_grades(text(raw))
    assert result.values.tolist() == [written]
    assert result.status.tolist() == [OK]


def test_bad_grades_are_kept_and_flagged() -> None:
    result = normalise.normalise_grades(text("14", "Q", "", "K"))
    assert result.values.tolist() == ["14", "Q", "", "Kindergarten"]
    assert result.invalid.tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    ("raw", "order", "written", "status"),
    [
        ("2010-05-03", None, "05/03/2010", OK),
        ("2010-05-03 00:00:00", None, "05/03/2010", OK),
        ("20100503", None, "05/03/2010", OK),
        ("12/25/2011", None, "12/25/2011", OK),
        ("3/9/2011", None, "03/09/2011", AMBIGUOUS),
        ("3/9/2011", "mdy", "03/09/2011", OK),
        ("3/9/2011", "dmy", "09/03/2011", OK),
        ("13/02/2011", None, "02/13/2011", OK),
        ("13/02/2011", "mdy", "02/13/2011", OK),
        ("05/05/2011", None, "05/05/2011", OK),
        ("25.12.2011", None, "12/25/2011", OK),
        ("2011-02-30", None, "2011-02-30", INVALID),
        ("13/13/2011", None, "13/13/2011", INVALID),
        ("yesterday", None, "yesterday", INVALID),
        ("", None, "", OK),
    ],
)
def test_dates(raw: str, order: normalise.DateOrder | None, written: str, status: int) -> None:
    assert parse_date(raw, order) == (written, status)


def test_dates_column() -> None:
    result = normalise.normalise_dates(text("3/4/2010", "2010-01-02", "x", "3/4/2010"), None)
    assert result.values.tolist() == ["03/04/2010", "01/02/2010", "x", "03/04/2010"]
    assert result.ambiguous.tolist() == [True, False, False, True]
    assert result.invalid.tolist() == [False, False, True, False]


def test_emails_are_lower_cased_and_checked() -> None:
    result = normalise.normalise_emails(text("Ann.Lee@Example.ORG", "bob@", "", "a b@c.de", "x@y"))
    assert result.values.tolist() == ["ann.lee@example.org", "bob@", "", "a b@c.de", "x@y"]
    assert result.invalid.tolist() == [False, True, False, True, True]


def test_vocabularies() -> None:
    gender = normalise.normalise_vocabulary(text("male", "F", "Non-binary", "q", ""), "gender")
    assert gender.values.tolist() == ["M", "F", "X", "q", ""]
    assert gender.invalid.tolist() == [False, False, False, True, False]
    flags = normalise.normalise_vocabulary(text("Yes", "false", "Y"), "yes_no")
    assert flags.values.tolist() == ["Y", "N", "Y"]
