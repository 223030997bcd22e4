import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from services.classify.training.cli import eval_command, register
from services.classify.training.dataset import group_key, split_heldout
from services.classify.training.fit import train_head
from services.classify.training.mapping import map_family_label, row_labels, to_example
from services.classify.training.metrics import confusion, macro_f1
from services.classify.training.vocabularies import VOCABULARIES
from services.classify.training.written import written_rows


@pytest.mark.parametrize(
    ("family", "label", "expected"),
    [
        ("topic", "Potholes", ("topic", "roads")),
        ("topic", "Plastic", ("topic", "waste")),
        ("topic", "Air", ("topic", "environment")),
        ("topic_disaster", "death", ("topic", "emergency_rescue")),
        ("topic_disaster", "electricity", ("topic", "energy")),
        ("intent_disaster", "offer", ("intent", "offer")),
        ("misinformation", "false_claim", ("misinformation", "possible_misinformation")),
        ("informativeness", "not_related", ("crisis_relevance", "not_related")),
        ("crisis_info_type", "caution_and_advice", ("crisis_info_type", "caution_and_advice")),
        ("urgency", "actionable", ("urgency", "high")),
    ],
)
def test_shared_family_labels_map_onto_agora_vocabularies(family, label, expected) -> None:
    assert map_family_label(family, label) == expected


def test_every_mapped_label_is_in_its_vocabulary() -> None:
    from services.classify.training.mapping import FAMILY_LABELS

    for dimension, label in FAMILY_LABELS.values():
        assert label in VOCABULARIES[dimension]


def test_unmapped_family_labels_are_not_used() -> None:
    assert map_family_label("urgency", "not_actionable") is None
    assert (
        to_example({"text": "x y z", "label_family": "urgency", "label": "not_actionable"}) is None
    )


def test_agora_format_rows_keep_several_dimensions() -> None:
    row = {"text": "Nid de poule", "lang": "fr", "topic": "roads", "urgency": "normal"}
    assert row_labels(row) == {"topic": "roads", "urgency": "normal"}


def test_a_label_outside_the_vocabulary_is_refused() -> None:
    with pytest.raises(ValueError, match="topic"):
        row_labels({"text": "x", "topic": "potholes"})


def test_written_rows_are_marked_and_use_only_agora_labels() -> None:
    rows = written_rows()
    assert len(rows) > 500
    for row in rows:
        assert row["source"] == "agora-written"
        for dimension, label in row_labels(row).items():
            assert label in VOCABULARIES[dimension]


def test_written_rows_cover_every_topic_in_french_and_english() -> None:
    covered = {(r["lang"], r["topic"]) for r in written_rows() if "topic" in r}
    assert covered == {(lang, t) for lang in ("fr", "en") for t in VOCABULARIES["topic"]}


def test_heldout_split_keeps_groups_together_and_takes_a_fifth_of_each_cell() -> None:
    rows = [
        {
            "text": f"message number {i} " + ("same start " * 6),
            "lang": "en",
            "label_family": "spam",
            "label": "spam" if i % 2 else "not_spam",
            "source": "s",
            "rid": str(i),
        }
        for i in range(10)
    ] + [
        {
            "text": f"distinct text {i}",
            "lang": "fr",
            "label_family": "sentiment",
            "label": "positive",
            "source": "s",
            "rid": f"p{i}",
        }
        for i in range(20)
    ]
    train, heldout = split_heldout(rows)
    assert not {group_key(r) for r in train} & {group_key(r) for r in heldout}
    assert sum(r["label_family"] == "sentiment" for r in heldout) == 4
    assert len(train) + len(heldout) == len(rows)


def test_macro_f1_and_confusion_matrix() -> None:
    truth, predicted = ["a", "a", "b", "b"], ["a", "b", "b", "b"]
    assert macro_f1(truth, predicted, ["a", "b", "c"]) == pytest.approx((2 / 3 + 0.8) / 2)
    assert confusion(truth, predicted, ["a", "b"]) == [[1, 1], [0, 2]]


def test_trained_head_separates_separable_classes_and_keeps_the_full_vocabulary() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 512)).astype(np.float32)
    x[:20, 0] += 5
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    labels = ["spam"] * 20 + ["not_spam"] * 20
    head = train_head(
        "spam", ("spam", "not_spam"), x, labels, ["en"] * 40, [str(i) for i in range(40)]
    )
    assert [p[0] for p in head.predict(x)] == labels
    assert head.labels == ("spam", "not_spam")


def test_eval_on_a_small_file_prints_model_and_keyword_scores(tmp_path: Path, capsys) -> None:
    rows = [
        {"text": "Il y a un nid de poule énorme rue Victor Hugo", "lang": "fr", "topic": "roads"},
        {"text": "The streetlight on Elm Street is out", "lang": "en", "topic": "street_lighting"},
        {
            "text": "WINNER!! Claim your free prize now, text WIN to 80082",
            "lang": "en",
            "label_family": "spam",
            "label": "spam",
        },
    ]
    path = tmp_path / "eval.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["classify", "eval", str(path)])
    assert args.run is eval_command
    assert eval_command(args) == 0
    out = capsys.readouterr().out
    assert "keyword F1" in out
    assert "topic" in out
    assert "spam" in out
    assert "confusion" in out
