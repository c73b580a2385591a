"""Thumbs up/down on answers, one vote per answer, kept as JSON lines in the feedback log
(`Settings.feedback_log`).

A vote is keyed by its answer's id: voting again on the same answer replaces the earlier vote (and a
👎 may carry a comment); withdrawing it removes it. The log is rewritten whole under a lock (of this
process and, with `flock`, of any other serving the same index), so it never holds half a line.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Sequence

from taito_dx.models import Citation

log = logging.getLogger(__name__)

RATINGS = ("up", "down")
_write_lock = threading.Lock()


def record_feedback(path: Path, *, answer_id: str, rating: str, question: str, answer: str,
                    citations: Sequence[Citation | dict[str, Any]] = (), comment: str = "",
                    when: datetime | None = None) -> dict[str, Any]:
    """Set the vote on answer `answer_id` in the log at `path` (replacing an earlier one); returns it."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
    record = {
        "time": (when or datetime.now().astimezone()).isoformat(timespec="seconds"),
        "answer_id": answer_id,
        "rating": rating,
        "question": question,
        "answer": answer,
        "citations": [c.to_dict() if isinstance(c, Citation) else dict(c) for c in citations],
    }
    if comment.strip():
        record["comment"] = comment.strip()
    with _locked(path):
        kept = [r for r in read_feedback(path) if r.get("answer_id") != answer_id]
        _write(path, [*kept, record])
    return record


def withdraw_feedback(path: Path, answer_id: str) -> None:
    """Remove the vote on answer `answer_id` (its thumb clicked again), if there is one."""
    with _locked(path):
        records = read_feedback(path)
        kept = [r for r in records if r.get("answer_id") != answer_id]
        if len(kept) != len(records):
            _write(path, kept)


def read_feedback(path: Path) -> list[dict[str, Any]]:
    """Every vote in the log, oldest first; [] when there is no log yet. Damaged lines are skipped."""
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


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _write_lock, path.with_name(path.name + ".lock").open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        yield


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    staging.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    os.replace(staging, path)
