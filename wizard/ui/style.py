"""Look and feel: Fusion with an explicit light palette whose text pairs meet WCAG AA (4.5:1), plus the
stylesheet shipped in wizard/resources/styles. Sizes are in points or font-relative so the window scales on high-DPI screens."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from wizard.resources import resource

STYLE_FILE = resource("styles", "wizard.qss")
APP_ICON = resource("icons", "district-wizard.png")

# (role, colour) — every text colour has at least 4.5:1 contrast on its background (checked in the tests).
PALETTE: dict[QPalette.ColorRole, str] = {
    QPalette.ColorRole.Window: "#f6f7f9",
    QPalette.ColorRole.WindowText: "#1b1f24",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#eef1f5",
    QPalette.ColorRole.Text: "#1b1f24",
    QPalette.ColorRole.Button: "#e9ecf0",
    QPalette.ColorRole.ButtonText: "#1b1f24",
    QPalette.ColorRole.Highlight: "#0b5cad",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#1b1f24",
    QPalette.ColorRole.ToolTipText: "#ffffff",
    QPalette.ColorRole.Link: "#0b5cad",
    QPalette.ColorRole.PlaceholderText: "#5c6570",
}
DISABLED_TEXT = "#5f6670"
# Text/background pairs used by the stylesheet, listed here so a test can hold them to AA.
STYLESHEET_PAIRS: list[tuple[str, str]] = [
    ("#8a1620", "#fdecee"),  # error banner
    ("#1b1f24", "#fdecee"),
    ("#0f5132", "#e3f4ea"),  # success
    ("#6b4500", "#fff4d6"),  # warning / mismatch
    ("#6b4500", "#f6f7f9"),  # what is missing to go on
    ("#8a1620", "#fdecee"),  # preview: a cell with an error
    ("#1b1f24", "#e8eaf6"),  # preview: the other cells of a row with an error
    ("#1b1f24", "#ffffff"),
    (DISABLED_TEXT, "#f6f7f9"),
    ("#ffffff", "#0b5cad"),
]


def relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    colour = QColor(hex_colour)
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in PALETTE.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(DISABLED_TEXT))
    app.setPalette(palette)
    if STYLE_FILE.is_file():
        app.setStyleSheet(STYLE_FILE.read_text(encoding="utf-8"))


def app_icon() -> QIcon:
    """The product's icon (window, task bar, About dialog), drawn from the shipped PNG."""
    pixmap = QPixmap()
    pixmap.loadFromData(APP_ICON.read_bytes(), "PNG")
    return QIcon(pixmap)
