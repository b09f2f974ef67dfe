"""Connection settings for the Neo4j backend, and the embedded store's memory (`buffer_pool_bytes`).

Each setting comes from, in order: an explicit argument, the environment
(`NEO4J_URI`, `NEO4J_USERNAME`, `NEO4J_PASSWORD`, `NEO4J_DATABASE`), the first
config file that exists (`./policykg.toml`, then
`$XDG_CONFIG_HOME/policykg/config.toml`, default `~/.config/policykg/config.toml`),
section `[neo4j]` with keys `uri`, `user` (or `username`), `password`, `database`,
and finally a default (`bolt://localhost:7687`, `neo4j`, no password, `neo4j`).

The password is never part of `repr()`, of messages or of logs.
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from policykg.graph.errors import StoreError

__all__ = ["DEFAULT_URI", "DEFAULT_USER", "DEFAULT_DATABASE", "ENV_VARS", "Neo4jSettings", "config_paths", "neo4j_settings",
           "safe_uri", "BUFFER_POOL_ENV", "DEFAULT_BUFFER_POOL_MB", "buffer_pool_bytes"]

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"

ENV_VARS = {"uri": "NEO4J_URI", "user": "NEO4J_USERNAME", "password": "NEO4J_PASSWORD", "database": "NEO4J_DATABASE"}
_FILE_KEYS = {"uri": ("uri",), "user": ("user", "username"), "password": ("password",), "database": ("database",)}


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE
    origin: Mapping[str, str] = field(default_factory=dict, compare=False)   # setting -> where it came from

    @property
    def safe_uri(self) -> str:
        return safe_uri(self.uri)

    def __repr__(self) -> str:  # explicit, so a future field cannot leak the password
        return (f"Neo4jSettings(uri={self.safe_uri!r}, user={self.user!r}, database={self.database!r}, "
                f"password={'set' if self.password else 'unset'})")


def config_paths(env: Mapping[str, str] | None = None, cwd: str | os.PathLike | None = None) -> list[Path]:
    """The config files looked at, first match wins."""
    env = os.environ if env is None else env
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path.home() / ".config"
    return [Path(cwd or os.getcwd()) / "policykg.toml", base / "policykg" / "config.toml"]


def _read_file_section(paths: list[Path]) -> tuple[dict, str | None]:
    for path in paths:
        if not path.is_file():
            continue
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            # The message of a TOML error can quote the offending line (which may hold the password): keep only where.
            where = getattr(exc, "lineno", None)
            line = f" (line {where})" if where else ""
            raise StoreError(f"cannot read {path}{line}: fix the TOML syntax of its [neo4j] section") from None
        section = data.get("neo4j") or {}
        if not isinstance(section, dict):
            raise StoreError(f"{path}: [neo4j] must be a table with uri, user, password, database")
        return section, str(path)
    return {}, None


def neo4j_settings(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    paths: list[Path] | None = None,
) -> Neo4jSettings:
    """Resolve the connection settings: arguments, then environment, then config file, then defaults."""
    env = os.environ if env is None else env
    args = {"uri": uri, "user": user, "password": password, "database": database}
    file_section, file_path = _read_file_section(paths if paths is not None else config_paths(env))
    values: dict[str, str] = {}
    origin: dict[str, str] = {}
    defaults = {"uri": DEFAULT_URI, "user": DEFAULT_USER, "password": "", "database": DEFAULT_DATABASE}
    for key in ("uri", "user", "password", "database"):
        if args[key] is not None:
            values[key], origin[key] = str(args[key]), "argument"
        elif env.get(ENV_VARS[key]):
            values[key], origin[key] = env[ENV_VARS[key]], ENV_VARS[key]
        elif any(k in file_section for k in _FILE_KEYS[key]):
            k = next(k for k in _FILE_KEYS[key] if k in file_section)
            values[key], origin[key] = str(file_section[k]), f"{file_path} [neo4j].{k}"
        else:
            values[key], origin[key] = defaults[key], "default"
    return Neo4jSettings(values["uri"], values["user"], values["password"], values["database"], origin)


def safe_uri(uri: str) -> str:
    """The URI without any user:password@ part, for messages.

    >>> safe_uri("bolt://neo4j:secret@db.example:7687"), safe_uri("bolt://localhost:7687")
    ('bolt://db.example:7687', 'bolt://localhost:7687')
    """
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<invalid URI>"
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    if port:
        host += f":{port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


# LadybugDB keeps pages in a buffer pool whose own default is most of the machine's memory, and fills it as
# a load writes and a derivation reads: a first load of 10,000 plans peaked at 3.1 GB with it, 2.35 GB with
# a 1,024 MB pool. POLICYKG_BUFFER_POOL_MB bounds it to share a machine. The default stays the engine's own:
# with 512 MB, LadybugDB 0.22 died (SIGSEGV) during a checkpoint of that load once the graph (800 MB) had
# outgrown the pool, so a bound below the graph's size is a risk the user takes knowingly.
BUFFER_POOL_ENV = "POLICYKG_BUFFER_POOL_MB"
DEFAULT_BUFFER_POOL_MB = 0          # 0: LadybugDB's default


def buffer_pool_bytes(env: Mapping[str, str] | None = None) -> int:
    """The embedded store's buffer pool size in bytes, from $POLICYKG_BUFFER_POOL_MB (0, the default: LadybugDB's own).

    Examples:
        >>> buffer_pool_bytes({}), buffer_pool_bytes({"POLICYKG_BUFFER_POOL_MB": "2048"}) // 2**20
        (0, 2048)
        >>> buffer_pool_bytes({"POLICYKG_BUFFER_POOL_MB": "lots"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        policykg.graph.errors.StoreError: POLICYKG_BUFFER_POOL_MB='lots' is not a whole number of MB (64 or more); ...
    """
    raw = (os.environ if env is None else env).get(BUFFER_POOL_ENV)
    if raw is None or raw == "":
        return DEFAULT_BUFFER_POOL_MB * 1024 * 1024
    try:
        mb = int(raw)
    except ValueError:
        mb = 0
    if mb < 64:
        raise StoreError(f"{BUFFER_POOL_ENV}={raw!r} is not a whole number of MB (64 or more); "
                         f"set e.g. {BUFFER_POOL_ENV}=2048")
    return mb * 1024 * 1024
