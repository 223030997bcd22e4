"""Softmax regression in numpy: class-balanced, L2-regularised, full-batch Adam, deterministic."""

from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from services.classify.models.heads import Head, softmax

EPOCHS = 400
LEARNING_RATE = 0.05
L2 = 1e-4
MAX_EXEMPLARS = 240


def balanced_weights(labels: Sequence[str], langs: Sequence[str]) -> NDArray[np.float32]:
    """Each (language, label) cell weighs the same in total; mean weight 1."""
    cells = Counter(zip(langs, labels, strict=True))
    raw = np.array([1.0 / cells[cell] for cell in zip(langs, labels, strict=True)], np.float64)
    weights: NDArray[np.float32] = (raw * len(raw) / raw.sum()).astype(np.float32)
    return weights


def fit_softmax(
    x: NDArray[np.float32],
    y: NDArray[np.int64],
    n_classes: int,
    sample_weights: NDArray[np.float32],
    *,
    epochs: int = EPOCHS,
    l2: float = L2,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(weights (d, k), bias (k,)) minimising weighted cross-entropy + ``l2`` * |W|^2."""
    d = x.shape[1]
    w = np.zeros((d, n_classes), np.float32)
    b = np.zeros(n_classes, np.float32)
    target = np.eye(n_classes, dtype=np.float32)[y]
    sw = (sample_weights / sample_weights.sum()).astype(np.float32)[:, None]
    moments = [np.zeros_like(w), np.zeros_like(b), np.zeros_like(w), np.zeros_like(b)]
    for step in range(1, epochs + 1):
        error = (softmax(x @ w + b) - target) * sw
        grads = (x.T @ error + 2 * l2 * w, error.sum(axis=0))
        for i, (param, grad) in enumerate(zip((w, b), grads, strict=True)):
            moments[i] = 0.9 * moments[i] + 0.1 * grad
            moments[i + 2] = 0.999 * moments[i + 2] + 0.001 * grad * grad
            m_hat = moments[i] / (1 - 0.9**step)
            v_hat = moments[i + 2] / (1 - 0.999**step)
            param -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + 1e-8)
    return w, b


def pick_exemplars(
    probabilities: NDArray[np.float32], y: NDArray[np.int64], n_classes: int, limit: int
) -> NDArray[np.int64]:
    """Row indices of the most typical examples per class (highest own-class probability)."""
    per_class = max(4, limit // n_classes)
    chosen: list[NDArray[np.int64]] = []
    for label in range(n_classes):
        rows = np.flatnonzero(y == label)
        order = np.argsort(-probabilities[rows, label], kind="stable")
        chosen.append(rows[order[:per_class]])
    return np.sort(np.concatenate(chosen)).astype(np.int64)


def train_head(
    name: str,
    labels: tuple[str, ...],
    x: NDArray[np.float32],
    y_labels: Sequence[str],
    langs: Sequence[str],
    ids: Sequence[str],
) -> Head:
    """A Head over exactly ``labels``; classes without rows get a large negative bias."""
    index = {label: i for i, label in enumerate(labels)}
    y = np.array([index[label] for label in y_labels], np.int64)
    w, b = fit_softmax(x, y, len(labels), balanced_weights(y_labels, langs))
    absent = np.setdiff1d(np.arange(len(labels)), y)
    b[absent] = -20.0
    keep = pick_exemplars(softmax(x @ w + b), y, len(labels), MAX_EXEMPLARS)
    return Head(
        name=name,
        labels=labels,
        weights=w,
        bias=b,
        exemplars=x[keep],
        exemplar_labels=y[keep],
        exemplar_ids=tuple(ids[i] for i in keep),
    )
