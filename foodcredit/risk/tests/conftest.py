"""A small district written through the import path, shared by the risk tests of a module."""

import pytest

from .world import world_frames, world_write


@pytest.fixture
def district(db):
    frames = world_frames()
    world_write(frames)
    return frames
