"""Who may see and do what: roles, teams and agencies."""

import pytest

from services.respond.domain.access import PERMISSIONS, ROLES, Action, supervisor_of_everything
from tests.unit.respond.builders import CONFIG, user

A = Action
EXPECTED: dict[str, set[Action]] = {
    "responder": {A.READ, A.REPLY, A.NOTE, A.TAG, A.CLAIM, A.RESOLVE, A.REOPEN, A.TRANSFER},
    "supervisor": {
        *(A.READ, A.REPLY, A.NOTE, A.TAG, A.CLAIM, A.RESOLVE, A.REOPEN, A.TRANSFER),
        *(A.ASSIGN, A.APPROVE),
    },
    "admin": set(Action),
    "auditor": {A.READ, A.AUDIT},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(Action))
def test_each_role_may_do_exactly_its_actions(role: str, action: Action) -> None:
    assert user(role).may(action) == (action in EXPECTED[role])


def test_every_role_has_its_permissions_listed() -> None:
    assert set(PERMISSIONS) == set(ROLES)


@pytest.mark.parametrize(
    ("role", "agency", "team", "visibility"),
    [
        ("responder", "lyon", "voirie", "visible"),
        ("responder", "lyon", "eau", "other_team"),
        ("supervisor", "lyon", "eau", "other_team"),
        ("responder", "grenoble", "voirie", "other_agency"),
        ("admin", "lyon", "eau", "visible"),
        ("auditor", "lyon", "eau", "visible"),
        ("admin", "grenoble", "voirie", "other_agency"),
        ("auditor", "grenoble", "voirie", "other_agency"),
    ],
)
def test_a_case_is_visible_in_ones_teams_or_agency_wide_for_admins_and_auditors(
    role: str, agency: str, team: str, visibility: str
) -> None:
    who = user(role, teams=("voirie",))
    assert who.visibility(agency, team) == visibility
    assert who.can_see(agency, team) == (visibility == "visible")


def test_responders_list_the_cases_of_their_own_teams() -> None:
    assert user(teams=("voirie", "eau")).teams_in(CONFIG) == ("voirie", "eau")


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_admins_and_auditors_list_every_team_of_their_agencies_only(role: str) -> None:
    assert user(role, teams=()).teams_in(CONFIG) == (
        "urgences",
        "voirie",
        "moderation",
        "sms",
        "communication",
        "eau",
        "accueil",
    )


@pytest.mark.parametrize(("role", "acts"), [("responder", True), ("auditor", False)])
def test_only_roles_that_reply_can_act(role: str, acts: bool) -> None:
    assert user(role).can_act is acts


def test_the_demo_user_supervises_every_team_of_every_agency() -> None:
    demo = supervisor_of_everything(CONFIG, user="demo")
    assert (demo.role, demo.agency_ids) == ("supervisor", ("lyon", "grenoble"))
    assert demo.can_see("grenoble", "voirie")
    assert demo.can_see("lyon", "eau")
