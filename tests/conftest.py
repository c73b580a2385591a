"""Shared fixtures: settings in temporary directories and one real index of the shipped corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from taito_dx.settings import REPO_CORPUS, Settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No TAITO_DX_* / CHROMA_* variable of the developer's shell leaks into a test."""
    import os

    for name in list(os.environ):
        if name.startswith(("TAITO_DX_", "CHROMA_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh, empty index directory."""
    return Settings.load(env={}, index_dir=tmp_path / "index", corpus=(REPO_CORPUS,))


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose index holds the shipped corpus (built once per test session; do not write to it)."""
    from taito_dx.ingest.pipeline import run

    settings = Settings.load(env={}, index_dir=tmp_path_factory.mktemp("corpus-index"), corpus=(REPO_CORPUS,))
    report = run([REPO_CORPUS], settings)
    assert report.errors == []
    return settings


@pytest.fixture(scope="session")
def assistant(corpus_settings: Settings):
    """One real Assistant over the shipped corpus, with the bundled embedder."""
    from taito_dx.assistant.assistant import Assistant

    return Assistant(corpus_settings)
