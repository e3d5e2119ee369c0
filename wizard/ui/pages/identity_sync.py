"""Identity provider and sync method: each choice explained in one sentence with its consequences."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QLabel, QRadioButton, QVBoxLayout

from wizard.flow import PageId
from wizard.session.context import WizardContext
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage
from wizard.ui.words import IDENTITY_PROVIDERS, SYNC_METHODS


class IdentitySyncPage(BasePage):
    page_id = PageId.IDENTITY_AND_SYNC

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(self.tr("How students and teachers sign in, and how your roster reaches the hub."))
        self.identity_group, identity_box = self._choices(self.tr("How people sign in"), IDENTITY_PROVIDERS)
        self.sync_group, sync_box = self._choices(self.tr("How your roster reaches the hub"), SYNC_METHODS)
        self.content.addWidget(identity_box)
        self.content.addWidget(sync_box)
        self.content.addStretch(1)
        self._loading = False

    def _choices(self, title: str, options: dict[str, tuple[str, str]]) -> tuple[QButtonGroup, QGroupBox]:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        group = QButtonGroup(self)
        for value, (label, consequence) in options.items():
            button = QRadioButton(self.tr(label))
            button.setProperty("choice", value)
            button.setAccessibleName(self.tr(label).replace("&", ""))
            button.setAccessibleDescription(self.tr(consequence))
            explanation = QLabel(self.tr(consequence))
            explanation.setWordWrap(True)
            explanation.setIndent(24)
            group.addButton(button)
            layout.addWidget(button)
            layout.addWidget(explanation)
        group.buttonToggled.connect(self._toggled)
        return group, box

    def _toggled(self, *_args: object) -> None:
        # Keep the choice even before it is sent, so closing the wizard loses nothing.
        if self._loading:
            return
        self.ctx.state.identity_provider = self._selected(self.identity_group)
        self.ctx.state.sync_method = self._selected(self.sync_group)
        self.ctx.save()
        self.completeChanged.emit()

    @staticmethod
    def _select(group: QButtonGroup, value: str) -> None:
        for button in group.buttons():
            if button.property("choice") == value:
                button.setChecked(True)

    @staticmethod
    def _selected(group: QButtonGroup) -> str:
        button = group.checkedButton()
        return str(button.property("choice")) if button is not None else ""

    def initializePage(self) -> None:
        self._loading = True
        self._select(self.identity_group, self.ctx.state.identity_provider)
        self._select(self.sync_group, self.ctx.state.sync_method)
        self._loading = False
        self.completeChanged.emit()

    def ready(self) -> bool:
        return bool(self._selected(self.identity_group) and self._selected(self.sync_group))

    def missing(self) -> list[str]:
        missing = []
        if not self._selected(self.identity_group):
            missing.append(self.tr("choose how people sign in"))
        if not self._selected(self.sync_group):
            missing.append(self.tr("choose how your roster reaches the hub"))
        return missing

    def validatePage(self) -> bool:
        provider, method = self._selected(self.identity_group), self._selected(self.sync_group)

        def send(progress: ProgressCallback, cancel: CancelToken) -> Any:
            hub = self.ctx.district_hub()
            hub.set_sso(provider)
            cancel.raise_if_cancelled()
            return hub.set_sync(method)

        def sent(_district: object) -> bool:
            state = self.ctx.state
            state.identity_provider, state.sync_method = provider, method
            state.mark_completed(self.page_id)
            self.ctx.save()
            return True

        return self.commit_in_background(send, sent, message=self.tr("Saving your choices with the hub…"))
