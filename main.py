"""The checkout's entry point: `python main.py [COMMAND] ...` runs the same function as `district-wizard`."""

from __future__ import annotations

import sys

from wizard.app.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
