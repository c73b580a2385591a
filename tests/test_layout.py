"""Sheets and 評価指標 in the layouts Japanese plan documents use, read the same way.

A maintainer adds a new edition whose sheets are laid out differently from the interim summary: labels in
【】 or ［］, with a colon or none, 担当課 or 所管 for the owner, owners separated by 、・/ or put on lines of
their own, fields in another order, indicator figures on one line. Each is parsed into the same fields.
"""

from __future__ import annotations

import pytest

from taito_dx.ingest import layout
from taito_dx.ingest.normalize import normalize
from taito_dx.ingest.structure import ParsedPlan, parse
from taito_dx.models import Indicator


def read(text: str) -> ParsedPlan:
    return parse([(normalize(text), None)])


def sheet(heading: str, *fields: str) -> str:
    return "\n\n".join((heading, *fields)) + "\n"


HEADINGS = {
    "plain": "施策9 AI・デジタル技術による業務変革\n\n取組13 BPRの推進",
    "bracketed": "【施策9】AI・デジタル技術による業務変革\n\n【取組13】BPRの推進",
    "full-width digits": "施策９ AI・デジタル技術による業務変革\n\n取組１３ BPRの推進",
}


@pytest.mark.parametrize("heading", HEADINGS.values(), ids=HEADINGS.keys())
@pytest.mark.parametrize("label", ["担当", "担当課", "所管", "所管課", "担当部署", "担当部局", "関係課"])
@pytest.mark.parametrize("form", ["{label} {value}", "{label}：{value}", "{label}: {value}", "【{label}】{value}",
                                  "【{label}】：{value}", "［{label}］{value}", "［{label}］：{value}", "{label}\n{value}",
                                  "【{label}】\n{value}", "{label}：\n{value}"])
def test_every_owner_label_in_every_form_gives_the_owners(heading: str, label: str, form: str) -> None:
    text = sheet(heading, form.format(label=label, value="情報政策課、行政改革担当"),
                 "取組内容 ■ 業務の流れを見直す", "現状 紙で回覧している", "あるべき姿 電子で決裁できる")

    parsed = read(text)

    initiative = parsed.initiatives[13]
    assert initiative.has_sheet and (initiative.title, initiative.measure) == ("BPRの推進", 9)
    assert initiative.owners == ("情報政策課", "行政改革担当")
    assert (initiative.content, initiative.current_state, initiative.target_state) == (
        "■ 業務の流れを見直す", "紙で回覧している", "電子で決裁できる")
    assert parsed.warnings == []


@pytest.mark.parametrize("heading", ["施策 9 AI・デジタル技術による業務変革\n取組 13 BPRの推進",
                                     "施策9：AI・デジタル技術による業務変革\n取組13：BPRの推進",
                                     "【施策 9】AI・デジタル技術による業務変革\n【取組 13】BPRの推進",
                                     "【施策9】AI・デジタル技術による業務変革 > 取組13 BPRの推進"])
@pytest.mark.parametrize("label", ["主管課", "所管部署", "担当所属"])
def test_other_heading_and_label_forms_a_plan_author_uses(heading: str, label: str) -> None:
    initiative = read(sheet(heading, f"{label}：情報政策課", "具体的な取組：■ 業務の流れを見直す",
                            "目指すべき姿：電子で決裁できる")).initiatives[13]

    assert (initiative.title, initiative.measure, initiative.owners) == ("BPRの推進", 9, ("情報政策課",))
    assert (initiative.content, initiative.target_state) == ("■ 業務の流れを見直す", "電子で決裁できる")


@pytest.mark.parametrize("owners", ["情報政策課、総務課、子育て・若者支援課", "情報政策課・総務課・子育て・若者支援課",
                                    "情報政策課 総務課 子育て・若者支援課", "情報政策課　総務課　子育て・若者支援課",
                                    "情報政策課/総務課/子育て・若者支援課", "情報政策課 ／ 総務課 ／ 子育て・若者支援課",
                                    "情報政策課\n総務課\n子育て・若者支援課"])
def test_owners_are_split_at_every_separator_but_inside_a_name(owners: str) -> None:
    parsed = read(sheet(HEADINGS["plain"], f"担当課：{owners}", "現状：紙で回覧している"))

    assert parsed.initiatives[13].owners == ("情報政策課", "総務課", "子育て・若者支援課")


