"""A corpus folder full of bad files: each one is named in a clear error, the good ones still get in.

A maintainer points `taito-dx ingest` at whatever the city's shared drive holds. One run over a
folder that mixes the plan with broken, odd and hostile files must ingest every good file, name
every bad one in one `error: <file>: <reason>` line, exit 1, and never show a traceback.

| input (created by the test)                               | how it ends                                      |
|-----------------------------------------------------------|--------------------------------------------------|
| `truncated.pdf`: a text PDF cut in half                   | error: not a readable PDF                        |
| `encrypted.pdf`: RC4 with a user password                 | error: the PDF is encrypted (save a copy)        |
| `scanned.pdf`: a blank page, no text layer                | error: no text layer (OCR it first)              |
| `error-page.pdf`: an HTML "404" page saved as .pdf        | error: not a readable PDF                        |
| `zero.pdf`: 0 bytes                                       | error: the file is empty                         |
| `empty.txt`: 0 bytes                                      | error: the file is empty                         |
| `blank.md`: spaces, tabs and newlines only                | error: the file is empty                         |
| `junk.txt`: random bytes with NULs                        | error: binary data, not text                     |
| `noise.txt`: random bytes without NULs                    | error: cannot decode as UTF-8, CP932 or EUC-JP   |
| `slides.docx`: an unsupported type                        | error: unsupported file type .docx               |
| `large.txt`: ~3.4 MB / 1.1M chars of plan-like lines      | error: over the limit of 1,000,000 characters    |
| `\\x83e\\x83X\\x83g.txt`: a CP932 file name (not UTF-8)     | error: the file name is not valid UTF-8          |
| `vanishing.txt`: deleted by the progress callback         | error: the file disappeared (in-process run only)|
| `plan.txt`: the shipped plan, UTF-8                       | ingested; 取組12 → 情報政策課                    |
| `cp932.txt`: Shift_JIS/CP932 text                         | ingested, text decoded exactly                   |
| `utf16.txt`: UTF-16 with BOM                              | ingested, text decoded exactly                   |
| `utf16-nobom.txt`: UTF-16-LE without BOM                  | ingested, text decoded exactly                   |
| `good.pdf`: Japanese text layer (CID font)                | ingested with page 1                             |
| `owner-locked.pdf`: encrypted, empty user password        | ingested                                         |
| `台東区 資料 フォルダ/計画 概要 版.txt`                     | ingested under that name                         |

Why a size limit rather than ingesting the large file: a real plan is ~10^5 characters; a
file of a million or more is a dump or a concatenation, and embedding it holds the ingest lock
for minutes on the 2-core machines this runs on. The limit (`max_document_chars`, env
`TAITO_DX_MAX_DOCUMENT_CHARS`) is checked before embedding, names the file and says how to
raise it; `test_document_size_limit_is_a_setting` shows it is the only thing that stops a file.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from taito_dx.ingest.pipeline import run
from taito_dx.index.directory import IndexDir
from taito_dx.settings import REPO_CORPUS, Settings

PLAN = REPO_CORPUS / "taito-dx-plan-interim-summary.txt"
CLI_TIMEOUT = 240
CP932_NAME = os.fsdecode(b"\x83e\x83X\x83g.txt")  # テスト.txt in CP932 bytes, as a Windows zip leaves it
CP932_NAME_SHOWN = "\\x83e\\x83X\\x83g.txt"

# Bad file (as named in the error) -> a fragment its error must hold.
BAD = {
    "truncated.pdf": "not a readable PDF",
    "encrypted.pdf": "encrypted",
    "scanned.pdf": "no text layer",
    "error-page.pdf": "not a readable PDF",
    "zero.pdf": "empty",
    "empty.txt": "empty",
    "blank.md": "empty",
    "junk.txt": "binary data",
    "noise.txt": "cannot decode",
    "slides.docx": "unsupported file type .docx",
    "large.txt": "over the limit of 1,000,000 characters",
    CP932_NAME_SHOWN: "not valid UTF-8",
}
VANISHING = "vanishing.txt"
JAPANESE_PATH = "台東区 資料 フォルダ/計画 概要 版.txt"

# Good file -> a phrase its chunks must hold (decoded exactly, after NFKC which leaves these alone).
GOOD = {
    "plan.txt": "アナログ規制の点検・見直し",
    "cp932.txt": "シフトJISの文書を読み込む",
    "utf16.txt": "UTF-16の文書を読み込む",
    "utf16-nobom.txt": "バイト順マークのない文書",
    "good.pdf": "PDFの取り込みを確認する",
    "owner-locked.pdf": "所有者パスワードだけの文書",
    JAPANESE_PATH: "日本語とスペースを含むパス",
}


def _pdf(lines: list[str]) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont("HeiseiKakuGo-W5", 11)
    for row, line in enumerate(lines):
        pdf.drawString(50, 800 - 16 * row, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _large_plan_like_text(min_chars: int) -> str:
    """Distinct lines in the plan's vocabulary, numbered so that none repeats."""
    rng = random.Random(12)
    sections = ["情報政策課", "総務課", "企画課", "区民課", "子育て支援課", "健康課", "教育委員会事務局"]
    verbs = ["推進します", "検討します", "拡充します", "見直します", "実施します"]
    subjects = ["行政手続きのオンライン化", "デジタル・ディバイド対策", "アナログ規制の点検", "BPRの推進",
                "生成AIの利用拡大", "テレワークの推進", "情報システムの標準化", "職員のICTリテラシー向上"]
    lines, size, n = [], 0, 0
    while size < min_chars:
        n += 1
        line = (f"{n}. {rng.choice(subjects)}について、{rng.choice(sections)}が第{n}項の目標に向けて"
                f"令和{rng.randint(8, 10)}年度までに{rng.randint(1, 99)}%の達成を目指し{rng.choice(verbs)}。\n")
        lines.append(line)
        size += len(line)
    return "".join(lines)


