"""Sharing permissions: which of the district's data the app may see, with a live preview of the counts.

Five sharing types, each explained in one line, the app's recommendation marked; a checkable school and
section tree with search; a rules builder; Save. Once the vendor has confirmed, the type is locked (the hub
answers 409 sharing_type_locked) and the page says why, while sections can still be added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeView,
    QVBoxLayout,
)

from wizard.flow import PageId
from wizard.hub.errors import Conflict, ValidationFailed
from wizard.hub.models import Connection, SharedCounts, Sharing, SharingSettings
from wizard.hub.models import SharingRule as HubRule
from wizard.session.context import WizardContext
from wizard.session.questions import Question
from wizard.session.school_site import (
    SCHOOL_SITE,
    SchoolSiteRow,
    TechLeadDesk,
    opted_in_summary,
    school_site_rows,
)
from wizard.session.sharing import (
    SAVE_AND_LOCK,
    SHARING_TYPES,
    lock_note,
    lock_question,
    save_locks_type,
    vendor_moved_note,
)
from wizard.session.text import plural
from wizard.state import SharingRule
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage, ConnectionWatch
from wizard.ui.widgets.choices import add_choices
from wizard.ui.widgets.look import set_tone
from wizard.ui.widgets.sharing_rules import RuleRow
from wizard.ui.widgets.tech_lead import TechLeadDialog

if TYPE_CHECKING:
    from wizard.hub.models import App
    from wizard.session.hub_access import Directory

ID_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
PREVIEW_DELAY_MS = 400
SITE_HEADERS = ("School", "Tech lead", "Opted in", "What is shared", "Students", "Teachers", "Sections")
SITE_NUMBERS = frozenset({4, 5, 6})


class SharingPage(BasePage):
    page_id = PageId.SHARING

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(
            self.tr(
                "Decide what the app may see. You can add schools or sections later; once the vendor has "
                "confirmed, the sharing type itself stays as it is."
            )
        )
        top = QHBoxLayout()
        type_box = QGroupBox(self.tr("Sharing type"))
        type_layout = QVBoxLayout(type_box)
        self.type_group = QButtonGroup(self)
        made = add_choices(type_layout, self.type_group, SHARING_TYPES, self.tr)
        self.type_buttons = {value: button for value, (button, _note) in made.items()}
        self.type_notes = {value: note for value, (_button, note) in made.items()}
        self.recommendation = QLabel()
        self.recommendation.setObjectName("okNote")
        self.recommendation.setWordWrap(True)
        self.recommendation.hide()  # shown with the app's reason once loaded; never an empty green box
        self.lock_note = QLabel()
        self.lock_note.setObjectName("warnNote")
        self.lock_note.setWordWrap(True)
        self.lock_note.hide()
        # What the vendor does while the page is shown (accepting the connection) is noticed and said here.
        self.vendor_note = QLabel()
        self.vendor_note.setObjectName("okNote")
        self.vendor_note.setWordWrap(True)
        self.vendor_note.hide()
        type_layout.addWidget(self.recommendation)
        type_layout.addWidget(self.vendor_note)
        type_layout.addWidget(self.lock_note)
        type_layout.addStretch(1)
        top.addWidget(type_box, 1)

        # The picker: schools and their sections, checkable, with search.
        self.picker_box = QGroupBox(self.tr("Schools and sections"))
        picker_layout = QVBoxLayout(self.picker_box)
        self.tree_search = QLineEdit()
        self.tree_search.setPlaceholderText(self.tr("Search schools and sections"))
        self.tree_search.setAccessibleName(self.tr("Search schools and sections"))
        self.tree_search.setClearButtonEnabled(True)
        self.tree_model = QStandardItemModel(self)
        self.tree_model.setHorizontalHeaderLabels([self.tr("School or section")])
        self.tree_proxy = QSortFilterProxyModel(self)
        self.tree_proxy.setSourceModel(self.tree_model)
        self.tree_proxy.setRecursiveFilteringEnabled(True)
        self.tree_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_proxy)
        self.tree.setAccessibleName(self.tr("Schools and sections to share"))
        self.tree.setHeaderHidden(True)
        picker_layout.addWidget(self.tree_search)
        picker_layout.addWidget(self.tree, 1)
        top.addWidget(self.picker_box, 1)
        self.content.addLayout(top, 1)

        self.rules_box = QGroupBox(self.tr("Rules (all must match)"))
        rules_layout = QVBoxLayout(self.rules_box)
        self.rule_rows_layout = QVBoxLayout()
        self.add_rule_button = QPushButton(self.tr("Add a &rule"))
        self.add_rule_button.setAccessibleName(self.tr("Add a rule"))
        rules_layout.addLayout(self.rule_rows_layout)
        rules_layout.addWidget(self.add_rule_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(self.rules_box)

        self.content.addWidget(self._school_site_box())

        bottom = QHBoxLayout()
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setAccessibleName(self.tr("What would be shared"))
        self.preview.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Sa&ve sharing"))
        self.save_button.setAccessibleName(self.tr("Save sharing"))
        self.saved_note = QLabel()
        bottom.addWidget(self.preview, 1)
        bottom.addWidget(self.saved_note)
        bottom.addWidget(self.save_button)
        self.content.addLayout(bottom)

        self.rule_rows: list[RuleRow] = []
        self._locked_type = ""
        self._saved = False
        self._loading = False
        self.preview_timer = self.make_timer(PREVIEW_DELAY_MS, self._preview)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setObjectName("sharingPreview")
        self.watch = ConnectionWatch(self, self._vendor_moved, "sharingConnectionPoll")
        self.type_group.buttonToggled.connect(self._type_changed)
        self.tree_search.textChanged.connect(self._search)
        self.tree_model.itemChanged.connect(self._item_changed)
        self.add_rule_button.clicked.connect(lambda: self._add_rule(SharingRule()))
        self.save_button.clicked.connect(self._save)

    def _school_site_box(self) -> QGroupBox:
        """School-site sharing: per chosen school its tech lead, opted in or not, what is shared, counts."""
        self.site_box = QGroupBox(self.tr("School sites: each chosen school's tech lead decides"))
        layout = QVBoxLayout(self.site_box)
        self.site_summary = QLabel()
        self.site_summary.setWordWrap(True)
        self.site_summary.setAccessibleName(self.tr("School sites opted in"))
        self.site_table = QTableWidget(0, len(SITE_HEADERS))
        self.site_table.setHorizontalHeaderLabels([self.tr(h) for h in SITE_HEADERS])
        self.site_table.setAccessibleName(self.tr("Each school's tech lead and what it shares"))
        self.site_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.site_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.site_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.site_table.verticalHeader().hide()
        header = self.site_table.horizontalHeader()
        for column in range(len(SITE_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.site_table.setMaximumHeight(self.fontMetrics().lineSpacing() * 9)
        buttons = QHBoxLayout()
        self.refresh_sites_button = QPushButton(self.tr("Re&fresh"))
        self.refresh_sites_button.setAccessibleName(self.tr("Refresh what each school decided"))
        self.act_as_lead_button = QPushButton(self.tr("Act as this school's &tech lead…"))
        self.act_as_lead_button.setAccessibleName(self.tr("Act as the selected school's tech lead"))
        self.act_as_lead_button.setToolTip(
            self.tr(
                "Opens the tech lead's own window, signed in with the token this computer kept when you "
                "added them on the Staff admins step."
            )
        )
        self.act_as_lead_button.setEnabled(False)
        self.lead_sign_in_button = QPushButton(self.tr("Sign in as a school tech &lead…"))
        self.lead_sign_in_button.setAccessibleName(self.tr("Sign in as a school tech lead with their token"))
        buttons.addWidget(self.refresh_sites_button)
        buttons.addStretch(1)
        buttons.addWidget(self.lead_sign_in_button)
        buttons.addWidget(self.act_as_lead_button)
        layout.addWidget(self.site_summary)
        layout.addWidget(self.site_table)
        layout.addLayout(buttons)
        self.site_box.hide()
        self.site_rows: list[SchoolSiteRow] = []
        self.tech_lead_dialog: TechLeadDialog | None = None
        self.refresh_sites_button.clicked.connect(self.refresh_sites)
        self.site_table.itemSelectionChanged.connect(self._site_selected)
        self.act_as_lead_button.clicked.connect(self.act_as_tech_lead)
        self.lead_sign_in_button.clicked.connect(lambda: self.open_tech_lead(""))
        return self.site_box

    # --- loading -------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        connection_id = self.ctx.state.app.connection_id
        self.recommendation.hide()

        def load(progress: ProgressCallback, cancel: CancelToken) -> tuple[Sharing, Directory, App | None]:
            hub = self.ctx.district_hub()
            return hub.sharing(connection_id), hub.directory(), self.ctx.chosen_app()

        self.run_task(load, self._loaded, message=self.tr("Loading your schools and the current sharing…"))

    def _loaded(self, loaded: tuple[Sharing, Directory, App | None]) -> None:
        sharing, directory, app = loaded
        self._loading = True
        state = self.ctx.state.sharing
        saved = sharing.settings
        self._saved = bool(saved.type)
        if saved.type:  # the hub's saved setting wins over a local draft
            state.sharing_type = saved.type
            state.school_ids = list(saved.school_ids)
            state.section_ids = list(saved.section_ids)
            state.rules = [SharingRule(r.record_type, r.field, r.op, r.value) for r in saved.rules]
        self._fill_tree(directory, set(state.school_ids), set(state.section_ids))
        for row in list(self.rule_rows):
            self._remove_rule(row)
        for rule in state.rules:
            self._add_rule(rule)
        recommended = (app.recommended_sharing if app is not None else None) or ""
        for value, button in self.type_buttons.items():
            label = self.tr(SHARING_TYPES[value][0])
            button.setText(label + (self.tr("  (recommended)") if value == recommended else ""))
        reason = app.recommended_sharing_reason if app is not None else ""
        self.recommendation.setText(
            self.tr("Recommended for {app}: {reason}").format(
                app=app.name if app is not None else "", reason=reason
            )
        )
        self.recommendation.setVisible(bool(reason))
        self._apply_lock(sharing)
        chosen = state.sharing_type or recommended
        if chosen in self.type_buttons and self.type_buttons[chosen].isEnabled():
            self.type_buttons[chosen].setChecked(True)
        self._type_changed()  # still loading: shows the right picker without marking anything changed
        self._loading = False
        self._show_counts(sharing.counts, saved=self._saved)
        self._show_sites(sharing)
        self._show_saved()
        if not self._saved and self.selected_type():
            self.preview_timer.start()  # a local draft: show what it would share

    def _apply_lock(self, sharing: Sharing) -> None:
        """Once the vendor has confirmed, only the saved type stays choosable; the reason is shown."""
        saved = sharing.settings
        self._locked_type = saved.type if sharing.locked and saved.type else ""
        # Said here rather than in the hub's words, so the note names what this type still lets you change.
        self.lock_note.setText(self.tr(lock_note(self._locked_type)))
        self.lock_note.setVisible(bool(self._locked_type))
        for value, button in self.type_buttons.items():
            button.setEnabled(not self._locked_type or value == self._locked_type)

    def _fill_tree(self, directory: Directory, schools: set[str], sections: set[str]) -> None:
        self.tree_model.removeRows(0, self.tree_model.rowCount())
        school_items: dict[str, QStandardItem] = {}
        for school in directory.schools:
            item = QStandardItem(school.name)
            item.setData(school.id, ID_ROLE)
            item.setData("school", KIND_ROLE)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if school.id in schools else Qt.CheckState.Unchecked)
            self.tree_model.appendRow(item)
            school_items[school.id] = item
        for section in directory.sections:
            parent = school_items.get(section.school_id)
            if parent is None:
                continue
            item = QStandardItem(section.name)
            item.setData(section.id, ID_ROLE)
            item.setData("section", KIND_ROLE)
            item.setCheckable(True)
            item.setEditable(False)
            checked = section.id in sections
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            parent.appendRow(item)

    # --- editing -------------------------------------------------------------------------------------------
    def selected_type(self) -> str:
        button = self.type_group.checkedButton()
        return str(button.property("choice")) if button is not None else ""

    def _type_changed(self, *_args: object) -> None:
        kind = self.selected_type()
        self.picker_box.setVisible(kind in {"schools", "school_site", "sections"})
        self.rules_box.setVisible(kind == "rules")
        self.site_box.setVisible(kind == SCHOOL_SITE)
        self._set_checkable(kind)
        if not self._loading:
            self._changed()

    def _set_checkable(self, kind: str) -> None:
        """Schools are picked for school types, sections for the sections type (only those get boxes)."""
        for row in range(self.tree_model.rowCount()):
            school = self.tree_model.item(row)
            school.setCheckable(kind in {"schools", "school_site"})
            for child_row in range(school.rowCount()):
                school.child(child_row).setCheckable(kind == "sections")
        self.tree.expandAll() if kind == "sections" else self.tree.collapseAll()

    def _search(self, text: str) -> None:
        self.tree_proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()

    def _item_changed(self, _item: QStandardItem) -> None:
        if not self._loading:
            self._changed()

    def _add_rule(self, rule: SharingRule) -> None:
        row = RuleRow(rule)
        row.remove.clicked.connect(lambda: self._rule_removed(row))
        for combo in (row.record_type, row.field, row.op):
            combo.currentIndexChanged.connect(lambda _i: self._changed())
        row.value.textEdited.connect(lambda _t: self._changed())
        self.rule_rows.append(row)
        self.rule_rows_layout.addWidget(row)
        if not self._loading:
            row.value.setFocus()
            self._changed()

    def _rule_removed(self, row: RuleRow) -> None:
        self._remove_rule(row)
        self._changed()

    def _remove_rule(self, row: RuleRow) -> None:
        self.rule_rows.remove(row)
        row.setParent(None)
        row.deleteLater()

    def checked_ids(self, kind: str) -> list[str]:
        found: list[str] = []
        for row in range(self.tree_model.rowCount()):
            school = self.tree_model.item(row)
            items = [school] + [school.child(i) for i in range(school.rowCount())]
            for item in items:
                if (
                    item.data(KIND_ROLE) == kind
                    and item.isCheckable()
                    and item.checkState() == Qt.CheckState.Checked
                ):
                    found.append(str(item.data(ID_ROLE)))
        return found

    def current_sharing(self) -> SharingSettings:
        kind = self.selected_type()
        return SharingSettings(
            type=kind or None,
            school_ids=tuple(self.checked_ids("school")) if kind in {"schools", "school_site"} else (),
            section_ids=tuple(self.checked_ids("section")) if kind == "sections" else (),
            rules=tuple(HubRule(**vars(row.rule())) for row in self.rule_rows) if kind == "rules" else (),
        )

    def _changed(self) -> None:
        if self._loading:
            return
        sharing = self.current_sharing()
        state = self.ctx.state.sharing
        state.sharing_type = sharing.type or ""
        state.school_ids, state.section_ids = list(sharing.school_ids), list(sharing.section_ids)
        state.rules = [SharingRule(r.record_type, r.field, r.op, r.value) for r in sharing.rules]
        state.saved = False
        self._saved = False
        self.ctx.save()
        self._show_saved()
        self.preview_timer.start()  # restarts: one preview once the admin pauses

    def _preview(self) -> None:
        sharing, connection_id = self.current_sharing(), self.ctx.state.app.connection_id
        if not sharing.type:
            return
        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().preview_sharing(connection_id, sharing),
            self._previewed,
            message=self.tr("Counting what would be shared…"),
            quiet=True,
            on_error=self._preview_failed,
        )

    def _previewed(self, counts: SharedCounts) -> None:
        """A preview answered after the sharing was saved is stale: the saved counts stay."""
        if not self._saved:
            self._show_counts(counts)

    def _preview_failed(self, error: object) -> bool:
        """A sharing the hub cannot use yet (e.g. no school picked) is shown next to the counts, not as an error."""
        if isinstance(error, ValidationFailed) and error.fields:
            self.preview.setText(" ".join(error.fields.values()))
            return True
        return False

    def _show_counts(self, counts: SharedCounts, *, saved: bool = False) -> None:
        lead = self.tr("Shared with the app:") if saved else self.tr("Would share:")
        self.preview.setText(
            self.tr("{lead} {schools}, {teachers}, {sections}, {students}").format(
                lead=lead,
                schools=plural(counts.schools, "school"),
                teachers=plural(counts.teachers, "teacher"),
                sections=plural(counts.sections, "section"),
                students=plural(counts.students, "student"),
            )
        )

    # --- school sites -------------------------------------------------------------------------------------
    def _show_sites(self, sharing: Sharing) -> None:
        """What each chosen school decided, as the hub saved it (school-site sharing only)."""
        saved_site = sharing.settings.type == SCHOOL_SITE
        self.site_rows = school_site_rows(sharing) if saved_site else []
        self.site_table.setRowCount(len(self.site_rows))
        for number, row in enumerate(self.site_rows):
            values = (
                row.school_name,
                row.tech_leads,
                self.tr("✓ Yes") if row.opted_in else self.tr("✗ Not yet"),
                self.tr(row.what),
                str(row.students),
                str(row.teachers),
                str(row.sections),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column in SITE_NUMBERS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.site_table.setItem(number, column, item)
        if saved_site and self.site_rows:
            self.site_summary.setText(
                self.tr(
                    "{opted}. Nothing of a school is shared until its tech lead opts in (the whole school or "
                    "chosen sections); add tech leads on the Staff admins step."
                ).format(opted=self.tr(opted_in_summary(self.site_rows)))
            )
        else:
            self.site_summary.setText(
                self.tr(
                    "Tick the schools whose tech leads may decide, then save: each school's decision shows here."
                )
            )
        self._site_selected()

    def refresh_sites(self) -> None:
        """Read again what each school decided (a tech lead may decide while the page is shown)."""
        connection_id = self.ctx.state.app.connection_id

        def refreshed(sharing: Sharing) -> None:
            self._show_sites(sharing)
            if self._saved:
                self._show_counts(sharing.counts, saved=True)

        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().sharing(connection_id),
            refreshed,
            message=self.tr("Reading what each school decided…"),
        )

    def selected_site(self) -> SchoolSiteRow | None:
        rows = self.site_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.site_rows):
            return None
        return self.site_rows[rows[0].row()]

    def _site_selected(self) -> None:
        site = self.selected_site()
        self.act_as_lead_button.setEnabled(site is not None and bool(site.tech_lead_emails))

    def act_as_tech_lead(self) -> None:
        """The demo's shortcut: the selected school's tech lead's own window, with the token this computer
        kept when it added them (read from the keyring off the GUI thread)."""
        site = self.selected_site()
        if site is None or not site.tech_lead_emails:
            return
        desk = TechLeadDesk(self.ctx)
        emails = site.tech_lead_emails

        def token(progress: ProgressCallback, cancel: CancelToken) -> str:
            return next((found for email in emails if (found := desk.saved_token(email))), "")

        def found(saved: str) -> None:
            self.open_tech_lead(saved, desk)

        self.run_task(token, found, message=self.tr("Opening the tech lead's window…"))

    def open_tech_lead(self, token: str, desk: TechLeadDesk | None = None) -> TechLeadDialog:
        """The tech lead's window; with a token it signs in at once (else the tech lead types theirs)."""
        if self.tech_lead_dialog is not None:
            self.tech_lead_dialog.close()
        dialog = TechLeadDialog(desk or TechLeadDesk(self.ctx), token, self)
        dialog.decided.connect(self.refresh_sites)
        dialog.finished.connect(lambda _result: self._tech_lead_closed(dialog))
        self.tech_lead_dialog = dialog
        dialog.show()
        if token:
            dialog.sign_in()
        return dialog

    def _tech_lead_closed(self, dialog: TechLeadDialog) -> None:
        if self.tech_lead_dialog is dialog:
            self.tech_lead_dialog = None
        dialog.deleteLater()

    def leave(self) -> None:
        if self.tech_lead_dialog is not None:
            self.tech_lead_dialog.close()
        super().leave()

    def cleanupPage(self) -> None:
        if self.tech_lead_dialog is not None:
            self.tech_lead_dialog.close()
        super().cleanupPage()

    def _save(self) -> None:
        sharing, connection_id = self.current_sharing(), self.ctx.state.app.connection_id
        if self._save_locks_type() and self.ask(self._lock_question(sharing.type or "")) != SAVE_AND_LOCK:
            return

        def saved(result: Sharing) -> None:
            self._apply_lock(result)
            self._saved = True
            self.ctx.state.sharing.saved = True
            self.ctx.save()
            self._show_counts(result.counts, saved=True)
            self._show_sites(result)
            self._show_saved()
            self.completeChanged.emit()

        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().save_sharing(connection_id, sharing),
            saved,
            message=self.tr("Saving the sharing…"),
            on_error=self._save_failed,
            retry=self._save,
        )

    def _save_locks_type(self) -> bool:
        return save_locks_type(self.ctx.state, self._locked_type)

    def _lock_question(self, sharing_type: str) -> Question:
        return lock_question(sharing_type)

    def _save_failed(self, error: object) -> bool:
        """A locked type (409) is not worth a Retry: say why, and reload so the page shows the lock."""
        if isinstance(error, Conflict) and error.code == "sharing_type_locked":
            self.initializePage()
            self.show_error(error)  # after the reload starts, which clears the banner
            return True
        return False

    def _show_saved(self) -> None:
        self.saved_note.setText(self.tr("✓ Saved") if self._saved else self.tr("Not saved yet"))
        set_tone(self.saved_note, "okNote" if self._saved else "warnNote")
        self.save_button.setEnabled(bool(self.selected_type()))
        self.completeChanged.emit()

    # --- noticing the vendor while shown -------------------------------------------------------------------
    def shown(self) -> None:
        self.watch.start()

    def _vendor_moved(self, connection: Connection) -> None:
        """The vendor accepted (or rejected) while the page is shown: say so, and take the hub's sharing
        afresh, so a type the vendor's confirmation locked shows as locked and saving asks first."""
        note = vendor_moved_note(connection.status, self.ctx.state.app.app_name, saved=self._saved)
        self.vendor_note.setText(self.tr(note.text))
        self.vendor_note.setVisible(bool(note.text))
        set_tone(self.vendor_note, note.tone)
        connection_id = self.ctx.state.app.connection_id
        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().sharing(connection_id),
            self._apply_lock,
            message=self.tr("Checking the sharing with the hub…"),
            quiet=True,
        )

    def ready(self) -> bool:
        return self._saved

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True
