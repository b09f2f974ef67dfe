"""pytest plugin: a real Neo4j 5 over Bolt for the Neo4j backend's tests.

`bolt_server` (session): when NEO4J_URI is set, those settings (e.g. a `docker compose up -d neo4j`);
otherwise a Neo4j Community 5.26 from Maven Central (tests/neo4j_server, built by `make dev`), started
once for the whole session with Bolt on a free loopback port, a generated password and its data in a
temporary folder, and stopped at the end (also when tests fail). The terminal shows the version
`CALL dbms.components()` reports.

Without Java the Bolt tests skip with one line saying how to enable them; with CI=true a missing JDK or
server jar fails them instead.

`bolt_store`: a `Neo4jStore` on it, with an empty graph for every test.
`neo4j_factory`: extra throwaway servers (each its own JVM) for the tests that kill one.
"""
from __future__ import annotations

import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from policykg.graph.config import neo4j_settings
from policykg.graph.neo4j_store import Neo4jStore

__all__ = ["NEO4J_SERVER", "Neo4jServer", "neo4j_admin", "open_bolt_store", "server_jar"]

log = logging.getLogger(__name__)

NEO4J_SERVER = Path(__file__).resolve().parent / "neo4j_server"
READY_TIMEOUT = 120.0
ENABLE_HINT = "install Java 17+ and Maven, then `make dev` (builds tests/neo4j_server), or set NEO4J_URI to a Neo4j 5"


def server_jar() -> Path:
    """The launcher jar, built with Maven first when it is missing and Maven is there."""
    jar = NEO4J_SERVER / "target" / "neo4j-server.jar"
    if not jar.exists() and shutil.which("mvn") and shutil.which("java"):
        subprocess.run(["mvn", "-q", "-f", str(NEO4J_SERVER / "pom.xml"), "package"], check=True,
                       stdin=subprocess.DEVNULL)
    return jar


def neo4j_admin(home: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Neo4j's own `neo4j-admin` (org.neo4j.cli.AdminTool, from the jars on Maven Central) on the DBMS folder `home`."""
    target = server_jar().parent
    conf = Path(home) / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "neo4j.conf").touch()
    env = dict(os.environ, NEO4J_HOME=str(home), NEO4J_CONF=str(conf))
    classpath = f"{target / 'neo4j-server.jar'}{os.pathsep}{target / 'lib' / '*'}"
    return subprocess.run(["java", "-Xmx1g", "-cp", classpath, "org.neo4j.cli.AdminTool", *args], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                          cwd=home)   # the import writes its import.report into the working folder


def _unavailable(reason: str) -> None:
    """Skip (a laptop without Java), or fail under CI=true, where the Neo4j tests must run."""
    message = f"no Neo4j for the Bolt tests ({reason}): {ENABLE_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _die_with_parent() -> None:   # pragma: no cover - runs in the child
    # If pytest is killed hard, take the server down with it (Linux only).
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass


class Neo4jServer:
    """One Neo4j DBMS in its own JVM (tests/neo4j_server), its data in `home`, kept across restarts."""

    def __init__(self, home: Path):
        self.home = Path(home)
        self.home.mkdir(parents=True, exist_ok=True)
        self.log_path = self.home / "launcher.log"
        self.proc: subprocess.Popen | None = None
        self.settings: dict = {}

    @property
    def uri(self) -> str:
        return self.settings["uri"]

    def start(self, timeout: float = READY_TIMEOUT) -> Neo4jServer:
        cmd = ["java", "-Xmx768m", "-XX:+UseSerialGC", "-jar", str(server_jar()), "--home", str(self.home)]
        if self.settings:   # a restart: same port and password, so open stores reconnect
            cmd += ["--port", self.uri.rsplit(":", 1)[1], "--password", self.settings["password"]]
        with open(self.log_path, "ab") as log_file:
            self.proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=log_file, stdin=subprocess.DEVNULL, text=True,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        line = self._ready_line(timeout)
        values = dict(item.split("=", 1) for item in line.split())
        self.settings = {"uri": values["NEO4J_URI"], "user": values["NEO4J_USERNAME"], "password": values["NEO4J_PASSWORD"],
                         "database": values["NEO4J_DATABASE"], "version": values["NEO4J_VERSION"]}
        return self

    def _ready_line(self, timeout: float) -> str:
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not found or not found[0].startswith("NEO4J_URI="):
            self.stop()
            raise RuntimeError(f"Neo4j did not start within {timeout:.0f} s: {self.log_tail()}")
        return found[0].strip()

    def log_tail(self, lines: int = 8) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, as in a crash: what survives is what Neo4j's transaction log had committed."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(30)

    def stop(self) -> None:
        """SIGTERM: the launcher shuts the DBMS down cleanly."""
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def discard(self) -> None:
        """End a server whose data is thrown away with its temporary folder: SIGKILL, since a clean
        shutdown would only cost the suite its time (about 10 s a server)."""
        self.kill()

    def restart(self, timeout: float = READY_TIMEOUT) -> Neo4jServer:
        self.stop()
        return self.start(timeout)


