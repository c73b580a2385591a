"""The same index on a `chroma run` server: the same answers and citations as the embedded store.

A city that runs Chroma as a shared server sets `--chroma-host` / `CHROMA_HOST`; ingest writes
the vectors there (the keyword index, registry and chunks stay in the index directory) and the
assistant reads them back through the same code. A real `chroma run` is started on 127.0.0.1 on
a free port in a temporary directory for this module and always stopped.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from taito_dx.ingest.pipeline import run
from taito_dx.errors import StoreError
from taito_dx.index.directory import IndexDir
from taito_dx.settings import REPO_CORPUS, Settings
from taito_dx.index.store import chroma_client

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 90
QUESTION = "取組12の担当はどこですか？"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _chroma_cli() -> str:
    script = Path(sys.executable).with_name("chroma")
    found = str(script) if script.exists() else shutil.which("chroma")
    assert found, "the `chroma` command of the chromadb package is not installed"
    return found


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(host, port) of a `chroma run` serving a temporary directory."""
    root = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = (root / "chroma.log").open("w")
    server = subprocess.Popen([_chroma_cli(), "run", "--path", str(root / "data"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=root)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert server.poll() is None, (root / "chroma.log").read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "chroma run did not answer its heartbeat"
            time.sleep(0.25)
        yield "127.0.0.1", port
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(15)
        log.close()


@pytest.fixture(scope="module")
def server_settings(chroma_server: tuple[str, int], tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings from CHROMA_HOST / CHROMA_PORT, with the shipped corpus ingested into the server."""
    host, port = chroma_server
    settings = Settings.load(env={"CHROMA_HOST": host, "CHROMA_PORT": str(port)},
                             index_dir=tmp_path_factory.mktemp("server-index"), corpus=(REPO_CORPUS,))
    report = run([REPO_CORPUS], settings)
    assert report.errors == []
    assert report.embedded == report.chunks > 0
    return settings


def sample_questions() -> list[str]:
    """Every 8th question of the eval set (answerable and not), in English and Japanese."""
    lines = (REPO / "evals" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    return [QUESTION, "Which section owns analog regulation review?", *questions[::8]]


def shown(answer) -> tuple[str, bool, list[tuple[str, int | None, str]]]:
    return answer.text, answer.abstained, [(c.source, c.page, c.location) for c in answer.citations]


def test_vectors_go_to_the_server_not_the_index_dir(server_settings: Settings, chroma_server: tuple[str, int]) -> None:
    generation = IndexDir(server_settings.index_dir).require_current()
    manifest = generation.manifest()
    host, port = chroma_server
    assert manifest["chroma"] == f"{host}:{port}"
    assert not generation.chroma_dir.exists()
    stored = chroma_client(path=generation.chroma_dir, host=host, port=port).get_collection(generation.collection)
    assert set(stored.get(include=[])["ids"]) == set(manifest["chunk_ids"])


def test_server_answers_match_the_embedded_store(server_settings: Settings, assistant) -> None:
    from taito_dx.assistant.assistant import Assistant

    on_server = Assistant(server_settings, embedder=assistant.search.embedder)
    questions = sample_questions()
    differing = [(q, shown(on_server.ask(q)), shown(assistant.ask(q))) for q in questions]
    differing = [row for row in differing if row[1] != row[2]]
    assert differing == []
    answer = on_server.ask(QUESTION)
    assert "情報政策課" in answer.text and "総務課" in answer.text
    # The server's vectors were searched, and find what the embedded store finds.
    vector = np.asarray(assistant.search.embedder.embed_query(QUESTION), dtype=np.float32)
    served, embedded = on_server.search.view.current().vectors, assistant.search.view.current().vectors
    assert [hit.chunk_id for hit in served.search(vector, 5)] == [hit.chunk_id for hit in embedded.search(vector, 5)]
    assert len(questions) >= 10


def test_unchanged_reingest_embeds_nothing(server_settings: Settings) -> None:
    before = IndexDir(server_settings.index_dir).require_current().name
    report = run([REPO_CORPUS], server_settings)
    assert report.errors == []
    assert report.embedded == 0 and report.unchanged == report.chunks
    assert report.generation == before


def test_moving_an_embedded_index_to_the_server_writes_the_vectors_there(
    chroma_server: tuple[str, int], tmp_path: Path
) -> None:
    host, port = chroma_server
    embedded = Settings.load(env={}, index_dir=tmp_path / "index")
    first = run([REPO_CORPUS], embedded)
    moved = run([REPO_CORPUS], embedded.with_(chroma_host=host, chroma_port=port))
    assert moved.unchanged == moved.chunks == first.chunks  # the sentence vectors are reused...
    assert moved.generation != first.generation  # ...and written to the server, which had none of them
    generation = IndexDir(embedded.index_dir).require_current()
    stored = chroma_client(path=generation.chroma_dir, host=host, port=port).get_collection(generation.collection)
    assert stored.count() > 0
    assert set(stored.get(include=[])["ids"]) == set(generation.manifest()["chunk_ids"])


def test_cli_ask_with_chroma_host_flag(server_settings: Settings, chroma_server: tuple[str, int], tmp_path: Path) -> None:
    host, port = chroma_server
    script = Path(sys.executable).with_name("taito-dx")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]
    done = subprocess.run([*command, "ask", QUESTION, "--json", "--index-dir", str(server_settings.index_dir),
                           "--chroma-host", host, "--chroma-port", str(port)],
                          capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert "情報政策課" in reply["answer"] and "総務課" in reply["answer"]
    assert any("取組12" in citation["location"] for citation in reply["citations"])


def test_server_that_is_down_is_a_clear_error(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens here
    settings = Settings.load(env={}, index_dir=tmp_path / "index", chroma_host="127.0.0.1", chroma_port=port)
    with pytest.raises(StoreError, match=f"127.0.0.1:{port}"):
        run([REPO_CORPUS], settings)
    assert IndexDir(settings.index_dir).current() is None


def test_generations_written_to_the_server_leave_it_when_stale_even_after_moving_back(
    chroma_server: tuple[str, int], tmp_path: Path
) -> None:
    host, port = chroma_server
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO_CORPUS / "taito-dx-plan-interim-summary.txt", corpus / "plan.txt")
    embedded = Settings.load(env={}, index_dir=tmp_path / "index")
    server = chroma_client(path=tmp_path, host=host, port=port)

    run([corpus], embedded.with_(chroma_host=host, chroma_port=port))
    on_server = IndexDir(embedded.index_dir).require_current().collection
    assert on_server in {collection.name for collection in server.list_collections()}

    run([corpus], embedded)  # back to the embedded store: the server generation is kept for readers a while
    (corpus / "notes.md").write_text("# 相談メモ\n\n紙の申請書を電子化したい。\n", encoding="utf-8")
    run([corpus], embedded)  # one more generation: the server's is now stale, and removed

    assert on_server not in {collection.name for collection in server.list_collections()}
    assert len(list((embedded.index_dir / "generations").iterdir())) == 2
