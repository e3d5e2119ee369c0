"""The suite's own guard: a warning the product logs fails the test that did not expect it."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makeini("[pytest]\nmarkers =\n    expected_warning_log(*patterns): expected warnings\n")
    return pytester


def test_an_unexpected_warning_fails_and_names_the_record(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        "import logging\n"
        "def test_quiet():\n    logging.getLogger('wizard.roster').info('fine')\n"
        "def test_noisy():\n    logging.getLogger('wizard.roster').warning('column %s dropped', 'Grade')\n"
        "def test_other_library():\n    logging.getLogger('urllib3').warning('not ours')\n"
    )
    result = inner.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*WARNING wizard.roster: column Grade dropped*"])


def test_a_marked_test_may_log_what_it_expects_and_nothing_else(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        "import logging, pytest\n"
        "@pytest.mark.expected_warning_log(r'keyring failed')\n"
        "def test_expected():\n    logging.getLogger('wizard.credentials').warning('keyring failed (X)')\n"
        "@pytest.mark.expected_warning_log(r'keyring failed')\n"
        "def test_another():\n    logging.getLogger('wizard').error('something else')\n"
    )
    result = inner.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR wizard: something else*"])
