"""School-site sharing, Qt-free: what the district admin's Sharing page shows per school, and what a school
tech lead does with their own token.

With `school_site` the district picks the schools; nothing of a school is shared until its tech lead opts in
(the whole school, or chosen sections). The district's view lists per school the tech leads, whether it opted
in, what it shares and the counts. A tech lead signs in with the token the hub gave them once (typed, or, on
the computer that added them, read from the keyring) and decides only their own schools: the hub answers 404
for any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.errors import UserFacingError
from wizard.hub.errors import AuthError
from wizard.session.text import plural
from wizard.wire.vocab import SchoolShare

if TYPE_CHECKING:
    from wizard.hub.models import RosterSection, Sharing
    from wizard.session.context import WizardContext
    from wizard.session.hub_access import TechLeadSession
    from wizard.wire.onboarding import SchoolSiteOut, StaffSessionOut

SCHOOL_SITE = "school_site"


def what_is_shared(site: SchoolSiteOut) -> str:
    """ "The whole school", "3 sections" or why nothing is, in words."""
    if site.share is SchoolShare.WHOLE_SCHOOL:
        return "The whole school"
    if site.share is SchoolShare.SECTIONS:
        return plural(len(site.section_ids), "chosen section")
    if not site.tech_leads:
        return "Nothing: the school has no tech lead yet (add one on the Staff admins step)"
    return "Nothing yet: its tech lead has not opted in"


@dataclass(frozen=True)
class SchoolSiteRow:
    """One school of the district's school-site sharing, as the Sharing page's table shows it."""

    school_id: str
    school_name: str
    tech_leads: str  # names, or "none yet"
    tech_lead_emails: tuple[str, ...]
    opted_in: bool
    what: str
    students: int
    teachers: int
    sections: int


def school_site_rows(sharing: Sharing) -> list[SchoolSiteRow]:
    """Per chosen school: tech leads, opted in or not, what is shared, with counts (by school name)."""
    rows = [
        SchoolSiteRow(
            school_id=site.school_id,
            school_name=site.school_name or site.school_id,
            tech_leads=", ".join(lead.name for lead in site.tech_leads) or "none yet",
            tech_lead_emails=tuple(lead.email for lead in site.tech_leads),
            opted_in=site.opted_in,
            what=what_is_shared(site),
            students=site.counts.students,
            teachers=site.counts.teachers,
            sections=site.counts.sections,
        )
        for site in sharing.schools
    ]
    return sorted(rows, key=lambda row: (row.school_name.casefold(), row.school_id))


def opted_in_summary(rows: Sequence[SchoolSiteRow]) -> str:
    """ "2 of 3 schools opted in" for the line above the table."""
    opted = sum(1 for row in rows if row.opted_in)
    return f"{opted} of {plural(len(rows), 'school')} opted in"


@dataclass(frozen=True)
class Decision:
    """One app and school a tech lead decides, with what is decided now and the school's sections."""

    district_id: str
    connection_id: str
    app_name: str
    school_id: str
    site: SchoolSiteOut
    sections: list[RosterSection]


class TechLeadDesk:
    """What the school tech lead's window does (each method blocks: the window runs it in a Worker). The typed
    token is held in memory only while the window is open."""

    def __init__(self, ctx: WizardContext) -> None:
        self._ctx = ctx
        self._session: TechLeadSession | None = None
        self.me: StaffSessionOut | None = None
        self.names: dict[str, str] = {}  # the tech lead's schools by id

    def saved_token(self, email: str) -> str | None:
        """The tech lead's token when this computer added them (the demo's "Act as this school's tech lead")."""
        return self._ctx.credentials.staff_token(
            self._ctx.credential_scope(), self._ctx.state.district_id, email
        )

    def sign_in(self, token: str) -> StaffSessionOut:
        if not token.strip():
            raise UserFacingError(
                "Type the tech lead's sign-in token.", "The district admin got it when they added you."
            )
        self.close()
        session = self._ctx.hub.open_tech_lead(self._ctx.hub_base_url(), token.strip())
        try:
            me = session.me()
        except AuthError:
            session.close()
            raise UserFacingError(
                "The hub does not know this tech lead token (or the tech lead was removed).",
                "Check the token with your district admin; they can remove and add you again for a new one.",
            ) from None
        self._session, self.me = session, me
        names: dict[str, str] = {}  # a tech lead lists no schools: each of theirs is named by its sharing
        for connection in me.connections:
            for school_id in connection.school_ids:
                if school_id not in names:
                    site = session.school_sharing(me.district_id, connection.connection_id, school_id)
                    names[school_id] = site.school_name or school_id
        self.names = names
        return me

    def choices(self) -> list[tuple[str, str, str, str]]:
        """(connection id, app name, school id, school name) for each school and app this tech lead decides."""
        if self.me is None:
            return []
        return [
            (connection.connection_id, connection.app_name, school_id, self.names.get(school_id, school_id))
            for connection in self.me.connections
            for school_id in connection.school_ids
        ]

    def open_school(self, connection_id: str, school_id: str) -> Decision:
        session, me = self._signed_in()
        site = session.school_sharing(me.district_id, connection_id, school_id)
        sections = session.sections(me.district_id, school_id)
        app_name = next((c.app_name for c in me.connections if c.connection_id == connection_id), "")
        return Decision(me.district_id, connection_id, app_name, school_id, site, sections)

    def decide(
        self, connection_id: str, school_id: str, share: SchoolShare, section_ids: Sequence[str] = ()
    ) -> SchoolSiteOut:
        session, me = self._signed_in()
        return session.set_school_sharing(me.district_id, connection_id, school_id, share, section_ids)

    def _signed_in(self) -> tuple[TechLeadSession, StaffSessionOut]:
        if self._session is None or self.me is None:
            raise UserFacingError("Sign in as the school's tech lead first.", "Type the tech lead's token.")
        return self._session, self.me

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        self._session, self.me, self.names = None, None, {}


def decided_words(site: SchoolSiteOut, app_name: str) -> str:
    """What a tech lead's decision shares now, with counts."""
    counts = site.counts
    return (
        f"{site.school_name} shares {what_is_shared(site).lower()} with {app_name}: "
        f"{plural(counts.students, 'student')}, {plural(counts.teachers, 'teacher')}, "
        f"{plural(counts.sections, 'section')}."
    )
