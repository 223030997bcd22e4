"""Embeddings for training and evaluation, optionally cached on disk between runs."""

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from services.classify.models.encoder import DIMENSIONS, load_encoder


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class CachedEmbedder:
    """Embeds with the shared encoder; with a cache file, only texts not seen before are encoded."""

    def __init__(self, cache_file: Path | None = None) -> None:
        self._cache_file = cache_file
        self._vectors: dict[str, NDArray[np.float32]] = {}
        if cache_file is not None and cache_file.exists():
            with np.load(cache_file, allow_pickle=False) as stored:
                self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = sorted({t for t in texts if _key(t) not in self._vectors})
        if missing:
            for text, vector in zip(missing, load_encoder().embed(missing), strict=True):
                self._vectors[_key(text)] = vector
            self._save()
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        return np.stack([self._vectors[_key(t)] for t in texts]).astype(np.float32)

    def _save(self) -> None:
        if self._cache_file is None:
            return
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors))
        np.savez(self._cache_file, keys=keys, vectors=np.stack(list(self._vectors.values())))
