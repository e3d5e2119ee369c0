from __future__ import annotations

from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from wizard.ui.support.chart import BAR_STEP, ROW_HEIGHT, SERIES_COLOURS, BarChart


def test_bars_are_drawn_to_scale_and_described(qtbot: QtBot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data(["Cedar Middle", "Oak Ridge"], [("linked", [10, 40]), ("not linked", [30, 0])])
    chart.resize(600, chart.sizeHint().height())
    image = chart.grab().toImage()
    row = ROW_HEIGHT + BAR_STEP  # two series: each row holds two bars of (row - 8) / 2 pixels
    bar = (row - 8) // 2

    def coloured(y: int, colour: QColor) -> list[int]:
        return [x for x in range(image.width()) if image.pixelColor(x, y) == colour]

    blue = coloured(row + 4 + bar // 2, SERIES_COLOURS[0])  # second school, linked
    orange = coloured(4 + bar + bar // 2, SERIES_COLOURS[1])  # first school, not linked
    assert blue and orange
    assert abs(len(orange) / len(blue) - 30 / 40) < 0.05  # widths in proportion to the values
    assert "Cedar Middle: 10 linked, 30 not linked" in chart.accessibleDescription()
    assert chart.sizeHint().height() > 2 * ROW_HEIGHT
