"""“Sign in as this student”: rehearse Instant Login before launch, from a search box of the shared students.

The widget is layout and signals only: the page hands it the students, runs the rehearsal off the GUI thread
(`rehearse` is the page's hook, which calls the Qt-free `WizardContext.rehearse_login` in a Worker) and gives
the outcome back to `show_outcome`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from wizard.ui.widgets.look import set_tone

if TYPE_CHECKING:
    from wizard.support.rehearsal import RehearsalOutcome


@dataclass(frozen=True)
class Pick:
    """A student the search box offers: how it is listed, their name and SIS id, and the page's own record."""

    label: str
    name: str
    sis_id: str
    item: object


def student_pick(name: str, school: str, grade: str | None, sis_id: str, item: object) -> Pick:
    return Pick(f"{name} — {school}, grade {grade or '?'} ({sis_id})", name, sis_id, item)


class LoginRehearsal(QGroupBox):
    """A search box over the shared students, the roster the simulated vendor app holds, and the outcome."""

    def __init__(
        self,
        rehearse: Callable[[Pick, Path], None],
        choose_roster: Callable[[], Path | None] | None = None,
    ) -> None:
        """`choose_roster` None: the roster is the caller's to set (`set_roster`); no button to pick one."""
        super().__init__()
        self.setTitle(self.tr("Rehearse Instant Login before launch"))
        self._rehearse = rehearse
        self._choose_roster = choose_roster
        self._students: dict[str, Pick] = {}  # label -> student
        self.roster_path: Path | None = None

        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        search_label = QLabel(self.tr("S&tudent"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Type part of a shared student's name or SIS id"))
        self.search.setAccessibleName(self.tr("Search the shared students to sign in as"))
        search_label.setBuddy(self.search)
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        self.search.setCompleter(completer)
        self.sign_in_button = QPushButton(self.tr("Sign in as t&his student"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in as this student through the app"))
        self.sign_in_button.setEnabled(False)
        row.addWidget(search_label)
        row.addWidget(self.search, 1)
        row.addWidget(self.sign_in_button)
        layout.addLayout(row)

        roster_row = QHBoxLayout()
        self.roster_note = QLabel()
        self.roster_note.setWordWrap(True)
        self.roster_note.setAccessibleName(self.tr("The vendor roster the rehearsal uses"))
        self.roster_button = QPushButton(self.tr("Use another vendor &roster…"))
        self.roster_button.setAccessibleName(self.tr("Choose the vendor roster export for the rehearsal"))
        roster_row.addWidget(self.roster_note, 1)
        roster_row.addWidget(self.roster_button, 0, Qt.AlignmentFlag.AlignTop)
        self.roster_button.setVisible(choose_roster is not None)
        layout.addLayout(roster_row)

        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.setAccessibleName(self.tr("What the app did with the sign-in"))
        self.outcome.hide()
        layout.addWidget(self.outcome)

        self.search.textChanged.connect(self._enable)
        self.search.returnPressed.connect(self.sign_in)
        completer.activated.connect(lambda _text: self._enable())
        self.sign_in_button.clicked.connect(self.sign_in)
        self.roster_button.clicked.connect(self._pick_roster)
        self.set_roster(None, "")

    # --- inputs ----------------------------------------------------------------------------------------------
    def set_students(self, students: list[Pick]) -> None:
        self._students = {s.label: s for s in students}
        self._names.setStringList(list(self._students))
        self._enable()

    def set_roster(self, path: Path | None, what: str, missing: str = "") -> None:
        """The vendor roster the simulated app will hold (`what` says which roster it is, in words; `missing`
        what to do when there is none)."""
        self.roster_path = path
        if path is None:
            self.roster_note.setText(
                missing
                or self.tr(
                    "The rehearsal's app needs the vendor's roster: choose their roster export (with the "
                    "usernames and ExternalIDs)."
                )
            )
        else:
            self.roster_note.setText(self.tr("The app signs students in against {what}.").format(what=what))
        self._enable()

    def chosen_student(self) -> Pick | None:
        """The student picked from the list, or the only one whose label contains what was typed."""
        typed = self.search.text().strip()
        if not typed:
            return None
        if typed in self._students:
            return self._students[typed]
        folded = typed.casefold()
        exact = [s for s in self._students.values() if s.sis_id == typed]
        if exact:
            return exact[0]
        matches = [s for label, s in self._students.items() if folded in label.casefold()]
        return matches[0] if len(matches) == 1 else None

    def _enable(self) -> None:
        self.sign_in_button.setEnabled(bool(self.search.text().strip()) and self.roster_path is not None)

    def _pick_roster(self) -> None:
        path = self._choose_roster() if self._choose_roster is not None else None
        if path is not None:
            self.set_roster(path, self.tr("the vendor's roster export {name}").format(name=path.name))

    # --- the rehearsal -----------------------------------------------------------------------------------------
    def sign_in(self) -> None:
        if self.roster_path is None:
            return
        student = self.chosen_student()
        if student is None:
            self._show(
                self.tr(
                    "No shared student matches “{typed}”: type part of a name or a SIS id and pick one from "
                    "the list."
                ).format(typed=self.search.text().strip()),
                "warnNote",
            )
            return
        self.search.setText(student.label)
        self.outcome.hide()
        self._rehearse(student, self.roster_path)

    def show_outcome(self, student: Pick, outcome: RehearsalOutcome) -> None:
        if outcome.signed_in:
            text = self.tr("✓ {student}: {headline}").format(student=student.name, headline=outcome.headline)
            if outcome.account_name:
                text += " " + self.tr("The vendor knows that account as {name}.").format(
                    name=outcome.account_name
                )
            self._show(text, "okNote")
            return
        text = f"✗ {student.name}: {outcome.headline}"
        if outcome.what_to_do:
            text += " " + self.tr("What to do: {what}").format(what=outcome.what_to_do)
        self._show(text, "warnNote")

    def _show(self, text: str, tone: str) -> None:
        self.outcome.setText(text)
        set_tone(self.outcome, tone)
        self.outcome.show()
