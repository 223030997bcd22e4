from pathlib import Path

import pytest

from services.respond.tokens import TokenRequestError, new_token, user_for
from shared.config import load_config

CONFIG = load_config(Path(__file__).parents[2] / "fixtures" / "agora.yaml")


def test_a_responder_token_is_bound_to_known_teams_of_known_agencies() -> None:
    user = user_for(CONFIG, user="alice", role="responder", agencies=["lyon"], teams=["voirie"])
    assert (user.user, user.role, user.teams, user.agency_ids) == (
        "alice",
        "responder",
        ("voirie",),
        ("lyon",),
    )


def test_an_auditor_needs_no_team() -> None:
    assert user_for(CONFIG, user="a", role="auditor", agencies=["lyon"], teams=[]).teams == ()


@pytest.mark.parametrize(
    ("agencies", "teams", "role", "field", "message"),
    [
        (
            ["paris"],
            ["voirie"],
            "responder",
            "--agency",
            "no agency 'paris' (known: lyon, grenoble)",
        ),
        ([], ["voirie"], "responder", "--agency", "name at least one agency"),
        (["lyon"], ["accueil-grenoble"], "responder", "--team", "no team 'accueil-grenoble'"),
        (["lyon"], [], "supervisor", "--team", "a supervisor works for at least one team"),
    ],
)
def test_a_bad_request_names_the_option_to_fix(
    agencies: list[str], teams: list[str], role: str, field: str, message: str
) -> None:
    with pytest.raises(TokenRequestError) as refused:
        user_for(CONFIG, user="x", role=role, agencies=agencies, teams=teams)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert message in str(refused.value)


def test_tokens_are_long_and_never_repeat() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    assert min(len(t) for t in tokens) >= 40
