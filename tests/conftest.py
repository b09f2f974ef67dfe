pytest_plugins = ["tests.conftest_bolt", "tests.conftest_browser"]
