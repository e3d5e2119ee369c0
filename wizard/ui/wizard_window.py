"""The QWizard: one page per PageId, routing delegated to the pure `wizard.flow.next_page`."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from wizard.flow import PageId, next_page
from wizard.ui.context import WizardContext
from wizard.ui.pages import build_pages
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.prepare_roster import PrepareRosterPage


class OnboardingWizard(QWizard):
    def __init__(self, ctx: WizardContext | None = None) -> None:
        super().__init__()
        self.ctx = ctx or WizardContext.restore()
        self.setObjectName("onboardingWizard")
        self.setWindowTitle(self.tr("District Onboarding Wizard"))
        self.setAccessibleName(self.tr("District Onboarding Wizard"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.resize(1100, 760)
        self.setMinimumSize(800, 560)
        self._pages: dict[PageId, BasePage] = build_pages(self.ctx)
        for page_id, page in self._pages.items():
            self.setPage(int(page_id), page)
        self.setStartId(int(PageId.WELCOME))
        self._previous_id = -1
        self.currentIdChanged.connect(self._on_page_changed)
        self.resume_requested = False

    def page_for(self, page_id: PageId) -> BasePage:
        return self._pages[page_id]

    def route_after(self, page_id: PageId) -> int:
        resume = self.resume_requested and page_id is PageId.WELCOME
        following = next_page(self.ctx.state, page_id, resume=resume)
        return int(following) if following is not None else -1

    def _on_page_changed(self, new_id: int) -> None:
        previous = self._pages.get(PageId(self._previous_id)) if self._previous_id in set(PageId) else None
        if previous is not None:
            previous.leave()
        self._previous_id = new_id
        current = self._pages.get(PageId(new_id)) if new_id in set(PageId) else None
        if current is not None:
            current.shown()
        if new_id in set(PageId) and PageId(new_id) is not PageId.WELCOME:
            self.ctx.state.current_page = new_id
            self.ctx.save()

    def reject(self) -> None:
        """Cancel, Escape and the window's close button: offline work not yet exported is offered first."""
        page = self.currentPage()
        if isinstance(page, PrepareRosterPage) and not page.may_close():
            return
        super().reject()

    def done(self, result: int) -> None:
        for page in self._pages.values():
            page.leave()
        self.ctx.close()
        super().done(result)
