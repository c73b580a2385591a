"""Topic questions: "what does the plan say about schools?" is answered with the 施策 (and their 取組) whose
titles and passages fit the topic, cited by the overview table, beside the passage that says most about it.

A topic question is recognised by how it asks (say about, について, 触れて …); the topic is what is left.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from taito_dx.assistant.citations import cite_fact
from taito_dx.assistant.entities import EntityCatalogue
from taito_dx.assistant.glossary import japanese_terms
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.plan_structure import ABOUT
from taito_dx.assistant.retrieve import Retrieval
from taito_dx.index.keyword import JapaneseTokenizer
from taito_dx.index.reader import OpenGeneration
from taito_dx.models import Citation, EntityKind, EntityRef
from taito_dx.plan_names import initiative_name, measure_name
from taito_dx.registry import Fact, PlanRegistry

# "initiatives about AI", "measures related to schools": the plan's entities on a topic.
ENTITIES_ON = (r"(?:(?:list|name|show me|show|give me|tell me|which|what)\s+)?(?:(?:are|is)\s+)?(?:all\s+|every\s+)?(?:the\s+)?"
               r"(?:initiatives?|measures?|goals?|polic(?:y|ies))\s+(?:are\s+|is\s+|that\s+|which\s+)?" + ABOUT + r"\b")
# How a question asks what the plan says on a topic; what these leave of the question is the topic.
TOPIC_CUES = re.compile(
    ENTITIES_ON + r"|"
    r"(what|anything|something)\s+(does|do|did)?\s*(the\s+)?(plan|document)?\s*(say|says|said|mention|cover|have)s?\s*"
    r"(about|on|regarding|for)?|is there anything\s*(in the plan)?\s*(about|on|for|regarding)?|anything (on|about)|"
    r"what about|(?:does|do|will) the (?:plan|document)s? (mention|cover|address|support|deal with|include|contain|discuss|talk about)|in the plan|the plan|"
    r"(what|how) (does|do|is|are) |(has|have) to do with|with the plan|"
    r"(について|に関して|に関する|関係の|関連の|関連する|に関係する)(は|の)?|"
    r"(計画|プラン)(の中で|の中に|では|で|は|に)?|(何か|なにか)?(書かれて|書いて|記載|触れ|言及|載って|ある)[^\s]*|何と言って[^\s]*|"
    r"(全部|ぜんぶ|すべて|全て)?\s*(教えて|挙げて|あげて|一覧)[^\s]*|(どう|どのように)(書|記載|扱)[^\s]*|(何と|なんと)(書|言)[^\s]*|(?<![一-龥])取組(?![一-龥])(は|を)?|ところ(は|を)?", re.I)
ASKS_TOPIC = re.compile(ENTITIES_ON + r"|say(s)? about|anything (on|about|in the plan)|is there anything|what about|have to do with|"
                        r"(?:does|do|will) the (?:plan|document)s? (mention|cover|address|support|deal with|include|contain|discuss|talk about)|mention|について|に関して|に関する|"
                        r"関係の取組|関連の取組|触れ|言及|書かれて|書いて(ある|る)", re.I)
# What is left of a topic question names the topic: one that still asks (which, who, どの, 誰) is no topic question.
INTERROGATIVE = re.compile(r"\b(which|what|who|whom|whose|when|where|why|how)\b|どの|どれ|誰|だれ|いつ|どこ", re.I)
# A 施策 is part of the answer when its score (its own, or its best 取組's) reaches this share of the best one's;
# scores are title similarity to the topic, the share of the topic's words in the title, and the passages
# retrieved about it. Chosen on the dev questions.
RELATIVE_FLOOR = 0.8
MIN_SCORE = 0.3
OVERLAP_WEIGHT = 0.3
PASSAGE_WEIGHT = 0.1
MAX_MEASURES = 3
# A question's focus words: its words that the documents use, in at most this share of the chunks (words nearly
# every chunk uses, 計画 or 施策, say nothing about what is asked). Chosen on the dev questions.
FOCUS_MAX_SHARE = 0.25
# A title is listed for a narrowed level ("AI関係の取組") when its weighed share of the question's words reaches
# this share of the best title's. Chosen on the dev questions.
TITLED_SHARE = 0.5
# Between the things a topic joins ("学校や教育", "staff skills / human resource development"): each is a topic.
CONJUNCTION = re.compile(r"\s*(?:や|および|及び|または|又は|とか|/|、|,|\band\b|\bor\b)\s*", re.I)


@dataclass(frozen=True)
class TopicPart:
    """The 施策 on a topic with their 取組, as a sentence with citations; `words`: the topic's words."""

    text: str
    citations: tuple[Citation, ...]
    measures: tuple[int, ...]
    words: frozenset[str]


def topic_of(question: str) -> str | None:
    """The topic a question asks the plan about, or None when it is no topic question."""
    if not ASKS_TOPIC.search(question):
        return None
    topic = TOPIC_CUES.sub(" ", question)
    topic = re.sub(r"[\s?？!！。、,.「」/]+", " ", topic)
    topic = re.sub(r"(?:って|とは|については?)$", "", topic.strip()).strip(" をはがにでのも")
    topic = re.sub(r"^(the|a|an|our|its|any)\s+", "", topic, flags=re.I)
    if INTERROGATIVE.search(topic):  # "Which population issues does the background mention?" asks for one thing
        return None
    return topic or None


