"""40 sessions at once on a real `taito-dx serve`: each asks two uniquely tagged questions through `/ask`
and downloads its record (`result[3]["value"]["url"]`); every record holds its own session's exchanges and
no other's, under a file name of its own.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from serve_subprocess import Served, served

SESSIONS = 40
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(corpus_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(corpus_settings.index_dir, tmp_path_factory.mktemp("records")) as running:
        yield running


def session(url: str, tag: str, start: threading.Barrier) -> tuple[str, str]:
    """One member of staff: two tagged questions, then the record offered; (its file name, its text)."""
    import httpx
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, analytics_enabled=False, ssl_verify=False)
    try:
        start.wait(timeout=120)
        chat: list = []
        for question in (f"取組12の担当はどこですか？ {tag}-a", f"計画期間は？ {tag}-b"):
            result = client.submit(question, chat, api_name="/ask").result(timeout=120)
            chat = result[0]
        file_url = result[3]["value"]["url"]
        response = httpx.get(file_url, timeout=60)
        response.raise_for_status()
        return Path(result[3]["value"]["path"]).name, response.content.decode("utf-8")
    finally:
        client.close()


def test_forty_concurrent_sessions_each_download_only_their_own_record(server: Served) -> None:
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    tags = [f"tag{n:02d}x{uuid.uuid4().hex[:6]}" for n in range(SESSIONS)]
    start = threading.Barrier(SESSIONS)
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda tag: session(server.url, tag, start), tags))

    names = [name for name, _ in results]
    assert len(set(names)) == SESSIONS, "two sessions were offered the same record file"
    started = set()
    for tag, (name, record) in zip(tags, results):
        found = set(re.findall(r"tag\d\dx[0-9a-f]{6}", record))
        assert found == {tag}, (tag, name, found)  # its own exchanges, and no other session's
        assert f"{tag}-a" in record and f"{tag}-b" in record and "- 件数 (exchanges): 2" in record
        started.add(re.search(r"- 開始 \(started\): (.+)", record)[1] + name)
    assert len(started) == SESSIONS
