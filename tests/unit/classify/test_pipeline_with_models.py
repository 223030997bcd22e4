"""The pipeline with the real encoder and heads: rules keep the last word where they must."""

import io
import json
import sys

import pytest

from services.classify.cli import DIMENSIONS
from services.classify.knowledge import agency_knowledge, load_models
from services.classify.pipeline import AgencyKnowledge, AgencyRules, Models, classify_texts
from shared.cli import main
from shared.config import KeywordRule, load_config
from shared.settings import DEFAULT_CONFIG


@pytest.fixture(scope="module")
def models() -> Models:
    return load_models()


@pytest.fixture(scope="module")
def lyon(models: Models) -> AgencyKnowledge:
    return agency_knowledge(load_config(DEFAULT_CONFIG), models)["lyon"]


def test_every_dimension_says_who_decided(models: Models, lyon: AgencyKnowledge) -> None:
    [result] = classify_texts(
        [("Le lampadaire de ma rue est en panne", None)], models=models, agency=lyon
    )
    for name in DIMENSIONS:
        verdict = getattr(result, name)
        assert verdict.by, name
        assert 0 <= verdict.score <= 1
    assert result.language.label == "fr"
    assert result.topic.by.startswith("use-m3:") or result.topic.by.startswith("topic_")


@pytest.mark.parametrize(
    "text",
    [
        "Il y a une fuite de gaz dans l'immeuble",
        "I want to end my life, nobody answers at the shelter",
    ],
)
def test_the_emergency_lexicon_beats_the_model(models: Models, text: str) -> None:
    [result] = classify_texts([(text, None)], models=models)
    assert result.urgency.label == "critical"
    assert result.urgency.by.startswith("emergency_lexicon:")


def test_an_agency_rule_beats_the_model_and_says_so(models: Models) -> None:
    rules = AgencyRules.build([KeywordRule(dimension="topic", label="parks", keywords=["Parilly"])])
    [result] = classify_texts(
        [("Les poubelles débordent au parc de Parilly", None)],
        models=models,
        agency=AgencyKnowledge(rules=rules),
    )
    assert (result.topic.label, result.topic.by) == ("parks", "agency_rule:1")


@pytest.mark.parametrize(
    "text",
    [
        "Attention, l'eau du robinet à Lyon est contaminée, ne la buvez surtout pas !",
        "Heads up: Lyon tap water is poisoned, do not drink it",
    ],
)
def test_a_listed_false_claim_is_matched_in_either_language(
    models: Models, lyon: AgencyKnowledge, text: str
) -> None:
    [result] = classify_texts([(text, None)], models=models, agency=lyon)
    assert result.misinformation.label == "possible_misinformation"
    assert result.misinformation.evidence[0] == "fact:tap-water-unsafe"


def test_an_ordinary_message_is_not_flagged(models: Models, lyon: AgencyKnowledge) -> None:
    [result] = classify_texts(
        [("Merci pour la réparation rapide du trottoir !", None)], models=models, agency=lyon
    )
    assert result.misinformation.label == "none"


def test_batch_cli_writes_one_line_per_input_with_every_dimension(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"id": 1, "text": "Nid de poule énorme avenue Berthelot, appelez-moi au 06 12 34 56 78"},
        {"id": "b", "text": "Thanks for fixing the streetlight so quickly!"},
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(json.dumps(x) for x in lines)))
    assert main(["classify", "batch", "--config", str(DEFAULT_CONFIG)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == [1, "b"]
    for line in out:
        assert set(DIMENSIONS) <= set(line)
        assert {"label", "score", "by", "evidence"} <= set(line["topic"])
    assert [f["type"] for f in out[0]["personal_data"]] == ["phone"]
    assert "[phone]" in out[0]["redacted_text"]
    assert "06 12" not in out[0]["redacted_text"]


def test_batch_cli_names_the_bad_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": 1, "text": "ok"}\n{"id": 2}\n'))
    assert main(["classify", "batch"]) == 2
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1
    assert "line 2: text: a string is required" in captured.err
