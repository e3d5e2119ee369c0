"""The Prepare roster page's inputs: the list of SIS exports (files, folders and zips can be dropped on it) and
the buttons beside it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class DropList(QListWidget):
    """The chosen inputs; files, folders and zips can be dropped on it."""

    def __init__(self, on_drop: Callable[[list[Path]], None]) -> None:
        super().__init__()
        self._on_drop = on_drop
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self._on_drop(paths)
            event.acceptProposedAction()


class InputFiles(QWidget):
    """The inputs list (`inputs`, dropped paths go to `on_drop`) and its buttons: add files, add a folder,
    remove, check, demo files."""

    def __init__(self, on_drop: Callable[[list[Path]], None]) -> None:
        super().__init__()
        inputs_row = QHBoxLayout(self)
        inputs_row.setContentsMargins(0, 0, 0, 0)
        self.inputs = DropList(on_drop)
        self.inputs.setAccessibleName(self.tr("Input files, folders and zips"))
        self.inputs.setToolTip(self.tr("Drop SIS export files, folders or zips here"))
        self.inputs.setMaximumHeight(84)
        buttons = QVBoxLayout()
        self.add_files_button = QPushButton(self.tr("Add &files…"))
        self.add_folder_button = QPushButton(self.tr("Add f&older…"))
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.check_button = QPushButton(self.tr("&Check files"))
        self.demo_button = QPushButton(self.tr("Use &demo files"))
        self.demo_button.setToolTip(
            self.tr("No exports at hand? Try the wizard with a demo district's files.")
        )
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.remove_button,
            self.check_button,
            self.demo_button,
        ):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            buttons.addWidget(button)
        inputs_column = QVBoxLayout()
        drop_label = QLabel(self.tr("&Your SIS exports (drop files, folders or zips here):"))
        drop_label.setBuddy(self.inputs)
        inputs_column.addWidget(drop_label)
        inputs_column.addWidget(self.inputs)
        inputs_row.addLayout(inputs_column, 1)
        inputs_row.addLayout(buttons)
