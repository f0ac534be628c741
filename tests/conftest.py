"""Suite-wide rules: a skipped test is a failure.

The suite runs against a real database with a real browser; a test that
skips (no browser, no HTTP server, a missing module) proves nothing, so the
run fails instead of passing quietly.
"""

import pytest


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped: the suite does not allow skips", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
