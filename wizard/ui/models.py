"""Qt table models over pandas frames and the roster engine's results.

The models read the frames cell by cell on demand: nothing big is copied into QStandardItems, so a preview
of 100,000 rows opens instantly and uses no extra memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

if TYPE_CHECKING:  # pandas and pyarrow are imported when the first frame is shown, not when the wizard opens
    import pandas as pd

Index = QModelIndex | QPersistentModelIndex
# The preview's three states, each its own colour; every text/background pair is AA (see style.py).
ERROR_BACKGROUND = QColor("#fdecee")  # a cell with an error: red
ERROR_TEXT = QColor("#8a1620")
WARNING_BACKGROUND = QColor("#fff4d6")  # a cell with a warning: yellow
WARNING_TEXT = QColor("#6b4500")
ERROR_ROW_BACKGROUND = QColor("#e8eaf6")  # the other cells of a row with an error: grey-blue
ERROR_ROW_TEXT = QColor("#1b1f24")
ISSUE_COLUMNS = ("severity", "code", "file", "row", "column", "value", "message")
ISSUE_HEADERS = ("Severity", "Code", "File", "Row", "Column", "Value", "Message")


def _text(value: Any) -> str:
    if isinstance(value, str):  # nearly every cell: no pandas call
        return value
    import pandas as pd

    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _cell_reader(series: pd.Series) -> Callable[[int], object]:
    """Reads one value by position: straight from the Arrow data for Arrow-backed text (microseconds, where
    pandas' per-cell indexing costs tens), else with `iat`. Missing values come back as None or pd.NA."""
    import pandas as pd
    import pyarrow as pa

    array = series.array
    if isinstance(series.dtype, pd.StringDtype) and hasattr(array, "__arrow_array__"):
        data = array.__arrow_array__()
        chunked = data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])
        return lambda row: chunked[row].as_py()
    return series.iat.__getitem__


