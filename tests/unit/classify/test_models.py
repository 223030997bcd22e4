import numpy as np
import pytest

from services.classify.models.encoder import load_encoder
from services.classify.models.heads import load_heads
from services.classify.models.language import detect_language
from services.classify.training.vocabularies import VOCABULARIES

TEXTS = [
    "Un énorme nid-de-poule avenue Jean Jaurès, pouvez-vous le reboucher ?",
    "The streetlight outside number 8 has been off for a week",
    "Merci pour la nouvelle aire de jeux, bravo !",
]


@pytest.fixture(scope="module")
def embeddings():
    return load_encoder().embed(TEXTS)


def test_encoder_returns_unit_vectors_of_512_floats(embeddings) -> None:
    assert embeddings.shape == (3, 512)
    assert embeddings.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-4)


def test_encoder_on_no_text_returns_an_empty_matrix() -> None:
    assert load_encoder().embed([]).shape == (0, 512)


def test_encoder_is_loaded_once_per_process() -> None:
    assert load_encoder() is load_encoder()


def test_every_dimension_has_a_head_with_exactly_agoras_vocabulary() -> None:
    heads = load_heads()
    assert set(heads) == set(VOCABULARIES)
    for name, head in heads.items():
        assert head.labels == VOCABULARIES[name]


def test_head_probabilities_are_valid_and_sum_to_one(embeddings) -> None:
    for head in load_heads().values():
        probabilities = head.probabilities(embeddings)
        assert probabilities.shape == (3, len(head.labels))
        assert (probabilities >= 0).all()
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)


def test_predictions_carry_a_label_a_probability_and_at_most_three_evidence_items(
    embeddings,
) -> None:
    for head in load_heads().values():
        for label, probability, evidence in head.predict(embeddings):
            assert label in head.labels
            assert 0.0 <= probability <= 1.0
            assert 1 <= len(evidence) <= 3


def test_predictions_are_deterministic(embeddings) -> None:
    head = load_heads()["topic"]
    assert head.predict(embeddings) == head.predict(embeddings.copy())


def test_civic_messages_get_their_topic_in_french_and_english(embeddings) -> None:
    labels = [label for label, _, _ in load_heads()["topic"].predict(embeddings)]
    assert labels[:2] == ["roads", "street_lighting"]


def test_heads_predict_nothing_for_no_rows() -> None:
    assert load_heads()["intent"].predict(np.zeros((0, 512), np.float32)) == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, le lampadaire de ma rue ne fonctionne plus depuis lundi", "fr"),
        ("Hello, the bins on my street have not been collected this week", "en"),
        ("Hola, la farola de mi calle no funciona desde el lunes", "es"),
    ],
)
def test_language_is_detected_with_confidence(text: str, language: str) -> None:
    code, confidence = detect_language(text, None)
    assert code == language
    assert confidence > 0.4


@pytest.mark.parametrize("text", ["ok", "??", "lol ok", ""])
def test_short_or_ambiguous_text_is_undetermined(text: str) -> None:
    assert detect_language(text, None)[0] == "und"


def test_platform_hint_is_used_at_low_confidence_when_unsure() -> None:
    assert detect_language("ok", "fr") == ("fr", 0.3)
