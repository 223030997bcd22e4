"""The embedded engines alone (tansu + SecantusDB), for tests of the shared mechanics."""

from collections.abc import Iterator

import pytest

from shared.runner.stack import Stack
from tests.conftest import make_stack


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = make_stack(tmp_path_factory.mktemp("engines"))
    stack.start(services=())
    try:
        yield stack
    finally:
        stack.stop()
