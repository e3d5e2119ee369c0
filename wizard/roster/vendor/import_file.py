"""The vendor's import file, in the profile's columns, built from a match result."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from wizard.roster.vendor import outcomes as oc
from wizard.roster.vendor.normalise import header_key, text, without_formulas
from wizard.roster.vendor.passwords import generate_passwords, looks_like_birth_date
from wizard.roster.vendor.profiles import ImportColumn, VendorProfile
from wizard.roster.vendor.result import MatchResult

PasswordMaker = Callable[[int, int], list[str]]


def importable(result: MatchResult) -> pd.Series:
    """Students that go into the import: linked or new; not those waiting for a decision or left out."""
    return ~result.students["needs_decision"] & ~result.students["left_out"]


def build_import(
    result: MatchResult,
    profile: VendorProfile | None = None,
    *,
    make_passwords: PasswordMaker = generate_passwords,
) -> pd.DataFrame:
    """The import file's rows: matched students keep their username and gain ExternalID; new ones get theirs."""
    profile = profile or result.profile
    rows = importable(result)
    sis, students = result.sis[rows], result.students[rows]
    columns = {
        column.header: _column_values(column, result, sis, students, profile, make_passwords)
        for column in profile.columns
    }
    frame = pd.DataFrame(columns, index=sis.index).astype("string").fillna("")
    kept = kept_accounts(result, profile)
    if kept.any():
        frame = pd.concat([frame, _kept_account_rows(result, profile, kept)])
    return frame.reset_index(drop=True)


def kept_accounts(result: MatchResult, profile: VendorProfile | None = None) -> pd.Series:
    """Existing accounts copied into the import unchanged: those no student took, when the profile keeps them."""
    profile = profile or result.profile
    accounts = result.accounts
    if profile.unlinked_accounts != "keep":
        return pd.Series(False, index=accounts.index)
    unusable = accounts["outcome"].isin([oc.Outcome.DUPLICATE_USERNAME, oc.Outcome.MISSING_USERNAME])
    return (accounts["student"] < 0) & ~unusable


def _kept_account_rows(result: MatchResult, profile: VendorProfile, kept: pd.Series) -> pd.DataFrame:
    """The kept accounts' own values, read from the roster export's column of the same header."""
    accounts = result.accounts[kept]
    roster = result.roster.loc[accounts.index]
    by_header = {header_key(column): column for column in roster.columns}
    columns: dict[str, pd.Series] = {}
    for column in profile.columns:
        if column.source == "username":
            values = text(accounts["username"])
        elif column.source == "password":
            keep = profile.password.existing == "from_roster"
            values = text(accounts["password"]) if keep else pd.Series("", index=accounts.index)
        elif header_key(column.header) in by_header:
            values = text(roster[by_header[header_key(column.header)]])
        else:
            values = pd.Series("", index=accounts.index, dtype="string")
        columns[column.header] = values
    return pd.DataFrame(columns, index=accounts.index).astype("string")


def _column_values(
    column: ImportColumn,
    result: MatchResult,
    sis: pd.DataFrame,
    students: pd.DataFrame,
    profile: VendorProfile,
    make_passwords: PasswordMaker,
) -> pd.Series:
    if column.source == "username":
        return text(students["username"])
    if column.source == "password":
        return _passwords(result, sis, students, profile, make_passwords)
    if column.source == "middle_initial":
        return middle_initials(sis)
    table, _, hub_column = column.source.partition(".")
    values = _hub(sis, hub_column) if table == "students" else _school_values(result, sis, hub_column)
    if column.vocabulary == "grades":
        values = translate_grades(values, profile)
    return values


def middle_initials(sis: pd.DataFrame) -> pd.Series:
    """The first letter of each middle name, upper-case; "" for a value that looks like a formula (it never
    becomes part of an initial: the checks report it)."""
    middle = without_formulas(_hub(sis, "Middle_name"))
    return middle.str.extract(r"([^\W\d_])", expand=False).astype("string").fillna("").str.upper()


def translate_grades(values: pd.Series, profile: VendorProfile) -> pd.Series:
    """Hub grades in the vendor's codes; "" where the vendor has no equivalent (reported by the checks)."""
    lookup = {hub.casefold(): vendor for hub, vendor in profile.grades.items()}
    return text(values).str.casefold().map(lookup).astype("string").fillna("")


def _hub(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="string")
    return text(frame[column])


def _school_values(result: MatchResult, sis: pd.DataFrame, column: str) -> pd.Series:
    schools = result.schools
    if schools is None or column not in schools.columns or "School_id" not in schools.columns:
        return pd.Series("", index=sis.index, dtype="string")
    by_id = schools.assign(_id=text(schools["School_id"])).drop_duplicates("_id").set_index("_id")[column]
    return text(_hub(sis, "School_id").map(text(by_id)))


def _passwords(
    result: MatchResult,
    sis: pd.DataFrame,
    students: pd.DataFrame,
    profile: VendorProfile,
    make_passwords: PasswordMaker,
) -> pd.Series:
    rule = profile.password
    passwords = pd.Series("", index=sis.index, dtype="string")
    linked = students["account"].to_numpy() >= 0
    if rule.existing == "from_roster" and linked.any():
        account_passwords = result.accounts["password"].to_numpy()
        passwords[linked] = account_passwords[students["account"].to_numpy()[linked]]
    new = ~linked
    if rule.policy == "none" or not new.any():
        return passwords
    wanted = pd.Series("", index=sis.index, dtype="string")
    if rule.policy == "column" and rule.column:
        wanted = _hub(sis, rule.column)
        # A birth date is no secret: such passwords are replaced (the checks warn about them).
        wanted = wanted.where(~looks_like_birth_date(wanted, _hub(sis, "DOB")), "")
    needs_new = new & (wanted == "").to_numpy()
    fresh = make_passwords(int(np.count_nonzero(needs_new)), rule.length)
    wanted[needs_new] = pd.Series(fresh, index=sis.index[needs_new], dtype="string")
    passwords[new] = wanted[new]
    return passwords
