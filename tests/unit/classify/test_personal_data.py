"""Personal data: each type found when valid, ignored when its checksum or shape is wrong."""

import pytest

from services.classify.classifiers.personal_data import (
    find_personal_data,
    nir_is_valid,
    redact,
)
from shared.events import PersonalDataFinding


def _redacted(text: str) -> str:
    return redact(text, find_personal_data(text))


def _types(text: str) -> list[str]:
    return [f.type for f in find_personal_data(text)]


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        # email
        ("Écrivez-moi à jean.dupont@mail.fr svp", "Écrivez-moi à [email] svp"),
        ("Reach me at j.smith+council@example.co.uk.", "Reach me at [email]."),
        # phone (FR, GB, US)
        ("Rappelez-moi au 06 12 34 56 78 merci", "Rappelez-moi au [phone] merci"),
        ("Mon fixe : +33 1 23 45 67 89", "Mon fixe : [phone]"),
        ("Call me on 07911 123456 after 5", "Call me on [phone] after 5"),
        ("My number is +44 20 7946 0958", "My number is [phone]"),
        ("Call (202) 555-0143 please", "Call [phone] please"),
        # iban
        ("Mon IBAN : FR76 3000 6000 0112 3456 7890 189 merci", "Mon IBAN : [iban] merci"),
        ("IBAN DE89370400440532013000 pour le virement", "IBAN [iban] pour le virement"),
        ("Refund to GB82 WEST 1234 5698 7654 32 please", "Refund to [iban] please"),
        ("IBAN BE68 5390 0754 7034, ES91 2100 0418 4502 0005 1332", "IBAN [iban], [iban]"),
        ("Swiss CH93 0076 2011 6238 5295 7 ok", "Swiss [iban] ok"),
        ("Cyprus CY17 0020 0128 0000 0012 0052 7600 ok", "Cyprus [iban] ok"),
        # card
        ("Ma carte 4970 1012 3456 7893 a été débitée", "Ma carte [card] a été débitée"),
        ("Card 5500-0000-0000-0004 was charged twice", "Card [card] was charged twice"),
        ("Amex 378282246310005 refused", "Amex [card] refused"),
        # fr_nir
        ("Mon numéro de sécu : 1 85 05 78 006 084 91", "Mon numéro de sécu : [fr_nir]"),
        ("NIR 185057800608491 ci-joint", "NIR [fr_nir] ci-joint"),
        ("Né en Corse : 2 90 02 2A 004 123 04", "Né en Corse : [fr_nir]"),
        ("Corsica 1 85 05 2B 004 123 83 ok", "Corsica [fr_nir] ok"),
        # other_national_id
        ("My NI number is AB 12 34 56 C.", "My NI number is [other_national_id]."),
        ("NINO: JG103759A", "NINO: [other_national_id]"),
        ("SSN 123-45-6789 attached", "SSN [other_national_id] attached"),
        # postal_address
        (
            "J'habite au 12 rue de la République, 69002 Lyon depuis 3 ans",
            "J'habite au [postal_address] depuis 3 ans",
        ),
        ("Devant le 3 bis avenue Jean Jaurès hier", "Devant le [postal_address] hier"),
        ("Au 8 rue des lilas 69003 lyon il y a un souci", "Au [postal_address] il y a un souci"),
        ("Lampadaire cassé 45 bd Gambetta.", "Lampadaire cassé [postal_address]."),
        ("I live at 221B Baker Street, London NW1 6XE.", "I live at [postal_address]."),
        (
            "Bins not collected at 14 Elm Rd since Monday",
            "Bins not collected at [postal_address] since Monday",
        ),
        ("Pothole near 350 5th Avenue", "Pothole near [postal_address]"),
        ("Postcode SW1A 1AA", "Postcode [postal_address]"),
        # name
        (
            "Bonjour, je m'appelle Marie Curie et j'ai un souci",
            "Bonjour, je m'appelle [name] et j'ai un souci",
        ),
        ("Merci. Signé : Jean Dupont", "Merci. Signé : [name]"),
        ("Hello, my name is John Smith.", "Hello, my name is [name]."),
    ],
)
def test_valid_personal_data_is_found_and_redacted(text: str, redacted: str) -> None:
    assert _redacted(text) == redacted


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Rappelez au 06 12 34 56", "phone"),
        ("Call 555-0143", "phone"),
        ("Adresse mail jean.dupont@ sans domaine", "email"),
        ("IBAN FR76 3000 6000 0112 3456 7890 188", "iban"),
        ("IBAN DE89 3704 0044 0532 0130 01 please", "iban"),
        ("IBAN FR76 3000 6000 0112 3456 7890 18 (too short)", "iban"),
        ("Référence AB12 CDEF GHIJ KLMN", "iban"),
        ("Carte 4970 1012 3456 7894", "card"),
        ("Card 1234 5678 9012 3452 (Luhn-valid, no issuer starts with 1)", "card"),
        ("Mon numéro de sécu : 1 85 05 78 006 084 36", "fr_nir"),
        ("NIR 3 85 05 78 006 084 91", "fr_nir"),
        ("Corse 2 90 02 2A 004 123 72", "fr_nir"),
        ("My NI number is QQ 12 34 56 C", "other_national_id"),
        ("NINO GB 12 34 56 A", "other_national_id"),
        ("NINO AB 12 34 56 E", "other_national_id"),
        ("SSN 000-12-3456", "other_national_id"),
        ("SSN 666-12-3456", "other_national_id"),
        ("SSN 912-12-3456", "other_national_id"),
        ("SSN 123-00-4567", "other_national_id"),
        ("SSN 123-45-0000", "other_national_id"),
        ("Nid de poule rue Garibaldi", "postal_address"),
        ("J'ai 2 cours de maths et 3 places de parking", "postal_address"),
        ("12 rue sont bloquées ce matin", "postal_address"),
        ("We have 3 big problems on the road", "postal_address"),
        ("Je m'appelle la mairie depuis hier", "name"),
        ("My name is on the list", "name"),
        ("Budget 2024 : 150000 euros pour 12 écoles", "phone"),
    ],
)
def test_invalid_or_unlikely_data_is_not_found(text: str, kind: str) -> None:
    assert kind not in _types(text)


