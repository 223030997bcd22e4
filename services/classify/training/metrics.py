"""Classification metrics: per-class precision and recall, macro-F1, confusion matrix (pure)."""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def class_scores(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[ClassScore]:
    scores = []
    for label in labels:
        hits = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        said = sum(p == label for p in predicted)
        support = sum(t == label for t in truth)
        precision = hits / said if said else 0.0
        recall = hits / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        scores.append(ClassScore(label, precision, recall, f1, support))
    return scores


def macro_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """Mean F1 over the labels present in ``truth`` (absent labels would only add zeros)."""
    present = [s for s in class_scores(truth, predicted, labels) if s.support]
    return sum(s.f1 for s in present) / len(present) if present else 0.0


def confusion(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """``matrix[i][j]``: rows whose truth is ``labels[i]`` predicted as ``labels[j]``."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t]][index[p]] += 1
    return matrix
