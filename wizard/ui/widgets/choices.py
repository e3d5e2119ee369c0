"""Radio-button choices, each with the sentence that explains it under it (identity, sync, sharing type)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout


def add_choices(
    layout: QVBoxLayout,
    group: QButtonGroup,
    options: Mapping[str, tuple[str, str]],
    tr: Callable[[str], str],
) -> dict[str, tuple[QRadioButton, QLabel]]:
    """One radio button per option value -> (label, explanation), in `group`, its value in the "choice"
    property, with its explanation indented under it; `tr` is the page's translation. Returns value ->
    (button, explanation)."""
    made: dict[str, tuple[QRadioButton, QLabel]] = {}
    for value, (label, explanation) in options.items():
        button = QRadioButton(tr(label))
        button.setProperty("choice", value)
        button.setAccessibleName(tr(label).replace("&", ""))
        button.setAccessibleDescription(tr(explanation))
        note = QLabel(tr(explanation))
        note.setWordWrap(True)
        note.setIndent(24)
        group.addButton(button)
        layout.addWidget(button)
        layout.addWidget(note)
        made[value] = (button, note)
    return made
