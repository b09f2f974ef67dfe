"""The CLI on the Bolt backend: sync the embedded graph to a real Bolt server, then
query it with --backend neo4j and get what the embedded graph says."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policykg.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def neo4j_env(bolt_store, bolt_server):
    return {"NEO4J_URI": bolt_server["uri"], "NEO4J_USERNAME": bolt_server["user"],
            "NEO4J_PASSWORD": bolt_server["password"], "NEO4J_DATABASE": bolt_server["database"] or ""}


def invoke(args, env=None):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


def test_sync_then_same_stats_on_both_backends(tmp_path, neo4j_env):
    db = str(tmp_path / "g.lbdb")
    assert invoke(["--db", db, "load", str(SEEDS / "jinshan-2025.txt"), str(SEEDS / "shanghai-2024.txt"), "--quiet"]).exit_code == 0
    result = invoke(["--db", db, "sync", "--to", "neo4j"], env=neo4j_env)
    assert result.exit_code == 0, result.stderr
    embedded = json.loads(invoke(["--db", db, "stats", "--format", "json"]).stdout)
    remote = json.loads(invoke(["--backend", "neo4j", "stats", "--format", "json"], env=neo4j_env).stdout)
    assert remote == embedded
    again = invoke(["--db", db, "sync", "--to", "neo4j"], env=neo4j_env)
    assert "unchanged" in again.stderr and "added" not in again.stderr


def test_cypher_on_neo4j_is_read_only_without_write(neo4j_env):
    result = invoke(["--backend", "neo4j", "cypher", "CREATE (r:Region {id: 'x'})"], env=neo4j_env)
    assert result.exit_code != 0 and "--write" in result.stderr
    assert invoke(["--backend", "neo4j", "cypher", "MATCH (r:Region {id: 'x'}) RETURN count(r) AS n", "--format", "json"],
                  env=neo4j_env).stdout.strip() == '[\n  {\n    "n": 0\n  }\n]'


def test_unreachable_server_is_one_line_without_password(tmp_path):
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": "s3cret-passw0rd"}
    result = invoke(["--backend", "neo4j", "stats"], env=env)
    assert result.exit_code != 0 and "cannot reach" in result.stderr
    assert "s3cret" not in result.output and result.stderr.count("\n") == 1


def test_export_neo4j_import_writes_csvs_and_command(tmp_path):
    db = str(tmp_path / "g.lbdb")
    assert invoke(["--db", db, "load", str(SEEDS / "jinshan-2025.txt"), "--quiet"]).exit_code == 0
    out = tmp_path / "import"
    result = invoke(["--db", db, "export", "neo4j-import", str(out)])
    assert result.exit_code == 0
    assert (out / "Task.header.csv").read_text(encoding="utf-8").startswith("id:ID(Task)")
    assert "neo4j-admin database import full" in (out / "import.sh").read_text(encoding="utf-8")
    assert invoke(["--db", db, "export", "neo4j-import"]).exit_code != 0


def readme_neo4j_commands() -> list[list[str]]:
    """The `policykg …` lines of the README's Neo4j section, as argv (comments dropped)."""
    import re
    import shlex

    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Neo4j for teams and scale", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for line in block.splitlines():
            if line.startswith("policykg "):
                commands.append(shlex.split(line, comments=True)[1:])
    return commands


def test_the_readmes_neo4j_commands_run_as_written(tmp_path, monkeypatch, neo4j_env):
    """In a checkout after `make run` (seeds/, data/policykg.lbdb), each command of the README's Neo4j
    section, exactly as written, succeeds against the Bolt server."""
    import shutil

    monkeypatch.chdir(tmp_path)
    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert invoke(["load", "seeds/", "--quiet"]).exit_code == 0          # what `make run` leaves behind
    commands = readme_neo4j_commands()
    assert ["--backend", "neo4j", "load", "seeds/"] in commands and ["sync", "--to", "neo4j"] in commands
    assert ["export", "neo4j-import", "out/neo4j-import"] in commands
    for argv in commands:
        result = CliRunner().invoke(main, argv, env=neo4j_env, catch_exceptions=False)
        assert result.exit_code == 0, (argv, result.output)
    assert (tmp_path / "out" / "neo4j-import" / "import.sh").is_file()   # where the compose file mounts /import
    remote = json.loads(invoke(["--backend", "neo4j", "stats", "--format", "json"], env=neo4j_env).stdout)
    assert remote == json.loads(invoke(["stats", "--format", "json"]).stdout)
