"""Fact-base matching, across languages, on vectors (the encoder is tested elsewhere)."""

import numpy as np
import pytest

from services.classify.classifiers.misinformation import (
    MATCH_THRESHOLD,
    FactBase,
    misinformation_verdict,
)
from shared.config import Fact

FACT = Fact(
    id="tap-water-unsafe",
    claim={"fr": "L'eau du robinet n'est pas potable", "en": "Tap water is unsafe"},
    answer={"fr": "Elle est potable.", "en": "It is safe."},
)


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def _embed(texts: list[str]) -> np.ndarray:
    # Both wordings of the claim point the same way; anything else elsewhere.
    return np.stack(
        [_unit(1, 0, 0) if "potable" in t or "unsafe" in t else _unit(0, 1, 0) for t in texts]
    )


def test_every_wording_of_a_claim_is_embedded_once() -> None:
    base = FactBase.build([FACT], _embed)
    assert base.fact_ids == ("tap-water-unsafe", "tap-water-unsafe")
    assert base.vectors.shape == (2, 3)


def test_a_message_close_to_a_claim_is_flagged_with_the_fact_id() -> None:
    base = FactBase.build([FACT], _embed)
    verdict = misinformation_verdict(_unit(0.9, 0.2, 0), base, model_score=0.4)
    assert verdict.label == "possible_misinformation"
    assert verdict.by == "fact_base"
    assert verdict.evidence[0] == "fact:tap-water-unsafe"


def test_a_distant_message_is_not_flagged_and_the_model_only_adds_a_score() -> None:
    base = FactBase.build([FACT], _embed)
    verdict = misinformation_verdict(_unit(0, 0, 1), base, model_score=0.93)
    assert verdict.label == "none"
    assert verdict.evidence == ("model_score:0.93",)


@pytest.mark.parametrize("similarity", [MATCH_THRESHOLD - 0.01, MATCH_THRESHOLD])
def test_the_threshold_decides(similarity: float) -> None:
    base = FactBase(fact_ids=("f",), vectors=np.array([[1.0, 0.0]], dtype=np.float32))
    other = float(np.sqrt(1 - similarity**2))
    matched = base.match(np.array([similarity, other], dtype=np.float32))
    assert (matched is not None) == (similarity >= MATCH_THRESHOLD)


def test_an_agency_without_facts_never_flags() -> None:
    base = FactBase.build([], _embed)
    assert misinformation_verdict(_unit(1, 0, 0), base, model_score=None).label == "none"
