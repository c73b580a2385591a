"""Two ingests on one index directory: one writes, the other refuses at once and says why.

Two maintainers (or a cron job and a maintainer) may start `taito-dx ingest` on the same index
at the same moment. The ingest lock lets one through; the other stops before touching anything,
with `error: another ingest (pid N) is writing DIR: wait for it to finish, then run again` and
exit status 1. Whatever the interleaving, the index ends whole and answers as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from taito_dx.ingest.pipeline import run
from taito_dx.errors import IndexLockedError
from taito_dx.index.directory import Generation, IndexDir
from taito_dx.index.keyword import KeywordIndex
from taito_dx.settings import REPO_CORPUS, Settings
from taito_dx.index.store import chroma_client

PLAN = REPO_CORPUS / "taito-dx-plan-interim-summary.txt"
RUN_TIMEOUT = 240
QUESTION = "取組12の担当はどこですか？"


def taito_dx() -> list[str]:
    script = Path(sys.executable).with_name("taito-dx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]


def locked_message(holder_pid: int, index: Path) -> str:
    return f"another ingest (pid {holder_pid}) is writing {index}: wait for it to finish, then run again"


def assert_consistent(generation: Generation) -> None:
    """Manifest, chunks.jsonl, keyword index, Chroma and the part vectors hold the same chunks."""
    ids = generation.manifest()["chunk_ids"]
    assert [chunk.id for chunk in generation.chunks()] == ids
    assert sorted(KeywordIndex.load(generation.keyword_dir).ids) == sorted(ids)
    stored = chroma_client(path=generation.chroma_dir).get_collection(generation.collection).get(include=[])
    assert set(stored["ids"]) == set(ids)
    assert {chunk_id for chunk_id, _ in generation.part_vectors().keys} == set(ids)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    """A corpus folder and an index of it (module-wide; tests leave it as they found it)."""
    root = tmp_path_factory.mktemp("concurrent")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(PLAN, corpus / "plan.txt")
    settings = Settings.load(env={}, index_dir=root / "index")
    assert run([corpus], settings).errors == []
    return corpus, settings


def test_ingest_refuses_while_another_holds_the_lock(indexed: tuple[Path, Settings]) -> None:
    corpus, settings = indexed
    index = IndexDir(settings.index_dir)
    before = index.require_current().name
    (corpus / "memo.txt").write_text("DX推進会議メモ\n\n行政手続きのオンライン化の進捗を確認した。\n", encoding="utf-8")
    try:
        with index.lock():
            with pytest.raises(IndexLockedError) as refused:
                run([corpus], settings)
            assert str(refused.value) == locked_message(os.getpid(), settings.index_dir)
        assert index.require_current().name == before
        assert not [p for p in index.generations.iterdir() if p.name != before and not (p / "manifest.json").exists()]
    finally:
        (corpus / "memo.txt").unlink()
    assert run([corpus], settings).generation == before  # the lock is free again; nothing changed


@pytest.mark.slow
def test_cli_refusal_is_one_line_and_exit_1(indexed: tuple[Path, Settings], tmp_path: Path) -> None:
    corpus, settings = indexed
    index = IndexDir(settings.index_dir)
    with index.lock():
        done = subprocess.run([*taito_dx(), "ingest", str(corpus), "--index-dir", str(settings.index_dir), "--json"],
                              capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == f"error: {locked_message(os.getpid(), settings.index_dir)}\n"
    assert done.stdout == ""


@pytest.mark.slow
def test_two_ingests_started_at_once(tmp_path: Path) -> None:
    from taito_dx.assistant.assistant import Assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PLAN, corpus / "plan.txt")
    index_dir = tmp_path / "index"
    command = [*taito_dx(), "ingest", str(corpus), "--index-dir", str(index_dir), "--json"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
                 for _ in range(2)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
        results.append((process.returncode, out, err, process.pid))

    for returncode, out, err, _ in results:
        assert "Traceback" not in err, err
    codes = sorted(code for code, *_ in results)
    assert codes in ([0, 0], [0, 1]), results
    if codes == [0, 1]:  # the usual case: both reached the lock while the first held it
        (winner,) = [pid for code, _, _, pid in results if code == 0]
        (loser_err,) = [err for code, _, err, _ in results if code == 1]
        assert loser_err == f"error: {locked_message(winner, index_dir)}\n"
    index = IndexDir(index_dir)
    generation = index.require_current()
    assert_consistent(generation)
    assert [p.name for p in index.generations.iterdir()] == [generation.name]
    answer = Assistant(Settings.load(env={}, index_dir=index_dir)).ask(QUESTION)
    assert "情報政策課" in answer.text and "総務課" in answer.text, answer.text
