"""Login links: the vendor's roster export against the shared students, per school, with the CSV to send."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.support.linkcheck import (
    LINKS_OUTCOME_ORDER,
    PLAIN_WORDS,
    SHORT_WORDS,
    WHO_ACTS,
    LinkCheck,
    StudentLink,
    check_login_links,
    read_vendor_roster,
)
from wizard.support.run import LINKS_FILE, write_links_csv
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.support.chart import BarChart
from wizard.ui.support.widgets import Host, ask_save_path, fill_table, fit_height, make_table, wrapping_label
from wizard.ui.widgets.login_rehearsal import LoginRehearsal, Pick, student_pick

MAX_NAMES = 500  # rows named on the tab; the export has everyone
VISIBLE_NAMES = 12  # rows the names table shows before it scrolls


class LinksTab(QWidget):
    def __init__(self, host: Host, on_checked: Callable[[LinkCheck], None]) -> None:
        super().__init__()
        self.host = host
        self.on_checked = on_checked
        layout = QVBoxLayout(self)
        intro = wrapping_label(
            self.tr(
                "Load the vendor's current roster export (CSV or Excel). Each shared student's SIS id must be an "
                "account's ExternalID for Instant Login to sign them into that account."
            )
        )
        self.roster_edit = QLineEdit()
        self.roster_edit.setAccessibleName(self.tr("Vendor roster file"))
        self.roster_edit.setPlaceholderText(self.tr("The vendor's roster export"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        self.check_button = QPushButton(self.tr("&Run the check"))
        self.check_button.clicked.connect(self.check)
        row = QHBoxLayout()
        row.addWidget(self.roster_edit, 1)
        row.addWidget(browse)
        row.addWidget(self.check_button)
        self.summary = wrapping_label()
        self.table = make_table(
            [
                self.tr("School"),
                self.tr("Shared"),
                self.tr("Linked"),
                self.tr("Not linked"),
                self.tr("Unclaimed accounts"),
                self.tr("Why not"),
            ]
        )
        self.table.setAccessibleName(self.tr("Login links by school"))
        self.table.setWordWrap(True)
        self.names = make_table(
            [
                self.tr("School"),
                self.tr("Student"),
                self.tr("SIS id"),
                self.tr("Why not"),
                self.tr("What to do"),
            ]
        )
        self.names.setAccessibleName(self.tr("Students who will not link, by school"))
        self.names_note = wrapping_label()
        self.chart = BarChart()
        self.chart.setAccessibleName(self.tr("Linked and not linked students by school"))
        self.legend = wrapping_label()
        self.only_problems = QCheckBox(self.tr("Only students and accounts that will &not link"))
        self.only_problems.setChecked(True)
        self.export_button = QPushButton(self.tr("&Export CSV…"))
        self.export_button.clicked.connect(self._choose_export)
        self.export_note = wrapping_label()
        export_row = QHBoxLayout()
        export_row.addWidget(self.only_problems)
        export_row.addStretch(1)
        export_row.addWidget(self.export_button)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(self.names)
        layout.addWidget(self.names_note)
        layout.addWidget(self.chart)
        layout.addWidget(self.legend)
        layout.addStretch(1)
        # “Sign in as this student” runs on the roster the check read; the window shows it on its own tab.
        self.rehearsal = LoginRehearsal(self._rehearse)
        layout.addLayout(export_row)
        layout.addWidget(self.export_note)
        self.show_links(None)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("The vendor's roster export"),
            str(self.host.folders.start()),
            self.tr("Rosters (*.csv *.tsv *.txt *.xlsx);;All files (*)"),
        )
        if path:
            self.host.folders.remember(Path(path))
            self.roster_edit.setText(path)

    def check(self) -> None:
        run, text = self.host.run, self.roster_edit.text().strip()
        if run is None:
            return
        if not text:
            self.host.show_problem(
                self.tr("Choose the vendor's roster export first."), self.tr("Use Browse… to pick the file.")
            )
            return
        path = Path(text)

        def task(progress: ProgressCallback, cancel: CancelToken) -> LinkCheck:
            return check_login_links(run.snapshot, read_vendor_roster(path), progress, cancel)

        self.host.run_task(task, self.on_checked, self.tr("Checking login links…"))

    def show_links(self, links: LinkCheck | None) -> None:
        self.export_note.clear()
        self.export_button.setEnabled(links is not None)
        self._offer_rehearsal(links)
        if links is None:
            self.summary.setText(self.tr("Not checked yet."))
            self.table.setRowCount(0)
            self.names.setRowCount(0)
            self.names_note.clear()
            self.legend.clear()
            self.chart.set_data([], [])
            return
        self.summary.setText(self._headline(links))
        fill_table(
            self.table,
            [
                [
                    s.school,
                    str(s.shared),
                    str(s.linked),
                    str(s.not_linked_total),
                    str(s.unclaimed_accounts),
                    "\n".join(f"{n} {SHORT_WORDS[o]}" for o, n in s.not_linked.most_common()),
                ]
                for s in links.schools
            ],
            {1, 2, 3, 4},
        )
        self.table.resizeRowsToContents()
        default_height = self.table.verticalHeader().defaultSectionSize()
        for row in range(self.table.rowCount()):
            self.table.setRowHeight(row, max(self.table.rowHeight(row), default_height))
        fit_height(self.table)
        self._show_names(links)
        seen = [o for o in LINKS_OUTCOME_ORDER if any(s.not_linked.get(o) for s in links.schools)]
        self.legend.setText(
            "<br>".join(f"<b>{SHORT_WORDS[o]}</b>: {PLAIN_WORDS[o]} — {WHO_ACTS[o]} must act." for o in seen)
        )
        charted = [s for s in links.schools if s.shared]  # a school with only unclaimed accounts has no bars
        self.chart.set_data(
            [s.school for s in charted],
            [
                (self.tr("linked"), [s.linked for s in charted]),
                (self.tr("not linked"), [s.not_linked_total for s in charted]),
            ],
        )

    def _offer_rehearsal(self, links: LinkCheck | None) -> None:
        if links is None:
            self.rehearsal.set_students([])
            self.rehearsal.set_roster(
                None,
                "",
                self.tr(
                    "Run the login-link check first (Login links): the rehearsal's app signs students in "
                    "against the vendor roster that check read."
                ),
            )
            return
        self.rehearsal.set_students(
            [
                student_pick(
                    link.student.name, link.school, link.student.grade, link.student.sis_id or "", link
                )
                for link in links.students
            ]
        )
        self.rehearsal.set_roster(
            links.roster_path,
            self.tr("the roster this check read ({name})").format(name=links.roster_path.name),
        )

    def _rehearse(self, pick: Pick, roster_path: Path) -> None:
        link = pick.item
        assert isinstance(link, StudentLink)
        self.host.run_task(
            lambda progress, cancel: self.host.rehearse(link, roster_path),
            lambda outcome: self.rehearsal.show_outcome(pick, outcome),
            self.tr("Signing {name} in to the app…").format(name=pick.name),
        )

    def _show_names(self, links: LinkCheck) -> None:
        """Who will not link, by name and school, with why and what to do (the export has every column)."""
        students = [student for school in links.schools for student in school.not_linked_students]
        shown = students[:MAX_NAMES]
        fill_table(
            self.names,
            [
                [
                    link.school,
                    link.student.name or self.tr("(no name)"),
                    link.student.sis_id or "",
                    PLAIN_WORDS[link.outcome],
                    link.fix(links.app_title),
                ]
                for link in shown
            ],
        )
        fit_height(self.names)
        if len(shown) > VISIBLE_NAMES:  # a long list scrolls inside the table
            rows = sum(self.names.rowHeight(r) for r in range(VISIBLE_NAMES))
            self.names.setFixedHeight(
                self.names.horizontalHeader().height() + rows + 2 * self.names.frameWidth()
            )
        self.names.setVisible(bool(shown))
        hidden = len(students) - len(shown)
        without_school = len(links.accounts_without_school)
        notes = []
        if hidden:
            notes.append(self.tr("… and {n} more students: Export CSV lists them all.").format(n=hidden))
        if without_school:
            notes.append(
                self.tr(
                    "Unclaimed vendor accounts with no school in the vendor's roster: {n} (counted in the "
                    "totals above, in no school's row)."
                ).format(n=without_school)
            )
        self.names_note.setText(" ".join(notes))

    def _headline(self, links: LinkCheck) -> str:
        worst = links.worst_school()
        headline = (
            self.tr("<b>{n} students at {school} will not be linked.</b> ").format(
                n=worst.not_linked_total, school=worst.school
            )
            if worst
            else self.tr("<b>Every shared student will be linked.</b> ")
        )
        return headline + self.tr(
            "In all: {linked} linked, {not_linked} not linked, {accounts} vendor accounts no shared student points to."
        ).format(linked=links.linked, not_linked=links.not_linked, accounts=len(links.accounts))

    def _choose_export(self) -> None:
        title = self.tr("Export the login-link check")
        path = ask_save_path(self, self.host.folders, title, LINKS_FILE, self.tr("CSV (*.csv)"))
        if path:
            self.export_links(path)

    def export_links(self, path: Path) -> None:
        run, only = self.host.run, self.only_problems.isChecked()
        links = run.links if run else None
        if links is None:
            return

        def task(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return write_links_csv(links, path, only_problems=only)

        self.host.run_task(
            task,
            lambda saved: self.export_note.setText(self.tr("Saved {path}").format(path=saved)),
            self.tr("Exporting…"),
        )
