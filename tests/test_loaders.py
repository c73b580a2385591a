"""Loading files: text in the encodings Japanese offices use, PDFs with page numbers, and bad input.

A maintainer drops whatever the city has (a UTF-8 export, a Shift_JIS file from an old PC,
a PDF of the plan) into the corpus; each file either loads with its text and page numbers,
or fails with an error that names the file and says what is wrong.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from taito_dx.ingest.load import load
from taito_dx.ingest.text import decode
from taito_dx.errors import EmptyDocumentError, IngestError, UnreadableFileError, UnsupportedFileError

JAPANESE_FONT = "HeiseiKakuGo-W5"
PLAN_TEXT = (
    "(仮称)台東区DX推進計画\n"
    "令和7年12月17日～令和8年1月7日 パブリックコメント実施\n"
    "取組12 アナログ規制の点検・見直し\n"
    "担当 情報政策課\n"
)


def write_pdf(path: Path, pages: list[list[str]], **options: object) -> Path:
    """A PDF with one page per list of lines, drawn in a Japanese CID font (an empty list: a blank page)."""
    pdfmetrics.registerFont(UnicodeCIDFont(JAPANESE_FONT))
    pdf = canvas.Canvas(str(path), pagesize=A4, **options)
    for lines in pages:
        pdf.setFont(JAPANESE_FONT, 12)
        for row, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * row, line)
        pdf.showPage()
    pdf.save()
    return path


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


# -- text files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "cp932", "shift_jis", "utf-16"],
    ids=["utf-8", "utf-8 with BOM", "cp932", "shift_jis", "utf-16 with BOM"],
)
def test_text_file_in_each_encoding_reads_back_the_same_text(tmp_path: Path, encoding: str) -> None:
    # Strict Shift_JIS has no U+FF5E; its wave dash U+301C is the same byte pair, read back as CP932's ～.
    text = PLAN_TEXT if encoding != "shift_jis" else PLAN_TEXT.replace("～", "〜")
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode(encoding))

    document = load(path)

    assert document.source == str(path)
    assert len(document.pages) == 1
    assert document.pages[0].number is None
    assert document.pages[0].text == PLAN_TEXT  # no BOM left at the start, no mojibake


def test_cp932_only_characters_survive(tmp_path: Path) -> None:
    """Windows-made files use CP932 extensions (circled numbers, ㈱, ～) that plain Shift_JIS lacks."""
    text = "①行政手続きのオンライン化\n②オンライン相談の拡充\n㈱ 受託事業者 9,300時間/年\n"
    path = tmp_path / "cp932.txt"
    path.write_bytes(text.encode("cp932"))

    assert load(path).pages[0].text == text


def test_utf16_without_bom_is_detected_in_either_byte_order() -> None:
    text = "取組12 アナログ規制の点検・見直し (Analog regulation review) 2025\n"
    assert decode(text.encode("utf-16-le"), "plan.txt") == text
    assert decode(text.encode("utf-16-be"), "plan.txt") == text


def test_markdown_file_loads_as_text(tmp_path: Path) -> None:
    markdown = "# 台東区DX推進計画\n\n## 目標1 便利で快適な行政サービスの提供\n\n- 行政手続きのオンライン化\n"
    path = tmp_path / "notes.md"
    path.write_text(markdown, encoding="utf-8")

    document = load(path)

    assert document.pages[0].text == markdown
    assert document.pages[0].number is None


def test_extension_is_matched_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "PLAN.TXT"
    path.write_text(PLAN_TEXT, encoding="utf-8")

    assert load(path).pages[0].text == PLAN_TEXT


def test_source_name_is_used_in_place_of_the_path(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN_TEXT, encoding="utf-8")

    document = load(path, source="corpus/plan.txt")

    assert document.source == "corpus/plan.txt"


def test_same_bytes_give_the_same_hash_and_changed_bytes_another(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(PLAN_TEXT, encoding="utf-8")
    second.write_text(PLAN_TEXT, encoding="utf-8")
    assert load(first).sha256 == load(second).sha256

    second.write_text(PLAN_TEXT + "追記\n", encoding="utf-8")
    assert load(first).sha256 != load(second).sha256


# -- PDF -----------------------------------------------------------------------------


def test_japanese_pdf_keeps_page_numbers_and_text(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "plan.pdf",
        [
            ["第1章 計画の基本的な考え方", "デジタル技術を活用して、行政サービスの向上を図ります。"],
            ["取組12 アナログ規制の点検・見直し", "担当 情報政策課"],
            ["評価指標 業務削減時間数 9,300時間/年"],
        ],
    )

    document = load(path)

    assert [page.number for page in document.pages] == [1, 2, 3]
    texts = [nfkc(page.text) for page in document.pages]
    assert "第1章 計画の基本的な考え方" in texts[0]
    assert "デジタル技術を活用して、行政サービスの向上を図ります。" in texts[0]
    assert "取組12 アナログ規制の点検・見直し" in texts[1]
    assert "担当 情報政策課" in texts[1]
    assert "9,300時間/年" in texts[2]
    assert "情報政策課" not in texts[0]  # each page holds its own text only


def test_pdf_blank_page_is_skipped_but_later_pages_keep_their_numbers(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "plan.pdf", [["目標1 便利で快適な行政サービスの提供"], [], ["目標3 DX推進体制の強化・組織風土の醸成"]])

    document = load(path)

    assert [page.number for page in document.pages] == [1, 3]
    assert "目標3" in nfkc(document.pages[1].text)


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Many published PDFs are 'encrypted' only to restrict printing; they open without a password."""
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf", [["取組1 行政手続きのオンライン化"]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as out:
        writer.write(out)

    document = load(path)

    assert "取組1 行政手続きのオンライン化" in nfkc(document.pages[0].text)


