"""The Vendor import page's inputs: the vendor's import format and their current roster export (or none)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton


class VendorInputs(QGroupBox):
    """`profile` (the import format), `roster_label` (which roster is loaded), `roster_button` and
    `clear_roster_button`."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Inputs"))
        grid = QGridLayout(self)
        self.profile = QComboBox()
        self.profile.setAccessibleName(self.tr("Vendor import format"))
        profile_label = QLabel(self.tr("Import &format"))
        profile_label.setBuddy(self.profile)
        self.roster_label = QLabel(self.tr("No vendor roster loaded: every student gets a new account."))
        self.roster_label.setWordWrap(True)
        self.roster_button = QPushButton(self.tr("Load the vendor's current &roster…"))
        self.roster_button.setAccessibleName(self.tr("Load the vendor's current roster export"))
        self.clear_roster_button = QPushButton(self.tr("Do &without it"))
        self.clear_roster_button.setAccessibleName(self.tr("Match without the vendor's roster"))
        grid.addWidget(profile_label, 0, 0)
        grid.addWidget(self.profile, 0, 1)
        grid.addWidget(self.roster_label, 1, 0, 1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.roster_button)
        buttons.addWidget(self.clear_roster_button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 2, 0, 1, 2)
