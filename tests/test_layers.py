"""Which part of sitreps may import which (issue 15 point 10): the event filters' parser
(sitreps/filters.py) sits below the API, the web pages and the command line; the pages never
import the API (the API mounts them); and each module of the api/ and cli/ packages imports on
its own, in a fresh interpreter, so no import cycle hides behind the order a package loads them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sitreps

SRC = Path(sitreps.__file__).parent


def imported(path: Path) -> set[str]:
    """The sitreps modules a file imports, as dotted names (relative imports resolved)."""
    package = ".".join(path.relative_to(SRC.parent).parent.parts)  # what a relative import starts from
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.add(module)
            names |= {f"{module}.{alias.name}" for alias in node.names}
    return {n for n in names if n == "sitreps" or n.startswith("sitreps.")}


def under(names: set[str], package: str) -> set[str]:
    return {n for n in names if n == package or n.startswith(package + ".")}


@pytest.mark.parametrize("path", sorted((SRC / "web").glob("*.py")), ids=lambda p: p.name)
def test_the_web_pages_never_import_the_api_or_the_command_line(path):
    names = imported(path)
    assert not under(names, "sitreps.api") and not under(names, "sitreps.cli")


def test_the_filters_sit_below_the_api_the_pages_and_the_command_line():
    names = imported(SRC / "filters.py")
    assert not (under(names, "sitreps.api") | under(names, "sitreps.web") | under(names, "sitreps.cli"))


def test_the_api_never_imports_the_command_line():
    for path in (SRC / "api").glob("*.py"):
        assert not under(imported(path), "sitreps.cli"), path.name


def test_every_module_of_the_api_and_the_command_line_imports_on_its_own():
    modules = sorted(
        ".".join(p.relative_to(SRC.parent).with_suffix("").parts).removesuffix(".__init__")
        for package in ("api", "cli")
        for p in (SRC / package).glob("*.py")
        if p.name != "__main__.py"
    )
    assert "sitreps.api.reading" in modules and "sitreps.cli.query" in modules
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    for module in modules:
        proc = subprocess.run([sys.executable, "-c", code, module], capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{module}: {proc.stderr[-2000:]}"
