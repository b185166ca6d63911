"""Imports go one way: between apps down the layers of pyproject.toml, never round a cycle.

The layers (``[tool.importlinter]``) say which app may import which. An import
against them, even one inside a function, fails here and names the arrow. A
cycle between two modules of the package fails too, and is named module by module.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_apps_import_only_the_layers_below_them():
    run = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    broken = run.stdout[run.stdout.find("Broken contracts") :] or run.stdout
    if run.returncode != 0:
        pytest.fail(f"an import against the allowed direction:\n{broken}{run.stderr}", False)


def test_no_module_imports_itself_round_a_cycle():
    cycles = import_cycles(grimp.build_graph("pollwatch", cache_dir=None))
    if cycles:
        named = "\n".join(" -> ".join(cycle) for cycle in cycles)
        pytest.fail(f"import cycles between modules:\n{named}", False)


def import_cycles(graph) -> list[tuple[str, ...]]:
    """Each cycle once, as the modules round it, starting and ending with the same one."""
    found: dict[frozenset[str], tuple[str, ...]] = {}
    for importer in sorted(_modules(graph)):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if _is_migration(imported):
                continue
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                cycle = (importer, *back)
                found.setdefault(frozenset(cycle), cycle)
    return sorted(found.values())


def _modules(graph) -> set[str]:
    return {module for module in graph.modules if not _is_migration(module)}


def _is_migration(module: str) -> bool:
    return ".migrations" in module
