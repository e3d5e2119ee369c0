"""The GUI's answer to `wizard.session.questions.Questions`: a modal dialog per question, over the active window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton, QWidget

from wizard.session.questions import FileKind, FileQuestion, Option, Question

_ROLES = {
    "accept": QMessageBox.ButtonRole.AcceptRole,
    "destructive": QMessageBox.ButtonRole.DestructiveRole,
    "reject": QMessageBox.ButtonRole.RejectRole,
}


class DialogQuestions:
    def __init__(self, parent: QWidget | None = None) -> None:
        self._parent = parent

    def _owner(self) -> QWidget | None:
        return self._parent or QApplication.activeWindow()

    def ask(self, question: Question) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, question.title, question.text, parent=self._owner())
        buttons: dict[QPushButton, Option] = {
            box.addButton(option.label, _ROLES.get(option.role, QMessageBox.ButtonRole.AcceptRole)): option
            for option in question.options
        }
        for button, option in buttons.items():
            if option.answer == question.default:
                box.setDefaultButton(button)
                box.setEscapeButton(button)
        box.exec()
        clicked = box.clickedButton()
        chosen = next((option for button, option in buttons.items() if button is clicked), None)
        return chosen.answer if chosen is not None else question.default

    def paths(self, question: FileQuestion) -> list[Path]:
        owner, start = self._owner(), str(question.start)
        if question.kind is FileKind.OPEN_FILES:
            names, _ = QFileDialog.getOpenFileNames(owner, question.title, start, question.file_filter)
            return [Path(name) for name in names]
        if question.kind is FileKind.OPEN_FILE:
            name, _ = QFileDialog.getOpenFileName(owner, question.title, start, question.file_filter)
        elif question.kind is FileKind.SAVE_FILE:
            name, _ = QFileDialog.getSaveFileName(owner, question.title, start, question.file_filter)
        else:
            name = QFileDialog.getExistingDirectory(owner, question.title, start)
        return [Path(name)] if name else []
