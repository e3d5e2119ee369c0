"""The district's email: what the hub sent it (and whether it went), the demo mailbox, and the rollout
instructions for the teachers of the shared schools (count and preview, then queued for sending)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District
from wizard.sandbox.mail import StoredMail
from wizard.sandbox.notices import teacher_instructions
from wizard.sandbox.routes.common import shared_records
from wizard.sandbox.store import app_row, district_row, iso
from wizard.wire.mail import (
    MailMessageOut,
    MailOut,
    MailPreviewOut,
    OutboxEntryOut,
    TeacherInstructionsIn,
    TeacherInstructionsOut,
)

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["mail"])


def _message(stored: StoredMail) -> MailMessageOut:
    return MailMessageOut(
        id=stored.id,
        received=iso(stored.received),
        sender=stored.sender,
        to=list(stored.to),
        subject=stored.subject,
        notice=stored.notice,
        body=stored.body,
    )


@router.get("/districts/{district_id}/mail")
def district_mail(district_id: District, context: Context) -> MailOut:
    """The messages the hub queued for this district (newest first, with their fate) and, when the hub
    sends to the demo's own mail server, the messages that server received about this district."""
    mailer, mailbox = context.mailer, context.mailbox
    outbox = [
        OutboxEntryOut(
            notice=entry.notice,
            to=list(entry.to),
            subject=entry.subject,
            queued_at=iso(entry.queued_at),
            state=entry.state,
            attempts=entry.attempts,
            error=entry.error,
        )
        for entry in (mailer.outbox(district_id) if mailer is not None else [])
    ]
    received = mailbox.messages(district_id) if mailbox is not None else []
    return MailOut(
        sends_to=mailer.settings.address if mailer is not None else "",
        demo_mailbox=mailbox is not None,
        outbox=outbox,
        mailbox=[_message(m) for m in received],
    )


@router.post("/districts/{district_id}/connections/{connection_id}/teacher-instructions")
def teacher_instructions_email(
    district_id: District,
    connection_id: str,
    body: TeacherInstructionsIn,
    request: Request,
    context: Context,
) -> TeacherInstructionsOut:
    """Email each teacher the app shares (so the teachers of the shared schools or sections) how their
    students sign in; `send: false` only counts them and renders one message."""
    if body.send and context.mailer is None:
        raise ApiError(
            409,
            "mail_off",
            "This hub sends no email, so the instructions were not sent.",
        )
    portal_url = str(request.base_url).rstrip("/")
    with context.db.transaction() as conn:
        row, roster, ids = shared_records(conn, context, district_id, connection_id)
        district = district_row(conn, district_id)
        app = app_row(conn, row["app_id"])
    assert district is not None
    app_name = app["name"] if app else row["app_id"]
    schools = roster.records["schools"]
    teachers = sorted(
        (
            roster.records["teachers"][i]
            for i in ids.get("teachers", set())
            if i in roster.records["teachers"]
        ),
        key=lambda t: (str((t.get("name") or {}).get("last") or ""), str(t["id"])),
    )
    with_email = [t for t in teachers if t.get("email")]
    school_ids = {str(t["roles"]["teacher"].get("school") or "") for t in teachers}
    messages = [
        teacher_instructions(
            district,
            app_name,
            teacher,
            str(
                (schools.get(str(teacher["roles"]["teacher"].get("school") or "")) or {}).get("name")
                or "your school"
            ),
            portal_url,
            row["launch_date"],
        )
        for teacher in with_email
    ]
    queued = 0
    if body.send and context.mailer is not None:  # queued: the answer never waits for the mail server
        queued = sum(1 for message in messages if context.mailer.send(message) is not None)
    preview = (
        MailPreviewOut(to=messages[0].to[0], subject=messages[0].subject, body=messages[0].body)
        if messages
        else None
    )
    return TeacherInstructionsOut(
        teachers=len(with_email),
        without_email=len(teachers) - len(with_email),
        schools=len(school_ids - {""}),
        preview=preview,
        queued=queued,
    )
