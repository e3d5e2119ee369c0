"""The standard sets an export can write beside the hub files, as `prepare --target` does: a check box each."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

# What each standard set is for, shown on its check box.
TIPS = {
    "oneroster": "oneroster_1.1.zip: a OneRoster 1.1 bulk set (what ClassLink's Roster Server takes by SFTP)",
    "sds": "sds_v2.1/: the CSV folder Microsoft School Data Sync v2.1 takes",
}


class ExportTargets(QWidget):
    """“Also export as: [ ] OneRoster 1.1 [ ] Microsoft SDS v2.1”; `changed` carries the targets ticked."""

    changed = Signal(list)

    def __init__(self, targets: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Also export as:")))
        self.boxes: dict[str, QCheckBox] = {}
        for target, name in targets:
            box = QCheckBox(name)
            box.setAccessibleName(self.tr("Also export as {name}").format(name=name))
            box.setToolTip(self.tr(TIPS.get(target, "")))
            box.toggled.connect(lambda _checked: self.changed.emit(self.chosen()))
            self.boxes[target] = box
            row.addWidget(box)

    def chosen(self) -> list[str]:
        return [target for target, box in self.boxes.items() if box.isChecked()]

    def show_chosen(self, targets: Sequence[str]) -> None:
        """Tick what the state says (restoring the page emits nothing)."""
        for target, box in self.boxes.items():
            with QSignalBlocker(box):
                box.setChecked(target in targets)
