from __future__ import annotations

import pytest

from wizard.flow import PageId, journey, next_page, resume_page
from wizard.state import Mode, OnboardingState


def _walk(state: OnboardingState) -> list[PageId]:
    pages = [PageId.WELCOME]
    while (page := next_page(state, pages[-1])) is not None:
        pages.append(page)
    return pages


def _online(secure_sync: bool | None) -> OnboardingState:
    state = OnboardingState(mode=Mode.ONLINE, district_id="d1")
    state.app.uses_secure_sync = secure_sync
    return state


def test_secure_sync_app_skips_the_vendor_import() -> None:
    assert PageId.VENDOR_IMPORT not in _walk(_online(True))
    assert _walk(_online(True))[-1] is PageId.ROLL_OUT


def test_non_secure_sync_app_gets_the_vendor_import_after_choosing_the_app() -> None:
    pages = _walk(_online(False))
    assert pages.index(PageId.VENDOR_IMPORT) == pages.index(PageId.ADD_APP) + 1
    assert next_page(_online(False), PageId.VENDOR_IMPORT) is PageId.SHARING


def test_before_an_app_is_chosen_the_vendor_page_is_not_planned() -> None:
    assert next_page(_online(None), PageId.ADD_APP) is PageId.SHARING


def test_online_journey_order() -> None:
    assert _walk(_online(True)) == [
        PageId.WELCOME,
        PageId.SIGN_UP,
        PageId.IDENTITY_AND_SYNC,
        PageId.PREPARE_ROSTER,
        PageId.STAFF_ADMINS,
        PageId.ADD_APP,
        PageId.SHARING,
        PageId.VALIDATE,
        PageId.ROLL_OUT,
    ]


def test_staff_admins_come_after_identity_and_sync_and_the_roster_and_only_online() -> None:
    state = _online(True)
    assert next_page(state, PageId.PREPARE_ROSTER) is PageId.STAFF_ADMINS  # the schools are on the hub now
    assert next_page(state, PageId.STAFF_ADMINS) is PageId.ADD_APP
    assert PageId.STAFF_ADMINS not in journey(OnboardingState(mode=Mode.OFFLINE))
    assert PageId.STAFF_ADMINS == 10  # numbered last: saved states keep the page ids they stored
    clever = _online(True)
    clever.clever.chosen = True
    assert clever.on_clever and PageId.STAFF_ADMINS not in journey(clever)  # guided on its Sharing page


def test_offline_stops_after_preparing_files() -> None:
    state = OnboardingState(mode=Mode.OFFLINE)
    assert _walk(state) == [PageId.WELCOME, PageId.PREPARE_ROSTER]
    assert next_page(state, PageId.PREPARE_ROSTER) is None


@pytest.mark.parametrize("saved", [PageId.IDENTITY_AND_SYNC, PageId.SHARING, PageId.ROLL_OUT])
def test_resume_jumps_to_the_saved_page(saved: PageId) -> None:
    state = _online(True)
    state.current_page = saved
    assert next_page(state, PageId.WELCOME, resume=True) is saved
    assert next_page(state, PageId.WELCOME) is PageId.SIGN_UP


def test_resume_without_a_district_goes_to_sign_up() -> None:
    state = OnboardingState(mode=Mode.ONLINE, current_page=PageId.SHARING)
    assert resume_page(state) is PageId.SIGN_UP


def test_resume_to_a_page_outside_the_journey_starts_over() -> None:
    state = _online(True)
    state.current_page = PageId.VENDOR_IMPORT
    assert resume_page(state) is None
    assert next_page(state, PageId.WELCOME, resume=True) is PageId.SIGN_UP
    state.current_page = 999
    assert resume_page(state) is None


def test_offline_resume() -> None:
    state = OnboardingState(mode=Mode.OFFLINE, current_page=PageId.PREPARE_ROSTER)
    assert next_page(state, PageId.WELCOME, resume=True) is PageId.PREPARE_ROSTER
    assert journey(state) == (PageId.WELCOME, PageId.PREPARE_ROSTER)


def test_signing_in_again_skips_what_is_done() -> None:
    state = _online(None)
    state.completed_pages = [PageId.SIGN_UP, PageId.IDENTITY_AND_SYNC, PageId.PREPARE_ROSTER]
    assert next_page(state, PageId.SIGN_UP) is PageId.ADD_APP  # the optional staff admins are not stopped at
    assert next_page(state, PageId.IDENTITY_AND_SYNC) is PageId.PREPARE_ROSTER  # Next elsewhere never skips
    assert next_page(state, PageId.PREPARE_ROSTER) is PageId.STAFF_ADMINS
    state.completed_pages = [int(page) for page in PageId]
    assert next_page(state, PageId.SIGN_UP) is PageId.ROLL_OUT
