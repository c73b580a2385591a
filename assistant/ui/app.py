"""The Gradio chat UI staff use: cited chat, a plan explorer, BPR consultation with a record, feedback.

`build_app(assistant, settings)` lays the pieces out over one shared `Assistant`; `serve(settings)`
creates that Assistant once and starts the server. What the page shows is rendered by `render`
(escaped templates), what its events do is in `handlers`.

This module imports gradio and the assistant only inside its functions: `taito-dx serve` imports it
first, then loads the model and the index while gradio is imported.
"""


import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from taito_dx.errors import ConfigError
from taito_dx.settings import Settings

if TYPE_CHECKING:
    import gradio as gr

    from taito_dx.assistant.assistant import Assistant

TITLE = "(仮称)台東区DX推進計画 アシスタント"
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


def build_app(assistant: "Assistant", settings: Settings) -> "gr.Blocks":
    """The UI over one shared `assistant`. Launch it with `launch(app, settings)`."""
    import gradio as gr

    from taito_dx.assistant.ui.explorer import ALL_GOALS, HEADERS, explorer_rows, goal_choices, plan_summary
    from taito_dx.assistant.ui.handlers import Handlers
    from taito_dx.assistant.ui.render import empty_sources_html
    from taito_dx.assistant.ui.session import ChatSession

    handlers = Handlers(assistant, settings)

    # Adapters from gradio's event data to the handlers (gradio finds them by these annotations).
    def on_example(chat: list[dict[str, Any]] | None, session: ChatSession | None,
                   evt: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        yield from handlers.respond_example(chat, session, evt.value)

    def on_like(session: ChatSession | None, data: gr.LikeData) -> None:
        handlers.like(session, data.index, data.liked)

    def on_select(evt: gr.SelectData) -> str:
        return handlers.show_source(evt.row_value)

    index = assistant.search.view.current()
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
                    headers=HEADERS,
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
        app.load(lambda: gr.Dropdown(choices=goal_choices(assistant.search.view.current())), None, plan_goal,
                 api_visibility="private")
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
        app_kwargs=app_kwargs,
        share=False,
        ssr_mode=False,
        theme=theme(),
        css=CSS_FILE.read_text(encoding="utf-8"),
        footer_links=[],
        show_error=False,
        enable_monitoring=False,  # gradio's /monitoring/<key> dashboard would answer without the login
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
    assistant.search.current()  # open the index now, not on the first question
    return assistant
