"""Passage answers: the retrieved passages' sentences that answer the question, quoted and cited; or
"the plan does not say", pointing to the closest passage.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS

from taito_dx.assistant.citations import cite
from taito_dx.assistant.entities import PIECE_CHARS, EntityCatalogue, Links
from taito_dx.assistant.glossary import glossary_free, japanese_terms
from taito_dx.assistant.intent import Intent
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.retrieve import Retrieval
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Answer, Chunk, Citation, EntityKind, EntityRef, ScoredChunk
from taito_dx.plan_names import section_title
from taito_dx.sentences import sentences

MAX_SENTENCES = 2
# The weight of the question's words a sentence (with its section title) shares, each weighed by how few chunks use
# it. Chosen on dev (0.3: the same answers as unweighted 0.5, evidence hit@1 0.929 → 0.943; 0.5 and up lose answers).
KEYWORD_WEIGHT = 0.3
SECOND_SENTENCE_GAP = 0.25
VALUE_BONUS = 0.3
CHUNK_PRIOR = 0.2
LABEL_BONUS = 0.2
QUOTE_BONUS = 0.2  # a sentence sharing PIECE_CHARS characters of what the question quotes, as the label bonus (not tuned)
QUOTED = re.compile(r"[「『“\"]([^」』”\"]{%d,})[」』”\"]" % PIECE_CHARS)
TERM_ENDS = (" ", "\t", ":", "：", "は")
PASSAGE_CHUNKS = 4
# Two quoted sentences of one chunk at most this many lines apart are quoted as one stretch with the lines
# between them; farther apart, with "…" between. A quoted line this short and without a full stop is a label:
# the lines that follow give its value, and are quoted with it (at most LABEL_VALUE_LINES of them).
MAX_GAP_LINES = 2
LABEL_CHARS = 20
LABEL_VALUE_LINES = 2
CONTEXT_LINES = 2  # lines above a sentence the question quotes
SECTION_LEAD_CHARS = 200  # chosen on dev (evals/dev.jsonl): answers 0.977 with none, 0.985 with 200-500; the shortest kept
ELLIPSIS = " … "
FULL_STOPS = ("。", ".", "！", "？")
VALUE_LINE = re.compile(r"\d")
# What an English question that asks for a whole section may say besides the section's name.
ASKS_FOR_ONE = re.compile(r"\b(which|who|whom|whose|when|where|why|how)\b", re.I)
ENGLISH_WORD = re.compile(r"[a-z][a-z']+")
FRAME_WORDS = frozenset({"plan", "plan's", "section", "part", "chapter", "tell", "say", "says", "describe", "explain",
                         "summarize", "summarise", "summary", "dx", "taito", "city", "ward", "ward's", "briefly", "brief",
                         "overview", "gist", "short", "nutshell", "main", "behind", "within", "among", "upon", "new", "current",
                         "cover", "covers", "run", "runs", "last", "lasts"})
# ... and a Japanese one (Sudachi's normalised forms: "計画の基本理念を一言で", "背景を説明して").
JA_FRAME_WORDS = frozenset({"計画", "本計画", "教える", "知る", "一言", "簡単", "要約", "説明", "概要", "為る", "纏める", "言う",
                            "ざっくり", "大まか", "簡潔", "端的", "手短", "要点", "本", "当", "今回", "此の", "その",
                            "何故", "何", "どう"})  # why asked of a section of aims (改訂の趣旨) asks for it
JAPANESE_WORD = re.compile(r"[\u3400-\u9fff々]")  # a kanji word (Sudachi reads English words as katakana)
# Headings name a topic but answer nothing (`_heading`): quoted only when a chunk has nothing else.
HEADING = re.compile(r"^(\d{1,2}\.\s|第\d+章|【施策\d+】\S*$)")


class PassageAnswerer:
    """Answers from the retrieved passages' own sentences."""

    def __init__(self, tokenizer: JapaneseTokenizer) -> None:
        self.tokenizer = tokenizer

    def section_lead(self, intent: Intent, links: Links, index: OpenGeneration, catalogue: EntityCatalogue,
                     lang: str, retrieval: Retrieval, topic: EntityRef | None) -> Answer | None:
        """A question that is nothing but (part of) a section's title ("計画期間は？") gets that section's opening
        (its first sentences, up to SECTION_LEAD_CHARS), or its line defining the asked term."""
        section = links.best(EntityKind.SECTION)
        titles = [catalogue.sections[section.number]] if section is not None else []
        # its words may be the glossary's (English, or everyday Japanese: 目的), which name no section for the
        # linker: after the linked one, any may be meant
        titles += catalogue.sections
        groups = self._asked_words(intent, lang)
        if groups is None:
            return None
        asked_in = ((title, self._asked_of(groups, title)) for title in dict.fromkeys(titles))
        title, asked = next(((title, asked) for title, asked in asked_in if asked), ("", None))
        if asked is None:
            return None
        for chunk_id in index.order:
            chunk = index.chunks[chunk_id]
            body = [s for s in sentences(chunk.text) if not _heading(s, chunk)] if section_title(chunk) == title else []
            if not body:
                continue
            # A line defining exactly the asked term ("■基本理念 …") beats the section's opening.
            defining = next((s for s in body if _defined_term(s, self.tokenizer) == asked), None)
            lead = [defining] if defining else _opening(body)
            stretches = quoted_stretches(chunk.text, lead)
            citation = cite(chunk, *(line for stretch in stretches for line in stretch.split("\n")))
            if citation is not None:
                shown = ELLIPSIS.join(" ".join(line.strip() for line in stretch.split("\n")) for stretch in stretches)
                text = phrase(lang, "passage") + "\n" + phrase(lang, "passage_quote", quote=f"「{shown}」", marks="[1]",
                                                                location=chunk.location)
                return Answer(text=text, citations=(citation,), sources=tuple(retrieval.chunks), topic=topic)
        return None

    def _asked_words(self, intent: Intent, lang: str) -> list[set[str]] | None:
        """What a question that asks for a whole section asks, as groups of words each of which the title must hold
        one of (in the plan's words); None when it asks for more than a section."""
        asked = set(self.tokenizer(intent.text))
        if lang == "ja":  # each word, or the heading word it is everyday Japanese for (目的 for 趣旨)
            return [{word} | set(self.tokenizer(" ".join(japanese_terms(word)))) for word in asked]
        if intent.value_kind is not None or ASKS_FOR_ONE.search(intent.text):
            return None  # "When is it to be finalised (策定)?", "Which national plan does 背景 cite?": not the section
        unread = ENGLISH_WORD.findall(glossary_free(intent.text).lower())
        if any(word not in STOPWORDS_EN_PLUS and word not in FRAME_WORDS for word in unread):
            return None  # a word the glossary does not read may ask for more than the section
        # An English question asks in its administrative words (each one Japanese word or another: "aim" is
        # 趣旨 or 目的) and any Japanese it quotes.
        groups = [set(self.tokenizer(japanese)) for japanese in japanese_terms(intent.text)]
        return groups + [{token} for token in asked if JAPANESE_WORD.search(token)]

    def _asked_of(self, groups: list[set[str]], title: str) -> set[str] | None:
        """The words of section `title` the question asks for (each group met, a Japanese frame word such as 計画
        or 説明 met or not), when it asks for nothing else; else None."""
        title_words = set(self.tokenizer(title))
        # a group's frame words (計画 of 計画期間) do not meet it: 計画期間 is not asked of 計画の位置づけ
        groups = [group - JA_FRAME_WORDS or group for group in groups]
        needed = [group for group in groups if not (group <= JA_FRAME_WORDS and not group & title_words)]
        if not needed or not all(group & title_words for group in needed):
            return None
        return {word for group in needed for word in group & title_words}

    @staticmethod
    def abstain(lang: str, retrieval: Retrieval, topic: EntityRef | None, *, point: bool = True) -> Answer:
        """'The plan does not say', pointing to (and citing) the closest passage retrieved — unless `point` is
        False: nothing retrieved is about the question, and a pointer would only mislead."""
        closest = retrieval.chunks[0].chunk if retrieval.chunks and point else None
        text = phrase(lang, "not_stated")
        citations: tuple[Citation, ...] = ()
        if closest is not None:
            text += " " + phrase(lang, "closest", location=closest.location)
            citation = cite(closest)
            citations = (citation,) if citation else ()
        return Answer(text=text, citations=citations, abstained=True, sources=tuple(retrieval.chunks), topic=topic)

    def answer(self, intent: Intent, retrieval: Retrieval, index: OpenGeneration, query_vector: np.ndarray,
               lang: str, topic: EntityRef | None) -> Answer:
        """The best answering sentences among the top chunks, each cited; the best one's chunk first."""
        lines = []
        citations: list[Citation] = []
        for quote, citation in self.quotes(intent, retrieval, index, query_vector):
            citations.append(citation)
            lines.append(phrase(lang, "passage_quote", quote=quote, marks=f"[{len(citations)}]", location=citation.location))
        text = phrase(lang, "passage") + "\n" + "\n".join(lines)
        return Answer(text=text, citations=tuple(citations), sources=tuple(retrieval.chunks), topic=topic)

    def quotes(self, intent: Intent, retrieval: Retrieval, index: OpenGeneration,
               query_vector: np.ndarray) -> list[tuple[str, Citation]]:
        """The quotes that answer the question ("「…」"), each with the citation of its passage."""
        found = []
        for chunk, picked in self._best_sentences(intent, query_vector, retrieval.chunks[:PASSAGE_CHUNKS], index):
            # A sentence the question itself quotes is asked about: what stands above it in its passage explains it.
            echoed = {sentence for sentence in picked if sentence in intent.text}
            stretches = quoted_stretches(chunk.text, picked, widen=echoed)
            citation = cite(chunk, *(line for stretch in stretches for line in stretch.split("\n")))
            if citation is not None:
                shown = ELLIPSIS.join(" ".join(line.strip() for line in stretch.split("\n")) for stretch in stretches)
                found.append((f"「{shown}」", citation))
        return found

    def _covered(self, candidate: tuple[float, int, Chunk, str]) -> set[str]:
        """The words a candidate sentence brings to the answer: its own and its section title's."""
        return set(self.tokenizer(candidate[3])) | set(self.tokenizer(section_title(candidate[2])))

    def _best_sentences(self, intent: Intent, query_vector: np.ndarray, top: list[ScoredChunk],
                        index: OpenGeneration) -> list[tuple[Chunk, list[str]]]:
        """Sentences scored by stored vector, shared keywords (with their section's title), the value type asked
        for, and their chunk's rank; headings are never the answer."""
        if not top:
            return []
        vectors = index.parts.sentences_of([scored.chunk.id for scored in top])
        question_tokens = set(self.tokenizer(intent.search_text))
        # a word fewer chunks use says more of what is asked (人口 more than 背景); a word none uses counts nothing
        weights = {token: math.log(1 + 1 / share) for token in question_tokens
                   if (share := index.keyword.document_share(token)) > 0}
        total_weight = sum(weights.values()) or 1.0
        asked_pieces = {piece for quote in QUOTED.findall(intent.text) for piece in _pieces(quote)}
        named_pieces = _pieces(intent.text)
        wanted_value = intent.value_kind.value if intent.value_kind else None
        best_chunk = top[0].score or 1.0
        candidates: list[tuple[float, int, Chunk, str]] = []
        for scored in top:
            chunk = scored.chunk
            context = set(self.tokenizer(section_title(chunk)))
            for number, sentence in enumerate(sentences(chunk.text)):
                if _heading(sentence, chunk):
                    continue
                vector = vectors.get((chunk.id, number))
                similarity = float(np.dot(vector, query_vector)) if vector is not None else 0.0
                tokens = set(self.tokenizer(sentence)) | context
                overlap = sum(weights.get(token, 0.0) for token in tokens & question_tokens) / total_weight
                value = VALUE_BONUS if wanted_value is not None and wanted_value.search(sentence) else 0.0
                prior = CHUNK_PRIOR * scored.score / best_chunk
                term = _defined_term(sentence, self.tokenizer)
                label = LABEL_BONUS if term and term <= question_tokens else 0.0
                quoted = QUOTE_BONUS if asked_pieces and _pieces(sentence) & asked_pieces else 0.0
                score = similarity + KEYWORD_WEIGHT * overlap + value + prior + label + quoted
                candidates.append((score, number, chunk, sentence))
        ranked = sorted(candidates, key=lambda c: -c[0])
        best = ranked[:1]
        if ranked:
            covered = self._covered(ranked[0])
            for candidate in ranked[1:]:
                if candidate[0] < ranked[0][0] - SECOND_SENTENCE_GAP or len(best) == MAX_SENTENCES:
                    break
                # The next sentence of the same passage, or one of another that has words of the question the
                # quote so far has not, or that names what the question names (DX推進重点取組事項 where it is defined).
                if candidate[2].id == ranked[0][2].id or (self._covered(candidate) - covered) & question_tokens or (
                        _pieces(candidate[3]) & named_pieces):
                    best.append(candidate)
                    covered |= self._covered(candidate)
        grouped: dict[str, tuple[Chunk, list[tuple[int, str]]]] = {}
        for _, number, chunk, sentence in best:
            grouped.setdefault(chunk.id, (chunk, []))[1].append((number, sentence))
        return [(chunk, [sentence for _, sentence in sorted(picked)]) for chunk, picked in grouped.values()]


