"""Language: French or English by function words; ``und`` when unsure."""

from services.classify.classifiers.keywords import normalise
from shared.events import Verdict

_FUNCTION_WORDS = {
    "fr": {
        "le",
        "la",
        "les",
        "de",
        "des",
        "du",
        "un",
        "une",
        "et",
        "est",
        "pas",
        "que",
        "qui",
        "pour",
        "dans",
        "sur",
        "au",
        "aux",
        "ce",
        "il",
        "elle",
        "nous",
        "vous",
        "je",
        "merci",
        "bonjour",
        "rue",
        "depuis",
        "toujours",
        "avec",
        "mais",
        "tres",
        "encore",
        "ne",
    },
    "en": {
        "the",
        "a",
        "an",
        "and",
        "is",
        "are",
        "not",
        "that",
        "who",
        "for",
        "in",
        "on",
        "at",
        "this",
        "it",
        "we",
        "you",
        "i",
        "thanks",
        "thank",
        "hello",
        "street",
        "since",
        "still",
        "with",
        "but",
        "very",
        "again",
        "there",
        "has",
        "have",
        "been",
        "my",
        "of",
        "to",
    },
}


def detect_language(text: str, hint: str | None = None) -> Verdict:
    words = normalise(text).replace("'", " ").split()
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    total = sum(counts.values())
    if total == 0:
        if hint:
            return Verdict(label=hint, score=0.5, by="platform_hint", evidence=(hint,))
        return Verdict(label="und", score=0.0, by="function_words", evidence=())
    lang = max(counts, key=lambda k: counts[k])
    share = counts[lang] / total
    if share < 0.6 and hint:
        return Verdict(label=hint, score=0.5, by="platform_hint", evidence=(hint,))
    evidence = tuple(sorted({w for w in words if w in _FUNCTION_WORDS[lang]})[:5])
    return Verdict(label=lang, score=round(share, 3), by="function_words", evidence=evidence)
