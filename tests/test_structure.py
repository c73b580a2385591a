"""Parsing the plan's structure: 目標 → 施策 → 取組, each sheet's fields, and where every text sits.

Staff ask "who owns 取組12?" or "what is 施策9's target?"; those answers come from the
structure parsed here, so it must match the plan exactly and leave empty what the plan
does not state.
"""

from __future__ import annotations

import pytest

from taito_dx.ingest.load import load
from taito_dx.ingest.normalize import normalize
from taito_dx.ingest.layout import BREADCRUMB
from taito_dx.ingest.structure import ParsedPlan, parse
from taito_dx.models import Indicator
from taito_dx.settings import REPO_CORPUS

CORPUS_FILE = REPO_CORPUS / "taito-dx-plan-interim-summary.txt"

# The overview table of the plan (第2章): 取組 → (title, 施策).
INITIATIVES = {
    1: ("行政手続きのオンライン化", 1),
    2: ("オンライン相談の拡充", 1),
    3: ("デジタル・ディバイド対策", 2),
    4: ("区公式ホームページのアクセシビリティの向上", 3),
    5: ("プッシュ型子育てサービスの活用", 4),
    6: ("保活情報連携基盤の活用", 4),
    7: ("デジタルを活用した区民の健康増進", 5),
    8: ("障害者支援アプリの活用", 5),
    9: ("発達段階に応じた情報活用能力の育成", 6),
    10: ("3D都市モデルの活用", 7),
    11: ("区内中小企業のDX推進支援", 8),
    12: ("アナログ規制の点検・見直し", 9),
    13: ("BPRの推進", 9),
    14: ("RPA・AI-OCRの活用", 9),
    15: ("生成AIの利用拡大", 9),
    16: ("AIの活用", 9),
    17: ("ノーコードツールの活用", 9),
    18: ("オンラインストレージサービスの活用", 9),
    19: ("EBPMの推進、データの利活用推進", 10),
    20: ("教育現場の業務効率化の実現", 11),
    21: ("テレワーク、フリーアドレスの推進", 12),
    22: ("情報システムの標準化", 13),
    23: ("職員のICTリテラシー向上", 14),
    24: ("DX推進の中核人材の育成", 14),
    25: ("DX推進会議等の実施", 15),
    26: ("BPR相談会等によるDX推進支援強化", 15),
    27: ("東京都・GovTech東京との連携", 16),
}
MEASURE_GOALS = {**dict.fromkeys(range(1, 9), 1), **dict.fromkeys(range(9, 14), 2), **dict.fromkeys(range(14, 17), 3)}


@pytest.fixture(scope="module")
def plan() -> ParsedPlan:
    """The shipped corpus, read the way the pipeline reads it."""
    document = load(CORPUS_FILE)
    return parse([(normalize(page.text), page.number) for page in document.pages])


# -- the shipped plan ---------------------------------------------------------------------


def test_three_goals_with_their_counts(plan: ParsedPlan) -> None:
    goals = {number: (goal.title, goal.measure_count, goal.initiative_count) for number, goal in plan.goals.items()}

    assert goals == {
        1: ("便利で快適な行政サービスの提供", 8, 11),
        2: ("デジタル技術の徹底活用による業務の効率化・省力化", 5, 11),
        3: ("DX推進体制の強化・組織風土の醸成", 3, 5),
    }


def test_goal_counts_agree_with_the_parsed_measures_and_initiatives(plan: ParsedPlan) -> None:
    for number, goal in plan.goals.items():
        assert goal.measure_count == sum(1 for m in plan.measures.values() if m.goal == number)
        assert goal.initiative_count == sum(1 for i in plan.initiatives.values() if i.goal == number)


def test_goal_descriptions_come_from_chapter_one(plan: ParsedPlan) -> None:
    assert plan.goals[2].description == (
        "デジタル技術を徹底的に活用して業務の効率化等に取り組むことで、多様化する区民ニーズにあてる時間を創出していきます。"
    )
    assert "デジタル・ディバイド対策" in plan.goals[1].description  # repaired from the OCR's ディバайд


