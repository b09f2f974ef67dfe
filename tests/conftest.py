"""Suite-wide set-up: the Bolt-server and browser fixtures, and the markers that let a bare laptop
run the unit tests alone:

    pytest -m "not browser and not bolt and not npm"

`make test` (and CI) runs everything. Markers are given by what a test needs, so a new
test that uses the `browser` or `bolt_server` fixture is marked without anyone remembering to:
- browser: a real headless Chromium (fixtures `browser`, `open_page`);
- bolt: a real Bolt server (fixture `bolt_server`, and all built on it, or `neo4j_factory`);
- npm: Neo4j's Cypher front end from npm (tests/cypher_lint; modules mark themselves).
"""
import pytest

pytest_plugins = ["tests.conftest_bolt", "tests.conftest_browser"]

NEEDS = {
    "browser": {"browser", "open_page"},
    "bolt": {"bolt_server", "neo4j_factory"},
}


def pytest_collection_modifyitems(items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in NEEDS.items():
            if used & fixtures:
                item.add_marker(getattr(pytest.mark, marker))
