import os
from pathlib import Path

import pytest

from shared.config import ConfigSource
from shared.settings import DEFAULT_CONFIG

DEMO = DEFAULT_CONFIG.read_text()


def _write(path: Path, text: str, *, tick: int) -> None:
    """Write ``text`` with a distinct modification time (a reload compares it)."""
    path.write_text(text)
    os.utime(path, ns=(tick * 10**9, tick * 10**9))


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "agora.yaml"
    _write(path, DEMO, tick=1)
    return path


def test_an_unchanged_file_is_not_read_again(config_file: Path) -> None:
    source = ConfigSource(config_file)
    before = source.current
    assert source.reload() is False
    assert source.current is before


def test_a_changed_routing_rule_is_in_force_after_reload(config_file: Path) -> None:
    source = ConfigSource(config_file)
    assert source.current.agencies[0].routing[1].team == "voirie"
    _write(config_file, DEMO.replace("team: voirie}", "team: proprete}", 1), tick=2)
    assert source.reload() is True
    assert source.current.agencies[0].routing[1].team == "proprete"
    assert source() is source.current


def test_an_invalid_change_is_refused_and_the_previous_configuration_stays(
    config_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = ConfigSource(config_file)
    before = source.current
    _write(config_file, DEMO.replace("team: voirie}", "team: nowhere}", 1), tick=2)
    assert source.reload() is False
    assert source.current is before
    refused = [r for r in caplog.records if r.getMessage() == "config_reload_refused"]
    assert len(refused) == 1
    assert "unknown team 'nowhere'" in str(refused[0].__dict__["problems"])


def test_a_vanished_file_keeps_the_configuration(config_file: Path) -> None:
    source = ConfigSource(config_file)
    before = source.current
    config_file.unlink()
    assert source.reload() is False
    assert source.current is before