def _pieces(text: str) -> set[str]:
    """The PIECE_CHARS-character pieces of a text, blanks left out (a sentence a question quotes shares one)."""
    text = re.sub(r"\s+", "", text)
    return {text[i:i + PIECE_CHARS] for i in range(len(text) - PIECE_CHARS + 1)}


def quoted_stretches(text: str, picked: list[str], *, widen: set[str] = frozenset()) -> list[str]:
    """The stretches of `text` to quote for its picked sentences (in text order): sentences close together as
    one stretch with the lines between them, a label line with the lines that give its value, and a sentence
    in `widen` with the lines above it (the labels it stands under)."""
    spans: list[tuple[int, int]] = []
    for sentence in picked:
        start = text.find(sentence)
        if start < 0:
            continue
        end = start + len(sentence)
        if sentence in widen:
            above = [line for line in text[:start].rstrip("\n").split("\n")[-CONTEXT_LINES:] if line.strip()]
            start = text.rfind(above[0], 0, start) if above else start
        if len(sentence) <= LABEL_CHARS and not sentence.endswith(FULL_STOPS):
            values = []
            for line in text[end:].lstrip("\n").split("\n")[:LABEL_VALUE_LINES]:
                # A value holds a figure; a line that starts as the label does is the next item of a list.
                if not VALUE_LINE.search(line) or line.strip()[:2] == sentence.strip()[:2]:
                    break
                values.append(line)
            if values:
                end = text.find(values[-1], end) + len(values[-1])
        spans.append((start, end))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and text[merged[-1][1]:start].count("\n") <= MAX_GAP_LINES:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [text[start:end].strip() for start, end in merged]


