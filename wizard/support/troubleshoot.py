"""Troubleshoot one login: find the user among the shared data and say, in plain words, whether they would
see the app, why not, and who must act (district, vendor or hub)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from wizard.hub.dataapi import DataUser
from wizard.hub.errors import HubError, NotFound
from wizard.hub.models import PortalView
from wizard.support.health import DISTRICT, HUB, VENDOR, _parse_date
from wizard.support.linkcheck import PLAIN_WORDS, WHO_ACTS, LinkCheck, what_to_do
from wizard.support.onboarding_state import OnboardingState
from wizard.support.reading import DistrictSnapshot

PortalLookup = Callable[[str], PortalView]  # SIS id -> the portal as that user sees it (admin token needed)
SSO_NEEDING_EMAIL = frozenset({"google", "microsoft"})


@dataclass(frozen=True)
class Reason:
    text: str
    actor: str  # district | vendor | hub
    blocking: bool  # True: the user will not get into their account in the app


@dataclass(frozen=True)
class LoginDiagnosis:
    query: str
    user: DataUser | None
    role: str
    school: str
    sees_app: bool
    headline: str
    reasons: tuple[Reason, ...]
    candidates: tuple[DataUser, ...] = ()  # when the query matches several people
    person: str = ""  # the name the texts mention, so a redacted report can hide it
    mentions: tuple[str, ...] = ()  # every other identifying text in them (ids, email, vendor username)

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.actor for r in self.reasons if r.blocking))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def find_users(snapshot: DistrictSnapshot, query: str) -> list[DataUser]:
    """Exact hub id, SIS id or email first; else every user whose name contains all the query's words."""
    wanted = _fold(query)
    if not wanted:
        return []
    exact = [
        u
        for u in snapshot.users
        if wanted in {u.id.casefold(), (u.sis_id or "").casefold(), (u.email or "").casefold()}
    ]
    if exact:
        return exact
    words = wanted.split()
    return [
        u
        for u in snapshot.users
        if all(w in _fold(f"{u.first_name} {u.middle_name} {u.last_name}") for w in words)
    ]


def _role(user: DataUser) -> str:
    for role in ("student", "teacher", "staff", "districtadmin"):
        if user.has_role(role):
            return "district admin" if role == "districtadmin" else role
    return "user"


def _launch_reasons(
    snapshot: DistrictSnapshot, onboarding: OnboardingState | None, today: dt.date
) -> list[Reason]:
    reasons = []
    if onboarding and onboarding.connection and onboarding.connection.status != "connected":
        actor = VENDOR if onboarding.connection.status == "pending_vendor_acceptance" else DISTRICT
        reasons.append(Reason(f"The connection is {onboarding.status_words}.", actor, True))
    launch = snapshot.district.launch_date or (
        onboarding.connection.launch_date if onboarding and onboarding.connection else None
    )
    launch_day = _parse_date(launch)
    if launch_day is None:
        reasons.append(
            Reason(
                "The district has not launched the app yet, so no one sees its icon in the portal.",
                DISTRICT,
                True,
            )
        )
    elif launch_day > today:
        reasons.append(
            Reason(
                f"The district launches the app on {launch}; until then its icon is hidden.", DISTRICT, True
            )
        )
    state = snapshot.district.state
    if state == "error":
        detail = snapshot.district.error
        reasons.append(
            Reason(
                f"The district's last sync failed{': ' + detail if detail else ''}; changes since then are missing.",
                DISTRICT if detail else HUB,
                False,
            )
        )
    return reasons


