"""Icons from bytes the hub sent."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QIcon, QPixmap


def icon_from_bytes(data: bytes | None) -> QIcon:
    pixmap = QPixmap()
    if data:
        pixmap.loadFromData(QByteArray(data))
    return QIcon(pixmap) if not pixmap.isNull() else QIcon()
