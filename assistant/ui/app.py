"""The Gradio chat UI staff use: cited chat, a plan explorer, BPR consultation with a record, feedback.

`build_app(assistant, settings)` wires the pieces to one shared `Assistant`; `serve(settings)`
creates that Assistant once and starts the server. Every piece of document or user text that
reaches the page is escaped here (`html_text`, `chat_text`): a source can show markup as
text but never inject it.
"""

import atexit
import html
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from taito_dx.assistant.citations import excerpt
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.session_record import SessionRecord
from taito_dx.errors import ConfigError, QuestionError, TaitoDxError
from taito_dx.models import Answer, Chunk, Citation, Turn
from taito_dx.settings import Settings

if TYPE_CHECKING:
    import gradio as gr

    from taito_dx.assistant.assistant import Assistant
    from taito_dx.assistant.consult import Consultation
    from taito_dx.index.reader import OpenGeneration

log = logging.getLogger(__name__)

TITLE = "(仮称)台東区DX推進計画 アシスタント"
EXAMPLES = (
    "取組12の担当はどこですか？",
    "which section owns analog regulation review?",
    "計画期間は？",
    "施策9の評価指標は？",
)
CONSULT_EXAMPLES = (
    "窓口で紙の申請を手入力している",
    "ファイル共有にUSBメモリを使っている",
    "条例で書類の掲示が義務付けられている",
)
ALL_GOALS = "すべての目標 (all goals)"
EXPLORER_HEADERS = ["取組", "取組名", "施策", "目標", "担当", "評価指標（施策）"]
STREAM_STEPS = 24
STREAM_DELAY_S = 0.015

def ui_text(lang: str, key: str, **values: str) -> str:
    """A sentence the UI itself says (kept with the others in assistant/phrases.py, under "ui_")."""
    return phrase(lang, f"ui_{key}", **values)


def language_of(text: str) -> str:
    from taito_dx.assistant.intent import language_of as detect

    return detect(text or "")


# --- escaping and rendering -------------------------------------------------------------------

def html_text(text: object) -> str:
    """Any text as inert HTML."""
    return html.escape(str(text), quote=True)


def chat_text(text: str) -> str:
    """Text for a chat message (rendered as HTML, not Markdown): shown as written, never as markup.

    Only `&` and `<` can start markup in element content, so only they are escaped; what the
    message's copy button copies stays readable ("第1章 > 4. 計画期間", "[1]").
    """
    return text.replace("&", "&amp;").replace("<", "&lt;")


def highlighted(text: str, facts: Sequence[str]) -> str:
    """`text` escaped, with every occurrence of each fact wrapped in <mark> (longest first)."""
    present = sorted({fact for fact in facts if fact and fact in text}, key=len, reverse=True)
    if not present:
        return html_text(text)
    parts = re.split("(" + "|".join(map(re.escape, present)) + ")", text)
    return "".join(f"<mark>{html_text(part)}</mark>" if i % 2 else html_text(part) for i, part in enumerate(parts))


def citation_html(number: int, citation: Citation, lang: str) -> str:
    """One source: the lines stating its cited facts, and its whole text a click away when that is longer."""
    page = html_text(citation.page) if citation.page else "—"
    shown = excerpt(citation.text, citation.highlights)
    full_text = "" if shown == citation.text else (
        f'<details class="src-full"><summary>{html_text(ui_text(lang, "full_text"))}</summary>'
        f'<div class="src-quote">{highlighted(citation.text, citation.highlights)}</div></details>')
    return (
        f'<div class="src-item" data-citation="{number}">'
        f'<div class="src-head"><span class="src-num">[{number}]</span> '
        f'<span class="src-loc">{html_text(citation.location)}</span></div>'
        f'<div class="src-meta">{html_text(ui_text(lang, "document"))}: {html_text(citation.source)}'
        f' ・ {html_text(ui_text(lang, "page"))}: {page}</div>'
        f'<div class="src-quote">{highlighted(shown, citation.highlights)}</div>'
        f"{full_text}</div>"
    )


