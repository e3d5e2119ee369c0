"""The clever.com journey, Qt-free: the dashboard steps the wizard guides (data in resources/clever_guide.toml),
what the admin records about them, and the checks it does itself against the prepared files.

clever.com publishes no API for a district's sign-up, identity provider, app approval, sharing, staff admins or
rollout. For each, a page lists the dashboard steps, opens the dashboard page, says what to check there and
records what the admin says they chose, with a Done box they tick. Nothing here claims the wizard did a guided
step: the words are "You said you…". What has an interface the wizard does: the files, the SFTP upload, the
vendor import file, the counts side by side with the dashboard's, the login-link check and the instructions (those checks are in
clever_checks.py, imported here for the pages).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from wizard.flow import PageId
from wizard.resources import resource
from wizard.session.clever_checks import REPORT_NAME as REPORT_NAME
from wizard.session.clever_checks import CountRow as CountRow
from wizard.session.clever_checks import CountStatus as CountStatus
from wizard.session.clever_checks import EngineWarning as EngineWarning
from wizard.session.clever_checks import compare_counts as compare_counts
from wizard.session.clever_checks import counts_entered as counts_entered
from wizard.session.clever_checks import engine_warnings as engine_warnings
from wizard.session.clever_checks import login_check as login_check
from wizard.session.clever_checks import login_check_text as login_check_text
from wizard.session.clever_checks import prepared_schools as prepared_schools
from wizard.session.clever_checks import prepared_students as prepared_students
from wizard.session.clever_checks import record_login_check as record_login_check
from wizard.session.clever_checks import set_dashboard_count as set_dashboard_count
from wizard.session.text import plural
from wizard.state import GuidedRecord, GuidedStep, OnboardingState, SftpAccount

if TYPE_CHECKING:
    from wizard.hub.sftp import SentFiles

GUIDE_FILE = "clever_guide.toml"
SFTP_HOST = "sftp.clever.com"
SYNC_SETTINGS_URL = "https://schools.clever.com/sync/settings"
DATA_BROWSER_URL = "https://schools.clever.com/data"
LOGIN_URL = "https://clever.com/login"
CLEVER_DATA_API = "https://api.clever.com"


class ChoiceKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    DATE = "date"
    SCHOOLS = "schools"  # a checklist of the schools in the prepared files
    LINES = "lines"  # one entry per line


@dataclass(frozen=True)
class Choice:
    """Something the admin chose in the dashboard and tells the wizard (recorded, never sent anywhere)."""

    key: str
    label: str
    kind: ChoiceKind
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    mirror: str = ""  # the onboarding state field it also fills ("app.app_name"), "" for none
    placeholder: str = ""

    def option_label(self, value: str) -> str:
        return dict(self.options).get(value, value)


@dataclass(frozen=True)
class Guide:
    """One guided dashboard step: where it shows, the dashboard page, the steps, what to check, the words."""

    step: GuidedStep
    page: PageId
    title: str
    dashboard: str
    open_label: str
    steps: tuple[str, ...]
    check: str
    done_label: str
    said: str
    choices: tuple[Choice, ...]


@cache
def guides() -> tuple[Guide, ...]:
    """Every guided step, in the journey's order (read once from the shipped TOML)."""
    data = tomllib.loads(resource(GUIDE_FILE).read_text(encoding="utf-8"))
    found = []
    for key, entry in data.items():
        found.append(
            Guide(
                step=GuidedStep(key),
                page=PageId[entry["page"]],
                title=entry["title"],
                dashboard=entry["dashboard"],
                open_label=entry["open_label"],
                steps=tuple(entry["steps"]),
                check=entry["check"],
                done_label=entry["done_label"],
                said=entry["said"],
                choices=tuple(
                    Choice(
                        key=choice["key"],
                        label=choice["label"],
                        kind=ChoiceKind(choice["kind"]),
                        required=bool(choice.get("required", False)),
                        options=tuple((str(v), str(label)) for v, label in choice.get("options", ())),
                        mirror=choice.get("mirror", ""),
                        placeholder=choice.get("placeholder", ""),
                    )
                    for choice in entry.get("choices", ())
                ),
            )
        )
    return tuple(found)


def guide(step: GuidedStep) -> Guide:
    return next(item for item in guides() if item.step is step)


