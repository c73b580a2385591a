"""The benchmark: a maintainer runs `taito-dx bench --quick --json OUT` and gets every figure as a number.

Timings are not asserted (the machine is shared and 2-core); only that each figure is there.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from taito_dx.evals.harness import ROWS, table
from taito_dx.evals.scale_corpus import FIRST_INITIATIVE, write_corpus
from taito_dx.ingest.pipeline import _read
from taito_dx.cli import main

REQUIRED = (
    "query_p50_ms", "query_p95_ms", "baseline_query_p50_ms", "baseline_query_p95_ms", "query_p95_ratio",
    "baseline_same_embedder_query_p95_ms", "query_p95_ratio_same_embedder",
    "embed_query_ms", "model_load_seconds", "ingest_seconds", "reingest_seconds", "reingest_embedded",
    "scale_chunks", "scale_chunks_per_s", "scale_query_p95_ms", "consult_p50_ms", "consult_p95_ms",
    "consult_open_seconds",
)
SERVE = ("serve_cold_start_s", "serve_rss_mb")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@pytest.mark.slow
def test_quick_bench_writes_every_figure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    users_index = tmp_path / "my-index"
    assert main(["bench", "--quick", "--json", str(out), "--index-dir", str(users_index)]) == 0

    figures = json.loads(out.read_text(encoding="utf-8"))
    for key in REQUIRED:
        assert _is_number(figures.get(key)), f"{key} = {figures.get(key)!r}"
    assert figures["reingest_embedded"] == 0
    assert figures["quick"] is True
    for key in SERVE:  # a number, or null with the reason the UI could not be measured
        assert _is_number(figures.get(key)) or (key in figures and figures["notes"]["serve"].startswith("skipped"))
    printed = capsys.readouterr().out
    assert "query p95" in printed and "baseline" in printed
    assert not users_index.exists(), "the benchmark works in temporary directories only"


def test_scale_corpus_is_plan_like_and_reproducible(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", target_bytes=30_000)
    second = write_corpus(tmp_path / "b", target_bytes=30_000)
    assert first.bytes >= 30_000 and len(first.files) >= 2
    assert [p.read_bytes() for p in first.files] == [p.read_bytes() for p in second.files]

    source = _read(first.files[0], first.files[0].name)
    initiatives = source.registry.initiatives
    assert initiatives and min(initiatives) == FIRST_INITIATIVE  # after the shipped plan's 取組27
    assert all(i.has_sheet and i.owners and i.content and i.current_state and i.target_state
               for i in initiatives.values())
    assert all(owner.endswith(("課", "館")) for i in initiatives.values() for owner in i.owners)
    assert any(m.indicators for m in source.registry.measures.values())
    assert {chunk.kind for chunk in source.chunks} >= {"section", "table", "measure", "sheet"}
    assert first.questions


def test_scale_corpus_is_written_in_mixed_layouts_that_all_parse(tmp_path: Path) -> None:
    """The benchmark's documents use the layout variants of the blind editions, not only the parser's favourite."""
    corpus = write_corpus(tmp_path, target_bytes=120_000)
    text = "".join(path.read_text(encoding="utf-8") for path in corpus.files)
    for variant in ("【担当", "［", "担当課", "所管", "所管課", "担当部署", "担当部局", "関係課", "担当 ", "：", "／",
                    "→", "現況(令和7年度)：", "評価指標\t現況", "【取組", "取組１", "施策１"):
        assert variant in text, variant

    sources = [_read(path, path.name) for path in corpus.files]

    assert [warning for source in sources for warning in source.warnings] == []
    initiatives = {n: i for source in sources for n, i in source.registry.initiatives.items()}
    assert {n: i.owners for n, i in initiatives.items()} == corpus.owners
    assert all(i.has_sheet and i.content and i.current_state and i.target_state for i in initiatives.values())
    measures = [m for source in sources for m in source.registry.measures.values()]
    assert all(m.indicators[0].current and m.indicators[0].target for m in measures)


def test_table_names_every_figure_and_what_was_skipped() -> None:
    figures = {key: 1.0 for key, *_ in ROWS} | {"baseline_query_p95_ms": 2.0, "serve_rss_mb": None,
                                               "notes": {"serve": "skipped: no UI"}}
    text = table(figures)
    assert all(label in text for _, label, _, _ in ROWS)
    assert "skipped: no UI" in text
    assert "2.000 ms" in text  # the baseline beside the assistant's p95