class FrameModel(QAbstractTableModel):
    """A read-only view of a DataFrame; rows with errors are tinted, problem cells carry their message."""

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        error_rows: Iterable[int] = (),
        cell_problems: dict[tuple[int, str], tuple[str, str]] | None = None,
        parent: Any = None,
        headers: dict[str, str] | None = None,
        row_origins: Sequence[tuple[str, int]] | None = None,
        full_text_tips: Iterable[str] = (),
    ) -> None:
        """`row_origins`: the input file and spreadsheet row of each frame row, shown in the row header;
        without it the header counts rows as one spreadsheet would (header = row 1). The cells of the
        `full_text_tips` columns (long notes a narrow column cuts short) show their full text as a tooltip."""
        super().__init__(parent)
        self._frame = frame
        self._origins = row_origins if row_origins is not None else ()  # read on demand, never copied
        self._headers = headers or {}  # column -> the title shown (default: the column name)
        self._error_rows = set(error_rows)  # row positions
        # (row position, column name) -> (severity, message)
        self._cell_problems = cell_problems or {}
        self._full_text_tips = set(full_text_tips)
        # asked for thousands of times per paint: worked out once, and each cell read straight from its column
        self._rows = len(frame)
        self._names = [str(column) for column in frame.columns]
        self._readers: list[Callable[[int], object] | None] = [None] * len(self._names)

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def cell(self, row: int, column: int) -> object:
        """The frame's value at (row position, column position), as pandas' `iat` gives it."""
        reader = self._readers[column]
        if reader is None:
            reader = self._readers[column] = _cell_reader(self._frame.iloc[:, column])
        return reader(row)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        name = self._names[column]
        severity, problem = self._cell_problems.get((row, name), ("", ""))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = _text(self.cell(row, column))
            if role == Qt.ItemDataRole.AccessibleTextRole and problem:
                return f"{text} ({severity}: {problem})"
            return text
        if role == Qt.ItemDataRole.ToolTipRole and problem:
            return f"{severity.capitalize()}: {problem}"
        if role == Qt.ItemDataRole.ToolTipRole and name in self._full_text_tips:
            return _text(self.cell(row, column)) or None
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            background, foreground = self._colours(row, severity, problem)
            if background is not None:
                return QBrush(background if role == Qt.ItemDataRole.BackgroundRole else foreground)
        return None

    def _colours(self, row: int, severity: str, problem: str) -> tuple[QColor | None, QColor]:
        """Error cell red, warning cell yellow, the rest of a row with an error grey-blue; else none."""
        if severity == "error":
            return ERROR_BACKGROUND, ERROR_TEXT
        if problem:
            return WARNING_BACKGROUND, WARNING_TEXT
        if row in self._error_rows:
            return ERROR_ROW_BACKGROUND, ERROR_ROW_TEXT
        return None, ERROR_ROW_TEXT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            name = self._names[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers.get(name, name)
            if role == Qt.ItemDataRole.ToolTipRole and self._headers.get(name, name) != name:
                return name  # the column's own name in the file
            return None
        if section < len(self._origins):  # the input row, as in the issue list
            file, row = self._origins[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return str(row) if row >= 0 else ""
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{file}, row {row}" if row >= 0 else file
            return None
        return str(section + 2) if role == Qt.ItemDataRole.DisplayRole else None


class IssueModel(FrameModel):
    """The roster engine's issue frame (severity, code, file, row, column, value, message)."""

    def __init__(self, issues: pd.DataFrame, parent: Any = None, *, search: pd.Series | None = None) -> None:
        """`search`: each issue's text in lower case when already worked out off the GUI thread (see
        wizard.session.prepare.issue_search_text); else it is built on the first search."""
        super().__init__(issues.loc[:, list(ISSUE_COLUMNS)].reset_index(drop=True), parent=parent)
        self._severity = self.frame["severity"].to_numpy()
        self._haystack: pd.Series | None = (
            search.reset_index(drop=True) if search is not None and len(search) == len(issues) else None
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ISSUE_HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid():
            return QBrush(ERROR_BACKGROUND if self._severity[index.row()] == "error" else WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return _text(self.cell(index.row(), len(ISSUE_COLUMNS) - 1))  # the full message
        return super().data(index, role)

    def search_index(self) -> pd.Series:
        """All of each row's text, lower-cased: given by the check, else built once on the first search."""
        if self._haystack is None:
            from wizard.session.preview import issue_search_text

            self._haystack = issue_search_text(self.frame)
        return self._haystack

    def counts_by_code(self) -> dict[str, int]:
        counts = self.frame["code"].value_counts()
        return {str(code): int(count) for code, count in sorted(counts.items())}


class IssueFilter(QSortFilterProxyModel):
    """Live filtering of the issue list by severity, code and free text.

    The test for each row is worked out for all rows at once with pandas when a filter changes; the per-row
    hook the proxy calls only looks the answer up, which keeps 100,000 issues interactive.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._severity = ""
        self._code = ""
        self._text = ""
        self._accepted: list[bool] | None = None  # None: everything passes

    def set_filters(
        self, *, severity: str | None = None, code: str | None = None, text: str | None = None
    ) -> None:
        if severity is not None:
            self._severity = severity
        if code is not None:
            self._code = code
        if text is not None:
            self._text = text.strip().lower()  # as the search text (issue_search_text)
        self._accepted = self._compute()
        # A full re-filter: much faster than the incremental row removals of begin/endFilterChange when the
        # kept rows are scattered through 100,000 issues.
        self.invalidate()

    def setSourceModel(self, model: Any) -> None:
        super().setSourceModel(model)
        self.set_filters()

    def _compute(self) -> list[bool] | None:
        model = self.sourceModel()
        if not isinstance(model, IssueModel) or not (self._severity or self._code or self._text):
            return None
        import pandas as pd

        keep = pd.Series(True, index=model.frame.index)
        if self._severity:
            keep &= model.frame["severity"] == self._severity
        if self._code:
            keep &= model.frame["code"] == self._code
        if self._text:
            keep &= model.search_index().str.contains(self._text, regex=False)
        return keep.astype(bool).tolist()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return self._accepted is None or self._accepted[source_row]


class MappingRow:
    __slots__ = ("file", "header", "kind", "target")

    def __init__(self, file: str, kind: str, header: str, target: str) -> None:
        self.file, self.kind, self.header, self.target = file, kind, header, target


class MappingModel(QAbstractTableModel):
    """Source column -> hub column, per input file; the hub column is editable (blank = ignore the column)."""

    HEADERS = ("File", "Hub file", "Column in your file", "Hub column")
    TARGET_COLUMN = 3

    def __init__(self, columns_for_kind: Callable[[str], list[str]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns_for_kind = columns_for_kind
        self._rows: list[MappingRow] = []

    def load(self, mapping: dict[str, Any], headers: dict[str, list[str]] | None = None) -> None:
        """`mapping` as MappingSpec.to_dict(); `headers` lists each file's columns, mapped or not."""
        self.beginResetModel()
        self._rows = []
        for file, entry in mapping.get("files", {}).items():
            columns: dict[str, str] = dict(entry.get("columns", {}))
            for header in (headers or {}).get(file, []):
                columns.setdefault(header, "")
            for header, target in columns.items():
                self._rows.append(MappingRow(file, str(entry["kind"]), header, target))
        self.endResetModel()

    def to_dict(self) -> dict[str, Any]:
        files: dict[str, Any] = {}
        for row in self._rows:
            entry = files.setdefault(row.file, {"kind": row.kind, "columns": {}})
            entry["columns"][row.header] = row.target
        return {"files": files}

    def targets_for(self, row: int) -> list[str]:
        return ["", *self._columns_for_kind(self._rows[row].kind)]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        values = (row.file, row.kind, row.header, row.target)
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.column()]
            return value if value or index.column() != self.TARGET_COLUMN else "(ignored)"
        if role == Qt.ItemDataRole.EditRole:
            return values[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and index.column() == self.TARGET_COLUMN and not row.target:
            return QBrush(WARNING_BACKGROUND)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != self.TARGET_COLUMN:
            return False
        target = str(value or "")
        if target not in self.targets_for(index.row()):
            return False
        self._rows[index.row()].target = target
        self.dataChanged.emit(index, index)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.TARGET_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class TargetDelegate(QStyledItemDelegate):
    """Edits a mapping's hub column with a combo box of the hub columns of that file's kind."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        model = index.model()
        editor = QComboBox(parent)
        editor.setAccessibleName("Hub column")
        if isinstance(model, MappingModel):
            for target in model.targets_for(index.row()):
                editor.addItem(target or "(ignore this column)", target)
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def cell(frame: pd.DataFrame, row: int, column: str) -> str:
    return str(frame[column].iloc[row])


class OutcomeFilter(QSortFilterProxyModel):
    """Rows of the match report whose outcome is the chosen one ("" = all, "decide" = waiting for a decision).

    The rows to keep are worked out with pandas for the whole report at once; the per-row hook only looks up.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.outcome = ""
        self._accepted: list[bool] | None = None

    def set_outcome(self, outcome: str) -> None:
        self.outcome = outcome
        model = self.sourceModel()
        if not outcome or not isinstance(model, FrameModel):
            self._accepted = None
        elif outcome == "decide":
            self._accepted = (model.frame["needs_decision"] == "yes").astype(bool).tolist()
        else:
            self._accepted = (model.frame["outcome"] == outcome).astype(bool).tolist()
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return self._accepted is None or self._accepted[source_row]
