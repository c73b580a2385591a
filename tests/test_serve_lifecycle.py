"""`taito-dx serve` from start to stop, as a service manager runs it: it prints only its own lines, a taken
port is one line naming --port, and SIGTERM or SIGINT stop it with the files it served (session records
among them) removed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from serve_subprocess import clean_env, served, taito_dx

pytestmark = pytest.mark.slow


def _records(index_dir: Path) -> list[Path]:
    return sorted((index_dir / "ui-cache").glob("serve-*/records/*.md"))


def _ask_once(url: str) -> None:
    from gradio_client import Client

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    client = Client(url, verbose=False, download_files=False, ssl_verify=False)
    try:
        client.predict("取組12の担当はどこですか？", [], api_name="/ask")
    finally:
        client.close()


def test_start_up_prints_only_taito_dx_lines_and_a_taken_port_is_one_line(corpus_settings, tmp_path: Path) -> None:
    with served(corpus_settings.index_dir, tmp_path) as running:
        deadline = time.monotonic() + 30
        while "Ctrl+C stops" not in running.log_text() and time.monotonic() < deadline:  # printed once it listens
            time.sleep(0.1)
        lines = [line for line in running.log_text().splitlines() if line.strip()]
        assert lines == [f"taito-dx: serving {running.url} — index {corpus_settings.index_dir} "
                         f"(generation {(corpus_settings.index_dir / 'CURRENT').read_text().strip()}); Ctrl+C stops"]
        second = subprocess.run([*taito_dx(), "serve", "--index-dir", str(corpus_settings.index_dir),
                                 "--port", str(running.port)], env=clean_env(), capture_output=True, text=True,
                                timeout=120)
    assert second.returncode == 1
    assert second.stderr == f"error: port {running.port} on 127.0.0.1 is taken: choose another with --port\n"
    assert second.stdout == ""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stopped_server_leaves_no_records_or_cached_files_behind(corpus_settings, tmp_path: Path,
                                                                   stop: signal.Signals) -> None:
    temporary = tmp_path / "tmp"  # the server's own TMPDIR: what it leaves there is seen, and nobody else's
    temporary.mkdir()
    with served(corpus_settings.index_dir, tmp_path, env={"TMPDIR": str(temporary)}) as running:
        _ask_once(running.url)
        records = _records(corpus_settings.index_dir)
        assert records and "取組12の担当はどこですか？" in records[-1].read_text(encoding="utf-8")
        own = records[-1].parent.parent
        running.process.send_signal(stop)
        assert running.process.wait(timeout=30) == 0
        assert running.log_text().rstrip().endswith("taito-dx: stopped")
    assert not own.exists(), sorted(own.rglob("*"))
    assert not list(temporary.glob("taito-dx-*")), sorted(temporary.iterdir())
