"""BPR consultation: each 取組 ranked by its whole profile, with why; the guide kept apart and cited as the guide;
`taito-dx consult`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from taito_dx.assistant.consult import PROFILES, consult
from taito_dx.assistant.profiles import InitiativeProfiles, LineKind, profile_lines, shared_terms
from taito_dx.assistant.search import PlanSearch
from taito_dx.assistant.session_record import SessionRecord
from taito_dx.assistant.ui.render import consultation_html
from taito_dx.cli import main
from taito_dx.evals.harness import CountingEmbeddings
from taito_dx.ingest.guide import parse_guide
from taito_dx.ingest.pipeline import run
from taito_dx.settings import REPO_CORPUS, Settings

GUIDE = "dx-tools-guide.md"
PLAN = "taito-dx-plan-interim-summary.txt"


def test_a_paper_form_retyped_by_hand_points_to_rpa_and_ai_ocr_and_says_why(assistant) -> None:
    # the example (RPA・AI-OCR was ranked 4th, behind 取組1, 12 and 8): RPA・AI-OCR (取組14) comes first
    scanned = consult(assistant.search, "紙の申請書をスキャンして手で入力し直している")
    assert scanned.suggestions[0].initiative.number == 14, [s.initiative.title for s in scanned.suggestions]
    result = consult(assistant.search, "紙の調査票を目で見て、一枚ずつシステムに打ち込んでいる")
    first = result.suggestions[0]
    assert first.initiative.number == 14, [s.initiative.title for s in result.suggestions]
    guide_reason, plan_reason = first.reasons
    # the guide links the problem to the 取組, and is cited as the guide, with the matched line highlighted
    assert guide_reason.from_guide and guide_reason.citation.source == GUIDE
    assert guide_reason.line.text in guide_reason.citation.text
    assert guide_reason.citation.highlights == (guide_reason.line.text,)
    assert guide_reason.terms and all(term in guide_reason.line.text and term in result.problem
                                      for term in guide_reason.terms)
    # what the plan itself says of the 取組 is shown beside it, cited from the plan
    assert not plan_reason.from_guide and plan_reason.citation.source == PLAN
    assert plan_reason.line.kind != LineKind.GUIDE and plan_reason.line.text in plan_reason.citation.text
    assert "理由 [活用ガイド（計画外の参考資料）（語の一致）]: 「" in result.text


def test_a_reason_from_the_plan_quotes_the_plan_chunk_that_states_it(assistant) -> None:
    result = consult(assistant.search, "条例で書類の掲示が義務付けられていて、デジタル化できない")
    first = result.suggestions[0]
    assert first.initiative.number == 12
    plan_reasons = [reason for reason in first.reasons if not reason.from_guide]
    index = assistant.search.view.current()
    for reason in plan_reasons:
        assert reason.citation.source == PLAN and reason.citation.text in {c.text for c in index.chunks.values()}
        assert reason.line.text in reason.citation.text


def test_the_guide_is_cited_as_the_guide_and_never_answers_a_question_about_the_plan(assistant) -> None:
    index = assistant.search.view.current()
    assert index.guide and all(entry.source == GUIDE for entry in index.guide)
    assert all(chunk.source != GUIDE for chunk in index.chunks.values())  # questions never retrieve it
    assert {n for entry in index.guide for n in entry.initiatives} <= set(index.registry.initiatives)
    for problem in ("USBメモリでファイルを渡している", "We cannot work from home because all files are on the office PCs"):
        for suggestion in consult(assistant.search, problem).suggestions:
            for reason in suggestion.reasons:
                assert (reason.citation.source == GUIDE) == (reason.line.kind == LineKind.GUIDE)
    for question in ("RPAの活用とは？", "取組18の担当は？", "what is generative AI used for?"):
        assert all(citation.source != GUIDE for citation in assistant.ask(question).citations)


def test_every_initiative_has_a_profile_of_the_plans_fields_and_the_guide_lines_naming_it(assistant) -> None:
    index = assistant.search.view.current()
    online = {line.kind for line in profile_lines(index, index.registry.initiatives[1])}
    # 取組1 has a sheet: its fields, its 施策's description and indicator, and two guide entries
    assert {LineKind.TITLE, LineKind.MEASURE, LineKind.MEASURE_DESCRIPTION, LineKind.INDICATOR, LineKind.CONTENT,
            LineKind.GUIDE} <= online
    for initiative in index.registry.initiatives.values():
        kinds = [line.kind for line in profile_lines(index, initiative)]
        assert kinds[:2] == [LineKind.TITLE, LineKind.MEASURE] and LineKind.GUIDE in kinds


def test_profiles_embed_each_distinct_line_once_and_are_kept_for_the_generation(assistant) -> None:
    search = assistant.search
    index = search.view.current()
    counting = CountingEmbeddings(search.embedder)
    built = InitiativeProfiles.build(index, counting, search.tokenizer)
    assert counting.texts == len({line.text for line in built.lines}) < len(built.lines)  # a 施策's lines once
    consult(search, "紙の申請書を手で入力している")
    kept = search.derived(PROFILES, lambda _: None)
    consult(search, "USBメモリでファイルを渡している")
    assert search.derived(PROFILES, lambda _: None) is kept is not None  # built once per generation


def test_an_edited_guide_links_a_new_kind_of_problem_after_the_next_ingest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO_CORPUS / PLAN, corpus / PLAN)
    settings = Settings.load(env={}, index_dir=tmp_path / "index", corpus=(corpus,))
    assert run([corpus], settings).errors == []
    search = PlanSearch(settings)
    problem = "窓口に来た外国語しか話せない人と翻訳機がなくて会話できない"
    before = consult(search, problem)
    assert all(reason.citation.source == PLAN for s in before.suggestions for reason in s.reasons)
    (corpus / "guide.md").write_text(
        "# 窓口ガイド\n\n## 多言語翻訳機 / Translation devices\n計画の取組: 取組3「デジタル・ディバイド対策」\n"
        "- 用途: 窓口で外国語しか話せない来庁者と、翻訳機を使って会話する。\n", encoding="utf-8")
    assert run([corpus], settings).errors == []
    after = consult(search, problem)  # the same search picks up the new generation and its guide
    first = after.suggestions[0]
    assert first.initiative.number == 3
    assert first.reasons[0].citation.source == "guide.md"
    assert first.reasons[0].citation.location == "窓口ガイド > 多言語翻訳機 / Translation devices"


def test_a_guide_is_read_from_its_link_lines_and_a_plan_is_never_a_guide() -> None:
    entries = parse_guide("g.md", "# ガイド\n\n## RPA\n計画の取組: 取組14「RPA・AI-OCRの活用」、取組13「BPRの推進」\n"
                                  "- 用途: 定型作業を自動化する。\n- Use: automate routine work.\n\n## 見出しだけ\n本文\n")
    assert len(entries) == 1
    assert entries[0].initiatives == (14, 13) and entries[0].location == "ガイド > RPA"
    assert entries[0].lines == ("定型作業を自動化する。", "automate routine work.")
    assert parse_guide(PLAN, (REPO_CORPUS / PLAN).read_text(encoding="utf-8")) == []


def test_shared_terms_are_the_lines_words_the_problem_uses() -> None:
    assert shared_terms("紙の申請書を手入力している", "紙の申請書や調査票を目で見て入力している") == ("申請書", "入力")
    assert shared_terms("files are on the office PCs", "share files in the office") == ("files", "office")
    assert shared_terms("because", "use it") == ()


def test_the_consultation_card_and_the_record_show_why(assistant) -> None:
    result = consult(assistant.search, "USBメモリでファイルを部署間で渡している")
    html = consultation_html(result)
    assert 'class="sg-why sg-guide"' in html and "<mark>" in html and "活用ガイド（計画外の参考資料）" in html
    record = SessionRecord().add_consultation(result.problem, result.to_answer()).to_markdown()
    assert "理由 [活用ガイド（計画外の参考資料）" in record
    assert f"{GUIDE} — DX手法・ツール活用ガイド" in record  # the guide cited under its own name, not the plan's


def test_consult_command_prints_suggestions_with_reasons_and_sources(corpus_settings, capsys) -> None:
    code = main(["consult", "毎月Excelのデータを別のシステムに手で転記している", "--index-dir",
                 str(corpus_settings.index_dir)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("この課題に関係する計画の取組:\n- 取組14「RPA・AI-OCRの活用」")
    assert "  理由 [" in out and "\nSources:\n[1] " in out


def test_consult_command_json_and_the_plan_has_nothing(corpus_settings, capsys) -> None:
    code = main(["consult", "The staff canteen closes too early", "--json", "--index-dir", str(corpus_settings.index_dir)])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["abstained"] is True and data["suggestions"] == []
    assert data["text"] == "The plan does not say: it names no initiative for this problem."
    code = main(["consult", "USBメモリでファイルを渡している", "--json", "--index-dir", str(corpus_settings.index_dir)])
    data = json.loads(capsys.readouterr().out)
    first = data["suggestions"][0]
    assert first["initiative"] == 18 and first["reasons"][0]["from_guide"] is True
    assert first["reasons"][0]["source"] == GUIDE and first["reasons"][0]["words"]
    assert set(data) >= {"problem", "text", "citations", "seconds"}
