"""The journey's bookkeeping: the Back path, where a resume lands, and what Finish ends."""

from __future__ import annotations

from wizard.flow import PageId
from wizard.session.journey import finish, record_visit, resume_path
from wizard.state import OnboardingState, from_json, to_json


def _walked(*pages: PageId) -> OnboardingState:
    state = OnboardingState(district_id="d1")
    for page in pages:
        record_visit(state, page)
        if page is not pages[-1]:
            state.mark_completed(page)
    return state


def test_the_path_grows_forwards_and_ends_where_back_went() -> None:
    state = _walked(PageId.SIGN_UP, PageId.IDENTITY_AND_SYNC, PageId.PREPARE_ROSTER, PageId.ADD_APP)
    assert state.history == [2, 3, 4, 6]
    record_visit(state, PageId.IDENTITY_AND_SYNC)  # Back, Back
    assert state.history == [2, 3] and state.current_page == PageId.IDENTITY_AND_SYNC
    record_visit(state, PageId.WELCOME)  # Welcome is not part of the path
    assert state.history == [2, 3]


def test_a_resume_walks_the_saved_path_and_survives_saving() -> None:
    state = _walked(PageId.SIGN_UP, PageId.IDENTITY_AND_SYNC, PageId.PREPARE_ROSTER)
    assert resume_path(from_json(to_json(state))) == [
        PageId.SIGN_UP,
        PageId.IDENTITY_AND_SYNC,
        PageId.PREPARE_ROSTER,
    ]


def test_a_state_without_a_path_resumes_through_the_pages_done() -> None:
    state = OnboardingState(district_id="d1", current_page=int(PageId.PREPARE_ROSTER))
    state.completed_pages = [int(PageId.SIGN_UP), int(PageId.IDENTITY_AND_SYNC)]
    assert resume_path(state) == [PageId.SIGN_UP, PageId.IDENTITY_AND_SYNC, PageId.PREPARE_ROSTER]


def test_finish_ends_the_resumable_state_and_a_new_visit_opens_it_again() -> None:
    state = _walked(PageId.SIGN_UP, PageId.IDENTITY_AND_SYNC)
    finish(state)
    assert resume_path(state) == [] and state.history == []
    record_visit(state, PageId.SIGN_UP)
    assert not state.finished and resume_path(state) == [PageId.SIGN_UP]