def test_sixteen_measures_under_their_goals(plan: ParsedPlan) -> None:
    assert sorted(plan.measures) == list(range(1, 17))
    assert {number: measure.goal for number, measure in plan.measures.items()} == MEASURE_GOALS
    assert plan.measures[9].title == "AI・デジタル技術による業務変革"
    assert plan.measures[16].title == "外部機関との連携"


def test_twenty_seven_initiatives_with_titles_and_parents(plan: ParsedPlan) -> None:
    parsed = {number: (i.title, i.measure) for number, i in plan.initiatives.items()}

    assert parsed == INITIATIVES
    for initiative in plan.initiatives.values():
        assert initiative.goal == MEASURE_GOALS[initiative.measure]


def test_initiative_12_is_owned_by_information_policy_and_general_affairs(plan: ParsedPlan) -> None:
    assert plan.initiatives[12].owners == ("情報政策課", "総務課")
    assert plan.initiatives[12].has_sheet


def test_initiative_1_is_owned_by_information_policy_and_every_section(plan: ParsedPlan) -> None:
    assert plan.initiatives[1].owners == ("情報政策課", "各課")
    assert plan.initiatives[1].has_sheet


def test_initiatives_without_a_sheet_have_no_owners_invented(plan: ParsedPlan) -> None:
    without_sheet = [i for i in plan.initiatives.values() if i.number not in (1, 12)]

    assert len(without_sheet) == 25
    for initiative in without_sheet:
        assert initiative.owners == (), initiative.number
        assert (initiative.content, initiative.current_state, initiative.target_state) == ("", "", "")
        assert not initiative.has_sheet


def test_initiative_12_sheet_fields(plan: ParsedPlan) -> None:
    sheet = plan.initiatives[12]

    assert sheet.content == "■ デジタル技術の活用を阻害する条例や要綱等を見直すことで、デジタル化の推進を図る"
    assert sheet.current_state.splitlines() == ["例)", "書面掲示規制", "指定場所での書類の掲示が必要"]
    assert sheet.target_state.splitlines() == [
        "デジタル技術の活用を前提とした業務への見直し",
        "インターネット上で公開可能",
        "カメラ等を活用した調査・点検等",
    ]


def test_initiative_1_sheet_fields(plan: ParsedPlan) -> None:
    sheet = plan.initiatives[1]

    assert sheet.content.splitlines() == [
        "■ 各種申請、決済等をオンライン上で完結できるよう行政手続きのオンライン化を一層推進する",
        "■ 行政手続きのオンライン化を促進するため、区が発出する通知等のデジタル化を検討する",
    ]
    assert sheet.current_state.splitlines() == ["窓口が混在している", "申請はオンラインでも、区からの通知は紙文書"]
    assert sheet.target_state.startswith("窓口に来庁することなく手書きができる")
    assert "交付文書のオンライン化を検討" in sheet.target_state


def test_measure_1_indicator_is_the_online_procedure_ratio_with_one_figure_in_no_stated_column(plan: ParsedPlan) -> None:
    """One figure under "現況(令和7年度) > 目標(令和10年度)": the plan does not say which column it is in."""
    (indicator,) = plan.measures[1].indicators

    assert indicator == Indicator("行政手続きのオンライン手続き比率", "", "", "現況(令和7年度)", "目標(令和10年度)", value="20%")
    assert not indicator.column_stated


def test_measure_9_indicator_is_hours_of_work_saved(plan: ParsedPlan) -> None:
    (indicator,) = plan.measures[9].indicators

    assert indicator.name == "業務削減時間数"
    assert indicator.value == "9,300時間/年"
    assert (indicator.current, indicator.target) == ("", "")  # neither column is stated: none is made up
    assert indicator.target_label == "目標(令和10年度)"


