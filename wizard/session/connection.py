"""The app connection's story in plain words, Qt-free: each history entry, the milestones, the status."""

from __future__ import annotations

import re

from wizard.hub.models import HistoryEvent
from wizard.session.text import when

# How each kind of history entry reads. The hub's own note on an entry is shown only where it carries words
# someone wrote (a question, an answer, the vendor's message); for the rest the wizard says it in plain words.
HISTORY_WORDS: dict[str, str] = {
    "added": "You added {app}.",
    "authorized": "You authorized {app} to see: {scopes}.",
    "asked": "The vendor asked: “{message}”",
    "replied": "You answered: “{message}”",
    "message": "You wrote: “{message}”",
    "accepted": "The vendor accepted the connection.",
    "accepted_with_message": "The vendor accepted the connection: “{message}”",
    "rejected": "The vendor declined: “{message}”",
    "sharing_saved": "You chose what {app} may see.",
    "launched": "You set the launch date: {date}.",
}
DEFAULT_HUB_NOTES = frozenset({"The vendor accepted the connection.", "The vendor rejected the connection."})
ACTORS = {"district": "You", "vendor": "The vendor", "hub": "The hub"}
PENDING_AUTHORIZATION = "pending_district_authorization"
CONNECTED = "connected"
REJECTED = "rejected"
# The three milestones of the timeline, and the statuses at which each is reached.
MILESTONES: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "Requested",
        frozenset(
            {PENDING_AUTHORIZATION, "pending_vendor_acceptance", "vendor_requested_info", CONNECTED, REJECTED}
        ),
    ),
    (
        "Authorized by you",
        frozenset({"pending_vendor_acceptance", "vendor_requested_info", CONNECTED, REJECTED}),
    ),
    ("Accepted by the vendor", frozenset({CONNECTED})),
)
AWAITING_IMPORT = (
    "The vendor asks whether your students are imported into the app. The import file is not written yet: "
    "click Next to make it on the “Vendor roster import” step, where you can tell the vendor once it is "
    "imported."
)
IMPORT_WRITTEN = (
    "The vendor asks whether your students are imported. Your import file is written: import it in the "
    "vendor's admin panel, then tell the vendor on the “Vendor roster import” step, or answer below."
)
STATUS_WORDS: dict[str, str] = {
    PENDING_AUTHORIZATION: "Added — authorize it to send the request to the vendor.",
    "pending_vendor_acceptance": "Waiting for the vendor to accept. You can close the wizard; it picks up here.",
    "vendor_requested_info": "The vendor has a question for you — answer it below.",
    CONNECTED: "The vendor accepted. Go on to decide what the app may see.",
    REJECTED: "The vendor declined the connection. Read their message below, then authorize again or contact them.",
}


def history_sentence(event: HistoryEvent, app: str, scopes: str) -> str:
    """One history entry as a sentence: who did what, in plain words."""
    action: str = event.action
    if action == "accepted" and event.message and event.message not in DEFAULT_HUB_NOTES:
        action = "accepted_with_message"
    template = HISTORY_WORDS.get(action)
    if template is None:
        actor = ACTORS.get(event.actor, event.actor)
        return f"{actor}: {event.message}" if event.message else f"{actor}: {event.action}"
    date = re.search(r"\d{4}-\d{2}-\d{2}", event.message or "")
    return template.format(
        app=app, message=event.message or "", scopes=scopes, date=when(date.group(0)) if date else "set"
    )


def status_words(status: str, *, awaits_import: bool, written: bool) -> str:
    if awaits_import:
        return IMPORT_WRITTEN if written else AWAITING_IMPORT
    return STATUS_WORDS.get(status, status)
