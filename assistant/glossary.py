"""English words of municipal administration and the Japanese words plans write for them.

Sudachi reads an English word as its katakana loanword (schedule → スケジュール), so keyword search meets a
plan's loanwords; the plan's kanji words (背景, 趣旨, 基本理念, 区民) an English question never shares. These
are the standard words of Japanese municipal plans — their section headings (背景, 改訂の趣旨, 計画の位置づけ,
計画期間, 基本理念, 推進体制, 今後のスケジュール) and the vocabulary of administration — not the words of
any question set. An English question's keyword search reads them beside its own words.
"""

from __future__ import annotations

import re

PLAN_GLOSSARY: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(rf"\b(?:{english})\b", re.I), japanese) for
                                                              english, japanese in (
    # the sections of a plan
    (r"background", "背景"),
    (r"purposes?|aims?|objectives?|intent(?:ion)?s?", "趣旨 目的"),
    (r"revis(?:e|ed|es|ing|ion|ions)", "改訂"),
    (r"position(?:ing|ed)?|higher-level plans?|upper-level plans?", "位置づけ 上位計画"),
    (r"plan(?:'s)? (?:period|term)|planning period", "計画期間"),
    (r"period|duration|time ?span|start(?:s|ed|ing)?|begin(?:s|ning)?|commenc\w*|ends?|ending|finish(?:es)?|"
     r"expir\w*", "期間"),
    (r"(?:what|which) (?:fiscal )?years|time ?frames?|how many years", "計画期間"),
    (r"philosoph(?:y|ies)|visions?|principles?|slogans?|mottos?|taglines?|catchphrases?", "基本理念 理念"),
    (r"promotion (?:structure|system)|organi[sz]ation(?:al)?|governance|framework|structure", "推進体制 体制"),
    (r"timeline|next steps?", "スケジュール"),
    (r"formulat(?:e|ed|es|ion)|adopt(?:ed|ion)?|finali[sz](?:e|ed|ation)|draw(?:n)? up|drafted|compiled", "策定"),
    # what a plan's entities hold
    (r"indicators?|kpis?|metrics?", "評価指標 指標"),
    (r"current (?:state|situation|status)|status quo|as it is now", "現状 現況"),
    (r"challenges?|issues?|problems?", "課題"),
    (r"ideal|future state|should look like|to-be", "あるべき姿"),
    (r"evaluat(?:e|ed|ion)|progress", "評価 進捗"),
    (r"achiev(?:e|ed|ement|ing)", "達成"),
    (r"priorit(?:y|ies)|key (?:initiatives|measures|actions)", "重点"),
    # the vocabulary of administration
    (r"residents?|citizens?", "区民"),
    (r"staff|employees?|officials?|personnel", "職員"),
    (r"staffing|manpower|workforce|labou?r shortages?|understaffed|shortage of (?:staff|people|workers)", "人材"),
    (r"national government|the state|nationwide|the country", "国"),
    (r"municipalit(?:y|ies)|local governments?", "自治体"),
    (r"population", "人口"),
    (r"human resources?|talent|experts?|specialists?", "人材 専門人材"),
    (r"train(?:ing)?|develop(?:ing)? (?:staff|people|skills)|skills? development", "育成 研修"),
    (r"educat(?:ion|ional)|schools?|pupils?|students?|teachers?", "教育 学校 児童 生徒"),
    (r"efficien(?:t|cy)|streamlin(?:e|ing)", "効率化"),
    (r"roles?", "役割"),
    (r"workloads?|demands?", "行政需要 需要"),
    (r"expand(?:s|ed|ing)?|expansion|grow(?:s|ing|th)?|increas(?:e|es|ed|ing)", "拡大 増大"),
    (r"struggl\w*|left behind|(?:can't|cannot|unable to) use|digital divide|digitally excluded|not (?:comfortable|familiar) "
     r"with", "デジタル・ディバイド 取り残さない"),
    (r"skills?|literacy|competenc(?:e|ies)|capabilit(?:y|ies)", "リテラシー 育成"),
    (r"sav(?:e|ed|es|ing|ings)|reduc(?:e|ed|es|ing|tion)|cut(?:s|ting)?", "削減"),
    (r"hours?", "時間"),
    (r"labou?r[- ]saving", "省力化"),
    (r"procedures?|applications?|paperwork", "手続き 申請"),
    (r"consultations?|advice", "相談"),
    (r"collaborat(?:e|ion)|cooperat(?:e|ion)|partners?(?:hip)?|coordinat(?:e|ion)", "連携"),
    (r"ordinances?|regulations?|bylaws?", "条例 規制"),
    (r"laws?|acts?|legislation", "法"),
    (r"work(?:ing)? styles?|ways? of working", "働き方"),
    (r"reforms?", "改革"),
    (r"childcare|child-rearing|parenting", "子育て"),
    (r"elderly|older (?:people|residents)|seniors?", "高齢者"),
    (r"health(?:care)?", "健康"),
    (r"welfare|social services?", "福祉"),
    (r"industr(?:y|ies)|economy|economic", "産業"),
    (r"urban planning|town planning|city planning|community development", "まちづくり"),
    (r"disabilit(?:y|ies)|disabled", "障害"),
    (r"disasters?|emergenc(?:y|ies)", "防災 災害"),
    (r"small (?:and medium[- ]sized )?(?:businesses|enterprises|companies|firms)|smes?", "中小企業"),
    (r"companies|businesses|firms|private sector", "事業者 民間"),
    (r"children|kids|child", "こども 子ども 児童"),
    (r"(?:service |front )?counters?|service desks?|front desks?|in person", "窓口"),
    (r"tourism|tourists?|visitors", "観光"),
    # the vocabulary of digital transformation
    (r"technolog(?:y|ies|ical)|tech", "技術"),
    (r"information|informati[sz]ation|ict", "情報 情報化"),
    (r"socie(?:ty|ties)|social", "社会"),
    (r"chang(?:e|es|ing)|shifts?|transitions?", "変化"),
    (r"rapid(?:ly)?|fast|quick(?:ly)?|swift(?:ly)?", "急速 迅速"),
    (r"innovations?", "革新"),
    (r"spread|uptake|widespread", "普及"),
    (r"advances?|advancements?|developments?", "進展 発展"),
    (r"flexib(?:le|ly|ility)", "柔軟"),
    (r"remote work(?:ing)?|teleworking|work(?:ing)? from home|telecommut\w*", "テレワーク"),
    (r"free[- ]address|hot[- ]desk\w*|flexible seating|unassigned seats?", "フリーアドレス"),
    (r"websites?|web sites?|homepages?|web pages?", "ホームページ"),
    (r"cloud", "クラウド"),
    (r"no-?code(?: tools?| platforms?)?|low-?code", "ノーコードツール ノーコード"),
    (r"tools?", "ツール"),
    (r"generative", "生成"),
    (r"digiti[sz](?:e|es|ed|ing|ation)|go(?:ing)? digital", "デジタル化"),
    (r"notices?|notifications?", "通知"),
    (r"examples?|for instance|such as", "例"),
    (r"standardi[sz](?:e|ed|es|ing|ation)|standards?|common specifications?", "標準化 標準"),
    (r"(?:information |it )?systems?", "システム"),
    (r"(?:cyber)?security", "セキュリティ"),
    (r"paperless|paper", "紙 ペーパーレス"),
    (r"smartphones?|mobile phones?", "スマートフォン"),
    (r"every year|each year|annual(?:ly)?|yearly", "毎年度"),
    (r"statutory|legal basis|by law", "法"),
    (r"needs?|necessary|necessity|required", "必要"),
))


# Everyday Japanese for the words of a plan's section headings (計画の目的 asks for its 趣旨).
PLAN_SYNONYMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(words), plan_word) for words, plan_word in (
    (r"目的|ねらい|狙い", "趣旨"),
    (r"経緯|いきさつ|きっかけ", "背景"),
    (r"ビジョン|コンセプト", "基本理念"),
    (r"日程|予定|流れ", "スケジュール"),
))
ALL_TERMS = PLAN_GLOSSARY + PLAN_SYNONYMS


def japanese_terms(text: str) -> list[str]:
    """The plan's Japanese words for the English words of administration that `text` uses, and for the everyday
    Japanese words of its section headings."""
    return [japanese for pattern, japanese in ALL_TERMS if pattern.search(text)]


def glossary_free(text: str) -> str:
    """`text` without the English words of administration the glossary reads."""
    for pattern, _ in PLAN_GLOSSARY:
        text = pattern.sub(" ", text)
    return text
