from __future__ import annotations

import pytest

import main


def test_help_lists_the_gui_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main.main(["--help"])
    assert exit_info.value.code == 0
    assert "gui" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main.main(["no-such-command"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_the_wizard_starts_without_importing_the_command_line_verbs() -> None:
    # startup time: the GUI path must not pay for pandas, pyarrow or the web stack of `prepare`, `hub` …
    import subprocess
    import sys

    program = (
        "import sys, wizard.app.main as m\n"
        "m._run_gui = lambda: print(sorted(n for n in ('pandas', 'pyarrow', 'fastapi', 'wizard.cli.prepare',"
        " 'wizard.cli.hub', 'wizard.cli.bench') if n in sys.modules)) or 0\n"
        "m.configure_logging = lambda **_: None\n"
        "sys.exit(m.main([]))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