def test_civic_message_without_personal_data_is_left_as_is() -> None:
    text = "Le lampadaire de la place Bellecour est en panne depuis le 12 mars 2025."
    assert find_personal_data(text) == ()


def test_overlapping_findings_keep_the_longest() -> None:
    # The NIR contains digit groups a phone parser could read; the NIR is longer and wins.
    text = "NIR 1 85 05 78 006 084 91"
    assert find_personal_data(text) == (PersonalDataFinding(type="fr_nir", start=4, end=25),)


def test_findings_come_in_text_order_and_redaction_replaces_each() -> None:
    text = (
        "Je m'appelle Paul Martin, 06 12 34 56 78, paul@mail.fr, FR76 3000 6000 0112 3456 7890 189"
    )
    assert _types(text) == ["name", "phone", "email", "iban"]
    assert _redacted(text) == "Je m'appelle [name], [phone], [email], [iban]"


def test_redaction_skips_a_finding_nested_in_an_earlier_one() -> None:
    findings = (
        PersonalDataFinding(type="postal_address", start=0, end=10),
        PersonalDataFinding(type="phone", start=2, end=6),
    )
    assert redact("0123456789 ok", findings) == "[postal_address] ok"


@pytest.mark.parametrize(
    ("nir", "valid"),
    [
        ("185057800608491", True),
        ("185057800608492", False),
        ("290022A00412304", True),
        ("1850518004123 83", True),
        ("1851378006084 91", False),  # month 13 does not exist
    ],
)
def test_nir_key_is_checked_with_corsica_as_19_and_18(nir: str, valid: bool) -> None:
    assert nir_is_valid(nir) is valid