def sources_html(citations: Sequence[Citation], lang: str = "ja", *, abstained: bool = False) -> str:
    """The sources panel: every citation with document, page, plan location and highlighted evidence."""
    parts = [f'<div class="sources-panel"><h3>{html_text(ui_text(lang, "sources"))}</h3>']
    if abstained:
        parts.append(f'<div class="abstain-note"><strong>{html_text(ui_text(lang, "abstained"))}</strong> — '
                     f'{html_text(ui_text(lang, "abstained_note"))}</div>')
    if not citations:
        parts.append(f'<p class="src-empty">{html_text(ui_text(lang, "no_sources"))}</p>')
    parts += [citation_html(number, citation, lang) for number, citation in enumerate(citations, start=1)]
    parts.append("</div>")
    return "".join(parts)


def empty_sources_html() -> str:
    return (f'<div class="sources-panel"><h3>{html_text(ui_text("ja", "sources"))} / Sources</h3>'
            f'<p class="src-empty">{html_text(ui_text("ja", "sources_empty"))}<br>'
            f'{html_text(ui_text("en", "sources_empty"))}</p></div>')


def answer_message(answer: Answer, lang: str, text: str | None = None) -> str:
    """The chat message for an answer (or the first `text` characters of it while streaming)."""
    body = chat_text(answer.text if text is None else text)
    if answer.abstained:
        return f"⚠ {chat_text(ui_text(lang, 'abstained'))}\n{body}"
    return body


def notice_message(message: str, lang: str) -> str:
    return f"⚠ {chat_text(ui_text(lang, 'refused'))}: {chat_text(message)}"


