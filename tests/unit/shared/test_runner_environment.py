"""What the local runner hands its services."""

from pathlib import Path

from pymongo.uri_parser import parse_uri

from shared.runner.stack import Ports, Stack, StackOptions


def stack(tmp_path: Path, **extra_env: str) -> Stack:
    return Stack(StackOptions(data_dir=tmp_path, ports=Ports(mongo=27999), extra_env=extra_env))


def test_services_write_to_the_embedded_database_without_retryable_writes(tmp_path: Path) -> None:
    for service in ("ingest", "classify", "respond", "metrics"):
        uri = stack(tmp_path).service_env(service)["AGORA_MONGO__URI"]
        parsed = parse_uri(uri)
        assert parsed["nodelist"] == [("127.0.0.1", 27999)]
        assert parsed["options"]["retryWrites"] is False
        assert parsed["options"]["directConnection"] is True


def test_the_runners_own_readers_keep_the_drivers_default(tmp_path: Path) -> None:
    assert "retryWrites" not in parse_uri(stack(tmp_path).mongo_uri)["options"]


def test_an_explicit_uri_wins_over_the_runners(tmp_path: Path) -> None:
    uri = "mongodb://127.0.0.1:27999/?directConnection=true"
    env = stack(tmp_path, AGORA_MONGO__URI=uri).service_env("respond")
    assert env["AGORA_MONGO__URI"] == uri
