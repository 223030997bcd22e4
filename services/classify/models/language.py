"""Language detection with lingua, restricted to the languages Agora expects to see."""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

SUPPORTED = ("fr", "en", "es", "de", "it", "pt", "nl", "ar")
UNDETERMINED = "und"
MIN_LETTERS = 3
MIN_CONFIDENCE = 0.4
MIN_LEAD = 0.2  # over the runner-up: lingua spreads confidence over the close Romance languages


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str, hint: str | None = None) -> tuple[str, float]:
    """(ISO 639-1 code, confidence 0..1); ``und`` (or the platform hint, at low confidence) when
    the text is too short or no language is clearly ahead."""
    return detect_languages([(text, hint)])[0]


def detect_languages(items: Sequence[tuple[str, str | None]]) -> list[tuple[str, float]]:
    """``detect_language`` for a batch, spread over threads by lingua itself."""
    texts = [text for text, _ in items]
    all_values = _detector().compute_language_confidence_values_in_parallel(texts)
    return [
        _decide(text, hint, values) for (text, hint), values in zip(items, all_values, strict=True)
    ]


def _decide(text: str, hint: str | None, values: Any) -> tuple[str, float]:
    fallback = (hint, 0.3) if hint else (UNDETERMINED, 0.0)
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return fallback
    if not values:
        return fallback
    top, runner_up = float(values[0].value), float(values[1].value) if len(values) > 1 else 0.0
    if top < MIN_CONFIDENCE or top - runner_up < MIN_LEAD:
        return fallback
    return values[0].language.iso_code_639_1.name.lower(), round(top, 3)
