"""Rehearse Instant Login before launch: sign one student in through the embedded hub's simulated vendor app.

The flow is the real one, over HTTP (`/oauth/authorize` → code → `/oauth/tokens` → `/v3.0/me`), into the app
at its registered redirect URI, which looks the student up in the vendor's roster by ExternalID. When no
account links the student, the reason is the login-link check's, in its words: the one matching engine
(`wizard.support.linkcheck.instant_login_check`) over the same roster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from wizard.hub.models import RosterUser
from wizard.support.linkcheck import PLAIN_WORDS, StudentLink, VendorRoster, instant_login_check, what_to_do
from wizard.wire.onboarding import RehearsalOut, VendorAccountIn, VendorAccountsOut


class RehearsalClient(Protocol):
    """Who starts the rehearsal: the district's admin (OnboardingClient) or the app's vendor (VendorClient)."""

    def load_vendor_accounts(
        self, district_id: str, app_id: str, accounts: Sequence[VendorAccountIn]
    ) -> VendorAccountsOut: ...

    def rehearse_login(self, district_id: str, app_id: str, login_hint: str) -> RehearsalOut: ...


@dataclass(frozen=True)
class RehearsalOutcome:
    signed_in: bool
    account: str  # the vendor username the student landed in ("" when none)
    message: str  # what the simulated vendor app (or the hub) said
    why_not: str = ""  # the link check's reason, when no account links the student
    what_to_do: str = ""
    account_name: str = ""  # the account's name in the vendor's roster, when signed in

    @property
    def headline(self) -> str:
        if self.signed_in:
            return f"Signed in to account {self.account} (progress kept)."
        if self.why_not:
            return f"No account links this student: {self.why_not}."
        return self.message


def _accounts(roster: VendorRoster) -> list[VendorAccountIn]:
    return [
        VendorAccountIn(
            username=a.username, external_id=a.external_id, first_name=a.first_name, last_name=a.last_name
        )
        for a in roster.accounts
        if a.username
    ]


def rehearse_instant_login(
    client: RehearsalClient, district_id: str, app_id: str, student: RosterUser, roster: VendorRoster
) -> RehearsalOutcome:
    """Sign `student` in to the simulated `app_id` holding `roster`; say which account, or why none."""
    client.load_vendor_accounts(district_id, app_id, _accounts(roster))
    seen = client.rehearse_login(district_id, app_id, student.sis_id or student.email)
    if seen.signed_in:
        return RehearsalOutcome(True, seen.account, seen.message, account_name=seen.account_name)
    if not seen.sis_id:  # the hub refused before the app saw anyone: its words are the reason
        return RehearsalOutcome(False, "", seen.message)
    check = instant_login_check([student], roster)
    problem = next(iter(check.not_linking), None)
    if problem is None:  # the check links them, yet the app did not find the ExternalID: say both
        return RehearsalOutcome(False, "", seen.message)
    return RehearsalOutcome(False, "", seen.message, problem.reason, problem.what_to_do)


def rehearse_checked_student(
    client: RehearsalClient, district_id: str, app_id: str, link: StudentLink, roster: VendorRoster
) -> RehearsalOutcome:
    """The support view's rehearsal: sign in a student of its login-link check (`link`), whose reason, when
    no account links them, is the check's own."""
    client.load_vendor_accounts(district_id, app_id, _accounts(roster))
    student = link.student
    seen = client.rehearse_login(district_id, app_id, student.sis_id or student.email or student.id)
    if seen.signed_in:
        return RehearsalOutcome(True, seen.account, seen.message, account_name=seen.account_name)
    if not seen.sis_id or link.linked:
        return RehearsalOutcome(False, "", seen.message)
    fix = what_to_do(
        link.outcome,
        student.sis_id or "",
        link.account.username if link.account else "",
        roster.app_title,
        ", ".join(link.candidates),
    )
    return RehearsalOutcome(False, "", seen.message, PLAIN_WORDS[link.outcome], fix)
