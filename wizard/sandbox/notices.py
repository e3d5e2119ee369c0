"""What the hub emails, in plain words, and when: a vendor's question, acceptance or rejection, an upload put
on hold, a failed roster sync, and the rollout instructions for teachers.

Each message names the step of the District Onboarding Wizard where the admin acts (the wizard's own page
titles) and the district id; none carries a token, a password or a secret of any kind. Composing a message
only queues it on the hub's mailer (`wizard.sandbox.mail`): a request never waits for a mail server.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from wizard.sandbox.deps import HubContext
from wizard.sandbox.mail import OutgoingMail
from wizard.sandbox.store import app_row, district_row
from wizard.wire.vocab import ConnectionStatus


class Notice(StrEnum):
    VENDOR_QUESTION = "vendor_question"
    VENDOR_ACCEPTED = "vendor_accepted"
    VENDOR_REJECTED = "vendor_rejected"
    UPLOAD_ON_HOLD = "upload_on_hold"
    SYNC_FAILED = "sync_failed"
    TEACHER_INSTRUCTIONS = "teacher_instructions"


# The wizard's steps, by their titles (tests hold them to wizard.flow.PAGE_TITLES).
STEP_PREPARE = "Prepare roster files"
STEP_ADD_APP = "Add and authorize the app"
STEP_SHARING = "Sharing permissions"

FOOTER = (
    "\n\n--\nSent by the district hub to the district's administrator. This message never contains a "
    "password or a sign-in token; if a message asks you for one, do not answer it."
)
PROVIDERS = {
    "clever_passwords": "your hub username and password",
    "google": "your Google account",
    "microsoft": "your Microsoft account",
    "saml": "your district account",
    "badges": "your badge",
}


def _where(step: str) -> str:
    return (
        f"Where: open the District Onboarding Wizard and choose “Resume where I left off”; the step "
        f"“{step}” is where you act."
    )


def _queue(context: HubContext, mail: OutgoingMail) -> None:
    if context.mailer is not None:
        context.mailer.send(mail)


def _admin(conn: sqlite3.Connection, district_id: str) -> sqlite3.Row | None:
    return district_row(conn, district_id)


def connection_changed(context: HubContext, conn: sqlite3.Connection, row: sqlite3.Row, before: str) -> None:
    """Tell the district's admin when the vendor asked something, accepted or rejected (`before` is the
    connection's status before the vendor's move)."""
    status = row["status"]
    if status == before or context.mailer is None:
        return
    district = _admin(conn, row["district_id"])
    app = app_row(conn, row["app_id"])
    if district is None:
        return
    app_name = app["name"] if app else row["app_id"]
    hello = f"Hello {district['admin_name']},\n\n"
    ids = f"\n\nDistrict: {district['name']} (district id {district['id']}). App: {app_name}."
    if status == ConnectionStatus.VENDOR_REQUESTED_INFO:
        notice, subject = Notice.VENDOR_QUESTION, f"{app_name} asks a question before accepting"
        body = (
            f"{app_name}'s vendor asked a question about {district['name']}'s connection, and waits for "
            f"your answer before accepting it:\n\n    {row['open_question']}\n\n"
            f"What to do: answer the question. {_where(STEP_ADD_APP)}"
        )
    elif status == ConnectionStatus.CONNECTED:
        notice, subject = Notice.VENDOR_ACCEPTED, f"{app_name} accepted your connection"
        body = (
            f"{app_name}'s vendor accepted {district['name']}'s connection. The sharing type you saved is "
            "now confirmed (you may still add schools or sections).\n\n"
            f"What to do next: choose or check what is shared, then validate and roll out. {_where(STEP_SHARING)}"
        )
    elif status == ConnectionStatus.REJECTED:
        notice, subject = Notice.VENDOR_REJECTED, f"{app_name} rejected your connection"
        body = (
            f"{app_name}'s vendor rejected {district['name']}'s connection. Their message is in the "
            "connection's history.\n\n"
            f"What to do: read it and contact the vendor. {_where(STEP_ADD_APP)}"
        )
    else:
        return
    _queue(
        context,
        OutgoingMail(
            district["id"], notice, (district["admin_email"],), subject, hello + body + ids + FOOTER
        ),
    )


def upload_finished(
    context: HubContext,
    conn: sqlite3.Connection,
    district_id: str,
    upload_id: str,
    on_hold: bool,
    result: Mapping[str, Any],
    hold_reason: str | None,
) -> None:
    """Tell the district's admin that an upload waits for approval, or that a roster sync failed."""
    if context.mailer is None:
        return
    district = _admin(conn, district_id)
    if district is None:
        return
    source_row = conn.execute("SELECT source FROM uploads WHERE id = ?", (upload_id,)).fetchone()
    over_sftp = source_row is not None and source_row["source"] == "sftp"
    how = "the roster files sent over SFTP" if over_sftp else "the roster upload"
    hello = f"Hello {district['admin_name']},\n\n"
    ids = f"\n\nDistrict: {district['name']} (district id {district['id']}). Upload {upload_id}."
    if on_hold:
        notice, subject = Notice.UPLOAD_ON_HOLD, "Your roster upload is on hold"
        body = (
            f"The hub put {how} on hold instead of applying it. {hold_reason or ''}\n\n"
            f"What to do: check what it would add, update and remove, then approve it (or upload a corrected "
            f"roster). {_where(STEP_PREPARE)}"
        )
    else:
        errors = list(result.get("errors") or [])
        count = int(result.get("error_count") or len(errors))
        listed = "\n".join(_error_line(e) for e in errors[:5])
        notice, subject = Notice.SYNC_FAILED, "Your roster sync failed"
        body = (
            f"The hub could not apply {how}: {count} error{'s' if count != 1 else ''}, so nothing changed in "
            f"your district's roster.\n{listed}\n\n"
            f"What to do: fix the files and send them again. {_where(STEP_PREPARE)}"
        )
    _queue(
        context,
        OutgoingMail(
            district["id"], notice, (district["admin_email"],), subject, hello + body + ids + FOOTER
        ),
    )


