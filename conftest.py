"""pytest settings shared by every test of the repository (run through pytest-odoo)."""

import pytest

import odoo


def pytest_runtest_setup(item):
    # Odoo 18's own test runner marks the running test, and its HTTP layer
    # checks that test cursors belong to it; pytest-odoo only does so from 19.
    from odoo.tests.common import HttpCase

    instance = getattr(item, "instance", None)
    if isinstance(instance, HttpCase):
        odoo.modules.module.current_test = instance


def pytest_runtest_teardown(item):
    odoo.modules.module.current_test = False


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A browser test skipped for want of Chromium is a failure, not a skip.

    Odoo skips tours silently when it finds no Chrome executable; here that
    would let a machine without a browser pass the suite without its tours.
    """
    outcome = yield
    report = outcome.get_result()
    if report.skipped and call.excinfo is not None:
        message = str(call.excinfo.value)
        if "Chrome executable not found" in message:
            report.outcome = "failed"
            report.longrepr = (
                "Chromium is needed for the browser tours (Debian: "
                "apt-get install chromium): " + message
            )
