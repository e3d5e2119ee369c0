from __future__ import annotations

import pandas as pd
import pytest

from wizard.roster.vendor.normalise import (
    grade_key,
    iso_date,
    name_key,
    neutralise_formulas,
    unneutralise,
)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("José-María", "jose maria"),
        ("O'Neil", "ONEIL"),
        ("O’Neil", "o neil"),
        ("  Zoë   Ångström ", "zoe angstrom"),
        ("Łukasz", "lukasz"),
        ("Straße", "strasse"),
        ("Nguyễn", "Nguyen"),
    ],
)
def test_names_that_are_the_same_person_get_the_same_key(left: str, right: str) -> None:
    keys = name_key(pd.Series([left, right]))
    assert keys[0] == keys[1] != ""


def test_different_names_get_different_keys() -> None:
    keys = name_key(pd.Series(["Ana", "Anna", "Ann-a", None]))
    assert keys.tolist() == ["ana", "anna", "anna", ""]


def test_dates_are_read_in_the_hub_form_and_iso() -> None:
    dates = iso_date(
        pd.Series(["04/05/2015", "4/5/2015", "2015-04-05", "2015-04-05T00:00:00", "31/12/2015", ""])
    )
    assert dates.tolist() == ["2015-04-05"] * 4 + ["", ""]


@pytest.mark.parametrize(
    ("grades", "values", "keys"),
    [
        (
            {"Kindergarten": "K", "TransitionalKindergarten": "K", "3": "3"},
            ["K", "kg", "Kindergarten", "TransitionalKindergarten", "03", "3", "Ungraded", ""],
            ["k", "k", "k", "k", "3", "3", "ungraded", ""],
        ),
        (
            {"Kindergarten": "KG", "1": "01", "10": "10"},
            ["KG", "K", "Kindergarten", "01", "1", "10", "010"],
            ["kg", "kg", "kg", "1", "1", "10", "10"],
        ),
    ],
)
def test_grades_compare_in_the_vendors_codes(
    grades: dict[str, str], values: list[str], keys: list[str]
) -> None:
    assert grade_key(pd.Series(values), grades).tolist() == keys


def test_formula_cells_are_neutralised_and_read_back_unchanged() -> None:
    frame = pd.DataFrame({"a": ["=SUM(A1)", "+1", "-2", "@x", "\tx", "plain", "'=kept"]})
    safe = neutralise_formulas(frame)
    assert safe["a"].tolist() == ["'=SUM(A1)", "'+1", "'-2", "'@x", "'\tx", "plain", "'=kept"]
    assert unneutralise(safe["a"]).tolist()[:6] == frame["a"].tolist()[:6]