def _user_reasons(
    snapshot: DistrictSnapshot,
    user: DataUser,
    role: str,
    app: str,
    links: LinkCheck | None,
    link_check_applies: bool = True,
) -> list[Reason]:
    reasons = []
    if not user.sis_id:
        reasons.append(
            Reason(
                "They have no SIS id in the hub, so the app cannot link them to an account.", DISTRICT, True
            )
        )
    methods = snapshot.district.raw.get("login_methods")
    sso = {str(m) for m in methods} if isinstance(methods, list) else set()
    if not user.email and sso & SSO_NEEDING_EMAIL:
        provider = " or ".join(sorted(sso & SSO_NEEDING_EMAIL)).title()
        reasons.append(
            Reason(f"They have no email address, and the district signs in with {provider}.", DISTRICT, True)
        )
    if role == "student":
        if not any(user.id in section.students for section in snapshot.sections):
            reasons.append(
                Reason("They are in no shared section, so no teacher sees them in a class.", DISTRICT, False)
            )
        if links is None and link_check_applies:
            reasons.append(
                Reason(f"Load {app}'s roster export to check which account they will land in.", VENDOR, False)
            )
        elif links is not None:
            link = next((item for item in links.students if item.student.id == user.id), None)
            if link is not None and not link.linked:
                account = link.account.username if link.account else ""
                fix = what_to_do(link.outcome, user.sis_id or "", account, app, ", ".join(link.candidates))
                reasons.append(
                    Reason(
                        f"In {app}'s roster: {PLAIN_WORDS[link.outcome]}. {fix}", WHO_ACTS[link.outcome], True
                    )
                )
    return reasons


def _not_shared(query: str, app: str, portal: PortalLookup | None) -> LoginDiagnosis:
    if portal is not None:
        try:
            view = portal(query.strip())
        except NotFound:
            reason = Reason(
                f"No one with SIS id {query.strip()!r} is in the district's roster on the hub.",
                DISTRICT,
                True,
            )
            return LoginDiagnosis(query, None, "", "", False, "Not in the district's roster.", (reason,))
        except HubError:
            view = None  # the portal preview is a bonus; the Data API answer below still holds
        if view is not None:
            hidden = next((a for a in view.hidden if a.name == app), None)
            why = hidden.reason if hidden else "The sharing setting does not include this user."
            reason = Reason(f"{view.name} ({view.role}) is in the roster, but: {why}", DISTRICT, True)
            return LoginDiagnosis(
                query,
                None,
                view.role,
                "",
                False,
                f"{view.name} will not see {app}.",
                (reason,),
                person=view.name,
            )
    reason = Reason(
        f"No one matching {query.strip()!r} is among the records the district shares with {app}. Either the "
        "sharing setting leaves them out, or they are not in the district's SIS data; the district must check both.",
        DISTRICT,
        True,
    )
    return LoginDiagnosis(query, None, "", "", False, f"Not shared with {app}.", (reason,))


def explain_login(
    snapshot: DistrictSnapshot,
    query: str,
    *,
    today: dt.date,
    app: str = "the app",
    links: LinkCheck | None = None,
    onboarding: OnboardingState | None = None,
    portal: PortalLookup | None = None,
) -> LoginDiagnosis:
    """Why the user named by `query` (hub id, SIS id, name or email) would or would not see the app."""
    matches = find_users(snapshot, query)
    if not matches:
        return _not_shared(query, app, portal)
    if len(matches) > 1:
        return LoginDiagnosis(
            query,
            None,
            "",
            "",
            False,
            f"{len(matches)} people match {query.strip()!r}: choose one by SIS id or email.",
            (),
            tuple(matches[:50]),
        )
    user = matches[0]
    role = _role(user)
    school = snapshot.school_name(user.school) if user.school else ""
    applies = onboarding.links_by_external_id if onboarding else True
    reasons = _launch_reasons(snapshot, onboarding, today) + _user_reasons(
        snapshot, user, role, app, links, applies
    )
    blocked = any(r.blocking for r in reasons)
    where = f", {school}" if school else ""
    who = f"{user.name or '(no name)'} ({role}{where})"
    if not blocked:
        headline = f"{who} sees {app} and signs straight into their account."
    else:
        actors = " and ".join(dict.fromkeys(r.actor for r in reasons if r.blocking))
        headline = f"{who} will not get into their {app} account until the {actors} acts."
    account = next((s.account for s in links.students if s.student.id == user.id), None) if links else None
    mentions = (user.id, user.sis_id or "", user.email or "", account.username if account else "")
    return LoginDiagnosis(
        query,
        user,
        role,
        school,
        not blocked,
        headline,
        tuple(reasons),
        person=user.name,
        mentions=tuple(m for m in mentions if m),
    )