def topic_part(topic: str, index: OpenGeneration, catalogue: EntityCatalogue, retrieval: Retrieval,
               embedder: Embeddings, tokenizer: JapaneseTokenizer, lang: str) -> TopicPart | None:
    """The 施策 (with their 取組) that fit `topic`, cited; None when none fits well enough."""
    registry = index.registry
    vector = np.asarray(embedder.embed_query(topic), dtype=np.float32)
    words = set(tokenizer(topic))
    # each thing joined, in the plan's words where it is an English word of administration (health → 健康)
    conjuncts = [set(tokenizer(" ".join(japanese_terms(part)) or part)) for part in CONJUNCTION.split(topic) if part.strip()]
    conjuncts = [part for part in conjuncts if part] or [words]
    asked = {word for word in set().union(*conjuncts) if index.keyword.document_share(word) <= FOCUS_MAX_SHARE}
    titles = " ".join(catalogue.labels[row].title.lower() for kind in (EntityKind.MEASURE, EntityKind.INITIATIVE)
                      for row in catalogue.rows(kind))
    if not any(word in titles for word in asked):  # (in a compound too: 障害 in 障害者支援アプリ)
        return None  # no 施策 or 取組 is named by the topic's words (国の動き): what the passages say of it
    retrieved = {scored.chunk.id: 1.0 / rank for rank, scored in enumerate(retrieval.chunks, start=1)}
    scores: dict[int, float] = {}  # by 施策
    named: set[int] = set()  # 施策 one of whose titles uses every word of the topic, or of one thing it joins
    for row, label in enumerate(catalogue.labels):
        if label.ref.kind not in (EntityKind.MEASURE, EntityKind.INITIATIVE):
            continue
        title_words = catalogue.tokens[row]
        overlap = len(title_words & words) / len(words) if words else 0.0
        passages = sum(retrieved.get(chunk_id, 0.0) for chunk_id in catalogue.about.get(label.ref, ()))
        score = float(catalogue.vectors[row] @ vector) + OVERLAP_WEIGHT * overlap + PASSAGE_WEIGHT * passages
        measure = label.ref.number if label.ref.kind == EntityKind.MEASURE else \
            registry.initiatives[label.ref.number].measure
        if measure in registry.measures:
            scores[measure] = max(scores.get(measure, 0.0), score)
            if any(part <= title_words for part in conjuncts):  # its title names one of the things asked about
                named.add(measure)
    if not scores:
        return None
    best = max(scores.values())
    if best < MIN_SCORE:
        return None
    chosen = sorted((m for m, score in scores.items() if score >= RELATIVE_FLOOR * best or m in named),
                    key=lambda m: -scores[m])
    titled = {catalogue.labels[row].ref.number for row in catalogue.rows(EntityKind.INITIATIVE)
              if catalogue.tokens[row] & asked}
    lines, citations = [], []
    for number in chosen[:MAX_MEASURES]:
        measure = registry.measures[number]
        initiatives = registry.initiatives_of(number)
        # the 取組 whose titles name the topic, where some do ("RPA": 取組14 of 施策9's seven)
        initiatives = [i for i in initiatives if i.number in titled] or initiatives
        listing = "、".join(initiative_name(i) for i in initiatives)
        lines.append(phrase(lang, "topic_measure", measure=measure_name(measure), listing=listing))
        citations += cite_fact(index, Fact.MEASURE_ROW, number, measure.title, *(i.title for i in initiatives))
    text = phrase(lang, "topic_header", topic=topic) + "\n" + "\n".join(lines)
    return TopicPart(text, tuple(citations), tuple(chosen[:MAX_MEASURES]), frozenset(words))



def titled_members(groups: list[set[str]], level: EntityKind, catalogue: EntityCatalogue,
                   registry: PlanRegistry) -> tuple[list[EntityRef], set[str]]:
    """The entities of `level` whose titles name the question's word groups (a word with its plan words: school →
    学校 教育), each group weighed by how few titles name it, within TITLED_SHARE of the best; a 取組 also when
    its 施策's title names them as well as the best title does and no 取組 of that 施策 names any ("education": 取組9 under 施策6「…教育による…」).
    Returns them best fit first, with the title words they share; ([], set()) when no title names any group."""
    titles = {catalogue.labels[row].ref: catalogue.tokens[row] for row in catalogue.rows(level)}
    vocabulary = set().union(*titles.values()) if titles else set()
    usable = [group & vocabulary for group in groups]
    weights = {}
    for group in usable:
        named = sum(bool(group & words) for words in titles.values())
        if group and named <= len(titles) / 2:  # a word half the titles use narrows nothing
            weights[frozenset(group)] = math.log(len(titles) / named)
    if not weights:
        return [], set()

    def score(words: frozenset[str]) -> float:
        return sum(weight for group, weight in weights.items() if group & words)

    scores = {ref: score(words) for ref, words in titles.items()}
    best = max(scores.values())
    chosen = {ref for ref, value in scores.items() if value > 0 and value >= TITLED_SHARE * best}
    if level == EntityKind.INITIATIVE:
        for row in catalogue.rows(EntityKind.MEASURE):
            members = [ref for ref in titles if registry.initiatives[ref.number].measure == catalogue.labels[row].ref.number]
            if score(catalogue.tokens[row]) >= best and not any(scores[ref] for ref in members):
                chosen |= set(members)
    shared = {word for ref in chosen for group in weights for word in group & titles[ref]}
    # best fit first (its overview row is cited first), then by number
    return sorted(chosen, key=lambda ref: (-scores[ref], ref.number)), shared or {word for group in weights for word in group}