def test_measures_without_a_block_have_no_indicator_or_description(plan: ParsedPlan) -> None:
    for number in set(range(1, 17)) - {1, 9}:
        assert plan.measures[number].indicators == ()
        assert plan.measures[number].description == ""
    assert plan.measures[9].description.startswith("AIやRPA等のデジタル技術の活用を前提とした業務手順への見直し")


def test_units_are_located_in_the_plan(plan: ParsedPlan) -> None:
    by_location = {(unit.kind, unit.location): unit for unit in plan.units}

    sheet = by_location[("sheet", "第2章 > 目標2 > 施策9 > 取組12")]
    assert (sheet.goal, sheet.measure, sheet.initiative) == (2, 9, 12)
    assert "担当 情報政策課" in sheet.text
    block = by_location[("measure", "第2章 > 目標2 > 施策9")]
    assert "業務削減時間数" in block.text
    assert ("sheet", "第2章 > 目標1 > 施策1 > 取組1") in by_location
    assert ("table", "第2章 > 施策の体系 > 目標3 > 施策16") in by_location
    assert any(loc == ("section", "第1章 > 4. 計画期間") for loc in by_location)


def lost_lines(text: str, parsed: ParsedPlan) -> list[str]:
    """Lines of `text` found in no unit; slide breadcrumbs (`【施策9】… > 取組12 …`) repeat the
    heading of the block that follows them and are left out on purpose."""
    in_units = {line for unit in parsed.units for line in unit.text.split("\n")}
    return [line for line in text.split("\n") if line.strip() and line not in in_units and not BREADCRUMB.match(line)]


def test_no_text_of_the_plan_is_lost(plan: ParsedPlan) -> None:
    """Every line the normaliser keeps ends up in some unit, so it can be found and cited."""
    assert lost_lines(normalize(CORPUS_FILE.read_text(encoding="utf-8")), plan) == []


# -- the parser is general, not fitted to one file -------------------------------------------------

OTHER_PLAN = """(仮称)みどり市こども計画 素案

第3章 施策の展開

目標1\t子育てしやすい環境づくり【施策数:2、取組数:3】
施策5\t相談体制の充実\t【取組31】子育て相談窓口の一本化 【取組32】夜間相談の実施
施策6\t情報発信の強化\t【取組33】子育てアプリの配信
目標2\t学びの充実【施策数:1、取組数:1】
施策7\t学習環境の整備\t【取組34】図書館の電子化
"""
OTHER_PLAN_PAGE_2 = """【施策6】情報発信の強化
子育て情報を必要な人に届けるため、アプリやSNSによる発信を強化します。

取組33 子育てアプリの配信

評価指標
現況(令和6年度) > 目標(令和9年度)
アプリ登録者数
1,200人
5,000人
"""
OTHER_PLAN_PAGE_3 = """施策6 情報発信の強化
取組33 子育てアプリの配信
担当 こども家庭支援課、広報課
取組内容 ■ 健診や予防接種の案内をアプリで届ける
現状
紙の通知を郵送している
あるべき姿
必要な情報が必要な時にスマートフォンに届く
"""


@pytest.fixture(scope="module")
def other_plan() -> ParsedPlan:
    pages = [(OTHER_PLAN, 1), (OTHER_PLAN_PAGE_2, 2), (OTHER_PLAN_PAGE_3, 3)]
    return parse([(normalize(text), number) for text, number in pages])


