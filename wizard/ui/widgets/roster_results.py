"""The Prepare page's results: the column mapping, the issue list filtered live, and the preview of each
output file with problem rows and cells highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.session.prepare import friendly_column
from wizard.session.text import plural
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

if TYPE_CHECKING:
    from wizard.roster.pipeline import PrepareResult

MAPPING_TAB, ISSUES_TAB, PREVIEW_TAB = 0, 1, 2


RESIZE_SAMPLE_ROWS = 100  # rows measured when fitting the issue list's columns to their contents


def _hub_columns(kind: str) -> list[str]:
    from wizard.roster.spec import hub_columns

    return list(hub_columns(kind))


class RosterResults(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Results"))
        self.result: PrepareResult | None = None
        self._frame_models: dict[str, FrameModel] = {}
        self.addTab(self._mapping_tab(), self.tr("Column mapping"))
        self.addTab(self._issues_tab(), self.tr("Issues"))
        self.addTab(self._preview_tab(), self.tr("Preview"))
        self.severity_filter.currentIndexChanged.connect(self.filter_issues)
        self.code_filter.currentIndexChanged.connect(self.filter_issues)
        self.text_filter.textChanged.connect(self.filter_issues)
        self.preview_choice.currentIndexChanged.connect(self.show_preview)

    def _mapping_tab(self) -> QWidget:
        self.mapping_model = MappingModel(_hub_columns, self)
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
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            QLabel(self.tr("Which hub column each of your columns fills (double-click to change):"))
        )
        layout.addWidget(self.mapping_view, 1)
        layout.addWidget(self.apply_mapping_button, 0, Qt.AlignmentFlag.AlignRight)
        return tab

    def _issues_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
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
        layout.addLayout(filters)
        layout.addWidget(self.issue_view, 1)
        layout.addWidget(self.issue_count)
        return tab

    def _preview_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
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
        layout.addWidget(self.preview_choice)
        layout.addWidget(self.preview_view, 1)
        layout.addLayout(legend)
        return tab

    # --- showing a result ----------------------------------------------------------------------------------
    def show_result(self, result: PrepareResult) -> None:
        self.result = result
        headers = {
            name: [*file_mapping.columns, *file_mapping.unmapped]
            for name, file_mapping in result.mapping.files.items()
        }
        self.mapping_model.load(result.mapping.to_dict(), headers)
        issue_model = IssueModel(result.issue_frame, self, search=getattr(result, "issue_search", None))
        self.issue_proxy.setSourceModel(issue_model)
        self.code_filter.blockSignals(True)
        self.code_filter.clear()
        self.code_filter.addItem(self.tr("All problem types ({n})").format(n=len(result.issue_frame)), "")
        for code, count in issue_model.counts_by_code().items():
            self.code_filter.addItem(f"{code} ({count})", code)
        self.code_filter.blockSignals(False)
        self.filter_issues()
        self._fit_issue_columns(issue_model)
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
        self.show_preview()
        self.setTabText(ISSUES_TAB, self.tr("Issues ({n})").format(n=len(result.issue_frame)))
        if result.error_count:
            self.setCurrentIndex(ISSUES_TAB)

    def filter_issues(self, *_args: object) -> None:
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

    def show_preview(self, *_args: object) -> None:
        kind = self.preview_choice.currentData()
        if self.result is None or not kind:
            return
        model = self._frame_models.get(kind)
        if model is None:
            from wizard.session.preview import cell_problems, row_origins

            frame = self.result.tables[kind]
            error_labels = self.result.error_rows.get(kind)
            positions = (
                [int(p) for p in frame.index.get_indexer(error_labels)]
                if error_labels is not None and len(error_labels)
                else []
            )
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

    def _fit_issue_columns(self, model: IssueModel) -> None:
        """The issue list's first five columns as wide as their title and their first rows' text, measured
        with the font (Qt's resize-to-contents asks the model for every role of every sampled cell: a tenth of
        a second on the GUI thread)."""
        metrics = self.issue_view.fontMetrics()
        header_metrics = self.issue_view.horizontalHeader().fontMetrics()
        padding = 3 * metrics.averageCharWidth()
        rows = min(RESIZE_SAMPLE_ROWS, model.rowCount())
        for column in range(5):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            texts = set(model.frame.iloc[:rows, column].astype("string").fillna("").tolist())
            widest = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            self.issue_view.setColumnWidth(
                column, max(header_metrics.horizontalAdvance(title), widest) + padding
            )

    def _fit_preview_columns(self, model: FrameModel, sample_rows: int = 50) -> None:
        """Each column as wide as its title and its first rows (measuring every row is slow on big files)."""
        metrics = self.preview_view.fontMetrics()
        header_metrics = self.preview_view.horizontalHeader().fontMetrics()
        padding = 4 * metrics.averageCharWidth()
        sample = model.frame.iloc[:sample_rows]
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            values = set(sample.iloc[:, column].astype("string").fillna("").tolist())  # one conversion
            widest = max((metrics.horizontalAdvance(value) for value in values), default=0)
            width = max(header_metrics.horizontalAdvance(title), widest) + padding
            self.preview_view.setColumnWidth(column, min(width, 40 * metrics.averageCharWidth()))