def stream_prefixes(text: str, steps: int = STREAM_STEPS) -> Iterator[str]:
    """Growing prefixes of `text`, ending with all of it."""
    size = max(4, -(-len(text) // steps))
    for end in range(size, len(text), size):
        yield text[:end]
    yield text


def consultation_html(consultation: "Consultation") -> str:
    """The consultation's suggestions as cards, then their sources; all text escaped."""
    lang = consultation.language
    parts = ['<div class="consult-result">',
             f'<p class="consult-problem"><strong>{html_text(ui_text(lang, "consult_problem"))}:</strong> '
             f'{html_text(consultation.problem)}</p>']
    if consultation.abstained:
        parts.append(f'<div class="abstain-note"><strong>{html_text(ui_text(lang, "abstained"))}</strong> — '
                     f'{html_text(consultation.text)}</div>')
    else:
        parts.append('<ol class="consult-list">')
        for suggestion in consultation.suggestions:
            i = suggestion.initiative
            measure = suggestion.measure
            path = f"目標{i.goal} > 施策{i.measure}" + (f"「{measure.title}」" if measure else "")
            owners = "、".join(i.owners) if i.owners else ui_text(lang, "consult_no_owner")
            marks = "".join(f"[{n}]" for n in consultation.citation_numbers(suggestion))
            parts.append(
                f'<li class="sg"><div class="sg-title">取組{i.number}「{html_text(i.title)}」</div>'
                f'<div class="sg-path">{html_text(path)}</div>'
                f'<div class="sg-owner"><strong>{html_text(ui_text(lang, "consult_owner"))}:</strong> {html_text(owners)}</div>'
            )
            if i.content:
                parts.append(f'<div class="sg-content">{html_text(i.content)}</div>')
            for indicator in suggestion.indicators:
                target = f"（{indicator.target_label}: {indicator.target}）" if indicator.target else ""
                parts.append(f'<div class="sg-ind"><strong>{html_text(ui_text(lang, "consult_indicator"))}:</strong> '
                             f'{html_text(indicator.name + target)}</div>')
            parts.append(f'<div class="sg-cite">{html_text(ui_text(lang, "consult_cited"))} {html_text(marks)}</div></li>')
        parts.append("</ol>")
    parts.append(sources_html(consultation.citations, lang) if consultation.citations else "")
    parts.append("</div>")
    return "".join(parts)


# --- plan explorer ----------------------------------------------------------------------------

def explorer_rows(index: "OpenGeneration", *, text: str = "", goal: int | None = None) -> list[list[str]]:
    """One row per 取組 (number order): 取組, title, 施策, 目標, owners, the 施策's indicator; filtered."""
    registry = index.registry
    needle = _fold(text)
    rows = []
    for initiative in sorted(registry.initiatives.values(), key=lambda i: i.number):
        if goal is not None and initiative.goal != goal:
            continue
        measure = registry.measures.get(initiative.measure)
        indicators = measure.indicators if measure else ()
        row = [
            f"取組{initiative.number}",
            initiative.title,
            f"施策{initiative.measure} {measure.title}" if measure else f"施策{initiative.measure}",
            f"目標{initiative.goal}",
            "、".join(initiative.owners) if initiative.owners else "—",
            "; ".join(f"{i.name}" + (f" → {i.target}" if i.target else "") for i in indicators) or "—",
        ]
        if needle and not any(needle in _fold(cell) for cell in row):
            continue
        rows.append(row)
    return rows


def goal_choices(index: "OpenGeneration") -> list[str]:
    goals = sorted(index.registry.goals.values(), key=lambda g: g.number)
    return [ALL_GOALS] + [f"目標{g.number} {g.title}" for g in goals]


def goal_number(choice: str | None) -> int | None:
    match = re.match(r"目標(\d+)", choice or "")
    return int(match[1]) if match else None


def plan_summary(index: "OpenGeneration", shown: int) -> str:
    registry = index.registry
    return (f"目標 {len(registry.goals)} ・ 施策 {len(registry.measures)} ・ 取組 {len(registry.initiatives)}"
            f"　｜　表示中 (shown): {shown} 件の取組")


def initiative_source_html(index: "OpenGeneration", number: int) -> str:
    """The source text of one 取組: its sheet when the plan has one, else its 施策's table row and page."""
    from taito_dx.assistant.citations import cite

    registry = index.registry
    initiative = registry.initiatives.get(number)
    if initiative is None:
        return f'<p class="src-empty">取組{int(number)} は計画にありません。</p>'
    keys = [f"initiative:{number}:sheet", f"measure:{initiative.measure}", f"measure:{initiative.measure}:block"]
    citations: list[Citation] = []
    for key in keys:
        chunk = _evidence(index, key)
        if chunk is None or any(c.chunk_id == chunk.id for c in citations):
            continue
        facts = initiative.owners if key.endswith(":sheet") else (initiative.title,)
        citation = cite(chunk, *facts) or cite(chunk, initiative.title) or cite(chunk)
        if citation is not None:
            citations.append(citation)
    owners = "、".join(initiative.owners) if initiative.owners else "計画に記載なし (not stated)"
    header = (f'<div class="explorer-head"><strong>取組{initiative.number}「{html_text(initiative.title)}」</strong>'
              f' — 担当 (owner): {html_text(owners)}</div>')
    return header + sources_html(citations, "ja")


def _evidence(index: "OpenGeneration", key: str) -> Chunk | None:
    chunk_id = index.registry.evidence.get(key)
    return index.chunks.get(chunk_id) if chunk_id else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold().strip()


# --- session state ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChatSession:
    """What one browser session holds: its conversation, its record, which message is which turn."""

    turns: tuple[Turn, ...] = ()
    record: SessionRecord = field(default_factory=SessionRecord)
    message_turns: tuple[tuple[int, int], ...] = ()  # (chat message index, turn index)

    def turn_of_message(self, index: int) -> Turn | None:
        for message, turn in self.message_turns:
            if message == index:
                return self.turns[turn]
        return None


# --- the app ----------------------------------------------------------------------------------

CSS = """
.gradio-container { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", Meiryo, sans-serif; }
.sources-panel h3 { margin: 0 0 .5em 0; font-size: 1.05em; }
.src-item { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .6em .8em; margin-bottom: .7em;
            background: var(--background-fill-secondary); }
.src-head { font-weight: 600; }
.src-num { color: var(--color-accent); margin-right: .3em; }
.src-meta { font-size: .85em; color: var(--body-text-color-subdued); margin: .2em 0 .4em 0; }
.src-quote { white-space: pre-wrap; border-left: 3px solid var(--color-accent); padding-left: .6em; font-size: .92em;
             line-height: 1.55; max-height: 22em; overflow-y: auto; }
.src-quote mark { background: #ffe066; color: #1f2328; padding: 0 .1em; border-radius: 2px; }
.src-full summary { font-size: .85em; color: var(--body-text-color-subdued); cursor: pointer; margin-top: .3em; }
.src-empty { color: var(--body-text-color-subdued); }
.abstain-note { background: #fff4e5; color: #663c00; border: 1px solid #ffb74d; border-radius: 8px; padding: .5em .8em;
                margin-bottom: .7em; }
.consult-list { padding-left: 1.4em; }
.consult-list .sg { margin-bottom: .8em; }
.sg-title { font-weight: 600; font-size: 1.05em; }
.sg-path, .sg-cite { font-size: .88em; color: var(--body-text-color-subdued); }
.sg-content { white-space: pre-wrap; font-size: .92em; margin: .2em 0; }
.explorer-head { margin-bottom: .6em; }
#sources-box { max-height: 640px; overflow-y: auto; }
#plan-table span, #plan-table th { font-family: var(--font); }
"""


def theme() -> Any:
    """A theme with system fonts only (nothing is fetched), CJK first."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue",
        font=("Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Meiryo", "sans-serif"),
        font_mono=("Noto Sans Mono CJK JP", "DejaVu Sans Mono", "monospace"),
    )


class Handlers:
    """What the UI's events call; one instance per app, sharing one Assistant across sessions."""

    def __init__(self, assistant: "Assistant", settings: Settings) -> None:
        self.assistant = assistant
        self.settings = settings
        self.lock = threading.Lock()  # one request at a time through the shared tokenizer, index and store
        self.records_dir = Path(tempfile.mkdtemp(prefix="taito-dx-records-"))
        atexit.register(shutil.rmtree, self.records_dir, True)

    def _downloads(self, record: SessionRecord) -> tuple[Any, Any]:
        import gradio as gr

        path = str(record.write(self.records_dir))
        return gr.DownloadButton(value=path, interactive=True), gr.DownloadButton(value=path, interactive=True)

    def respond(self, message: str, chat: list[dict[str, Any]] | None, session: ChatSession | None
                ) -> Iterator[tuple[Any, ...]]:
        """Outputs: chat, sources panel, question box, session, two download buttons; the answer streams in."""
        import gradio as gr

        session = session or ChatSession()
        chat = list(chat or [])
        message = message or ""
        lang = language_of(message)
        if not message.strip():
            chat.append({"role": "assistant", "content": chat_text(ui_text("ja", "empty"))})
            yield chat, gr.skip(), "", session, gr.skip(), gr.skip()
            return
        try:
            with self.lock:
                answer = self.assistant.ask(message, history=session.turns)
        except QuestionError as exc:
            if message.strip():
                shown = message if len(message) <= 120 else message[:120] + "…"
                chat.append({"role": "user", "content": chat_text(shown)})
            chat.append({"role": "assistant", "content": notice_message(str(exc), lang)})
            yield chat, gr.skip(), "", session, gr.skip(), gr.skip()
            return
        except TaitoDxError as exc:
            log.exception("answering failed")
            chat.append({"role": "user", "content": chat_text(message)})
            chat.append({"role": "assistant", "content": chat_text(ui_text(lang, "failed", error=str(exc)))})
            yield chat, gr.skip(), "", session, gr.skip(), gr.skip()
            return
        chat.append({"role": "user", "content": chat_text(message)})
        chat.append({"role": "assistant", "content": ""})
        # The question box is emptied once, with the first piece: what is typed while the answer streams
        # stays there (and is asked next: the box's submit runs its last trigger after this one).
        cleared = ""
        for prefix in stream_prefixes(answer.text):
            chat[-1] = {"role": "assistant", "content": answer_message(answer, lang, prefix)}
            yield chat, gr.skip(), cleared, gr.skip(), gr.skip(), gr.skip()
            cleared = gr.skip()
            time.sleep(STREAM_DELAY_S)
        turns = session.turns + (Turn(message, answer),)
        session = replace(session, turns=turns, record=session.record.add_answer(message, answer),
                          message_turns=session.message_turns + ((len(chat) - 1, len(turns) - 1),))
        yield (chat, sources_html(answer.citations, lang, abstained=answer.abstained), gr.skip(), session,
               *self._downloads(session.record))

    def respond_example(self, chat: list[dict[str, Any]] | None, session: ChatSession | None,
                        example: Any) -> Iterator[tuple[Any, ...]]:
        """Ask a clicked example question (`example` is the chatbot's example value)."""
        value = example if isinstance(example, dict) else {"text": str(example)}
        yield from self.respond(str(value.get("text", "")), chat, session)

    def clear(self, session: ChatSession | None) -> tuple[Any, ...]:
        """A new conversation (follow-ups start afresh); the session's record is kept."""
        session = session or ChatSession()
        return [], empty_sources_html(), "", replace(session, turns=(), message_turns=())

    def like(self, session: ChatSession | None, index: Any, liked: Any) -> None:
        """Append a thumbs up/down on the answer at chat message `index` to the feedback log."""
        from taito_dx.assistant.feedback import record_feedback

        if not self.settings.feedback:
            return
        index = index[0] if isinstance(index, (list, tuple)) else index
        turn = (session or ChatSession()).turn_of_message(int(index))
        rating = {True: "up", "Like": "up", False: "down", "Dislike": "down"}.get(liked)
        if turn is None or rating is None:
            return
        record_feedback(self.settings.feedback_log, rating=rating, question=turn.question,
                               answer=turn.answer.text, citations=turn.answer.citations)

    def consult(self, problem: str, session: ChatSession | None) -> tuple[Any, ...]:
        """Outputs: the consultation's HTML, session, two download buttons."""
        import gradio as gr

        from taito_dx.assistant.consult import consult

        session = session or ChatSession()
        lang = language_of(problem or "")
        if not (problem or "").strip():
            return f'<div class="abstain-note">{html_text(ui_text("ja", "empty"))}</div>', session, gr.skip(), gr.skip()
        try:
            with self.lock:
                consultation = consult(self.assistant, problem or "")
        except QuestionError as exc:
            return (f'<div class="abstain-note">{html_text(ui_text(lang, "refused"))}: {html_text(str(exc))}</div>',
                    session, gr.skip(), gr.skip())
        except TaitoDxError as exc:
            log.exception("consultation failed")
            return (f'<div class="abstain-note">{html_text(ui_text(lang, "failed", error=str(exc)))}</div>',
                    session, gr.skip(), gr.skip())
        session = replace(session, record=session.record.add_consultation(consultation))
        return (consultation_html(consultation), session, *self._downloads(session.record))

    def filter_plan(self, text: str, goal: str | None) -> tuple[list[list[str]], str]:
        """Outputs: the explorer's rows and its count line."""
        index = self.assistant.view.current()
        rows = explorer_rows(index, text=text or "", goal=goal_number(goal))
        return rows, plan_summary(index, len(rows))

    def show_source(self, row: Sequence[Any] | None) -> str:
        """The source text of the 取組 in the selected explorer row."""
        row = list(row or [])
        match = re.fullmatch(r"\s*取組(\d+)\s*", str(row[0])) if row else None
        if match is None:
            return ""
        return initiative_source_html(self.assistant.view.current(), int(match[1]))


def build_app(assistant: "Assistant", settings: Settings) -> "gr.Blocks":
    """The UI over one shared `assistant`. Launch it with `launch(app, settings)`."""
    import gradio as gr

    handlers = Handlers(assistant, settings)

    # Adapters from gradio's event data to the handlers (gradio finds them by these annotations).
    def on_example(chat: list[dict[str, Any]] | None, session: ChatSession | None,
                   evt: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        yield from handlers.respond_example(chat, session, evt.value)

    def on_like(session: ChatSession | None, data: gr.LikeData) -> None:
        handlers.like(session, data.index, data.liked)

    def on_select(evt: gr.SelectData) -> str:
        return handlers.show_source(evt.row_value)

    index = assistant.view.current()
    initial_rows = explorer_rows(index)

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        session = gr.State(ChatSession())
        gr.Markdown(
            f"## {TITLE}\n"
            "計画書の内容に出典付きで答えます（日本語・English）。回答は計画書の記載からの抜粋です。"
            "計画に記載のないことには「記載なし」と答えます。  \n"
            "Answers about the Taito City DX Promotion Plan, with cited sources, in Japanese or English."
        )
        with gr.Tabs():
            with gr.Tab("チャット (Chat)", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="会話 (Conversation)",
                            height=520,
                            elem_id="chatbot",
                            examples=[{"text": q} for q in EXAMPLES],
                            placeholder="質問の例をクリックするか、下の欄に質問を入力してください。<br>"
                                        "Click an example or type a question below.",
                            feedback_options=("Like", "Dislike") if settings.feedback else None,
                            render_markdown=False,  # messages are escaped text (chat_text), not Markdown
                            latex_delimiters=[],
                            sanitize_html=True,
                            buttons=["copy"],
                            layout="bubble",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False,
                                placeholder="質問を入力（日本語 / English）して Enter",
                                lines=1,
                                max_lines=6,
                                scale=5,
                                elem_id="question",
                                autofocus=True,
                            )
                            ask_button = gr.Button("送信 (Ask)", variant="primary", scale=1, min_width=100,
                                                   elem_id="ask")
                        chat_download = gr.DownloadButton("相談記録をダウンロード (Markdown)", size="sm",
                                                          interactive=False, elem_id="chat-download")
                    with gr.Column(scale=2, elem_id="sources-box"):
                        sources = gr.HTML(empty_sources_html(), elem_id="sources")
            with gr.Tab("計画の一覧 (Plan explorer)", id="explorer"):
                gr.Markdown("目標・施策・取組の一覧です。行を選ぶと、その取組の出典（シートまたは施策の表）を表示します。  \n"
                            "Select a row to see its source text.")
                with gr.Row():
                    plan_filter = gr.Textbox(label="絞り込み (filter)", placeholder="例: RPA, 情報政策課, 施策9",
                                             scale=3, elem_id="plan-filter")
                    # The goals are filled in on page load, after login: the API description that gradio
                    # shows before login then names no goal of the plan.
                    plan_goal = gr.Dropdown([ALL_GOALS], value=ALL_GOALS, label="目標 (goal)", scale=2,
                                            elem_id="plan-goal", allow_custom_value=True)
                plan_count = gr.Markdown(plan_summary(index, len(initial_rows)), elem_id="plan-count")
                plan_table = gr.Dataframe(
                    value=initial_rows,
                    headers=EXPLORER_HEADERS,
                    datatype="str",
                    type="array",
                    interactive=False,
                    wrap=True,
                    max_height=2400,
                    column_widths=["8%", "24%", "28%", "8%", "14%", "18%"],
                    elem_id="plan-table",
                    label="取組の一覧 (initiatives)",
                )
                plan_source = gr.HTML("", elem_id="plan-source")
            with gr.Tab("BPR相談 (Consultation)", id="consult"):
                gr.Markdown("業務上の課題を入力すると、対応する計画の取組・ツールと担当課を出典付きで示します。"
                            "相談の記録（質問・回答・出典・日時）は Markdown で保存できます。  \n"
                            "Describe a work problem; the plan's initiatives and tools for it are listed with owners and sources.")
                problem = gr.Textbox(label="相談内容 (work problem)", lines=3, elem_id="problem",
                                     placeholder="例: 窓口で紙の申請を手入力している")
                gr.Examples([[p] for p in CONSULT_EXAMPLES], inputs=[problem], label="相談の例 (examples)")
                with gr.Row():
                    consult_button = gr.Button("相談する (Consult)", variant="primary", elem_id="consult-button")
                    consult_download = gr.DownloadButton("相談記録をダウンロード (Markdown)", interactive=False,
                                                         elem_id="consult-download")
                consult_result = gr.HTML("", elem_id="consult-result")

        chat_outputs = [chatbot, sources, question, session, chat_download, consult_download]
        question.submit(handlers.respond, [question, chatbot, session], chat_outputs, api_name="ask",
                        trigger_mode="always_last")
        ask_button.click(handlers.respond, [question, chatbot, session], chat_outputs, api_visibility="private",
                         trigger_mode="always_last")
        chatbot.example_select(on_example, [chatbot, session], chat_outputs, api_visibility="private")
        chatbot.clear(handlers.clear, [session], [chatbot, sources, question, session], api_visibility="private")
        if settings.feedback:
            chatbot.like(on_like, [session], None, api_visibility="private")
        consult_outputs = [consult_result, session, chat_download, consult_download]
        consult_button.click(handlers.consult, [problem, session], consult_outputs, api_name="consult")
        problem.submit(handlers.consult, [problem, session], consult_outputs, api_visibility="private")
        plan_filter.change(handlers.filter_plan, [plan_filter, plan_goal], [plan_table, plan_count], api_name="explore")
        plan_goal.change(handlers.filter_plan, [plan_filter, plan_goal], [plan_table, plan_count], api_visibility="private")
        plan_table.select(on_select, None, plan_source, api_visibility="private")
        app.load(lambda: gr.Dropdown(choices=goal_choices(assistant.view.current())), None, plan_goal,
                 api_visibility="private")
    return app


def parse_auth(auth: str) -> tuple[str, str] | None:
    """`USER:PASSWORD` → (user, password); "" → None (no login)."""
    if not auth:
        return None
    user, _, password = auth.partition(":")
    return user, password


def launch(app: "gr.Blocks", settings: Settings, **options: Any) -> Any:
    """Start `app` on settings.host:port with settings.auth; `options` go to `Blocks.launch`."""
    defaults: dict[str, Any] = dict(
        server_name=settings.host,
        server_port=settings.port,
        auth=parse_auth(settings.auth),
        share=False,
        ssr_mode=False,
        theme=theme(),
        css=CSS,
        footer_links=[],
        show_error=False,
    )
    return app.queue(default_concurrency_limit=4).launch(**{**defaults, **options})


def serve(settings: Settings) -> None:
    """Create the one Assistant of this process, open the index, and serve the UI until interrupted."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # Files gradio serves (session records hold staff's questions) go to a folder only this user can read,
    # not the shared /tmp/gradio.
    cache = settings.index_dir / "ui-cache"
    cache.mkdir(parents=True, exist_ok=True)
    cache.chmod(0o700)
    os.environ.setdefault("GRADIO_TEMP_DIR", str(cache))
    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(_load_assistant, settings)  # the model and index load while gradio imports
        import gradio  # noqa: F401

        assistant = loading.result()
    app = build_app(assistant, settings)
    try:
        launch(app, settings)
    except OSError as exc:
        raise ConfigError(f"cannot serve on {settings.host}:{settings.port} ({exc}): "
                          "choose another address or port with --host / --port") from exc


def _load_assistant(settings: Settings) -> "Assistant":
    from taito_dx.assistant.assistant import Assistant

    assistant = Assistant(settings)
    assistant.view.current()  # open the index now, not on the first question
    return assistant
