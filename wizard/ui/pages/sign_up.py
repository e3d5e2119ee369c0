"""Sign up or sign in: the district's details, validated as typed; the admin token goes to the keyring."""

from __future__ import annotations

import uuid
from dataclasses import fields

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from wizard.flow import PageId
from wizard.hub.errors import ValidationFailed
from wizard.hub.models import District
from wizard.session import sftp_sync
from wizard.session.context import WizardContext
from wizard.session.signin import AlreadyRegistered, TokenPlace, token_sentence
from wizard.session.signup import FIELD_LABELS, SIS_VENDORS, form_problems, hub_field_name
from wizard.state import DistrictForm
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.look import repolish, set_tone
from wizard.ui.widgets.token_boxes import NoKeyringChoice, TokenOnce
from wizard.us_states import us_states


class SignUpPage(BasePage):
    page_id = PageId.SIGN_UP

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(
            self.tr("Register your district with the hub, or sign in to a district you registered.")
        )
        self.done_note = QLabel()
        self.done_note.setObjectName("okNote")
        self.done_note.setWordWrap(True)
        self.switch_button = QPushButton(self.tr("Use a &different district"))
        self.switch_button.setAccessibleName(self.tr("Use a different district"))
        self.switch_button.clicked.connect(self._forget_district)
        self.content.addWidget(self.done_note)
        self.content.addWidget(self.switch_button)
        self.token_once = TokenOnce()
        self.content.addWidget(self.token_once)

        self.form_area = QWidget()
        area = QVBoxLayout(self.form_area)
        area.setContentsMargins(0, 0, 0, 0)
        self.new_district = QRadioButton(self.tr("Register a ne&w district"))
        self.existing = QRadioButton(self.tr("Sign in to a district already &registered"))
        self.new_district.setAccessibleName(self.tr("Register a new district"))
        self.existing.setAccessibleName(self.tr("Sign in to a registered district"))
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.new_district)
        self.kind_group.addButton(self.existing)
        area.addWidget(self.new_district)
        area.addWidget(self.existing)

        self.signup_box = QGroupBox(self.tr("Your district"))
        form_layout = QFormLayout(self.signup_box)
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        for field in fields(DistrictForm):
            widget: QLineEdit | QComboBox
            if field.name == "state":
                widget = QComboBox()
                widget.addItem(self.tr("Choose…"), "")
                for code, name in us_states().items():
                    widget.addItem(f"{code} — {name}", code)
                widget.currentIndexChanged.connect(lambda _i, n=field.name: self._edited(n))
            elif field.name == "sis_vendor":
                widget = QComboBox()
                widget.setEditable(True)
                widget.addItem("")
                widget.addItems(SIS_VENDORS)
                widget.currentTextChanged.connect(lambda _t, n=field.name: self._edited(n))
            else:
                widget = QLineEdit()
                widget.textEdited.connect(lambda _t, n=field.name: self._edited(n))
            label_text = self.tr(FIELD_LABELS[field.name])
            widget.setAccessibleName(label_text.replace("&", ""))
            label = QLabel(label_text)
            label.setBuddy(widget)
            error = QLabel()
            error.setObjectName("fieldError")
            error.setWordWrap(True)
            # The line under each field is kept while empty, so an error appearing does not move the
            # fields below it under the admin's cursor.
            policy = error.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            error.setSizePolicy(policy)
            error.setMinimumHeight(error.fontMetrics().lineSpacing())
            error.hide()
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            form_layout.addRow(label, column)
            self.inputs[field.name] = widget
            self.errors[field.name] = error
        self.inputs["nces_id"].setPlaceholderText("0601234")
        self.inputs["admin_email"].setPlaceholderText("name@district.org")
        area.addWidget(self.signup_box)
        self.why = QLabel()
        self.why.setWordWrap(True)
        area.addWidget(self.why)
        self.no_keyring = NoKeyringChoice()
        area.addWidget(self.no_keyring)

        self.signin_box = QGroupBox(self.tr("Your registered district"))
        signin_layout = QFormLayout(self.signin_box)
        self.district_id = QLineEdit()
        self.district_id.setAccessibleName(self.tr("District id"))
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setAccessibleName(self.tr("Admin token"))
        self.token.setToolTip(self.tr("The admin token the hub showed when the district was registered."))
        for text, widget in (
            (self.tr("District i&d"), self.district_id),
            (self.tr("Admin &token"), self.token),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            signin_layout.addRow(label, widget)
            widget.textChanged.connect(lambda _t: self.completeChanged.emit())
        area.addWidget(self.signin_box)
        # Forms read best at a line length people scan easily, whatever the window's width.
        self.form_area.setMaximumWidth(self.fontMetrics().averageCharWidth() * 110)
        self.content.addWidget(self.form_area)
        self.content.addStretch(1)
        self.kind_group.buttonToggled.connect(self._kind_changed)
        self._touched: set[str] = set()

    # --- state <-> widgets ---------------------------------------------------------------------------------
    def initializePage(self) -> None:
        form = self.ctx.state.district_form
        for name, widget in self.inputs.items():
            value = getattr(form, name)
            if isinstance(widget, QComboBox):
                index = widget.findData(value) if name == "state" else widget.findText(value)
                if index >= 0:
                    widget.setCurrentIndex(index)
                elif widget.isEditable():
                    widget.setEditText(value)
            else:
                widget.setText(value)
        self._touched = {name for name in self.inputs if getattr(form, name)}
        (self.existing if self.ctx.sign_in_requested else self.new_district).setChecked(True)
        keyring = self.ctx.credentials.persistent
        self.why.setText(
            self.tr(
                "The hub uses your NCES id to recognise your district, and contacts you by email or phone while "
                "an app's vendor reviews your request. When you register, the hub gives the wizard an admin "
                "token: {where}"
            ).format(
                where=self.tr("it is kept in this computer's keyring, never in a file.")
                if keyring
                else self.tr("it is never written to a file, and this computer has no keyring to keep it in.")
            )
        )
        self.token_once.forget()
        self._show_signed_in()
        self._refresh_errors()

    def read_form(self) -> DistrictForm:
        values: dict[str, str] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                values[name] = str(widget.currentData() or "") if name == "state" else widget.currentText()
            else:
                values[name] = widget.text()
        return DistrictForm(**{name: value.strip() for name, value in values.items()})

    def _edited(self, name: str) -> None:
        self._touched.add(name)
        self.ctx.state.district_form = self.read_form()
        self.ctx.save()  # a half-typed form survives the wizard being closed or killed
        self._refresh_errors()

    def _refresh_errors(self, server: dict[str, str] | None = None) -> None:
        problems = form_problems(self.read_form())
        if server:
            problems.update(server)
            self._touched.update(server)
        for name, label in self.errors.items():
            shown = problems.get(name, "") if name in self._touched else ""
            label.setText(self.tr(shown))
            label.setVisible(bool(shown))
            widget = self.inputs[name]
            widget.setProperty("invalid", bool(shown))
            repolish(widget)
            widget.setAccessibleDescription(shown)
        self.completeChanged.emit()

    def _kind_changed(self, *_args: object) -> None:
        registering = self.new_district.isChecked()
        self.signup_box.setVisible(registering)
        # Why the hub wants these details and the no-keyring choice concern a token still to be made: when
        # signing in with a token the admin already has, they are not shown.
        self.why.setVisible(registering)
        self.no_keyring.setVisible(registering and not self.ctx.credentials.persistent)
        self.signin_box.setVisible(self.existing.isChecked())
        self.completeChanged.emit()

    def _needs_token(self) -> bool:
        """Signed up, but the district's token is not on this computer: sign in again to go on."""
        return self.ctx.state.signed_up and self.ctx.token_place() is TokenPlace.MISSING

    def _show_signed_in(self) -> None:
        state = self.ctx.state
        signed_in = state.signed_up
        needs_token = self._needs_token()
        self.done_note.setVisible(signed_in)
        self.switch_button.setVisible(signed_in)
        self.form_area.setVisible(not signed_in or needs_token)
        if signed_in:
            name = state.district_form.name or self.tr("your district")
            if needs_token:
                self.done_note.setText(
                    self.tr("! {name} (district id {id}) is registered. {where}").format(
                        name=name, id=state.district_id, where=self.tr(token_sentence(TokenPlace.MISSING))
                    )
                )
                self.existing.setChecked(True)
                self.district_id.setText(state.district_id)
            else:
                self.done_note.setText(
                    self.tr("✓ Signed in as {name} (district id {id}). {where}").format(
                        name=name, id=state.district_id, where=self.tr(token_sentence(self.ctx.token_place()))
                    )
                )
            set_tone(self.done_note, "warnNote" if needs_token else "okNote")
        self._kind_changed()

    def _forget_district(self) -> None:
        self.ctx.state.district_id = ""
        self.ctx.state.signup_key = ""
        self.ctx.save()
        self._show_signed_in()

    # --- completeness and commit ---------------------------------------------------------------------------
    def ready(self) -> bool:
        if self.token_once.isVisible() or (self.ctx.state.signed_up and not self._needs_token()):
            return True
        if self.existing.isChecked():
            return bool(self.district_id.text().strip() and self.token.text().strip())
        return not form_problems(self.read_form())

    def missing(self) -> list[str]:
        if self.existing.isChecked():
            wanted = {
                self.tr("type the district id"): self.district_id.text().strip(),
                self.tr("paste the admin token"): self.token.text().strip(),
            }
            return [what for what, value in wanted.items() if not value]
        problems = form_problems(self.read_form())
        return [
            self.tr("complete {field}").format(field=self.tr(FIELD_LABELS[name]).replace("&", ""))
            for name in FIELD_LABELS
            if name in problems
        ]

    def validatePage(self) -> bool:
        state = self.ctx.state
        if state.signed_up and not self._needs_token():
            state.mark_completed(self.page_id)
            self.token_once.forget()
            self.ctx.save()
            return True
        if self.existing.isChecked():
            district_id, token = self.district_id.text().strip(), self.token.text().strip()
            return self.commit_in_background(
                lambda progress, cancel: self.ctx.sign_in(district_id, token),
                self._signed_in,
                message=self.tr("Checking your district with the hub…"),
            )
        form = self.read_form()
        state.district_form = form
        if not state.signup_key:
            state.signup_key = uuid.uuid4().hex  # a retried sign-up returns the same district
        self.ctx.save()
        key = state.signup_key
        return self.commit_in_background(
            lambda progress, cancel: self.ctx.sign_up(form, key),
            self._signed_in,
            message=self.tr("Registering your district…"),
            on_error=self._sign_up_failed,
        )

    def _signed_in(self, district: District) -> bool:
        state = self.ctx.state
        state.district_id = district.id
        state.district_form = DistrictForm(
            district.name,
            district.state,
            district.nces_id,
            district.sis_vendor,
            district.admin_name,
            district.admin_email,
            district.admin_phone,
        )
        # What the hub says is already done is not asked again (see flow.next_page from SIGN_UP).
        steps = district.progress.steps
        if district.sso_provider and district.sync_method:
            state.identity_provider, state.sync_method = district.sso_provider, district.sync_method
            if steps.get("identity_provider_chosen") and steps.get("sync_method_chosen"):
                state.mark_completed(PageId.IDENTITY_AND_SYNC)
        if (
            state.sync_method == "sftp"
            and not steps.get("roster_uploaded")
            and sftp_sync.needs_setting_up(self.ctx.credentials, state.sftp)
        ):
            # The roster is still to be sent, but this computer cannot sign in to the hub's SFTP server (the
            # password was not kept): "Identity and sync" is shown again, so the admin can enter or get one.
            state.forget_completed(PageId.IDENTITY_AND_SYNC)
        if steps.get("roster_uploaded"):
            state.mark_completed(PageId.PREPARE_ROSTER)
        state.mark_completed(self.page_id)
        state.signup_key = ""  # the token is kept now; the key must not outlive the sign-up
        self.token.clear()
        self.ctx.sign_in_requested = False
        self.ctx.save()
        fresh = self.ctx.take_fresh_token()
        if fresh and not self.ctx.credentials.persistent and self.no_keyring.wants_token_shown:
            self._show_signed_in()
            self.token_once.show_token(fresh, district.id)  # Next again moves on
            self.completeChanged.emit()
            return False
        self._show_signed_in()
        return True

    def _sign_up_failed(self, error: object) -> bool:
        """A district already registered: sign in instead (its id filled in when the hub named it)."""
        if isinstance(error, AlreadyRegistered):
            self.existing.setChecked(True)
            if error.district_id:
                self.district_id.setText(error.district_id)
            self.token.setFocus()
            return False  # the banner says what happened and what to do
        return self.handle_field_errors(error)

    def handle_field_errors(self, error: object) -> bool:
        """Put the hub's per-field complaints (422) under the fields; the banner still says what happened."""
        if isinstance(error, ValidationFailed) and error.fields:
            self._refresh_errors({hub_field_name(key): str(problem) for key, problem in error.fields.items()})
        return False
