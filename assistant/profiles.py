"""Initiative profiles: everything the plan says about each 取組, and what a guide links to it, as lines.

A 取組's profile is its title, its 施策's title, description and indicators, its sheet's fields where the
plan has a sheet, and the lines of every guide entry that names it. Each line is embedded once per index
generation by the index's embedder (USE v3 by default: with the guide it ranked the dev work problems as well
as multilingual-e5-small, declined more of the out-of-scope ones, and embeds a problem in ~2 ms, not ~25 ms); a
line scores its cosine to the problem plus the rare words they share, and a problem fits a 取組 as well as its
best line does. The best line, not a sum: a 取組 with more text gets more chances, never more score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS
from langchain_core.embeddings import Embeddings

from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Chunk, GuideEntry, Initiative
from taito_dx.registry import Fact

# A word the problem shares with a line: a run of kanji/katakana (2+), an acronym, or a Latin word of 4+ letters.
TERM = re.compile(r"[\u3400-\u9fff\u30a0-\u30ff々ー]{2,}|[A-Z]{2,}|[A-Za-z][a-z\-]{3,}")
MIN_TERM = 2
FIELD_BREAK = re.compile(r"\n|(?<=。)|■")
# A line's score is its cosine to the problem plus this much per unit of rarity (log of profiles over profiles
# using the word) of each content word the two share (`JapaneseTokenizer.content_words`: 居る, 為る and English
# "the", "and" share nothing). Chosen on the dev work problems (evals/consultations.jsonl, 75) with
# consult.MIN_FIT: words counted per line declined more out-of-scope problems and fewer in-scope ones than words
# counted over a whole profile, which a 取組 with more text has more of; see consult.MIN_FIT for the grid.
EVIDENCE_WEIGHT = 0.08


class LineKind(StrEnum):
    """Where a profile line comes from: what kind of match a suggestion's reason is."""

    TITLE = "title"  # the 取組's title
    MEASURE = "measure"  # its 施策's title
    MEASURE_DESCRIPTION = "measure_description"
    INDICATOR = "indicator"  # its 施策's 評価指標
    CONTENT = "content"  # the sheet's 取組内容
    CURRENT_STATE = "current_state"  # the sheet's 現状
    TARGET_STATE = "target_state"  # the sheet's あるべき姿
    GUIDE = "guide"  # a guide entry that names the 取組 (not the plan)


@dataclass(frozen=True)
class ProfileLine:
    """One line of a 取組's profile and where it is stated: a plan chunk, or a guide entry."""

    initiative: int
    kind: LineKind
    text: str
    chunk: Chunk | None = None
    guide: GuideEntry | None = None


@dataclass(frozen=True)
class Fit:
    """How well a problem fits one 取組: its best line, that line's score, and the words they share."""

    initiative: int
    score: float  # the best line's: cosine plus EVIDENCE_WEIGHT × the rarity of the words it shares
    line: ProfileLine
    terms: tuple[str, ...]  # words of the best line that the problem uses (shown highlighted)
    plan_line: ProfileLine  # the best line of the plan's own (the best line itself unless it is a guide's)
    plan_terms: tuple[str, ...]


