"""The public transparency page: one self-contained HTML document (no script, no external
asset), in English or French, with an accessible table."""

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Literal

from services.metrics.transparency import PublicRow

Lang = Literal["en", "fr"]

CHANNEL_NAMES = {
    "facebook": "Facebook", "instagram": "Instagram", "messenger": "Messenger",
    "whatsapp": "WhatsApp", "telegram": "Telegram", "sms": "SMS", "mastodon": "Mastodon",
    "x": "X", "email": "E-mail", "open311": "Open311", "generic": "Web",
}  # fmt: skip

TEXT: dict[Lang, dict[str, str]] = {
    "en": {
        "title": "How fast public agencies answer citizens",
        "period": "Conversations started from {start} to {end} (UTC).",
        "caption": "First response to citizens, by agency, channel and topic",
        "agency": "Agency",
        "channel": "Channel",
        "topic": "Topic",
        "cases": "Conversations",
        "median": "Median first response",
        "share": "Answered within target",
        "other": "Other channels and topics",
        "unclassified": "Not classified",
        "none": "No figures can be published for this period.",
        "measures": "What the figures mean",
        "cases_help": "Conversations started by citizens on the agency's social media and"
        " messaging channels in the period.",
        "median_help": "Half of the answered conversations received their first reply faster"
        " than this, counted in calendar time (nights and weekends included).",
        "share_help": "Among the conversations whose answer was due (answered, or past the"
        " time the agency commits to), the share answered in time. Conversations without a"
        " committed time, or not yet due, are not counted.",
        "privacy": "Privacy",
        "privacy_help": "No message, name or single conversation is published. A channel and"
        " topic with fewer than {n} conversations is merged into “Other channels and topics”,"
        " itself shown only from {n} conversations; a figure resting on fewer than {n}"
        " conversations is shown as “–”.",
        "data": "The same figures as data",
        "day": "d",
    },
    "fr": {
        "title": "En combien de temps les administrations répondent-elles ?",
        "period": "Conversations ouvertes du {start} au {end} (UTC).",
        "caption": "Première réponse aux citoyens, par administration, canal et thème",
        "agency": "Administration",
        "channel": "Canal",
        "topic": "Thème",
        "cases": "Conversations",
        "median": "Première réponse (médiane)",
        "share": "Réponses dans les délais",
        "other": "Autres canaux et thèmes",
        "unclassified": "Non classé",
        "none": "Aucun chiffre ne peut être publié pour cette période.",
        "measures": "Ce que mesurent les chiffres",
        "cases_help": "Conversations ouvertes par des citoyens sur les réseaux sociaux et"
        " messageries de l'administration pendant la période.",
        "median_help": "La moitié des conversations ayant reçu une réponse l'ont reçue plus"
        " vite que ce délai, compté en temps calendaire (nuits et week-ends compris).",
        "share_help": "Parmi les conversations dont la réponse était due (répondues, ou dont"
        " le délai promis est dépassé), la part répondue à temps. Les conversations sans délai"
        " promis, ou pas encore échues, ne sont pas comptées.",
        "privacy": "Vie privée",
        "privacy_help": "Aucun message, aucun nom, aucune conversation n'est publié. Un canal"
        " et thème de moins de {n} conversations est regroupé dans « Autres canaux et thèmes »,"
        " lui-même affiché seulement à partir de {n} conversations ; un chiffre reposant sur"
        " moins de {n} conversations est affiché « – ».",
        "data": "Les mêmes chiffres en données",
        "day": "j",
    },
}

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "color:#1a1a1a;line-height:1.5}table{border-collapse:collapse;width:100%}"
    "caption{text-align:left;font-weight:bold;padding:.5rem 0}"
    "th,td{border-bottom:1px solid #767676;padding:.4rem .6rem;text-align:left}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}thead th{background:#f0f0f0}"
)


def duration(seconds: float | None, lang: Lang) -> str:
    """``45 s``, ``12 min``, ``3 h 05 min``, ``2 d 4 h``; ``–`` when unknown."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, hours, days = whole // 60, whole // 3600, whole // 86400
    if hours == 0:
        return f"{minutes} min"
    if days == 0:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{days} {TEXT[lang]['day']} {hours % 24} h"


def percent(value: float | None, lang: Lang) -> str:
    if value is None:
        return "–"
    return f"{round(value * 100)}\u202f%" if lang == "fr" else f"{round(value * 100)}%"


@dataclass(frozen=True)
class Page:
    rows: list[PublicRow]
    start: datetime
    end: datetime
    min_group: int
    lang: Lang
    data_url: str


def _row(row: PublicRow, text: dict[str, str], lang: Lang) -> str:
    if row.other:
        channel, topic = text["other"], ""
    else:
        channel = CHANNEL_NAMES.get(row.channel or "", row.channel or "")
        topic = (row.topic or "").replace("_", " ") or text["unclassified"]
    cells = [
        f'<th scope="row">{escape(row.agency)}</th>',
        f"<td>{escape(channel)}</td>",
        f"<td>{escape(topic)}</td>",
        f'<td class="n">{row.cases}</td>',
        f'<td class="n">{duration(row.median_first_response_s, lang)}</td>',
        f'<td class="n">{percent(row.within_target_share, lang)}</td>',
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _table(page: Page, text: dict[str, str]) -> str:
    if not page.rows:
        return f"<p>{escape(text['none'])}</p>"
    heads = "".join(
        f'<th scope="col">{escape(text[k])}</th>'
        for k in ("agency", "channel", "topic", "cases", "median", "share")
    )
    body = "\n".join(_row(row, text, page.lang) for row in page.rows)
    return (
        f"<table>\n<caption>{escape(text['caption'])}</caption>\n"
        f"<thead><tr>{heads}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"
    )


def render(page: Page) -> str:
    text = TEXT[page.lang]
    start, end = (
        moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for moment in (page.start, page.end)
    )
    period = text["period"].format(start=start, end=end)
    privacy = text["privacy_help"].format(n=page.min_group)
    return f"""<!DOCTYPE html>
<html lang="{page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text["title"])}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{escape(text["title"])}</h1>
<p>{escape(period)}</p>
{_table(page, text)}
<h2>{escape(text["measures"])}</h2>
<dl>
<dt>{escape(text["cases"])}</dt><dd>{escape(text["cases_help"])}</dd>
<dt>{escape(text["median"])}</dt><dd>{escape(text["median_help"])}</dd>
<dt>{escape(text["share"])}</dt><dd>{escape(text["share_help"])}</dd>
</dl>
<h2>{escape(text["privacy"])}</h2>
<p>{escape(privacy)}</p>
<p><a href="{escape(page.data_url)}">{escape(text["data"])}</a></p>
</main>
</body>
</html>
"""
