"""Toxicity: French and English insults, threats towards staff and hate towards groups (pure).

Digits and symbols standing for letters inside a word are read as those letters ("c0nnard",
"1di0t"), so the usual disguises still match; numbers on their own are left alone.
"""

import re

from services.classify.classifiers import lexicons
from services.classify.classifiers.emergency import PhraseRule, build_rules, prepare
from shared.events import Verdict

SUBTYPES = ("threat", "hate", "insult")  # most serious first: names the evidence's first subtype
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
_DISGUISED = re.compile(r"[\w@$]*[a-z][\w@$]*[0-9@$][\w@$]*|[\w@$]*[0-9@$][\w@$]*[a-z][\w@$]*")

RULES: tuple[PhraseRule, ...] = build_rules(lexicons.TOXIC, {}, frozenset())


def deobfuscate(prepared: str) -> str:
    """Words mixing letters with digits or symbols get letters for them; pure numbers stay."""
    return _DISGUISED.sub(lambda m: m.group().translate(_LEET), prepared)


def detect_toxicity(text: str) -> Verdict | None:
    """``toxic`` with the matched phrases and ``subtype:<insult|threat|hate>`` in the evidence."""
    cleaned = deobfuscate(prepare(text))
    found = {rule.rule_id: hits for rule in RULES if (hits := rule.hits(cleaned))}
    if not found:
        return None
    subtypes = [s for s in SUBTYPES if s in found]
    words = tuple(dict.fromkeys(phrase for s in subtypes for phrase in found[s]))
    score = round(min(0.95, 0.7 + 0.1 * len(words)), 2)
    return Verdict(
        label="toxic",
        score=score,
        by="toxicity_lexicon",
        evidence=(*words, *(f"subtype:{s}" for s in subtypes)),
    )