def guides_for(page: PageId) -> tuple[Guide, ...]:
    return tuple(item for item in guides() if item.page is page)


# --- what the admin records ------------------------------------------------------------------------------
def record(state: OnboardingState, step: GuidedStep) -> GuidedRecord:
    """The admin's record of `step` (made empty the first time)."""
    return state.clever.guided.setdefault(str(step), GuidedRecord())


def choose_clever(state: OnboardingState, chosen: bool) -> None:
    """Welcome's hub choice: the journey against clever.com, or not. The clever.com journey syncs by SFTP."""
    state.clever.chosen = chosen
    if chosen:
        state.hub_url = ""
        state.sync_method = "sftp"
        if not state.sftp.host:
            state.sftp.host = SFTP_HOST


def set_choice(state: OnboardingState, step: GuidedStep, key: str, value: str) -> None:
    """Record what the admin chose in the dashboard, and fill the state field it mirrors."""
    choice = next(item for item in guide(step).choices if item.key == key)
    value = value.strip()
    record(state, step).choices[key] = value
    if choice.mirror:
        _mirror(state, choice.mirror, value)


def _mirror(state: OnboardingState, path: str, value: str) -> None:
    if path == "app.uses_secure_sync":
        state.app.uses_secure_sync = None if not value else value == "secure_sync"
        return
    if path == "app.app_name":  # the vendor import's profile is found by the app's name, e.g. symphony-math
        state.app.app_name = value
        state.app.app_id = "-".join(value.lower().split())
        return
    if path == "sharing.school_ids":
        state.sharing.school_ids = [line for line in value.splitlines() if line.strip()]
        return
    owner: Any = state
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    setattr(owner, name, value)


def missing(state: OnboardingState, step: GuidedStep) -> list[str]:
    """The required choices not filled in yet (their labels); sharing by schools needs at least one school."""
    chosen = record(state, step).choices
    by_schools = chosen.get("sharing_type") == "schools"
    absent = [
        item.label
        for item in guide(step).choices
        if item.required
        and not chosen.get(item.key)
        and (item.kind is not ChoiceKind.SCHOOLS or by_schools)  # schools only with the Schools type
    ]
    portal = chosen.get("portal_url", "")
    if step is GuidedStep.ROLLOUT and portal and not portal.startswith("https://"):
        absent.append("a portal link that starts with https://")
    return absent


def set_done(state: OnboardingState, step: GuidedStep, done: bool, now: datetime | None = None) -> list[str]:
    """Tick (or untick) Done. Ticking with a required choice missing is refused: the missing labels."""
    entry = record(state, step)
    if done:
        absent = missing(state, step)
        if absent:
            return absent
        entry.done, entry.done_at = True, (now or datetime.now()).isoformat(timespec="minutes")
    else:
        entry.done, entry.done_at = False, ""
    return []


def is_done(state: OnboardingState, step: GuidedStep) -> bool:
    entry = state.clever.guided.get(str(step))
    return entry is not None and entry.done


def page_done(state: OnboardingState, page: PageId) -> bool:
    """Every guided step shown on `page` is ticked Done."""
    return all(is_done(state, item.step) for item in guides_for(page))


def not_done(state: OnboardingState) -> list[Guide]:
    return [item for item in guides() if not is_done(state, item.step)]


# --- the words -------------------------------------------------------------------------------------------
def _values(state: OnboardingState, item: Guide, schools: Mapping[str, str]) -> dict[str, str]:
    chosen = record(state, item.step).choices
    values: dict[str, str] = {}
    for choice in item.choices:
        value = chosen.get(choice.key, "")
        values[choice.key] = value or "…"
        if choice.kind is ChoiceKind.CHOICE:
            values[f"{choice.key}_label"] = choice.option_label(value) if value else "…"
        if choice.kind is ChoiceKind.DATE and value:
            values[choice.key] = us_date(value)
        if choice.kind is ChoiceKind.LINES:
            values[choice.key] = ", ".join(line for line in value.splitlines() if line.strip()) or "…"
    ids = [line for line in chosen.get("schools", "").splitlines() if line.strip()]
    if chosen.get("sharing_type") == "district":
        values["schools_count"] = "every school"
    else:
        names = ", ".join(schools.get(school_id, school_id) for school_id in ids)
        values["schools_count"] = plural(len(ids), "school") + (f": {names}" if names else "")
    return values


