"""The house rules of the code base that a machine can check: every public function in ``rdtr/`` and
``api/`` says in one line what it does, and no module grows past about 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("rdtr", "api")
MAX_LINES = 500


def _modules():
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic's generated revisions
            yield path


def _public_functions(tree: ast.Module):
    """Module-level functions and methods of module-level classes whose names do not start with ``_``."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not item.name.startswith("_"):
                    yield f"{node.name}.{item.name}", item


def test_every_public_function_has_a_docstring():
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name, node in _public_functions(tree):
            if ast.get_docstring(node) is None:
                missing.append(f"{path.relative_to(REPO)}:{node.lineno} {name}")
    assert not missing, "public functions without a docstring:\n" + "\n".join(missing)


def test_no_module_is_over_about_500_lines():
    long = [
        f"{p.relative_to(REPO)}: {n}"
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, "modules over 500 lines (split them by concern):\n" + "\n".join(long)
