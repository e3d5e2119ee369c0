"""The side panel listing the journey's steps: done ones ticked, the current one highlighted, and each step
already passed a way back to it (click, or Enter/Space from the keyboard). Layout only: the steps and their
state come from `wizard.session.steps`, which follows the routing function."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from wizard.flow import PageId
from wizard.session.steps import Step, StepStatus

PAGE_ROLE = Qt.ItemDataRole.UserRole + 1
REACHABLE_ROLE = Qt.ItemDataRole.UserRole + 2


class StepList(QListWidget):
    """A list whose Enter and Space choose the focused step (QListWidget alone only reacts to Enter)."""

    chosen = Signal(object)  # PageId

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            item = self.currentItem()
            if item is not None:
                self._choose(item)
                event.accept()
                return
        super().keyPressEvent(event)

    def _choose(self, item: QListWidgetItem) -> None:
        if item.data(REACHABLE_ROLE):
            self.chosen.emit(PageId(item.data(PAGE_ROLE)))


class StepPanel(QWidget):
    """QWizard's side widget. `go_back_to(PageId)` asks the window to go back to a step already passed."""

    go_back_to = Signal(object)  # PageId

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # No mnemonic: the panel is on every page, whose own Alt+letters it must not steal; F6 reaches it.
        self.heading = QLabel(self.tr("Steps"))
        self.heading.setObjectName("stepPanelHeading")
        self.list = StepList()
        self.list.setObjectName("stepList")
        self.heading.setBuddy(self.list)
        self.list.setAccessibleName(self.tr("Steps of the onboarding"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.list.itemClicked.connect(self.list._choose)
        self.list.chosen.connect(self.go_back_to.emit)
        layout.addWidget(self.heading)
        layout.addWidget(self.list, 1)
        self._steps: tuple[Step, ...] = ()

        self._fit_to_font()

    def _fit_to_font(self) -> None:
        # Font-relative, so the panel scales with the system font and on high-DPI screens.
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 16)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fit_to_font()
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance("M") * 16, metrics.height() * 20)

    @property
    def steps(self) -> tuple[Step, ...]:
        return self._steps

    def show_steps(self, steps: tuple[Step, ...]) -> None:
        self._steps = steps
        had_focus = self.list.hasFocus()
        self.list.clear()
        current_row = 0
        for row, step in enumerate(steps):
            item = QListWidgetItem(step.label)
            item.setData(PAGE_ROLE, int(step.page))
            item.setData(REACHABLE_ROLE, step.reachable)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, step.spoken)
            item.setToolTip(
                self.tr("Go back to this step") if step.reachable else step.status.value.capitalize()
            )
            font = QFont(self.list.font())
            if step.status is StepStatus.CURRENT:
                font.setBold(True)
                current_row = row
            item.setFont(font)
            # The current step stands out by its mark, bold text and the selection colour, never colour alone.
            self.list.addItem(item)
        self.list.setCurrentRow(current_row)
        current = next((step for step in steps if step.status is StepStatus.CURRENT), None)
        if current is not None:
            self.list.setAccessibleDescription(
                self.tr(
                    "Step {number} of {total}: {title}. Steps already passed can be chosen to go back."
                ).format(number=current.number, total=current.total, title=current.title)
            )
        if had_focus:
            self.list.setFocus()

    def item_for(self, page: PageId) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(PAGE_ROLE) == int(page):
                return item
        return None
