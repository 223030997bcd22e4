"""Per-dimension heads: softmax regression on embeddings, nearest examples as evidence."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
ARRAYS_FILE = "heads.npz"
META_FILE = "heads.json"
EVIDENCE = 3

Prediction = tuple[str, float, tuple[str, ...]]


def softmax(scores: NDArray[np.float32]) -> NDArray[np.float32]:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    result: NDArray[np.float32] = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return result


@dataclass(frozen=True, eq=False)
class Head:
    """One dimension: ``labels`` in Agora's vocabulary, a linear layer, and stored exemplars."""

    name: str
    labels: tuple[str, ...]
    weights: NDArray[np.float32]  # (512, len(labels))
    bias: NDArray[np.float32]  # (len(labels),)
    exemplars: NDArray[np.float32]  # (m, 512), unit length
    exemplar_labels: NDArray[np.int64]  # (m,) index into labels
    exemplar_ids: tuple[str, ...]  # (m,) what evidence shows

    def probabilities(self, embeddings: NDArray[np.float32]) -> NDArray[np.float32]:
        """``(n, len(labels))``; each row sums to 1."""
        scores = embeddings.astype(np.float32) @ self.weights + self.bias
        return softmax(scores)

    def predict(self, embeddings: NDArray[np.float32]) -> list[Prediction]:
        """(label, probability, evidence) per row; evidence = nearest exemplars of that label."""
        if len(embeddings) == 0:
            return []
        probabilities = self.probabilities(embeddings)
        best = probabilities.argmax(axis=1)
        similarity = embeddings.astype(np.float32) @ self.exemplars.T
        results: list[Prediction] = []
        for row, label in enumerate(best):
            own = np.flatnonzero(self.exemplar_labels == label)
            nearest = own[np.argsort(-similarity[row, own], kind="stable")[:EVIDENCE]]
            results.append(
                (
                    self.labels[label],
                    float(probabilities[row, label]),
                    tuple(self.exemplar_ids[i] for i in nearest),
                )
            )
        return results


def save_heads(heads: dict[str, Head], directory: Path, metadata: dict[str, object]) -> None:
    """Write ``heads.npz`` (float16 arrays) and ``heads.json`` (labels, exemplar ids, metadata)."""
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, NDArray[np.generic]] = {}
    meta: dict[str, object] = {"metadata": metadata, "heads": {}}
    for name, head in heads.items():
        arrays[f"{name}.weights"] = head.weights.astype(np.float16)
        arrays[f"{name}.bias"] = head.bias.astype(np.float16)
        arrays[f"{name}.exemplars"] = head.exemplars.astype(np.float16)
        arrays[f"{name}.exemplar_labels"] = head.exemplar_labels.astype(np.int16)
        meta["heads"][name] = {"labels": list(head.labels), "exemplar_ids": list(head.exemplar_ids)}  # type: ignore[index]  # built just above as a dict
    np.savez_compressed(directory / ARRAYS_FILE, **arrays)  # type: ignore[arg-type]  # numpy stubs type **kwds as ArrayLike | bool
    (directory / META_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
    )


def _read_heads(directory: Path) -> dict[str, Head]:
    meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    heads: dict[str, Head] = {}
    with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
        for name, entry in meta["heads"].items():
            exemplars = arrays[f"{name}.exemplars"].astype(np.float32)
            norms = np.linalg.norm(exemplars, axis=1, keepdims=True)
            heads[name] = Head(
                name=name,
                labels=tuple(entry["labels"]),
                weights=arrays[f"{name}.weights"].astype(np.float32),
                bias=arrays[f"{name}.bias"].astype(np.float32),
                exemplars=exemplars / np.maximum(norms, 1e-6),
                exemplar_labels=arrays[f"{name}.exemplar_labels"].astype(np.int64),
                exemplar_ids=tuple(entry["exemplar_ids"]),
            )
    return heads


@lru_cache(maxsize=4)
def _cached(directory: Path) -> dict[str, Head]:
    return _read_heads(directory)


def load_heads(directory: Path | None = None) -> dict[str, Head]:
    """Heads by dimension from the committed weights (or ``directory``); read once per process."""
    return dict(_cached((directory or WEIGHTS_DIR).resolve()))
