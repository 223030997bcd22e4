"""Fakes and the commands on them, fresh for each test."""

import pytest

from services.respond.commands import CaseCommands
from tests.handlers.respond.fakes import FakeAuditLog, FakeCaseRepository, FakeOutbox
from tests.unit.respond.builders import CONFIG


@pytest.fixture
def cases() -> FakeCaseRepository:
    return FakeCaseRepository()


@pytest.fixture
def outbox() -> FakeOutbox:
    return FakeOutbox()


@pytest.fixture
def audit() -> FakeAuditLog:
    return FakeAuditLog()


@pytest.fixture
def commands(cases: FakeCaseRepository, outbox: FakeOutbox, audit: FakeAuditLog) -> CaseCommands:
    return CaseCommands(cases=cases, outbox=outbox, audit=audit, config=lambda: CONFIG)
