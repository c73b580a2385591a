"""`Assistant.ask(question, history) -> Answer`: the one entry point the CLI, UI and evals call."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import replace
from typing import Any, Iterator, Sequence

from langchain_core.embeddings import Embeddings

from taito_dx.assistant.compose import ExtractiveAnswerer
from taito_dx.assistant.intent import Intent
from taito_dx.assistant.llm import LLMAnswerer
from taito_dx.assistant.phrases import phrase
from taito_dx.assistant.plan_structure import LEVEL_WORD, mentions
from taito_dx.assistant.retrieve import Retrieval
from taito_dx.assistant.search import PlanSearch
from taito_dx.chat_models import chat_model
from taito_dx.models import Answer, Citation, Turn
from taito_dx.settings import Settings

log = logging.getLogger(__name__)

# "計画期間と基本理念を教えて": two things asked at once, each a noun phrase with no particle but の inside.
TWO_THINGS = re.compile(r"^(?P<first>[^、。？?とがをはで\s]{2,14})(?<![ごこあも])と(?P<second>[^、。？?とがをはで\s]{2,14})"
                        r"(?:を|について|は)?(?:それぞれ|両方)?(?:教えて(?:ください|下さい)?|知りたい(?:です)?)?[？?]?$")
# "What is the plan period, and under which law is it positioned?": two questions, the second asked anew.
TWO_QUESTIONS = re.compile(r"^(?P<first>.{8,}?)(?:,\s*|\s+)and\s+(?P<second>(?:(?:under|in|for|to|by|from|with) )?"
                           r"(?:what|which|who|whose|when|where|why|how|is|are|does|do|did|can|will)\b.{4,})$", re.I)
# "施策数が一番少ない目標はどれ？取組はいくつ？": two questions, one after the other.
TWO_SENTENCES = re.compile(r"^(?P<first>[^?？]{4,}[?？])\s*(?P<second>[^?？]{2,}[?？]?)$")
# "What is the plan period and the basic philosophy?": two things asked with one "what is".
TWO_THINGS_EN = re.compile(r"^(?P<ask>what(?: is| are)|tell me|give me)\s+(?P<first>(?:the |its |their )?[\w'-]+(?: [\w'-]+){0,3}?)"
                           r"\s+and\s+(?P<second>(?:the |its |their )?[\w'-]+(?: [\w'-]+){0,3})\s*\??$", re.I)
ONE = re.compile(r"\b(which|what)\s+one\b", re.I)  # "which one" stands for the level the first part named
QUANTITY_WORDS = re.compile(r"\bhow (?:many|much)\b|いくつ|幾つ|何件|何個", re.I)  # ask how many, not of what
CITATION_MARK = re.compile(r"\[(\d{1,2})\]")
# A question that points back ("その", "it") or is this short continues the previous topic.
ANAPHORA = re.compile(r"その|それ|この|同じ|そこ|\bits?\b|\bthat\b|\bthis\b|\bthey\b|\bthem\b|\bthe same\b", re.I)
SHORT_FOLLOW_UP = 14


class Assistant:
    """Answers questions about the indexed plan, with citations; an LLM is optional."""

    def __init__(self, settings: Settings, *, embedder: Embeddings | None = None, chat: Any = None,
                 search: PlanSearch | None = None) -> None:
        """`chat`: a LangChain chat model to phrase answers (default: the one `settings` configure, if any);
        `search`: a `PlanSearch` to share with other users of the index (default: a new one)."""
        self.settings = settings
        self.search = search or PlanSearch(settings, embedder=embedder)
        self.extractive = ExtractiveAnswerer(self.search.tokenizer, self.search.embedder)
        chat = chat if chat is not None else chat_model(settings.llm, model=settings.llm_model,
                                                        base_url=settings.llm_base_url, api_key=settings.llm_api_key)
        self.llm = LLMAnswerer(chat) if chat is not None else None
        # Held while a question goes through the shared tokenizer, index and store (`stream`, and the UI's
        # consultations); not while an LLM writes.
        self.lock = threading.Lock()

    def ask(self, question: str, history: Sequence[Turn] = (), *, where: dict[str, Any] | None = None) -> Answer:
        """Answer `question`, resolving follow-ups against `history`; `where` filters by plan location. Two things
        asked at once ("AとBを教えて", "…, and which …?") are answered each, and the answers joined when both are
        stated."""
        intent, retrieval, answer = self._extractive(question, history, where)
        if self.llm is not None and not answer.abstained:
            return self.llm.answer(intent, retrieval, fallback=answer)
        return answer

    def stream(self, question: str, history: Sequence[Turn] = (), *,
               where: dict[str, Any] | None = None) -> Iterator[str | Answer]:
        """As `ask`, for a UI: the LLM's text so far as it writes (nothing without an LLM), then the `Answer`.

        The search runs under `lock`; the LLM's tokens stream outside it."""
        with self.lock:
            intent, retrieval, answer = self._extractive(question, history, where)
        if self.llm is not None and not answer.abstained:
            yield from self.llm.stream(intent, retrieval, fallback=answer)
        else:
            yield answer

    def _extractive(self, question: str, history: Sequence[Turn],
                    where: dict[str, Any] | None) -> tuple[Intent, Retrieval, Answer]:
        intent = self.search.analyse(question)
        both = TWO_THINGS.match(intent.text)
        if both and not any(mention.number for mention in mentions(intent.text)):  # 目標1の施策数と取組数: one scope
            parts = [self._answer(self.search.analyse(f"{thing}は？"), history, where) for thing in both.groups()]
            if not any(answer.abstained for _, _, answer in parts):
                return intent, parts[0][1], joined([answer for _, _, answer in parts])
        things = TWO_THINGS_EN.match(intent.text)
        if things and not mentions(intent.text):  # not "how many goals and measures": one structure question
            parts = [self._answer(self.search.analyse(f"What is {thing}?"), history, where)
                     for thing in (things["first"], things["second"])]
            if not any(answer.abstained for _, _, answer in parts):
                return intent, parts[0][1], joined([answer for _, _, answer in parts])
        two = TWO_QUESTIONS.match(intent.text) or TWO_SENTENCES.match(intent.text)
        if two:  # the second is asked after the first, about what the first was about
            first = self._answer(self.search.analyse(two["first"]), history, where)
            if not first[2].abstained:
                level = LEVEL_WORD.search(two["first"])  # "…, and which one with no-code tools?": which initiative
                asked_second = ONE.sub(f"\\1 {level['level']}", two["second"]) if level else two["second"]
                second = self._answer(self.search.analyse(asked_second), (*history, Turn(two["first"], first[2])),
                                      where, continues=True)
                if not second[2].abstained:
                    return intent, first[1], joined([first[2], second[2]])
                whole = self._answer(intent, history, where)
                if not whole[2].abstained:  # read at once, the question is answered
                    return whole
                # the first part, and that the plan does not say the second when it asks something of its own
                # ("…, and how many does it have?" asks what the first answer gave)
                own = self.search.tokenizer.content_words(QUANTITY_WORDS.sub(" ", two["second"])) - set(
                    self.search.tokenizer(two["first"]))
                return intent, first[1], joined([first[2], second[2]]) if own else first[2]
        return self._answer(intent, history, where)

    def _answer(self, intent: Intent, history: Sequence[Turn], where: dict[str, Any] | None, *,
                continues: bool = False) -> tuple[Intent, Retrieval, Answer]:
        """`continues`: the question is the second half of one asked with the last turn (so it follows it up)."""
        follow_up = continues or _follows_up(intent.text, history)
        found = self.search.search(intent, asks_entity=bool(intent.attributes),
                                   topic=history[-1].answer.topic if follow_up else None,
                                   follows=history[-1].answer.plan if follow_up else "", where=where)
        if found.plans.ambiguous:  # two plans fit the question equally: which one is meant
            return intent, found.retrieval, Answer(
                phrase(intent.language, "which_plan", plans="、".join(f"「{name}」" for name in found.plans.ambiguous)),
                abstained=True)
        answer = self.extractive.answer(found.intent, found.links, found.retrieval, found.index, found.catalogue,
                                        found.query_vector)
        return found.intent, found.retrieval, replace(answer, plan=found.index.plan)


def joined(answers: list[Answer]) -> Answer:
    """One answer saying each of `answers` in turn, their citations numbered anew (a source cited twice once)."""
    citations: list[Citation] = []
    texts = []
    for answer in answers:
        numbers = {}
        for number, citation in enumerate(answer.citations, start=1):
            if citation.chunk_id not in [c.chunk_id for c in citations]:
                citations.append(citation)
            numbers[number] = [c.chunk_id for c in citations].index(citation.chunk_id) + 1
        for line in CITATION_MARK.sub(lambda m: f"[{numbers.get(int(m[1]), int(m[1]))}]", answer.text).split("\n"):
            if line not in texts or CITATION_MARK.search(line):  # a frame said once ("The plan says …")
                texts.append(line)
    return Answer(text="\n".join(texts), citations=tuple(citations), sources=answers[0].sources, topic=answers[-1].topic,
                  plan=answers[-1].plan)


def _follows_up(question: str, history: Sequence[Turn]) -> bool:
    """Whether the question reads as a follow-up of the previous answer (it points back, or is short)."""
    return bool(history) and bool(ANAPHORA.search(question) or len(question) <= SHORT_FOLLOW_UP)
