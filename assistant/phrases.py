"""Every sentence frame the assistant uses, in Japanese and English; plan facts are quoted as they are."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "not_stated": {
        "ja": "計画には記載がありません。",
        "en": "The plan does not say.",
    },
    "closest": {
        "ja": "最も近い記載は「{location}」です。",
        "en": "The closest thing it says is at {location}.",
    },
    "passage": {
        "ja": "計画には次のとおり記載されています。",
        "en": "The plan says, in Japanese:",
    },
    "passage_quote": {
        "ja": "{quote}{marks}（{location}）",
        "en": "At {location}: {quote}{marks}",
    },
    "owner": {
        "ja": "{name}の担当は {owners} です。",
        "en": "{name} is owned by {owners}.",
    },
    "owner_missing": {
        "ja": "{name}は{measure}の取組ですが、担当を記したシートは資料にありません。",
        "en": "{name} is under {measure}; its sheet with the owner is not in the documents.",
    },
    "which_plan": {
        "ja": "どの計画についてのご質問ですか。資料には次の計画があり、どれにも当てはまります: {plans}。計画の名前を添えてお尋ねください。",
        "en": "Which plan do you mean? The question fits these plans of the documents equally: {plans}. Please name the plan.",
    },
    "owners_listed": {
        "ja": "どの取組の担当かを指定してください。資料のシートに記載のある担当は次のとおりです。",
        "en": "Which initiative do you mean? The sheets in the documents name these owners:",
    },
    "owners_none_measure": {
        "ja": "{measure}の取組は{listing}ですが、担当を記したシートは資料にありません。",
        "en": "{measure} has {listing}; no sheet in the documents names their owner.",
    },
    "owners_none": {
        "ja": "資料には担当を記したシートがありません。",
        "en": "No sheet in the documents names an owner.",
    },
    "owned_by": {
        "ja": "{owner}が担当する取組: {name}",
        "en": "{owner} is listed as owner of {name}.",
    },
    "indicator": {
        "ja": "{name}の評価指標は「{indicator}」です。",
        "en": "The indicator (評価指標) of {name} is 「{indicator}」.",
    },
    "indicator_target": {
        "ja": " {label}: {value}。",
        "en": " {label}: {value}.",
    },
    "indicator_current": {
        "ja": " {label}: {value}。",
        "en": " {label}: {value}.",
    },
    "indicator_value_column_not_stated": {
        "ja": " 記載されている値は{value}の一つだけで、{current}と{target}のどちらの値かは資料に明記されていません。",
        "en": " One figure is given, {value}; the documents do not state whether it is the {current} or the {target} value.",
    },
    "indicator_current_missing": {
        "ja": " {label}の値は記載がありません。",
        "en": " No value is given for {label}.",
    },
    "indicators_none_goal": {
        "ja": "{goal}の施策の評価指標は資料に記載がありません。",
        "en": "No indicator of the measures under {goal} is given in the documents.",
    },
    "indicator_missing": {
        "ja": "{name}の評価指標は資料に記載がありません。",
        "en": "The indicator of {name} is not given in the documents.",
    },
    "field": {
        "ja": "{name}の{label}: {value}",
        "en": "The {label} of {name}: {value}",
    },
    "field_content": {"ja": "取組内容", "en": "content (取組内容)"},
    "field_current_state": {"ja": "現状", "en": "current state (現状)"},
    "field_target_state": {"ja": "あるべき姿", "en": "target state (あるべき姿)"},
    "field_missing": {
        "ja": "{name}の{label}を記したシートは資料にありません。",
        "en": "The sheet with the {label} of {name} is not in the documents.",
    },
    "parent_initiative": {
        "ja": "{name}は{measure}に属し、{goal}の下にあります。",
        "en": "{name} belongs to {measure}, under {goal}.",
    },
    "parent_measure": {
        "ja": "{measure}は{goal}の施策です。",
        "en": "{measure} is a measure under {goal}.",
    },
    "children": {
        "ja": "{measure}の取組: {listing}",
        "en": "The initiatives of {measure}: {listing}",
    },
    "describe_goal": {
        "ja": "{goal}は「{title}」です。",
        "en": "{goal} is 「{title}」.",
    },
    "describe_measure": {
        "ja": "{measure}: {description}",
        "en": "{measure}: {description}",
    },
    "level_goal": {"ja": "目標", "en": "goals (目標)"},
    "level_measure": {"ja": "施策", "en": "measures (施策)"},
    "level_initiative": {"ja": "取組", "en": "initiatives (取組)"},
    "structure_whole_plan": {"ja": "計画全体", "en": "The plan"},
    "structure_list": {
        "ja": "{scope}の{level}（{count}件）: {listing}",
        "en": "{scope} has {count} {level}: {listing}",
    },
    "structure_count": {
        "ja": "{scope}の{level}は{count}件です: {listing}",
        "en": "{scope} has {count} {level}: {listing}",
    },
    "titled_list": {"ja": "名前に「{words}」とある{level}（{count}件）: {listing}",
                    "en": "The {level} whose names have 「{words}」 ({count}): {listing}"},
    "titled_count": {"ja": "名前に「{words}」とある{level}は{count}件です: {listing}",
                     "en": "{count} {level} have 「{words}」 in their names: {listing}"},
    "structure_count_only": {"ja": "{scope}の{level}は{count}件です。", "en": "{scope} has {count} {level}."},
    "structure_having": {
        "ja": "{scope}の{listed}のうち、{level}が{count}件のもの（{total}件）: {listing}",
        "en": "{scope} has {total} {listed} with {count} {level} each: {listing}",
    },
    "structure_having_none": {
        "ja": "{scope}の{listed}に、{level}が{count}件のものはありません。",
        "en": "{scope} has no {listed} with {count} {level}.",
    },
    "structure_most": {
        "ja": "{level}が最も多いのは{names}で、{count}件です。",
        "en": "The most {level}: {names}, with {count}.",
    },
    "structure_fewest": {
        "ja": "{level}が最も少ないのは{names}で、{count}件です。",
        "en": "The fewest {level}: {names}, with {count}.",
    },
    "structure_each": {"ja": "{name}の{level}は{count}件", "en": "{name} has {count} {level}"},
    "structure_same": {"ja": "どちらも同じ数です。", "en": "They have the same number."},
    "structure_more": {"ja": "{name}の方が{level}が{difference}件多くなっています。",
                       "en": "{name} has {difference} more {level}."},
    "no_such_entity": {
        "ja": "計画に{name}はありません（{level}は{first}〜{last}の{count}件です）。",
        "en": "The plan has no {name}: its {level} run from {first} to {last} ({count} in all).",
    },
    "topic_header": {"ja": "計画で「{topic}」に関係する施策と取組は次のとおりです。",
                     "en": "On “{topic}”, the plan has these measures (施策) and initiatives (取組):"},
    "topic_measure": {"ja": "{measure}: {listing}", "en": "{measure}: {listing}"},
    "consult_header": {
        "ja": "この課題に関係する計画の取組:",
        "en": "Initiatives in the plan that address this problem:",
    },
    "consult_none": {
        "ja": "計画には記載がありません。この課題に対応する取組は計画に見当たりません。",
        "en": "The plan does not say: it names no initiative for this problem.",
    },
    "consult_why": {"ja": "理由", "en": "why"},
    "consult_words": {"ja": "（一致した語: {words}）", "en": " (shared words: {words})"},
    "consult_match_words": {"ja": "語の一致", "en": "shared words"},
    "consult_match_meaning": {"ja": "意味の近さ", "en": "close in meaning"},
    "consult_kind_title": {"ja": "取組名", "en": "initiative title"},
    "consult_kind_measure": {"ja": "施策名", "en": "measure title"},
    "consult_kind_measure_description": {"ja": "施策の説明", "en": "measure description"},
    "consult_kind_indicator": {"ja": "評価指標", "en": "indicator"},
    "consult_kind_content": {"ja": "取組内容", "en": "initiative content (取組内容)"},
    "consult_kind_current_state": {"ja": "現状", "en": "current state (現状)"},
    "consult_kind_target_state": {"ja": "あるべき姿", "en": "target state (あるべき姿)"},
    "consult_kind_guide": {"ja": "活用ガイド（計画外の参考資料）", "en": "the DX tools guide (not the plan)"},
    "consult_owners": {"ja": "担当: {owners}", "en": "owner: {owners}"},
    "consult_no_owner": {"ja": "担当: 計画に記載なし", "en": "owner: not stated in the plan"},
    "too_long": {
        "ja": "質問が長すぎます（{limit}文字まで）。要点を短くしてお尋ねください。",
        "en": "The question is too long (at most {limit} characters): please ask it more briefly.",
    },
    "empty": {
        "ja": "質問を入力してください。",
        "en": "Please type a question.",
    },
    # What the chat UI itself says.
    "ui_sources": {"ja": "出典", "en": "Sources"},
    "ui_sources_empty": {"ja": "質問すると、回答の根拠となる計画書の記載がここに表示されます。",
                      "en": "Ask a question: the passages of the plan behind the answer appear here."},
    "ui_no_sources": {"ja": "この回答に出典はありません。", "en": "This answer cites no source."},
    "ui_full_text": {"ja": "全文を表示", "en": "Show the whole passage"},
    "ui_abstained": {"ja": "計画に記載なし", "en": "The plan does not say"},
    "ui_abstained_note": {"ja": "計画書にはこの質問に答える記載がありません。参考として最も近い記載を示します。",
                       "en": "The plan has nothing that answers this. The closest passage is shown for reference."},
    "ui_document": {"ja": "資料", "en": "Document"},
    "ui_page": {"ja": "ページ", "en": "Page"},
    "ui_refused": {"ja": "ご質問を受け付けられませんでした", "en": "The question could not be taken"},
    "ui_empty": {"ja": "質問を入力してください。 / Please type a question.", "en": "Please type a question."},
    "ui_failed": {"ja": "回答できませんでした: {error}", "en": "No answer could be given: {error}"},
    "ui_consult_problem": {"ja": "相談内容", "en": "Problem"},
    "ui_consult_owner": {"ja": "担当", "en": "Owner"},
    "ui_consult_no_owner": {"ja": "計画に記載なし（取組シートが資料にありません）",
                         "en": "not stated in the plan (its sheet is not in the documents)"},
    "ui_consult_indicator": {"ja": "評価指標（施策）", "en": "Indicator (measure)"},
    "ui_consult_cited": {"ja": "出典", "en": "Sources"},
    "ui_consult_why": {"ja": "理由", "en": "Why"},
    "ui_sources_of": {"ja": "回答{number}の出典", "en": "Sources of answer {number}"},
    "ui_consult_empty": {"ja": "相談内容（業務上の課題）を入力してください。 / Please describe a work problem.",
                         "en": "Please describe a work problem."},
    "ui_limit": {"ja": "{limit}文字まで / up to {limit} characters", "en": "up to {limit} characters"},
    "ui_voted_up": {"ja": "回答{number}への 👍 を記録しました。ありがとうございます。",
                    "en": "Your 👍 on answer {number} is recorded. Thank you."},
    "ui_voted_down": {"ja": "回答{number}への 👎 を記録しました。よろしければ理由をお書きください（任意）。",
                      "en": "Your 👎 on answer {number} is recorded. Tell us why, if you like (optional)."},
    "ui_vote_withdrawn": {"ja": "回答{number}への評価を取り消しました。", "en": "Your vote on answer {number} is withdrawn."},
    "ui_commented": {"ja": "回答{number}へのコメントを記録しました。ありがとうございます。",
                     "en": "Your comment on answer {number} is recorded. Thank you."},
}


def phrase(lang: str, key: str, **values: str) -> str:
    """The sentence frame `key` in `lang` ('ja' or 'en'), filled with `values`."""
    frames = PHRASES[key]
    return frames.get(lang, frames["en"]).format(**values)
