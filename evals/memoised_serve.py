"""`taito-dx serve` with its answers memoised, for the load benchmark's baseline: what gradio alone costs a reply.

Each distinct question, with the questions of its conversation before it, is answered once and its answer
replayed after, so that once every question has been asked what a reply costs the server is gradio's own work
(HTTP, queue, session state, postprocessing) and none of the assistant's:

    python -m taito_dx.evals.memoised_serve --port 7861 --index-dir .taito-dx
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from taito_dx.assistant.assistant import Assistant
from taito_dx.settings import Settings


def memoise_answers() -> None:
    """Make every Assistant of this process replay the answer it gave a question (and conversation) before."""
    answered = Assistant._extractive
    memo: dict[tuple[Any, ...], Any] = {}

    def replayed(self: Assistant, question: str, history: Sequence[Any], where: dict[str, Any] | None) -> Any:
        key = (question, tuple(turn.question for turn in history), repr(where))
        if key not in memo:
            memo[key] = answered(self, question, history, where)
        return memo[key]

    Assistant._extractive = replayed  # type: ignore[method-assign]


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the UI over a built index (`--index-dir`, `--port`), its answers memoised."""
    from taito_dx.assistant.ui.app import serve

    parser = argparse.ArgumentParser(prog="python -m taito_dx.evals.memoised_serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", type=Path, required=True, help="a built index (`taito-dx ingest`)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--no-feedback", action="store_true", help="as `taito-dx serve --no-feedback`")
    args = parser.parse_args(argv)
    memoise_answers()
    serve(Settings.load(index_dir=args.index_dir, port=args.port, feedback=False if args.no_feedback else None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
