"""Style helpers: tones for notes and re-applying the stylesheet after a property changed."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def set_tone(widget: QWidget, tone: str) -> None:
    """Give a label the look of a note ("okNote", "warnNote" or "" for plain) and re-apply the stylesheet,
    so its padding and border take effect at once."""
    widget.setObjectName(tone)
    # A widget's own (empty) stylesheet changing is what makes Qt recompute padding; a plain re-polish
    # restyles colours and borders but keeps the old contents margins.
    widget.setStyleSheet(f"/* {tone or 'plain'} */")


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a property it depends on changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.updateGeometry()
    widget.update()


def scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroll area that gives it the width (a page's column of guided steps)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(widget)
    return scroll
