"""Recorded questions answer what a test prepared (else the safe default); dialogs open where the admin was."""

from __future__ import annotations

from pathlib import Path

from wizard.session.folders import documents_folder, remember_folder, start_folder
from wizard.session.questions import FileKind, FileQuestion, Option, Question, RecordedQuestions
from wizard.state import OnboardingState

QUESTION = Question("q", "Title", "Text?", (Option("yes", "&Yes"), Option("no", "&No", "reject")), "no")


def test_unprepared_questions_get_the_safe_answer_and_are_recorded() -> None:
    questions = RecordedQuestions()
    assert questions.ask(QUESTION) == "no"
    questions.answer("q", "yes")
    assert questions.ask(QUESTION) == "yes"
    assert questions.asked_keys() == ["q", "q"]


def test_file_questions_answer_in_order_then_cancel(tmp_path: Path) -> None:
    questions = RecordedQuestions()
    asked = FileQuestion("f", FileKind.OPEN_FILES, "Pick", tmp_path)
    questions.choose_paths("f", [tmp_path / "a", tmp_path / "b"], tmp_path / "c")
    assert questions.paths(asked) == [tmp_path / "a", tmp_path / "b"]
    assert questions.paths(asked) == [tmp_path / "c"]
    assert questions.paths(asked) == []


def test_dialogs_open_in_the_last_folder_else_documents(tmp_path: Path) -> None:
    state = OnboardingState()
    assert start_folder(state) == documents_folder()
    (tmp_path / "exports").mkdir()
    remember_folder(state, tmp_path / "exports" / "students.csv")
    assert start_folder(state) == tmp_path / "exports"
    remember_folder(state, tmp_path / "gone" / "x.csv")
    assert start_folder(state) == documents_folder()  # a folder that no longer exists is not offered
