"""Everything the program reads at run time: the hub's CSV spec, header synonyms, the SDS column map, vendor
profiles, the sandbox's app catalog and icons, the stylesheet, the app icon and the US states.

The files ship inside the package (pyproject's package-data) and are read through `importlib.resources`, so an
installed wheel, `python -m wizard` and the desktop bundle find them wherever they are installed; nothing walks
up from a source file to a checkout.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

__all__ = ["Traversable", "resource"]


def resource(*parts: str) -> Traversable:
    """The shipped file or folder at `parts` below this package, e.g. resource("vendor_profiles")."""
    node: Traversable = files(__name__)
    for part in parts:
        node = node / part
    return node
