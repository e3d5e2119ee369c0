"""Composition root: logging, the command line, and the GUI entry point.

`main.py` (in a checkout), `python -m wizard` and the `district-wizard` command all call `main()`.

python main.py                  the wizard (GUI)
python main.py prepare ...      offline roster preparation, no network
python main.py hub ...          the embedded hub as a standalone server
python main.py support ...      a district's data and login-link checks with an app's credentials
python main.py upload DIR ...   send a prepared folder's roster files to the hub over SFTP
python main.py screenshots DIR  the GUI's screenshot tour, offscreen
python main.py --version
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from wizard.about import version
from wizard.errors import UserFacingError
from wizard.logs import configure_logging

log = logging.getLogger("wizard")

# Each subcommand lives in its own module with `add_parser(subparsers)` and `run(args) -> int`;
# they are imported lazily so `prepare` never loads Qt or the web stack.
SUBCOMMAND_MODULES: dict[str, str] = {
    "prepare": "wizard.cli.prepare",
    "hub": "wizard.cli.hub",
    "screenshots": "wizard.app.screenshots",
    "support": "wizard.cli.support",
    "upload": "wizard.cli.upload",
    "bench": "wizard.cli.bench",
}


def _wanted_command(argv: Sequence[str]) -> str | None:
    """The subcommand named in `argv` when it is a known one and no help is asked for; "gui" when none is named
    (so the wizard's start imports no command-line module: pandas, the web stack); None means all of them."""
    for token in argv:
        if token in ("-h", "--help"):
            return None
        if token.startswith("-"):
            continue
        return token if token in SUBCOMMAND_MODULES or token == "gui" else None
    return "gui"


def _build_parser(prog: str | None = None, only: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="District Onboarding Wizard: onboard a district to the rostering and sign-on hub.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.add_parser("gui", help="open the wizard (the default)")
    for name, module_name in SUBCOMMAND_MODULES.items():
        if only is not None and name != only:
            continue
        module = __import__(module_name, fromlist=["add_parser"])
        module.add_parser(subparsers)
    return parser


def _run_gui() -> int:
    # The pages' Qt-free dependencies (pydantic, requests) are imported before Qt: once PySide6 is loaded, its
    # import hook reads the source of every module imported after it. The roster engine (pandas, pyarrow) and
    # the hub's web stack are not imported at all before the first page shows: the pages load them when used.
    import wizard.hub.models  # noqa: F401
    from wizard.app.gui import run

    return run()


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Run the command in `argv` (default sys.argv[1:]); `prog` names the program in help and --version."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["prepare-child"]:  # internal: the GUI's roster check in a child (frozen app)
        from wizard.session.prepare_child import child_main

        return child_main(arguments[1:])
    parser = _build_parser(prog, _wanted_command(arguments))
    args = parser.parse_args(arguments)
    command = args.command or "gui"
    configure_logging(verbose=args.verbose, to_file=command == "gui")
    handler: Callable[[argparse.Namespace], int] = args.handler if command != "gui" else lambda _: _run_gui()
    try:
        return handler(args)
    except UserFacingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