def _external_settings() -> dict:
    s = neo4j_settings()
    return {"uri": s.uri, "user": s.user, "password": s.password, "database": s.database}


def _check_empty(settings: dict) -> None:
    with open_bolt_store(settings) as store:
        nodes = store.query("MATCH (n) RETURN count(n)").rows[0][0]
        settings["version"] = store.server_version
    if nodes and os.environ.get("POLICYKG_TEST_WIPE") != "1":
        pytest.skip(
            f"the database {settings['database']!r} at {settings['uri']} holds {nodes} nodes and the tests wipe it: "
            "point NEO4J_DATABASE at a scratch database, or set POLICYKG_TEST_WIPE=1"
        )


def _report(config, settings: dict) -> None:
    with open_bolt_store(settings) as store:
        name, versions, edition = store.query("CALL dbms.components() YIELD name, versions, edition "
                                              "RETURN name, versions, edition").rows[0]
    line = f"bolt tests: {name} {', '.join(versions)} {edition} at {settings['uri']}"
    log.info(line)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():   # past pytest's capture, into the test log
            reporter.write_line(line)


@pytest.fixture(scope="session")
def bolt_server(request, tmp_path_factory):
    """Connection settings {uri, user, password, database, version} of a Neo4j for the tests."""
    if os.environ.get("NEO4J_URI"):
        settings = _external_settings()
        _check_empty(settings)
        _report(request.config, settings)
        yield settings
        return
    if not shutil.which("java"):
        _unavailable("no java on PATH")
    if not server_jar().exists():
        _unavailable(f"{server_jar()} is not built")
    server = Neo4jServer(tmp_path_factory.mktemp("neo4j"))
    server.start()
    try:
        _report(request.config, server.settings)
        yield server.settings
    finally:
        server.discard()


def open_bolt_store(settings: dict, **options) -> Neo4jStore:
    options.setdefault("max_retry_time", 5)
    return Neo4jStore(
        neo4j_settings(settings["uri"], settings["user"], settings["password"], settings["database"]), **options
    )


@pytest.fixture
def bolt_store(bolt_server):
    """A writable Neo4jStore on the session's Neo4j, on an empty graph."""
    store = open_bolt_store(bolt_server)
    store.query("MATCH (n) DETACH DELETE n")
    try:
        yield store
    finally:
        try:
            store.query("MATCH (n) DETACH DELETE n")
        finally:
            store.close()


@pytest.fixture
def neo4j_factory(bolt_server, tmp_path):
    """Start extra throwaway Neo4j servers (for crash tests); all stopped afterwards. Needs the local jar."""
    if os.environ.get("NEO4J_URI") and not server_jar().exists():
        pytest.skip("NEO4J_URI is set and tests/neo4j_server is not built: the crash test needs a server of its own")
    servers: list[Neo4jServer] = []

    def start() -> Neo4jServer:
        server = Neo4jServer(tmp_path / f"neo4j-{len(servers)}")
        servers.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in servers:
            server.discard()
