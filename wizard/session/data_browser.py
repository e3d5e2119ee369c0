"""The data browser, Qt-free: find any student or teacher by name, SIS id or email and see which apps they are
shared with and why (the sharing rule, school or section that brings them in), or why not.

It asks the hub's onboarding API (`GET …/districts/{d}/browser`, the same answer any client gets) with the
district admin's sign-in, and flattens the answer to one row per person and app for a table. Blocking: pages
and the support view run `search` in a Worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.errors import UserFacingError

if TYPE_CHECKING:
    from wizard.session.hub_access import DistrictSession
    from wizard.wire.onboarding import BrowserPage

PAGE_SIZE = 25
ROLE_WORDS = {"student": "Student", "teacher": "Teacher", "staff": "Staff"}


@dataclass(frozen=True)
class BrowserRow:
    """One person and one of the district's apps: shared or not, and why."""

    person: str  # "Last, First"
    role: str
    sis_id: str
    email: str
    schools: str
    app: str
    shared: bool
    reason: str

    @property
    def verdict(self) -> str:
        """Said in words and marks, not colour alone."""
        if not self.app:
            return "—"
        return "✓ Shared" if self.shared else "✗ Not shared"


@dataclass(frozen=True)
class BrowserResult:
    query: str
    rows: list[BrowserRow]
    people: int
    more: bool  # the hub has more matches than this page

    @property
    def summary(self) -> str:
        if not self.people:
            return (
                f"Nobody in your district matches “{self.query}” (try a SIS id, an email or a name's start)."
            )
        shown = f"{self.people} {'person' if self.people == 1 else 'people'}"
        more = " (more match: type more of the name, or the SIS id or email)" if self.more else ""
        return f"{shown} matching “{self.query}”{more}."


def rows_of(page: BrowserPage) -> list[BrowserRow]:
    rows: list[BrowserRow] = []
    for entry in page.data:
        person = ", ".join(part for part in (entry.last_name, entry.first_name) if part) or entry.id
        base = {
            "person": person,
            "role": ROLE_WORDS.get(str(entry.role), str(entry.role)),
            "sis_id": entry.sis_id,
            "email": entry.email,
            "schools": ", ".join(entry.school_names),
        }
        if not entry.apps:
            rows.append(
                BrowserRow(**base, app="", shared=False, reason="Your district has not connected an app yet.")
            )
        for app in entry.apps:
            rows.append(BrowserRow(**base, app=app.app_name, shared=app.shared, reason=app.reason))
    return rows


def search_as_admin(
    base_url: str, district_id: str, admin_token: str | None, query: str, sleep: Callable[[float], None]
) -> BrowserResult:
    """The support view's look-up: the same onboarding API call, with the district admin's sign-in when this
    computer keeps it (the computer that onboarded the district); else it says why it cannot."""
    from wizard.hub.onboarding import OnboardingClient
    from wizard.session.hub_access import DistrictSession

    if not admin_token:
        raise UserFacingError(
            "The data browser reads the district's onboarding API with the district admin's sign-in, and this "
            "computer does not keep it.",
            "Use it on the computer that onboarded the district (the wizard's Validate step, or this view "
            "there), or ask the district's admin to look the person up.",
        )
    session = DistrictSession(OnboardingClient(base_url, admin_token, sleep=sleep), district_id)
    try:
        return search(lambda: session, query)
    finally:
        session.close()


def search(hub: Callable[[], DistrictSession], query: str, limit: int = PAGE_SIZE) -> BrowserResult:
    """One page of people matching `query`, each with every app of the district (blocking)."""
    text = query.strip()
    if not text:
        raise UserFacingError("Type a name, a SIS id or an email address to look someone up.", "")
    page = hub().browse(text, limit)
    return BrowserResult(text, rows_of(page), len(page.data), any(link.rel == "next" for link in page.links))
