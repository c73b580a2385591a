"""The Gradio chat UI staff use: cited chat, a plan explorer, BPR consultation with a record, feedback.

`build_app(assistant, settings)` lays the pieces out over one shared `Assistant`; `serve(settings)`
creates that Assistant once, serves until SIGTERM or SIGINT, and removes what it served. What the page shows is rendered by `render`
(escaped templates), what its events do is in `handlers`.

This module imports gradio and the assistant only inside its functions: `taito-dx serve` imports it
first, then loads the model and the index while gradio is imported.
"""


import contextlib
import errno
import io
import os
import shutil
import signal
import socket
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from taito_dx.errors import ConfigError
from taito_dx.settings import Settings

if TYPE_CHECKING:
    import gradio as gr

    from taito_dx.assistant.assistant import Assistant

TITLE = "(仮称)台東区DX推進計画 アシスタント"
AUTH_MESSAGE = f"<h2>{TITLE}</h2><p>台東区職員向け。ユーザー名とパスワードでログインしてください。<br>" \
               "Taito City DX Plan Assistant: sign in with your user name and password.</p>"
# Events run at once per worker thread; an answer holds the shared index for a few ms (Assistant.lock),
# so more than a handful only matters while an LLM writes.
QUEUE_CONCURRENCY = 8
STATUS_UPDATE_S = 1.0
CSS_FILE = Path(__file__).with_name("app.css")
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


