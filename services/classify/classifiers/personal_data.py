"""Personal data: validated patterns found in a message and redacted (pure).

Every type with a checksum is checked (IBAN mod 97, card Luhn, French NIR key); phones are
parsed by ``phonenumbers``; addresses and names favour precision over recall. Where findings
overlap the longest is kept.
"""

import re
from collections.abc import Callable, Iterator

import phonenumbers

from shared.events import PersonalDataFinding

Span = tuple[int, int]

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w+-]+(?:\.[\w+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b", re.I
)
_PHONE_REGIONS = ("FR", "GB", "US")

# ISO 13616 lengths of the countries Agora's agencies meet most; others: generic 15-34.
IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27, "GB": 22,
    "IE": 22, "IT": 27, "LU": 20, "MC": 27, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "SE": 24,
}  # fmt: skip
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")
_DIGIT_RUN = re.compile(r"(?<![\w-])\d+(?:[ -]\d+)*")
_NIR = re.compile(r"(?<![\w])[12](?:[ .]?[\dAB]){12}[ .]?\d{2}(?![\w])")
_NIR_STRICT = re.compile(r"[12]\d{2}(?:0[1-9]|1[0-2]|[2-9]\d)(?:\d{2}|2[AB])\d{6}\d{2}")
_NINO = re.compile(
    r"(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D](?![\w])"
)
_SSN = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")

_UPPER = "A-ZÀ-ÖØ-Ý"
_WORD = rf"[{_UPPER}][\w'’-]*"
_FR_STREET = r"(?i:rue|avenue|av\.|boulevard|bd|place|chemin|impasse|all[ée]e|quai|cours|route)"
_FR_LINK = r"(?i:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’]|la\s+|le\s+|les\s+|l['’]|aux?\s+)"
_FR_NUMBER = r"(?<![\w,.])\d{1,4}(?:\s?(?i:bis|ter))?,?\s+"
_FR_POSTCODE = rf"(?:,?\s+\d{{5}}(?!\d)(?:\s+{_WORD}(?:[ -]{_WORD})*)?)"
_FR_ADDRESS = re.compile(
    rf"{_FR_NUMBER}{_FR_STREET}\s+{_FR_LINK}?(?:{_WORD}|\d{{1,2}}\s+{_WORD})"
    rf"(?:\s+{_FR_LINK}?{_WORD})*{_FR_POSTCODE}?"
)
# A lower-case street name counts only when a postcode follows it.
_FR_ADDRESS_POSTCODE = re.compile(
    rf"{_FR_NUMBER}{_FR_STREET}\s+[^\W\d][\w'’ -]{{1,50}}?,?\s+\d{{5}}(?!\d)"
    r"(?:\s+[^\W\d][\w'’-]*)?"
)
_UK_POSTCODE = (
    r"(?:GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})"
)
_EN_ADDRESS = re.compile(
    r"(?<![\w,.])\d{1,5}[A-Za-z]?\s+(?:(?:[A-Z][a-z'’-]+|\d{1,3}(?:st|nd|rd|th))\s+){1,4}"
    r"(?:(?i:street|road|avenue|lane|drive|boulevard)|St|Rd|Ave|Ln|Dr|Blvd)\b\.?"
    rf"(?:,?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?(?:,?\s+{_UK_POSTCODE}(?![\w]))?"
)
_UK_POSTCODE_ALONE = re.compile(rf"(?<![\w]){_UK_POSTCODE}(?![\w])")
_NAME = re.compile(
    r"(?i:je\s+m['’]\s?appelle|my\s+name\s+is|sign[ée]e?|signed)\s*:?\s+"
    r"(?P<name>[A-ZÀ-ÖØ-Ý][\w'’-]+(?:[ ][A-ZÀ-ÖØ-Ý][\w'’-]+){0,2})"
)


def _emails(text: str) -> Iterator[Span]:
    for m in _EMAIL.finditer(text):
        yield m.span()


# A phone number needs at least seven digits: most messages have none, and the matcher is the
# costliest step of this module (bench/classify_throughput.py).
_MAYBE_PHONE = re.compile(r"(?:\d\D{0,3}){7}")


def _phones(text: str) -> Iterator[Span]:
    if not _MAYBE_PHONE.search(text):
        return
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region):
            if phonenumbers.is_valid_number(match.number):
                yield match.start, match.end


def _mod97(compact: str) -> int:
    return int("".join(str(int(c, 36)) for c in compact[4:] + compact[:4])) % 97


