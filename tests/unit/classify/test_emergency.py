"""Emergency lexicon: every rule in French and English, its false friends and negations."""

import pytest

from services.classify.classifiers import lexicons
from services.classify.classifiers.emergency import detect_emergency

CASES = [
    # (rule, language, citizen message)
    ("gas_leak", "fr", "Fuite de gaz au 3e étage, ça sent très fort dans l'escalier !"),
    ("gas_leak", "fr", "Ça sent le gaz dans tout l’immeuble, que faire ?"),
    ("gas_leak", "fr", "Forte ODEUR DE GAZ place des Terreaux"),
    ("gas_leak", "en", "There is a gas leak in my building"),
    ("gas_leak", "en", "I can smell gas on the landing of block C"),
    ("gas_leak", "en", "Strong smell of gas near the school"),
    ("fire", "fr", "INCENDIE rue Mercière, les pompiers ne sont pas là"),
    ("fire", "fr", "Au feu ! La poubelle a pris feu devant l'immeuble"),
    ("fire", "fr", "Fumée épaisse qui sort du garage"),
    ("fire", "fr", "Ça brûle dans l'appartement du dessous"),
    ("fire", "en", "The house next door is on fire"),
    ("fire", "en", "Fire in the basement car park, send help"),
    ("fire", "en", "Black smoke pouring out of the warehouse"),
    ("flooding", "fr", "Inondation dans le quartier, les rues sont sous l'eau"),
    ("flooding", "fr", "Notre cave est inondée depuis cette nuit"),
    ("flooding", "fr", "L'eau monte vite rue du Port, on fait quoi ?"),
    ("flooding", "fr", "l eau monte dans le garage"),
    ("flooding", "en", "The basement is flooded"),
    ("flooding", "en", "Flooding on Mill Lane, cars stuck"),
    ("flooding", "en", "Water rising fast near the river path"),
    ("collapse", "fr", "Le mur de l'école s'est effondré ce matin"),
    ("collapse", "fr", "Risque d'effondrement du balcon au 12, il penche"),
    ("collapse", "fr", "Le plafond s’est effondrée sur le palier"),
    ("collapse", "en", "Part of the bridge has collapsed"),
    ("collapse", "en", "That chimney is about to fall onto the pavement"),
    ("violence", "fr", "On se fait agresser devant la gare, venez vite"),
    ("violence", "fr", "Un homme menace les passants avec un couteau"),
    ("violence", "fr", "Coups de feu entendus près du parc"),
    ("violence", "fr", "Agression en cours dans le tram"),
    ("violence", "en", "A man was stabbed outside the library"),
    ("violence", "en", "Someone has a gun near the school gates"),
    ("violence", "en", "My neighbour was attacked in the stairwell"),
    ("medical", "fr", "Un monsieur a fait un malaise à l'arrêt de bus"),
    ("medical", "fr", "Une femme inconsciente sur le trottoir"),
    ("medical", "fr", "Mon père ne respire plus, aidez-moi"),
    ("medical", "fr", "Je crois qu'il fait une crise cardiaque"),
    ("medical", "en", "A man is unconscious on the bench"),
    ("medical", "en", "She is not breathing!!"),
    ("medical", "en", "I think he's having a heart attack"),
    ("medical", "en", "Possible overdose in the park toilets"),
    ("self_harm", "fr", "Je veux en finir"),
    ("self_harm", "fr", "J'ai envie de me suicider"),
    ("self_harm", "fr", "Je veux mourir, plus rien ne va"),
    ("self_harm", "fr", "Je n'ai plus envie de vivre depuis l'expulsion"),
    ("self_harm", "fr", "Si on me coupe l'eau je vais me tuer"),
    ("self_harm", "fr", "J'ai peur de me faire du mal"),
    ("self_harm", "en", "I want to kill myself"),
    ("self_harm", "en", "I just want to end my life"),
    ("self_harm", "en", "I'm feeling suicidal since the eviction"),
    ("self_harm", "en", "I want to die"),
    ("self_harm", "en", "Struggling with self-harm again"),
    ("threat", "fr", "Si personne ne vient je vais le tuer"),
    ("threat", "fr", "J'ai reçu une menace de mort de mon voisin"),
    ("threat", "fr", "Il dit qu'il y a une bombe dans la mairie"),
    ("threat", "en", "If nobody fixes this I will kill him"),
    ("threat", "en", "I received a death threat from my landlord"),
    ("threat", "en", "Someone said there is a bomb at the station"),
    ("child_danger", "fr", "Enfant en danger au 4e, il est sur le rebord de la fenêtre"),
    ("child_danger", "fr", "Des enfants seuls dans une voiture en plein soleil"),
    ("child_danger", "en", "There is a child in danger on the balcony"),
    ("child_danger", "en", "Baby alone in a hot car on the market square"),
    ("electrical", "fr", "Un câble électrique arraché pend sur le trottoir"),
    ("electrical", "fr", "Cables électriques à terre après la tempête"),
    ("electrical", "en", "Live wire hanging over the playground"),
    ("electrical", "en", "Downed power line across Oak Road"),
]


