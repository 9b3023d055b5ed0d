"""The core is pure: stdlib only, no Flask or SQLAlchemy, no floats, no hidden randomness."""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from voting.core import (
    Ballot,
    FeeOption,
    FeeUnit,
    RuleProfile,
    calculate_fees,
    tally,
)

from .builders import ballots, choice, committee, fee_levels, motion, present

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "voting" / "core"
STDLIB_ALLOWED = {
    "__future__",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "fractions",
    "functools",
    "itertools",
    "types",
    "typing",
}
WEB_STACK = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug")


def _loaded_after(code: str) -> list[str]:
    """Run `code` in a fresh interpreter and return the web-stack modules it loaded."""
    report = f"import sys; print(*sorted(m for m in sys.modules if m.split('.')[0] in {WEB_STACK!r}))"
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_import_probe_sees_flask_when_it_is_loaded():
    assert "flask" in _loaded_after("import flask")


def test_core_modules_load_neither_flask_nor_sqlalchemy():
    # Load voting.core under an empty parent package, so only voting/core/*.py runs.
    code = (
        "import sys, types\n"
        f"parent = types.ModuleType('voting'); parent.__path__ = [{str(ROOT / 'voting')!r}]\n"
        "sys.modules['voting'] = parent\n"
        "import voting.core, voting.core.fees, voting.core.eligibility, voting.core.presence\n"
        "voting.core.tally\n"
    )
    assert _loaded_after(code) == []


def test_importing_voting_core_loads_neither_flask_nor_sqlalchemy():
    # The parent package must keep Flask out of module level too (create_app imports it).
    assert _loaded_after("import voting.core") == []


def _core_trees():
    for path in sorted(CORE.glob("*.py")):
        yield path.name, ast.parse(path.read_text(encoding="utf-8"))


def test_core_has_no_float_literal_float_call_or_math_import():
    offences = []
    for name, tree in _core_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float | complex):
                offences.append(f"{name}:{node.lineno} float literal {node.value!r}")
            if isinstance(node, ast.Name) and node.id == "float":
                offences.append(f"{name}:{node.lineno} uses float")
            if isinstance(node, ast.Pow):
                offences.append(f"{name}: ** can produce a float")
    assert offences == []


def test_core_divides_only_exact_numbers():
    # `/` on two ints gives a float; every division must have a Fraction(...) operand.
    offences = []
    for name, tree in _core_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(node.op, ast.Div):
                operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.value]
                if not any(_is_call_to(o, "Fraction") for o in operands):
                    offences.append(f"{name}:{node.lineno}")
    assert offences == []


def _is_call_to(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def test_core_imports_only_exact_stdlib_modules_and_no_randomness():
    imported = set()
    for _, tree in _core_trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    assert imported <= STDLIB_ALLOWED, imported - STDLIB_ALLOWED


def _numbers(value, path="result"):
    """Yield (path, number) for every number inside a result."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float | complex | Fraction | Decimal):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _numbers(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple | list | frozenset):
        for i, item in enumerate(value):
            yield from _numbers(item, f"{path}[{i}]")


@pytest.mark.parametrize("profile", ["charter", "statute", "civil_code"])
def test_every_number_in_results_is_int_fraction_or_decimal(profile):
    rules = getattr(RuleProfile, profile)()
    att = present(12, 10, "1000.00", "900.00")
    contests = [committee(5), choice(3), fee_levels(), motion(special=True)]
    marks = {"k": ("c0", "c1"), "m": ("o1",), "fee": ("L30",), "q": ("yes",)}
    results = [tally(c, ballots(c.id, (9, marks[c.id]), area="90.00"), att, rules, 10) for c in contests]
    results.append(
        calculate_fees(
            {"保洁": Decimal("3000")},
            {"停车费": Decimal("500")},
            {},
            100,
            Decimal("7000.00"),
            [FeeOption(Decimal("25"), FeeUnit.PER_HOUSEHOLD), FeeOption(Decimal("0.4"), FeeUnit.PER_M2)],
        )
    )
    found = [(p, v) for r in results for p, v in _numbers(r)]
    assert found, "the walk found no numbers"
    assert [(p, v) for p, v in found if not isinstance(v, int | Fraction | Decimal)] == []


def test_float_area_on_a_ballot_is_refused():
    with pytest.raises(TypeError):
        Ballot("k", ("c0",), 90.5)