def _heading(sentence: str, chunk: Chunk) -> bool:
    """Whether a sentence is a heading: numbered as one, or naming a level of the chunk's place (a document's
    title over its sections)."""
    return bool(HEADING.match(sentence)) or sentence.strip() in _place_names(chunk.location)


@functools.lru_cache(maxsize=4096)
def _place_names(location: str) -> frozenset[str]:
    """The levels of a plan location ("(仮称) … について > 1. 背景"), each as written."""
    return frozenset(part.strip() for part in location.split(">"))


def _opening(body: list[str]) -> list[str]:
    """A section's first sentence, and those after it while all fit in SECTION_LEAD_CHARS; lines above its first
    full sentence (a document's title over the section) are not its opening."""
    first = next((number for number, sentence in enumerate(body) if sentence.endswith(FULL_STOPS)), 0)
    body = body[first:]
    opening = body[:1]
    for sentence in body[1:]:
        if sum(map(len, opening)) + len(sentence) > SECTION_LEAD_CHARS:
            break
        opening.append(sentence)
    return opening


def _defined_term(sentence: str, tokenizer: JapaneseTokenizer) -> frozenset[str]:
    """The words of the term a "TERM value" / "TERM: value" / "TERMは…" line defines (empty if none).

    Such a line answers "what is TERM?" better than a sentence that merely mentions it.
    """
    line = sentence.lstrip("■●◆・-* ")
    position = 0
    tokens = tokenizer(line)
    for count, token in enumerate(tokens, start=1):
        if not line.startswith(token, position):
            break
        position += len(token)
        if line[position:position + 1] in TERM_ENDS:
            return frozenset(tokens[:count])
    return frozenset()