def _iban_at(text: str, start: int, end: int) -> Span | None:
    """The longest valid IBAN starting at ``start`` within the candidate ``[start, end)``."""
    positions = [i for i in range(start, end) if text[i].isalnum()]
    compact = "".join(text[i] for i in positions).upper()
    known = IBAN_LENGTHS.get(compact[:2])
    lengths = [known] if known else list(range(min(34, len(compact)), 14, -1))
    for length in lengths:
        if length > len(compact):
            continue
        stop = positions[length - 1] + 1
        if stop < len(text) and text[stop].isalnum():
            continue
        if compact[4:length].isalnum() and _mod97(compact[:length]) == 1:
            return start, stop
    return None


def _ibans(text: str) -> Iterator[Span]:
    pos = 0
    while (m := _IBAN.search(text, pos)) is not None:
        span = _iban_at(text, m.start(), m.end())
        pos = span[1] if span else m.start() + 1
        if span:
            yield span


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _plausible_card(digits: str) -> bool:
    n, p2, p4 = len(digits), int(digits[:2]), int(digits[:4])
    return (
        (digits[0] == "4" and n in (13, 16, 19))  # Visa
        or ((51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16)  # Mastercard
        or (p2 in (34, 37) and n == 15)  # American Express
        or ((p4 == 6011 or p2 == 65 or 644 <= int(digits[:3]) <= 649) and 16 <= n <= 19)
        or (p2 == 62 and 16 <= n <= 19)  # UnionPay
        or (3528 <= p4 <= 3589 and 16 <= n <= 19)  # JCB
        or ((p2 in (36, 38) or 300 <= int(digits[:3]) <= 305) and n == 14)  # Diners
    )


def _cards(text: str) -> Iterator[Span]:
    """Cards written whole or in groups; every window of whole groups is tried."""
    for run in _DIGIT_RUN.finditer(text):
        groups = list(re.finditer(r"\d+", run.group()))
        best: Span | None = None
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j].group()
                if len(digits) > 19:
                    break
                if 13 <= len(digits) <= 19 and _plausible_card(digits) and _luhn(digits):
                    span = (run.start() + groups[i].start(), run.start() + groups[j].end())
                    if best is None or span[1] - span[0] > best[1] - best[0]:
                        best = span
        if best is not None:
            yield best


def nir_is_valid(nir: str) -> bool:
    """Key = 97 - (13 digits mod 97); Corsica's 2A and 2B count as 19 and 18."""
    compact = re.sub(r"[ .]", "", nir).upper()
    if not _NIR_STRICT.fullmatch(compact):
        return False
    number = int(compact[:13].replace("2A", "19").replace("2B", "18"))
    return 97 - number % 97 == int(compact[13:])


def _nirs(text: str) -> Iterator[Span]:
    for m in _NIR.finditer(text):
        if nir_is_valid(m.group()):
            yield m.span()


def _national_ids(text: str) -> Iterator[Span]:
    for pattern in (_NINO, _SSN):
        for m in pattern.finditer(text):
            yield m.span()


def _addresses(text: str) -> Iterator[Span]:
    for pattern in (_FR_ADDRESS, _FR_ADDRESS_POSTCODE, _EN_ADDRESS, _UK_POSTCODE_ALONE):
        for m in pattern.finditer(text):
            yield m.start(), m.start() + len(m.group().rstrip(" ,"))


def _names(text: str) -> Iterator[Span]:
    for m in _NAME.finditer(text):
        yield m.span("name")


# Order breaks ties between findings of equal length: the stronger evidence first.
FINDERS: dict[str, Callable[[str], Iterator[Span]]] = {
    "iban": _ibans,
    "fr_nir": _nirs,
    "card": _cards,
    "other_national_id": _national_ids,
    "email": _emails,
    "phone": _phones,
    "postal_address": _addresses,
    "name": _names,
}


def find_personal_data(text: str) -> tuple[PersonalDataFinding, ...]:
    """Non-overlapping findings in text order; of overlapping ones the longest wins."""
    candidates = [
        (end - start, rank, start, end, kind)
        for rank, (kind, finder) in enumerate(FINDERS.items())
        for start, end in set(finder(text))
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    kept: list[PersonalDataFinding] = []
    for _, _, start, end, kind in candidates:
        if all(end <= f.start or start >= f.end for f in kept):
            kept.append(PersonalDataFinding(type=kind, start=start, end=end))
    return tuple(sorted(kept, key=lambda f: f.start))


def redact(text: str, findings: tuple[PersonalDataFinding, ...]) -> str:
    """Each finding becomes ``[type]``; a finding inside an earlier one is skipped."""
    out, cursor = [], 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.start < cursor:
            continue
        out.append(text[cursor : finding.start])
        out.append(f"[{finding.type}]")
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out)
