"""The Examples in the package's docstrings run, as doctests, in the suite."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import policykg

MODULES = sorted(m.name for m in pkgutil.walk_packages(policykg.__path__, "policykg.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} docstring examples failed (see the output above)"


def test_the_package_has_runnable_examples():
    attempted = sum(doctest.testmod(importlib.import_module(n), verbose=False).attempted for n in MODULES)
    assert attempted >= 10
