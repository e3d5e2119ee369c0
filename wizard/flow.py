"""The wizard's pages and the routing between them: a pure function of the onboarding state."""

from __future__ import annotations

from enum import IntEnum

from wizard.state import GuidedStep, Mode, OnboardingState


class PageId(IntEnum):
    WELCOME = 1
    SIGN_UP = 2
    IDENTITY_AND_SYNC = 3
    PREPARE_ROSTER = 4
    VENDOR_IMPORT = 5
    ADD_APP = 6
    SHARING = 7
    VALIDATE = 8
    ROLL_OUT = 9
    STAFF_ADMINS = 10  # numbered last: saved states keep the ids they stored


PAGE_TITLES: dict[PageId, str] = {
    PageId.WELCOME: "Welcome",
    PageId.SIGN_UP: "Sign up or sign in",
    PageId.IDENTITY_AND_SYNC: "Identity provider and sync",
    PageId.STAFF_ADMINS: "Staff admins",
    PageId.PREPARE_ROSTER: "Prepare roster files",
    PageId.VENDOR_IMPORT: "Vendor roster import",
    PageId.ADD_APP: "Add and authorize the app",
    PageId.SHARING: "Sharing permissions",
    PageId.VALIDATE: "Validate",
    PageId.ROLL_OUT: "Roll out",
}


# The online journey in order; VENDOR_IMPORT only applies to apps that do not take Secure Sync, and it comes
# after ADD_APP because only then is it known which app (and so which vendor) the district connects. The staff
# admins (optional: Next with none added) come after identity and sync and once the roster is on the hub, so a
# school tech lead can be given their schools.
_ONLINE_ORDER: tuple[PageId, ...] = (
    PageId.WELCOME,
    PageId.SIGN_UP,
    PageId.IDENTITY_AND_SYNC,
    PageId.PREPARE_ROSTER,
    PageId.STAFF_ADMINS,
    PageId.ADD_APP,
    PageId.VENDOR_IMPORT,
    PageId.SHARING,
    PageId.VALIDATE,
    PageId.ROLL_OUT,
)
_OFFLINE_ORDER: tuple[PageId, ...] = (PageId.WELCOME, PageId.PREPARE_ROSTER)
# Steps a district may pass with Next having done nothing: signing in again does not stop there.
OPTIONAL_PAGES = frozenset({PageId.STAFF_ADMINS})


def journey(state: OnboardingState) -> tuple[PageId, ...]:
    """The pages this district walks through, in order, given what is known so far.

    The clever.com journey walks the same pages as the embedded hub's: each does what has an interface
    (files, SFTP, the vendor import, counts, instructions) and guides what is done in the dashboard."""
    if state.mode is Mode.OFFLINE:
        return _OFFLINE_ORDER
    # Until an app is chosen (uses_secure_sync is None) the vendor page is not part of the journey.
    skip_vendor = state.app.uses_secure_sync is not False
    skipped = {PageId.VENDOR_IMPORT} if skip_vendor else set()
    if state.on_clever:
        skipped.add(PageId.STAFF_ADMINS)  # clever.com has no API for staff: its Sharing page guides them
    return tuple(page for page in _ONLINE_ORDER if page not in skipped)


def next_page(state: OnboardingState, current: PageId, *, resume: bool = False) -> PageId | None:
    """The page after `current`, or None when `current` is the last one (QWizard then shows Finish).

    `resume` (only meaningful from WELCOME) jumps to the page saved in the state, provided it still belongs to
    this journey; otherwise the journey continues from its start.
    """
    pages = journey(state)
    if resume and current is PageId.WELCOME:
        saved = resume_page(state)
        if saved is not None:
            return saved
    if current not in pages:
        return None
    position = pages.index(current)
    following = pages[position + 1 :]
    if current is PageId.SIGN_UP:
        # A district that signs in again (a second run, another computer) skips the steps already done, and
        # the optional ones (reachable from the step panel and with Back).
        return next(
            (page for page in following if page not in state.completed_pages and page not in OPTIONAL_PAGES),
            following[-1],
        )
    return following[0] if following else None


def resume_page(state: OnboardingState) -> PageId | None:
    """Where a resumed wizard continues: the saved page when valid, else None (nothing to resume)."""
    if state.finished:
        return None  # Finish ends the onboarding's resumable state
    try:
        saved = PageId(state.current_page)
    except ValueError:
        return None
    if saved is PageId.WELCOME or saved not in journey(state):
        return None
    if state.on_clever:
        signed_up = state.clever.guided.get(GuidedStep.SIGN_UP)
        if signed_up is None or not signed_up.done:
            return PageId.SIGN_UP  # the dashboard account comes first
        return saved
    if state.mode is Mode.ONLINE and not state.signed_up:
        return PageId.SIGN_UP  # without a district nothing past sign-up can work
    return saved
