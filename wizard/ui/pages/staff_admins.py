"""Staff admins (optional): add, list and remove the colleagues who also manage the district on the hub.

Each role is explained in plain words; the form is checked as it is typed; a school tech lead gets the schools
they look after. The hub refuses a second staff admin with the same email: that is shown under the email field.
Everything goes through the Qt-free controller `wizard.session.staff.StaffAdmins`, inside Workers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.flow import PageId
from wizard.hub.models import RosterSchool
from wizard.session.context import WizardContext
from wizard.session.staff import (
    ROLES,
    Added,
    DraftRefused,
    DuplicateEmail,
    StaffAdmins,
    StaffDraft,
    StaffOverview,
    describe,
    draft_problems,
)
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.look import repolish, set_tone
from wizard.wire.onboarding import StaffAdminOut
from wizard.wire.vocab import StaffRole

NAME_COLUMN, EMAIL_COLUMN, ROLE_COLUMN, SCHOOLS_COLUMN = range(4)


class StaffAdminsPage(BasePage):
    page_id = PageId.STAFF_ADMINS

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.staff = StaffAdmins(ctx)
        self.setSubTitle(
            self.tr(
                "Optional: add the colleagues who will also manage your district on the hub, each with a role. "
                "Nobody to add now? Choose Next; you can come back to this step."
            )
        )
        columns = QHBoxLayout()

        # --- the form ---
        form_box = QGroupBox(self.tr("Add a staff member"))
        form_column = QVBoxLayout(form_box)
        form = QFormLayout()
        self.name = QLineEdit()
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@district.org")
        self.errors: dict[str, QLabel] = {}
        for key, label_text, widget in (
            ("name", self.tr("&Name"), self.name),
            ("email", self.tr("&Email"), self.email),
        ):
            widget.setAccessibleName(label_text.replace("&", ""))
            label = QLabel(label_text)
            label.setBuddy(widget)
            holder = QVBoxLayout()
            holder.setSpacing(2)
            holder.addWidget(widget)
            holder.addWidget(self._error_label(key))
            form.addRow(label, holder)
            widget.textEdited.connect(lambda _t, k=key: self._edited(k))
        form_column.addLayout(form)

        roles_box = QGroupBox(self.tr("Role"))
        roles_layout = QVBoxLayout(roles_box)
        self.role_group = QButtonGroup(self)
        self.role_buttons: dict[StaffRole, QRadioButton] = {}
        mnemonics = {
            StaffRole.DISTRICT_ADMIN: self.tr("&District admin"),
            StaffRole.ADVANCED_USER: self.tr("Ad&vanced user"),
            StaffRole.SCHOOL_TECH_LEAD: self.tr("School &tech lead"),
        }
        for role in ROLES:
            button = QRadioButton(mnemonics[role])
            button.setAccessibleName(role.label)
            button.setAccessibleDescription(self.tr(role.plain_words))
            words = QLabel(self.tr(role.plain_words))
            words.setWordWrap(True)
            words.setIndent(24)
            self.role_group.addButton(button)
            roles_layout.addWidget(button)
            roles_layout.addWidget(words)
            self.role_buttons[role] = button
        self.role_buttons[StaffRole.DISTRICT_ADMIN].setChecked(True)
        form_column.addWidget(roles_box)

        self.schools_box = QWidget()
        schools_layout = QVBoxLayout(self.schools_box)
        schools_layout.setContentsMargins(0, 0, 0, 0)
        schools_label = QLabel(self.tr("The &schools this tech lead looks after"))
        self.schools = QListWidget()
        self.schools.setAccessibleName(self.tr("The schools this tech lead looks after"))
        self.schools.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        schools_label.setBuddy(self.schools)
        schools_layout.addWidget(schools_label)
        schools_layout.addWidget(self.schools)
        schools_layout.addWidget(self._error_label("schools"))
        self.schools_box.hide()
        form_column.addWidget(self.schools_box)

        self.add_button = QPushButton(self.tr("&Add staff member"))
        self.add_button.setAccessibleName(self.tr("Add staff member"))
        self.add_button.setEnabled(False)
        form_column.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        form_column.addStretch(1)
        columns.addWidget(form_box, 1)

        # --- the list ---
        list_box = QGroupBox(self.tr("Your district's staff admins"))
        list_layout = QVBoxLayout(list_box)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Email"), self.tr("Role"), self.tr("Schools")]
        )
        self.table.setAccessibleName(self.tr("Staff admins"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # fits the box: long emails and school lists are elided
        for column, mode in (
            (NAME_COLUMN, QHeaderView.ResizeMode.ResizeToContents),
            (EMAIL_COLUMN, QHeaderView.ResizeMode.Stretch),
            (ROLE_COLUMN, QHeaderView.ResizeMode.ResizeToContents),
            (SCHOOLS_COLUMN, QHeaderView.ResizeMode.Stretch),
        ):
            header.setSectionResizeMode(column, mode)
        self.empty_note = QLabel(self.tr("No staff admins yet: only you manage the district."))
        self.empty_note.setWordWrap(True)
        self.remove_button = QPushButton(self.tr("&Remove the selected staff member"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected staff member"))
        self.remove_button.setEnabled(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("What happened"))
        self.status.hide()
        self.token_row = QWidget()
        token_layout = QHBoxLayout(self.token_row)
        token_layout.setContentsMargins(0, 0, 0, 0)
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setAccessibleName(self.tr("The tech lead's sign-in token"))
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy the tech lead's sign-in token"))
        token_layout.addWidget(self.token, 1)
        token_layout.addWidget(self.copy_button)
        self.token_row.hide()
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.empty_note)
        list_layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        list_layout.addWidget(self.status)
        list_layout.addWidget(self.token_row)
        columns.addWidget(list_box, 1)
        self.content.addLayout(columns, 1)

        self._admins: list[StaffAdminOut] = []
        self._schools: list[RosterSchool] = []
        self._touched: set[str] = set()
        self.role_group.buttonToggled.connect(self._role_changed)
        self.schools.itemChanged.connect(lambda _item: self._edited("schools"))
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(
            lambda: self.remove_button.setEnabled(self._selected() is not None and not self.is_busy)
        )
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.token.text()))

    def _error_label(self, key: str) -> QLabel:
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        policy = error.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # an error appearing does not move the fields below
        error.setSizePolicy(policy)
        error.hide()
        self.errors[key] = error
        return error

    # --- loading -------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        self.run_task(
            lambda progress, cancel: self.staff.load(),
            self._loaded,
            message=self.tr("Loading your staff admins and schools…"),
        )

    def _loaded(self, overview: StaffOverview) -> None:
        self._schools = overview.schools
        self.schools.clear()
        for school in overview.schools:
            item = QListWidgetItem(school.name)
            item.setData(Qt.ItemDataRole.UserRole, school.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.schools.addItem(item)
        self._show_list(overview.staff)

    def _show_list(self, admins: list[StaffAdminOut]) -> None:
        self._admins = list(admins)
        names = {school.id: school.name for school in self._schools}
        self.table.setRowCount(len(admins))
        for row, admin in enumerate(admins):
            role = StaffRole(admin.role)
            values = (
                admin.name,
                admin.email,
                role.label,
                ", ".join(names.get(i, i) for i in admin.school_ids),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column == ROLE_COLUMN:
                    item.setToolTip(self.tr(role.plain_words))
                self.table.setItem(row, column, item)
        self.empty_note.setVisible(not admins)
        self.remove_button.setEnabled(False)
        self.staff.remember(self._admins, self._schools)

    # --- the form ------------------------------------------------------------------------------------------
    def selected_role(self) -> StaffRole:
        for role, button in self.role_buttons.items():
            if button.isChecked():
                return role
        return StaffRole.DISTRICT_ADMIN

    def draft(self) -> StaffDraft:
        chosen = tuple(
            str(self.schools.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.schools.count())
            if self.schools.item(row).checkState() == Qt.CheckState.Checked
        )
        return StaffDraft(self.name.text(), self.email.text(), self.selected_role(), chosen)

    def _role_changed(self, *_args: object) -> None:
        self.schools_box.setVisible(self.selected_role() is StaffRole.SCHOOL_TECH_LEAD)
        self._refresh_errors()

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self._refresh_errors()

    def _refresh_errors(self, server: dict[str, str] | None = None) -> None:
        problems = draft_problems(self.draft())
        if server:
            problems.update(server)
            self._touched.update(server)
        for key, label in self.errors.items():
            shown = problems.get(key, "") if key in self._touched else ""
            label.setText(self.tr(shown))
            label.setVisible(bool(shown))
            widget = {"name": self.name, "email": self.email, "schools": self.schools}[key]
            widget.setProperty("invalid", bool(shown))
            widget.setAccessibleDescription(shown)
            repolish(widget)
        self.add_button.setEnabled(not draft_problems(self.draft()) and not self.is_busy)

    def add(self) -> None:
        draft = self.draft()
        if draft_problems(draft):
            self._touched.update({"name", "email", "schools"})
            self._refresh_errors()
            return
        self.token_row.hide()
        self.run_task(
            lambda progress, cancel: self.staff.add(draft),
            self._added,
            message=self.tr("Adding {name}…").format(name=draft.name.strip()),
            on_error=self._add_failed,
            retry=self.add,
        )

    def _added(self, added: Added) -> None:
        admin = added.admin
        names = {school.id: school.name for school in self._schools}
        self._show_list([*self._admins, admin])
        text = self.tr("✓ Added {who}.").format(who=describe(admin, names))
        if added.token_kept:
            text += " " + self.tr(
                "Their own sign-in token is below, shown only now: give it to them privately (they sign in "
                "with it to decide their schools' sharing). This computer also keeps it in the keyring, so "
                "you can try their view from the Sharing step."
            )
        self._say(text, ok=True)
        token = added.token  # from the Worker: the keyring is never read on the GUI thread
        self.token.setText(token or "")
        self.token_row.setVisible(bool(token))
        self.name.clear()
        self.email.clear()
        for row in range(self.schools.count()):
            self.schools.item(row).setCheckState(Qt.CheckState.Unchecked)
        self._touched.clear()
        self._refresh_errors()
        self.name.setFocus()

    def _add_failed(self, error: object) -> bool:
        if isinstance(error, DuplicateEmail):
            self._refresh_errors({"email": error.message})
            self.email.setFocus()
            return True
        if isinstance(error, DraftRefused):
            self._refresh_errors(error.fields)
            return True
        return False

    # --- removing ------------------------------------------------------------------------------------------
    def _selected(self) -> StaffAdminOut | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self._admins):
            return None
        return self._admins[rows[0].row()]

    def remove_selected(self) -> None:
        admin = self._selected()
        if admin is None:
            return
        self.token_row.hide()
        self.run_task(
            lambda progress, cancel: self.staff.remove(admin),
            self._removed,
            message=self.tr("Removing {name}…").format(name=admin.name),
        )

    def _removed(self, removed: StaffAdminOut) -> None:
        self._show_list([admin for admin in self._admins if admin.id != removed.id])
        self._say(
            self.tr("✓ Removed {name} <{email}>.").format(name=removed.name, email=removed.email), ok=True
        )

    def _say(self, text: str, *, ok: bool) -> None:
        self.status.setText(text)
        set_tone(self.status, "okNote" if ok else "warnNote")
        self.status.show()

    def leave(self) -> None:
        self.token.clear()  # the tech lead's token is shown once, not whenever the page comes back
        self.token_row.hide()
        super().leave()

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True
