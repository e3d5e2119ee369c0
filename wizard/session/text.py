"""Small text helpers shared by the pages (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def when(iso: str | None, *, never: str = "never") -> str:
    """A hub timestamp (ISO 8601, UTC) as local time a person reads at a glance: “Nov 22, 2026, 20:45”."""
    if not iso:
        return never
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    if len(iso) <= 10:  # a date without time
        return moment.strftime("%b %-d, %Y")
    return moment.strftime("%b %-d, %Y, %H:%M")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


@dataclass(frozen=True)
class Note:
    """A sentence a page shows, and its tone (the style's okNote or warnNote; "" for plain)."""

    text: str
    tone: str
