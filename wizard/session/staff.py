"""The staff admins step, Qt-free: who else manages the district on the hub, with which role.

The page shows the form, the list and the roles' plain words; everything it does goes through `StaffAdmins`
(blocking calls, run by the page inside a Worker). The hub keeps the list and refuses a second staff admin
with the same email (409 `admin_exists`), which comes back as `DuplicateEmail` for the page to show under the
email field. A school tech lead's own token, returned by the hub once, goes to the keyring only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wizard.errors import UserFacingError
from wizard.hub.errors import Conflict, ValidationFailed
from wizard.state import OnboardingState, StaffMember
from wizard.wire.vocab import StaffRole

if TYPE_CHECKING:
    from wizard.hub.models import RosterSchool
    from wizard.session.context import WizardContext
    from wizard.wire.onboarding import StaffAdminOut

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
ROLES: tuple[StaffRole, ...] = (StaffRole.DISTRICT_ADMIN, StaffRole.ADVANCED_USER, StaffRole.SCHOOL_TECH_LEAD)
FIELDS = ("name", "email", "schools")


@dataclass(frozen=True)
class StaffDraft:
    """The add form as typed."""

    name: str = ""
    email: str = ""
    role: StaffRole = StaffRole.DISTRICT_ADMIN
    school_ids: tuple[str, ...] = ()


def draft_problems(draft: StaffDraft) -> dict[str, str]:
    """Field (name, email, schools) -> what is wrong, in words for the admin; empty when it can be sent."""
    problems: dict[str, str] = {}
    if not draft.name.strip():
        problems["name"] = "Type the staff member's name."
    if not _EMAIL.match(draft.email.strip()):
        problems["email"] = "Type an email address like name@district.org."
    if draft.role is StaffRole.SCHOOL_TECH_LEAD and not draft.school_ids:
        problems["schools"] = "Tick the school(s) this tech lead looks after."
    return problems


class DuplicateEmail(UserFacingError):
    """The hub already has a staff admin with this email (409 admin_exists)."""

    def __init__(self, message: str, email: str) -> None:
        super().__init__(
            message or f"{email} is already a staff admin of your district.",
            "Each person is added once: remove them from the list first to give them another role.",
        )
        self.email = email


class DraftRefused(UserFacingError):
    """The hub refused a field of the form (422): `fields` maps the page's field names to the hub's words."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("The hub did not accept the staff member.", " ".join(fields.values()))
        self.fields = fields


@dataclass(frozen=True)
class StaffOverview:
    staff: list[StaffAdminOut]
    schools: list[RosterSchool]


@dataclass(frozen=True)
class Added:
    admin: StaffAdminOut
    token_kept: bool  # a school tech lead's own token is in the keyring (returned by the hub once)
    token: str | None = field(default=None, repr=False)  # that token, to show once (never saved to a file)


def role_line(role: StaffRole) -> str:
    """The role's name and what it may do, in one line for the list of roles."""
    return f"{role.label}: {role.plain_words}"


def describe(admin: StaffAdminOut, school_names: dict[str, str]) -> str:
    """ "Pat Kim <pat@…> — School tech lead for Cedar Middle" (one line of the list and the summary)."""
    role = StaffRole(admin.role)
    text = f"{admin.name} <{admin.email}> — {role.label}"
    if admin.school_ids:
        text += " for " + ", ".join(school_names.get(i, i) for i in admin.school_ids)
    return text


def summary_lines(state: OnboardingState) -> list[str]:
    """The staff admins for the onboarding summary (from the state, which the page keeps as the hub lists)."""
    if not state.staff:
        return ["Staff admins: none added"]
    lines = ["Staff admins:"]
    for member in state.staff:
        try:
            role = StaffRole(member.role).label
        except ValueError:
            role = member.role
        schools = f" for {', '.join(member.schools)}" if member.schools else ""
        lines.append(f"  {member.name} <{member.email}> — {role}{schools}")
    return lines


class StaffAdmins:
    """What the staff admins page does (each method blocks: the page runs it in a Worker)."""

    def __init__(self, ctx: WizardContext) -> None:
        self._ctx = ctx

    def load(self) -> StaffOverview:
        hub = self._ctx.district_hub()
        return StaffOverview(hub.staff_admins(), hub.directory().schools)

    def add(self, draft: StaffDraft) -> Added:
        problems = draft_problems(draft)
        if problems:
            raise DraftRefused(problems)
        role = draft.role
        school_ids = draft.school_ids if role is StaffRole.SCHOOL_TECH_LEAD else ()
        try:
            created = self._ctx.district_hub().add_staff_admin(
                draft.name.strip(), draft.email.strip(), role, school_ids
            )
        except Conflict as conflict:
            if conflict.code == "admin_exists":
                raise DuplicateEmail(conflict.message, draft.email.strip()) from None
            raise
        except ValidationFailed as refused:
            fields = {("schools" if k == "school_ids" else k): v for k, v in refused.fields.items()}
            if not fields:
                raise
            raise DraftRefused(fields) from None
        kept = False
        if created.staff_token:
            self._ctx.credentials.set_staff_token(
                self._ctx.credential_scope(), self._ctx.state.district_id, created.email, created.staff_token
            )
            kept = True
        admin = created.model_copy(update={"staff_token": None})
        return Added(admin, kept, created.staff_token)

    def remove(self, admin: StaffAdminOut) -> StaffAdminOut:
        removed = self._ctx.district_hub().remove_staff_admin(admin.id)
        self._ctx.credentials.delete_staff_token(
            self._ctx.credential_scope(), self._ctx.state.district_id, admin.email
        )
        return removed

    def remember(self, staff: Sequence[StaffAdminOut], schools: Sequence[RosterSchool]) -> None:
        """Keep the list in the state for the summary (names and roles only; never a token)."""
        names = {school.id: school.name for school in schools}
        self._ctx.state.staff = [
            StaffMember(a.name, a.email, str(a.role), [names.get(i, i) for i in a.school_ids]) for a in staff
        ]
        self._ctx.save()

    def tech_lead_token(self, email: str) -> str | None:
        """A tech lead's own token, when this computer added them (for "Act as this school's tech lead")."""
        return self._ctx.credentials.staff_token(
            self._ctx.credential_scope(), self._ctx.state.district_id, email
        )