def test_the_examples_of_the_issue_read_their_owners_without_the_label() -> None:
    assert read(sheet(HEADINGS["plain"], "担当課：情報政策課、行政改革担当")).initiatives[13].owners == (
        "情報政策課", "行政改革担当")
    assert read(sheet(HEADINGS["plain"], "担当: 情報政策課")).initiatives[13].owners == ("情報政策課",)
    assert read(sheet(HEADINGS["plain"], "所管課 人事課・総務課")).initiatives[13].owners == ("人事課", "総務課")


def test_bracketed_labels_on_their_own_lines_are_a_sheet() -> None:
    parsed = read(sheet(HEADINGS["bracketed"], "【担当】\n情報政策課", "【取組内容】\n■ 業務の流れを見直す",
                        "【現状】\n紙で回覧している", "【あるべき姿】\n電子で決裁できる"))

    initiative = parsed.initiatives[13]
    assert (initiative.owners, initiative.content, initiative.current_state, initiative.target_state) == (
        ("情報政策課",), "■ 業務の流れを見直す", "紙で回覧している", "電子で決裁できる")


@pytest.mark.parametrize("order", [(0, 1, 2, 3), (1, 2, 3, 0), (0, 2, 3, 1), (3, 2, 1, 0)])
def test_fields_are_read_in_any_order(order: tuple[int, ...]) -> None:
    fields = ("担当部署\n情報政策課\n総務課", "取組内容：\n・業務の流れを見直す\n・決裁を電子化する",
              "現状：紙で回覧している", "あるべき姿：電子で決裁できる")

    initiative = read(sheet(HEADINGS["plain"], *(fields[i] for i in order))).initiatives[13]

    assert initiative.owners == ("情報政策課", "総務課")
    assert initiative.content == "・業務の流れを見直す\n・決裁を電子化する"
    assert (initiative.current_state, initiative.target_state) == ("紙で回覧している", "電子で決裁できる")


def test_prose_that_begins_with_a_label_word_is_no_label() -> None:
    assert layout.field_label("担当者が不在の場合は翌日に回答する") is None
    assert layout.field_label("現状では紙で回覧している") is None
    assert layout.field_label("担当 情報政策課") == (layout.OWNER, "情報政策課")
    assert layout.field_label("取組内容■ 業務の見直し") == (layout.CONTENT, "■ 業務の見直し")


MEASURE_PAGE = "【施策12】デジタル時代の新しい働き方の実現\n場所にとらわれない働き方を実現します。\n\n取組21 テレワーク、フリーアドレスの推進\n\n評価指標\n\n"
HEADER = "現況(令和7年度) > 目標(令和10年度)"


@pytest.mark.parametrize("indicator", [
    f"{HEADER}\n\nテレワーク実施率\n\n15%\n\n40%",
    f"{HEADER}\n\nテレワーク実施率\n15% > 40%",
    f"{HEADER}\n\nテレワーク実施率 15% → 40%",
    f"{HEADER}\n\nテレワーク実施率　15% → 40%",
    f"{HEADER}\n\nテレワーク実施率\n15%／40%",
    f"{HEADER}\n\nテレワーク実施率\n15%\t40%",
    "評価指標\t現況(令和7年度)\t目標(令和10年度)\nテレワーク実施率\t15%\t40%",
    "テレワーク実施率\n現況(令和7年度)：15%\n目標(令和10年度)：40%",
    "テレワーク実施率\n目標(令和10年度)：40%\n現況(令和7年度)：15%",
    "目標(令和10年度) > 現況(令和7年度)\n\nテレワーク実施率\n40% > 15%",
], ids=["separate lines", ">", "→", "→ after a full-width space", "／", "tab", "table row", "labelled lines",
        "labelled lines, target first", "header naming the target first"])
def test_current_and_target_are_read_in_every_layout(indicator: str) -> None:
    parsed = read(MEASURE_PAGE + indicator)

    assert parsed.measures[12].indicators == (
        Indicator("テレワーク実施率", "15%", "40%", "現況(令和7年度)", "目標(令和10年度)"),)
    assert parsed.measures[12].description == "場所にとらわれない働き方を実現します。"


def test_one_figure_under_both_columns_is_kept_with_its_column_not_stated() -> None:
    """The issue's case: "15% > 40%" is not a target, and one figure alone is in no stated column."""
    (indicator,) = read(MEASURE_PAGE + f"{HEADER}\n\n業務削減時間数\n\n9,300時間/年").measures[12].indicators

    assert (indicator.current, indicator.target, indicator.value) == ("", "", "9,300時間/年")
    assert not indicator.column_stated