# -- bad input: each error names the file and says what to do ---------------------------------


def test_truncated_pdf_is_unreadable(tmp_path: Path) -> None:
    whole = write_pdf(tmp_path / "whole.pdf", [["取組1 行政手続きのオンライン化"], ["取組2 オンライン相談の拡充"]])
    path = tmp_path / "truncated.pdf"
    path.write_bytes(whole.read_bytes()[:400])

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value).startswith(f"{path}: not a readable PDF (")
    assert caught.value.path == str(path)


def test_text_named_pdf_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_text("これはPDFではありません", encoding="utf-8")

    with pytest.raises(UnreadableFileError, match=r"not a readable PDF") as caught:
        load(path)

    assert str(caught.value).startswith(f"{path}: ")


def test_encrypted_pdf_says_to_save_an_unencrypted_copy(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "secret.pdf", [["取組12 アナログ規制の点検・見直し"]], encrypt="user-password")

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: the PDF is encrypted: save an unencrypted copy and ingest that"


def test_pdf_encrypted_with_pypdf_is_refused_the_same_way(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf", [["取組12 アナログ規制の点検・見直し"]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="user-password", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as out:
        writer.write(out)

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: the PDF is encrypted: save an unencrypted copy and ingest that"


def test_pdf_without_text_layer_says_to_ocr_it(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.rect(100, 400, 300, 200, fill=1)  # what a scanned page looks like to a text extractor
    pdf.showPage()
    pdf.save()

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: the PDF has no text layer (scanned image?): OCR it first"


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.pdf"])
def test_zero_byte_file_is_empty(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")

    with pytest.raises(EmptyDocumentError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: the file is empty"


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\t\n\u3000\n", encoding="utf-8")  # the ideographic space is not a letter either

    with pytest.raises(EmptyDocumentError) as caught:
        load(path)

    assert str(caught.value) in (f"{path}: the file is empty", f"{path}: the file holds no text")


def test_file_with_only_a_bom_holds_no_text(tmp_path: Path) -> None:
    path = tmp_path / "bom-only.txt"
    path.write_bytes(b"\xef\xbb\xbf")

    with pytest.raises(EmptyDocumentError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: the file holds no text"


@pytest.mark.parametrize(
    "data, label",
    [
        (b"\xef\xbb\xbf" + "台東区DX推進計画".encode("cp932"), "UTF-8"),  # a BOM pasted onto a Shift_JIS file
        ("台東区DX推進計画".encode("utf-16")[:-1], "UTF-16"),  # cut off mid-character
    ],
    ids=["utf-8 BOM on cp932", "truncated utf-16"],
)
def test_text_that_contradicts_its_byte_order_mark_is_unreadable(tmp_path: Path, data: bytes, label: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: starts with a {label} byte-order mark but is not valid {label} (")
    assert message.endswith(f"): re-save it as {label}")


def test_binary_junk_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value) == (f"{path}: not text: the file is a PNG image, whatever its name says: "
                                 "save it as text (or PDF) and ingest that")


def test_control_characters_without_nul_are_not_taken_for_text(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(1, 9)) * 200)

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: cannot decode as UTF-8, CP932/Shift_JIS or EUC-JP text"


@pytest.mark.parametrize("name, shown", [("plan.docx", ".docx"), ("plan.xlsx", ".xlsx"), ("README", "(none)")])
def test_unknown_extension_is_unsupported(tmp_path: Path, name: str, shown: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not something we read")

    with pytest.raises(UnsupportedFileError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: unsupported file type {shown}: use .txt, .md, .markdown, .pdf"


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"

    with pytest.raises(UnreadableFileError) as caught:
        load(path)

    assert str(caught.value) == f"{path}: the file disappeared before it could be read"


def test_every_loader_error_is_an_ingest_error() -> None:
    """The pipeline catches `IngestError` to report a file and go on with the others."""
    for error in (UnsupportedFileError, UnreadableFileError, EmptyDocumentError):
        assert issubclass(error, IngestError)
