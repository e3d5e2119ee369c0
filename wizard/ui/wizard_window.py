"""The QWizard: one page per PageId, routing delegated to the pure `wizard.flow.next_page`, the Back path and
resume to `wizard.session.journey`. Pages reach the window only through the `Navigator` protocol."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWizard

from wizard.flow import PageId, next_page
from wizard.session.context import WizardContext
from wizard.session.journey import finish, record_visit, resume_path
from wizard.session.steps import steps, window_title
from wizard.ui.about import AboutDialog
from wizard.ui.pages import build_pages, page_classes
from wizard.ui.pages.base import BasePage
from wizard.ui.style import app_icon
from wizard.ui.widgets.step_panel import StepPanel

ABOUT_BUTTON = QWizard.WizardButton.CustomButton1


class OnboardingWizard(QWizard):
    def __init__(self, ctx: WizardContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("onboardingWizard")
        self.setWindowTitle(self.tr("District Onboarding Wizard"))
        self.setAccessibleName(self.tr("District Onboarding Wizard"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.setWindowIcon(app_icon())
        self.resize(1100, 760)
        self.setMinimumSize(800, 560)
        # Where am I: the journey's steps beside the page (see wizard.session.steps).
        self.step_panel = StepPanel()
        self.step_panel.go_back_to.connect(self.go_back_to)
        self.setSideWidget(self.step_panel)
        # About, at the left of the buttons, and F1. No Alt+letter: pages use theirs (&Add, &Approve…).
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self.setButtonText(ABOUT_BUTTON, self.tr("About"))
        self.button(ABOUT_BUTTON).setAccessibleName(self.tr("About the wizard"))
        self.button(ABOUT_BUTTON).setToolTip(self.tr("Version, data folder, log and licences (F1)"))
        QShortcut(QKeySequence(Qt.Key.Key_F1), self).activated.connect(self.show_about)
        # F6 moves between the steps and the page.
        QShortcut(QKeySequence(Qt.Key.Key_F6), self).activated.connect(self.switch_focus)
        self.customButtonClicked.connect(self._custom_button)
        self.setButtonLayout(
            [
                ABOUT_BUTTON,
                QWizard.WizardButton.Stretch,
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.CommitButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            ]
        )
        self.about_dialog: AboutDialog | None = None
        self._pages: dict[PageId, BasePage] = build_pages(self.ctx)
        for page_id, page in self._pages.items():
            self.setPage(int(page_id), page)
            page.attach(self)
            page.completeChanged.connect(self.show_where)
        self.setStartId(int(PageId.WELCOME))
        self._previous_id = -1
        # A resume walks the saved Back path page by page without running the pages in between; they are
        # initialized when the admin goes back to them.
        self._replay: list[PageId] = []
        self._not_initialized: set[int] = set()
        self.currentIdChanged.connect(self._on_page_changed)

    @property
    def resume_requested(self) -> bool:
        return self.ctx.resume_requested

    def page_for(self, page_id: PageId) -> BasePage:
        return self._pages[page_id]

    # --- the Navigator protocol ----------------------------------------------------------------------------
    def route_after(self, page_id: PageId) -> int:
        if page_id is PageId.WELCOME and self.ctx.resume_requested:
            self._replay = resume_path(self.ctx.state)
            if self._replay:
                return int(self._replay[0])
        following = next_page(self.ctx.state, page_id)
        return int(following) if following is not None else -1

    def started_over(self) -> None:
        """After Start over on Welcome: the other pages are built afresh, so none shows the old onboarding."""
        self._rebuild(lambda page_id: True)

    def journey_changed(self) -> None:
        """Welcome's hub choice: the pages that differ for this journey (clever.com's guided steps) replace
        the others'."""
        classes = page_classes(self.ctx.state)
        self._rebuild(lambda page_id: type(self._pages[page_id]) is not classes[page_id])

    def _rebuild(self, needed: Callable[[PageId], bool]) -> None:
        classes = page_classes(self.ctx.state)
        for page_id in PageId:
            if page_id is PageId.WELCOME or not needed(page_id):
                continue
            old = self._pages[page_id]
            old.leave()
            self.removePage(int(page_id))
            old.deleteLater()
            page = classes[page_id](self.ctx)
            self._pages[page_id] = page
            self.setPage(int(page_id), page)
            page.attach(self)
            page.completeChanged.connect(self.show_where)
        self._not_initialized.clear()
        self.show_where()

    # --- where am I ----------------------------------------------------------------------------------------
    def back_path(self) -> list[PageId]:
        """The pages on QWizard's Back path, ending with the current one."""
        return [PageId(page) for page in self.visitedIds() if page in set(PageId)]

    def show_where(self) -> None:
        """Refresh the step panel and the window title from the state, the routing and the Back path."""
        if self.currentId() not in set(PageId):
            return
        current = PageId(self.currentId())
        self.step_panel.show_steps(steps(self.ctx.state, current, self.back_path()))
        self.setWindowTitle(window_title(self.ctx.state, current))

    def go_back_to(self, page: PageId) -> None:
        """Back, as many times as it takes, to a step already passed (the step panel's choice)."""
        if page not in self.back_path()[:-1]:
            return
        while self.currentId() != int(page) and int(page) in self.visitedIds():
            self.back()
        self.step_panel.list.setFocus()

    def switch_focus(self) -> None:
        """F6: from the page to the step panel, and from the panel to the page's first control."""
        if not self.step_panel.list.hasFocus():
            self.step_panel.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        page = self.currentPage()
        widget = page.nextInFocusChain() if page is not None else None
        while widget is not None and widget is not page:
            if (
                page is not None
                and page.isAncestorOf(widget)
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                return
            widget = widget.nextInFocusChain()
        self.button(QWizard.WizardButton.NextButton).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_about(self) -> AboutDialog:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self)
        self.about_dialog.show()
        self.about_dialog.raise_()
        self.about_dialog.activateWindow()
        return self.about_dialog

    def _custom_button(self, which: int) -> None:
        if which == int(ABOUT_BUTTON.value):
            self.show_about()

    # --- QWizard's virtual hooks, for the resume's walk ----------------------------------------------------
    def nextId(self) -> int:
        if self._replay and PageId(self.currentId()) in self._replay:
            position = self._replay.index(PageId(self.currentId()))
            if position + 1 < len(self._replay):
                return int(self._replay[position + 1])
        return super().nextId()

    def validateCurrentPage(self) -> bool:
        if self._replay and PageId(self.currentId()) in self._replay[:-1]:
            return True  # walking the saved path: nothing to commit
        return super().validateCurrentPage()

    def initializePage(self, id: int) -> None:
        if self._replay and id in {int(page) for page in self._replay[:-1]}:
            self._not_initialized.add(id)
            return
        self._not_initialized.discard(id)
        super().initializePage(id)

    def cleanupPage(self, id: int) -> None:
        if id in self._not_initialized:
            self._not_initialized.discard(id)
            return
        super().cleanupPage(id)

    def _on_page_changed(self, new_id: int) -> None:
        if self._replay and new_id in {int(page) for page in self._replay[:-1]}:
            self.next()  # on along the saved path (at the end of the switch: QWizard is done with it)
            return
        self._replay = []
        previous = self._pages.get(PageId(self._previous_id)) if self._previous_id in set(PageId) else None
        if previous is not None:
            previous.leave()
        self._previous_id = new_id
        current = self._pages.get(PageId(new_id)) if new_id in set(PageId) else None
        if current is None:
            return
        if new_id in self._not_initialized:  # back on a page the resume walked past
            self._not_initialized.discard(new_id)
            current.initializePage()
        current.shown()
        if PageId(new_id) is not PageId.WELCOME:
            record_visit(self.ctx.state, PageId(new_id))
            self.ctx.save()
        self.show_where()

    def reject(self) -> None:
        """Cancel, Escape and the window's close button: a page with work the admin would lose asks first."""
        page = self.currentPage()
        if isinstance(page, BasePage) and not page.may_close():
            return
        super().reject()

    def done(self, result: int) -> None:
        for page in self._pages.values():
            page.leave()
        if result == int(QWizard.DialogCode.Accepted):
            finish(self.ctx.state)
            self.ctx.save()
        self.ctx.close()
        super().done(result)
