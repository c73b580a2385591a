"""Serving boundaries of a real `taito-dx serve`: loopback only by default, nothing without login when
`--auth` is set, and no route that hands out files of the machine (index, corpus, code, /etc).

All traffic goes to 127.0.0.1; the only other address touched is this machine's own interface, to see
that nothing listens there.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from serve_subprocess import Served, served

REPO = Path(__file__).resolve().parent.parent
USER, PASSWORD = "staff", "s3cret-pass"
ANALOG = "取組12の担当はどこですか？"
# Text that only the index (not gradio's own pages) can put on a page.
PLAN_TEXT = ("情報政策課", "総務課", "アナログ規制", "取組12", "行政手続きのオンライン化", "計画期間")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def _no_client_telemetry() -> Iterator[None]:
    """gradio_client would report usage to the internet unless told not to."""
    before = os.environ.get("GRADIO_ANALYTICS_ENABLED")
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    yield
    if before is None:
        os.environ.pop("GRADIO_ANALYTICS_ENABLED", None)
    else:
        os.environ["GRADIO_ANALYTICS_ENABLED"] = before


@pytest.fixture(scope="module")
def server(corpus_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`taito-dx serve` with no --host and no --auth: the defaults a maintainer gets."""
    with served(corpus_settings.index_dir, tmp_path_factory.mktemp("serve-default")) as running:
        yield running


