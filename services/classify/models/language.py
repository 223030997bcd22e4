"""Language detection with lingua, restricted to the languages Agora expects to see."""

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
    fallback = (hint, 0.3) if hint else (UNDETERMINED, 0.0)
    if sum(c.isalpha() for c in text) < MIN_LETTERS:
        return fallback
    values = _detector().compute_language_confidence_values(text)
    if not values:
        return fallback
    top, runner_up = float(values[0].value), float(values[1].value) if len(values) > 1 else 0.0
    if top < MIN_CONFIDENCE or top - runner_up < MIN_LEAD:
        return fallback
    return values[0].language.iso_code_639_1.name.lower(), round(top, 3)
