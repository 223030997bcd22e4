"""The public HTML page: self-contained, accessible table, readable figures, no personal data."""

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from services.metrics.api.public_page import Lang, Page, duration, percent, render
from services.metrics.transparency import PublicRow

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)
ROWS = [
    PublicRow("lyon", "Ville de Lyon", "facebook", "street_lighting", False, 12, 5400, 0.8),
    PublicRow("lyon", "Ville de Lyon", "sms", None, False, 10, None, None),
    PublicRow("lyon", "Ville de Lyon", None, None, True, 11, 90, 1.0),
]


@pytest.mark.parametrize(
    ("seconds", "lang", "text"),
    [
        (None, "en", "–"),
        (44.6, "en", "45 s"),
        (720, "en", "12 min"),
        (3 * 3600 + 5 * 60, "en", "3 h 05 min"),
        (2 * 86400 + 4 * 3600 + 59, "en", "2 d 4 h"),
        (2 * 86400 + 4 * 3600, "fr", "2 j 4 h"),
    ],
)
def test_durations_read_as_people_say_them(seconds: float | None, lang: Lang, text: str) -> None:
    assert duration(seconds, lang) == text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(None, "en", "–"), (0.8, "en", "80%"), (0.666, "fr", "67\u202f%"), (1.0, "en", "100%")],
)
def test_shares_read_as_percentages(value: float | None, lang: Lang, text: str) -> None:
    assert percent(value, lang) == text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def page(lang: Lang = "en", rows: list[PublicRow] = ROWS) -> str:
    return render(Page(rows, START, END, min_group=10, lang=lang, data_url="/public/x?a=1&b=2"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_declares_its_language(lang: Lang) -> None:
    assert ("html", {"lang": lang}) in tags(page(lang))


def test_the_page_loads_nothing_from_elsewhere() -> None:
    found = tags(page())
    names = {name for name, _ in found}
    assert not names & {"script", "img", "link", "iframe", "object"}
    assert all(not (attrs.get("src") or "").startswith("http") for _, attrs in found)
    assert all(not (attrs.get("href") or "").startswith("http") for _, attrs in found)


def test_the_table_has_a_caption_column_headers_and_row_headers() -> None:
    found = [name for name, _ in tags(page())]
    assert "caption" in found
    col_headers = [a for n, a in tags(page()) if n == "th" and a.get("scope") == "col"]
    row_headers = [a for n, a in tags(page()) if n == "th" and a.get("scope") == "row"]
    assert (len(col_headers), len(row_headers)) == (6, len(ROWS))


def test_the_page_shows_period_figures_explanations_and_the_minimum() -> None:
    html = page()
    for text in (
        "2026-03-01 00:00",
        "2026-04-01 00:00",
        "Ville de Lyon",
        "street lighting",
        "1 h 30 min",
        "80%",
        "Other channels and topics",
        "Not classified",
        "Median first response",
        "fewer than 10 conversations",
    ):
        assert text in html


def test_the_data_link_is_escaped() -> None:
    assert 'href="/public/x?a=1&amp;b=2"' in page()


def test_a_period_without_publishable_figures_says_so() -> None:
    html = page(rows=[])
    assert "No figures can be published" in html
    assert "<table" not in html


def test_labels_are_escaped() -> None:
    hostile = PublicRow("lyon", "<b>Lyon</b>", "sms", "<script>", False, 10, 1, 1)
    html = page(rows=[hostile])
    assert "<script>" not in html
    assert "&lt;b&gt;Lyon&lt;/b&gt;" in html


def test_the_french_page_is_in_french() -> None:
    html = page("fr")
    assert "Autres canaux et thèmes" in html
    assert "Réponses dans les délais" in html
