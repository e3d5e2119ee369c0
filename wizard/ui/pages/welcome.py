"""Welcome: what the wizard does, how long it takes, what to have ready; choose the journey and the hub."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from wizard.flow import PAGE_TITLES, PageId, resume_page
from wizard.hub.errors import InsecureHubUrl
from wizard.hub.transport import checked_base_url
from wizard.session.clever import CLEVER_DATA_API, choose_clever
from wizard.session.context import WizardContext
from wizard.session.questions import Option, Question
from wizard.session.signin import TokenPlace
from wizard.state import Mode
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.look import repolish


def hub_url_problem(text: str) -> str:
    """Why a typed hub address cannot be used, or "" when it can (the clients' own check)."""
    try:
        checked_base_url(text)
    except InsecureHubUrl as problem:
        return str(problem)
    return ""


START_OVER, KEEP = "start_over", "keep"
START_OVER_QUESTION = "start-over"


def start_over_question(ctx: WizardContext) -> Question:
    state = ctx.state
    forgotten = (
        "Forgotten on this computer: the answers you typed, the files you chose, your choices on each page and "
        "where you stopped."
    )
    if state.signed_up:
        name = state.district_form.name or "Your district"
        kept = (
            f"Kept on the hub: {name} (district id {state.district_id}, NCES id "
            f"{state.district_form.nces_id or 'not given'}) with its uploaded roster and app connections. "
            "Registering the same NCES id again signs you in to it instead of making a second district."
        )
        place = ctx.token_place()
        token = {
            TokenPlace.KEYRING: "Your admin token stays in this computer's keyring.",
            TokenPlace.THIS_SESSION: "Your admin token stays available only until the wizard closes.",
            TokenPlace.MISSING: "",
        }[place]
    else:
        kept, token = "Nothing of yours is on the hub yet.", ""
    return Question(
        START_OVER_QUESTION,
        "Start over?",
        " ".join(part for part in (forgotten, kept, token) if part),
        (Option(START_OVER, "&Start over", "destructive"), Option(KEEP, "&Keep my onboarding", "reject")),
        default=KEEP,
    )


class WelcomePage(BasePage):
    page_id = PageId.WELCOME

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(
            self.tr("Get your district onto the hub and your first app into your students' hands.")
        )
        intro = QLabel(
            self.tr(
                "<p>This wizard signs your district up with the hub, connects your student information "
                "system (SIS), prepares your roster files, adds an education app and authorizes it, decides "
                "which schools and classes the app may see, checks that the numbers line up, and rolls the "
                "app out to teachers and students.</p>"
                "<p><b>How long:</b> about 30 to 45 minutes of your time. The app's vendor usually answers "
                "within a few days; you can close the wizard while you wait and it picks up where you left "
                "off.</p>"
                "<p><b>Have ready:</b></p><ul>"
                "<li>your SIS export files (CSV, Excel, a OneRoster zip or Microsoft SDS files) or your SIS "
                "sign-in details</li>"
                "<li>the name of the app you want to add, for example Symphony Math</li>"
                "<li>your district's NCES id and a phone number the hub can reach you on</li></ul>"
            )
        )
        intro.setObjectName("lead")
        intro.setWordWrap(True)
        self.content.addWidget(intro)

        choice_box = QGroupBox(self.tr("What would you like to do?"))
        choice_layout = QVBoxLayout(choice_box)
        self.choices = QButtonGroup(self)
        self.online = QRadioButton(self.tr("&Connect my district to the hub (online)"))
        self.offline = QRadioButton(self.tr("&Prepare roster files only (offline, no account needed)"))
        self.resume = QRadioButton(self.tr("&Resume where I left off"))
        self.sign_in = QRadioButton(self.tr("S&ign in to my registered district with its admin token"))
        self.support = QRadioButton(self.tr("&Support view for hub and vendor staff (opens its own window)"))
        self.support_window: QMainWindow | None = None
        for number, button in enumerate((self.online, self.offline, self.resume, self.sign_in, self.support)):
            button.setAccessibleName(button.text().replace("&", ""))
            self.choices.addButton(button, number)
            choice_layout.addWidget(button)
        # Resuming a district whose admin token this computer does not keep (no keyring): sign in right here,
        # so the wizard lands where the admin stopped, signed in on every page, with Back as it was.
        self.resume_token = QLineEdit()
        self.resume_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.resume_token.setAccessibleName(self.tr("Admin token to resume with"))
        self.resume_token.setPlaceholderText(self.tr("Paste your admin token to resume"))
        self.resume_token.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.resume_token.hide()
        choice_layout.insertWidget(choice_layout.indexOf(self.resume) + 1, self.resume_token)
        self.start_over_button = QPushButton(self.tr("Start &over…"))
        self.start_over_button.setAccessibleName(self.tr("Start over"))
        self.start_over_button.setToolTip(self.tr("Forget this computer's saved onboarding and begin again"))
        self.start_over_button.clicked.connect(self.start_over)
        choice_layout.addWidget(self.start_over_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(choice_box)

        hub_box = QGroupBox(self.tr("Which hub?"))
        hub_layout = QVBoxLayout(hub_box)
        self.embedded = QRadioButton(self.tr("The &built-in demo hub on this computer (recommended to try)"))
        self.clever = QRadioButton(self.tr("c&lever.com (your district's real account)"))
        self.clever.setToolTip(
            self.tr(
                "The wizard prepares and sends your files over SFTP, writes the vendor import and the login "
                "instructions, and checks counts and login links; it guides the dashboard steps, which you do "
                "on clever.com and tick as done."
            )
        )
        self.remote = QRadioButton(self.tr("The hub at this &address:"))
        self.hub_url = QLineEdit()
        self.hub_url.setPlaceholderText("https://hub.example.org")
        self.hub_url.setAccessibleName(self.tr("Hub address"))
        self.hub_error = QLabel()
        self.hub_error.setObjectName("fieldError")
        self.embedded.setAccessibleName(self.tr("Built-in demo hub"))
        self.clever.setAccessibleName(self.tr("clever.com, your district's real account"))
        self.remote.setAccessibleName(self.tr("Hub at an address"))
        for widget in (self.embedded, self.clever, self.remote, self.hub_url, self.hub_error):
            hub_layout.addWidget(widget)
        self.hub_group = QButtonGroup(self)
        self.hub_group.addButton(self.embedded)
        self.hub_group.addButton(self.clever)
        self.hub_group.addButton(self.remote)
        self.content.addWidget(hub_box)
        self.content.addStretch(1)

        self.choices.buttonToggled.connect(self._changed)
        self.hub_group.buttonToggled.connect(self._changed)
        self.hub_url.textChanged.connect(self._changed)
        for widget in (self.online, self.offline, self.resume, self.embedded, self.remote, self.hub_url):
            widget.setFocusPolicy(widget.focusPolicy())
        self.setTabOrder(self.online, self.offline)
        self.setTabOrder(self.offline, self.resume)
        self.setTabOrder(self.resume, self.embedded)
        self.setTabOrder(self.embedded, self.clever)
        self.setTabOrder(self.clever, self.remote)
        self.setTabOrder(self.remote, self.hub_url)

    def initializePage(self) -> None:
        state = self.ctx.state
        if self.ctx.load_error is not None:
            self.show_error(self.ctx.load_error)
        resumable = self.ctx.has_saved_state and resume_page(state) is not None
        self.resume.setEnabled(resumable)
        self.start_over_button.setVisible(self.ctx.has_saved_state)
        if resumable:
            where = PAGE_TITLES[PageId(state.current_page)]
            who = state.district_form.name or self.tr("roster files")
            text = self.tr("&Resume where I left off — {who}, at “{where}”").format(who=who, where=where)
            if state.signed_up and not state.clever.chosen and self.ctx.token_place() is TokenPlace.MISSING:
                # Said in the token field under the choice: in the radio button's text it was cut off.
                self.resume_token.setPlaceholderText(
                    self.tr(
                        "Paste the admin token of district id {id}: this computer does not keep it"
                    ).format(id=state.district_id)
                )
            self.resume.setText(text)
            self.resume.setChecked(True)
        elif state.mode is Mode.OFFLINE:
            self.offline.setChecked(True)
        else:
            self.online.setChecked(True)
        self.remote.setChecked(bool(state.hub_url) and not state.clever.chosen)
        self.clever.setChecked(state.clever.chosen)
        self.embedded.setChecked(not state.hub_url and not state.clever.chosen)
        self.hub_url.setText(state.hub_url)
        self._changed()

    def _resume_needs_token(self) -> bool:
        """Resuming an online onboarding whose admin token is not on this computer: it is asked for here."""
        state = self.ctx.state
        return (
            self.resume.isChecked()
            and state.mode is Mode.ONLINE
            and state.signed_up
            and not state.clever.chosen  # clever.com has no admin token to sign in with
            and self.ctx.token_place() is TokenPlace.MISSING
        )

    def _changed(self, *_args: object) -> None:
        self.resume_token.setVisible(self._resume_needs_token())
        self.hub_url.setEnabled(self.remote.isChecked())
        # clever.com has no admin token to sign in with: its dashboard steps are guided.
        self.sign_in.setEnabled(not self.clever.isChecked())
        problem = hub_url_problem(self.hub_url.text()) if self.remote.isChecked() else ""
        shown = problem if self.hub_url.text().strip() else ""
        self.hub_error.setText(self.tr(shown))
        self.hub_url.setProperty("invalid", bool(shown))
        repolish(self.hub_url)
        self.completeChanged.emit()

    def ready(self) -> bool:
        if self.choices.checkedButton() is None:
            return False
        if self.clever.isChecked() and self.sign_in.isChecked():
            return False
        if self._resume_needs_token() and not self.resume_token.text().strip():
            return False
        return not (self.remote.isChecked() and hub_url_problem(self.hub_url.text()))

    def missing(self) -> list[str]:
        if self._resume_needs_token() and not self.resume_token.text().strip():
            return [self.tr("paste your admin token to resume (or choose Start over)")]
        return []

    def validatePage(self) -> bool:
        if self.support.isChecked():
            self._open_support_view()
            return False  # the wizard stays on Welcome; the support view is its own window
        state = self.ctx.state
        resuming = self.resume.isChecked()
        if not resuming:
            state.mode = Mode.OFFLINE if self.offline.isChecked() else Mode.ONLINE
        self.ctx.sign_in_requested = self.sign_in.isChecked()
        state.hub_url = self.hub_url.text().strip().rstrip("/") if self.remote.isChecked() else ""
        if resuming and self._resume_needs_token():
            district_id, token = state.district_id, self.resume_token.text().strip()
            return self.commit_in_background(
                lambda progress, cancel: self.ctx.sign_in(district_id, token),
                self._signed_in_to_resume,
                message=self.tr("Checking your admin token with the hub…"),
            )
        self._commit_done = False
        choose_clever(state, self.clever.isChecked())
        self.ctx.resume_requested = resuming
        self.ctx.save()
        self.journey_changed()  # the clever.com journey has its own pages for the guided steps
        return True

    def _signed_in_to_resume(self, _district: object) -> bool:
        self.resume_token.clear()
        self.resume_token.hide()
        self.ctx.resume_requested = True
        self.ctx.save()
        return True

    def start_over(self) -> None:
        """Forget the saved onboarding on this computer, after saying what stays on the hub."""
        if self.ask(start_over_question(self.ctx)) != START_OVER:
            return
        self.ctx.start_over()
        self.go_to_start()
        self.initializePage()

    def _open_support_view(self) -> None:
        from wizard.ui.support.launch import open_support_view  # the support view loads only when asked for

        hub_url = self.hub_url.text().strip().rstrip("/") if self.remote.isChecked() else ""
        if self.clever.isChecked():
            hub_url = CLEVER_DATA_API  # the support view reads clever.com's Data API
        self.support_window = open_support_view(self.ctx, self.window(), hub_url=hub_url)
