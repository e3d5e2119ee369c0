"""Prepare roster files: SIS exports in, hub-ready files out, every problem shown where it is.

Drop or pick files, folders or zips; the roster engine reads them in a worker (progress, Cancel) and pre-fills
the column mapping, which the admin can edit (remembered per district); the issue list filters live by
severity, code and text; the preview shows each output file with problem rows and cells highlighted. Export
writes the hub files to a folder. Online, the files are then uploaded with progress and the hub's processing
followed to the end, including approving an upload the hub put on hold. Everything up to the upload works
offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.fileio import write_text_atomically
from wizard.flow import PageId
from wizard.hub.models import Upload
from wizard.state import Mode, data_dir
from wizard.ui.models import (
    ERROR_BACKGROUND,
    ERROR_ROW_BACKGROUND,
    ERROR_ROW_TEXT,
    ERROR_TEXT,
    WARNING_BACKGROUND,
    WARNING_TEXT,
    FrameModel,
    IssueFilter,
    IssueModel,
    MappingModel,
    TargetDelegate,
)
from wizard.ui.pages.base import BasePage, set_tone
from wizard.ui.text import plural

UPLOAD_POLL_MS = 1500
# What the admin may do when finishing offline with nothing (or not everything) exported.
EXPORT_NOW, CLOSE_ANYWAY, GO_BACK = "export", "close", "back"


def mapping_file(district_key: str) -> Path:
    """Where the edited mapping of one district (or of offline work) is remembered."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in district_key) or "offline"
    return data_dir() / "mappings" / f"{safe}.json"


def cell_problems(result: Any, kind: str) -> dict[tuple[int, str], tuple[str, str]]:
    """(row position in the output frame, hub column) -> (severity, message), for issues that point at a cell.

    Issues name the input file, its spreadsheet row and the input column; the result's `origins` say which
    input file and row each output row came from, so an issue lands on its row exactly (rows dropped, blank
    lines and several files for one table included). An issue about a row not in the output marks nothing.
    """
    frame: pd.DataFrame = result.tables[kind]
    origins: pd.DataFrame | None = result.origins.get(kind)
    if origins is None or not len(origins):
        return {}
    positions = {
        (str(file), int(row)): position
        for position, (file, row) in enumerate(zip(origins["file"], origins["row"], strict=True))
        if not pd.isna(row)
    }
    mapped: dict[str, dict[str, str]] = {
        name: {header: target for header, target in file_mapping.columns.items() if target}
        for name, file_mapping in result.mapping.files.items()
    }
    found: dict[tuple[int, str], tuple[str, str]] = {}
    issues = result.issue_frame
    relevant = issues[issues["file"].isin(set(origins["file"])) & issues["row"].notna()]
    for severity, file, row, column, message in zip(
        relevant["severity"],
        relevant["file"],
        relevant["row"],
        relevant["column"],
        relevant["message"],
        strict=True,
    ):
        target = str(mapped.get(file, {}).get(column, column))
        at = positions.get((str(file), int(row)))
        if at is not None and target in frame.columns and found.get((at, target), ("",))[0] != "error":
            found[(at, target)] = (str(severity), str(message))
    return found


def row_origins(result: Any, kind: str) -> list[tuple[str, int]]:
    """(input file, spreadsheet row) of each output row, for the preview's row headers."""
    origins: pd.DataFrame | None = result.origins.get(kind)
    if origins is None:
        return []
    return [
        (str(file), -1 if pd.isna(row) else int(row))
        for file, row in zip(origins["file"], origins["row"], strict=True)
    ]


def change_summary(upload: Upload | None) -> str:
    """“added 57 students, 4 schools; updated 2 teachers; removed 1 section” — only what changed."""
    if upload is None:
        return ""
    parts = []
    for verb in ("added", "updated", "removed"):
        counts = [
            f"{getattr(c, verb)} {kind}" for kind, c in sorted(upload.changes.items()) if getattr(c, verb)
        ]
        if counts:
            parts.append(f"{verb} " + ", ".join(counts))
    return "; ".join(parts)


