"""The distribution: one importable name, `policykg`, with its data files."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    # Built from a copy of the tracked files: setuptools writes build/ and *.egg-info into the tree it builds.
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("wheel")
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for name in filter(None, tracked.split("\0")):
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(tree)],
                   check=True, capture_output=True, text=True)
    [path] = out.glob("policykg-*.whl")
    return zipfile.ZipFile(path)


def test_the_wheel_installs_one_top_level_package(wheel):
    top = {name.split("/")[0] for name in wheel.namelist()}
    assert {t for t in top if not t.endswith(".dist-info")} == {"policykg"}


def test_the_wheel_holds_the_layers_and_their_data(wheel):
    names = set(wheel.namelist())
    for module in ("__init__.py", "__main__.py", "cli.py", "graph/store.py", "graph/derive/__init__.py",
                   "loaders/pipeline.py", "loaders/extract/targets/__init__.py", "queries/__init__.py", "pages/review.py"):
        assert f"policykg/{module}" in names, module
    assert "policykg/graph/schema.yaml" in names
    assert "policykg/loaders/vocab/indicators.yaml" in names
    assert "policykg/queries/alignment.cypher" in names
    assert not any(n.startswith(("policykg/tests/", "policykg/seeds/", "policykg/scripts/")) for n in names)


def test_the_console_script_is_policykg_cli_main(wheel):
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    assert "policykg = policykg.cli:main" in wheel.read(entry_points).decode()


def test_python_dash_m_policykg_runs_the_command_line():
    result = subprocess.run([sys.executable, "-m", "policykg", "--help"], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0 and result.stdout.startswith("Usage: policykg")


def test_the_wheel_ships_the_pages_template_stylesheet_and_chart_library(wheel):
    names = set(wheel.namelist())
    for data in ("pages/templates/base.html", "pages/assets/policykg.css", "pages/assets/vendor/echarts.min.js",
                 "pages/assets/vendor/LICENSE-echarts", "pages/assets/vendor/NOTICE-echarts"):
        assert f"policykg/{data}" in names, data
    assert not any("node_modules" in n or n.endswith("package.json") for n in names)
