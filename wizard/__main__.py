"""`python -m wizard`: the same entry point as `main.py` and the `district-wizard` command."""

import sys

from wizard.app.main import main

sys.exit(main(prog="python -m wizard"))