def received_summary(upload: Upload | None) -> str:
    """“4 schools, 12 teachers, 30 sections, 57 students, 240 enrollments” — what the upload carried."""
    if upload is None:
        return ""
    order = ("schools", "teachers", "staff", "sections", "students", "enrollments")
    kinds = sorted(upload.counts, key=lambda kind: order.index(kind) if kind in order else len(order))
    return ", ".join(f"{upload.counts[kind]} {kind}" for kind in kinds if upload.counts[kind])


def friendly_column(name: str) -> str:
    """A hub column as a title people read: “Student_number” → “Student number” (the name is the tooltip)."""
    return name.replace("_", " ").strip().capitalize() or name


class DropList(QListWidget):
    """The chosen inputs; files, folders and zips can be dropped on it."""

    def __init__(self, on_drop: Any) -> None:
        super().__init__()
        self._on_drop = on_drop
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self._on_drop(paths)
            event.acceptProposedAction()


class PrepareRosterPage(BasePage):
    page_id = PageId.PREPARE_ROSTER

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.setSubTitle(
            self.tr(
                "Turn your SIS exports into the hub's roster files. Nothing leaves this computer until you upload."
            )
        )
        # Inputs.
        inputs_row = QHBoxLayout()
        self.inputs = DropList(self.add_inputs)
        self.inputs.setAccessibleName(self.tr("Input files, folders and zips"))
        self.inputs.setToolTip(self.tr("Drop SIS export files, folders or zips here"))
        self.inputs.setMaximumHeight(84)
        buttons = QVBoxLayout()
        self.add_files_button = QPushButton(self.tr("Add &files…"))
        self.add_folder_button = QPushButton(self.tr("Add f&older…"))
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.check_button = QPushButton(self.tr("&Check files"))
        self.demo_button = QPushButton(self.tr("Use &demo files"))
        self.demo_button.setToolTip(
            self.tr("No exports at hand? Try the wizard with a demo district's files.")
        )
        for button in (
            self.add_files_button,
            self.add_folder_button,
            self.remove_button,
            self.check_button,
            self.demo_button,
        ):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            buttons.addWidget(button)
        inputs_column = QVBoxLayout()
        drop_label = QLabel(self.tr("&Your SIS exports (drop files, folders or zips here):"))
        drop_label.setBuddy(self.inputs)
        inputs_column.addWidget(drop_label)
        inputs_column.addWidget(self.inputs)
        inputs_row.addLayout(inputs_column, 1)
        inputs_row.addLayout(buttons)
        self.content.addLayout(inputs_row)
        self.summary = QLabel(self.tr("Add your SIS export files, then choose Check files."))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Summary"))
        self.content.addWidget(self.summary)

        # Results: mapping, issues, preview.
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Results"))
        self.mapping_model = MappingModel(self._hub_columns, self)
        self.mapping_view = QTableView()
        self.mapping_view.setModel(self.mapping_model)
        self.mapping_view.setItemDelegateForColumn(
            MappingModel.TARGET_COLUMN, TargetDelegate(self.mapping_view)
        )
        self.mapping_view.setAccessibleName(self.tr("Column mapping"))
        self.mapping_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.apply_mapping_button = QPushButton(self.tr("Check again with this &mapping"))
        self.apply_mapping_button.setAccessibleName(self.tr("Check again with this mapping"))
        mapping_tab = QWidget()
        mapping_layout = QVBoxLayout(mapping_tab)
        mapping_layout.addWidget(
            QLabel(self.tr("Which hub column each of your columns fills (double-click to change):"))
        )
        mapping_layout.addWidget(self.mapping_view, 1)
        mapping_layout.addWidget(self.apply_mapping_button, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(mapping_tab, self.tr("Column mapping"))

        issues_tab = QWidget()
        issues_layout = QVBoxLayout(issues_tab)
        filters = QHBoxLayout()
        self.severity_filter = QComboBox()
        self.severity_filter.setAccessibleName(self.tr("Show severity"))
        for text, value in (
            (self.tr("Errors and warnings"), ""),
            (self.tr("Errors"), "error"),
            (self.tr("Warnings"), "warning"),
        ):
            self.severity_filter.addItem(text, value)
        self.code_filter = QComboBox()
        self.code_filter.setAccessibleName(self.tr("Show problem type"))
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(self.tr("Filter by file, value or message"))
        self.text_filter.setAccessibleName(self.tr("Filter issues by text"))
        self.text_filter.setClearButtonEnabled(True)
        filters.addWidget(self.severity_filter)
        filters.addWidget(self.code_filter)
        filters.addWidget(self.text_filter, 1)
        self.issue_proxy = IssueFilter(self)
        self.issue_view = QTableView()
        self.issue_view.setModel(self.issue_proxy)
        self.issue_view.setAccessibleName(self.tr("Issues"))
        self.issue_view.setSortingEnabled(False)
        # The message takes the room left and wraps over two lines; a longer one ends in … and is in full
        # in the tooltip. (Rows keep one height: sizing each to its text is slow for long issue lists.)
        self.issue_view.setWordWrap(True)
        self.issue_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.issue_view.horizontalHeader().setStretchLastSection(True)
        self.issue_view.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        self.issue_count = QLabel()
        issues_layout.addLayout(filters)
        issues_layout.addWidget(self.issue_view, 1)
        issues_layout.addWidget(self.issue_count)
        self.tabs.addTab(issues_tab, self.tr("Issues"))

        preview_tab = QWidget()
        preview_layout = QVBoxLayout(preview_tab)
        self.preview_choice = QComboBox()
        self.preview_choice.setAccessibleName(self.tr("Output file to preview"))
        self.preview_view = QTableView()
        self.preview_view.setAccessibleName(self.tr("Preview of the output file"))
        self.preview_view.setWordWrap(False)
        self.preview_view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.preview_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        legend = QHBoxLayout()
        self.preview_note = QLabel(self.tr("Hover over a coloured cell for why:"))
        legend.addWidget(self.preview_note)
        self.legend_chips: list[QLabel] = []
        for text, background, foreground in (
            (self.tr("Cell with an error"), ERROR_BACKGROUND, ERROR_TEXT),
            (self.tr("Cell with a warning"), WARNING_BACKGROUND, WARNING_TEXT),
            (self.tr("Row with an error (left out if you choose so)"), ERROR_ROW_BACKGROUND, ERROR_ROW_TEXT),
        ):
            chip = QLabel(text)
            chip.setStyleSheet(
                f"background: {background.name()}; color: {foreground.name()}; "
                f"border: 1px solid {foreground.name()}; border-radius: 3px; padding: 1px 6px;"
            )
            legend.addWidget(chip)
            self.legend_chips.append(chip)
        legend.addStretch(1)
        preview_layout.addWidget(self.preview_choice)
        preview_layout.addWidget(self.preview_view, 1)
        preview_layout.addLayout(legend)
        self.tabs.addTab(preview_tab, self.tr("Preview"))
        self.content.addWidget(self.tabs, 1)

        # Export and upload.
        actions = QHBoxLayout()
        self.leave_out_errors = QCheckBox(self.tr("Leave out rows with &errors"))
        self.leave_out_errors.setAccessibleName(self.tr("Leave out rows with errors"))
        self.export_button = QPushButton(self.tr("E&xport to a folder…"))
        self.export_button.setAccessibleName(self.tr("Export to a folder"))
        self.upload_button = QPushButton(self.tr("&Upload to the hub"))
        self.upload_button.setAccessibleName(self.tr("Upload to the hub"))
        self.approve_button = QPushButton(self.tr("&Approve these changes"))
        self.approve_button.setAccessibleName(self.tr("Approve the held upload"))
        self.upload_status = QLabel()
        self.upload_status.setWordWrap(True)
        self.upload_status.setAccessibleName(self.tr("Upload status"))
        actions.addWidget(self.leave_out_errors)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.upload_button)
        actions.addWidget(self.approve_button)
        self.content.addLayout(actions)
        self.content.addWidget(self.upload_status)

        self.result: Any = None
        self._exported = False  # whether the current result was exported in this session
        self._frame_models: dict[str, FrameModel] = {}
        self._upload_polling = False
        self.upload_timer = self.make_timer(UPLOAD_POLL_MS, self._poll_upload)
        self.upload_timer.setObjectName("uploadPoll")

        self.add_files_button.clicked.connect(self._pick_files)
        self.add_folder_button.clicked.connect(self._pick_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        self.demo_button.clicked.connect(self.use_demo_files)
        self.check_button.clicked.connect(lambda: self.check(use_edited_mapping=False))
        self.apply_mapping_button.clicked.connect(lambda: self.check(use_edited_mapping=True))
        self.severity_filter.currentIndexChanged.connect(self._filter_issues)
        self.code_filter.currentIndexChanged.connect(self._filter_issues)
        self.text_filter.textChanged.connect(self._filter_issues)
        self.preview_choice.currentIndexChanged.connect(self._show_preview)
        self.export_button.clicked.connect(self._export_clicked)
        self.upload_button.clicked.connect(self.upload)
        self.approve_button.clicked.connect(self.approve)

    # --- state ---------------------------------------------------------------------------------------------
    @property
    def online(self) -> bool:
        return self.ctx.state.mode is Mode.ONLINE

    def initializePage(self) -> None:
        self.inputs.clear()
        for path in self.ctx.state.roster.input_paths:
            self.inputs.addItem(path)
        self.upload_button.setVisible(self.online)
        if self.online and self.ctx.state.sync_method in {"clever_managed", "sis_managed"}:
            self.setSubTitle(
                self.tr(
                    "You chose auto sync, which takes over once it is connected. Upload your files once now so "
                    "you can set up sharing and validate right away."
                )
            )
        # Demo files only make sense where they cannot end up on a real hub.
        self.demo_button.setVisible(not self.online or self.ctx.uses_embedded_hub)
        self.approve_button.setVisible(False)
        self._show_upload_state(None, self.ctx.state.roster.upload_status)
        self._update_buttons()
        if self.ctx.state.roster.input_paths and self.result is None:
            self.check(use_edited_mapping=False)
        if self.online and self.ctx.state.roster.upload_id:
            self._poll_upload()  # shows what the hub made of the upload since last time

    def input_paths(self) -> list[Path]:
        return [Path(self.inputs.item(row).text()) for row in range(self.inputs.count())]

    def add_inputs(self, paths: list[Path]) -> None:
        known = {str(path) for path in self.input_paths()}
        for path in paths:
            if str(path) not in known:
                self.inputs.addItem(str(path))
                known.add(str(path))
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        self.ctx.state.roster.input_paths = [str(path) for path in self.input_paths()]
        self.ctx.save()
        self._update_buttons()

    def _pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Choose SIS export files"),
            "",
            self.tr("Roster files (*.csv *.tsv *.txt *.xlsx *.zip);;All files (*)"),
        )
        self.add_inputs([Path(name) for name in names])

    def _pick_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder of SIS exports"))
        if folder:
            self.add_inputs([Path(folder)])

    def use_demo_files(self) -> None:
        """Write the demo district's roster (hub CSVs) into the data folder and check it."""
        from wizard.ui.demo import write_demo_sis_files

        self.add_inputs([write_demo_sis_files(data_dir() / "demo-roster")])
        self.check(use_edited_mapping=False)

    def _remove_selected(self) -> None:
        for item in self.inputs.selectedItems():
            self.inputs.takeItem(self.inputs.row(item))
        self._inputs_changed()

    def _district_key(self) -> str:
        return self.ctx.state.district_id if self.online and self.ctx.state.district_id else "offline"

    @staticmethod
    def _hub_columns(kind: str) -> list[str]:
        from wizard.roster.spec import hub_columns

        return list(hub_columns(kind))

    # --- checking ------------------------------------------------------------------------------------------
    def check(self, *, use_edited_mapping: bool) -> None:
        from wizard.roster.mapping import MappingSpec
        from wizard.roster.pipeline import PrepareOptions, prepare

        paths = self.input_paths()
        if not paths:
            return
        remembered = mapping_file(self._district_key())
        mapping = None
        if use_edited_mapping and self.mapping_model.rowCount():
            mapping = MappingSpec.from_dict(self.mapping_model.to_dict())
            self._remember_mapping(self.mapping_model.to_dict())
        elif remembered.is_file():
            mapping = MappingSpec.from_dict(
                json.loads(remembered.read_text(encoding="utf-8")), source=str(remembered)
            )
        options = PrepareOptions(mapping=mapping)
        self.result = None
        self._update_buttons()
        worker = self.run_task(
            lambda progress, cancel: prepare(paths, options, progress, cancel),
            self._checked,
            message=self.tr("Reading and checking your files…"),
            cancellable=True,
        )
        worker.cancelled.connect(self._check_cancelled)

    def _check_cancelled(self) -> None:
        self.summary.setText(
            self.tr("Checking was stopped; nothing was written. Choose Check files to start again.")
        )
        set_tone(self.summary, "warnNote")

    def _remember_mapping(self, mapping: dict[str, Any]) -> None:
        target = mapping_file(self._district_key())
        target.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(target, json.dumps(mapping, indent=2))

    def _checked(self, result: Any) -> None:
        self.result = result
        self._exported = False  # a new check: what was exported before is not this result
        headers = {
            name: [*file_mapping.columns, *file_mapping.unmapped]
            for name, file_mapping in result.mapping.files.items()
        }
        self.mapping_model.load(result.mapping.to_dict(), headers)
        issue_model = IssueModel(result.issue_frame, self)
        self.issue_proxy.setSourceModel(issue_model)
        self.code_filter.blockSignals(True)
        self.code_filter.clear()
        self.code_filter.addItem(self.tr("All problem types ({n})").format(n=len(result.issue_frame)), "")
        for code, count in issue_model.counts_by_code().items():
            self.code_filter.addItem(f"{code} ({count})", code)
        self.code_filter.blockSignals(False)
        self._filter_issues()
        for column in range(5):
            self.issue_view.resizeColumnToContents(column)
        self._frame_models = {}
        self.preview_choice.blockSignals(True)
        self.preview_choice.clear()
        for kind, frame in result.tables.items():
            errors = len(result.error_rows.get(kind, []))
            self.preview_choice.addItem(
                self.tr("{kind}.csv — {rows}, {errors} with errors").format(
                    kind=kind, rows=plural(len(frame), "row"), errors=errors
                ),
                kind,
            )
        self.preview_choice.blockSignals(False)
        self._show_preview()
        counts = ", ".join(f"{len(frame)} {kind}" for kind, frame in result.tables.items())
        self.summary.setText(
            self.tr("{files} read: {counts}. {errors}, {warnings}.").format(
                files=plural(len(result.inputs), "file"),
                counts=counts or self.tr("no hub data"),
                errors=plural(result.error_count, "error"),
                warnings=plural(result.warning_count, "warning"),
            )
        )
        set_tone(self.summary, "okNote" if result.error_count == 0 else "warnNote")
        self.leave_out_errors.setVisible(result.error_count > 0)
        self.tabs.setTabText(1, self.tr("Issues ({n})").format(n=len(result.issue_frame)))
        if result.error_count:
            self.tabs.setCurrentIndex(1)
        self._update_buttons()

    def _filter_issues(self, *_args: object) -> None:
        self.issue_proxy.set_filters(
            severity=str(self.severity_filter.currentData() or ""),
            code=str(self.code_filter.currentData() or ""),
            text=self.text_filter.text(),
        )
        source = self.issue_proxy.sourceModel()
        total = source.rowCount() if source is not None else 0
        self.issue_count.setText(
            self.tr("Showing {shown} of {total} issues").format(
                shown=self.issue_proxy.rowCount(), total=total
            )
        )

    def _show_preview(self, *_args: object) -> None:
        kind = self.preview_choice.currentData()
        if self.result is None or not kind:
            return
        model = self._frame_models.get(kind)
        if model is None:
            frame = self.result.tables[kind]
            error_labels = self.result.error_rows.get(kind, [])
            positions = frame.index.get_indexer(error_labels) if len(error_labels) else []
            model = FrameModel(
                frame,
                error_rows=[int(p) for p in positions if p >= 0],
                cell_problems=cell_problems(self.result, kind),
                row_origins=row_origins(self.result, kind),
                parent=self,
                headers={str(column): friendly_column(str(column)) for column in frame.columns},
            )
            self._frame_models[kind] = model
        self.preview_view.setModel(model)
        self._fit_preview_columns(model)

    def _fit_preview_columns(self, model: FrameModel, sample_rows: int = 50) -> None:
        """Each column as wide as its title and its first rows (measuring every row is slow on big files)."""
        metrics = self.preview_view.fontMetrics()
        header_metrics = self.preview_view.horizontalHeader().fontMetrics()
        padding = 4 * metrics.averageCharWidth()
        frame = model.frame
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            values = frame.iloc[:sample_rows, column].astype(str)
            widest = max((metrics.horizontalAdvance(value) for value in values), default=0)
            width = max(header_metrics.horizontalAdvance(title), widest) + padding
            self.preview_view.setColumnWidth(column, min(width, 40 * metrics.averageCharWidth()))

    # --- export and upload ---------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        has_result = self.result is not None
        self.check_button.setEnabled(bool(self.input_paths()))
        self.apply_mapping_button.setEnabled(has_result)
        self.export_button.setEnabled(has_result)
        self.upload_button.setEnabled(has_result and self.online)
        self.completeChanged.emit()

    def choose_export_folder(self) -> Path | None:
        """Ask for the folder (tests replace this; a file dialog cannot run headless)."""
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the hub files to"))
        return Path(folder) if folder else None

    def _export_clicked(self) -> None:
        folder = self.choose_export_folder()
        if folder is not None:
            self.export(folder)

    def export(self, folder: Path, then: Any = None) -> None:
        from wizard.roster.pipeline import write_outputs

        result, allow = self.result, self.leave_out_errors.isChecked()
        if result is None:
            return
        if result.error_count and not allow:
            self.banner.show_error(
                self.tr("Your files still have {errors}, so the hub files were not written.").format(
                    errors=plural(result.error_count, "error")
                ),
                self.tr("Fix them in your SIS and check again, or tick “Leave out rows with errors”."),
                None,
            )
            return

        def exported(paths: list[Path]) -> None:
            self._exported = True
            self.ctx.state.roster.export_dir = str(folder)
            self.ctx.save()
            self.upload_status.setText(
                self.tr("✓ Wrote {files} to {folder}").format(files=plural(len(paths), "file"), folder=folder)
            )
            if then is not None:
                then(paths)

        self.run_task(
            lambda progress, cancel: write_outputs(result, folder, allow_errors=allow),
            exported,
            message=self.tr("Writing the hub files…"),
        )

    def upload(self) -> None:
        """Export (to the chosen folder, or the wizard's own) and send the hub files, then follow processing."""
        folder = (
            Path(self.ctx.state.roster.export_dir)
            if self.ctx.state.roster.export_dir
            else (data_dir() / "exports" / self._district_key())
        )

        def send(paths: list[Path]) -> None:
            hub_files = [
                path for path in paths if path.suffix == ".csv" and path.name != "validation_report.csv"
            ]
            self.run_task(
                lambda progress, cancel: self.ctx.district_hub().upload(hub_files, progress, cancel),
                self._uploaded,
                message=self.tr("Uploading to the hub…"),
                cancellable=True,
                retry=self.upload,
            )

        self.export(folder, then=send)

    def _uploaded(self, upload: Upload) -> None:
        roster = self.ctx.state.roster
        roster.upload_id, roster.upload_status = upload.id, upload.status or "processing"
        self.ctx.save()
        self._show_upload_state(upload)
        self._poll_upload()

    def _poll_upload(self) -> None:
        upload_id = self.ctx.state.roster.upload_id
        if not upload_id or self._upload_polling:
            return
        self._upload_polling = True
        worker = self.run_task(
            lambda progress, cancel: self.ctx.district_hub().upload_status(upload_id),
            self._upload_polled,
            message=self.tr("Waiting for the hub to process the upload…"),
            quiet=True,
        )
        worker.finished.connect(self._poll_done)

    def _poll_done(self) -> None:
        self._upload_polling = False

    def _upload_polled(self, upload: Upload) -> None:
        self.ctx.state.roster.upload_status = upload.status
        self.ctx.save()
        self._show_upload_state(upload)
        if upload.done:
            self.upload_timer.stop()
        elif self.isVisible() and not self.upload_timer.isActive():
            self.upload_timer.start()
        self.completeChanged.emit()

    def _show_upload_state(self, upload: Upload | None, status: str = "") -> None:
        self.approve_button.setVisible(False)
        status = upload.status if upload is not None else status
        if not status:
            return
        changes = change_summary(upload)
        if status == "processing":
            text = self.tr("The hub is processing your upload…")
        elif status == "succeeded":
            text = self.tr("✓ The hub accepted your roster ({received}): {changes}.").format(
                received=received_summary(upload) or self.tr("no records"),
                changes=changes or self.tr("nothing changed"),
            )
        elif status == "on_hold":
            text = self.tr(
                "! The hub put this upload on hold: {reason} It would change: {changes}. "
                "Approve only if you expect these changes."
            ).format(reason=(upload.hold_reason if upload else "") or "", changes=changes)
            self.approve_button.setVisible(upload is not None)
        elif status == "superseded":
            text = self.tr(
                "! A newer upload replaced this one, so it can no longer be approved. "
                "Upload your roster again to see its current state."
            )
        elif status == "failed":
            errors = "; ".join(issue.message for issue in (upload.errors if upload else ())[:5])
            text = self.tr("! The hub could not use this upload: {errors}").format(errors=errors)
        else:
            text = status
        self.upload_status.setText(text)
        set_tone(self.upload_status, "okNote" if status == "succeeded" else "warnNote")

    def approve(self) -> None:
        upload_id = self.ctx.state.roster.upload_id
        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().approve_upload(upload_id),
            self._upload_polled,
            message=self.tr("Approving the upload…"),
        )

    # --- completion ----------------------------------------------------------------------------------------
    def ready(self) -> bool:
        if not self.online:
            return self.result is not None
        return self.ctx.state.roster.upload_status == "succeeded"

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        return self.may_close()

    def may_close(self) -> bool:
        """Offline with prepared files not exported (or with errors), ask first; True when closing may go on.

        Used by Finish and by closing the window (Cancel, Escape, the title bar)."""
        self.ctx.save()  # the inputs and mapping are kept, whatever is chosen below
        if self.online or self.result is None or (self._exported and not self.result.error_count):
            return True
        choice = self.ask_before_closing(self._closing_question())
        if choice == CLOSE_ANYWAY:
            return True
        if choice == EXPORT_NOW:
            folder = self.choose_export_folder()
            if folder is not None:
                self.export(folder, then=lambda _paths: self.owner().accept())
        return False

    def _closing_question(self) -> str:
        result = self.result
        parts = []
        if not self._exported:
            parts.append(self.tr("The hub files you prepared are not exported yet."))
        if result is not None and result.error_count:
            parts.append(
                self.tr("Your files still have {errors}.").format(errors=plural(result.error_count, "error"))
                + " "
                + (
                    self.tr("Rows with errors are left out of the export.")
                    if self.leave_out_errors.isChecked()
                    else self.tr("To export anyway, tick “Leave out rows with errors” first.")
                )
            )
        parts.append(
            self.tr("Your files and choices are saved either way: the wizard picks up here next time.")
        )
        return " ".join(parts)

    def ask_before_closing(self, text: str) -> str:
        """Export now, close anyway or go back (tests replace this; a dialog would block headless runs)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Close without exporting?"), text, parent=self)
        export = box.addButton(self.tr("&Export now…"), QMessageBox.ButtonRole.AcceptRole)
        close = box.addButton(self.tr("&Close anyway"), QMessageBox.ButtonRole.DestructiveRole)
        back = box.addButton(self.tr("&Go back"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(export)
        box.setEscapeButton(back)
        box.exec()
        clicked = box.clickedButton()
        return EXPORT_NOW if clicked is export else CLOSE_ANYWAY if clicked is close else GO_BACK
