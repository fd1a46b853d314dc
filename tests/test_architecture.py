"""The package's layers, checked on its source: docs/architecture.md says what each may import."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import ppa_core
from ppa_core import _rendering

SRC = Path(ppa_core.__file__).parent

# Lowest first: a module may import its own layer and the layers before it, never one after.
LAYERS = (
    "foundation",  # exceptions and the private helpers every layer uses
    "domain",
    "events",  # scheduling tools' payloads -> lifecycle facts: imports the domain only
    "rules",
    "billing",
    "modelling",
    "presentation",
    "sample",
    "adapters",
)
FOUNDATION = frozenset({"exceptions", "_validation", "_gc", "_optional", "_rendering", "_version"})
# Partners' strategies build domain values only: a leaf beside the adapters.
LEAF_LAYERS = {"testing": frozenset({"foundation", "domain"})}
MAX_LINES = 500


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        name = ".".join(parts).removesuffix(".__init__")
        found.append((name, path))
    return found


MODULES = _modules()
NAMES = {name for name, _ in MODULES}


def layer_of(module: str) -> str | None:
    """The layer a module belongs to; None for the package's own ``__init__``/``__main__``."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return None
    if parts[1] in FOUNDATION:
        return "foundation"
    return parts[1]


def _imports(path: Path, module: str) -> list[tuple[int, str, bool]]:
    """Each (line, imported ppa_core module, inside a function) of a module's source."""
    tree = ast.parse(path.read_text())
    in_function = {
        id(node)
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
        for stmt in func.body
        for node in ast.walk(stmt)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in NAMES else base
                for alias in node.names
            ]
        for imported in targets:
            target = imported
            while target and target not in NAMES:
                target = target.rpartition(".")[0]
            if target.startswith("ppa_core"):
                found.append((node.lineno, target, id(node) in in_function))
    return found


def _allowed(source: str, target: str) -> bool:
    if target == source or (layer_of(target) is None and target != "ppa_core"):
        return True
    if target == "ppa_core":  # the top package imports every layer: nothing below may import it
        return False
    here, there = layer_of(source), layer_of(target)
    assert here is not None
    assert there is not None
    if here == there:
        return True
    if here in LEAF_LAYERS:
        return there in LEAF_LAYERS[here]
    if there in LEAF_LAYERS:
        return False
    return LAYERS.index(there) < LAYERS.index(here)


def test_every_module_is_in_a_known_layer() -> None:
    unknown = {
        name
        for name, _ in MODULES
        if (layer := layer_of(name)) is not None
        and layer not in LAYERS
        and layer not in LEAF_LAYERS
    }
    assert not unknown, f"modules outside the documented layers: {sorted(unknown)}"


def test_a_lower_layer_never_imports_a_higher_one() -> None:
    offences = [
        f"{path.relative_to(SRC.parent)}:{line}: {name} ({layer_of(name)}) imports "
        f"{target} ({layer_of(target) or 'the package'})"
        for name, path in MODULES
        if layer_of(name) is not None
        for line, target, _ in _imports(path, name)
        if not _allowed(name, target)
    ]
    assert not offences, "\n".join(offences)


def test_no_module_imports_our_own_modules_inside_a_function() -> None:
    offences = [
        f"{path.relative_to(SRC.parent)}:{line}: imports {target} inside a function"
        for name, path in MODULES
        if path.name != "__init__.py"
        for line, target, in_function in _imports(path, name)
        if in_function
    ]
    assert not offences, "\n".join(offences)


@pytest.mark.parametrize(("name", "path"), MODULES, ids=[name for name, _ in MODULES])
def test_a_module_holds_one_concept_in_at_most_500_lines(name: str, path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by concept"


def _classes_that_dispatch(hook: str, renderer: str) -> list[type]:
    classes = []
    for info in pkgutil.walk_packages(ppa_core.__path__, "ppa_core."):
        if info.name == "ppa_core.__main__":  # running it runs the command line
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            method = cls.__dict__.get(hook)
            if (
                cls.__module__ == info.name
                and method is not None
                and f"_rendering.{renderer}(self)" in inspect.getsource(method)
            ):
                classes.append(cls)
    return classes


@pytest.mark.parametrize(
    ("hook", "renderer"), [("__repr__", "text"), ("_repr_html_", "html")], ids=["text", "html"]
)
def test_every_value_that_asks_for_a_rendering_has_one_registered(hook: str, renderer: str) -> None:
    dispatch = getattr(_rendering, renderer)
    classes = _classes_that_dispatch(hook, renderer)
    assert classes, "no value dispatches its rendering: the check would prove nothing"
    unregistered = [cls.__qualname__ for cls in classes if object in _mro_hit(dispatch, cls)]
    assert not unregistered, f"no {renderer} renderer registered for {unregistered}"


def _mro_hit(dispatch: object, cls: type) -> tuple[type, ...]:
    """The type whose renderer ``dispatch`` would use for ``cls``, as a one-element tuple."""
    registry = dispatch.registry  # type: ignore[attr-defined]
    return next((klass,) for klass in cls.__mro__ if klass in registry)


def test_the_fallback_rendering_never_recurses_into_the_value() -> None:
    class Unregistered:
        def __repr__(self) -> str:
            return _rendering.text(self)

    shown = repr(Unregistered())
    assert shown.startswith("<")
    assert "Unregistered object at" in shown
    assert _rendering.html(Unregistered()).startswith("<pre>&lt;")
