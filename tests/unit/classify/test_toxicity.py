"""Toxicity lexicon: insults, threats and hate in French and English, and civic words left alone."""

import pytest

from services.classify.classifiers.toxicity import deobfuscate, detect_toxicity


@pytest.mark.parametrize(
    ("subtype", "text"),
    [
        ("insult", "Bande de connards, réparez cette route"),
        ("insult", "Vous êtes des abrutis à la mairie"),
        ("insult", "Ferme ta gueule, le maire"),
        ("insult", "Quelle bande d'incapables !"),
        ("insult", "You are all morons at the council"),
        ("insult", "Shut up and fix the streetlight"),
        ("insult", "What a bunch of idiots"),
        ("threat", "Je sais où vous habitez, faites attention"),
        ("threat", "Si ça continue je vais vous casser la gueule"),
        ("threat", "Vous allez le payer"),
        ("threat", "I know where you live"),
        ("threat", "I'll kill you if my bin is not emptied"),
        ("threat", "Watch your back at the next council meeting"),
        ("hate", "Encore un sale arabe qui squatte le banc"),
        ("hate", "Retourne dans ton pays"),
        ("hate", "Les sales immigrés dehors"),
        ("hate", "Go back to your country"),
        ("hate", "Dirty foreigners everywhere in this park"),
    ],
)
def test_each_subtype_is_toxic_and_named_in_the_evidence(subtype: str, text: str) -> None:
    verdict = detect_toxicity(text)
    assert verdict is not None
    assert (verdict.label, verdict.by) == ("toxic", "toxicity_lexicon")
    assert f"subtype:{subtype}" in verdict.evidence
    assert 0 < verdict.score <= 1


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Bande de c0nnards", "connard"),
        ("Quels 1di0ts au service voirie", "idiot"),
        ("you m0r0ns", "moron"),
        ("esp3ce d'abrut1", "abruti"),
        ("CONNARDS", "connard"),
        ("Crétins !", "crétin"),
    ],
)
def test_disguised_or_accented_insults_still_match(text: str, word: str) -> None:
    verdict = detect_toxicity(text)
    assert verdict is not None
    assert word in verdict.evidence


def test_evidence_lists_words_then_subtypes_most_serious_first() -> None:
    verdict = detect_toxicity("Connard, je sais où tu habites")
    assert verdict is not None
    assert verdict.evidence == (
        "je sais où tu habites",
        "connard",
        "subtype:threat",
        "subtype:insult",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Les ordures ne sont pas ramassées rue Garibaldi",
        "La rue est sale depuis le marché",
        "Le service de collecte est nul ce mois-ci",
        "Je suis incapable de trouver le formulaire",
        "Les poubelles sont pleines de déchets",
        "The bins are full of rubbish and litter",
        "Dirty water coming from the tap",
        "Black ice on the road near the school",
        "Budget 2024 : 150000 euros pour la voirie",
        "Shooting star festival in the park, thank you",
        "Une tapette à souris a été posée dans la cantine",
        "Merci pour le nouveau parc, bravo aux équipes",
    ],
)
def test_civic_messages_are_not_toxic(text: str) -> None:
    assert detect_toxicity(text) is None


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [("c0nnard", "connard"), ("1d10t", "idiot"), ("2024", "2024"), ("t0ut 3st ok", "tout est ok")],
)
def test_digits_become_letters_only_inside_words(text: str, cleaned: str) -> None:
    assert deobfuscate(text) == cleaned
