"""The published plan arrives as slide PDFs whose text boxes are stored in the order they were made, not read.

The tests draw slides with several text boxes each, stored out of order (the 担当 box, on the right of the
slide, first), and check that the PDF reads like its text edition: the same owners, indicators and citations,
with each citation's page the slide it is on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from taito_dx.assistant.assistant import Assistant
from taito_dx.ingest.load import load
from taito_dx.ingest.pipeline import run
from taito_dx.ingest.reading_order import page_text
from taito_dx.models import Answer
from taito_dx.settings import Settings

FONT = "HeiseiKakuGo-W5"
LEFT, RIGHT = 40, 560

# A slide is its boxes in reading order: (x, top y, font size, lines). Each is stored in the order of STORED.
SLIDES: list[list[tuple[int, int, int, list[str]]]] = [
    [(LEFT, 550, 18, ["【施策9】AI・デジタル技術による業務変革"]),
     (LEFT, 510, 11, ["AIやRPA等のデジタル技術の活用を前提とした業務手順への見直しを進め、業務効率化・省力化を進めます。"]),
     (LEFT, 470, 12, ["取組12 アナログ規制の点検・見直し", "取組13 BPRの推進"]),
     (RIGHT, 470, 12, ["評価指標", "現況(令和7年度) > 目標(令和10年度)", "業務削減時間数", "9,300時間/年"])],
    [(LEFT, 550, 16, ["施策9 AI・デジタル技術による業務変革"]),
     (LEFT, 520, 14, ["取組12 アナログ規制の点検・見直し"]),
     (RIGHT, 520, 12, ["担当 情報政策課", "総務課"]),
     (LEFT, 470, 12, ["取組内容 ■ デジタル技術の活用を阻害する条例や要綱等を見直すことで、デジタル化の推進を図る"]),
     (LEFT, 300, 12, ["現状", "書面掲示規制", "指定場所での書類の掲示が必要"]),
     (RIGHT, 300, 12, ["あるべき姿", "デジタル技術の活用を前提とした業務への見直し", "インターネット上で公開可能"])],
    [(LEFT, 550, 16, ["【施策9】AI・デジタル技術による業務変革"]),
     (RIGHT, 550, 12, ["担当課：情報政策課、行政改革担当"]),  # beside the title, above the 取組 heading
     (LEFT, 520, 14, ["【取組13】BPRの推進"]),
     (LEFT, 470, 12, ["取組内容：■ 業務プロセスを可視化し、業務の見直し（BPR）を推進する"]),
     (LEFT, 300, 12, ["現状：前例踏襲の業務手順が多く、紙や押印を前提とした処理が残っている"]),
     (RIGHT, 300, 12, ["あるべき姿：各課が自ら業務を分析し、効率的な業務手順に継続的に改善している"])],
]
# The order the authoring tool stored each slide's boxes in: the 担当 box and the lower boxes first.
STORED = [[3, 1, 2, 0], [2, 5, 4, 3, 0, 1], [1, 5, 4, 3, 2, 0]]
# Boxes level with each other stored one after the other (a 取組 heading, then the 担当 box on its right).
SIDE_BY_SIDE = [[2, 3, 0, 1], [1, 2, 0, 3, 4, 5], [2, 0, 1, 3, 5, 4]]


def write_slides(path: Path, order: list[list[int]]) -> Path:
    """The slides as a landscape PDF, each box one text object, stored in `order`."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    pdf = canvas.Canvas(str(path), pagesize=landscape(A4))
    for slide, stored in zip(SLIDES, order):
        for number in stored:
            x, top, size, lines = slide[number]
            box = pdf.beginText(x, top)
            box.setFont(FONT, size)
            for line in lines:
                box.textLine(line)
            pdf.drawText(box)
        pdf.showPage()
    pdf.save()
    return path


def text_edition(path: Path) -> Path:
    path.write_text("\n\n".join("\n".join(line for *_, lines in slide for line in lines) for slide in SLIDES) + "\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("stored", [STORED, SIDE_BY_SIDE], ids=["lower boxes first", "level boxes one after the other"])
def test_boxes_stored_out_of_order_are_read_top_to_bottom_and_left_to_right(tmp_path: Path,
                                                                           stored: list[list[int]]) -> None:
    reader = PdfReader(write_slides(tmp_path / "slides.pdf", stored))

    for page, slide in zip(reader.pages, SLIDES):
        assert page.extract_text().splitlines()[0] != slide[0][3][0]  # pypdf's own order is the stored one
        assert page_text(page).splitlines() == [line for *_, lines in slide for line in lines]


def test_boxes_stored_in_reading_order_keep_pypdfs_text(tmp_path: Path) -> None:
    in_order = [list(range(len(slide))) for slide in SLIDES]
    reader = PdfReader(write_slides(tmp_path / "slides.pdf", in_order))

    assert [page_text(page) for page in reader.pages] == [page.extract_text() for page in reader.pages]


def test_a_slide_pdf_loads_with_a_text_per_slide(tmp_path: Path) -> None:
    document = load(write_slides(tmp_path / "slides.pdf", STORED))

    assert [page.number for page in document.pages] == [1, 2, 3]
    assert document.pages[1].text.splitlines()[2:4] == ["担当 情報政策課", "総務課"]


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Assistant]:
    """Assistants over the slide PDF and over its text edition, each in an index of its own."""
    assistants = []
    for name, write in (("slides.pdf", lambda p: write_slides(p, STORED)), ("slides.txt", text_edition)):
        folder = tmp_path_factory.mktemp(name.replace(".", "-"))
        write(folder / name)
        settings = Settings.load(env={}, index_dir=folder / "index", corpus=(folder,))
        report = run([folder / name], settings)
        assert (report.errors, report.warnings) == ([], [])
        assistants.append(Assistant(settings))
    return assistants[0], assistants[1]


def where(answer: Answer) -> list[tuple[str, int | None]]:
    return [(citation.location, citation.page) for citation in answer.citations]


@pytest.mark.parametrize("question, owners, page", [
    ("取組12の担当は？", ["情報政策課", "総務課"], 2),
    ("Who owns 取組13?", ["情報政策課", "行政改革担当"], 3),
])
def test_the_slide_pdf_gives_the_owners_and_citations_of_its_text_edition(
        editions: tuple[Assistant, Assistant], question: str, owners: list[str], page: int) -> None:
    slides, text = editions
    from_pdf, from_text = slides.ask(question), text.ask(question)

    assert from_pdf.text == from_text.text
    assert all(owner in from_pdf.text for owner in owners)
    assert [location for location, _ in where(from_pdf)] == [location for location, _ in where(from_text)]
    assert where(from_pdf)[0][1] == page and where(from_text)[0][1] is None


@pytest.mark.parametrize("question", ["取組13の現状は？", "取組12のあるべき姿は？", "施策9の評価指標は？"])
def test_the_slide_pdf_answers_sheet_fields_and_indicators_as_its_text_edition(
        editions: tuple[Assistant, Assistant], question: str) -> None:
    slides, text = editions
    from_pdf, from_text = slides.ask(question), text.ask(question)

    assert not from_pdf.abstained and from_pdf.text == from_text.text
    assert [c.location for c in from_pdf.citations] == [c.location for c in from_text.citations]
    assert all(c.page in (1, 2, 3) for c in from_pdf.citations)

