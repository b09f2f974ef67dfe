"""The shape of the code a newcomer reads: every module says what it exports, no function is a maze."""
from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest
from radon.complexity import cc_visit

import policykg

ROOT = Path(policykg.__file__).resolve().parent
MAX_COMPLEXITY = 25   # radon's cyclomatic complexity (grade D starts at 21, E at 31)


def package_files() -> list[Path]:
    files = []
    for info in pkgutil.walk_packages(policykg.__path__, "policykg."):
        rel = info.name.split(".")[1:]
        path = ROOT.joinpath(*rel)
        files.append(path / "__init__.py" if info.ispkg else path.with_suffix(".py"))
    return sorted(files) + [ROOT / "__init__.py"]


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_declares_all(path):
    if path.name == "__main__.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
             for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)}
    assert "__all__" in names, f"{path.relative_to(ROOT)} has no __all__"


def test_no_function_is_more_complex_than_25():
    too_complex = []
    for path in package_files():
        for block in cc_visit(path.read_text(encoding="utf-8")):
            blocks = [block] + list(getattr(block, "methods", []))
            too_complex += [f"{path.relative_to(ROOT)}:{b.lineno} {b.fullname} ({b.complexity})"
                            for b in blocks if b.complexity > MAX_COMPLEXITY]
    assert not too_complex, "\n".join(too_complex)
