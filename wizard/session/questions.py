"""One interface for every question the wizard asks the admin (a confirmation, a file or a folder to choose).

Pages never open a dialog themselves: they ask the context's `Questions`. The GUI answers with dialogs
(`wizard.ui.questions.DialogQuestions`); tests and the screenshot tour answer with `RecordedQuestions`, which
keeps every question asked, so a test asserts what was asked instead of patching a dialog away.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol


class FileKind(StrEnum):
    OPEN_FILE = "open_file"
    OPEN_FILES = "open_files"
    SAVE_FILE = "save_file"
    FOLDER = "folder"


@dataclass(frozen=True)
class Option:
    answer: str
    label: str  # the button's text, with a mnemonic
    role: str = "accept"  # accept | destructive | reject


@dataclass(frozen=True)
class Question:
    """A question with fixed answers. `key` names it for tests and logs; `default` is what closing the dialog
    (Escape) answers, so it must be the safe answer."""

    key: str
    title: str
    text: str
    options: tuple[Option, ...]
    default: str


@dataclass(frozen=True)
class FileQuestion:
    key: str
    kind: FileKind
    title: str
    start: Path  # the folder to open in, or the suggested file for SAVE_FILE
    file_filter: str = ""


class Questions(Protocol):
    def ask(self, question: Question) -> str: ...

    def paths(self, question: FileQuestion) -> list[Path]:
        """What the admin chose: one path (or several for OPEN_FILES); [] when they cancelled."""
        ...


@dataclass
class RecordedQuestions:
    """Answers from what a test set up, and a record of what was asked. An unprepared question is answered
    with its default (the safe answer); an unprepared file question with "cancelled"."""

    answers: dict[str, str] = field(default_factory=dict)
    asked: list[Question | FileQuestion] = field(default_factory=list)
    _paths: dict[str, deque[list[Path]]] = field(default_factory=dict)

    def answer(self, key: str, answer: str) -> None:
        self.answers[key] = answer

    def choose_paths(self, key: str, *choices: Iterable[Path] | Path) -> None:
        """Queue what the next file questions named `key` answer (a path, or several for OPEN_FILES)."""
        queue = self._paths.setdefault(key, deque())
        for choice in choices:
            queue.append([choice] if isinstance(choice, Path) else list(choice))

    def ask(self, question: Question) -> str:
        self.asked.append(question)
        return self.answers.get(question.key, question.default)

    def paths(self, question: FileQuestion) -> list[Path]:
        self.asked.append(question)
        queue = self._paths.get(question.key)
        return queue.popleft() if queue else []

    def asked_keys(self) -> list[str]:
        return [question.key for question in self.asked]
