"""``agora webhooks parse``: the adapter on a saved body, one JSON object per line."""

import json
from pathlib import Path

import pytest

from shared.cli import main


def _run(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[dict[str, object]], str]:
    code = main(["webhooks", "parse", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_each_item_is_one_line_with_its_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "body.json"
    body.write_text(
        json.dumps(
            {
                "messages": [
                    {
                        "message_id": "a",
                        "conversation_id": "c",
                        "text": "Bonjour",
                        "author": {"id": "u1"},
                    },
                    {"message_id": "b", "text": "v2", "edited_at": "2026-11-26T09:00:00Z"},
                    {"message_id": "c", "deleted": True},
                ]
            }
        )
    )
    code, lines, _ = _run(capsys, "--channel", "generic", str(body))
    assert code == 0
    assert [line["type"] for line in lines] == ["interaction", "edit", "deletion"]
    interaction = lines[0]
    assert {
        k: interaction[k]
        for k in ("channel", "kind", "text", "message_id", "conversation_id", "author_id")
    } == {
        "channel": "generic",
        "kind": "comment",
        "text": "Bonjour",
        "message_id": "a",
        "conversation_id": "c",
        "author_id": "u1",
    }


def test_malformed_body_exits_non_zero_naming_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = tmp_path / "bad.json"
    body.write_text('{"text": "no id"}')
    code, lines, err = _run(capsys, "--channel", "generic", str(body))
    assert (code, lines) == (2, [])
    assert "message_id: Field required" in err
    assert str(body) in err


def test_unknown_channel_type_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--channel", "myspace", str(tmp_path / "x"))
    assert code == 2
    assert "--channel: unknown type 'myspace'" in err


def test_missing_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--channel", "generic", str(tmp_path / "missing.json"))
    assert code == 2
    assert "missing.json: cannot read" in err
