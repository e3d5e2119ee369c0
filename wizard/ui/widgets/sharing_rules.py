"""One sharing rule as a row of controls."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from wizard.session.sharing import RULE_FIELDS, RULE_OPS
from wizard.state import SharingRule


class RuleRow(QWidget):
    """One rule: record type, field, operator, value, and a Remove button."""

    def __init__(self, rule: SharingRule, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.record_type = QComboBox()
        self.record_type.setAccessibleName(self.tr("Record type"))
        for name in RULE_FIELDS:
            self.record_type.addItem(self.tr(name), name)
        self.field = QComboBox()
        self.field.setAccessibleName(self.tr("Field"))
        self.op = QComboBox()
        self.op.setAccessibleName(self.tr("Condition"))
        for value, words in RULE_OPS.items():
            self.op.addItem(self.tr(words), value)
        self.value = QLineEdit()
        self.value.setAccessibleName(self.tr("Value"))
        self.value.setPlaceholderText(self.tr("value, e.g. 5"))
        self.remove = QPushButton(self.tr("Remove"))
        self.remove.setAccessibleName(self.tr("Remove this rule"))
        for widget in (self.record_type, self.field, self.op, self.value, self.remove):
            layout.addWidget(widget)
        self.record_type.currentIndexChanged.connect(self._fill_fields)
        self.record_type.setCurrentIndex(max(0, self.record_type.findData(rule.record_type)))
        self._fill_fields()
        self.field.setCurrentIndex(max(0, self.field.findData(rule.field)))
        self.op.setCurrentIndex(max(0, self.op.findData(rule.op)))
        self.value.setText(rule.value)

    def _fill_fields(self) -> None:
        self.field.clear()
        for name in RULE_FIELDS[str(self.record_type.currentData())]:
            self.field.addItem(self.tr(name.replace("_", " ")), name)

    def rule(self) -> SharingRule:
        return SharingRule(
            str(self.record_type.currentData()),
            str(self.field.currentData()),
            str(self.op.currentData()),
            self.value.text().strip(),
        )
