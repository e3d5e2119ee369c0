"""Where file dialogs open: the folder the admin used last, else their Documents (or home) — never the
program's own folder or the wizard's data folder, which the admin would not find again."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from wizard.state import OnboardingState


def documents_folder() -> Path:
    documents = Path(platformdirs.user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def start_folder(state: OnboardingState) -> Path:
    last = Path(state.last_folder) if state.last_folder else None
    return last if last is not None and last.is_dir() else documents_folder()


class FolderMemory:
    """The same rule for a window without an onboarding state (the support view): the folder used last in this
    session, else Documents."""

    def __init__(self) -> None:
        self.last: Path | None = None

    def start(self, suggested: str = "") -> Path:
        """Where a dialog opens; with `suggested`, that file name in that folder."""
        folder = self.last if self.last is not None and self.last.is_dir() else documents_folder()
        return folder / suggested if suggested else folder

    def remember(self, chosen: Path) -> None:
        self.last = chosen if chosen.is_dir() else chosen.parent


def remember_folder(state: OnboardingState, chosen: Path) -> None:
    """Remember the folder of what the admin chose (the folder itself when they chose one)."""
    folder = chosen if chosen.is_dir() else chosen.parent
    state.last_folder = str(folder)
