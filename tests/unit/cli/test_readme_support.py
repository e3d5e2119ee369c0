"""The README's support example works as written against the demo hub, also once a second district uses the
app, as it does after a new user walks the wizard with Symphony Math (issue 10, problem 8: it exited 2,
"2 districts use your app")."""

from __future__ import annotations

import io
import re
import shlex
import sys
from pathlib import Path

import pytest

import main
from tests.hub_support import connect, sign_up
from tests.unit.support.conftest import Demo, demo
from tests.unit.test_credentials import MemoryKeyring
from wizard import credentials
from wizard.hub.models import SharingSettings

__all__ = ["demo"]
README = Path(__file__).resolve().parents[3] / "README.md"


def _readme_support_command() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## Support view", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    [line] = [line for line in block.group(1).splitlines() if " main.py support " in line]
    words = shlex.split(line)
    return words[words.index("main.py") + 1 :]


def test_the_readme_support_example_runs_against_the_demo_hub(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second district connects Symphony Math, as the README's wizard tour does on the same hub.
    riverside = sign_up(demo.hub, demo.clock)
    symphony = connect(
        demo.hub, demo.clock, riverside, "symphony-math", tmp_path / "riverside", SharingSettings("district")
    )
    store = credentials.CredentialStore(MemoryKeyring())
    monkeypatch.setattr(credentials, "_default_store", store)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    store.set_app_secret(demo.hub.base_url, symphony.client_id, symphony.client_secret)  # as if typed once
    monkeypatch.chdir(tmp_path)
    (tmp_path / "symphony.csv").write_bytes(demo.roster_path.read_bytes())  # --vendor-roster-out wrote it
    argv = [word.replace("$CLIENT_ID", symphony.client_id) for word in _readme_support_command()]
    # The README's hub listens on the default address; this test's hub on its own port.
    code = main.main([*argv, "--hub", demo.hub.base_url, "--as-of", "2026-11-02"])
    err = capsys.readouterr().err
    assert code == 1, err  # the checks ran and found what the README shows, not a usage error (2)
    assert "Maple Valley Unified School District" in err
    assert "Cedar Middle: 24 of 36 students will not be linked" in err
    assert (tmp_path / "support-out" / "not-linked.csv").is_file()
