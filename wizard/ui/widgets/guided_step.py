"""One guided clever.com dashboard step: the steps in plain words, a button that opens the dashboard page, what
the admin chose there, what to check, and the Done box they tick. Layout only: the page records the choices
through `wizard.session.clever` and gives back the words."""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.session.clever import Choice, ChoiceKind, Guide
from wizard.state import GuidedRecord
from wizard.ui.widgets.look import set_tone

ChoiceWidget = QLineEdit | QComboBox | QDateEdit | QListWidget | QPlainTextEdit


class GuidedStepBox(QGroupBox):
    choice_changed = Signal(str, str)  # choice key, value
    done_toggled = Signal(bool)
    open_requested = Signal(str)  # the dashboard page's address

    def __init__(self, guide: Guide, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guide = guide
        self._loading = False
        self.setObjectName("guidedStep")
        self.setTitle(self.tr(guide.title))
        self.setAccessibleName(self.tr("Guided dashboard step: {title}").format(title=guide.title))
        layout = QVBoxLayout(self)
        steps = QLabel(
            "<ol style='margin-left:-20px'>"
            + "".join(f"<li>{html.escape(self.tr(step))}</li>" for step in guide.steps)
            + "</ol>"
        )
        steps.setWordWrap(True)
        steps.setAccessibleName(self.tr("Steps in the clever.com dashboard"))
        layout.addWidget(steps)
        open_row = QHBoxLayout()
        self.open_button = QPushButton(self.tr(guide.open_label) + " ↗")
        self.open_button.setAccessibleName(self.tr(guide.open_label))
        self.open_button.setToolTip(guide.dashboard)
        self.open_button.clicked.connect(lambda: self.open_requested.emit(guide.dashboard))
        address = QLabel(guide.dashboard)
        address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        address.setAccessibleName(self.tr("Dashboard page address"))
        open_row.addWidget(self.open_button)
        open_row.addWidget(address, 1)
        layout.addLayout(open_row)

        self.inputs: dict[str, ChoiceWidget] = {}
        if guide.choices:
            form = QFormLayout()
            for choice in guide.choices:
                widget = self._input(choice)
                self.inputs[choice.key] = widget
                label = QLabel(self.tr(choice.label) + ("" if choice.required else self.tr(" (optional)")))
                label.setBuddy(widget)
                form.addRow(label, widget)
            layout.addLayout(form)
        self.check = QLabel()
        self.check.setWordWrap(True)
        self.check.setAccessibleName(self.tr("What to check in the dashboard"))
        layout.addWidget(self.check)
        self.done = QCheckBox(self.tr(guide.done_label))
        self.done.setAccessibleName(self.tr(guide.done_label))
        self.done.toggled.connect(lambda on: None if self._loading else self.done_toggled.emit(on))
        layout.addWidget(self.done)
        self.said = QLabel()
        self.said.setWordWrap(True)
        self.said.setAccessibleName(self.tr("What you told the wizard"))
        layout.addWidget(self.said)

    def _input(self, choice: Choice) -> ChoiceWidget:
        name = self.tr(choice.label)
        if choice.kind is ChoiceKind.CHOICE:
            combo = QComboBox()
            combo.setPlaceholderText(self.tr("Choose…"))
            for value, label in choice.options:
                combo.addItem(self.tr(label), value)
            combo.setCurrentIndex(-1)
            combo.setAccessibleName(name)
            combo.currentIndexChanged.connect(
                lambda _i, key=choice.key, box=combo: self._emit(key, str(box.currentData() or ""))
            )
            return combo
        if choice.kind is ChoiceKind.DATE:
            edit = QDateEdit()
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("MM/dd/yyyy")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(
                lambda value, key=choice.key: self._emit(key, value.toString("yyyy-MM-dd"))
            )
            return edit
        if choice.kind is ChoiceKind.SCHOOLS:
            schools = QListWidget()
            schools.setAccessibleName(name)
            schools.setMaximumHeight(110)
            schools.itemChanged.connect(lambda _item, key=choice.key: self._emit(key, self._checked_ids()))
            return schools
        if choice.kind is ChoiceKind.LINES:
            lines = QPlainTextEdit()
            lines.setAccessibleName(name)
            lines.setMaximumHeight(64)
            lines.setTabChangesFocus(True)
            lines.textChanged.connect(lambda key=choice.key, box=lines: self._emit(key, box.toPlainText()))
            return lines
        line = QLineEdit()
        line.setAccessibleName(name)
        line.setPlaceholderText(choice.placeholder)
        line.textChanged.connect(lambda text, key=choice.key: self._emit(key, text))
        return line

    def _emit(self, key: str, value: str) -> None:
        if not self._loading:
            self.choice_changed.emit(key, value)

    def _checked_ids(self) -> str:
        schools = next((w for w in self.inputs.values() if isinstance(w, QListWidget)), None)
        if schools is None:
            return ""
        return "\n".join(
            str(item.data(Qt.ItemDataRole.UserRole))
            for item in (schools.item(row) for row in range(schools.count()))
            if item is not None and item.checkState() == Qt.CheckState.Checked
        )

    # --- showing what is recorded --------------------------------------------------------------------------
    def show_record(self, record: GuidedRecord, schools: Mapping[str, str]) -> None:
        """Fill the inputs from the record (without echoing them back as changes)."""
        self._loading = True
        try:
            for key, widget in self.inputs.items():
                value = record.choices.get(key, "")
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(widget.findData(value) if value else -1)
                elif isinstance(widget, QDateEdit):
                    chosen = date.fromisoformat(value) if value else date.today() + timedelta(days=7)
                    widget.setDate(QDate(chosen.year, chosen.month, chosen.day))
                elif isinstance(widget, QListWidget):
                    widget.clear()
                    ticked = set(value.splitlines())
                    for school_id, name in schools.items():
                        item = QListWidgetItem(f"{name} ({school_id})")
                        item.setData(Qt.ItemDataRole.UserRole, school_id)
                        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                        item.setCheckState(
                            Qt.CheckState.Checked if school_id in ticked else Qt.CheckState.Unchecked
                        )
                        widget.addItem(item)
                    if not schools:
                        widget.addItem(
                            self.tr("Prepare your roster files first: their schools are listed here.")
                        )
                elif isinstance(widget, QPlainTextEdit):
                    if widget.toPlainText() != value:
                        widget.setPlainText(value)
                elif widget.text() != value:
                    widget.setText(value)
            self.done.setChecked(record.done)
        finally:
            self._loading = False

    def unrecorded_dates(self, record: GuidedRecord) -> dict[str, str]:
        """Dates shown but not recorded yet (a date box always shows one): key -> ISO date."""
        return {
            key: widget.date().toString("yyyy-MM-dd")
            for key, widget in self.inputs.items()
            if isinstance(widget, QDateEdit) and not record.choices.get(key)
        }

    def show_words(self, check: str, said: str, missing: list[str]) -> None:
        self.check.setText(self.tr("What to check there: {check}").format(check=check))
        if said:
            self.said.setText("✓ " + said)
            set_tone(self.said, "okNote")
        elif missing:
            self.said.setText(
                self.tr("To tick Done, fill in: {missing}.").format(missing="; ".join(missing).lower())
            )
            set_tone(self.said, "warnNote")
        else:
            self.said.setText(self.tr("Not done yet: tick Done once you did this in the dashboard."))
            set_tone(self.said, "")
        self._loading = True
        self.done.setChecked(bool(said))
        self._loading = False