def theme() -> Any:
    """A theme with system fonts only (nothing is fetched), CJK first."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue",
        font=("Noto Sans CJK JP", "Noto Sans JP", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Meiryo", "sans-serif"),
        font_mono=("Noto Sans Mono CJK JP", "DejaVu Sans Mono", "monospace"),
    )


def build_app(assistant: "Assistant", settings: Settings, *, records_dir: Path | None = None) -> "gr.Blocks":
    """The UI over one shared `assistant`; session records are written to `records_dir` (default: a
    temporary folder). Launch it with `launch(app, settings)`."""
    import gradio as gr

    from taito_dx.assistant.ui.explorer import ALL_GOALS, HEADERS, NOT_STATED, explorer_rows, goal_choices, plan_summary
    from taito_dx.assistant.ui.handlers import Handlers
    from taito_dx.assistant.ui.render import empty_sources_html
    from taito_dx.assistant.ui.session import ChatSession

    handlers = Handlers(assistant, settings, records_dir=records_dir)

    # Adapters from gradio's event data to the handlers (gradio finds them by these annotations).
    def on_example(chat: list[dict[str, Any]] | None, session: ChatSession | None,
                   evt: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        yield from handlers.respond_example(chat, session, evt.value)

    def on_like(session: ChatSession | None, data: gr.LikeData) -> tuple[Any, ...]:
        return handlers.like(session, data.index, data.liked)

    def on_message(session: ChatSession | None, evt: gr.SelectData) -> Any:
        return handlers.show_answer_sources(session, evt.index)

    def on_select(evt: gr.SelectData) -> str:
        return handlers.show_source(evt.row_value)

    def fresh_session() -> ChatSession:
        return ChatSession()

    def on_load() -> tuple[Any, ChatSession]:
        # The goals are filled in on page load, after login: the API description that gradio shows before
        # login then names no goal of the plan. The session's record starts now, when the page opens.
        return gr.Dropdown(choices=goal_choices(assistant.search.view.current())), fresh_session()

    index = assistant.search.view.current()
    initial_rows = explorer_rows(index)
    download_label = "記録をダウンロード：このセッションの質問・相談・回答・出典 (Markdown)"

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 86400)) as app:
        session = gr.State(fresh_session)  # called once per session: each has its own record
        with gr.Row(equal_height=True):
            gr.Markdown(
                f"## {TITLE}\n"
                "計画書の内容に出典付きで答えます（日本語・English）。回答は計画書の記載からの抜粋です。"
                "計画に記載のないことには「記載なし」と答えます。  \n"
                "Answers about the Taito City DX Promotion Plan, with cited sources, in Japanese or English.",
                elem_id="intro",
            )
            new_button = gr.Button("新しい相談を始める (New consultation)", size="sm", scale=0, min_width=200,
                                   elem_id="new-session")
        with gr.Tabs():
            with gr.Tab("チャット (Chat)", id="chat") as chat_tab:
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
                        question_note = gr.HTML(handlers.input_note(), elem_id="question-note")
                        feedback_note = gr.HTML("", elem_id="feedback-note")
                        comment = gr.Textbox(label="👎 の理由（任意）: 入力して Enter / Why? (optional): type, then Enter",
                                             visible=False, lines=1, max_length=1000, elem_id="feedback-comment")
                        chat_download = gr.DownloadButton(download_label, size="sm", interactive=False,
                                                          elem_id="chat-download")
                    with gr.Column(scale=2, elem_id="sources-box"):
                        gr.Markdown("回答（またはその [n]）をクリックすると、その回答の出典を表示します。  \n"
                                    "Click an answer (or its [n]) to see its sources.", elem_id="sources-hint")
                        sources = gr.HTML(empty_sources_html(), elem_id="sources")
            with gr.Tab("計画の一覧 (Plan explorer)", id="explorer"):
                gr.Markdown("目標・施策・取組の一覧です。行を選ぶと、その取組の出典（シートまたは施策の表）を右に表示します。"
                            f"「{NOT_STATED}」は計画に記載がないことを示します。  \n"
                            f"Select a row to see its source text beside the table. {NOT_STATED} : not stated in the plan.",
                            elem_id="plan-legend")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        with gr.Row():
                            plan_filter = gr.Textbox(label="絞り込み (filter)", placeholder="例: RPA, 情報政策課, 施策9",
                                                     scale=3, elem_id="plan-filter")
                            plan_goal = gr.Dropdown([ALL_GOALS], value=ALL_GOALS, label="目標 (goal)", scale=2,
                                                    elem_id="plan-goal", allow_custom_value=True)
                        plan_count = gr.Markdown(plan_summary(index, len(initial_rows)), elem_id="plan-count")
                        plan_table = gr.Dataframe(
                            value=initial_rows,
                            headers=HEADERS,
                            datatype="str",
                            type="array",
                            interactive=False,
                            wrap=True,
                            max_height=2400,
                            column_widths=["9%", "24%", "27%", "8%", "14%", "18%"],
                            elem_id="plan-table",
                            label="取組の一覧 (initiatives)",
                        )
                    with gr.Column(scale=2, elem_id="plan-source-box"):
                        plan_source = gr.HTML('<p class="src-empty">行を選ぶと、その取組の出典をここに表示します。<br>'
                                              "Select a row to see its source here.</p>", elem_id="plan-source")
            with gr.Tab("BPR相談 (Consultation)", id="consult") as consult_tab:
                gr.Markdown("業務上の課題を入力すると、対応する計画の取組・ツールと担当課を出典付きで示します。"
                            "相談の記録（質問・回答・出典・日時）は Markdown で保存できます。  \n"
                            "Describe a work problem; the plan's initiatives and tools for it are listed with owners and sources.")
                problem = gr.Textbox(label="相談内容 (work problem)", lines=3, elem_id="problem",
                                     placeholder="例: 窓口で紙の申請を手入力している")
                consult_examples = gr.Dataset(components=[problem], samples=[[p] for p in CONSULT_EXAMPLES],
                                              label="相談の例（クリックで相談します） (examples: click to consult)",
                                              type="values", elem_id="consult-examples")
                with gr.Row():
                    consult_button = gr.Button("相談する (Consult)", variant="primary", elem_id="consult-button")
                    consult_download = gr.DownloadButton(download_label, interactive=False, elem_id="consult-download")
                consult_result = gr.HTML("", elem_id="consult-result")

        chat_inputs = [question, chatbot, session]
        chat_outputs = [chatbot, sources, question, session, chat_download, question_note]
        respond = handlers.respond if assistant.llm is not None else handlers.respond_at_once
        asked = [
            question.submit(respond, chat_inputs, chat_outputs, api_name="ask", trigger_mode="always_last"),
            ask_button.click(respond, chat_inputs, chat_outputs, api_visibility="private", trigger_mode="always_last"),
            chatbot.example_select(on_example, [chatbot, session], chat_outputs, api_visibility="private"),
        ]
        for event in asked:  # a new chat value would show every earlier answer unvoted
            event.then(handlers.keep_votes, [session, chatbot], chatbot, api_visibility="private")
        chatbot.select(on_message, [session], sources, api_visibility="private")
        chatbot.clear(handlers.clear, [session], [chatbot, sources, question, session], api_visibility="private")
        if settings.feedback:
            chatbot.like(on_like, [session], [session, feedback_note, comment], api_visibility="private")
            comment.submit(handlers.comment, [comment, session], [feedback_note, comment], api_visibility="private")
        consult_outputs = [consult_result, session, consult_download]
        consult_button.click(handlers.consult, [problem, session], consult_outputs, api_name="consult")
        problem.submit(handlers.consult, [problem, session], consult_outputs, api_visibility="private")
        consult_examples.click(handlers.consult_example, [consult_examples, session], [problem, *consult_outputs],
                               api_visibility="private")
        new_button.click(handlers.new_session, None,
                         [session, chatbot, sources, consult_result, chat_download, consult_download, feedback_note,
                          comment], api_visibility="private")
        chat_tab.select(handlers.download, [session], chat_download, api_visibility="private")
        consult_tab.select(handlers.download, [session], consult_download, api_visibility="private")
        plan_filter.change(handlers.filter_plan, [plan_filter, plan_goal], [plan_table, plan_count], api_name="explore")
        plan_goal.change(handlers.filter_plan, [plan_filter, plan_goal], [plan_table, plan_count], api_visibility="private")
        plan_table.select(on_select, None, plan_source, api_visibility="private")
        app.load(on_load, None, [plan_goal, session], api_visibility="private")
    return app


def parse_auth(auth: str) -> tuple[str, str] | None:
    """`USER:PASSWORD` → (user, password); "" → None (no login)."""
    if not auth:
        return None
    user, _, password = auth.partition(":")
    return user, password


def launch(app: "gr.Blocks", settings: Settings, **options: Any) -> Any:
    """Start `app` on settings.host:port with settings.auth; `options` go to `Blocks.launch`.

    With a login, `LoginGate` refuses every route but the login page and its assets without it; the
    FastAPI schema and docs and gradio's monitoring dashboard are off either way.
    """
    from starlette.middleware import Middleware

    from taito_dx.assistant.ui.login_gate import LoginGate

    auth = parse_auth(settings.auth)
    app_kwargs: dict[str, Any] = {"openapi_url": None, "docs_url": None, "redoc_url": None}
    if auth:
        app_kwargs["middleware"] = [Middleware(LoginGate)]
    defaults: dict[str, Any] = dict(
        server_name=settings.host,
        server_port=settings.port,
        auth=auth,
        auth_message=AUTH_MESSAGE,
        app_kwargs=app_kwargs,
        share=False,
        ssr_mode=False,
        theme=theme(),
        css=CSS_FILE.read_text(encoding="utf-8"),
        footer_links=[],
        show_error=False,
        quiet=True,
        enable_monitoring=False,  # gradio's /monitoring/<key> dashboard would answer without the login
    )
    # Queue positions go out once a second, not to every waiting user each time an event starts (with 50
    # waiting that is 50 messages per answer).
    queued = app.queue(default_concurrency_limit=QUEUE_CONCURRENCY, status_update_rate=STATUS_UPDATE_S)
    return queued.launch(**{**defaults, **options})


def serve(settings: Settings) -> None:
    """Create the one Assistant of this process, open the index, and serve the UI until SIGTERM or SIGINT;
    then remove the files it served (session records included)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # Gradio's queue recomputes a summary of every event so far (pandas, up to 10,000 of them) after each
    # event unless told otherwise: a cost that grows with every answer given. Once per 1,000 of the last 1,000.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000")
    # Gradio switches matplotlib (when installed) to "agg" around every event and back: with "agg" already
    # chosen that is no work, and pyplot is not imported by the first answer.
    os.environ.setdefault("MPLBACKEND", "agg")
    check_port(settings.host, settings.port)
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in (signal.SIGTERM, signal.SIGINT)}
    # Files gradio serves (session records hold staff's questions) go to a folder of this process that only
    # this user can read, not the shared /tmp/gradio; it goes when the server stops.
    cache = settings.index_dir / "ui-cache"
    cache.mkdir(parents=True, exist_ok=True)
    cache.chmod(0o700)
    files = Path(tempfile.mkdtemp(prefix="serve-", dir=cache))
    os.environ.setdefault("GRADIO_TEMP_DIR", str(files))
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            loading = pool.submit(_load_assistant, settings)  # the model and index load while gradio imports
            import gradio  # noqa: F401

            assistant = loading.result()
        if stop.is_set():
            return
        app = build_app(assistant, settings, records_dir=files / "records")
        try:
            _, url, _ = launch(app, settings, prevent_thread_lock=True)
        except OSError as exc:
            raise _unusable_port(settings.host, settings.port, exc) from exc
        generation = assistant.search.view.current().generation
        print(f"taito-dx: serving {url} — index {settings.index_dir} (generation {generation.name}); "
              "Ctrl+C stops", flush=True)
        while not stop.wait(0.5):
            pass
        with contextlib.redirect_stdout(io.StringIO()):  # gradio's own "Closing server …"
            app.close()
        print("taito-dx: stopped", flush=True)
    finally:
        shutil.rmtree(files, ignore_errors=True)
        for number, handler in previous.items():
            signal.signal(number, handler)


def check_port(host: str, port: int) -> None:
    """Raise `ConfigError` (one line, naming --port) when `host:port` cannot be listened on."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise _unusable_port(host, port, exc) from exc


def _unusable_port(host: str, port: int, exc: OSError) -> ConfigError:
    if exc.errno == errno.EADDRINUSE or "port" in str(exc).lower():
        return ConfigError(f"port {port} on {host} is taken: choose another with --port")
    return ConfigError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --host or --port")


def _load_assistant(settings: Settings) -> "Assistant":
    from taito_dx.assistant.assistant import Assistant

    assistant = Assistant(settings)
    assistant.ask("計画期間は？")  # open the index and warm every part of answering now, not on the first question
    return assistant
