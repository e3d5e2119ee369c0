"""The About dialog: the version, where the data folder and the log are (with buttons to open them), and the
licences of the components the program is built from. Layout only: the facts come from `wizard.about`."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.about import PRODUCT, About, about
from wizard.ui.style import app_icon

SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, facts: About | None = None) -> None:
        super().__init__(parent)
        self.facts = facts or about()
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About {product}").format(product=PRODUCT))
        self.setWindowIcon(app_icon())
        layout = QVBoxLayout(self)

        header = QHBoxLayout()
        icon = QLabel()
        size = self.fontMetrics().height() * 4
        icon.setPixmap(app_icon().pixmap(size, size))
        icon.setAccessibleName(self.tr("Program icon"))
        title = QLabel(
            f"<span style='font-size:15pt; font-weight:600'>{PRODUCT}</span><br>"
            + self.tr("Version {version}").format(version=self.facts.version)
        )
        title.setObjectName("aboutTitle")
        title.setTextInteractionFlags(SELECTABLE)
        header.addWidget(icon)
        header.addWidget(title, 1)
        layout.addLayout(header)

        places = QGridLayout()
        self.data_folder = self._place(
            places, 0, self.tr("Data folder:"), self.facts.data_folder, self.tr("Open the &data folder")
        )
        self.log_file = self._place(
            places, 1, self.tr("Log file:"), self.facts.log_file, self.tr("Open the &log folder")
        )
        layout.addLayout(places)

        licences = QLabel(self.tr("&Components and their licences:"))
        self.components = QTableWidget(len(self.facts.components), 3)
        licences.setBuddy(self.components)
        self.components.setObjectName("aboutComponents")
        self.components.setAccessibleName(self.tr("Components and their licences"))
        self.components.setHorizontalHeaderLabels(
            [self.tr("Component"), self.tr("Version"), self.tr("Licence")]
        )
        self.components.verticalHeader().hide()
        self.components.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.components.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        for row, component in enumerate(self.facts.components):
            for column, text in enumerate((component.name, component.version, component.licence)):
                self.components.setItem(row, column, QTableWidgetItem(text))
        self.components.resizeColumnsToContents()
        self.components.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(licences)
        layout.addWidget(self.components, 1)
        notice = QLabel(
            self.tr(
                "Qt and PySide6 are used under the GNU LGPL version 3; their source is at "
                "https://download.qt.io. Each component's full licence text ships with it."
            )
        )
        notice.setWordWrap(True)
        notice.setTextInteractionFlags(SELECTABLE)
        layout.addWidget(notice)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        self.resize(metrics.horizontalAdvance("M") * 60, metrics.height() * 32)

    def _place(self, grid: QGridLayout, row: int, label: str, path: Path, button_text: str) -> QLabel:
        name = QLabel(label)
        shown = QLabel(str(path))
        shown.setTextInteractionFlags(SELECTABLE)
        shown.setAccessibleName(f"{label} {path}")
        shown.setWordWrap(True)
        button = QPushButton(button_text)
        button.setAutoDefault(False)  # Enter closes the dialog, it does not open a folder
        folder = path if path.suffix == "" else path.parent
        button.clicked.connect(lambda: self.open_folder(folder))
        grid.addWidget(name, row, 0)
        grid.addWidget(shown, row, 1)
        grid.addWidget(button, row, 2)
        return shown

    def open_folder(self, folder: Path) -> bool:
        """Show the folder in the file manager (creating it first, as the program would on first use)."""
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
