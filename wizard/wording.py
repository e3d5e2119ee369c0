"""Counted nouns for messages: "1 student", "2,000 students" (Qt-free; the GUI has its own tr() plurals)."""

from __future__ import annotations


def counted(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"
