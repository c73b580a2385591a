"""With a login set, every route but the login page and its assets refuses a request without a session.

Gradio checks the login route by route, and some of its routes do not (the FastAPI schema, a
request's cancel and stream routes, its app id and heartbeat). This ASGI middleware sits in front of
all of them and lets through only what the login page needs; the rest answers 401 until the
browser holds the session cookie gradio sets at login.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

# The login page, the form it posts, the files it loads, and the check gradio makes on itself at start-up
# (it says whether start-up events have run, nothing more).
OPEN_PATHS = frozenset({"/", "/login", "/login/", "/logout", "/favicon.ico", "/robots.txt", "/manifest.json",
                        "/theme.css", "/gradio_api/theme.css", "/config", "/config/", "/gradio_api/login_check",
                        "/gradio_api/login_check/", "/gradio_api/startup-events"})
OPEN_PREFIXES = ("/assets/", "/static/", "/svelte/", "/pwa_icon")
REFUSAL = json.dumps({"detail": {"error": "Not authenticated", "auth_message": None}}).encode()


class LoginGate:
    """ASGI middleware for a gradio app launched with `auth`: 401 for every other route without a session."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and not _open(scope["path"]) and not _logged_in(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await send({"type": "http.response.start", "status": 401,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(REFUSAL)).encode())]})
            await send({"type": "http.response.body", "body": REFUSAL})
            return
        await self.app(scope, receive, send)


def _open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _logged_in(scope: Scope) -> bool:
    """Whether the request carries a session cookie of a login (gradio keeps them in `app.tokens`)."""
    app = scope.get("app")
    if app is None or getattr(app, "auth", None) is None:
        return True  # no login configured: nothing to gate
    cookies = _cookies(scope)
    tokens = app.tokens
    return any(cookies.get(f"{name}-{app.cookie_id}") in tokens for name in ("access-token", "access-token-unsecure"))


def _cookies(scope: Scope) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in scope.get("headers", ()):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, content = part.strip().partition("=")
                found[name] = content
    return found
