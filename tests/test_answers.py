"""What staff get from `Assistant.ask`: the right fact, cited from the source that states it, or an
honest "the plan does not say" — in the language they asked in. Real index, real embedder."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest

from taito_dx.assistant.assistant import Assistant
from taito_dx.assistant.retrieve import plan_filter
from taito_dx.errors import QuestionError
from taito_dx.models import Answer, Turn


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def assert_cited_facts_occur(answer: Answer, *facts: str) -> None:
    """Every fact is in the answer and in at least one cited source."""
    for fact in facts:
        assert fact in nfkc(answer.text), (fact, answer.text)
        assert any(fact in nfkc(c.text) for c in answer.citations), (fact, [c.location for c in answer.citations])


def test_the_staff_question_in_english_finds_the_japanese_sheet(assistant: Assistant) -> None:
    answer = assistant.ask("which section owns analog regulation review?")
    assert not answer.abstained
    assert_cited_facts_occur(answer, "情報政策課", "総務課")
    assert answer.citations[0].location == "第2章 > 目標2 > 施策9 > 取組12"
    assert answer.text.startswith("取組12「アナログ規制の点検・見直し」 is owned by")


def test_owner_in_japanese_is_framed_in_japanese(assistant: Assistant) -> None:
    answer = assistant.ask("取組1の担当課はどこですか？")
    assert answer.text.startswith("取組1「行政手続きのオンライン化」の担当は 情報政策課、各課 です。")
    assert answer.citations[0].location.endswith("取組1")


def test_indicator_comes_with_its_target_from_the_measure_page(assistant: Assistant) -> None:
    answer = assistant.ask("施策9の評価指標とその目標値を教えてください。")
    assert_cited_facts_occur(answer, "業務削減時間数", "9,300時間/年")
    assert answer.citations[0].location == "第2章 > 目標2 > 施策9"


def test_a_single_figure_is_given_with_its_column_said_to_be_unstated(assistant: Assistant) -> None:
    """施策1 gives one figure under "現況(令和7年度) > 目標(令和10年度)": the answer does not call it the target."""
    answer = assistant.ask("行政手続きのオンライン手続き比率の目標値はいくつですか？")

    assert not answer.abstained
    assert_cited_facts_occur(answer, "20%")
    assert "記載されている値は20%の一つだけで、現況(令和7年度)と目標(令和10年度)のどちらの値かは資料に明記されていません" \
        in answer.text
    assert "目標(令和10年度): 20%" not in answer.text


def test_a_single_figure_in_english_says_the_column_is_not_stated(assistant: Assistant) -> None:
    answer = assistant.ask("What is the evaluation indicator for 施策9, and what figure is given for it?")

    assert_cited_facts_occur(answer, "業務削減時間数", "9,300時間/年")
    assert "the documents do not state whether it is the 現況(令和7年度) or the 目標(令和10年度) value" in answer.text


def test_the_current_value_of_a_single_figure_is_not_stated(assistant: Assistant) -> None:
    answer = assistant.ask("取組12の評価指標の現況値は？")

    assert answer.abstained  # the plan does not say the one figure is the current value
    assert "9,300時間/年" in answer.text and "どちらの値かは資料に明記されていません" in answer.text


def test_parent_measure_and_goal_come_from_the_overview_table(assistant: Assistant) -> None:
    answer = assistant.ask("Under which measure is the 3D city model initiative?")
    assert_cited_facts_occur(answer, "まちづくりDXの推進")
    assert "施策7" in answer.text and "目標1" in answer.text


def test_counts_are_cited_from_the_sentence_that_states_them(assistant: Assistant) -> None:
    answer = assistant.ask("How many initiatives (取組) are there in total?")
    assert "27 initiatives (取組)" in answer.text
    assert "27の取組" in answer.citations[0].text


@pytest.mark.parametrize(("question", "said", "misread"), [
    ("How many initiatives are under goal 3?", ["has 5 initiatives (取組)"], "取組5"),
    ("目標2の施策と取組の数は？", ["の施策は5件です", "の取組は11件です"], "取組11"),
    ("目標・施策・取組はそれぞれいくつ？", ["の目標は3件です", "の施策は16件です", "の取組は27件です"], "取組27"),
])
def test_a_count_is_not_written_like_the_number_of_an_initiative(assistant: Assistant, question: str,
                                                                 said: list[str], misread: str) -> None:
    answer = assistant.ask(question)

    assert all(count in answer.text for count in said), answer.text
    assert misread not in answer.text  # "取組5" names 取組5「プッシュ型子育てサービスの活用」


def test_a_passage_question_quotes_the_answering_sentence(assistant: Assistant) -> None:
    answer = assistant.ask("計画期間はいつからいつまでですか？")
    assert "令和8年度から令和10年度までの3年間とします。" in answer.text
    assert answer.citations[0].location == "第1章 > 4. 計画期間"


@pytest.mark.parametrize("question", [
    "取組15「生成AIの利用拡大」の担当課はどこですか？",
    "Which section is in charge of 取組22 (standardization of information systems)?",
])
def test_owner_of_an_initiative_without_a_sheet_abstains_and_points_to_the_table(assistant: Assistant,
                                                                               question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    assert "施策" in answer.text and ("not in the documents" in answer.text or "資料にありません" in answer.text)
    assert answer.citations and "施策の体系" in answer.citations[0].location


@pytest.mark.parametrize("question", [
    "取組13「BPRの推進」の予算額はいくらですか？",
    "What is the total budget for the DX plan?",
    "台東区長の名前は？",
    "How do I cook rice?",
    "施策5の評価指標の目標値はいくつですか？",
])
def test_what_the_plan_does_not_say_is_not_invented(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.text.startswith(("The plan does not say.", "計画には記載がありません。"))


def test_follow_ups_resolve_against_the_conversation(assistant: Assistant) -> None:
    first = assistant.ask("取組12の担当はどこですか？")
    follow_up = assistant.ask("その評価指標は？", [Turn("取組12の担当はどこですか？", first)])
    assert "業務削減時間数" in follow_up.text
    english = assistant.ask("and who owns it?", [Turn("Tell me about 取組1", assistant.ask("Tell me about 取組1"))])
    assert "情報政策課" in english.text and "各課" in english.text


def test_a_short_question_quoting_a_title_of_its_own_is_not_a_follow_up(assistant: Assistant) -> None:
    first = assistant.ask("取組12の担当はどこですか？")
    period = assistant.ask("計画期間は？", [Turn("取組12の担当はどこですか？", first)])
    assert "令和8年度から令和10年度" in period.text
    assert period.citations[0].location.endswith("計画期間")
    # ...while one that names nothing of its own still continues the topic
    goal = assistant.ask("目標は？", [Turn("取組12の担当はどこですか？", first)])
    assert "目標2" in goal.text


def test_without_history_a_bare_follow_up_asks_which_initiative(assistant: Assistant) -> None:
    answer = assistant.ask("and who owns it?")
    assert answer.text.startswith("Which initiative do you mean? The sheets in the documents name these owners:")
    assert [c.location for c in answer.citations] == ["第2章 > 目標1 > 施策1 > 取組1", "第2章 > 目標2 > 施策9 > 取組12"]


def test_callers_can_filter_by_plan_location(assistant: Assistant) -> None:
    answer = assistant.ask("業務を効率化する取組は？", where=plan_filter(goal=2))
    assert answer.sources and all(scored.chunk.goal == 2 for scored in answer.sources)


@pytest.mark.parametrize("question", ["", "   \n\t ", "x" * 100_000])
def test_empty_or_huge_questions_are_refused_politely(assistant: Assistant, question: str) -> None:
    with pytest.raises(QuestionError, match="Please type a question|too long"):
        assistant.ask(question)


def test_every_citation_quotes_its_source_verbatim(assistant: Assistant) -> None:
    index = assistant.search.view.current()
    for question in ("取組12の担当は？", "What is the basic principle (基本理念) of the plan?", "施策1の評価指標は何ですか？"):
        for citation in assistant.ask(question).citations:
            assert index.chunks[citation.chunk_id].text == citation.text
            assert all(fact in citation.text for fact in citation.highlights)


def test_ask_json_prints_the_contract(corpus_settings) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "taito_dx.cli", "ask", "--json", "--index-dir", str(corpus_settings.index_dir),
         "which section owns analog regulation review?"],
        capture_output=True, text=True, timeout=120, check=True,
    )
    data = json.loads(result.stdout)
    assert set(data) == {"answer", "abstained", "citations", "seconds"}
    assert data["abstained"] is False
    assert "情報政策課" in data["answer"]
    assert set(data["citations"][0]) == {"source", "page", "plan", "location", "text"}
    assert data["citations"][0]["plan"] == "台東区DX推進計画"
    assert data["citations"][0]["location"].endswith("取組12")


@pytest.mark.parametrize("question", ["データを活用した区政運営の担当は？", "Who is responsible for data-driven administration?"])
def test_owner_of_a_measure_without_sheets_points_to_its_initiatives(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert answer.abstained
    assert "施策10「データを活用した区政運営」" in answer.text and "取組19「EBPMの推進、データの利活用推進」" in answer.text
    assert "取組7" not in answer.text  # "…を活用した…" in its title is a chance match, not the measure asked about
    assert [citation.location for citation in answer.citations] == ["第2章 > 施策の体系 > 目標2 > 施策10"]


def test_indicators_of_a_goal_are_those_of_its_measures(assistant: Assistant) -> None:
    answer = assistant.ask("目標2の評価指標は？")

    assert not answer.abstained
    assert "施策9「AI・デジタル技術による業務変革」の評価指標は「業務削減時間数」" in answer.text and "9,300時間/年" in answer.text
    assert [citation.location for citation in answer.citations] == ["第2章 > 目標2 > 施策9"]


@pytest.mark.parametrize("question", ["What KPIs does the plan set?", "令和10年度の目標値を全部教えて"])
def test_indicator_question_naming_nothing_lists_every_stated_indicator(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)

    assert not answer.abstained
    assert "20%" in answer.text and "9,300時間/年" in answer.text
    assert [citation.location for citation in answer.citations] == ["第2章 > 目標1 > 施策1", "第2章 > 目標2 > 施策9"]


def test_goal_whose_measures_state_no_indicator_abstains_citing_the_goal(assistant: Assistant) -> None:
    answer = assistant.ask("目標3の評価指標は？")

    assert answer.abstained
    assert "目標3「DX推進体制の強化・組織風土の醸成」" in answer.text
    assert [citation.location for citation in answer.citations] == ["第2章 > 施策の体系 > 目標3"]


@pytest.mark.parametrize("question", [
    "DX推進会議は年に何回開催されますか？",  # a frequency: the plan names the meetings, not how often
    "Who is the director of the DX推進センター?",  # a person: the plan names sections, never people
    "取組15で使う生成AIの製品名は？",  # a product: the plan names no product
    "What percentage of staff will work remotely by 2028?",  # a rate the plan does not set
])
def test_a_value_of_the_kind_asked_must_be_quoted_about_the_subject(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained, answer.text


def test_a_value_quoted_about_the_subject_answers(assistant: Assistant) -> None:
    answer = assistant.ask("行政手続きのオンライン手続き比率は何%ですか？")
    assert not answer.abstained and "20%" in answer.text


def test_a_label_is_quoted_with_the_line_that_gives_its_value(assistant: Assistant) -> None:
    answer = assistant.ask("業務削減時間数っていくつ？")
    assert "業務削減時間数 9,300時間/年」" in answer.text  # the label, then the line with its value


def test_lines_of_one_passage_are_quoted_as_one_stretch_with_what_lies_between(assistant: Assistant) -> None:
    answer = assistant.ask("When will the plan be finalised, after the public comment?")
    # Both lines asked for are quoted, and the committee line between them is not dropped from the quote.
    assert "パブリックコメント実施 第1回定例会 企画総務委員会(最終案報告) 3月 台東区DX推進計画策定" in answer.text


def test_quoted_stretches_mark_a_gap_and_keep_lines_apart() -> None:
    from taito_dx.assistant.passages import quoted_stretches

    text = "見出し\n一つ目の文です。\n二\n三\n四\n五\n二つ目の文です。\n評価指標名\n15%\n"
    assert quoted_stretches(text, ["一つ目の文です。", "二つ目の文です。"]) == ["一つ目の文です。", "二つ目の文です。"]
    assert quoted_stretches(text, ["一つ目の文です。", "二\n三"]) == ["一つ目の文です。\n二\n三"]
    assert quoted_stretches(text, ["評価指標名"]) == ["評価指標名\n15%"]


def test_english_answers_give_era_years_as_western_years(assistant: Assistant) -> None:
    answer = assistant.ask("What's the target value for the indicator of measure 1?")
    assert "20%" in answer.text and "(令和7年度 = FY2025; 令和10年度 = FY2028)" in answer.text
    japanese = assistant.ask("施策1の評価指標の目標値は？")
    assert "FY2028" not in japanese.text


def test_era_years_convert_by_era_and_fiscal_year() -> None:
    from taito_dx.assistant.eras import with_western_years

    assert with_western_years("令和8年度から令和10年度まで") == "令和8年度から令和10年度まで (令和8年度 = FY2026; 令和10年度 = FY2028)"
    assert with_western_years("平成13年に策定、令和元年に改訂") == "平成13年に策定、令和元年に改訂 (平成13年 = 2001; 令和元年 = 2019)"
    assert with_western_years("no era here") == "no era here"


def test_an_english_passage_answer_is_a_sentence_naming_where_the_plan_says_it(assistant: Assistant) -> None:
    answer = assistant.ask("How long is the plan period?")
    quote = answer.text.splitlines()[1]
    assert quote.startswith(f"At {answer.citations[0].location}: 「") and "3年" in quote


@pytest.mark.parametrize("question", ["障害者支援アプリの活用ではどんな通知を送る？", "区内中小企業のDX推進支援の対象となる業種は？"])
def test_a_passage_that_only_names_the_initiative_does_not_answer_a_detail_of_it(assistant: Assistant,
                                                                                   question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained, answer.text


@pytest.mark.parametrize("question", ["How does the plan relate to the SDGs?", "LINEでの申請について計画は何と書いている？",
                                      "保活情報連携基盤の活用で連携する保育施設はどこ？"])
def test_what_the_documents_never_mention_is_not_answered_with_a_nearby_passage(assistant: Assistant,
                                                                                 question: str) -> None:
    assert assistant.ask(question).abstained


def test_two_things_asked_at_once_are_answered_each_with_its_source(assistant: Assistant) -> None:
    answer = assistant.ask("計画期間と基本理念を教えて")
    assert "令和8年度から令和10年度までの3年間" in answer.text and "デジタル台東" in answer.text
    assert len(answer.citations) == 2 and answer.text.count("計画には次のとおり記載されています。") == 1


def test_two_questions_joined_by_and_are_answered_each_the_second_after_the_first(assistant: Assistant) -> None:
    answer = assistant.ask("What is the plan period, and under which law is the plan positioned?")
    assert "令和8年度から令和10年度までの3年間" in answer.text and "官民データ活用推進基本法" in answer.text
    assert len(answer.citations) == 2 and "[1]" in answer.text and "[2]" in answer.text
    answer = assistant.ask("Who owns initiative 12, and what is its indicator?")  # "its": initiative 12's
    assert "情報政策課" in answer.text and "業務削減時間数" in answer.text
    # When a part is not stated, the question is answered (or not) as a whole: nothing is half-answered.
    assert assistant.ask("Does the digital divide measure come with an evaluation indicator, and what is its budget?").abstained


def test_a_section_asked_by_its_title_is_quoted_from_its_opening_without_its_headings(assistant: Assistant) -> None:
    purpose = assistant.ask("策定趣旨は？").text
    assert "区民ニーズは複雑化・複合化" in purpose and "限られた人材" in purpose  # its opening, not one line of it
    background = assistant.ask("What is the background of the plan?").text
    assert "平成13年に台東区情報化推進計画を策定した" in background and "(平成13年 = 2001)" in background
    quote = background.split("「", 1)[1]
    assert not quote.startswith(("(仮称)", "1. 背景"))  # the document's title and the heading above are no answer
    aim = assistant.ask("What is the aim of the revision?").text  # 趣旨 or 目的, and 改訂: the section 改訂の趣旨
    assert "改訂の趣旨" in aim and "限られた人材で本区が持続的に発展を続ける" in aim
    cited = assistant.ask("Which national plan does the background section refer to?").text  # asks for one thing
    assert "自治体DX推進計画" in cited


def test_a_clipped_loanword_is_read_as_the_documents_words_it_stands_for(assistant: Assistant) -> None:
    keyword = assistant.search.view.current().keyword
    assert keyword.unclipped("パブコメ") == ("パブリック", "コメント")
    assert keyword.unclipped("コメント") == ()  # a word the documents use stands for itself
    answer = assistant.ask("パブコメはいつからいつまで？")
    assert not answer.abstained and "令和7年12月17日~令和8年1月7日 パブリックコメント実施" in answer.text


@pytest.mark.parametrize("question", ["オンライン手続き比率の令和9年度の値は？", "What is the online procedure rate for FY2027?"])
def test_a_year_no_passage_states_is_not_answered_with_another_years_value(assistant: Assistant, question: str) -> None:
    assert assistant.ask(question).abstained  # the plan gives 20% once, for 令和7年度 or 令和10年度


def test_era_years_are_read_from_either_calendar() -> None:
    from taito_dx.assistant.eras import era_years, states_year

    assert era_years("令和9年度の値は？") == {"令和9年"} and era_years("FY2027 or in 2001?") == {"令和9年", "平成13年"}
    assert era_years("Is the target 2000 hours?") == set()  # a number, not a year
    assert states_year("令和9年", "令和9年度") and not states_year("令和1年", "令和10年度")


def test_two_counts_of_one_scope_are_not_split_apart(assistant: Assistant) -> None:
    answer = assistant.ask("目標1の施策数と取組数")
    assert "の施策は8件です" in answer.text and "の取組は11件です" in answer.text


def test_what_a_named_body_has_to_do_with_the_plan_is_a_topic_not_a_sheet_field(assistant: Assistant) -> None:
    answer = assistant.ask("What does GovTech Tokyo have to do with the plan?")
    assert not answer.abstained and "取組27「東京都・GovTech東京との連携」" in answer.text


def test_a_measure_without_a_page_is_named_with_its_place_and_initiatives(assistant: Assistant) -> None:
    answer = assistant.ask("measure 14 — what is it called?")
    assert not answer.abstained and answer.text.startswith("施策14「DXを着実に実行する人材の育成」 is a measure under 目標3")


def test_a_month_named_in_english_meets_the_plans_months(assistant: Assistant) -> None:
    answer = assistant.ask("What will happen in March?")
    assert not answer.abstained and "3月 台東区DX推進計画策定" in answer.text


def test_a_line_the_question_quotes_is_explained_by_what_stands_above_it(assistant: Assistant) -> None:
    answer = assistant.ask("「指定場所での書類の掲示が必要」ってどういうこと？")
    assert "書面掲示規制 指定場所での書類の掲示が必要" in answer.text


@pytest.mark.parametrize(("question", "owner"), [
    ("Where does the plan deal with training its own employees?", False),
    ("Who owns initiative 12?", True),
    ("Which section is it owned by?", True),
])
def test_own_asks_for_an_owner_only_as_a_verb(question: str, owner: bool) -> None:
    from taito_dx.assistant.intent import Attribute, analyse

    assert analyse(question).asks(Attribute.OWNER) is owner


def test_an_english_question_searches_with_the_plans_words_for_its_administrative_words(assistant) -> None:
    answer = assistant.ask("Tell me about the background to this plan: when did the ward first make an informatization plan?")

    assert "平成13年" in answer.text and answer.citations[0].location.endswith("1. 背景"), answer.text
