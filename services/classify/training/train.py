"""Trains one head per dimension on the project's data and scores it on the held-out split."""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from services.classify.models.encoder import MODEL_NAME
from services.classify.models.heads import WEIGHTS_DIR, Head, save_heads
from services.classify.training.dataset import DATA_DIR, HELDOUT_FILE, TRAIN_FILE, load_examples
from services.classify.training.evaluate import Embed, EvalReport, evaluate_examples
from services.classify.training.fit import train_head
from services.classify.training.mapping import Example
from services.classify.training.vocabularies import VOCABULARIES


@dataclass
class TrainReport:
    rows: dict[str, int]
    seconds: float
    weights_bytes: int
    heldout: EvalReport


def training_labels(example: Example) -> Mapping[str, str]:
    """Labels plus what they imply: a message not about a crisis carries no crisis information."""
    labels = dict(example.labels)
    if labels.get("crisis_relevance") == "not_related":
        labels.setdefault("crisis_info_type", "none")
    return labels


def fit_heads(examples: Sequence[Example], embed: Embed) -> dict[str, Head]:
    vectors = embed([e.text for e in examples])
    heads = {}
    for dimension, vocabulary in VOCABULARIES.items():
        rows = [i for i, e in enumerate(examples) if dimension in training_labels(e)]
        heads[dimension] = train_head(
            dimension,
            vocabulary,
            vectors[rows],
            [training_labels(examples[i])[dimension] for i in rows],
            [examples[i].lang for i in rows],
            [_evidence_id(examples[i], dimension) for i in rows],
        )
    return heads


def _evidence_id(example: Example, dimension: str) -> str:
    """Written examples show their text; source rows their id (toxic texts are not repeated)."""
    if example.source == "agora-written" and dimension != "toxicity":
        return example.text[:80]
    return example.id


def train(
    out_dir: Path = WEIGHTS_DIR, *, data_dir: Path = DATA_DIR, embed: Embed | None = None
) -> TrainReport:
    """Fit every head on ``data_dir/train.jsonl``, save to ``out_dir``, score the held-out rows."""
    from services.classify.models.encoder import load_encoder

    embed = embed or load_encoder().embed
    started = time.perf_counter()
    examples = load_examples(data_dir / TRAIN_FILE)
    heads = fit_heads(examples, embed)
    seconds = time.perf_counter() - started
    save_heads(
        heads,
        out_dir,
        {
            "encoder": MODEL_NAME,
            "train_rows": len(examples),
            "data": f"{data_dir.name}/{TRAIN_FILE}",
        },
    )
    heldout = evaluate_examples(load_examples(data_dir / HELDOUT_FILE), heads=heads, embed=embed)
    rows = {
        dimension: sum(dimension in training_labels(e) for e in examples)
        for dimension in VOCABULARIES
    }
    size = sum(path.stat().st_size for path in out_dir.iterdir() if path.is_file())
    return TrainReport(rows=rows, seconds=seconds, weights_bytes=size, heldout=heldout)
