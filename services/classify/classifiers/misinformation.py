"""Misinformation against the agency's fact base: a message close to a known false claim, in any
language (the encoder is multilingual), is flagged with the fact's id. Pure: vectors are given."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from shared.config import Fact
from shared.events import Verdict

# Cosine similarity from which a message restates a claim. Measured with the multilingual USE
# encoder: restatements in French or English scored 0.60-0.81 against the claim, unrelated civic
# messages and questions about the topic 0.05-0.52 (docs/classification.md).
MATCH_THRESHOLD = 0.55

Embed = Callable[[Sequence[str]], NDArray[np.float32]]


@dataclass(frozen=True)
class FactBase:
    """The claims of one agency, embedded once (every language's wording)."""

    fact_ids: tuple[str, ...]  # one per row of ``vectors``
    vectors: NDArray[np.float32]

    @classmethod
    def build(cls, facts: Sequence[Fact], embed: Embed) -> "FactBase":
        rows = [(fact.id, claim) for fact in facts for claim in fact.claim.values()]
        if not rows:
            return cls(fact_ids=(), vectors=np.zeros((0, 0), dtype=np.float32))
        return cls(
            fact_ids=tuple(fact_id for fact_id, _ in rows),
            vectors=embed([claim for _, claim in rows]),
        )

    def match(self, vector: NDArray[np.float32]) -> tuple[str, float] | None:
        """The closest claim at or above the threshold, with its similarity."""
        if not self.fact_ids:
            return None
        similarities = self.vectors @ vector
        best = int(np.argmax(similarities))
        score = float(similarities[best])
        return (self.fact_ids[best], score) if score >= MATCH_THRESHOLD else None


NO_FACTS = FactBase(fact_ids=(), vectors=np.zeros((0, 0), dtype=np.float32))


def misinformation_verdict(
    vector: NDArray[np.float32] | None, facts: FactBase, *, model_score: float | None
) -> Verdict:
    """``possible_misinformation`` only when a listed claim matched; a general model adds a
    score and says so in the evidence, never a verdict on its own."""
    matched = facts.match(vector) if vector is not None else None
    if matched is not None:
        fact_id, similarity = matched
        return Verdict(
            label="possible_misinformation",
            score=round(min(1.0, max(0.0, similarity)), 3),
            by="fact_base",
            evidence=(f"fact:{fact_id}", f"similarity:{similarity:.2f}"),
        )
    evidence = (f"model_score:{model_score:.2f}",) if model_score is not None else ()
    return Verdict(
        label="none",
        score=round(1.0 - (model_score or 0.0), 3),
        by="fact_base" if model_score is None else "fact_base+fake_news_model",
        evidence=evidence,
    )