def make_fault_corpus(root: Path, *, vanishing: bool) -> Path:
    """The mixed folder of the table above, under `root`."""
    corpus = root / "corpus"
    corpus.mkdir()
    good_pdf = _pdf(["取組99 テスト用の取組", "担当 情報政策課", "取組内容 ■ PDFの取り込みを確認する"])
    rng = random.Random(7)

    (corpus / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    (corpus / "encrypted.pdf").write_bytes(_encrypted(good_pdf, "user-secret"))
    (corpus / "scanned.pdf").write_bytes(_blank_pdf())
    (corpus / "error-page.pdf").write_bytes(b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n")
    (corpus / "zero.pdf").write_bytes(b"")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blank.md").write_bytes(b"  \n\t\n\n   \n")
    (corpus / "junk.txt").write_bytes(b"\x00" + rng.randbytes(8192))
    (corpus / "noise.txt").write_bytes(bytes(b for b in rng.randbytes(8192) if b))
    (corpus / "slides.docx").write_bytes(b"PK\x03\x04" + rng.randbytes(1024))
    (corpus / "large.txt").write_text(_large_plan_like_text(1_100_000), encoding="utf-8")
    (corpus / CP932_NAME).write_text("取組94 ファイル名がCP932の文書\n担当 文書課\n", encoding="utf-8")
    if vanishing:
        (corpus / VANISHING).write_text("取組95 消える文書\n担当 消失課\n", encoding="utf-8")

    shutil.copy(PLAN, corpus / "plan.txt")
    (corpus / "cp932.txt").write_bytes("取組98 CP932の取組\n担当 企画課\n取組内容 ■ シフトJISの文書を読み込む\n".encode("cp932"))
    (corpus / "utf16.txt").write_bytes("取組97 UTF-16の取組\n担当 広報課\n取組内容 ■ UTF-16の文書を読み込む\n".encode("utf-16"))
    (corpus / "utf16-nobom.txt").write_bytes("取組96 バイト順マークのない文書\n担当 広報課\n".encode("utf-16-le"))
    (corpus / "good.pdf").write_bytes(good_pdf)
    (corpus / "owner-locked.pdf").write_bytes(
        _encrypted(_pdf(["取組93 所有者パスワードだけの文書", "担当 情報政策課"]), user_password=""))
    japanese = corpus / JAPANESE_PATH
    japanese.parent.mkdir()
    japanese.write_text("取組92 日本語パスの取組\n担当 区民課\n取組内容 ■ 日本語とスペースを含むパスを読み込む\n",
                        encoding="utf-8")
    return corpus


def errors_by_file(errors: list[str], names: list[str]) -> dict[str, list[str]]:
    """Each error under the file it names (an error naming none is kept under '?')."""
    by_file: dict[str, list[str]] = {}
    for error in errors:
        owner = next((name for name in names if error.startswith(f"{name}: ")), "?")
        by_file.setdefault(owner, []).append(error)
    return by_file


def taito_dx() -> list[str]:
    script = Path(sys.executable).with_name("taito-dx")
    return [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]


def test_each_bad_file_is_named_once_and_every_good_file_is_ingested(tmp_path: Path) -> None:
    corpus = make_fault_corpus(tmp_path, vanishing=True)
    settings = Settings.load(env={}, index_dir=tmp_path / "index")
    deleted: list[str] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "read" and not deleted:  # before the first file is read: the listing already holds it
            (corpus / VANISHING).unlink()
            deleted.append(VANISHING)

    report = run([corpus], settings, progress=progress)

    bad = {**BAD, VANISHING: "disappeared"}
    by_file = errors_by_file(report.errors, list(bad))
    assert set(by_file) == set(bad), report.errors
    for name, fragment in bad.items():
        assert len(by_file[name]) == 1, by_file[name]
        assert fragment in by_file[name][0], by_file[name][0]

    generation = IndexDir(settings.index_dir).require_current()
    manifest = generation.manifest()
    assert set(manifest["files"]) == set(GOOD)
    assert report.documents == len(GOOD)
    chunks = generation.chunks()
    for name, phrase in GOOD.items():
        texts = [chunk.text for chunk in chunks if chunk.source == name]
        assert any(phrase in text for text in texts), (name, texts[:3])
    assert {chunk.page for chunk in chunks if chunk.source == "good.pdf"} == {1}

    from taito_dx.assistant.assistant import Assistant

    answer = Assistant(settings).ask("取組12の担当はどこですか？")
    assert "情報政策課" in answer.text and "総務課" in answer.text, answer.text


@pytest.mark.slow
def test_cli_names_each_bad_file_on_one_line_without_a_traceback(tmp_path: Path) -> None:
    corpus = make_fault_corpus(tmp_path, vanishing=False)
    done = subprocess.run(
        [*taito_dx(), "ingest", str(corpus), "--index-dir", str(tmp_path / "index"), "--json"],
        capture_output=True, text=True, timeout=CLI_TIMEOUT, cwd=tmp_path,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == len(BAD), lines
    by_file = errors_by_file([line.removeprefix("error: ") for line in lines], list(BAD))
    assert set(by_file) == set(BAD), lines
    for name, fragment in BAD.items():
        assert len(by_file[name]) == 1 and fragment in by_file[name][0], by_file[name]

    summary = json.loads(done.stdout)
    assert summary["documents"] == len(GOOD)
    assert summary["embedded"] > 0
    assert sorted(summary["errors"]) == sorted(line.removeprefix("error: ") for line in lines)


def test_document_size_limit_is_a_setting(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    plan_chars = len(PLAN.read_text(encoding="utf-8"))
    shutil.copy(PLAN, corpus / "plan.txt")
    (corpus / "small.txt").write_text("取組91 小さな文書\n担当 情報政策課\n", encoding="utf-8")
    # Over four bytes a character: refused from its size alone, without reading it.
    (corpus / "huge.md").write_bytes(b"a" * (4 * (plan_chars - 1) + 1))

    tight = Settings.load(env={}, index_dir=tmp_path / "index", max_document_chars=plan_chars - 1)
    report = run([corpus], tight)
    by_file = errors_by_file(report.errors, ["plan.txt", "huge.md"])
    assert set(by_file) == {"plan.txt", "huge.md"}, report.errors
    assert f"{plan_chars:,} characters of text, over the limit of {plan_chars - 1:,}" in by_file["plan.txt"][0]
    assert "TAITO_DX_MAX_DOCUMENT_CHARS" in by_file["plan.txt"][0]
    assert "bytes, over the limit" in by_file["huge.md"][0]
    assert set(IndexDir(tight.index_dir).require_current().manifest()["files"]) == {"small.txt"}

    (corpus / "huge.md").unlink()
    report = run([corpus], tight.with_(max_document_chars=plan_chars))
    assert report.errors == []
    assert set(IndexDir(tight.index_dir).require_current().manifest()["files"]) == {"plan.txt", "small.txt"}


def test_limit_comes_from_the_environment() -> None:
    settings = Settings.load(env={"TAITO_DX_MAX_DOCUMENT_CHARS": "2500000"})
    assert settings.max_document_chars == 2_500_000
    with pytest.raises(Exception, match="TAITO_DX_MAX_DOCUMENT_CHARS"):
        Settings.load(env={"TAITO_DX_MAX_DOCUMENT_CHARS": "0"})
