"""What a question asks for: its language, the plan attributes it asks about, the answer type it expects.

The vocabulary is the plan's own schema (担当, 評価指標, 現状, あるべき姿, 計画期間 …) with
its usual English renderings, plus general question words; nothing here names a
particular initiative.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from taito_dx.assistant.glossary import japanese_terms
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
        r"担当|所管|どこの課|どの課|何課|どこが|どの部署|担う|責任|\bowns\b|\bowned\b|\bowner|in charge|responsib|"
        r"(?<!its )(?<!their )(?<!our )(?<!my )(?<!your )(?<!his )(?<!her )\bown\b|"  # "its own staff" asks no owner
        r"(?<!background )(?<!this )\bsections?\b(?!\s+(of|in)\s+(the\s+)?(chapter|plan|document|summary|report))|"
        # a department asked for, not departments in general ("across departments", "each division")
        r"(?<!across )(?<!all )(?<!each )(?<!every )(?<!other )(?<!various )(?<!between )(?<!among )(?<!many )"
        r"(?:department|\bdept\b|division)|"
        # "who runs …", "取組12 — who?"; not a relative clause after people ("residents who struggle …")
        r"(?<!residents )(?<!people )(?<!citizens )(?<!staff )(?<!employees )(?<!those )(?<!users )(?<!persons )"
        r"(?<!children )(?<!seniors )(?<!anyone )(?<!someone )(?<!families )(?<!parents )(?<!workers )"
        r"\bwho\b(?!.*\b(mayor|name)\b)", re.I),
    Attribute.INDICATOR: re.compile(
        r"評価指標|指標|KPI|目標値|現況|何%|indicator|\bkpi\b|metric|target (value|figure|number)|\btargets? (?:for|of)\b|"
        r"how (will|is) .*(measured|evaluated)|measure (of )?success|success measure", re.I),
    Attribute.CURRENT_VALUE: re.compile(r"現況|現在値|current (value|figure|level)|baseline", re.I),
    Attribute.PARENT: re.compile(
        r"どの施策|どの目標|属する|属して|(施策|目標)に位置づけ|所属|下にある|どこに(含|入)|which (measure|goal|policy)|"
        r"belongs?|under (which|what) (measure|goal|policy|施策|目標)|part of (which|what) (measure|goal|施策|目標)|"
        r"falls? under|\bparent\b|where (does|do|is|are) .{2,60}\b(fit|sit|belong|placed|located|come)\b|"
        r"どこに(位置|属|入って)", re.I),
    Attribute.CHILDREN: re.compile(
        r"(どの|どんな|何の)取組|取組(は|には|を)(何|どれ|教え)|取組.*(一覧|挙げ|含まれ)|"
        r"which initiatives|what initiatives|initiatives (are|does|under|in)|list (the|all)? ?initiatives", re.I),
    Attribute.COUNT: re.compile(r"いくつ|何個|何件|幾つ|数は|の数|how many|number of", re.I),
    Attribute.CONTENT: re.compile(r"取組内容|何をする|何に取り組|\bcontents?\b|what (does|will) .* do\b(?! with)|what is .* about|"
                                  r"activities", re.I),
    Attribute.CURRENT_STATE: re.compile(
        r"現状|現在の(状況|課題|問題)|今の(状況|課題|問題)|いまの(状況|課題|問題)|困って|困りごと|問題点|"
        r"current(ly)? (state|situation|issues?|problems?)|as[- ]is|"
        r"situation (today|now)|today's situation|problems? (now|today)|where (it|things) stands?|"
        r"what is wrong|what goes wrong|problems? with|shortcomings?|pain points?|(current|present) setup", re.I),
    Attribute.TARGET_STATE: re.compile(
        r"あるべき姿|目指す姿|将来像|将来の姿|\bto-be\b|ideal|target state|future state|desired state|"
        r"(should|will) (it )?look like|in (the )?future|\bvision (for|of) (?!the plan|this plan)|"
        r"wants? to (achieve|become)|aims? to (achieve|become)|end state|目指すもの|should be|ought to be", re.I),
}

# Asking the assistant's own view, which no plan states: "うまくいくと思う？", "Do you think …", "compared to the
# national average".
OPINION = re.compile(r"(?:と|って)思う[?？]?$|どう思う|思いますか|(?<!what )\bdo you think\b|\byour (?:opinion|view)\b|"
                     r"\bin your view\b|\bwhat do you think (?:of|about)\b|\bwould you recommend\b|"
                     # or a comparison with what lies outside the plan
                     r"compar(?:e|ed|es|ing) (?:to|with) (?:the )?(?:national|tokyo|other|average)|national average|全国平均|"
                     r"他の?(?:区|市|自治体|都市)(?:と|に)(?:比べ|比較)", re.I)
# "Why …", "何のため": a reason; "評価指標は施策ごとに設定されるんですか？", "Is … set per measure?": whether.
REASON = re.compile(r"なぜ|どうして|何のため|理由|目的は|\bwhy\b|for what purpose|what for\b|the reason", re.I)
YES_NO = re.compile(r"^(is|are|does|do|can|will|was|were)\b(?!.*\b(what|which|who|how|when|where)\b)|"
                    r"^(?!.*(何|どれ|どこ|誰|だれ|いつ|どの|どう|いくつ|どちら|どっち)).*(んですか|のですか|ますか|ですか)([?？]|$)",
                    re.I)


@dataclass(frozen=True)
class ValueKind:
    """A kind of value a question asks for, how the question asks it, and how a value of it reads in the plan.

    `gates`: an answer that quotes no value of the kind does not answer the question (it abstains);
    otherwise the kind only prefers the sentences that hold one.
    """

    name: str
    cue: re.Pattern[str]
    value: re.Pattern[str] | None  # None: found by part of speech (a person's name)
    gates: bool = True


PLAN_LEVEL_WORDS = r"(?:goals?|measures?|polic(?:y|ies)|initiatives?|目標|施策|取組)\b"
# First cue that matches wins. The cues are general question words; the values, how plan documents write them.
VALUE_KINDS: tuple[ValueKind, ...] = (
    ValueKind("money", re.compile(r"予算|費用|経費|金額|いくら|コスト|補助金|\bbudget|\bcosts?\b|how much money|price|"
                                  r"spend|subsid", re.I),
              re.compile(r"[\d,.]+\s*(円|千円|万円|億円)")),
    ValueKind("person", re.compile(r"(誰|だれ|氏名|名前|\bwho\b|whose|name of).{0,24}(CIO|CDO|CTO|区長|市長|知事|所長|部長|課長|"
                                   r"センター長|責任者|\bhead\b|chief|director|manager|mayor|officer|minister|governor)|"
                                   r"(CIO|CDO|区長|市長|知事|所長|部長|課長|センター長|責任者|head of|\bchief\b|director|mayor|"
                                   r"governor).{0,16}(誰|だれ|氏名|名前|\bwho\b)", re.I), None),
    ValueKind("contact", re.compile(r"電話番号|連絡先|問い?合わせ先|メールアドレス|住所|所在地|内線|\b(?:tele)?phone\b|\be-?mail\b|"
                                    r"\bcontact\b|"
                                    r"(?:e-?mail|postal|street|office|mailing|web) address|address of|extension number|where is .{2,40} located", re.I),
              re.compile(r"\d{2,5}-\d{1,4}-\d{3,4}|[\w.+-]+@[\w-]+\.\w+|〒|内線\s*\d+|[都道府県区市町村]\S{0,12}\d+[-−]\d+")),
    ValueKind("school", re.compile(r"(どの|どこの)(小|中)?学校|(小|中)?学校はどこ|対象(の|となる|になる)?学校|対象校|モデル校|"
                                   r"\b(which|what) schools?\b|names? of (the )?schools?", re.I),
              re.compile(r"[一-龥ァ-ヶ]{1,10}(小学校|中学校|高等学校|高校|学園|幼稚園|こども園)")),
    ValueKind("procedure", re.compile(r"(どうやって|どのように|どう)(提出|申請|応募|申し込|参加|登録|出|送)|(提出|申請|応募|申込み?|登録)"
                                      r"(方法|の仕方|手順)|how (do|can|should|would|could) (i|we|you|staff|(a )?residents?|someone|people|citizens?)"
                                      r" (submit|apply|register|send|file|join|sign up|take part|participate)|"
                                      r"how to (submit|apply|register|send|file|join|sign up|take part|participate)", re.I),
              re.compile(r"提出|応募|申込|申し込|送付|郵送|メール|手順|方法|申請|オンラインで|窓口で")),
    ValueKind("frequency", re.compile(r"頻度|何回|年に何|月に何|週に何|どのくらいの間隔|how often|how frequently|how many times",
                                      re.I),
              re.compile(r"(毎|隔)\s*(年|月|週|日)|[年月週日]\s*\d+\s*回|\d+\s*回|四半期|annual")),
    ValueKind("day", re.compile(r"何月何日|何日に|日付|what date|which date|exact date|what day|which day", re.I),
              re.compile(r"\d+\s*月\s*\d+\s*日|\d+/\d+")),
    ValueKind("date", re.compile(r"期限|締切|締め切り|deadline|by when|due date|いつまでに", re.I),
              re.compile(r"\d+\s*月\s*\d+\s*日|(令和|平成|昭和)\s*\d+\s*年\s*\d+\s*月|\d+\s*月")),
    ValueKind("rate", re.compile(r"何%|何パーセント|割合|(?<!効)率|percentage|percent|what share|what proportion|"
                                 r"\brate\b", re.I),
              re.compile(r"\d+(\.\d+)?\s*(%|％|割|パーセント)")),
    ValueKind("hours", re.compile(r"何時間|時間数|how many (?:[\w-]+ ){0,2}hours", re.I), re.compile(r"\d[\d,]*\s*時間")),
    ValueKind("count", re.compile(r"何人|人数|何台|台数|何件|件数|何校|何か所|何団体|参加者数|職員数|"
                                  r"(?!策数|組数|標数|間数|年数)[一-龥]数\s*(?:は|って|を|が)|人口\s*(は|って|を教|が何)|"
                                  r"population (of|is)\b|what('s| is) the population|"
                                  rf"how many (?!{PLAN_LEVEL_WORDS}|years?\b|hours?\b)\w+", re.I),
              re.compile(r"(?<!第)(?<!\d)\d[\d,]*\s*(人|名|台|件|校|か所|箇所|団体|者|社|個|本|回|種類|手続)")),
    ValueKind("product", re.compile(r"ベンダー|業者|事業者名|製品|ツール名|アプリ名|サービス名|何というアプリ|vendor|"
                                    r"(アプリ|システム|ツール|サービス)の(名前|名称)|name of the \S*(アプリ|システム|ツール)|"
                                    r"supplier|which company|brand|(which|what) (?!initiatives?\b|measures?\b|goals?\b|polic)([\w-]+ ){0,3}(tool|product|software|service|app|"
                                    r"platform)s?\b|name of the (app|tool|product|software|service|system)", re.I),
              re.compile(r"(株式会社|有限会社|\(株\)|Inc\.|Corp|Ltd|LLC)")),
    ValueKind("fiscal_year", re.compile(r"年度|fiscal year|いつから|いつまで|\bstarts?\b|\bbegins?\b|\bends?\b|from when|"
                                        r"until when", re.I),
              re.compile(r"(令和|平成|昭和)\s*\d+\s*年度"), gates=False),
    ValueKind("duration", re.compile(r"何年間|how long|how many years|duration", re.I), re.compile(r"\d+\s*年間?"),
              gates=False),
    ValueKind("when", re.compile(r"いつ|何月|日程|スケジュール|^when\b|(?:[,;]|\band|\bor)\s+when\b|"
                                 r"\bwhen\s+(?:is|are|was|were|will|would|does|do|did|can|could|should|must)\b|"
                                 r"schedule|\bdates?\b", re.I),  # when asked, not "even when people apply"
              re.compile(r"\d+\s*月|\d+\s*日|(令和|平成|昭和)\s*\d+\s*年|\d{4}\s*年|毎年|年度")),
    ValueKind("article", re.compile(r"\barticles?\b|第?何条", re.I), re.compile(r"第\s*\d+\s*条"), gates=False),
    ValueKind("number", re.compile(r"いくつ|何%|何時間|何件|how much|what percent|number of", re.I), re.compile(r"\d"),
              gates=False),
)


MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"), start=1) if name != "may"}  # "may" is mostly the verb


@dataclass(frozen=True)
class Intent:
    """The analysed question."""

    text: str
    language: str
    attributes: frozenset[Attribute]
    value_kind: ValueKind | None  # the kind of value the question asks for, if it asks for one
    asks_reason: bool = False  # why, or whether: answered by what the plan says, not by a listing of its registry
    asks_opinion: bool = False  # the assistant's own view ("うまくいくと思う？"): no plan states it
    expansions: tuple[str, ...] = ()  # the documents' words for its clipped ones (パブコメ → パブリック コメント)

    def asks(self, attribute: Attribute) -> bool:
        return attribute in self.attributes

    @functools.cached_property
    def search_text(self) -> str:
        """The text keyword search reads: the question, with the plan's way of writing the months it names in
        English ("March" → 3月) and the plan's words for its English words of administration (background → 背景:
        `glossary`), which Japanese sentences otherwise never share, and the words its clipped ones stand for."""
        months = [f"{number}月" for name, number in MONTHS.items() if re.search(rf"\b{name}\b", self.text, re.I)]
        return " ".join([self.text, *months, *japanese_terms(self.text), *self.expansions])


# Ordinals of the plan's levels read as their numbers: "the first measure" → "measure 1", 「2つ目の目標」 → 「目標2」.
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
                 "ninth": 9, "tenth": 10}
ENGLISH_ORDINAL = re.compile(r"\b(?:the\s+)?(?P<ordinal>" + "|".join(ORDINAL_WORDS) + r"|\d{1,2}(?:st|nd|rd|th))\s+"
                             r"(?P<level>goal|measure|policy|initiative)\b", re.I)
JAPANESE_ORDINAL = re.compile(r"(?P<number>\d{1,2})\s*(?:つ目|番目)の\s*(?P<level>目標|施策|取組)|第\s*(?P<n2>\d{1,2})\s*の?(?P<l2>目標|施策|取組)")
# The plan's label words as typed in kana when the input method was not converted (げんじょう for 現状).
KANA_SPELLINGS = {"げんじょう": "現状", "あるべきすがた": "あるべき姿", "たんとう": "担当", "しさく": "施策", "とりくみ": "取組",
                  "もくひょう": "目標", "ひょうかしひょう": "評価指標", "きほんりねん": "基本理念", "けいかくきかん": "計画期間"}


CONTRACTION = re.compile(r"\b(what|who|where|when|how|which|that|there|it)['’]s\b", re.I)
# English words the cues read, typed with a letter dropped, doubled or swapped ("initatives", "how ofen"), read as
# written; words with near neighbours of their own ("measure": "measured") are left out.
CUE_SPELLINGS = ("initiative", "initiatives", "often", "frequently", "responsible", "department", "indicator",
                 "indicators", "schedule", "budget")
CUE_INITIALS = frozenset(word[0] for word in CUE_SPELLINGS)
LATIN_WORD_RUN = re.compile(r"[A-Za-z]{4,}")
MIN_SPELLING_RATIO = 0.85  # difflib ratio: two letters off in "initiative" still reads as it (set, not tuned)


def _spelled(match: re.Match[str]) -> str:
    word = match[0]
    if word[0].lower() not in CUE_INITIALS:  # a letter off is rarely the first one
        return word
    close = difflib.get_close_matches(word.lower(), CUE_SPELLINGS, n=1, cutoff=MIN_SPELLING_RATIO)
    return close[0] if close and word.lower() not in CUE_SPELLINGS else word


# A level's number written as an English word ("goal one"), and a second number sharing the level word ("measure 5
# and 6", 「施策5と6」) read as numbers of that level.
NUMBER_NAMES = {name: number for number, name in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split(), start=1)}
LEVEL_NUMBER_NAME = re.compile(r"\b(?P<level>goal|measure|policy|initiative)\s+(?P<name>" + "|".join(NUMBER_NAMES) + r")\b",
                               re.I)
SHARED_LEVEL = re.compile(r"(?P<level>\b(?:goal|measure|policy|initiative)s?\s*|目標|施策|取組)(?P<first>\d{1,2})"
                          r"(?P<joint>\s*(?:,|and|&|or|と|、|・|や)\s*)(?P<second>\d{1,2})(?![\d年月日%件つ個人時])", re.I)


def normalize_question(question: str) -> str:
    """NFKC, control characters removed, whitespace collapsed; ordinals of levels as numbers, kana label words in
    kanji."""
    text = unicodedata.normalize("NFKC", question)
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    text = CONTRACTION.sub(lambda m: f"{m[1]} is", text)  # "What's the timeframe" reads as "What is …"
    text = LATIN_WORD_RUN.sub(_spelled, text)
    text = ENGLISH_ORDINAL.sub(_numbered_level, text)
    text = LEVEL_NUMBER_NAME.sub(lambda m: f"{m['level']} {NUMBER_NAMES[m['name'].lower()]}", text)
    text = SHARED_LEVEL.sub(lambda m: f"{m['level']}{m['first']}{m['joint']}{m['level'].rstrip()}"
                                      f"{' ' if m['level'][0].isascii() else ''}{m['second']}", text)
    text = JAPANESE_ORDINAL.sub(lambda m: f"{m['level'] or m['l2']}{m['number'] or m['n2']}", text)
    for kana, kanji in KANA_SPELLINGS.items():
        text = text.replace(kana, kanji)
    return re.sub(r"\s+", " ", text).strip()


def _numbered_level(match: re.Match[str]) -> str:
    ordinal = match["ordinal"].lower()
    number = ORDINAL_WORDS.get(ordinal) or int(ordinal[:-2])  # "third", "3rd"
    return f"{match['level']} {number}"


def language_of(text: str) -> str:
    """'en' when English words carry the sentence (Japanese terms may be quoted in it), else 'ja'."""
    latin_words = len(LATIN_WORD.findall(text))
    if latin_words >= 2 and latin_words * 3 > len(HIRAGANA.findall(text)):
        return "en"
    return "ja" if JAPANESE.search(text) else "en"


def analyse(question: str) -> Intent:
    text = normalize_question(question)
    attributes = frozenset(name for name, pattern in INTENTS.items() if pattern.search(text))
    value_kind = next((kind for kind in VALUE_KINDS if kind.cue.search(text)), None)
    return Intent(text=text, language=language_of(text), attributes=attributes, value_kind=value_kind,
                  asks_reason=bool(REASON.search(text) or YES_NO.search(text)), asks_opinion=bool(OPINION.search(text)))


def holds_value(kind: ValueKind, text: str, tokenizer: JapaneseTokenizer) -> bool:
    """Whether `text` holds a value of `kind`."""
    if kind.value is None:
        return tokenizer.has_person_name(text)
    return bool(kind.value.search(text))
