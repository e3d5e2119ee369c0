"""Add and authorize the app: a searchable catalog, the data it asks for in plain words, then a live status
timeline with the vendor's questions and a reply box. Waiting can last days: the page resumes where it was."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from wizard.flow import PageId
from wizard.session.connection import (
    CONNECTED,
    MILESTONES,
    PENDING_AUTHORIZATION,
    REJECTED,
    history_sentence,
    status_words,
)
from wizard.session.context import WizardContext
from wizard.session.text import plural, when
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.icons import icon_from_bytes
from wizard.ui.widgets.look import set_tone

if TYPE_CHECKING:
    from wizard.hub.models import App, Connection, HistoryEvent

APP_ROLE = Qt.ItemDataRole.UserRole + 1


class AddAppPage(BasePage):
    page_id = PageId.ADD_APP

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(self.tr("Find the app, check what it will see, and authorize it."))
        splitter = QSplitter()
        # Left: the catalog.
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        search_label = QLabel(self.tr("&Search the app catalog"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("App or vendor name"))
        self.search.setAccessibleName(self.tr("Search the app catalog"))
        self.search.setClearButtonEnabled(True)
        search_label.setBuddy(self.search)
        self.catalog = QStandardItemModel(self)
        self.app_list = QListView()
        self.app_list.setModel(self.catalog)
        self.app_list.setIconSize(QSize(40, 40))
        self.app_list.setAccessibleName(self.tr("Apps"))
        self.app_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        left_layout.addWidget(search_label)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.app_list, 1)
        self.no_match = QLabel(self.tr("No app matches your search. Try the vendor's name."))
        self.no_match.setWordWrap(True)
        self.no_match.hide()
        left_layout.addWidget(self.no_match)
        splitter.addWidget(left)
        # Right: details, then the timeline.
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.details = QLabel(self.tr("Choose an app on the left."))
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAccessibleName(self.tr("About the app"))
        self.authorize_button = QPushButton(self.tr("&Add and authorize this app"))
        self.authorize_button.setAccessibleName(self.tr("Add and authorize this app"))
        self.authorize_button.setEnabled(False)
        right_layout.addWidget(self.details)
        right_layout.addWidget(self.authorize_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.timeline_box = QGroupBox(self.tr("Status"))
        timeline_layout = QVBoxLayout(self.timeline_box)
        steps = QHBoxLayout()
        self.milestones: list[QLabel] = []
        for name, _statuses in MILESTONES:
            label = QLabel()
            label.setAccessibleName(self.tr(name))
            steps.addWidget(label)
            self.milestones.append(label)
        steps.addStretch(1)
        self.status_text = QLabel()
        self.status_text.setWordWrap(True)
        self.status_text.setObjectName("warnNote")
        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self.history.setAccessibleName(self.tr("History of the request"))
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setObjectName("warnNote")
        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText(self.tr("Your answer to the vendor"))
        self.reply.setAccessibleName(self.tr("Your answer to the vendor"))
        self.reply.setTabChangesFocus(True)
        self.reply.setMaximumHeight(90)
        self.send_button = QPushButton(self.tr("Send &answer"))
        self.send_button.setAccessibleName(self.tr("Send answer"))
        timeline_layout.addLayout(steps)
        timeline_layout.addWidget(self.status_text)
        timeline_layout.addWidget(self.history, 1)
        timeline_layout.addWidget(self.question)
        timeline_layout.addWidget(self.reply)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.mailbox_button())  # the hub emails the vendor's question and acceptance
        answer_row.addStretch(1)
        answer_row.addWidget(self.send_button)
        timeline_layout.addLayout(answer_row)
        right_layout.addWidget(self.timeline_box, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        self.content.addWidget(splitter, 1)

        self._connection: Connection | None = None
        self._seen_when_opened = 0
        # Each request of the admin's own (authorize, reply) starts a new generation; a poll sent before it
        # carries an older answer, which must not overwrite the newer one when it arrives after it.
        self._generation = 0
        self.poll_timer = self.make_timer(ctx.settings.connection_poll_ms, self._poll)
        self.poll_timer.setObjectName("connectionPoll")
        self.search.textChanged.connect(self._filter)
        self.app_list.selectionModel().currentChanged.connect(lambda *_: self._show_app())
        self.authorize_button.clicked.connect(self._authorize)
        self.send_button.clicked.connect(self._send_reply)
        self.reply.textChanged.connect(self._reply_edited)

    # --- catalog -------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        self._seen_when_opened = self.ctx.state.app.last_seen_history
        self.reply.setPlainText(self.ctx.state.app.reply_draft)
        self._connection = None
        self._render_connection()
        self.run_task(
            lambda progress, cancel: self.ctx.catalog(),
            self._catalog_loaded,
            message=self.tr("Loading the app catalog…"),
        )

    def _catalog_loaded(self, apps: list[tuple[App, bytes | None]]) -> None:
        self.catalog.clear()
        for app, icon in apps:
            item = QStandardItem(icon_from_bytes(icon), f"{app.name}\n{app.vendor}")
            item.setData(app, APP_ROLE)
            item.setData(f"{app.name}, {app.vendor}", Qt.ItemDataRole.AccessibleTextRole)
            self.catalog.appendRow(item)
        chosen = self.ctx.state.app.app_id
        for row in range(self.catalog.rowCount()):
            if self.catalog.item(row).data(APP_ROLE).id == chosen:
                self.app_list.setCurrentIndex(self.catalog.index(row, 0))
        self._filter(self.search.text())
        if self.ctx.state.app.connection_id:
            self._poll()

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        shown = 0
        for row in range(self.catalog.rowCount()):
            app = self.catalog.item(row).data(APP_ROLE)
            haystack = f"{app.name} {app.vendor} {app.description}".casefold()
            hidden = bool(needle) and needle not in haystack
            self.app_list.setRowHidden(row, hidden)
            shown += not hidden
        self.no_match.setVisible(self.catalog.rowCount() > 0 and shown == 0)

    def selected_app(self) -> App | None:
        index = self.app_list.currentIndex()
        if not index.isValid() or self.app_list.isRowHidden(index.row()):
            return None
        app: App = index.data(APP_ROLE)
        return app

    def _show_app(self) -> None:
        app = self.selected_app()
        if app is None:
            self.details.setText(self.tr("Choose an app on the left."))
            self.authorize_button.setEnabled(False)
            return
        scopes = "".join(f"<li>{html.escape(scope.description)}</li>" for scope in app.scopes)
        sync = (
            self.tr("Rosters reach the app through the hub's Secure Sync.")
            if app.uses_secure_sync
            else self.tr("This app keeps its own roster: you will prepare its student import file next.")
        )
        self.details.setText(
            f"<h3>{html.escape(app.name)}</h3><p>{html.escape(app.vendor)} — {html.escape(app.description)}</p>"
            f"<p>{sync}</p><p><b>{self.tr('What it will be able to see:')}</b></p><ul>{scopes}</ul>"
        )
        connected_elsewhere = bool(self.ctx.state.app.connection_id) and self.ctx.state.app.app_id != app.id
        self.authorize_button.setEnabled(not connected_elsewhere and not self._connection_authorized())

    # --- connection ----------------------------------------------------------------------------------------
    def _authorize(self) -> None:
        app = self.selected_app()
        if app is None:
            return
        state = self.ctx.state.app
        state.app_id, state.app_name = app.id, app.name
        state.uses_secure_sync = app.uses_secure_sync
        self.ctx.save()
        scopes = [scope.name for scope in app.scopes]
        existing = state.connection_id
        self._generation += 1

        def add_and_authorize(progress: ProgressCallback, cancel: CancelToken) -> Connection:
            hub = self.ctx.district_hub()
            connection = hub.connection(existing) if existing else hub.add_connection(app.id)
            if connection.status in {PENDING_AUTHORIZATION, REJECTED}:
                connection = hub.authorize(connection.id, scopes)
            return connection

        self.run_task(
            add_and_authorize,
            self._connection_loaded,
            message=self.tr("Authorizing {app}…").format(app=app.name),
            retry=self._authorize,
        )

    def _poll(self) -> None:
        connection_id = self.ctx.state.app.connection_id
        if not connection_id:
            return
        generation = self._generation

        def fetch(progress: ProgressCallback, cancel: CancelToken) -> Connection:
            return self.ctx.district_hub().connection(connection_id)

        self.poll(
            fetch,
            lambda connection: self._polled(connection, generation),
            message=self.tr("Checking for news from the vendor…"),
        )

    def _polled(self, connection: Connection, generation: int) -> None:
        """A poll's answer, unless the admin's own request (a reply, the authorization) went out after the poll:
        still on its way, its answer is the newer one and comes next; already back, it was newer than this one
        (a stale answer here put the vendor's question back after the reply was accepted)."""
        if generation == self._generation and not self.is_busy:
            self._connection_loaded(connection)

    def _connection_loaded(self, connection: Connection) -> None:
        state = self.ctx.state.app
        state.connection_id = connection.id
        state.connection_status = connection.status
        self._connection = connection
        self.banner.clear()
        self._render_connection()
        state.last_seen_history = len(connection.history)
        self.ctx.save()
        if self.isVisible() and connection.status not in {CONNECTED, REJECTED}:
            if not self.poll_timer.isActive():
                self.poll_timer.start()
        else:
            self.poll_timer.stop()
        self.completeChanged.emit()

    def _connection_authorized(self) -> bool:
        return self._connection is not None and self._connection.status not in (
            PENDING_AUTHORIZATION,
            REJECTED,
        )

    def _render_connection(self) -> None:
        connection = self._connection
        status = connection.status if connection is not None else ""
        self.timeline_box.setVisible(bool(status))
        for label, (name, statuses) in zip(self.milestones, MILESTONES, strict=True):
            reached = status in statuses
            label.setText(("✓ " if reached else "○ ") + self.tr(name))
            set_tone(label, "okNote" if reached else "")
            label.setAccessibleDescription(self.tr("done") if reached else self.tr("not yet"))
        self.status_text.setText(self.tr(self._status_words(status)))
        set_tone(self.status_text, "okNote" if status == CONNECTED else "warnNote")
        self.history.clear()
        # Entries the admin had not seen when they last closed the wizard are marked, so a resumed
        # wizard shows at a glance what changed while they were away.
        seen = self._seen_when_opened
        events = connection.history if connection is not None else ()
        for number, event in enumerate(events):
            text = f"{when(event.at)} — {self.history_text(event)}"
            item = QListWidgetItem(("★ " + self.tr("New") + " · " if 0 < seen <= number else "") + text)
            self.history.addItem(item)
        news = len(events) - seen if seen else 0
        if news > 0:
            self.status_text.setText(
                self.tr("{news} since you last looked. ").format(
                    news=plural(news, "new entry", "new entries")
                )
                + self.status_text.text()
            )
        self.history.scrollToBottom()
        question = connection.open_question if connection is not None and connection.open_question else ""
        self.question.setText(self.tr("The vendor asks: {q}").format(q=question))
        for widget in (self.question, self.reply, self.send_button):
            widget.setVisible(bool(question))
        self._update_reply_button()
        app = self.selected_app()
        self.authorize_button.setEnabled(app is not None and not self._connection_authorized())

    def awaits_import(self, status: str | None = None) -> bool:
        """Whether the vendor waits on the district's import of its students (apps without Secure Sync)."""
        status = status if status is not None else self.ctx.state.app.connection_status
        return status == "vendor_requested_info" and self.ctx.state.app.uses_secure_sync is False

    def _status_words(self, status: str) -> str:
        return status_words(
            status, awaits_import=self.awaits_import(status), written=self.ctx.state.vendor.written
        )

    def history_text(self, event: HistoryEvent) -> str:
        """One history entry as a sentence: who did what, in plain words."""
        return self.tr(history_sentence(event, self.ctx.state.app.app_name or "the app", self._scope_words()))

    def _scope_words(self) -> str:
        """The authorized scopes as the catalog describes them (“Student names and grades”), not their ids."""
        granted = self._connection.scopes if self._connection is not None else ()
        app = self.selected_app()
        described = {scope.name: scope.description for scope in app.scopes} if app is not None else {}
        return "; ".join(described.get(name, name).rstrip(".") for name in granted) or self.tr("nothing")

    def shown(self) -> None:
        """Coming back from the vendor import step: show what the vendor did meanwhile. (Arriving forwards,
        the catalog is still loading; it polls once loaded, so the chosen app is selected first.)"""
        if self.ctx.state.app.connection_id and self.catalog.rowCount() > 0:
            self._poll()

    def _reply_edited(self) -> None:
        draft = self.reply.toPlainText()
        if draft != self.ctx.state.app.reply_draft:
            self.ctx.state.app.reply_draft = draft
            self.ctx.save()
        self._update_reply_button()

    def _update_reply_button(self) -> None:
        self.send_button.setEnabled(bool(self.reply.toPlainText().strip()) and not self.is_busy)

    def _send_reply(self) -> None:
        text = self.reply.toPlainText().strip()
        connection_id = self.ctx.state.app.connection_id
        self._generation += 1

        def send(progress: ProgressCallback, cancel: CancelToken) -> Connection:
            return self.ctx.district_hub().reply(connection_id, text)

        def sent(connection: Connection) -> None:
            self.reply.clear()  # only once the hub has it: a failed send keeps the text
            self._connection_loaded(connection)

        self.run_task(send, sent, message=self.tr("Sending your answer…"), retry=self._send_reply)

    def ready(self) -> bool:
        return self._connection_authorized()

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True
