"""Normalising extracted text: NFKC, OCR repairs against the document's own words, slide noise out.

The plan's text comes from slides: full-width digits, half-width katakana, page numbers on
lines of their own, and OCR that read katakana as Cyrillic (`ディバайд`). Normalisation must
clean that up by rule, without inventing words the document does not use.
"""

from __future__ import annotations

from taito_dx.ingest.normalize import keep_line, normalize, repair_mixed_script
from taito_dx.settings import REPO_CORPUS

CORPUS_FILE = REPO_CORPUS / "taito-dx-plan-interim-summary.txt"


# -- NFKC ----------------------------------------------------------------------------


def test_full_width_ascii_and_half_width_katakana_are_unified() -> None:
    text = normalize("ＤＸ推進計画（令和８年度～令和１０年度）\nｵﾝﾗｲﾝ申請\n")

    assert text == "DX推進計画(令和8年度~令和10年度)\nオンライン申請\n"


def test_circled_numbers_and_compatibility_characters_are_unfolded() -> None:
    assert normalize("①行政手続き ㈱台東 ㌔\n") == "1行政手続き (株)台東 キロ\n"


def test_windows_and_old_mac_line_ends_become_newlines() -> None:
    assert normalize("第1章 計画の基本的な考え方\r\n策定趣旨\r計画期間\n") == "第1章 計画の基本的な考え方\n策定趣旨\n計画期間\n"


def test_normalising_twice_changes_nothing() -> None:
    once = normalize(CORPUS_FILE.read_text(encoding="utf-8"))

    assert normalize(once) == once


# -- mixed-script repair -----------------------------------------------------------------


def test_katakana_word_with_cyrillic_inside_takes_the_documents_own_spelling() -> None:
    text = "デジタル・ディバайд対策を進めます。\n取組3 デジタル・ディバイド対策\n"

    assert normalize(text) == "デジタル・ディバイド対策を進めます。\n取組3 デジタル・ディバイド対策\n"


def test_katakana_word_with_greek_inside_is_repaired_too() -> None:
    text = "スマートフォンの普及\nスマートφォンで申請\n"  # φ read for フ

    assert repair_mixed_script(text) == "スマートフォンの普及\nスマートフォンで申請\n"


def test_mixed_word_is_left_alone_when_the_document_has_no_such_word() -> None:
    text = "デジタル・ディバайд対策を進めます。\n"

    assert normalize(text) == text  # no guess from outside the document


def test_repair_prefers_the_spelling_the_document_uses_most() -> None:
    text = "ディバイド ディバイド ディバイダ\nディバайд\n"

    assert repair_mixed_script(text).splitlines()[-1] == "ディバイド"


def test_text_without_foreign_letters_is_returned_as_it_is() -> None:
    text = "Россия と日本 (Cyrillic not inside katakana)\n"

    assert repair_mixed_script(text) == text


def test_the_shipped_corpus_is_repaired_where_it_has_the_ocr_error() -> None:
    raw = CORPUS_FILE.read_text(encoding="utf-8")
    assert "ディバайд" in raw  # the corpus ships as extracted, noise included

    text = normalize(raw)

    assert "ディバайд" not in text
    assert "行政手続きのオンライン化等の推進やデジタル・ディバイド対策など" in text


# -- lines ---------------------------------------------------------------------------


def test_page_number_lines_are_removed() -> None:
    text = normalize("取組ごとにシートを作成\n\n17\n\n18\n\n- 3 -\n１９\n 38 \n【施策9】AI・デジタル技術による業務変革\n")

    assert text == "取組ごとにシートを作成\n\n【施策9】AI・デジタル技術による業務変革\n"


def test_lines_without_letters_or_digits_are_removed() -> None:
    assert normalize("■\n→\n・・・\n担当 情報政策課\n") == "担当 情報政策課\n"


def test_text_lines_are_kept_in_order_with_their_figures() -> None:
    lines = [
        "評価指標",
        "現況(令和7年度) > 目標(令和10年度)",
        "業務削減時間数",
        "9,300時間/年",
        "20%",
        "令和8年度から令和10年度までの3年間とします。",
        "DX",
    ]

    assert normalize("\n".join(lines)).splitlines() == lines


def test_tab_separated_table_rows_keep_their_tabs() -> None:
    row = "施策9\tAI・デジタル技術による業務変革\t【取組12】アナログ規制の点検・見直し"

    assert normalize(row + "  \n") == row + "\n"


def test_runs_of_blank_lines_collapse_to_one_and_edges_are_trimmed() -> None:
    assert normalize("\n\n\n第1章\n\n\n\n\n1. 策定趣旨   \n\n\n") == "第1章\n\n1. 策定趣旨\n"


def test_keep_line_decides_line_by_line() -> None:
    assert keep_line("") is True  # blank lines stay, they separate paragraphs
    assert keep_line("39") is False
    assert keep_line("- 12 -") is False
    assert keep_line("◆") is False
    assert keep_line("取組12") is True
    assert keep_line("120") is False  # a bare number of up to 3 digits is a page number...
    assert keep_line("2025") is True  # ...a year is not


def test_shipped_corpus_loses_its_page_numbers_but_keeps_its_text() -> None:
    raw = CORPUS_FILE.read_text(encoding="utf-8")
    assert "\n17\n" in raw and "\n39" in raw

    lines = normalize(raw).splitlines()

    assert not any(line.strip().isdigit() for line in lines)
    for expected in ("担当 情報政策課", "総務課", "9,300時間/年", "20%", "取組12 アナログ規制の点検・見直し"):
        assert expected in lines
