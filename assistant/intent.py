"""What a question asks for: its language, the plan attributes it asks about, the answer type it expects.

The vocabulary is the plan's own schema (担当, 評価指標, 現状, あるべき姿, 計画期間 …) with
its usual English renderings, plus general question words; nothing here names a
particular initiative.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from taito_dx.index.keyword import JapaneseTokenizer

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
HIRAGANA = re.compile(r"[\u3040-\u309f]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")



class Attribute(StrEnum):
    """What a question can ask about a plan entity; each is answered from the registry."""

    OWNER = "owner"
    INDICATOR = "indicator"
    CURRENT_VALUE = "current_value"  # of an indicator
    PARENT = "parent"
    CHILDREN = "children"
    COUNT = "count"
    CONTENT = "content"
    CURRENT_STATE = "current_state"
    TARGET_STATE = "target_state"


# Attribute → pattern (case-insensitive).
INTENTS: dict[Attribute, re.Pattern[str]] = {
    Attribute.OWNER: re.compile(
        r"担当|所管|どこの課|どの課|何課|どこが|どの部署|担う|責任|\bowns?\b|\bowner|in charge|responsib|\bsections?\b|"
        r"department|\bdept\b|division|\bwho\b(?!.*\b(mayor|name)\b)", re.I),
    Attribute.INDICATOR: re.compile(
        r"評価指標|指標|KPI|目標値|現況|何%|indicator|\bkpi\b|metric|target (value|figure|number)|"
        r"how (will|is) .*(measured|evaluated)|measure (of )?success|success measure", re.I),
    Attribute.CURRENT_VALUE: re.compile(r"現況|現在値|current (value|figure|level)|baseline", re.I),
    Attribute.PARENT: re.compile(
        r"どの施策|どの目標|属する|属して|(施策|目標)に位置づけ|所属|下にある|どこに(含|入)|which (measure|goal|policy)|"
        r"belongs?|under (which|what)|part of (which|what)|falls? under|parent", re.I),
    Attribute.CHILDREN: re.compile(
        r"(どの|どんな|何の)取組|取組(は|には|を)(何|どれ|教え)|取組.*(一覧|挙げ|含まれ)|"
        r"which initiatives|what initiatives|initiatives (are|does|under|in)|list (the|all)? ?initiatives", re.I),
    Attribute.COUNT: re.compile(r"いくつ|何個|何件|幾つ|数は|の数|how many|number of", re.I),
    Attribute.CONTENT: re.compile(r"取組内容|何をする|何に取り組|\bcontents?\b|what (does|will) .* do|what is .* about|activities", re.I),
    Attribute.CURRENT_STATE: re.compile(
        r"現状|現在の(状況|課題)|今の(状況|課題)|いまの(状況|課題)|current(ly)? (state|situation|issues?|problems?)|as[- ]is|"
        r"situation (today|now)|today's situation|problems? (now|today)|where (it|things) stands?", re.I),
    Attribute.TARGET_STATE: re.compile(
        r"あるべき姿|目指す姿|将来像|将来の姿|\bto-be\b|ideal|target state|future state|desired state|"
        r"(should|will) (it )?look like|in (the )?future", re.I),
}

# Expected answer types, and how to recognise a value of that type in evidence text.
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "money": (
        re.compile(r"予算|費用|経費|金額|いくらか?か[かる]|コスト|\bbudget|\bcost|how much money|price|spend", re.I),
        re.compile(r"[\d,.]+\s*(円|千円|万円|億円)"),
    ),
    "headcount": (
        re.compile(r"何人|人数|職員数|人口|how many (staff|people|employees|persons|residents)|headcount|population", re.I),
        re.compile(r"[\d,.]+\s*(人|名)"),
    ),
    "person_name": (
        re.compile(r"(区長|市長|知事|大臣)の?(名前|氏名|は誰)|\bmayor\b|governor", re.I),
        re.compile(r"(?!)"),  # names are found by part of speech, see evidence_has_type
    ),
    "vendor": (
        re.compile(r"ベンダー|業者|事業者名|製品名|vendor|supplier|which company|brand", re.I),
        re.compile(r"(株式会社|有限会社|\(株\)|Inc\.|Corp|Ltd)"),
    ),
}


# What a "which year / how long / when / which article / how many" question wants in its answering sentence.
VALUE_KINDS = (
    (re.compile(r"年度|fiscal year|いつから|いつまで|\bstarts?\b|\bbegins?\b|\bends?\b|from when|until when", re.I),
     re.compile(r"(令和|平成|昭和)\s*\d+\s*年度")),
    (re.compile(r"何年間|how long|how many years|duration", re.I), re.compile(r"\d+\s*年間?")),
    (re.compile(r"いつ|何月|日程|スケジュール|\bwhen\b|schedule|deadline|\bdates?\b", re.I),
     re.compile(r"\d+\s*月|\d+\s*日|(令和|平成|昭和)\s*\d+\s*年")),
    (re.compile(r"\barticles?\b|第?何条", re.I), re.compile(r"第\s*\d+\s*条")),
    (re.compile(r"いくつ|何%|何時間|何件|how many|how much|what percent|number of", re.I), re.compile(r"\d")),
)


@dataclass(frozen=True)
class Intent:
    """The analysed question."""

    text: str
    language: str
    attributes: frozenset[Attribute]
    answer_type: str | None

    def asks(self, attribute: Attribute) -> bool:
        return attribute in self.attributes

    def value_pattern(self) -> re.Pattern[str] | None:
        """The kind of value (fiscal year, duration, date, number) an answering sentence should hold, if any."""
        return next((value for cue, value in VALUE_KINDS if cue.search(self.text)), None)


def normalize_question(question: str) -> str:
    """NFKC, control characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", question)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def language_of(text: str) -> str:
    """'en' when English words carry the sentence (Japanese terms may be quoted in it), else 'ja'."""
    latin_words = len(LATIN_WORD.findall(text))
    if latin_words >= 2 and latin_words * 3 > len(HIRAGANA.findall(text)):
        return "en"
    return "ja" if JAPANESE.search(text) else "en"


def analyse(question: str) -> Intent:
    text = normalize_question(question)
    attributes = frozenset(name for name, pattern in INTENTS.items() if pattern.search(text))
    answer_type = next((name for name, (cue, _) in ANSWER_TYPES.items() if cue.search(text)), None)
    return Intent(text=text, language=language_of(text), attributes=attributes, answer_type=answer_type)


def evidence_has_type(answer_type: str, text: str, tokenizer: JapaneseTokenizer) -> bool:
    """Whether `text` holds a value of the expected answer type."""
    if answer_type == "person_name":
        return tokenizer.has_person_name(text)
    return bool(ANSWER_TYPES[answer_type][1].search(text))
