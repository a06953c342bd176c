"""The garbage collector paused for a long job's bulk work, and on again after it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from crechebooks_desktop.services.tasks import collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_paused_inside_and_on_again_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_is_on_again_when_the_work_fails() -> None:
    with pytest.raises(ValueError, match="failed"), collector_paused():
        raise ValueError("failed")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_collector_someone_else_paused_stays_paused() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
