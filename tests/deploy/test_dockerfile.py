"""Dockerfile and .dockerignore: a two-stage, non-root image whose entry point is ``agora``."""

import fnmatch
import json
import re
import subprocess
import tomllib
from pathlib import PurePosixPath

from tests.deploy.support import ROOT

Instruction = tuple[str, str]


def _instructions() -> list[Instruction]:
    """``(KEYWORD, arguments)`` of every instruction, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            found.append((keyword.upper(), arguments.strip()))
    return found


def _stages() -> list[list[Instruction]]:
    stages: list[list[Instruction]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def _runtime() -> list[Instruction]:
    return _stages()[-1]


def _args(stage: list[Instruction], keyword: str) -> list[str]:
    return [arguments for k, arguments in stage if k == keyword]


def _build_args() -> dict[str, str]:
    defaults = {}
    for keyword, arguments in _instructions():
        if keyword == "ARG" and "=" in arguments:
            name, _, value = arguments.partition("=")
            defaults[name] = value
    return defaults


def _ignore_patterns() -> list[str]:
    text = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _ignored(path: str) -> bool:
    """Whether ``.dockerignore`` keeps ``path`` (or a folder holding it) out of the context."""
    parts = PurePosixPath(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in _ignore_patterns():
        assert not pattern.startswith("!"), "exceptions are not modelled by this test"
        for prefix in prefixes:
            if fnmatch.fnmatchcase(prefix, pattern):
                return True
            if pattern.startswith("**/") and fnmatch.fnmatchcase(
                prefix.split("/")[-1], pattern[3:]
            ):
                return True
    return False


def _tracked_files(path: str) -> list[str]:
    """Files git tracks under ``path``: what a clean checkout sends to the build."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [name for name in listing.stdout.split("\0") if name]


def test_image_is_built_in_a_builder_stage_and_runs_on_python_311_slim() -> None:
    stages = _stages()
    assert len(stages) >= 2
    base = _stages()[-1][0][1].split()[0]
    base = re.sub(r"\$\{(\w+)\}", lambda m: _build_args()[m[1]], base)
    assert base == "python:3.11-slim"
    assert any("--from=builder" in arguments for arguments in _args(_runtime(), "COPY"))


def test_builder_installs_the_project_wheel_into_a_venv() -> None:
    builder = " ".join(_args(_stages()[0], "RUN"))
    assert "python -m venv /opt/agora" in builder
    assert "pip wheel" in builder
    assert "pip install" in builder


def test_runtime_runs_as_the_non_root_agora_user() -> None:
    assert _args(_runtime(), "USER") == ["agora"]
    assert any("useradd" in run and "agora" in run for run in _args(_runtime(), "RUN"))


def test_entrypoint_is_the_agora_command_declared_in_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (entrypoint,) = _args(_runtime(), "ENTRYPOINT")
    assert json.loads(entrypoint) == ["agora"]
    assert "agora" in pyproject["project"]["scripts"]


def test_default_command_serves_ingest() -> None:
    (command,) = _args(_runtime(), "CMD")
    assert json.loads(command) == ["serve", "ingest"]


def test_services_listen_on_every_interface_inside_the_container() -> None:
    env = " ".join(_args(_runtime(), "ENV"))
    assert re.search(r"\bAGORA_HTTP__HOST=0\.0\.0\.0\b", env)


def test_health_check_asks_healthz_on_the_configured_port() -> None:
    (check,) = _args(_runtime(), "HEALTHCHECK")
    assert "urllib" in check
    assert "http://127.0.0.1:${AGORA_HTTP__PORT" in check
    assert "/healthz" in check


def test_every_file_copied_from_the_context_exists_and_is_not_dockerignored() -> None:
    for stage in _stages():
        for arguments in _args(stage, "COPY"):
            words = arguments.split()
            if any(word.startswith("--from=") for word in words):
                continue
            sources = [word for word in words if not word.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), source
                for path in [source, *_tracked_files(source)]:
                    assert not _ignored(path), f"{path} is excluded by .dockerignore"


def test_dockerignore_keeps_environments_caches_tests_and_secrets_out() -> None:
    for path in [
        ".git",
        ".venv",
        "shared/__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "tests",
        ".agora-data",
        ".env",
        "deploy/.env",
    ]:
        assert _ignored(path), path
