"""The PySide6 layer: thin pages over the Qt-free domain in `wizard`."""