@dataclass(frozen=True)
class InitiativeProfiles:
    """The profile lines of every 取組 of one index generation, embedded and tokenised once."""

    encoder: Embeddings  # the model the lines were embedded with (the index's); a problem is embedded with it too
    lines: tuple[ProfileLine, ...]
    vectors: np.ndarray
    tokens: tuple[frozenset[str], ...]  # per line, its words
    weights: dict[str, float]  # per word, how rare it is among the 取組 profiles

    @classmethod
    def build(cls, index: OpenGeneration, encoder: Embeddings, tokenizer: JapaneseTokenizer) -> InitiativeProfiles:
        lines = tuple(line for initiative in sorted(index.registry.initiatives.values(), key=lambda i: i.number)
                      for line in profile_lines(index, initiative))
        texts = list(dict.fromkeys(line.text for line in lines))  # a 施策's lines serve each of its 取組
        embedded = dict(zip(texts, encoder.embed_documents(texts)))
        vectors = np.array([embedded[line.text] for line in lines], dtype=np.float32)
        tokens = tuple(frozenset(tokenizer.content_words(line.text)) for line in lines)
        profiles: dict[int, set[str]] = {}
        for line, words in zip(lines, tokens):
            profiles.setdefault(line.initiative, set()).update(words)
        df = Counter(token for words in profiles.values() for token in words)
        return cls(encoder=encoder, lines=lines, vectors=vectors.reshape(len(lines), -1), tokens=tokens,
                   weights={token: math.log((len(profiles) + 1) / n) for token, n in df.items()})

    def fits(self, problem: str, problem_tokens: set[str]) -> list[Fit]:
        """Every 取組's fit to the problem, best first."""
        if not self.lines:
            return []
        similarities = self.vectors @ np.asarray(self.encoder.embed_query(problem), dtype=np.float32)
        scores = [float(similarity) + EVIDENCE_WEIGHT * sum(self.weights[t] for t in problem_tokens & words)
                  for similarity, words in zip(similarities, self.tokens)]
        best: dict[int, int] = {}
        best_plan: dict[int, int] = {}
        for row, line in enumerate(self.lines):
            for kept in (best, best_plan) if line.kind != LineKind.GUIDE else (best,):
                if line.initiative not in kept or scores[row] > scores[kept[line.initiative]]:
                    kept[line.initiative] = row
        fits = [Fit(number, scores[row], self.lines[row], shared_terms(problem, self.lines[row].text),
                    self.lines[best_plan[number]], shared_terms(problem, self.lines[best_plan[number]].text))
                for number, row in best.items()]
        return sorted(fits, key=lambda fit: -fit.score)


def profile_lines(index: OpenGeneration, initiative: Initiative) -> list[ProfileLine]:
    """What the plan says about a 取組 (with the chunk that says it), then the guide lines that name it."""
    registry, number = index.registry, initiative.number
    measure = registry.measures.get(initiative.measure)
    stated = index.evidence(Fact.SHEET, number) or index.evidence(Fact.MEASURE_ROW, initiative.measure)
    page = index.evidence(Fact.MEASURE_PAGE, initiative.measure) or index.evidence(Fact.MEASURE_ROW, initiative.measure)
    sheet = index.evidence(Fact.SHEET, number)
    lines = [ProfileLine(number, LineKind.TITLE, initiative.title, stated)]
    if measure is not None:
        lines.append(ProfileLine(number, LineKind.MEASURE, measure.title, page))
        lines += [ProfileLine(number, LineKind.MEASURE_DESCRIPTION, part, page) for part in _parts(measure.description)]
        lines += [ProfileLine(number, LineKind.INDICATOR, indicator.name, page) for indicator in measure.indicators]
    for kind, text in ((LineKind.CONTENT, initiative.content), (LineKind.CURRENT_STATE, initiative.current_state),
                       (LineKind.TARGET_STATE, initiative.target_state)):
        lines += [ProfileLine(number, kind, part, sheet) for part in _parts(text)]
    lines += [ProfileLine(number, LineKind.GUIDE, text, guide=entry)
              for entry in index.guide if number in entry.initiatives for text in entry.lines]
    return lines


def _parts(text: str) -> list[str]:
    """A field's sentences and lines, each matched on its own."""
    return [part.strip() for part in FIELD_BREAK.split(text) if len(part.strip()) > 3]


def shared_terms(problem: str, line: str) -> tuple[str, ...]:
    """The longest pieces (2+ characters) of `line`'s words that also occur in `problem`, as written in the line."""
    lowered = problem.lower()
    found: list[str] = []
    for match in TERM.finditer(line):
        word = match[0]
        if word[0].isascii():
            if word.lower() not in STOPWORDS_EN_PLUS and re.search(rf"\b{re.escape(word.lower())}", lowered):
                found.append(word)
            continue
        start = 0
        while start <= len(word) - MIN_TERM:
            end = next((e for e in range(len(word), start + MIN_TERM - 1, -1) if word[start:e] in problem), None)
            if end is None:
                start += 1
                continue
            found.append(word[start:end])
            start = end
    return tuple(dict.fromkeys(found))
