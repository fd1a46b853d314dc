"""Mutation testing for ppa_core: do the tests fail when the code is wrong?

Each mutant is one small change to one source file: a comparison's boundary or
sense (``<`` to ``<=``, ``==`` to ``!=``, ``is``/``in`` negated), arithmetic (``+``
to ``-``, ``*`` to ``/``), ``and``/``or`` swapped, a ``not`` dropped, a constant
changed (``True``/``False``, an int off by one, 0 and 1 swapped, a string
emptied), a returned value replaced by None, an ``if ...: raise`` guard deleted.
Docstrings, annotations and ``__all__`` are left alone, and so is a line marked
``# pragma: no mutate``. The script reports, per module, how many mutants the
tests *killed* (failed on), how many timed out (counted as killed, like one that
breaks import or collection), and every survivor (the tests passed anyway) as
``file:line: mutation``.

A first run of the module's test files under coverage records which tests run
each line; each mutant is then tested with only those tests (all of them for a
line run at import), with ``-x``, one process, no coverage, Hypothesis's default
profile and a fixed seed, and a timeout of twice that first run. Mutants are
written to a private copy of ``src/`` (the checkout is never touched) and tested
in a forked child of a process that has already imported pytest, attrs and
pendulum; a mutant costs a second or two of CPU.

Usage, from the repository root (``--list`` prints the mutants without running)::

    .venv/bin/python scripts/mutate.py                       # every target below
    .venv/bin/python scripts/mutate.py domain/money.py       # one target
    .venv/bin/python scripts/mutate.py domain/money.py --lines 280-300
    .venv/bin/python scripts/mutate.py rules/foo.py --tests tests/test_engine.py

Too slow for CI (minutes per module on one core): run it by hand when a module's
tests change, and read the survivors.
"""

from __future__ import annotations

import argparse
import ast
import compileall
import copy
import os
import py_compile
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "ppa_core"

_MONEY_TESTS = ("tests/test_money.py",)
# Free units, packages, flat fees and finite tiers are priced in test_pricing_models.py.
_PRICING_TESTS = ("tests/test_pricing.py", "tests/test_pricing_models.py")
_RULES_TESTS = (
    "tests/test_across_appointment_pass.py",
    "tests/test_engine.py",
    "tests/test_lifecycle_additions.py",
    "tests/test_builtin_rules.py",
    "tests/test_builtin_rule_edges.py",
)
TARGETS: dict[str, tuple[str, ...]] = {
    # module (relative to src/ppa_core) -> the tests that should kill its mutants
    "domain/money.py": _MONEY_TESTS,
    "domain/_amount.py": _MONEY_TESTS,
    "domain/currency.py": _MONEY_TESTS,
    "domain/pricing.py": _PRICING_TESTS,
    "domain/tiers.py": _PRICING_TESTS,
    "rules/_common.py": _RULES_TESTS,
    "rules/lifecycle.py": _RULES_TESTS,
    "rules/cancellation.py": _RULES_TESTS,
    "rules/attendance.py": _RULES_TESTS,
    "rules/qualification.py": _RULES_TESTS,
    "rules/dispute.py": _RULES_TESTS,
    "rules/builtin.py": _RULES_TESTS,
    "rules/_fused.py": (*_RULES_TESTS, "tests/test_fused_rules.py"),
    # Its sub-minor shares, packages, free units and refused tiers are tested there.
    "rules/across_appointment_pass.py": (*_RULES_TESTS, "tests/test_pricing_models.py"),
}
"""The modules mutated by default, each with the test files run against its mutants."""

PYTEST_ARGS = (
    "-x",
    "-q",
    "--no-cov",
    "-p",
    "no:cacheprovider",
    "-n",
    "0",
    "-p",
    "no:randomly",
    "--hypothesis-seed=0",
)

NONE_IS_AN_ANSWER = frozenset({"trace_key"})
"""Functions for which returning None is always correct, so "return None" is no mutant.

A rule's ``trace_key`` returns None to have each appointment explained on its own
(rules/per_appointment_pass.py): the trace is the same, only shared less.
"""

