"""Browser fixtures: Debian's Chromium driven by Playwright, a live `voting serve`, numbered screenshots.

The tests are skipped, with the reason, when Playwright is not importable or no Chromium binary
is found (VOTING_CHROMIUM, default /usr/bin/chromium). `.ci/run` installs Debian's chromium and
fonts-noto-cjk when they are missing, so in CI they run. Never `playwright install`: it downloads
a browser build, and Debian's Chromium is the one the tests use.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from voting import create_app
from voting.extensions import db
from voting.services import staff

from ..helpers import PASSWORD, Backend
from ..system.servers import Server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "e2e-screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    """Return the Chromium binary to drive, or skip the test with the reason."""
    path = os.environ.get("VOTING_CHROMIUM", "/usr/bin/chromium")
    found = shutil.which(path)
    if not found:
        reason = f"no Chromium at {path}: apt-get install chromium (as .ci/run does), or set VOTING_CHROMIUM"
        if os.environ.get("VOTING_TEST_REQUIRE_BROWSER"):
            pytest.fail(f"VOTING_TEST_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def browser():
    """Launch Debian's Chromium once per module."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: pip install -e '.[test]'"
    )
    executable = chromium_path()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def live(tmp_path):
    """Serve a fresh SQLite database with `voting serve`; yield (in-process app, server)."""
    backend = Backend("sqlite", "sqlite:///" + str(tmp_path / "e2e.db"))
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "SQLALCHEMY_DATABASE_URI": backend.url})
    with app.app_context():
        db.create_all()
        # Accounts come from the operator's `voting create-staff`; there is no page for them.
        staff.create_staff("admin", PASSWORD, "admin", all_communities=True)
        staff.create_staff("jian", PASSWORD, "staff", all_communities=True)
        staff.create_staff("ji", PASSWORD, "observer", all_communities=True)
    server = Server(tmp_path / "instance", backend)
    try:
        server.start()
        yield app, server
    finally:
        server.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class Screenshots:
    """Write one numbered PNG per step into e2e-screenshots/ (emptied at the start of a run)."""

    def __init__(self, folder: Path):
        self.folder, self.n, self.pages = folder, 0, []
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()

    def path(self, name: str) -> Path:
        self.n += 1
        return self.folder / f"{self.n:02d}-{name}.png"

    def __call__(self, page, name: str) -> None:
        self.pages.append(page)
        page.screenshot(path=str(self.path(name)), full_page=True)

    def failed(self) -> None:
        """Keep what every page showed when the test failed (CI keeps the folder)."""
        for n, page in enumerate(dict.fromkeys(self.pages)):
            try:
                page.screenshot(path=str(self.folder / f"failed-{n}.png"), full_page=True)
            except Exception:  # a closed page: nothing to show
                pass


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def shots(request) -> Screenshots:
    taken = Screenshots(SCREENSHOTS)
    yield taken
    if getattr(request.node, "failed_call", False):
        taken.failed()
