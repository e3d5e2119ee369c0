"""The hub's email as the onboarding API shows it: what the hub sent (and whether it went), the demo mailbox,
and the teachers' instructions email (preview and sending). Shared by the hub's routes and the client."""

from __future__ import annotations

from pydantic import Field

from wizard.wire.onboarding import Answer, Body


class OutboxEntryOut(Answer):
    """One message the hub queued for the district, and its fate."""

    notice: str = Field(
        description="vendor_question | vendor_accepted | vendor_rejected | upload_on_hold | "
        "sync_failed | teacher_instructions"
    )
    to: list[str]
    subject: str
    queued_at: str
    state: str = Field(description="queued | retrying | sent | failed")
    attempts: int
    error: str = ""


class MailMessageOut(Answer):
    """A message as the demo's mail server received it (plain text)."""

    id: str
    received: str
    sender: str
    to: list[str]
    subject: str
    notice: str
    body: str


class MailOut(Answer):
    sends_to: str = Field(description="the mail server the hub sends through (host:port), or '' when off")
    demo_mailbox: bool = Field(description="true when that server is the demo's own, whose mailbox is below")
    outbox: list[OutboxEntryOut]
    mailbox: list[MailMessageOut]


class TeacherInstructionsIn(Body):
    send: bool = Field(default=False, description="false: only count and preview; true: queue the messages")


class MailPreviewOut(Answer):
    to: str
    subject: str
    body: str


class TeacherInstructionsOut(Answer):
    teachers: int = Field(description="teachers of the shared schools with an email address")
    without_email: int = Field(description="teachers of the shared schools the hub has no email for")
    schools: int
    preview: MailPreviewOut | None = None
    queued: int = 0
