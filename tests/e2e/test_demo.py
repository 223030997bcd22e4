"""``agora demo`` drives the real webhook and shows cases, routing reasons and answers."""

import pytest

from shared.runner.demo import load_samples, run_demo
from shared.runner.stack import Stack

pytestmark = pytest.mark.e2e


def test_demo_samples_are_french_and_english_with_replies() -> None:
    samples = load_samples()
    assert {s["lang"] for s in samples} == {"fr", "en"}
    assert len(samples) >= 50
    assert sum(bool(s["reply"]) for s in samples) > len(samples) // 2


def test_demo_replay_shows_cases_routed_answered_and_measured(stack: Stack) -> None:
    lines: list[str] = []
    assert run_demo(stack, rate=20, say=lines.append, limit=6) == 0
    text = "\n".join(lines)
    assert text.count("(accepted)") == 6
    assert "→ team voirie" in text
    assert "matched rule 'roads and lighting'" in text
    assert "← team" in text
    assert "assigned to " in text
    assert "on the platform" in text  # each reply's delivery, here to the platform simulator
    assert "still in the pipeline" not in text
    assert "Time to first response by team" in text
