"""Extractive answers: facts from the plan registry, else the best passage's answering sentences.

Every fact in an answer is cited by a chunk that contains it; when the plan does not state
what is asked, the answer abstains and points to the closest thing the plan does say.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.assistant.entities import NAMED_MIN_SCORE, PIECE_CHARS, EntityCatalogue, Links, trigrams
from taito_dx.assistant.eras import era_years, states_year, with_western_years
from taito_dx.assistant.facts import Part, registry_parts
from taito_dx.assistant.glossary import japanese_terms
from taito_dx.assistant.intent import Attribute, Intent, holds_value
from taito_dx.assistant.passages import PassageAnswerer
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.plan_structure import (Ask, Structure, StructurePart, answer_structure, asked_level, is_below,
                                               members_part, missing_numbers, nonexistent_part)
from taito_dx.assistant.retrieve import Retrieval
from taito_dx.assistant.topics import FOCUS_MAX_SHARE, TopicPart, titled_members, topic_of, topic_part
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import PLAN_LEVELS, Answer, Citation, EntityRef

# Below both, nothing retrieved is about the question (off-topic): abstain. Chunk vectors are the mean of
# their sentences' (taito_dx/index/vectors.py): with them, abstaining is right up to ~0.26 and wrong from ~0.37
# on the dev questions; this sits between.
MIN_DENSE = 0.31
MIN_KEYWORD = 1.0
CITATION_MARK = re.compile(r"\[(\d{1,2})\]")
SENTENCE_END = re.compile(r"(?<=[。！？])")
# Words that ask, not what is asked about (Sudachi's normalised forms).
QUESTION_WORDS = frozenset("何 なに どこ どれ どの どう どんな いつ 誰 だれ いくつ 幾つ 教える 知る 分かる ある いる する なる できる "
                           "思う 言う 聞く 下さる くださる 欲しい ほしい 有る 居る 為る 成る 出来る 分る 具体的 具体".split())
LOANWORD = re.compile(r"[ァ-ヶー]{5,}")  # a katakana word long enough to name a thing
# A name written with two or more capitals ("SDGs", "ChatGPT", "JIS").
NAMED_THING = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?![A-Za-z0-9])")


class ExtractiveAnswerer:
    """Composes an `Answer` from the registry and retrieved chunks, no LLM involved."""

    def __init__(self, tokenizer: JapaneseTokenizer, embedder: Embeddings) -> None:
        self.tokenizer = tokenizer
        self.embedder = embedder
        self.passages = PassageAnswerer(tokenizer)

    def answer(self, intent: Intent, links: Links, retrieval: Retrieval, index: OpenGeneration,
               catalogue: EntityCatalogue, query_vector: np.ndarray) -> Answer:
        """Registry facts when the question asks an entity's attribute, else the answering passage, else abstain."""
        lang = intent.language
        topic = links.topic()
        if intent.asks_opinion:  # "この計画、うまくいくと思う？": a view no passage states
            return self.passages.abstain(lang, retrieval, topic, point=False)
        missing = missing_numbers(intent.text, index.registry)
        if missing:  # "施策20": say the plan has none, and which numbers it has
            part = nonexistent_part(missing, index, lang)
            return _assemble([Part(part.text, list(part.citations), stated=False)], lang, retrieval, topic)
        answer = self._compose(intent, links, retrieval, index, catalogue, query_vector, topic)
        if not answer.abstained and self._names_an_unstated_year(intent, answer, retrieval, index):
            return self.passages.abstain(lang, retrieval, topic)  # "令和9年度の値は？": the plan gives no such year
        kind = intent.value_kind
        if kind is not None and kind.gates and not answer.abstained and not self._states_value(intent, answer, index):
            return self.passages.abstain(lang, retrieval, topic)  # it quotes no value of the kind asked, about the subject
        if lang == "en":
            return replace(answer, text=with_western_years(answer.text))
        return answer

    @staticmethod
    def _names_an_unstated_year(intent: Intent, answer: Answer, retrieval: Retrieval, index: OpenGeneration) -> bool:
        """Whether the question names a year (令和9年度, FY2027, 2027) that no passage retrieved or cited states."""
        years = era_years(intent.text)
        if not years:
            return False
        texts = [scored.chunk.text for scored in retrieval.chunks]
        texts += [chunk.text for citation in answer.citations if (chunk := index.chunks.get(citation.chunk_id))]
        return any(not any(states_year(year, text) for text in texts) for year in years)

    def _on_topic(self, quote: str, citation: Citation, found: TopicPart, index: OpenGeneration) -> bool:
        """Whether a quote is about the topic: it uses the topic's words, or its passage is about a 施策 found."""
        chunk = index.chunks.get(citation.chunk_id)
        return bool(found.words & set(self.tokenizer(quote))) or (chunk is not None and chunk.measure in found.measures)

    def _states_value(self, intent: Intent, answer: Answer, index: OpenGeneration) -> bool:
        """Whether the answer quotes a value of the kind asked on a line about what the question is about: one with
        a focus word of the question, in the line or in the titles of the chunk it cites."""
        assert intent.value_kind is not None
        lines = [line for line in answer.text.splitlines() if holds_value(intent.value_kind, line, self.tokenizer)]
        focus = self.focus_words(" ".join([intent.text, *intent.expansions]), index)  # パブコメ is パブリック コメント
        if not lines or not focus:
            return bool(lines)
        # the value and what it is about in one sentence of the line, or the value in the sentence after the one
        # naming it ("…は「業務削減時間数」です。 記載されている値は9,300時間/年…"): 平成13年 is of 策定, not of
        # the 改訂 two sentences on
        for line in lines:
            sentences = [sentence for sentence in SENTENCE_END.split(line) if sentence.strip()]
            for number, sentence in enumerate(sentences):
                if not holds_value(intent.value_kind, sentence, self.tokenizer):
                    continue
                about = " ".join(sentences[max(0, number - 1):number + 1])
                if focus & (set(self.tokenizer(about)) | self._cited_titles(line, answer, index)):
                    return True
        return False

    def _cited_titles(self, line: str, answer: Answer, index: OpenGeneration) -> set[str]:
        """The words of the titles (heading) of the chunks a line of the answer cites ([n])."""
        words: set[str] = set()
        for number in CITATION_MARK.findall(line):
            if 0 < int(number) <= len(answer.citations):
                chunk = index.chunks.get(answer.citations[int(number) - 1].chunk_id)
                words |= set(self.tokenizer(chunk.heading)) if chunk else set()
        return words

    def focus_words(self, question: str, index: OpenGeneration) -> set[str]:
        """The question's words that the documents use, but not nearly everywhere."""
        return {token for token in self.tokenizer(question)
                if 0 < index.keyword.document_share(token) <= FOCUS_MAX_SHARE}

    def _compose(self, intent: Intent, links: Links, retrieval: Retrieval, index: OpenGeneration,
                 catalogue: EntityCatalogue, query_vector: np.ndarray, topic: EntityRef | None) -> Answer:
        lang = intent.language
        titled = self._titled(intent, links, index, catalogue)
        if titled is not None:  # "AI関係の取組は？", "How many initiatives mention BPR?": those their titles name
            return _assemble([Part(titled.text, list(titled.citations))], lang, retrieval, topic)
        if not links.any_explicit() and self._names_an_unknown_loanword(intent, index):
            return self.passages.abstain(lang, retrieval, topic)  # "マイナンバーカードの普及率の目標値は？"
        parts = registry_parts(intent, links, index, lang)
        if parts:
            return _assemble(parts, lang, retrieval, topic)
        if self._names_what_the_plan_never_mentions(intent, index):
            return self.passages.abstain(lang, retrieval, topic)
        asked_topic = topic_of(intent.text) if not links.any_explicit() else None
        if asked_topic is not None and self._unnamed_topic(asked_topic, lang, index):
            return self.passages.abstain(lang, retrieval, topic, point=False)  # no passage is about it
        if asked_topic is not None and self._a_term_of_passages(asked_topic, index, catalogue):
            asked_topic = None  # "DX推進重点取組事項について": what the passages that use the term say
        if asked_topic is not None:
            found = topic_part(asked_topic, index, catalogue, retrieval, self.embedder, self.tokenizer, lang)
            if found is not None:  # the 施策 and 取組 on the topic, and the passage that says most about it
                cited = {citation.chunk_id for citation in found.citations}
                quotes = [(quote, citation) for quote, citation in self.passages.quotes(intent, retrieval, index,
                                                                                        query_vector)
                          if citation.chunk_id not in cited and self._on_topic(quote, citation, found, index)][:1]
                parts = [Part(found.text, list(found.citations))]
                parts += [Part(phrase(lang, "passage_quote", quote=quote, marks="", location=citation.location), [citation])
                          for quote, citation in quotes]
                return _assemble(parts, lang, retrieval, topic)
        if not links.items and retrieval.best_dense < MIN_DENSE and retrieval.best_keyword < MIN_KEYWORD:
            return self.passages.abstain(lang, retrieval, topic, point=False)  # nothing retrieved is about it
        lead = self.passages.section_lead(intent, links, index, catalogue, lang, retrieval, topic)
        if lead is not None:
            return lead
        answer = self.passages.answer(intent, retrieval, index, query_vector, lang, topic)
        if not self._answers_about_entity(intent, links, answer, index, catalogue):
            return self.passages.abstain(lang, retrieval, topic)
        return answer

    def _titled(self, intent: Intent, links: Links, index: OpenGeneration,
                catalogue: EntityCatalogue) -> StructurePart | None:
        """The entities of the level a question lists or counts whose titles name what it narrows them to; None when
        it asks no such list, or its words narrow to no title."""
        asked = asked_level(intent.text)
        if asked is None or intent.attributes - {Attribute.COUNT, Attribute.CHILDREN}:
            return None
        level, counted = asked
        named = next((link for link in links.items if link.kind in PLAN_LEVELS and is_below(level, link.kind)
                      and link.quoted and link.score >= NAMED_MIN_SCORE), None)
        if named is not None:  # "健康・福祉分野のデジタル支援にはどんな取組が": the members of the 施策 it names
            return answer_structure(Structure(Ask.COUNT if counted else Ask.LIST, (named.ref,), (level,)), index,
                                    intent.language)
        members, words = titled_members(self._word_groups(intent, index), level, catalogue, index.registry)
        if not members:
            return None
        titles = " ".join(catalogue.labels[row].title for row in catalogue.rows(level))
        shown = [match[0] if (match := re.search(re.escape(word), titles, re.I)) else word for word in sorted(words)]
        return members_part(members, level, counted, "・".join(shown), index, intent.language)

    def _word_groups(self, intent: Intent, index: OpenGeneration) -> list[set[str]]:
        """The question's words, each with the plan's words for it (school → 学校 教育 …), without its level words,
        question words and the plan's own name."""
        ignored = QUESTION_WORDS | set(self.tokenizer(f"目標 施策 取組 取り組み {index.plan}"))
        if intent.language == "en":  # each word, and the plan's words for it as one more (school → 学校 教育 …)
            pieces = intent.text.split()
            groups = [{token} for piece in pieces for token in self.tokenizer(piece)]
            groups += [set(self.tokenizer(" ".join(terms))) for piece in pieces if (terms := japanese_terms(piece))]
        else:
            groups = [{token} for token in self.tokenizer(intent.text)]
        groups = [group - ignored for group in groups]
        # a word most chunks use (デジタル, 活用 in a DX plan) narrows nothing
        return [kept for group in groups if (kept := {word for word in group
                                                       if index.keyword.document_share(word) <= FOCUS_MAX_SHARE})]

    @staticmethod
    def _a_term_of_passages(topic: str, index: OpenGeneration, catalogue: EntityCatalogue) -> bool:
        """Whether a topic is a term the passages write as it is (DX推進重点取組事項) that no title holds."""
        term = re.sub(r"\s+", "", topic)
        return len(term) >= PIECE_CHARS and not any(term in label.title for label in catalogue.labels) and any(
            term in index.chunks[chunk_id].text for chunk_id in index.order)

    def _names_what_the_plan_never_mentions(self, intent: Intent, index: OpenGeneration) -> bool:
        """Whether the question names something (SDGs, ChatGPT, JIS: a word in capitals; 墨田区: a proper noun) no
        chunk of the documents uses: no passage can then say anything about it."""
        names = {token for name in NAMED_THING.findall(intent.text) for token in self.tokenizer(name)}
        return any(index.keyword.document_share(token) == 0.0 for token in names | self.tokenizer.proper_nouns(intent.text))

    def _names_an_unknown_loanword(self, intent: Intent, index: OpenGeneration) -> bool:
        """Whether the question names a thing by a loanword none of whose parts any chunk uses (マイナンバーカード;
        デジタルデバイド shares デジタル)."""
        return any(all(index.keyword.document_share(token) == 0.0 for token in self.tokenizer(word))
                   for word in LOANWORD.findall(intent.text))

    def _unnamed_topic(self, topic: str, lang: str, index: OpenGeneration) -> bool:
        """Whether no chunk names an English topic in any of its words or the plan's words for them (tourism → 観光,
        remote work → テレワーク: `glossary`)."""
        if lang != "en":
            return False
        words = set(self.tokenizer(" ".join(japanese_terms(topic)))) | self.tokenizer.content_words(topic)
        return not any(index.keyword.uses_word(word) for word in words)

    def _answers_about_entity(self, intent: Intent, links: Links, answer: Answer, index: OpenGeneration,
                              catalogue: EntityCatalogue) -> bool:
        """For a question about a 目標, 施策 or 取組 it names: whether a quote from a passage about that entity has
        what the question asks beyond the entity's title ("プッシュ型子育てサービスはどの家庭に通知が届く？" asks
        about 通知; a table row that only names the 取組 does not answer it)."""
        top = links.items[0] if links.items else None  # the entity the question is most about, if it names one
        if top is None or top.kind not in PLAN_LEVELS or not (top.explicit or top.score >= NAMED_MIN_SCORE):
            return True
        named = [top]
        title_words = {word for link in named for row in catalogue.rows(link.kind)
                       if catalogue.labels[row].ref == link.ref for word in catalogue.tokens[row]}
        asked = self.focus_words(intent.text, index) - title_words - QUESTION_WORDS
        if intent.language == "ja":  # a Japanese word the documents never use is asked about too, unless it is the
            # title's own word misspelt (デバイド for ディバイド: it shares a 3-character piece with the title)
            title_pieces = {piece for row in catalogue.rows(top.kind) if catalogue.labels[row].ref == top.ref
                            for piece in catalogue.trigrams[row]}
            asked |= {token for token in self.tokenizer(intent.text) if index.keyword.document_share(token) == 0.0
                      and token not in QUESTION_WORDS and not trigrams(token) & title_pieces} - title_words
        if not asked:
            return True
        about = {chunk_id for link in named for chunk_id in catalogue.about.get(link.ref, ())}
        for line in answer.text.splitlines():
            cited = {answer.citations[int(n) - 1].chunk_id for n in CITATION_MARK.findall(line)
                     if 0 < int(n) <= len(answer.citations)}
            if cited & about and asked & (set(self.tokenizer(line)) | self._cited_titles(line, answer, index)):
                return True
        return False


def _assemble(parts: list[Part], lang: str, retrieval: Retrieval, topic: EntityRef | None) -> Answer:
    citations: list[Citation] = []
    lines = []
    for part in parts:
        markers = []
        for citation in part.citations:
            if citation.chunk_id not in [c.chunk_id for c in citations]:
                citations.append(citation)
            markers.append(f"[{[c.chunk_id for c in citations].index(citation.chunk_id) + 1}]")
        lines.append(part.text + "".join(markers))
    subjects = {part.subject for part in parts if part.subject is not None}
    topic = subjects.pop() if len(subjects) == 1 else topic  # what the answer names is what a follow-up is about
    abstained = not any(part.stated for part in parts)
    text = "\n".join(lines)
    if abstained:
        text = phrase(lang, "not_stated") + "\n" + text
    return Answer(text=text, citations=tuple(citations), abstained=abstained, sources=tuple(retrieval.chunks), topic=topic)