def _error_line(error: Mapping[str, Any]) -> str:
    where = str(error.get("file") or "the upload")
    row = f" row {error['row']}" if error.get("row") else ""
    return f"  - {where}{row}: {error.get('message') or ''}"


def _spoken_date(iso_date: str) -> str:
    try:
        return date.fromisoformat(iso_date).strftime("%B %-d, %Y")
    except ValueError:
        return iso_date


def teacher_instructions(
    district: sqlite3.Row,
    app_name: str,
    teacher: Mapping[str, Any],
    school_name: str,
    portal_url: str,
    launch_date: str | None,
) -> OutgoingMail:
    """The rollout instructions for one teacher: how their students reach the app, and whom to ask."""
    name = teacher.get("name") or {}
    who = f"{name.get('first') or ''} {name.get('last') or ''}".strip() or "teacher"
    provider = PROVIDERS.get(str(district["sso_provider"] or ""), "your district account")
    when = f"from {_spoken_date(launch_date)}" if launch_date else "from the launch date your district sets"
    body = (
        f"Hello {who},\n\n"
        f"{district['name']} is rolling out {app_name} at {school_name}, {when}. Your students need nothing "
        f"new to sign in:\n\n"
        f"  1. Open {portal_url} in the browser.\n"
        f"  2. Choose {district['name']} and sign in with {provider}.\n"
        f"  3. Click the {app_name} icon on the portal page: they are signed straight in, and an existing "
        f"account keeps its settings and progress.\n\n"
        f"You sign in the same way to see your classes. A student who does not see the icon, or lands in the "
        f"wrong account: tell {district['admin_name']} ({district['admin_email']}), who checks it in the "
        f"District Onboarding Wizard (step “Roll out”, “Sign in as this student”)."
        "\n\n--\nSent by the district hub for your district's administrator. This message never contains a "
        "password or a sign-in token; if a message asks you for one, do not answer it."
    )
    return OutgoingMail(
        district["id"],
        Notice.TEACHER_INSTRUCTIONS,
        (str(teacher.get("email") or ""),),
        f"How your students sign in to {app_name}",
        body,
    )
