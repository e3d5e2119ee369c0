"""The data browser's answer as table rows, Qt-free: one row per person and app, shared or not and why."""

from __future__ import annotations

import pytest

from wizard.errors import UserFacingError
from wizard.session.data_browser import BrowserResult, rows_of, search
from wizard.wire.onboarding import BrowserAppOut, BrowserEntryOut, BrowserPage, Link
from wizard.wire.vocab import ConnectionStatus, DirectoryRole, SharingType


def _app(name: str, shared: bool, reason: str) -> BrowserAppOut:
    return BrowserAppOut(
        connection_id=f"c-{name}",
        app_id=name.lower(),
        app_name=name,
        connection_status=ConnectionStatus.CONNECTED,
        sharing_type=SharingType.SCHOOLS,
        shared=shared,
        reason=reason,
    )


def _entry(apps: list[BrowserAppOut]) -> BrowserEntryOut:
    return BrowserEntryOut(
        id="u1",
        role=DirectoryRole.STUDENT,
        sis_id="00123",
        first_name="Ana",
        last_name="Ruiz",
        email="ana@d.org",
        school_names=["Cedar Middle"],
        section_count=2,
        apps=apps,
    )


def test_one_row_per_person_and_app_with_the_verdict_in_words() -> None:
    page = BrowserPage(
        data=[
            _entry(
                [
                    _app("Amplify", True, "Shared through their school Cedar Middle"),
                    _app("Lexia", False, "Not shared: …"),
                ]
            )
        ]
    )
    rows = rows_of(page)
    assert [(r.person, r.role, r.sis_id, r.schools, r.app, r.verdict) for r in rows] == [
        ("Ruiz, Ana", "Student", "00123", "Cedar Middle", "Amplify", "✓ Shared"),
        ("Ruiz, Ana", "Student", "00123", "Cedar Middle", "Lexia", "✗ Not shared"),
    ]
    assert rows[0].reason.startswith("Shared through")


def test_a_person_of_a_district_without_apps_still_shows() -> None:
    [row] = rows_of(BrowserPage(data=[_entry([])]))
    assert row.app == "" and row.verdict == "—" and "not connected an app" in row.reason


def test_the_summary_says_how_many_and_whether_more_match() -> None:
    assert "Nobody in your district matches “x”" in BrowserResult("x", [], 0, False).summary
    assert BrowserResult("ana", [], 1, False).summary == "1 person matching “ana”."
    assert "more match" in BrowserResult("a", [], 25, True).summary


def test_an_empty_query_is_refused_before_asking_the_hub() -> None:
    def no_hub() -> object:
        raise AssertionError("the hub must not be asked")

    with pytest.raises(UserFacingError):
        search(no_hub, "   ")  # type: ignore[arg-type]


def test_more_is_read_from_the_next_link() -> None:
    class Hub:
        def browse(self, query: str, limit: int) -> BrowserPage:
            return BrowserPage(data=[_entry([])], links=[Link(rel="next", uri="/next")])

    result = search(lambda: Hub(), "ana")  # type: ignore[arg-type, return-value]
    assert result.more and result.people == 1