NO_MUTATE = "pragma: no mutate"
"""A comment that keeps the mutator off its line (for a mutant shown to be equivalent)."""


# --------------------------------------------------------------------------- mutants


@dataclass(frozen=True)
class Mutant:
    """One change: its index among the file's mutants, where, and what."""

    index: int
    line: int
    what: str
    last_line: int = 0


_FLIPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_ARITHMETIC: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Div,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.Mult,
}
_SYMBOLS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.And: "and",
    ast.Or: "or",
}


class _Mutator(ast.NodeTransformer):
    """Counts the mutation sites of a tree; applies the one numbered ``target``.

    With ``target`` None the tree is left alone and ``found`` lists every mutant.
    """

    def __init__(self, target: int | None, skipped_lines: frozenset[int]) -> None:
        self.target = target
        self.skipped_lines = skipped_lines
        self.found: list[Mutant] = []
        self.functions: list[str] = []

    def _site(self, node: ast.AST, what: str) -> bool:
        """Record a possible mutation; True when it is the one to apply."""
        line = getattr(node, "lineno", 0)
        if line in self.skipped_lines:
            return False
        index = len(self.found)
        self.found.append(Mutant(index, line, what, getattr(node, "end_lineno", None) or line))
        return index == self.target

    # Parts of the tree that never run as code, or whose change means nothing.
    def _body(self, body: list[ast.stmt]) -> list[ast.stmt]:
        kept: list[ast.stmt] = []
        for stmt in body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                kept.append(stmt)  # a docstring, of the module, a class or an attribute
                continue
            new = self.visit(stmt)
            if new is None:
                continue
            kept.extend(new if isinstance(new, list) else [new])
        return kept or [ast.Pass()]

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body(node.body)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.body = self._body(node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args.defaults = [self.visit(d) for d in node.args.defaults]
        node.args.kw_defaults = [
            None if d is None else self.visit(d) for d in node.args.kw_defaults
        ]
        self.functions.append(node.name)
        node.body = self._body(node.body)
        self.functions.pop()
        return node  # annotations are strings (from __future__ import annotations)

    def visit_Assign(self, node: ast.Assign) -> ast.AST:
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        if "__all__" in names:
            return node
        return self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # The literal parts of an f-string are not mutated; the values inside are.
        node.values = [
            self.visit(v) if isinstance(v, ast.FormattedValue) else v for v in node.values
        ]
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node.value = self.visit(node.value)
        return node

    # The mutations.
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            flipped = _FLIPS.get(type(op))
            if flipped is not None:
                what = f"{_SYMBOLS[type(op)]} -> {_SYMBOLS[flipped]}"
                if self._site(node, what):
                    node.ops[i] = flipped()
        return node

    def _swap_arithmetic(self, node: ast.BinOp | ast.AugAssign, suffix: str = "") -> ast.AST:
        """``+`` to ``-`` and so on; ``suffix`` is ``=`` for an augmented assignment."""
        self.generic_visit(node)
        other = _ARITHMETIC.get(type(node.op))
        if other is None:
            return node
        what = f"{_SYMBOLS[type(node.op)]}{suffix} -> {_SYMBOLS[other]}{suffix}"
        if self._site(node, what):
            node.op = other()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        return self._swap_arithmetic(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        return self._swap_arithmetic(node, "=")

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        if self._site(node, f"{_SYMBOLS[type(node.op)]} -> {_SYMBOLS[other]}"):
            node.op = other()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._site(node, "not x -> x"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            if self._site(node, f"{value} -> {not value}"):
                return ast.copy_location(ast.Constant(not value), node)
        elif isinstance(value, int):
            new = {0: 1, 1: 0}.get(value, value + 1)
            if self._site(node, f"{value} -> {new}"):
                return ast.copy_location(ast.Constant(new), node)
        elif isinstance(value, str) and value:
            shown = value if len(value) <= 30 else value[:27] + "..."
            if self._site(node, f"{shown!r} -> ''"):
                return ast.copy_location(ast.Constant(""), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return node
        if self.functions and self.functions[-1] in NONE_IS_AN_ANSWER:
            return node
        if self._site(node, "return value -> return None"):
            node.value = ast.Constant(None)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        self.generic_visit(node)
        guard = len(node.body) == 1 and isinstance(node.body[0], ast.Raise) and not node.orelse
        if guard and self._site(node, "if ...: raise -> deleted"):
            return ast.copy_location(ast.Pass(), node)
        return node


def mutants_of(source: str) -> list[Mutant]:
    """Every mutant of ``source``, in a stable order."""
    mutator = _Mutator(None, _skipped(source))
    mutator.visit(ast.parse(source))
    return mutator.found


def mutated(source: str, index: int) -> str:
    """``source`` with mutant number ``index`` applied (formatting and comments are lost)."""
    mutator = _Mutator(index, _skipped(source))
    tree = mutator.visit(copy.deepcopy(ast.parse(source)))
    return ast.unparse(ast.fix_missing_locations(tree))


def _skipped(source: str) -> frozenset[int]:
    return frozenset(n for n, line in enumerate(source.splitlines(), 1) if NO_MUTATE in line)


# --------------------------------------------------------------------------- running


@dataclass
class Report:
    """What became of one module's mutants."""

    module: str
    killed: int = 0
    timeout: int = 0
    survivors: list[Mutant] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every mutant tried."""
        return self.killed + self.timeout + len(self.survivors)

    @property
    def rate(self) -> float:
        """Killed or timed out, as a share of all (1.0 when there were none)."""
        return (self.killed + self.timeout) / self.total if self.total else 1.0


def _run_tests(
    src: Path, tests: Sequence[str], timeout: float, home: Path, coverage: Path | None = None
) -> str:
    """Run ``tests`` against the package in ``src`` in a forked child: its verdict.

    With ``coverage``, record which test ran which line into that data file instead.
    """
    pid = os.fork()
    if pid == 0:  # the child: import the (mutated) package afresh, run, exit
        code = 99
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            sys.path.insert(0, str(src))
            # Hypothesis keeps its example database under the working directory: one
            # of our own, so no mutant replays another's failing examples.
            os.chdir(home)
            import pytest  # noqa: PLC0415

            args = [*PYTEST_ARGS, *(str(ROOT / t) for t in tests)]
            if coverage is not None:
                os.environ["COVERAGE_FILE"] = str(coverage)
                args = [a for a in args if a != "--no-cov"]
                args += ["--cov=ppa_core", "--cov-context=test", "--cov-report="]
            code = int(pytest.main(args))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return "survived" if code == 0 else "error" if code in (4, 5, 99) else "killed"
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.01)


def _tests_by_line(data_file: Path, path: Path) -> dict[int, set[str]]:
    """The test ids that ran each line of ``path`` ("" for lines run at import)."""
    from coverage import CoverageData  # noqa: PLC0415 - only the parent reads it

    data = CoverageData(basename=str(data_file))
    data.read()
    wanted = str(path.resolve())
    found = next((f for f in data.measured_files() if str(Path(f).resolve()) == wanted), None)
    if found is None:
        return {}
    by_line = data.contexts_by_lineno(found)
    return {line: {c.rpartition("|")[0] for c in contexts} for line, contexts in by_line.items()}


def _covering(runs: dict[int, set[str]], mutant: Mutant, tests: Sequence[str]) -> list[str]:
    """The tests that run ``mutant``'s lines: all of ``tests`` when a line runs at import."""
    ids: set[str] = set()
    for line in range(mutant.line, mutant.last_line + 1):
        ids |= runs.get(line, set())
    if "" in ids:
        return list(tests)
    return sorted(ids)


def _lines(text: str | None) -> range | None:
    if text is None:
        return None
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def mutate_module(
    module: str, tests: Sequence[str], src: Path, lines: range | None, verbose: bool
) -> Report:
    """Try every mutant of ``module`` (relative to src/ppa_core) against ``tests``."""
    path = src / "ppa_core" / module
    source = path.read_text(encoding="utf-8")
    report = Report(module)
    with tempfile.TemporaryDirectory(prefix="mutate-home-") as home_dir:
        home = Path(home_dir)
        started = time.monotonic()
        data = home / "coverage"
        baseline = _run_tests(src, tests, 900, home, coverage=data)
        if baseline != "survived":
            sys.exit(f"{module}: the tests fail before any mutation ({baseline}): {tests}")
        timeout = max(10.0, 2 * (time.monotonic() - started) + 5)
        runs = _tests_by_line(data, path)
        chosen = [m for m in mutants_of(source) if lines is None or m.line in lines]
        print(f"{module}: {len(chosen)} mutants, {len(tests)} test file(s)", flush=True)
        try:
            for mutant in chosen:
                covering = _covering(runs, mutant, tests)
                if not covering:  # no test runs the line: nothing can notice the change
                    report.survivors.append(mutant)
                    if verbose:
                        print(f"  {module}:{mutant.line}: {mutant.what}: not run", flush=True)
                    continue
                path.write_text(mutated(source, mutant.index), encoding="utf-8")
                verdict = _run_tests(src, covering, timeout, home)
                if verdict == "error":
                    # The baseline ran, so this mutant broke import or collection
                    # (a conftest or module that no longer loads): it was noticed.
                    verdict = "killed"
                if verdict == "survived":
                    report.survivors.append(mutant)
                elif verdict == "timeout":
                    report.timeout += 1
                else:
                    report.killed += 1
                if verbose:
                    print(f"  {module}:{mutant.line}: {mutant.what}: {verdict}", flush=True)
        finally:
            path.write_text(source, encoding="utf-8")
    return report


def _print(reports: Sequence[Report]) -> None:
    print()
    print(f"{'module':<34} {'killed':>6} {'timeout':>7} {'survived':>8} {'total':>5}   rate")
    for r in reports:
        row = f"{r.module:<34} {r.killed:>6} {r.timeout:>7} {len(r.survivors):>8} {r.total:>5}"
        print(f"{row} {r.rate:6.1%}")
    for r in reports:
        for m in r.survivors:
            print(f"survived: src/ppa_core/{r.module}:{m.line}: {m.what}")


def _copy_src(into: Path) -> Path:
    """A copy of ``src/``, compiled once to bytecode that is checked against the source.

    Hash-checked ``.pyc`` files are never taken for a mutant's source (a timestamp
    check could be, within the same second), and spare each child compiling the
    whole package again.
    """
    src = into / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
    mode = py_compile.PycInvalidationMode.CHECKED_HASH
    compileall.compile_dir(src, quiet=1, invalidation_mode=mode)
    return src


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutants; exit 1 when any survived."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="paths relative to src/ppa_core (default: all)")
    parser.add_argument("--tests", nargs="+", help="test files (default: the module's own)")
    parser.add_argument("--lines", help="only mutants on these lines, e.g. 280-300")
    parser.add_argument("--list", action="store_true", help="list the mutants; run nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every verdict")
    args = parser.parse_args(argv)
    modules: list[str] = args.modules or list(TARGETS)
    wanted = _lines(args.lines)
    if args.list:
        for module in modules:
            source = (PACKAGE / module).read_text(encoding="utf-8")
            for m in mutants_of(source):
                if wanted is None or m.line in wanted:
                    print(f"src/ppa_core/{module}:{m.line}: {m.what}")
        return 0
    os.environ.pop("HYPOTHESIS_PROFILE", None)
    # Imported once here, so every forked child starts with them loaded.
    # (Not Hypothesis: pytest must import its plugin itself, to rewrite its asserts.)
    import attrs  # noqa: F401, PLC0415
    import cattrs  # noqa: F401, PLC0415
    import dateutil  # noqa: F401, PLC0415
    import pendulum  # noqa: F401, PLC0415
    import pytest  # noqa: F401, PLC0415

    reports = []
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        src = _copy_src(Path(tmp))
        for module in modules:
            tests = args.tests or TARGETS.get(module)
            if not tests:
                parser.error(f"{module}: no default tests; name them with --tests")
            reports.append(mutate_module(module, tests, src, wanted, args.verbose))
    _print(reports)
    return 1 if any(r.survivors for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