def test_other_plan_goals_measures_and_initiatives(other_plan: ParsedPlan) -> None:
    assert {n: (g.title, g.measure_count, g.initiative_count) for n, g in other_plan.goals.items()} == {
        1: ("子育てしやすい環境づくり", 2, 3),
        2: ("学びの充実", 1, 1),
    }
    assert {n: (m.title, m.goal) for n, m in other_plan.measures.items()} == {
        5: ("相談体制の充実", 1),
        6: ("情報発信の強化", 1),
        7: ("学習環境の整備", 2),
    }
    assert {n: (i.title, i.measure, i.goal) for n, i in other_plan.initiatives.items()} == {
        31: ("子育て相談窓口の一本化", 5, 1),
        32: ("夜間相談の実施", 5, 1),
        33: ("子育てアプリの配信", 6, 1),
        34: ("図書館の電子化", 7, 2),
    }


def test_other_plan_sheet_with_owners_on_one_line(other_plan: ParsedPlan) -> None:
    sheet = other_plan.initiatives[33]

    assert sheet.owners == ("こども家庭支援課", "広報課")
    assert sheet.content == "■ 健診や予防接種の案内をアプリで届ける"
    assert sheet.current_state == "紙の通知を郵送している"
    assert sheet.target_state == "必要な情報が必要な時にスマートフォンに届く"
    for number in (31, 32, 34):
        assert other_plan.initiatives[number].owners == ()


def test_other_plan_indicator_with_current_and_target(other_plan: ParsedPlan) -> None:
    assert other_plan.measures[6].indicators == (
        Indicator("アプリ登録者数", "1,200人", "5,000人", "現況(令和6年度)", "目標(令和9年度)"),
    )
    assert other_plan.measures[6].description == "子育て情報を必要な人に届けるため、アプリやSNSによる発信を強化します。"


def test_other_plan_loses_no_text(other_plan: ParsedPlan) -> None:
    for page in (OTHER_PLAN, OTHER_PLAN_PAGE_2, OTHER_PLAN_PAGE_3):
        assert lost_lines(normalize(page), other_plan) == []


def test_other_plan_units_keep_their_pages_and_locations(other_plan: ParsedPlan) -> None:
    located = {(unit.kind, unit.location): unit.page for unit in other_plan.units}

    assert located[("table", "第3章 > 施策の体系 > 目標1 > 施策5")] == 1
    assert located[("measure", "第3章 > 目標1 > 施策6")] == 2
    assert located[("sheet", "第3章 > 目標1 > 施策6 > 取組33")] == 3


def test_text_without_plan_structure_still_becomes_located_units() -> None:
    markdown = "# BPR相談会の記録\n\n## 相談内容\n\n紙の申請書を電子化したい。\n\n## 助言\n\nノーコードツールの活用を検討する。\n"

    parsed = parse([(normalize(markdown), None)])

    assert (parsed.goals, parsed.measures, parsed.initiatives) == ({}, {}, {})
    located = {unit.location: unit.text for unit in parsed.units}
    assert "紙の申請書を電子化したい。" in located["BPR相談会の記録 > 相談内容"]
    assert "ノーコードツールの活用を検討する。" in located["BPR相談会の記録 > 助言"]


def test_a_markdown_sheet_is_a_sheet_whatever_its_heading_marks() -> None:
    text = ("# BPR相談会の記録\n\n## 相談内容\n\n窓口の紙申請を手入力している。\n\n"
            "# 施策9 AI・デジタル技術による業務変革\n\n## 取組13 BPRの推進\n\n担当 情報政策課\n行政改革推進課\n\n"
            "## 取組内容\n■ 業務の流れを見直す\n\n## 現状\n紙で回覧している\n")
    parsed = parse([(normalize(text), None)])
    sheet = parsed.initiatives[13]
    assert (sheet.title, sheet.measure, sheet.owners) == ("BPRの推進", 9, ("情報政策課", "行政改革推進課"))
    assert (sheet.content, sheet.current_state) == ("■ 業務の流れを見直す", "紙で回覧している")
    assert [(u.kind, u.location) for u in parsed.units] == [
        ("section", "BPR相談会の記録 > 相談内容"),
        ("sheet", "BPR相談会の記録 > 施策9 > 取組13"),
    ]
    assert "#" not in "".join(u.text for u in parsed.units)
