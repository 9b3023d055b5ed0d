"""The promises the repository makes to a new user and to CI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """Return the commands of the README's first two shell blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    return [next(line for line in block.splitlines() if line and not line.startswith("#")) for block in blocks[:2]]


def test_readme_starts_with_the_run_and_test_commands():
    run, test = readme_commands()
    assert run.endswith("voting demo") and "pip install -e ." in run
    assert test.endswith("python -m pytest") and ".[test,postgres]" in test


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_no_instance_data_secrets_or_virtualenv_is_tracked():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    bad = [f for f in tracked if re.search(r"(^|/)(instance|\.venv|venv)/|\.(db|sqlite3?|pem|key)$", f)]
    assert bad == []


def test_code_is_lint_clean_and_formatted():
    ruff = [sys.executable, "-m", "ruff"]
    paths = ["voting", "ballots", "scripts", "tests"]
    check = subprocess.run([*ruff, "check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([*ruff, "format", "--check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout


def test_the_app_starts_without_the_heavy_optional_modules():
    """Each gunicorn worker is a full copy of the app: pypinyin (~55 MB), openpyxl (~28 MB), numpy and
    reportlab load only when candidates are ordered, an .xlsx is read or written, or a QR is drawn."""
    code = (
        "import sys; from voting import create_app; "
        "create_app({'INSTANCE_PATH': sys.argv[1], 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "print(sorted(m for m in ('pypinyin', 'openpyxl', 'numpy', 'reportlab') if m in sys.modules))"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        loaded = subprocess.run(
            [sys.executable, "-c", code, folder], cwd=ROOT, capture_output=True, text=True, check=True
        )
    assert loaded.stdout.strip() == "[]"
