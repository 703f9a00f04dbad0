"""Fixtures for every test of the project's apps."""

import pytest


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """A request with Accept-Language: en leaves English active in its thread; every test starts in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
