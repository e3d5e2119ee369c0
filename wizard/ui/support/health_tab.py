"""Health: what the district shares with the app, by school (table and bars), and the data warnings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from wizard.support.export import write_report_csv
from wizard.support.health import HealthReport
from wizard.support.run import WARNING_COLUMNS, WARNINGS_FILE, SupportRun, warning_rows
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.support.chart import BarChart
from wizard.ui.support.widgets import (
    Host,
    ask_save_path,
    fill_table,
    fit_height,
    make_table,
    short_time,
    wrapping_label,
)


class HealthTab(QWidget):
    def __init__(self, host: Host) -> None:
        super().__init__()
        self.host = host
        layout = QVBoxLayout(self)
        self.summary = wrapping_label(self.tr("Sign in and choose a district."))
        self.counts_table = make_table(
            [self.tr("School"), self.tr("Teachers"), self.tr("Sections"), self.tr("Students")], stretch=0
        )
        self.counts_table.setAccessibleName(self.tr("Shared counts by school"))
        self.counts_chart = BarChart()
        self.counts_chart.setAccessibleName(self.tr("Students shared by school"))
        self.findings_table = make_table(
            [self.tr("Warning"), self.tr("Count"), self.tr("Who must act"), self.tr("Why it matters")]
        )
        self.findings_table.setAccessibleName(self.tr("Data warnings"))
        self.export_note = wrapping_label()
        self.export_button = QPushButton(self.tr("Export affected rec&ords…"))
        self.export_button.setToolTip(self.tr("Every record behind the warnings, as a CSV for the district"))
        self.export_button.clicked.connect(self._choose_export)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_note, 1)
        export_row.addWidget(self.export_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.counts_table)
        layout.addWidget(QLabel(self.tr("Students shared with the app, by school:")))
        layout.addWidget(self.counts_chart)
        layout.addWidget(QLabel(self.tr("Data warnings:")))
        layout.addWidget(self.findings_table)
        layout.addLayout(export_row)
        layout.addStretch(1)

    def show_run(self, run: SupportRun) -> None:
        health = run.health
        onboarding = run.onboarding.note if run.onboarding else ""
        self.summary.setText(
            self.tr(
                "<b>{name}</b> — {app}<br>Sync: {sync}, last sync {last}; launch {launch}.<br>{onboarding}<br>"
                "Shared: {schools} schools, {teachers} teachers, {sections} sections, {students} students."
            ).format(
                name=health.district_name,
                app=run.app_title,
                sync=health.sync_state or "unknown",
                last=short_time(health.last_sync),
                launch=health.launch_date or "not set",
                onboarding=onboarding,
                **health.totals,
            )
        )
        fill_table(
            self.counts_table,
            [[s.name, str(s.teachers), str(s.sections), str(s.students)] for s in health.by_school],
            {1, 2, 3},
        )
        fit_height(self.counts_table)
        self.counts_chart.set_data(
            [s.name for s in health.by_school],
            [(self.tr("students"), [s.students for s in health.by_school])],
        )
        fill_table(self.findings_table, self._finding_rows(health), {1})
        fit_height(self.findings_table)
        self.export_note.clear()

    def _finding_rows(self, health: HealthReport) -> list[list[str]]:
        rows = [[f.title, str(f.count), f.actor, f.explanation] for f in health.findings]
        rows += [
            [
                self.tr("Not checked: {what}").format(what=what),
                "",
                "app",
                self.tr("Your app may not read them."),
            ]
            for what in health.unreadable
        ]
        return rows or [[self.tr("No data problems found."), "", "", ""]]

    def _choose_export(self) -> None:
        title = self.tr("Export the affected records")
        path = ask_save_path(self, self.host.folders, title, WARNINGS_FILE, self.tr("CSV (*.csv)"))
        if path:
            self.export_warnings(path)

    def export_warnings(self, path: Path) -> None:
        run = self.host.run
        if run is None:
            return
        rows = warning_rows(run.health)

        def task(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return write_report_csv(rows, WARNING_COLUMNS, path)

        self.host.run_task(
            task,
            lambda saved: self.export_note.setText(self.tr("Saved {path}").format(path=saved)),
            self.tr("Exporting…"),
        )