@pytest.mark.parametrize(("rule", "language", "text"), CASES)
def test_each_rule_makes_the_message_critical(rule: str, language: str, text: str) -> None:
    verdict = detect_emergency(text)
    assert verdict is not None
    assert (verdict.label, verdict.by) == ("critical", f"emergency_lexicon:{rule}")
    assert verdict.evidence


def test_every_rule_is_covered_in_both_languages() -> None:
    covered = {(rule, language) for rule, language, _ in CASES}
    assert covered == {(r, lang) for r in lexicons.EMERGENCY for lang in ("fr", "en")}


def test_evidence_names_the_lexicon_phrase_without_optional_endings() -> None:
    verdict = detect_emergency("Les caves sont INONDÉES")
    assert verdict is not None
    assert verdict.evidence == ("inondé",)


def test_the_first_rule_in_priority_names_the_verdict_and_all_phrases_are_evidence() -> None:
    verdict = detect_emergency("Incendie et fuite de gaz au 5 rue Royale")
    assert verdict is not None
    assert verdict.by == "emergency_lexicon:fire"
    assert verdict.evidence == ("incendie", "fuite de gaz")


@pytest.mark.parametrize(
    "text",
    [
        "Il n'y a pas de fuite de gaz, juste une odeur d'égout",
        "Aucune odeur de gaz, rassurez-vous",
        "Pas d'incendie, c'était un barbecue",
        "No fire, just a bonfire in the garden",
        "There is no gas leak, the engineer checked",
        "The cellar is not flooded any more",
        "Sans inondation cette année, merci aux services",
    ],
)
def test_a_hazard_reported_as_absent_is_not_an_emergency(text: str) -> None:
    assert detect_emergency(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "I don't want to die like this, please help",
        "Je ne vais pas bien, je veux mourir",
        "Not breathing properly, my son collapsed",
    ],
)
def test_negation_never_cancels_a_threat_to_a_person(text: str) -> None:
    assert detect_emergency(text) is not None


def test_a_negation_in_another_clause_does_not_cancel() -> None:
    assert detect_emergency("Je ne sais pas quoi faire, fuite de gaz chez moi") is not None


@pytest.mark.parametrize(
    "text",
    [
        "Le feu rouge est en panne au carrefour",
        "Accident au feu rouge de la rue Garibaldi",
        "Les feux tricolores clignotent orange",
        "Superbe feu d'artifice hier soir, bravo",
        "Great firework display last night",
        "You should fire the mayor",
        "Fire them all, they never fix anything",
        "The fire hydrant on Elm Street is leaking",
        "Fire alarm test in the town hall at 10am",
        "Je veux en finir avec les nids de poule",
        "Nous sommes inondés de publicités dans la boîte aux lettres",
        "We are flooded with complaints about the bins",
        "Bombe de peinture sur la façade de l'école",
        "Le service est de la bombe, merci",
        "Une armée de bénévoles a nettoyé le parc",
        "Le malaise social dans le quartier est réel",
        "Nid de poule rue Garibaldi",
        "Smells like the drains in the underpass",
    ],
)
def test_false_friends_are_not_emergencies(text: str) -> None:
    assert detect_emergency(text) is None


def test_a_real_emergency_next_to_a_false_friend_still_fires() -> None:
    verdict = detect_emergency("Près du feu rouge, une voiture en feu !")
    assert verdict is not None
    assert verdict.by == "emergency_lexicon:fire"
