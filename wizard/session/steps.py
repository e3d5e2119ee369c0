"""Where the admin is, Qt-free: the steps of this journey for the side panel, and the window's title.

The steps come from `wizard.flow.journey` (the routing function), never from a list of their own: the vendor
import appears only once an app without Secure Sync is chosen, and the offline journey has its own shorter
list. A step is done when its page was completed or passed with Next on the way here; the admin may go back to
a step on the Back path (the pages already passed), as the Back button would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from wizard.about import PRODUCT
from wizard.flow import PAGE_TITLES, PageId, journey
from wizard.state import OnboardingState


class StepStatus(StrEnum):
    DONE = "done"
    CURRENT = "current step"
    TO_DO = "not reached yet"


@dataclass(frozen=True)
class Step:
    page: PageId
    number: int
    total: int
    title: str
    status: StepStatus
    reachable: bool  # on the Back path before the current page: choosing it goes back there

    @property
    def label(self) -> str:
        """What the panel shows: a mark that does not rely on colour, the number and the title."""
        mark = {StepStatus.DONE: "✓", StepStatus.CURRENT: "▸", StepStatus.TO_DO: "○"}[self.status]
        return f"{mark}  {self.number}. {self.title}"

    @property
    def spoken(self) -> str:
        """What a screen reader says for the step."""
        text = f"Step {self.number} of {self.total}: {self.title}, {self.status.value}"
        return f"{text}. Press Enter to go back to it." if self.reachable else f"{text}."


def steps(state: OnboardingState, current: PageId, back_path: Sequence[PageId]) -> tuple[Step, ...]:
    """The journey's steps given the page shown and the Back path (the visited pages, ending with `current`)."""
    pages = journey(state)
    path = list(back_path)
    if current not in pages:  # the routing no longer includes the page shown: after the pages passed
        before = [page for page in pages if page in path and page is not current]
        pages = (*before, current, *(page for page in pages if page not in before))
    passed = set(path[: path.index(current)]) if current in path else set()
    done = passed | {PageId(page) for page in state.completed_pages if page in set(PageId)}
    return tuple(
        Step(
            page=page,
            number=number,
            total=len(pages),
            title=PAGE_TITLES[page],
            status=(
                StepStatus.CURRENT
                if page is current
                else StepStatus.DONE
                if page in done
                else StepStatus.TO_DO
            ),
            reachable=page in passed,
        )
        for number, page in enumerate(pages, start=1)
    )


def window_title(state: OnboardingState, current: PageId) -> str:
    """ "<district> — Step 4 of 8: Prepare roster files — District Onboarding Wizard" (no district before one
    is signed up or in the offline journey)."""
    step = next(step for step in steps(state, current, [current]) if step.page is current)
    parts = [f"Step {step.number} of {step.total}: {step.title}", PRODUCT]
    name = state.district_form.name.strip()
    if name and state.signed_up:
        parts.insert(0, name)
    return " — ".join(parts)
