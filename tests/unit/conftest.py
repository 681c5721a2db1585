"""Fixtures for the unit tests: a fresh team for every test."""

from __future__ import annotations

import pytest

from tests.unit.team import Team, make_team


@pytest.fixture
def team() -> Team:
    return make_team()
