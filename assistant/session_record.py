"""The record of a consultation session: its questions, answers, citations and times, as Markdown.

Staff keep it as the minutes of a BPR相談会. Text from users and documents is written with
`<` (and `&` before an entity name) escaped, so opening the file in a Markdown viewer never runs markup from a source.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from taito_dx.models import Answer, Citation

# `<` opens markup and `&name;` an entity; `>` mid-line is plain text, so plan paths stay readable.
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
KINDS = {"question": "質問 (Question)", "consultation": "BPR相談 (Consultation)"}


def _now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class RecordEntry:
    """One exchange: a chat question or a consultation, with what the assistant said."""

    kind: str
    time: datetime
    question: str
    answer: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False


@dataclass(frozen=True)
class SessionRecord:
    """A session's exchanges in order; `add_*` return a new record (the UI keeps it in session state)."""

    started: datetime = field(default_factory=_now)
    entries: tuple[RecordEntry, ...] = ()
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def add_answer(self, question: str, answer: Answer, *, when: datetime | None = None) -> SessionRecord:
        entry = RecordEntry("question", when or _now(), question, answer.text, tuple(answer.citations), answer.abstained)
        return replace(self, entries=self.entries + (entry,))

    def add_consultation(self, problem: str, answer: Answer, *, when: datetime | None = None) -> SessionRecord:
        """Add a consultation: the problem described, and what was suggested (`Consultation.to_answer()`)."""
        entry = RecordEntry("consultation", when or _now(), problem, answer.text, tuple(answer.citations),
                            answer.abstained)
        return replace(self, entries=self.entries + (entry,))

    def to_markdown(self, *, now: datetime | None = None) -> str:
        lines = [
            "# (仮称)台東区DX推進計画 相談記録 / Consultation record",
            "",
            f"- 開始 (started): {_stamp(self.started)}",
            f"- 出力 (exported): {_stamp(now or _now())}",
            f"- 件数 (exchanges): {len(self.entries)}",
            "",
        ]
        if not self.entries:
            lines += ["記録はまだありません。 (Nothing asked yet.)", ""]
        for number, entry in enumerate(self.entries, start=1):
            lines += [f"## {number}. {KINDS.get(entry.kind, entry.kind)} — {_stamp(entry.time)}", ""]
            label = "相談内容 (problem)" if entry.kind == "consultation" else "質問 (question)"
            lines += [f"**{label}:** {_text(' '.join(entry.question.split()))}", ""]
            flag = " — 計画に記載なし (the plan does not say)" if entry.abstained else ""
            lines += [f"**回答 (answer){flag}:**", ""]
            lines += [_text(line) if line.strip() else "" for line in entry.answer.splitlines()] + [""]
            if entry.citations:
                lines += ["**出典 (sources):**", ""]
                for cited, citation in enumerate(entry.citations, start=1):
                    lines += _citation_lines(cited, citation)
                lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def filename(self) -> str:
        return f"taito-dx-record-{self.started.strftime('%Y%m%d-%H%M%S')}-{self.id}.md"

    def write(self, directory: Path) -> Path:
        """Write the Markdown record into `directory` (one file per session, replaced whole, so a reader
        never sees half of it); returns its path. One writer at a time per directory (the UI holds a lock)."""
        path = directory / self.filename()
        staging = path.with_name(f".{path.name}.part")
        text = self.to_markdown()
        try:
            staging.write_text(text, encoding="utf-8")
        except FileNotFoundError:  # the first record of this directory
            directory.mkdir(parents=True, exist_ok=True)
            staging.write_text(text, encoding="utf-8")
        os.replace(staging, path)
        return path


def _stamp(moment: datetime) -> str:
    """Local time with its UTC offset and zone name: "2026-01-05 10:00:00+09:00 (JST)"."""
    return f"{moment.isoformat(sep=' ', timespec='seconds')} ({moment.tzname()})"


def _text(text: str) -> str:
    """User or document text, safe to put in Markdown: markup shown as text, not interpreted."""
    return ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")


def _citation_lines(number: int, citation: Citation) -> list[str]:
    page = f", p.{citation.page}" if citation.page else ""
    lines = [f"{number}. {_text(citation.source)}{page} — {_text(citation.place)}"]
    if citation.highlights:
        lines.append("   - 該当箇所 (evidence): " + "、".join(f"「{_text(h)}」" for h in citation.highlights))
    lines += [f"   > {_text(line)}" if line.strip() else "   >" for line in citation.text.splitlines()]
    return lines
