"""The step panel's and window title's facts follow the routing function (issue 16, "Where am I")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wizard.flow import PageId, journey
from wizard.session.steps import StepStatus, steps, window_title
from wizard.state import DistrictForm, Mode, OnboardingState


def _state(mode: Mode = Mode.ONLINE, secure_sync: bool | None = None, name: str = "") -> OnboardingState:
    state = OnboardingState(mode=mode)
    state.app.uses_secure_sync = secure_sync
    if name:
        state.district_form = DistrictForm(name=name)
        state.district_id = "d1"
    return state


def test_the_steps_are_the_routings_pages_for_each_journey() -> None:
    for state in (_state(Mode.OFFLINE), _state(), _state(secure_sync=True), _state(secure_sync=False)):
        listed = [step.page for step in steps(state, PageId.WELCOME, [PageId.WELCOME])]
        assert listed == list(journey(state))
    assert PageId.VENDOR_IMPORT in journey(_state(secure_sync=False))
    assert len(journey(_state(Mode.OFFLINE))) == 2


def test_passed_pages_are_done_and_reachable_completed_ones_only_done() -> None:
    state = _state(secure_sync=True)
    state.completed_pages = [int(PageId.ADD_APP)]  # completed on an earlier run, then the admin went back
    path = [PageId.WELCOME, PageId.SIGN_UP, PageId.IDENTITY_AND_SYNC]
    by_page = {step.page: step for step in steps(state, PageId.IDENTITY_AND_SYNC, path)}
    assert (by_page[PageId.WELCOME].status, by_page[PageId.WELCOME].reachable) == (StepStatus.DONE, True)
    assert (by_page[PageId.SIGN_UP].status, by_page[PageId.SIGN_UP].reachable) == (StepStatus.DONE, True)
    current = by_page[PageId.IDENTITY_AND_SYNC]
    assert (current.status, current.reachable, current.label) == (
        StepStatus.CURRENT,
        False,
        "▸  3. Identity provider and sync",
    )
    assert (by_page[PageId.ADD_APP].status, by_page[PageId.ADD_APP].reachable) == (StepStatus.DONE, False)
    assert (by_page[PageId.ROLL_OUT].status, by_page[PageId.ROLL_OUT].reachable) == (StepStatus.TO_DO, False)
    assert (
        by_page[PageId.SIGN_UP].spoken
        == "Step 2 of 9: Sign up or sign in, done. Press Enter to go back to it."
    )


def test_a_page_the_routing_dropped_still_shows_after_the_pages_passed() -> None:
    state = _state(secure_sync=True)  # the app was changed to one with Secure Sync while on the vendor page
    path = [
        PageId.WELCOME,
        PageId.SIGN_UP,
        PageId.IDENTITY_AND_SYNC,
        PageId.PREPARE_ROSTER,
        PageId.STAFF_ADMINS,
        PageId.ADD_APP,
    ]
    listed = [step.page for step in steps(state, PageId.VENDOR_IMPORT, [*path, PageId.VENDOR_IMPORT])]
    assert listed[: len(path) + 1] == [*path, PageId.VENDOR_IMPORT]
    assert listed[len(path) + 1 :] == [PageId.SHARING, PageId.VALIDATE, PageId.ROLL_OUT]


def test_the_title_names_the_signed_up_district_and_the_step() -> None:
    assert window_title(_state(), PageId.WELCOME) == "Step 1 of 9: Welcome — District Onboarding Wizard"
    typed_only = _state()
    typed_only.district_form = DistrictForm(name="Typed But Not Signed Up")
    assert "Typed" not in window_title(typed_only, PageId.SIGN_UP)
    assert window_title(_state(secure_sync=False, name="Cedar Unified"), PageId.VENDOR_IMPORT) == (
        "Cedar Unified — Step 7 of 10: Vendor roster import — District Onboarding Wizard"
    )
    assert window_title(_state(Mode.OFFLINE), PageId.PREPARE_ROSTER) == (
        "Step 2 of 2: Prepare roster files — District Onboarding Wizard"
    )


@given(
    secure_sync=st.sampled_from([None, True, False]),
    offline=st.booleans(),
    walked=st.integers(min_value=1, max_value=9),
)
def test_exactly_one_current_step_numbered_in_order(
    secure_sync: bool | None, offline: bool, walked: int
) -> None:
    state = _state(Mode.OFFLINE if offline else Mode.ONLINE, secure_sync)
    pages = journey(state)
    path = list(pages[: min(walked, len(pages))])
    listed = steps(state, path[-1], path)
    assert [step.number for step in listed] == list(range(1, len(listed) + 1))
    assert [step.page for step in listed if step.status is StepStatus.CURRENT] == [path[-1]]
    assert {step.page for step in listed if step.reachable} == set(path[:-1])
