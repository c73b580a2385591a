"""`taito-dx serve` as a real subprocess on a free 127.0.0.1 port, for the load and security tests.

`served(index_dir, work)` starts it, waits for HTTP 200 and always terminates it; nothing but
loopback traffic is involved.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

START_TIMEOUT_S = 240


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def taito_dx() -> list[str]:
    script = Path(sys.executable).with_name("taito-dx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]


def clean_env() -> dict[str, str]:
    """This process's environment without TAITO_DX_* / CHROMA_*, with every telemetry switch off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TAITO_DX_", "CHROMA_"))}
    env.update(ANONYMIZED_TELEMETRY="False", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    return env


@dataclass(frozen=True)
class Served:
    url: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"taito-dx serve exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"no HTTP 200 from {url} within {timeout_s}s:\n{log.read_text(errors='replace')}")


@contextlib.contextmanager
def served(index_dir: Path, work: Path, *options: str, timeout_s: float = START_TIMEOUT_S,
           env: dict[str, str] | None = None) -> Iterator[Served]:
    """`taito-dx serve --index-dir INDEX --port FREE [options]` (with `env` added to its environment), ready;
    terminated (then killed) on exit."""
    port = free_port()
    log = work / f"serve-{port}.log"
    command: Sequence[str] = [*taito_dx(), "serve", "--port", str(port), "--index-dir", str(index_dir), *options]
    with log.open("wb") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env={**clean_env(), **(env or {})},
                                   cwd=work)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_for_http(url, process, log, timeout_s)
        yield Served(url, port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
