"""SIGKILL `taito-dx ingest` at random points: the index is always the previous generation or the new one.

A maintainer's ingest can die at any instant (the machine is shut down, the OOM killer, a
Ctrl-\\ on the wrong window). The next reader must still find a complete index — the one before
the ingest or the one it was writing, never a mix — and the next ingest must not be blocked by
the dead one's lock (flock is released by the kernel when the holder dies).

Each round changes the corpus (one more small file), so every ingest writes a new generation,
then kills it: even rounds at a random delay across the whole run, odd rounds up to 0.25 s after
one of the files written once embedding is done appears in the new generation (the write phase:
keywords, registry, chunks, manifest, fsync, the CURRENT switch, clean-up). After each kill the CURRENT generation must be complete and
self-consistent (manifest ids = chunks.jsonl ids = keyword ids = Chroma chunk ids) and answer
取組12 → 情報政策課. The random seed is fixed, so a failure replays the same delays.
"""

from __future__ import annotations

import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taito_dx.index.directory import Generation, IndexDir
from taito_dx.index.keyword import KeywordIndex
from taito_dx.settings import REPO_CORPUS, Settings
from taito_dx.index.store import chroma_client

pytestmark = pytest.mark.slow

SEED = 20251217
KILLS = 6
RUN_TIMEOUT = 240
PLAN = REPO_CORPUS / "taito-dx-plan-interim-summary.txt"
QUESTION = "取組12の担当はどこですか？"
# Written in this order once embedding is done: a kill soon after one lands in the write phase.
WRITE_MARKERS = ("keyword", "chunks.jsonl", "manifest.json")


def taito_dx() -> list[str]:
    script = Path(sys.executable).with_name("taito-dx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]


def start_ingest(corpus: Path, index: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen([*taito_dx(), "ingest", str(corpus), "--index-dir", str(index)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=index.parent)


def add_file(corpus: Path, number: int) -> None:
    """A small, new document: the next ingest must write a new generation."""
    (corpus / f"memo-{number:02d}.txt").write_text(
        f"DX推進会議メモ 第{number}回\n\n会議では第{number}回の議題として、行政手続きのオンライン化の進捗を確認した。\n",
        encoding="utf-8",
    )


def generation_names(index: Path) -> set[str]:
    folder = index / "generations"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def locks_on(path: Path) -> list[str]:
    """Lines of /proc/locks that hold a lock on `path`'s inode."""
    inode = os.stat(path).st_ino
    with open("/proc/locks", encoding="ascii") as locks:
        return [line for line in locks if line.split()[5].rsplit(":", 1)[-1] == str(inode)]


def assert_lock_is_free(index: Path) -> None:
    lock = index / "ingest.lock"
    if not lock.exists():
        return
    assert locks_on(lock) == []
    with lock.open("a+") as handle:  # nothing else runs now: taking it briefly disturbs no one
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(handle, fcntl.LOCK_UN)


def assert_consistent(generation: Generation, settings: Settings) -> set[str]:
    """The generation's parts agree on its chunks; returns the chunk ids."""
    manifest = generation.manifest()
    ids = manifest["chunk_ids"]
    assert len(ids) == len(set(ids))
    assert [chunk.id for chunk in generation.chunks()] == ids
    assert sorted(KeywordIndex.load(generation.keyword_dir).ids) == sorted(ids)
    assert {chunk_id for entry in manifest["files"].values() for chunk_id in entry["chunks"]} == set(ids)
    client = chroma_client(path=generation.chroma_dir, host=settings.chroma_host, port=settings.chroma_port)
    assert set(client.get_collection(generation.collection).get(include=[])["ids"]) == set(ids)
    table = generation.part_vectors()
    assert {chunk_id for chunk_id, _ in table.keys} == set(ids) and len(table.keys) == len(table.matrix)
    assert generation.plans().registries["台東区DX推進計画"].initiatives
    return set(ids)


def files_of(generation: Generation) -> set[str]:
    return set(generation.manifest()["files"])


def test_sigkill_at_random_points_leaves_a_whole_generation(tmp_path: Path) -> None:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.embeddings import load_embeddings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(PLAN, corpus / "plan.txt")
    index = tmp_path / "index"
    settings = Settings.load(env={}, index_dir=index)
    log = tmp_path / "ingest.log"
    embedder = load_embeddings(settings.embedding_model)
    rng = random.Random(SEED)

    # Calibrate on two whole runs: how long one takes, and when its new generation appears.
    assert start_ingest(corpus, index, log).wait(RUN_TIMEOUT) == 0, log.read_text()
    add_file(corpus, 0)
    before = generation_names(index)
    started = time.monotonic()
    process = start_ingest(corpus, index, log)
    appeared = None
    while process.poll() is None:
        if appeared is None and generation_names(index) - before:
            appeared = time.monotonic() - started
        time.sleep(0.01)
    total = time.monotonic() - started
    assert process.returncode == 0, log.read_text()
    assert appeared is not None

    outcomes: list[str] = []
    for round_ in range(1, KILLS + 1):
        previous = IndexDir(index).require_current()
        old_files = files_of(previous)
        add_file(corpus, round_)
        new_files = {path.name for path in corpus.iterdir()}
        before = generation_names(index)

        process = start_ingest(corpus, index, log)
        started = time.monotonic()
        if round_ % 2 == 0:
            delay = rng.uniform(0.05, 1.0) * total
            while process.poll() is None and time.monotonic() - started < delay:
                time.sleep(0.005)
        else:
            marker, delay = WRITE_MARKERS[(round_ // 2) % len(WRITE_MARKERS)], rng.uniform(0.0, 0.25)
            while process.poll() is None and not any(
                (index / "generations" / name / marker).exists() for name in generation_names(index) - before
            ):
                time.sleep(0.002)
            time.sleep(delay)
        finished_first = process.poll() is not None
        if not finished_first:
            process.send_signal(signal.SIGKILL)
        returncode = process.wait(RUN_TIMEOUT)
        assert "Traceback" not in log.read_text(), log.read_text()
        assert returncode in ((0,) if finished_first else (-signal.SIGKILL, 0)), log.read_text()

        assert_lock_is_free(index)
        current = IndexDir(index).require_current()
        assert current.name in {previous.name} | (generation_names(index) - before)
        assert files_of(current) == (old_files if current.name == previous.name else new_files)
        assert_consistent(current, settings)
        answer = Assistant(settings, embedder=embedder).ask(QUESTION)
        assert "情報政策課" in answer.text, answer.text
        when = f"at {delay:.2f}s" if round_ % 2 == 0 else f"{delay:.2f}s after {marker} appeared"
        outcomes.append(f"round {round_}: killed {when} → "
                        f"{'finished before the kill' if finished_first else 'new' if current.name != previous.name else 'previous'}")

    # The next ingest after the last kill is not blocked, finishes, and leaves no half-written generation.
    process = start_ingest(corpus, index, log)
    assert process.wait(RUN_TIMEOUT) == 0, log.read_text()
    current = IndexDir(index).require_current()
    assert files_of(current) == {"plan.txt"} | {f"memo-{n:02d}.txt" for n in range(KILLS + 1)}
    assert_consistent(current, settings)
    leftovers = [name for name in generation_names(index) if not (index / "generations" / name / "manifest.json").exists()]
    assert leftovers == []
    answer = Assistant(settings, embedder=embedder).ask(QUESTION)
    assert "情報政策課" in answer.text and "総務課" in answer.text
    print(f"calibration: run {total:.2f}s, generation appears at {appeared:.2f}s", *outcomes, sep="\n")
