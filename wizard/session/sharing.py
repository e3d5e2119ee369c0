"""The sharing step's words and rules, Qt-free: the five sharing types, rule fields, and when saving locks the type."""

from __future__ import annotations

from wizard.session.questions import Option, Question
from wizard.session.text import Note
from wizard.state import OnboardingState
from wizard.wire.vocab import ConnectionStatus

SHARING_TYPES: dict[str, tuple[str, str]] = {
    "district": ("&Whole district", "Everything in your roster: every school, section, teacher and student."),
    "schools": ("&Schools", "Everything in the schools you pick, including new sections added there later."),
    "sections": ("S&ections", "Only the sections you pick, with their teachers and students."),
    "rules": ("R&ules", "Only the records that match your rules, e.g. students in grades 3 to 5."),
    "school_site": (
        "School si&te licenses",
        "The schools you pick, where each school's own admin has opted in to the app.",
    ),
}
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "student": ("grade", "school_name", "sis_id", "email", "first_name", "last_name", "gender"),
    "teacher": ("school_name", "title", "email", "sis_id", "first_name", "last_name"),
    "section": ("subject", "grade", "school_name", "course_name", "term_name", "name", "sis_id"),
    "school": ("name", "low_grade", "high_grade", "sis_id", "school_number"),
}
RULE_OPS: dict[str, str] = {"is": "is", "is_not": "is not", "contains": "contains"}
# What can still change once the vendor has confirmed a sharing type.
STILL_CHANGEABLE: dict[str, str] = {
    "schools": "You can still add or remove schools.",
    "school_site": "You can still add or remove schools.",
    "sections": "You can still add or remove sections.",
    "rules": "You can still change the rules.",
}
LOCK_QUESTION = "lock-sharing-type"
SAVE_AND_LOCK, NOT_YET = "save", "not_yet"
CONNECTED = ConnectionStatus.CONNECTED
REJECTED = ConnectionStatus.REJECTED


def vendor_moved_note(status: str, app_name: str, *, saved: bool) -> Note:
    """What the Sharing page says when the vendor acts while it is shown."""
    app = app_name or "the app"
    if status == CONNECTED:
        return Note(
            f"✓ The vendor of {app} has accepted the connection. "
            + (
                "The sharing type you saved is now confirmed and stays as it is."
                if saved
                else "Saving now fixes the sharing type for good; the wizard asks before it does."
            ),
            "okNote",
        )
    if status == REJECTED:
        return Note(
            f"The vendor of {app} has declined the connection: go back to “Add and authorize the app” to see "
            "why.",
            "warnNote",
        )
    return Note("", "okNote")


def save_locks_type(state: OnboardingState, locked_type: str) -> bool:
    """The vendor has accepted and the type is not locked yet: saving now fixes the type for good."""
    return not locked_type and state.app.connection_status == CONNECTED


def type_label(sharing_type: str) -> str:
    return SHARING_TYPES.get(sharing_type, (sharing_type, ""))[0].replace("&", "")


def lock_note(locked_type: str) -> str:
    """Said here rather than in the hub's words, so the note names what this type still lets you change."""
    return (
        f"Locked to “{type_label(locked_type)}”: the vendor has confirmed this sharing, so its type stays. "
        f"{STILL_CHANGEABLE.get(locked_type, '')}"
    ).strip()


def lock_question(sharing_type: str) -> Question:
    return Question(
        LOCK_QUESTION,
        "Lock the sharing type?",
        (
            "The vendor has accepted the connection, so once you save, the sharing type stays "
            f"“{type_label(sharing_type)}” for good. {STILL_CHANGEABLE.get(sharing_type, '')}"
        ).strip(),
        (Option(SAVE_AND_LOCK, "&Save and lock the type"), Option(NOT_YET, "&Not yet", "reject")),
        default=NOT_YET,
    )
