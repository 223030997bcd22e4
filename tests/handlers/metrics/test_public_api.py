"""``GET /public/transparency`` and the public page: aggregates only, small groups suppressed."""

import csv
import io
from uuid import uuid4

import httpx
import pytest

from shared.events import Channel
from tests.handlers.metrics.conftest import MIN_PUBLIC_GROUP, record
from tests.handlers.metrics.fakes import FakeRollupStore, FakeTimelineStore
from tests.unit.metrics.builders import story

MARCH = {"from": "2026-03-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}


@pytest.fixture
async def store(rollups: FakeRollupStore) -> FakeTimelineStore:
    """Lyon: four Facebook road cases (three answered in time, one late), one SMS case and one
    X case (small groups); Paris: two cases (too few for any row)."""
    store = FakeTimelineStore()
    cases = [
        *[
            story(uuid4(), received_s=0, reply_s=60 * n, first_response_due_s=600)
            for n in (1, 2, 3)
        ],
        story(uuid4(), received_s=0, reply_s=900, first_response_due_s=600),
        story(uuid4(), received_s=0, reply_s=60, channel=Channel.SMS),
        story(uuid4(), received_s=0, channel=Channel.X, topic="waste"),
        *[story(uuid4(), received_s=0, reply_s=60, agency="paris") for _ in range(2)],
    ]
    await record(store, rollups, [e for events in cases for e in events])
    return store


async def test_groups_of_at_least_the_minimum_are_published_with_their_figures(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    response = await client.get("/public/transparency", params=MARCH)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["min_group_size"] == MIN_PUBLIC_GROUP
    assert body["rows"] == [
        {
            "agency_id": "lyon",
            "agency": "Ville de Lyon",
            "channel": "facebook",
            "topic": "roads",
            "other": False,
            "cases": 4,
            "median_first_response_s": 150.0,
            "within_target_share": 0.75,
        }
    ]


async def test_small_groups_merge_into_an_other_row_once_it_reaches_the_minimum(
    client: httpx.AsyncClient, store: FakeTimelineStore, rollups: FakeRollupStore
) -> None:
    await record(store, rollups, story(uuid4(), received_s=0, channel=Channel.TELEGRAM))

    rows = (await client.get("/public/transparency", params=MARCH)).json()["rows"]

    other = rows[-1]
    assert (other["other"], other["channel"], other["topic"], other["cases"]) == (
        True,
        None,
        None,
        3,
    )
    assert other["median_first_response_s"] is None  # one answered case: too few to publish
    assert other["within_target_share"] is None


async def test_transparency_can_be_limited_to_one_agency(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    rows = (await client.get("/public/transparency", params=MARCH | {"agency": "paris"})).json()[
        "rows"
    ]
    assert rows == []


async def test_transparency_as_csv(client: httpx.AsyncClient, store: FakeTimelineStore) -> None:
    response = await client.get("/public/transparency", params=MARCH | {"format": "csv"})

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(response.text))) == [
        [
            "agency_id",
            "agency",
            "channel",
            "topic",
            "other",
            "cases",
            "median_first_response_s",
            "within_target_share",
        ],
        ["lyon", "Ville de Lyon", "facebook", "roads", "False", "4", "150.0", "0.75"],
    ]


async def test_the_public_page_renders_the_table_in_the_requested_language(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    response = await client.get("/public/", params=MARCH | {"lang": "fr"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    html = response.text
    assert '<html lang="fr">' in html
    assert "<caption>" in html
    assert "Ville de Lyon" in html
    assert '<td class="n">2 min</td>' in html
    assert "75\u202f%" in html
    assert "/public/transparency?from=2026-03-01T00%3A00%3A00%2B00%3A00" in html


async def test_the_public_page_is_also_served_as_transparency_html(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/public/transparency.html")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/public/transparency", {"from": "2026-03-01"}, "from"),
        ("/public/transparency", {"format": "xml"}, "format"),
        ("/public/", {"lang": "de"}, "lang"),
        ("/public/", {"from": "2026-04-01T00:00:00Z", "to": "2026-03-01T00:00:00Z"}, "from"),
    ],
)
async def test_bad_parameters_are_a_422_naming_them(
    client: httpx.AsyncClient, path: str, params: dict[str, str], named: str
) -> None:
    response = await client.get(path, params=params)
    assert response.status_code == 422
    assert f"query.{named}" in response.json()["detail"]


async def test_nothing_public_names_a_case_a_team_member_or_a_citizen(
    client: httpx.AsyncClient, store: FakeTimelineStore
) -> None:
    texts = [
        (await client.get("/public/transparency", params=MARCH)).text,
        (await client.get("/public/", params=MARCH)).text,
    ]
    for text in texts:
        for private in (*map(str, store.timelines), "alice", "citizen-42", "voirie"):
            assert private not in text
