"""pytest settings shared by every test of the repository (run through pytest-odoo)."""

import ast
import collections
from pathlib import Path

import pytest

import odoo

ROOT = Path(__file__).resolve().parent


def pytest_addoption(parser):
    parser.addoption(
        "--same-tests-as-odoo",
        metavar="FILE",
        help="Fail the session unless the tests collected are exactly those "
        "that Odoo's own runner (odoo-bin --test-enable --test-tags "
        "/<addon>,...) runs for the addons of this repository; write their "
        "list to FILE, one 'module: Class.method' a line.",
    )


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


# --- Both runners see the same tests ----------------------------------------
#
# Odoo's runner takes, from each test_*.py module that <addon>/tests/__init__.py
# imports, the test classes defined in that module and the test methods
# defined on each class itself; then it keeps those its tags select. pytest
# collects every test_*.py file it finds, with the classes a file imports and
# the methods a class inherits. A test file left out of __init__.py, a test in
# no addon, a test class imported into another file, a test method inherited,
# a tag that deselects: either runner would run tests the other does not.


def repository_addons():
    """The installable addons of this repository, by name."""
    addons = []
    for manifest in sorted(ROOT.glob("*/__manifest__.py")):
        if ast.literal_eval(manifest.read_text()).get("installable", True):
            addons.append(manifest.parent.name)
    return addons


def odoo_runner_tests(addons):
    """(module, class, method) of every test that ``odoo-bin --test-enable
    --test-tags /<addon>,...`` runs for ``addons``, at or after install."""
    from odoo.tests import loader
    from odoo.tests.tag_selector import TagsSelector

    selected = TagsSelector(",".join(f"/{addon}" for addon in addons))
    positions = (TagsSelector("at_install"), TagsSelector("post_install"))
    tests = set()
    for addon in addons:
        for module in loader.get_test_modules(addon):
            for test in loader.get_module_test_cases(module):
                if selected.check(test) and any(p.check(test) for p in positions):
                    test_id = (
                        type(test).__module__,
                        type(test).__qualname__,
                        test._testMethodName,
                    )
                    tests.add(test_id)
    return tests


def collected_test_id(item):
    """(module, class, method) of a collected item; the module is the file
    pytest collected it from, not the one that defined its class."""
    cls = getattr(item, "cls", None)
    return (
        item.module.__name__,
        cls.__qualname__ if cls else None,
        getattr(item, "originalname", None) or item.name,
    )


def describe(test_id):
    module, cls, method = test_id
    return f"{module}: {cls}.{method}" if cls else f"{module}: {method}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """Compare what pytest collected (before -k or -m narrow it) with what
    Odoo's runner would run; the verdict comes at the end of the session."""
    listing = config.getoption("--same-tests-as-odoo")
    if not listing:
        return
    collected = collections.Counter(collected_test_id(item) for item in items)
    expected = odoo_runner_tests(repository_addons())
    problems = []
    for test_id in sorted(set(collected) - expected, key=str):
        problems.append(f"only pytest runs {describe(test_id)}")
    for test_id in sorted(expected - set(collected), key=str):
        problems.append(f"only Odoo's runner runs {describe(test_id)}")
    for test_id, count in sorted(collected.items(), key=str):
        if count > 1:
            problems.append(f"pytest collects {describe(test_id)} {count} times")
    config._odoo_runner_problems = problems
    config._odoo_runner_count = len(expected)
    path = Path(listing)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{describe(t)}\n" for t in sorted(expected)))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    problems = getattr(config, "_odoo_runner_problems", None)
    if problems is None:
        return
    if problems:
        terminalreporter.section(
            "pytest and Odoo's runner see different tests", red=True
        )
        for problem in problems:
            terminalreporter.line(problem)
        terminalreporter.line(
            "Each test file must be imported by its addon's tests/__init__.py, "
            "define its own test classes (no test class imported from another "
            "file, no test method inherited) and be tagged at_install or "
            "post_install; tests belong to an addon's tests/ folder."
        )
    else:
        terminalreporter.write_line(
            f"pytest and Odoo's runner see the same {config._odoo_runner_count} tests."
        )


def pytest_sessionfinish(session, exitstatus):
    if getattr(session.config, "_odoo_runner_problems", None):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
