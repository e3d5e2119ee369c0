from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.unit.support.conftest import Demo
from tests.unit.support.test_health import made_up_snapshot
from wizard.roster.vendor import Outcome
from wizard.support import linkcheck as lc
from wizard.support.reading import DistrictSnapshot
from wizard.support.run import write_links_csv


def test_demo_roster_tells_the_cedar_middle_story(demo: Demo, snapshot: DistrictSnapshot) -> None:
    check = lc.check_login_links(snapshot, lc.read_vendor_roster(demo.roster_path))
    schools = {s.school: s for s in check.schools}
    cedar = schools["Cedar Middle"]
    assert (cedar.shared, cedar.linked, cedar.not_linked_total) == (36, 12, 24)
    assert dict(cedar.not_linked) == {Outcome.EXTERNAL_ID_LOST_ZEROS: 12, Outcome.LINKED_BY_NAME: 12}
    assert cedar.unclaimed_accounts == 1
    oak_ridge = schools["Oak Ridge Elementary"]
    assert (oak_ridge.not_linked_total, oak_ridge.unclaimed_accounts) == (0, 1)
    assert schools["Maple Valley Elementary"].not_linked_total == 0
    assert check.worst_school() is cedar
    lost = [s for s in check.students if s.outcome == Outcome.EXTERNAL_ID_LOST_ZEROS]
    assert all(s.account and s.account.external_id == (s.student.sis_id or "").lstrip("0") for s in lost)
    assert {a.account.external_id for a in check.accounts} == {"009999", "009998"}
    name_only = [s for s in check.students if s.outcome == Outcome.LINKED_BY_NAME]
    assert all(s.account and s.account.external_id == "" for s in name_only)  # made before the hub


def _roster(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_roster_reader_sniffs_delimiter_and_encoding(tmp_path: Path) -> None:
    path = _roster(tmp_path, "user name;External ID;First Name;Last Name\r\nzoë1;001;Zoë;Last\r\n", "cp1252")
    roster = lc.read_vendor_roster(path)
    [account] = roster.accounts
    assert (account.username, account.external_id, account.first_name, account.row) == (
        "zoë1",
        "001",
        "Zoë",
        2,
    )


def test_roster_without_external_id_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(lc.VendorRosterError, match="ExternalID"):
        lc.read_vendor_roster(_roster(tmp_path, "Username,FirstName\njdoe,Jane\n"))


def test_outcomes_on_made_up_data_and_a_spreadsheet_safe_export(tmp_path: Path) -> None:
    # u1/u2 share SIS id 001 (the first links, the repeat cannot: both would sign into one account), u3 has
    # none, u4 (004) has only a name-alike account with a formula.
    text = "Username,ExternalID,FirstName,LastName\nu1acct,001,First1,Last\n=cmd(),,Firstu4,Last\nghost,999,G,H\n"
    check = lc.check_login_links(made_up_snapshot(), lc.read_vendor_roster(_roster(tmp_path, text)))
    outcomes = {s.student.id: s.outcome for s in check.students}
    assert outcomes == {
        "u1": Outcome.LINKED_BY_EXTERNAL_ID,
        "u2": Outcome.SIS_ID_NOT_UNIQUE,
        "u3": Outcome.NO_SIS_ID,
        "u4": Outcome.LINKED_BY_NAME,
    }
    assert [(a.account.username, a.outcome) for a in check.accounts] == [
        ("ghost", Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT)
    ]
    out = write_links_csv(check, tmp_path / "out" / "links.csv", only_problems=True)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["outcome"] for r in rows] == [
        Outcome.SIS_ID_NOT_UNIQUE,
        Outcome.NO_SIS_ID,
        Outcome.LINKED_BY_NAME,
        Outcome.EXTERNAL_ID_MATCHES_NO_STUDENT,
    ]
    assert rows[2]["vendor_username"] == "'=cmd()" and rows[2]["who_must_act"] == "vendor"
    assert [p.name for p in out.parent.iterdir()] == ["links.csv"]  # no temporary file left behind


def test_each_school_names_its_students_and_no_row_is_an_empty_no_school(tmp_path: Path) -> None:
    """Issue 10, problem 8: the login-links tab showed only counts (names only through Export), and accounts
    without a school made a "(no school)" row with empty bars."""
    text = (
        "Username,ExternalID,FirstName,LastName,School\n"
        "u1acct,001,First1,Last,First School\n"
        "ghost,999,G,H,\n"  # unclaimed, and no school in the vendor's roster
        "=cmd(),,Firstu4,Last,First School\n"
    )
    check = lc.check_login_links(made_up_snapshot(), lc.read_vendor_roster(_roster(tmp_path, text)))
    assert [s.school for s in check.schools] == ["First School"]
    [school] = check.schools
    names = [(s.student.name, s.outcome) for s in school.not_linked_students]
    assert names == [
        ("Firstu2 Last", Outcome.SIS_ID_NOT_UNIQUE),
        ("Firstu3 Last", Outcome.NO_SIS_ID),
        ("Firstu4 Last", Outcome.LINKED_BY_NAME),
    ]
    assert school.not_linked_total == len(school.not_linked_students)
    assert [a.account.username for a in check.accounts_without_school] == ["ghost"]
    assert len(check.accounts) == 1  # still counted in the totals
