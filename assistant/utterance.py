"""Whether a chat message describes a work problem (a BPR consultation) rather than asks a question.

A problem is told as a statement: "窓口で紙の申請を手入力している", "We retype paper forms at the
counter." A question asks (？, an interrogative, か at the end), requests ("教えて", "一覧にして",
"list the …") or names a topic in a few words ("計画期間", "initiative 12 owner"): those are answered.
"""

from __future__ import annotations

import re

from taito_dx.index.keyword import JapaneseTokenizer

QUESTION_MARK = re.compile(r"[?？]\s*$")
# Japanese interrogatives (疑問詞): a sentence with one asks something, unless it is the indefinite
# 疑問詞 + も / か ("何時間もかかる", "誰も分からない", "何をすればよいのか分からない").
JA_INTERROGATIVE = re.compile(r"(何|なに|なん|誰|だれ|どこ|いつ|どう|どの|どれ|どんな|どちら|なぜ|いくつ|いくら|幾つ)"
                              r"(?![^、。]{0,12}?(も|か)(?![ら]))")
# An English sentence starting with an interrogative, an auxiliary or an imperative of asking asks something.
EN_ASKING_START = re.compile(
    r"^\s*(what|which|who|whom|whose|when|where|why|how|is|are|was|were|am|do|does|did|can|could|will|would|should|"
    r"shall|may|might|has|have|list|name|show|tell|give|explain|describe|summari[sz]e|compare|count|find|please)\b",
    re.I)
# A problem told in English has someone who has it, or says what has to be, keeps happening or cannot be.
EN_STATEMENT = re.compile(r"\b(we|i|our|my|us|me|they|their|them|must|ha(ve|s) to|cannot|can't|don't|doesn't|keeps?|"
                          r"takes?|are|is)\b", re.I)
MIN_JA_CHARS = 8
MIN_EN_WORDS = 6
SKIPPED = ("補助記号", "空白")
PREDICATES = ("動詞", "形容詞", "助動詞")


def describes_problem(text: str, language: str, tokenizer: JapaneseTokenizer) -> bool:
    """Whether `text` (in `language`, "ja" or "en") reads as a described work problem, not a question."""
    text = text.strip()
    if QUESTION_MARK.search(text):
        return False
    if language == "en":
        words = text.split()
        return len(words) >= MIN_EN_WORDS and not EN_ASKING_START.match(text) and bool(EN_STATEMENT.search(text))
    if len(text) < MIN_JA_CHARS or JA_INTERROGATIVE.search(text):
        return False
    tagged = [(surface, pos) for surface, pos in tokenizer.tagged(text) if pos[0] not in SKIPPED]
    if not tagged:
        return False
    surface, pos = tagged[-1]
    # A statement ends in a predicate's plain (終止形) form: "している", "かかる", "ない", "います". A wish
    # ("知りたい", "ほしい") or a request ("教えて", "見せてください") asks for an answer.
    return pos[0] in PREDICATES and pos[5].startswith("終止形") and surface not in ("たい", "ほしい", "欲しい")
