"""What the UI shows, as HTML and chat text: Jinja2 templates with autoescaping, so a document or a
user can show markup as text but never inject it."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Sequence

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from taito_dx.assistant.citations import cite, excerpt
from taito_dx.assistant.consult import Consultation
from taito_dx.assistant.phrases import phrase
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Answer, Citation, EntityKind
from taito_dx.plan_names import initiative_name, numbered
from taito_dx.registry import Fact

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True,
                        auto_reload=False)  # templates ship with the code: no stat() of them per render


def ui_text(lang: str, key: str, **values: str) -> str:
    """A sentence the UI itself says (kept with the others in assistant/phrases.py, under "ui_")."""
    return phrase(lang, f"ui_{key}", **values)


def _render(template: str, lang: str, **values: object) -> str:
    return TEMPLATES.get_template(template).render(
        ui=partial(ui_text, lang), excerpt=excerpt, highlighted=highlighted, initiative_name=initiative_name,
        goal=partial(numbered, EntityKind.GOAL), **values)


def chat_text(text: str) -> str:
    """Text for a chat message (rendered as HTML, not Markdown): shown as written, never as markup.

    Only `&` and `<` can start markup in element content, so only they are escaped; what the
    message's copy button copies stays readable ("第1章 > 4. 計画期間", "[1]").
    """
    return text.replace("&", "&amp;").replace("<", "&lt;")


def highlighted(text: str, facts: Sequence[str]) -> Markup:
    """`text` escaped, with every occurrence of each fact wrapped in <mark> (longest first)."""
    present = sorted({fact for fact in facts if fact and fact in text}, key=len, reverse=True)
    if not present:
        return escape(text)
    parts = re.split("(" + "|".join(map(re.escape, present)) + ")", text)
    return Markup("").join(Markup("<mark>{}</mark>").format(part) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


def sources_html(citations: Sequence[Citation], lang: str = "ja", *, abstained: bool = False,
                 answer_number: int | None = None) -> str:
    """The sources panel: every citation with document, page, plan location and highlighted evidence
    (headed "回答2の出典" when it shows the sources of the chat's answer 2)."""
    heading = ui_text(lang, "sources_of", number=str(answer_number)) if answer_number else ui_text(lang, "sources")
    return _render("sources.html", lang, citations=citations, abstained=abstained, heading=heading,
                   answer_number=answer_number)


def empty_sources_html() -> str:
    return TEMPLATES.get_template("sources_empty.html").render(ui_ja=partial(ui_text, "ja"), ui_en=partial(ui_text, "en"))


def answer_message(answer: Answer, lang: str, text: str | None = None) -> str:
    """The chat message for an answer (or the first `text` characters of it while streaming)."""
    body = chat_text(answer.text if text is None else text)
    if answer.abstained:
        return f"⚠ {chat_text(ui_text(lang, 'abstained'))}\n{body}"
    return body


def notice_html(message: str) -> str:
    """A notice in place of a result (an empty or refused consultation)."""
    return str(Markup('<div class="abstain-note">{}</div>').format(message))


def input_note_html(limit: int, refusal: str = "", lang: str = "ja") -> str:
    """The line under the question box: the length limit, and why a question was not taken."""
    return _render("input_note.html", lang, limit=f"{limit:,}", refusal=refusal)


def feedback_note_html(text: str) -> str:
    """The acknowledgement of a vote or a comment."""
    return str(Markup('<div class="feedback-note">{}</div>').format(text))


def consultation_html(consultation: Consultation) -> str:
    """The consultation's suggestions as cards, then their sources."""
    lang = consultation.language
    sources = Markup(sources_html(consultation.citations, lang)) if consultation.citations else ""
    return _render("consultation.html", lang, consultation=consultation, sources=sources)


def initiative_source_html(index: OpenGeneration, number: int) -> str:
    """The source text of one 取組: its sheet when the plan has one, else its 施策's table row and page."""
    initiative = index.registry.initiatives.get(number)
    if initiative is None:
        return _render("explorer_source.html", "ja", initiative=None, missing=numbered(EntityKind.INITIATIVE, number))
    citations: list[Citation] = []
    for fact, about in ((Fact.SHEET, number), (Fact.MEASURE_ROW, initiative.measure),
                        (Fact.MEASURE_PAGE, initiative.measure)):
        chunk = index.evidence(fact, about)
        if chunk is None or any(c.chunk_id == chunk.id for c in citations):
            continue
        facts = initiative.owners if fact == Fact.SHEET else (initiative.title,)
        citation = cite(chunk, *facts) or cite(chunk, initiative.title) or cite(chunk)
        if citation is not None:
            citations.append(citation)
    return _render("explorer_source.html", "ja", initiative=initiative, sources=Markup(sources_html(citations, "ja")))

