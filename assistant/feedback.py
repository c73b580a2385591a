"""Thumbs up/down on answers, appended as JSON lines to the feedback log (`Settings.feedback_log`)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from taito_dx.models import Citation

log = logging.getLogger(__name__)

RATINGS = ("up", "down")
_write_lock = threading.Lock()


def record_feedback(path: Path, *, rating: str, question: str, answer: str,
                    citations: Sequence[Citation | dict[str, Any]] = (), when: datetime | None = None) -> dict[str, Any]:
    """Append one rating of an answer to the JSONL log at `path`; returns the record written."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
    record = {
        "time": (when or datetime.now().astimezone()).isoformat(timespec="seconds"),
        "rating": rating,
        "question": question,
        "answer": answer,
        "citations": [c.to_dict() if isinstance(c, Citation) else dict(c) for c in citations],
    }
    line = json.dumps(record, ensure_ascii=False)
    with _write_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log_file:
            log_file.write(line + "\n")
    return record


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every record in the log, oldest first; [] when there is no log yet. Damaged lines are skipped."""
    path = Path(path)
    if not path.exists():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s line %d is not JSON; skipped", path, number)
            continue
        if isinstance(record, dict):
            records.append(record)
    return records
