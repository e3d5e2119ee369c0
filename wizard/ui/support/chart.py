"""A small horizontal bar chart drawn with QPainter (QtCharts is not part of PySide6-Essentials)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLOURS = (QColor("#0b5cad"), QColor("#c2410c"))
TEXT = QColor("#1b1f24")
ROW_HEIGHT = 26  # one series; each further series adds BAR_STEP
BAR_STEP = 16


class BarChart(QWidget):
    """One row per label; one bar per series in each row (at most two series), with the value at its end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._series: list[tuple[str, list[int]]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.tr("Bar chart"))

    def set_data(self, labels: list[str], series: list[tuple[str, list[int]]]) -> None:
        self._labels = list(labels)
        self._series = [(name, list(values)) for name, values in series[: len(SERIES_COLOURS)]]
        described = "; ".join(
            f"{label}: " + ", ".join(f"{values[i]} {name}" for name, values in self._series)
            for i, label in enumerate(self._labels)
        )
        self.setAccessibleDescription(described)
        self.setToolTip(described.replace("; ", "\n"))
        self.updateGeometry()
        self.update()

    def values(self) -> list[tuple[str, list[int]]]:
        return list(self._series)

    def _row_height(self) -> int:
        return ROW_HEIGHT + BAR_STEP * max(len(self._series) - 1, 0)

    def sizeHint(self) -> QSize:
        legend = ROW_HEIGHT if len(self._series) > 1 else 0
        return QSize(420, max(len(self._labels), 1) * self._row_height() + legend + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = painter.fontMetrics()
        label_width = min(
            max((metrics.horizontalAdvance(label) for label in self._labels), default=0) + 12, 220
        )
        number_width = metrics.horizontalAdvance("00000") + 8
        bar_space = max(self.width() - label_width - number_width, 10)
        peak = max([1, *(v for _, values in self._series for v in values)])
        bars = max(len(self._series), 1)
        row_height = self._row_height()
        bar_height = (row_height - 8) / bars
        for row, label in enumerate(self._labels):
            top = row * row_height
            painter.setPen(TEXT)
            elided = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_width - 8)
            painter.drawText(
                QRectF(0, top, label_width - 8, row_height),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                elided,
            )
            for index, (_, values) in enumerate(self._series):
                value = values[row] if row < len(values) else 0
                width = bar_space * value / peak
                y = top + 4 + index * bar_height
                painter.fillRect(QRectF(label_width, y, width, bar_height - 1), SERIES_COLOURS[index])
                painter.setPen(TEXT)
                painter.drawText(
                    QRectF(label_width + width + 4, y - 2, number_width, bar_height + 4),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    str(value),
                )
        if len(self._series) > 1:
            x = float(label_width)
            y = len(self._labels) * row_height + 6
            for index, (name, _) in enumerate(self._series):
                painter.fillRect(QRectF(x, y + 3, 12, 12), SERIES_COLOURS[index])
                painter.setPen(TEXT)
                painter.drawText(QRectF(x + 16, y, 200, 18), Qt.AlignmentFlag.AlignVCenter, name)
                x += 24 + metrics.horizontalAdvance(name)
        painter.end()