@pytest.fixture(scope="module")
def guarded(corpus_settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(corpus_settings.index_dir, tmp_path_factory.mktemp("serve-auth"), "--auth", f"{USER}:{PASSWORD}") as running:
        yield running


def _get(port: int, path: str, *, method: str = "GET", body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One raw request to 127.0.0.1:port; the path goes out exactly as written (no ../ folding)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(200_000)
    finally:
        connection.close()


# --- where it listens ------------------------------------------------------------------------

def _listening_addresses(port: int) -> list[str]:
    """Local addresses of the LISTEN sockets on `port`, from /proc/net/tcp and tcp6."""
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, _, hex_port = fields[1].partition(":")
            if fields[3] != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            if width == 8:
                found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
            else:  # four host-order 32-bit words
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found


def _own_interface_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses (from `ip`, when it is installed)."""
    if shutil.which("ip") is None:
        return []
    out = subprocess.run(["ip", "-o", "-4", "addr", "show", "scope", "global"], capture_output=True, text=True).stdout
    return re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", out)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_serve_listens_on_loopback_only_by_default(server: Served) -> None:
    assert _listening_addresses(server.port) == ["127.0.0.1"]
    for address in _own_interface_addresses():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(3)
            assert sock.connect_ex((address, server.port)) != 0, f"something answers on {address}:{server.port}"


# --- login ------------------------------------------------------------------------------------

def _page_config(html: str) -> dict:
    match = re.search(r"window\.gradio_config = (\{.*?\});</script>", html, re.S)
    assert match, "no gradio_config in the page"
    return json.loads(match[1])


def test_without_login_the_server_gives_nothing_of_the_plan(guarded: Served) -> None:
    port = guarded.port
    status, body = _get(port, "/")
    page = body.decode("utf-8", errors="replace")
    assert status == 200  # the login form
    config = _page_config(page)
    assert config["auth_required"] is True and config["components"] == [] and config["dependencies"] == []
    assert not [text for text in PLAN_TEXT if text in page]

    for path in ("/config", "/gradio_api/info", "/gradio_api/openapi.json", "/gradio_api/file=/etc/passwd",
                 "/gradio_api/queue/data?session_hash=x", "/monitoring", "/gradio_api/login_check"):
        status, body = _get(port, path)
        assert status == 401, (path, status, body[:200])
    ask = json.dumps({"data": [ANALOG, []]}).encode()
    json_headers = {"Content-Type": "application/json"}
    for path in ("/gradio_api/call/ask", "/gradio_api/run/ask", "/gradio_api/api/ask"):
        status, body = _get(port, path, method="POST", body=ask, headers=json_headers)
        assert status == 401 and "情報政策課".encode() not in body, (path, status, body[:200])
    join = json.dumps({"data": [ANALOG, []], "fn_index": 0, "session_hash": "x" * 10}).encode()
    status, _ = _get(port, "/gradio_api/queue/join", method="POST", body=join, headers=json_headers)
    assert status == 401
    status, _ = _get(port, "/login", method="POST", body=f"username={USER}&password=wrong".encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status in (400, 401)


def test_gradio_client_needs_the_password_and_with_it_gets_answers(guarded: Served) -> None:
    import httpx
    from gradio_client import Client

    options = dict(verbose=False, download_files=False, analytics_enabled=False)
    with pytest.raises(Exception):
        Client(guarded.url, **options)
    with pytest.raises(Exception):
        Client(guarded.url, auth=(USER, "wrong"), **options)

    client = Client(guarded.url, auth=(USER, PASSWORD), **options)
    try:
        chat, sources, _, download, _ = client.predict(ANALOG, [], api_name="/ask")
    finally:
        client.close()
    text = chat[-1]["content"][0]["text"] if isinstance(chat[-1]["content"], list) else chat[-1]["content"]
    assert "情報政策課" in text and "総務課" in text and "取組12" in sources

    # The session record it offers is served to the logged-in user only.
    record = download["value"]
    record_url = record["url"] if isinstance(record, dict) else record.url
    assert record_url.startswith(guarded.url)
    path = record_url[len(guarded.url) - 1:]
    status, body = _get(guarded.port, path)
    assert status == 401 and ANALOG.encode() not in body
    with httpx.Client(base_url=guarded.url, timeout=20) as browser:
        assert browser.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 200
        assert browser.get("/config").status_code == 200
        served_record = browser.get(path)
    assert served_record.status_code == 200 and ANALOG in served_record.text


def test_the_login_page_names_no_goal_of_the_plan(guarded: Served) -> None:
    _, body = _get(guarded.port, "/")
    assert "目標1".encode() not in body and "デジタル技術の徹底活用".encode() not in body


# --- file routes ------------------------------------------------------------------------------

def _secrets(index_dir: Path) -> dict[str, bytes]:
    """Files the server must never hand out, each with a marker of its content."""
    manifest = next(index_dir.glob("generations/*/manifest.json"))
    plan = next((REPO / "corpus").glob("*.txt"))
    return {
        "/etc/passwd": b"root:",
        str(index_dir / "CURRENT"): (index_dir / "CURRENT").read_bytes().strip()[:20],
        str(manifest): manifest.read_bytes()[:40],
        str(plan): plan.read_bytes()[:60],
        str(REPO / "assistant" / "app.py"): b"def build_app",
        str(REPO / "pyproject.toml"): b"[project]",
    }


def _attempts(target: str, cwd: Path) -> list[str]:
    """Ways of asking gradio's routes for `target`: absolute, encoded, relative to the server's cwd, ../."""
    relative = os.path.relpath(target, cwd)
    encoded = target.replace("/", "%2F")
    dots = "../" * 12 + target.lstrip("/")
    return [
        f"/gradio_api/file={target}",
        f"/file={target}",
        f"/gradio_api/file/{target.lstrip('/')}",
        f"/gradio_api/file={encoded}",
        f"/gradio_api/file={relative}",
        f"/gradio_api/file={dots}",
        f"/gradio_api/file={dots.replace('../', '..%2F')}",
        f"/gradio_api/file={dots.replace('../', '%2e%2e/')}",
        f"/gradio_api/file=/tmp/gradio/{dots}",
        f"/static/{dots}",
        f"/static/{dots.replace('../', '..%2f')}",
        f"/assets/{dots.replace('../', '..%2f')}",
        f"/gradio_api/static/{dots.replace('../', '..%2f')}",
        f"/svelte/{dots.replace('../', '..%2f')}",
    ]


def test_no_route_serves_files_of_the_machine(server: Served, corpus_settings) -> None:
    from gradio_client import Client

    # Control: the file route works, for what the app itself offers (a session record).
    client = Client(server.url, verbose=False, download_files=False, analytics_enabled=False)
    try:
        download = client.predict(ANALOG, [], api_name="/ask")[3]
    finally:
        client.close()
    record = download["value"]
    record_url = record["url"] if isinstance(record, dict) else record.url
    status, body = _get(server.port, record_url[len(server.url) - 1:])
    assert status == 200 and ANALOG.encode() in body

    cwd = server.log.parent
    leaks = []
    for target, marker in _secrets(corpus_settings.index_dir).items():
        for path in _attempts(target, cwd):
            status, body = _get(server.port, path)
            if status < 400 or marker in body:
                leaks.append((path, status, body[:80]))
    assert leaks == []


def test_file_route_fetches_no_loopback_url_and_proxies_nothing(server: Served) -> None:
    for path in (f"/gradio_api/file=http://127.0.0.1:{server.port}/config",
                 f"/gradio_api/file=http://localhost:{server.port}/gradio_api/info",
                 f"/gradio_api/proxy=http://127.0.0.1:{server.port}/config",
                 "/gradio_api/file=file:///etc/passwd"):
        status, body = _get(server.port, path)
        assert 400 <= status < 500 and b'"components"' not in body and b"root:" not in body, (path, status, body[:120])


# --- every route, and the login itself -----------------------------------------------------------

# What answers without a login: the login page, the files it loads, and gradio's own start-up check.
LOGIN_PAGE = {"/", "/login", "/login/", "/logout", "/favicon.ico", "/robots.txt", "/manifest.json", "/pwa_icon/x",
              "/theme.css", "/gradio_api/theme.css", "/gradio_api/startup-events"}


def _gradio_routes() -> list[tuple[str, str]]:
    """(method, path) of every route gradio's app has, routers included (path parameters filled with 'x')."""
    import gradio as gr
    from gradio.routes import App

    def walk(routes: list, prefix: str = "") -> Iterator[tuple[str, str]]:
        for route in routes:
            if hasattr(route, "original_router"):  # an included router
                yield from walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif getattr(route, "path", None) is not None:
                for method in sorted(set(getattr(route, "methods", None) or {"GET"}) - {"HEAD"}):
                    yield method, prefix + route.path

    return sorted({(method, re.sub(r"\{[^}]+\}", "x", path)) for method, path in walk(App.create_app(gr.Blocks()).routes)})


def test_without_login_only_the_login_page_and_its_assets_answer(guarded: Served) -> None:
    routes = _gradio_routes()
    assert len(routes) > 60 and ("GET", "/monitoring/x") in routes
    # A well-formed body, so that a route validating its body before any login check would run.
    body = json.dumps({"session_hash": "x" * 10, "fn_index": 0, "event_id": "x", "data": [ANALOG], "hash": "x"}).encode()
    answered = []
    for method, path in routes:
        status, content = _get(guarded.port, path, method=method, body=body if method != "GET" else None,
                               headers={"Content-Type": "application/json"})
        if status not in (401, 403, 404, 405):  # anything but a refusal (or no such thing) counts as an answer
            answered.append((method, path, status))
        assert not [text for text in PLAN_TEXT if text.encode() in content and path != "/manifest.json"], (path, content[:200])
    assert {path for _, path, _ in answered} <= LOGIN_PAGE, answered
    for path in ("/openapi.json", "/docs", "/redoc", "/monitoring/x", f"/monitoring/x/dashboard", "/gradio_api/app_id"):
        status, _ = _get(guarded.port, path)
        assert status in (401, 404), (path, status)
    assert "Monitoring URL" not in guarded.log_text()


@pytest.mark.parametrize("auth", ["tester:", ":", ":pw", "tester"])
def test_an_empty_user_or_password_is_refused_before_serving(tmp_path: Path, auth: str) -> None:
    from serve_subprocess import clean_env, free_port, taito_dx

    port = free_port()
    done = subprocess.run([*taito_dx(), "serve", "--port", str(port), "--index-dir", str(tmp_path / "index"), "--auth", auth],
                          capture_output=True, text=True, timeout=120, env=clean_env(), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: auth must be USER:PASSWORD"), done.stderr
    assert not (tmp_path / "index").exists()  # refused before anything was ingested or served
