"""Emergency lexicon: French and English rules that always make a message critical (pure).

A match inside a rule's false friend ("feu rouge", "fire the mayor") does not count, and a hazard
reported as absent ("pas de fuite de gaz", "no fire") is not one; threats to people always count.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.classify.classifiers import lexicons
from services.classify.classifiers.keywords import normalise
from shared.events import Verdict

SCORE = 0.95
_TOKEN = re.compile(r"\(([a-z]+)\)|'| +|-|[^()' -]+")
_CLAUSE_END = re.compile(r"[.,;:!?\n()]")
_WORDS = re.compile(r"[a-z']+")
_NEGATORS = frozenset(
    {"pas", "aucun", "aucune", "sans", "jamais", "ni", "no", "not", "never", "without", "nor"}
)
_NEGATION_WINDOW = 3


def prepare(text: str) -> str:
    """Lower-case, accents off, one apostrophe: the form phrases are matched against."""
    return normalise(text).replace("’", "'").replace("ʼ", "'").replace("œ", "oe")


def phrase_pattern(phrase: str) -> str:
    """Regex source for one lexicon phrase (syntax described in ``lexicons``)."""
    return _whole_words(_phrase_body(phrase))


def _whole_words(source: str) -> str:
    return rf"(?<!\w)(?:{source})(?!\w)"


def _phrase_body(phrase: str) -> str:
    parts = []
    for token in _TOKEN.finditer(prepare(phrase)):
        text, ending = token.group(), token.group(1)
        if ending:
            parts.append(f"(?:{ending})?")
        elif text == "'":
            parts.append(r"(?:'\s?|\s+)")
        elif text.isspace():
            parts.append(r"[\s-]+")
        elif text == "-":
            parts.append(r"[\s-]?")
        else:
            parts.append(re.escape(text))
    return "".join(parts)


def display(phrase: str) -> str:
    """The phrase as evidence: its base form, optional endings dropped."""
    return re.sub(r"\([a-z]+\)", "", phrase)


@dataclass(frozen=True)
class PhraseRule:
    """One rule's phrases and false friends, compiled once."""

    rule_id: str
    phrases: tuple[tuple[str, re.Pattern[str]], ...]
    exceptions: tuple[re.Pattern[str], ...]
    negatable: bool
    any_phrase: re.Pattern[str]  # one pass first: most messages match no phrase at all

    @classmethod
    def build(
        cls,
        rule_id: str,
        phrases: Iterable[str],
        exceptions: Iterable[str] = (),
        *,
        negatable: bool,
    ) -> "PhraseRule":
        bodies = {p: _phrase_body(p) for p in phrases}
        return cls(
            rule_id=rule_id,
            phrases=tuple((p, re.compile(_whole_words(body))) for p, body in bodies.items()),
            exceptions=tuple(re.compile(phrase_pattern(p)) for p in exceptions),
            negatable=negatable,
            any_phrase=re.compile(_whole_words("|".join(bodies.values()))),
        )

    def hits(self, prepared: str) -> list[str]:
        """Phrases found in ``prepared`` text that no false friend or negation cancels."""
        if not self.any_phrase.search(prepared):
            return []
        blocked = [m.span() for e in self.exceptions for m in e.finditer(prepared)]
        found = []
        for phrase, pattern in self.phrases:
            for m in pattern.finditer(prepared):
                if any(m.start() < end and start < m.end() for start, end in blocked):
                    continue
                if self.negatable and is_negated(prepared, m.start()):
                    continue
                found.append(display(phrase))
                break
        return found


def is_negated(prepared: str, start: int) -> bool:
    """A negator among the few words just before ``start``, in the same clause."""
    clause = _CLAUSE_END.split(prepared[:start])[-1]
    words = _WORDS.findall(clause)[-_NEGATION_WINDOW:]
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


def build_rules(
    lexicon: Mapping[str, Iterable[str]],
    exceptions: Mapping[str, Iterable[str]],
    negatable: frozenset[str],
) -> tuple[PhraseRule, ...]:
    return tuple(
        PhraseRule.build(
            rule_id, phrases, exceptions.get(rule_id, ()), negatable=rule_id in negatable
        )
        for rule_id, phrases in lexicon.items()
    )


RULES = build_rules(
    lexicons.EMERGENCY, lexicons.EMERGENCY_EXCEPTIONS, lexicons.NEGATABLE_EMERGENCIES
)


def detect_emergency(text: str) -> Verdict | None:
    """``critical`` by the first matching rule, or None; evidence lists every matched phrase."""
    prepared = prepare(text)
    matched = [(rule.rule_id, hits) for rule in RULES if (hits := rule.hits(prepared))]
    if not matched:
        return None
    evidence = tuple(dict.fromkeys(phrase for _, hits in matched for phrase in hits))
    return Verdict(
        label="critical", score=SCORE, by=f"emergency_lexicon:{matched[0][0]}", evidence=evidence
    )
