"""The login-links tab names who will not link, per school, and draws no empty "(no school)" bars (issue 10,
problem 8: it showed only counts, names only through Export, and a "(no school)" row with empty bars)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from tests.unit.support.test_health import made_up_snapshot
from wizard.roster.vendor import Outcome
from wizard.support import linkcheck as lc
from wizard.support.run import SupportRun
from wizard.ui.support.links_tab import LinksTab


class NoHost:
    run: SupportRun | None = None

    def run_task(self, task: Any, on_result: Callable[[Any], None], message: str) -> Any:
        raise AssertionError("not used")

    def show_problem(self, message: str, hint: str) -> None:
        raise AssertionError(message)


def test_the_tab_names_the_students_who_will_not_link_and_draws_no_empty_school(
    qtbot: QtBot, tmp_path: Path
) -> None:
    roster = tmp_path / "export.csv"
    roster.write_text(
        "Username,ExternalID,FirstName,LastName,School\n"
        "u1acct,001,First1,Last,First School\n"
        "ghost,999,G,H,\n"  # unclaimed, no school in the vendor's roster
        "u4acct,,Firstu4,Last,First School\n",
        encoding="utf-8",
    )
    check = lc.check_login_links(made_up_snapshot(), lc.read_vendor_roster(roster))
    tab = LinksTab(NoHost(), lambda _check: None)
    qtbot.addWidget(tab)
    tab.show_links(check)
    assert tab.chart.values() == [("linked", [1]), ("not linked", [3])]  # First School only
    names = [
        [tab.names.item(row, column).text() for column in range(3)] for row in range(tab.names.rowCount())
    ]
    assert names == [
        ["First School", "Firstu2 Last", "001"],
        ["First School", "Firstu3 Last", ""],
        ["First School", "Firstu4 Last", "004"],
    ]
    assert tab.names.item(2, 3).text() == lc.PLAIN_WORDS[Outcome.LINKED_BY_NAME]
    assert "'u4acct'" in tab.names.item(2, 4).text()
    assert "Unclaimed vendor accounts with no school in the vendor's roster: 1" in tab.names_note.text()
