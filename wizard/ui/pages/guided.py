"""The clever.com journey's guided pages: sign-up, adding and authorizing the app, sharing and staff admins.

clever.com publishes no API for these: each page lists the dashboard steps, opens the dashboard page, says what
to check there and records what the admin tells it, with a Done box (see `wizard.session.clever`). The page
says plainly that the wizard changes nothing on clever.com."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from wizard.flow import PageId
from wizard.session import clever
from wizard.session.context import WizardContext
from wizard.state import GuidedStep
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.guided_step import GuidedStepBox
from wizard.ui.widgets.look import scrolling

GUIDED_NOTE = (
    "clever.com has no interface the wizard could use for this step: you do it in your district's dashboard, "
    "and tick Done. The wizard records what you tell it; it changes nothing on clever.com."
)


class GuidedPage(BasePage):
    """A page of guided dashboard steps (the ones `clever.guides_for(page_id)` lists)."""

    subtitle = ""

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(self.tr(self.subtitle))
        note = QLabel(self.tr(GUIDED_NOTE))
        note.setWordWrap(True)
        note.setObjectName("lead")
        self.content.addWidget(note)
        self.boxes: dict[GuidedStep, GuidedStepBox] = {}
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        for item in clever.guides_for(self.page_id):
            box = GuidedStepBox(item)
            box.choice_changed.connect(lambda key, value, step=item.step: self.choose(step, key, value))
            box.done_toggled.connect(lambda done, step=item.step: self.tick(step, done))
            box.open_requested.connect(self.open_link)
            self.boxes[item.step] = box
            column.addWidget(box)
        column.addStretch(1)
        self.content.addWidget(scrolling(holder), 1)

    def schools(self) -> dict[str, str]:
        return clever.prepared_schools(self.ctx.state.roster.export_dir)

    def initializePage(self) -> None:
        schools = self.schools()
        for step, box in self.boxes.items():
            record = clever.record(self.ctx.state, step)
            box.show_record(record, schools)
            for key, value in box.unrecorded_dates(record).items():
                clever.set_choice(self.ctx.state, step, key, value)
            self._show(step)
        self.ctx.save()
        self.completeChanged.emit()

    def choose(self, step: GuidedStep, key: str, value: str) -> None:
        clever.set_choice(self.ctx.state, step, key, value)
        self.ctx.save()
        self._show(step)
        self.completeChanged.emit()

    def tick(self, step: GuidedStep, done: bool) -> None:
        clever.set_done(self.ctx.state, step, done)  # refused (and shown why) while a choice is missing
        self.ctx.save()
        self._show(step)
        self.completeChanged.emit()

    def _show(self, step: GuidedStep) -> None:
        state, schools = self.ctx.state, self.schools()
        self.boxes[step].show_words(
            clever.check_text(state, step, schools),
            clever.said_text(state, step, schools),
            clever.missing(state, step),
        )

    def ready(self) -> bool:
        return clever.page_done(self.ctx.state, self.page_id)

    def missing(self) -> list[str]:
        return [
            self.tr("tick Done for “{title}” once you did it in the dashboard").format(title=item.title)
            for item in clever.guides_for(self.page_id)
            if not clever.is_done(self.ctx.state, item.step)
        ]

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True


class CleverSignUpPage(GuidedPage):
    page_id = PageId.SIGN_UP
    subtitle = "Sign your district up on clever.com, or sign in to its dashboard."


class CleverAddAppPage(GuidedPage):
    page_id = PageId.ADD_APP
    subtitle = "Add the app in your clever.com dashboard, authorize it, and wait for the vendor to accept."


class CleverSharingPage(GuidedPage):
    page_id = PageId.SHARING
    subtitle = "Share your data with the app in the dashboard, and add your staff admins."
