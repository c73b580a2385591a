"""Keyword search over Japanese text: SudachiPy tokens (normalised forms) ranked by bm25s."""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import bm25s
from bm25s.stopwords import STOPWORDS_EN_PLUS
import numpy as np

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets its own logger to DEBUG on import

# Parts of speech that carry no topic: particles, auxiliaries, symbols, blanks.
SKIPPED_POS = ("助詞", "助動詞", "補助記号", "空白", "記号")


class JapaneseTokenizer:
    """SudachiPy (mode B, normalised forms), keeping content words only.

    Mode B splits loanword compounds (パブリックコメント → パブリック, コメント), and Sudachi reads
    English words as katakana (comment → コメント), so English questions meet Japanese loanwords.
    """

    SIGNATURE = "sudachi-core-B-normalized-2"  # change when tokens change: cached tokens are then recomputed

    def __init__(self) -> None:
        from sudachipy import Dictionary, SplitMode

        self._mode = SplitMode.B
        self._tokenizer = Dictionary(dict="core").tokenizer(mode=self._mode)
        # Per line: a chunk's search text repeats its headings, which are tokenised once this way.
        self._line_tokens = lru_cache(maxsize=16384)(self._tokenize_line)

    def __call__(self, text: str) -> list[str]:
        return [token for line in text.splitlines() if line.strip() for token in self._line_tokens(line)]

    def _tokenize_line(self, line: str) -> tuple[str, ...]:
        tokens = []
        # Sudachi refuses inputs over ~49 KB; lines of a document are far shorter.
        for morpheme in self._tokenizer.tokenize(line[:10000]):
            if morpheme.part_of_speech()[0] in SKIPPED_POS:
                continue
            token = morpheme.normalized_form().lower().strip()
            if " " in token:  # an English phrase Sudachi keeps whole ("digital divide"): its words, as loanwords
                tokens += [word for part in token.split() for word in self._tokenize_line(part)]
            elif token:
                tokens.append(token)
        return tuple(tokens)

    def _morphemes(self, text: str) -> Iterator[Any]:
        """Sudachi's morphemes of each non-blank line (Sudachi refuses inputs over ~49 KB; lines are far shorter)."""
        for line in text.splitlines():
            if line.strip():
                yield from self._tokenizer.tokenize(line[:10000])

    def tagged(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each morpheme's surface and Sudachi part of speech (six levels, the last its conjugation form)."""
        return [(m.surface(), tuple(m.part_of_speech())) for m in self._morphemes(text)]

    def nouns(self, text: str) -> set[str]:
        """The normalised forms of the text's nouns (名詞): the words that name things, not what is done to them."""
        return {m.normalized_form().lower() for m in self._morphemes(text) if m.part_of_speech()[0] == "名詞"}

    def content_words(self, text: str) -> set[str]:
        """The words that say what the text is about: its tokens without pronouns, words that lean on another
        (居る, 為る, 出来る, こと: Sudachi's 非自立可能) and English function words (bm25s's English stopwords;
        Sudachi reads every English word as a noun)."""
        return {
            m.normalized_form().lower() for m in self._morphemes(text)
            if m.part_of_speech()[0] not in SKIPPED_POS + ("代名詞",) and m.part_of_speech()[1] != "非自立可能"
            and m.surface().lower() not in STOPWORDS_EN_PLUS and m.normalized_form().strip()
        }

    def proper_nouns(self, text: str) -> set[str]:
        """The normalised forms of the text's Japanese proper nouns (Sudachi's 固有名詞: places, people,
        organisations; an English word Sudachi tags so is only an unknown word)."""
        return {m.normalized_form().lower() for m in self._morphemes(text)
                if m.part_of_speech()[1] == "固有名詞" and not m.surface().isascii()}

    def has_person_name(self, text: str) -> bool:
        """Whether the text names a person (a surname, Sudachi's 固有名詞・人名・姓)."""
        return any(m.part_of_speech()[1:4] == ("固有名詞", "人名", "姓") for m in self._morphemes(text))


KATAKANA_WORD = re.compile(r"[\u30a1-\u30faー]+")
MIN_CLIPPED_PART = 2  # パブ + コメ: each clipped word keeps two kana or more


class KeywordIndex:
    """BM25 over tokenised chunk texts, aligned with a list of chunk ids."""

    def __init__(self, retriever: bm25s.BM25, ids: list[str]) -> None:
        self._retriever = retriever
        self.ids = ids
        self._vocab = retriever.vocab_dict
        self._documents = np.diff(retriever.scores["indptr"])  # per token id: how many chunks use it

    def document_share(self, token: str) -> float:
        """The share of chunks that use `token` (0 for a word no chunk uses)."""
        row = self._vocab.get(token)
        return float(self._documents[row]) / max(len(self.ids), 1) if row is not None else 0.0

    def unclipped(self, word: str) -> tuple[str, ...]:
        """The documents' words a clipped katakana compound stands for (パブコメ → パブリック, コメント: the head of
        each word of the compound, as Japanese clips loanwords); () for a word the documents use, or none found."""
        if word in self._vocab or len(word) < 2 * MIN_CLIPPED_PART or not KATAKANA_WORD.fullmatch(word):
            return ()
        for cut in range(MIN_CLIPPED_PART, len(word) - MIN_CLIPPED_PART + 1):
            parts = [self._completion(word[:cut]), self._completion(word[cut:])]
            if all(parts):
                return tuple(parts)  # type: ignore[arg-type]
        return ()

    def _completion(self, head: str) -> str | None:
        """The katakana word of the documents that starts with `head` and is longer, used by most chunks."""
        ordered = self._sorted_vocab
        found = []
        for token in itertools.islice(ordered, bisect.bisect_left(ordered, head), None):
            if not token.startswith(head):
                break
            if len(token) > len(head) and KATAKANA_WORD.fullmatch(token):
                found.append(token)
        return max(found, key=lambda token: (self.document_share(token), -len(token)), default=None)

    @functools.cached_property
    def _sorted_vocab(self) -> list[str]:
        """The vocabulary in order, for prefix lookups (sorted on the first one, not at load)."""
        return sorted(self._vocab)

    def uses_word(self, word: str) -> bool:
        """Whether any chunk uses `word`, alone or inside a longer token (障害 in 障害者)."""
        return word in self._vocab or any(word in token for token in self._vocab)

    @classmethod
    def build(cls, tokens: list[list[str]], ids: list[str]) -> KeywordIndex:
        retriever = bm25s.BM25()
        retriever.index([t or [""] for t in tokens], show_progress=False)
        return cls(retriever, ids)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory), show_progress=False)
        (directory / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex:
        retriever = bm25s.BM25.load(str(directory), show_progress=False)
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        return cls(retriever, ids)

    def search(self, tokens: list[str], k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """The k best chunk ids with their BM25 scores; `allowed` is a boolean mask over ids."""
        known = [token for token in tokens if token in self._vocab]
        if not known or not self.ids:
            return []
        scores = self._retriever.get_scores(known)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]