def check_text(state: OnboardingState, step: GuidedStep, schools: Mapping[str, str] | None = None) -> str:
    """What to check in the dashboard, with what the admin entered filled in."""
    item = guide(step)
    return item.check.format(**_values(state, item, schools or {}))


def said_text(state: OnboardingState, step: GuidedStep, schools: Mapping[str, str] | None = None) -> str:
    """“You said you … (ticked on 12/01/2026 at 23:40).” — only once ticked; "" before."""
    entry = record(state, step)
    if not entry.done:
        return ""
    item = guide(step)
    when = ""
    if entry.done_at:
        moment = datetime.fromisoformat(entry.done_at)
        when = f" (ticked on {moment:%m/%d/%Y} at {moment:%H:%M})"
    return item.said.format(**_values(state, item, schools or {})).rstrip(".") + when + "."


def us_date(iso: str) -> str:
    try:
        return date.fromisoformat(iso).strftime("%m/%d/%Y")
    except ValueError:
        return iso


def provider_label(state: OnboardingState) -> str:
    """The sign-in the admin said they chose in the dashboard, in clever.com's words."""
    item = next(choice for choice in guide(GuidedStep.IDENTITY_PROVIDER).choices if choice.key == "provider")
    return item.option_label(state.identity_provider) if state.identity_provider else "your district account"


def summary_text(state: OnboardingState, schools: Mapping[str, str] | None = None) -> str:
    """The clever.com onboarding's summary, as plain text to file or forward (the state holds no secret)."""
    form = state.district_form
    lines = [
        "District onboarding summary",
        "",
        f"District: {form.name or 'not recorded'}",
        f"Administrator: {form.admin_name} <{form.admin_email}>",
        f"App: {state.app.app_name or 'not recorded'}",
        "",
        *summary_lines(state, schools),
    ]
    return "\n".join(lines) + "\n"


def summary_lines(state: OnboardingState, schools: Mapping[str, str] | None = None) -> list[str]:
    """The summary's clever.com part: what the wizard did, and what the admin said they did in the dashboard."""
    lines = ["Hub: clever.com (your district's real account)", "", "Done by the wizard:"]
    account = state.sftp
    if account.sent_at:
        sent = datetime.fromtimestamp(account.sent_at).strftime("%m/%d/%Y %H:%M")
        lines.append(
            f"- Roster files sent over SFTP to {account.username}@{account.host}:{account.port} on {sent} "
            f"(host key {account.host_key_fingerprint or 'not recorded'})"
        )
    else:
        lines.append("- Roster files: not sent yet")
    if state.vendor.written:
        lines.append(f"- Vendor import file written to {state.vendor.output_dir}")
    if state.clever.login_check_students >= 0:
        lines.append(
            f"- Login-link check: {state.clever.login_check_students} students, "
            f"{state.clever.login_check_missing} without a login link"
        )
    if state.clever.dashboard_counts:
        counts = ", ".join(f"{count} {kind}" for kind, count in state.clever.dashboard_counts.items())
        lines.append(f"- Counts you read in the dashboard: {counts}")
    lines += ["", "Done by you in the clever.com dashboard (as you told the wizard):"]
    for item in guides():
        said = said_text(state, item.step, schools)
        lines.append(f"- {said}" if said else f"- {item.title}: not ticked as done yet")
    return lines


def clever_sent_text(account: SftpAccount, sent: SentFiles | None = None) -> str:
    """What the Prepare page says once the files are on sftp.clever.com (done by the wizard)."""
    when = datetime.fromtimestamp(account.sent_at).strftime("%m/%d/%Y %H:%M") if account.sent_at else ""
    what = (
        f"✓ Sent {plural(len(sent.names), 'file')} to {sent.target} over SFTP"
        if sent is not None
        else f"✓ Your files were sent to {account.username}@{account.host} over SFTP"
    )
    return (
        f"{what} on {when}. Host key {account.host_key_fingerprint or 'not recorded'}: pinned, so a server "
        "presenting another key is refused. clever.com processes the files about 5 minutes after the last "
        "one; then look at the dashboard's Sync page (and your email) for the result."
    )


def school_lines(ids: Sequence[str]) -> str:
    return "\n".join(ids)
