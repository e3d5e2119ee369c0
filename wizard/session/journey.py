"""The journey's bookkeeping, Qt-free: the Back path the admin took (kept across close and resume), where a
resume lands, and what Finish and Start over do to the saved state."""

from __future__ import annotations

from wizard.flow import PageId, journey, resume_page
from wizard.state import OnboardingState


def record_visit(state: OnboardingState, page: PageId) -> None:
    """`page` is now shown: going forwards it joins the path; going back the path ends at it."""
    if page is PageId.WELCOME:
        return
    state.finished = False
    state.current_page = int(page)
    if int(page) in state.history:
        del state.history[state.history.index(int(page)) + 1 :]
    else:
        state.history.append(int(page))


def resume_path(state: OnboardingState) -> list[PageId]:
    """The pages a resume walks through, ending where the admin stopped, so Back retraces their steps.

    The saved path is used when it ends at the resumed page and belongs to this journey; otherwise (a state
    saved before paths were kept) the journey's pages done so far, in order, lead to it. (Without the
    district's token on this computer the pages say so, all alike, and Back leads to the sign-in.) [] when
    there is nothing to resume."""
    if state.finished:
        return []
    target = resume_page(state)
    if target is None:
        return []
    pages = journey(state)
    saved = [PageId(page) for page in state.history if page in set(PageId)]
    if (
        saved
        and saved[-1] is target
        and all(page in pages for page in saved)
        and len(set(saved)) == len(saved)
    ):
        return saved
    before = pages[1 : pages.index(target)]
    return [page for page in before if int(page) in state.completed_pages] + [target]


def finish(state: OnboardingState) -> None:
    """Finish: the onboarding is over; Welcome offers no resume (the district and choices stay saved)."""
    state.finished = True
    state.history.clear()
