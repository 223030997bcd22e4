"""Keyword matching shared by the rule-based dimensions (pure)."""

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared.events import Verdict


def normalise(text: str) -> str:
    """Lower-case without accents, so "Fuite de gaz" and "fuite de gaz" match alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _pattern(keyword: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(normalise(keyword)) + r"(?!\w)")


@dataclass(frozen=True)
class KeywordRules:
    """Labels with their keywords; the label with the most matched keywords wins."""

    rule_id: str
    labels: Mapping[str, tuple[re.Pattern[str], ...]]
    keywords: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(cls, rule_id: str, lexicon: Mapping[str, Sequence[str]]) -> "KeywordRules":
        return cls(
            rule_id=rule_id,
            labels={label: tuple(_pattern(k) for k in words) for label, words in lexicon.items()},
            keywords={label: tuple(words) for label, words in lexicon.items()},
        )

    def match(self, normalised_text: str) -> Verdict | None:
        best: tuple[str, list[str]] | None = None
        for label, patterns in self.labels.items():
            hits = [
                self.keywords[label][i]
                for i, pattern in enumerate(patterns)
                if pattern.search(normalised_text)
            ]
            if hits and (best is None or len(hits) > len(best[1])):
                best = (label, hits)
        if best is None:
            return None
        label, hits = best
        return Verdict(
            label=label,
            score=min(0.95, 0.6 + 0.1 * len(hits)),
            by=self.rule_id,
            evidence=tuple(hits),
        )
