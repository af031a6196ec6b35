"""Shared fixtures: real stores built from the tiny fixture and from the shipped dataset.

Both are built once per test session into temporary folders with the real build
(ingest, SHACL, Oxigraph on disk, atomic swap), so every test runs on a real store.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from graph.build import build
from graph.store import GraphStore, open_store

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny"
REAL = ROOT / "data" / "azerbaijan"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def tiny_location(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store location built from tests/fixtures/tiny (fictional people, one canary)."""
    loc = tmp_path_factory.mktemp("tiny-store")
    build([TINY], str(loc))
    return loc


@pytest.fixture(scope="session")
def tiny_store(tiny_location: Path) -> GraphStore:
    return open_store(str(tiny_location))


@pytest.fixture(scope="session")
def tiny_full(tiny_location: Path) -> GraphStore:
    return open_store(str(tiny_location), full=True)


@pytest.fixture(scope="session")
def real_location(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store location built from the shipped dataset data/azerbaijan."""
    loc = tmp_path_factory.mktemp("real-store")
    build([REAL], str(loc))
    return loc


@pytest.fixture(scope="session")
def real_store(real_location: Path) -> GraphStore:
    return open_store(str(real_location))


@pytest.fixture(scope="session")
def real_full(real_location: Path) -> GraphStore:
    return open_store(str(real_location), full=True)


@pytest.fixture()
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny dataset, for tests that break it on purpose."""
    dest = tmp_path / "tiny"
    shutil.copytree(TINY, dest)
    return dest


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where tests leave screenshots and renders for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True, scope="session")
def _no_proxy() -> None:
    """Loopback servers in tests must never go through a proxy."""
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
