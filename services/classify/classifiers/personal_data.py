"""Personal data: e-mail addresses and phone numbers found and redacted (pure)."""

import re

from shared.events import PersonalDataFinding

_PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    "phone": re.compile(
        r"(?<!\w)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\w)|(?<!\w)\+\d{10,14}(?!\w)"
    ),
}


def find_personal_data(text: str) -> tuple[PersonalDataFinding, ...]:
    findings = [
        PersonalDataFinding(type=kind, start=m.start(), end=m.end())
        for kind, pattern in _PATTERNS.items()
        for m in pattern.finditer(text)
    ]
    return tuple(sorted(findings, key=lambda f: f.start))


def redact(text: str, findings: tuple[PersonalDataFinding, ...]) -> str:
    out, cursor = [], 0
    for finding in findings:
        if finding.start < cursor:
            continue
        out.append(text[cursor : finding.start])
        out.append(f"[{finding.type}]")
        cursor = finding.end
    out.append(text[cursor:])
    return "".join(out)