def test_one_labelled_figure_is_in_its_column() -> None:
    (indicator,) = read(MEASURE_PAGE + "テレワーク実施率\n目標(令和10年度)：40%").measures[12].indicators

    assert (indicator.current, indicator.target, indicator.value) == ("", "40%", "")
    assert indicator.column_stated


@pytest.mark.parametrize("figures", ["新規 > 40%", "新規\t40%", "―／40%"])
def test_a_column_without_a_figure_yet_keeps_what_the_table_says(figures: str) -> None:
    (indicator,) = read(MEASURE_PAGE + f"{HEADER}\n\nテレワーク実施率\n{figures}").measures[12].indicators

    assert (indicator.current, indicator.target) == (figures[:-4].strip(" \t/／>"), "40%")


def test_a_figure_per_unit_is_not_split_at_its_slash() -> None:
    (indicator,) = read(MEASURE_PAGE + f"{HEADER}\n\n校務削減時間\n0.5時間/日 > 1時間/日").measures[12].indicators

    assert (indicator.current, indicator.target) == ("0.5時間/日", "1時間/日")


def test_a_measure_page_and_the_sheet_after_it_share_a_plain_heading_style() -> None:
    """A plain 施策 heading followed by its description is the 施策's page; followed by a 取組 and fields, a sheet."""
    text = ("全体版\n\n施策３ アクセシビリティの向上\n誰もが必要な情報を得られるようにします。\n\n取組4 区公式ホームページのアクセシビリティの向上\n\n"
            f"評価指標\n\n{HEADER}\n\n適合率\n78% > 100%\n\n"
            "施策３ アクセシビリティの向上\n\n取組4 区公式ホームページのアクセシビリティの向上\n\n担当課：広報課、情報政策課\n\n"
            "現状：代替テキストがない\n\nあるべき姿：誰もが読める\n\n取組内容：■ 検査を定期的に実施する\n")

    parsed = read(text)

    assert [(unit.kind, unit.location) for unit in parsed.units] == [
        ("measure", "全体版 > 施策3"), ("sheet", "全体版 > 施策3 > 取組4")]  # the title line opens the first unit
    assert parsed.measures[3].indicators[0].target == "100%"
    assert parsed.initiatives[4].owners == ("広報課", "情報政策課")
    assert parsed.initiatives[4].content == "■ 検査を定期的に実施する"


def test_a_goal_heading_ends_the_sheet_before_it() -> None:
    text = sheet(HEADINGS["plain"], "担当 情報政策課", "あるべき姿 電子で決裁できる") + "\n目標3 DX推進体制の強化\n"

    assert read(text).initiatives[13].target_state == "電子で決裁できる"


# -- what cannot be read is said ------------------------------------------------------------------

def test_a_sheet_without_labels_is_indexed_as_text_and_reported() -> None:
    text = ("施策9 AI・デジタル技術による業務変革\n\n取組14 RPA・AI-OCRの活用\n\n"
            "この取組は情報政策課が各課と協力して進めるもので、定型的なパソコン作業をRPAで自動化する。\n")

    parsed = read(text)

    assert 14 not in parsed.initiatives or not parsed.initiatives[14].has_sheet
    (unit,) = [unit for unit in parsed.units if unit.initiative == 14]
    assert unit.kind == "section" and "RPAで自動化する" in unit.text
    assert parsed.warnings == ["the sheet of 取組14 (施策9) has no field label (担当、取組内容、現状、あるべき姿) "
                               "that could be read: indexed as text only"]


def test_a_sheet_missing_its_owner_is_reported_by_page() -> None:
    pages = [(normalize(sheet(HEADINGS["plain"], "取組内容 ■ 業務の流れを見直す", "現状 紙で回覧している")), 7)]

    parsed = parse(pages)

    assert parsed.initiatives[13].has_sheet and parsed.initiatives[13].owners == ()
    assert parsed.warnings == ["page 7: the sheet of 取組13 states no 担当、あるべき姿 that could be read"]


def test_an_indicator_without_figures_is_reported() -> None:
    parsed = read(MEASURE_PAGE + f"{HEADER}\n\nテレワーク実施率\n")

    assert parsed.measures[12].indicators == (Indicator("テレワーク実施率", "", "", "現況(令和7年度)", "目標(令和10年度)"),)
    assert parsed.warnings == ["the 評価指標 of 施策12 has no figure that could be read"]
