"""Property-based tests: whatever the roster, no existing username is changed or reused, and nobody is lost."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.roster.vendor.fixtures import students, symphony_roster
from wizard.roster.vendor import VendorProfile, build_import, build_report, load_profile, match_roster

SYMPHONY = load_profile("symphony-math")
GENERIC = load_profile("generic-email-login")  # also matches on student numbers, keeps unlinked accounts
FIRST = ["Ana", "Aná", "Sam", "Jo", "Zoë", "Zoe", "José"]
LAST = ["Diaz", "Díaz", "Lee", "O'Neil", "Smith", "Ó Néill"]
GRADES = ["3", "4", "Kindergarten", ""]
# Usernames the generator would also produce, in several cases, plus odd ones.
USERNAMES = [
    "adiaz",
    "ADiaz2",
    "slee",
    "jsmith",
    "jsmith2",
    "zsmith",
    "jonei",
    "joneil",
    "x",
    "student7",
    "Sam.Lee",
]


@st.composite
def districts(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    count = draw(st.integers(0, 10))
    ids = [str(100 + i) for i in range(count)]
    sis = students(
        *(
            {
                "Student_id": sid,
                "First_name": draw(st.sampled_from(FIRST)),
                "Last_name": draw(st.sampled_from(LAST)),
                "Grade": draw(st.sampled_from(GRADES)),
                "School_id": draw(st.sampled_from(["100", "200"])),
                "Student_number": draw(st.sampled_from(["", "N1", "N2", f"N{sid}"])),
            }
            for sid in ids
        )
    )
    accounts = draw(st.integers(0, 10))
    roster = symphony_roster(
        *(
            {
                "Username": draw(st.sampled_from([*USERNAMES, f"user{i}", ""])),
                "FirstName": draw(st.sampled_from(FIRST)),
                "LastName": draw(st.sampled_from(LAST)),
                "Grade": draw(st.sampled_from(GRADES)),
                "ExternalID": draw(st.sampled_from(["", "", "999", *ids, *(i.zfill(5) for i in ids[:2])])),
            }
            for i in range(accounts)
        )
    )
    roster["Student Number"] = [
        draw(st.sampled_from(["", "N1", "N2", "N100", "n 101"])) for _ in range(accounts)
    ]
    return sis, roster


def _check_usernames(
    sis: pd.DataFrame,
    roster: pd.DataFrame,
    decisions: dict[str, str] | None = None,
    profile: VendorProfile = SYMPHONY,
) -> None:
    result = match_roster(sis, None, roster, profile, decisions)
    frame = build_import(result)
    existing = {name.casefold() for name in roster["Username"] if name}
    imported = result.students[~result.students["needs_decision"]]
    # Import usernames are unique, ignoring case.
    assert frame["Username"].str.casefold().is_unique
    assert (frame["Username"] != "").all()
    for _, student in imported.iterrows():
        username = str(student["username"])
        if student["account"] >= 0:
            # A linked student keeps its account's username exactly.
            assert username == roster.at[int(student["account"]), "Username"]
        else:
            # A new student never gets a username that already exists.
            assert username.casefold() not in existing
            assert username == username.lower() and username.isascii()
    # Each existing username goes to at most one student, and only to the one linked to it.
    linked_accounts = imported.loc[imported["account"] >= 0, "account"]
    assert linked_accounts.is_unique


def _check_coverage(sis: pd.DataFrame, roster: pd.DataFrame, profile: VendorProfile) -> None:
    result = match_roster(sis, None, roster, profile)
    report = build_report(result)
    rows = report.loc[report["roster_row"] != "", "roster_row"].astype(int)
    assert sorted(rows) == list(range(2, len(roster) + 2))
    ids = report.loc[report["Student_id"] != "", "Student_id"]
    assert sorted(ids) == sorted(sis["Student_id"])
    assert (report["outcome"] != "").all()
    assert (report["note"] != "").all()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.sampled_from([SYMPHONY, GENERIC]))
def test_existing_usernames_are_never_changed_or_reused(
    data: tuple[pd.DataFrame, pd.DataFrame], profile: VendorProfile
) -> None:
    sis, roster = data
    _check_usernames(sis, roster, profile=profile)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.sampled_from([SYMPHONY, GENERIC]))
def test_the_report_covers_every_roster_row_and_every_student(
    data: tuple[pd.DataFrame, pd.DataFrame], profile: VendorProfile
) -> None:
    _check_coverage(*data, profile)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_deciding_the_open_questions_ends_with_everyone_imported(
    data: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Each round of decisions settles at least one student, so the questions run out.

    (A decision can free an account that then resembles another student: that is asked in the next round.)
    """
    sis, roster = data
    decisions: dict[str, str] = {}
    for _ in range(len(sis) + 1):
        result = match_roster(sis, None, roster, SYMPHONY, decisions)
        waiting = result.students.loc[result.students["needs_decision"], "Student_id"]
        if waiting.empty:
            break
        assert not set(waiting) & set(decisions)
        decisions.update(dict.fromkeys(waiting, "new"))
    assert result.counts.needs_decision == 0
    assert sorted(build_import(result)["ExternalID"]) == sorted(sis["Student_id"])
    _check_usernames(sis, roster, decisions)
