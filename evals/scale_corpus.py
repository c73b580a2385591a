"""A synthetic plan-like corpus for the scale benchmark: documents laid out in the layouts plan documents use.

Each document has a 施策の体系 table (目標 / 施策 / 【取組】), per-施策 pages with 評価指標, and one
initiative sheet per 取組 (担当, 取組内容, 現状, あるべき姿), with titles, owning 課, sentences and
figures drawn from a seeded generator, so the text is varied (few repeated sentences for the embedder to
skip) and the same seed always writes the same corpus. Sheets and indicators are written in mixed layouts,
the variants of the blind editions in tests/data/editions (labels with or without 【】/［］ and a colon, the
seven owner labels, owners separated by 、・ spaces slashes or lines, label and value on one line or two,
three field orders, headings with or without 【】 or full-width digits, indicator figures on separate or
labelled lines, on one line split by > → ／ or a tab, or as a table row), the shipped layout among them.
Numbers continue after the shipped plan's (目標3, 施策16, 取組27), so entities never collide.
Written only into a temporary directory by the benchmark; never committed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

FIELDS = ("子育て", "高齢者福祉", "防災", "観光", "環境", "学校教育", "文化", "商工", "保健", "住宅",
          "道路", "公園", "清掃", "税務", "戸籍", "国民健康保険", "選挙", "図書館", "区民活動", "多文化共生",
          "障害福祉", "生涯学習", "スポーツ", "地域交流", "消費生活")
THEMES = ("デジタル化", "オンライン化", "データ活用", "業務効率化", "窓口改革", "ペーパーレス化",
          "キャッシュレス化", "AI活用", "情報発信の強化", "セキュリティ強化", "サービス向上", "見える化")
TARGETS = ("申請手続き", "窓口予約", "施設予約", "相談業務", "通知文書", "会議運営", "文書管理", "庁内照会",
           "統計データ", "現場点検", "巡回業務", "問い合わせ対応", "補助金交付", "証明書発行", "給付事務",
           "台帳管理", "研修運営", "イベント受付", "アンケート集計", "職員間の情報共有")
MEANS = ("オンライン化", "電子化", "自動化", "AIの活用", "RPAの導入", "ノーコードツールの活用", "共通基盤化",
         "見える化", "クラウドへの移行", "標準化", "チャットボットの導入", "電子契約の導入")
OWNERS = ("情報政策課", "総務課", "企画課", "子育て支援課", "介護保険課", "危機管理課", "観光課", "環境課", "学務課",
          "指導課", "区民課", "税務課", "戸籍住民課", "国民健康保険課", "道路管理課", "公園課", "清掃リサイクル課",
          "生涯学習課", "文化振興課", "産業振興課", "経理課", "人事課", "広報課", "保健予防課", "障害福祉課",
          "福祉課", "住宅課", "都市計画課", "教育支援館", "中央図書館")
EFFECTS = ("区民の利便性の向上", "職員の事務負担の軽減", "処理期間の短縮", "情報の正確性の確保", "待ち時間の解消",
           "費用の削減", "迅速な意思決定", "区民サービスの質の向上", "ミスの防止", "問い合わせ件数の削減")
PROBLEMS = ("紙の書類で受け付けており、入力に{n}時間/月を要している", "窓口での対面対応が中心となっている",
            "職員ごとに手順が異なり、引継ぎに時間がかかる", "集計を手作業で行い、毎月{n}時間を要している",
            "電話での問い合わせが年間{n}件ある", "複数のシステムに同じ情報を入力している",
            "来庁しなければ手続きが完了しない", "紙の台帳で管理しており、検索に時間がかかる",
            "申請から交付まで平均{n}日かかる", "書面での押印を求めている")
STATES = ("24時間いつでもオンラインで手続きが完結する", "データが自動で集計され、職員は分析に時間を使える",
          "区民が来庁せずにスマートフォンで申請できる", "必要な情報を全庁で共有し、すぐに検索できる",
          "定型業務が自動化され、相談対応に時間をあてられる", "手続きの状況を区民がオンラインで確認できる",
          "押印や書面が不要になり、処理期間が短縮される", "現場の状況を写真とデータで記録し、共有できる")
INDICATORS = ("オンライン化率", "利用件数", "削減時間数", "満足度", "実施回数", "登録者数", "電子化率")
UNITS = {"オンライン化率": "%", "利用件数": "件", "削減時間数": "時間", "満足度": "%", "実施回数": "回",
         "登録者数": "人", "電子化率": "%"}
GOAL_TITLES = ("便利で快適な{f}サービスの提供", "{f}分野におけるデジタル技術の徹底活用", "{f}のDX推進体制の強化",
               "データに基づく{f}行政の推進", "誰もが使いやすい{f}手続きの実現")

FIRST_GOAL, FIRST_MEASURE, FIRST_INITIATIVE = 4, 17, 28  # after the shipped plan's numbers


@dataclass
class _Numbers:
    goal: int = FIRST_GOAL
    measure: int = FIRST_MEASURE
    initiative: int = FIRST_INITIATIVE


@dataclass
class ScaleCorpus:
    """The files written, their total size, questions about the generated entities, and what each 取組's
    sheet states as its owners (to check a parse against)."""

    files: list[Path] = field(default_factory=list)
    bytes: int = 0
    questions: list[str] = field(default_factory=list)
    owners: dict[int, tuple[str, ...]] = field(default_factory=dict)


def write_corpus(directory: Path, *, target_bytes: int, seed: int = 6) -> ScaleCorpus:
    """Write plan-like documents (each about the shipped plan's size) until `target_bytes` are written."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    numbers = _Numbers()
    corpus = ScaleCorpus()
    while corpus.bytes < target_bytes:
        text = _document(rng, numbers, len(corpus.files) + 1, corpus)
        path = directory / f"plan-{len(corpus.files) + 1:04d}.txt"
        data = text.encode("utf-8")
        path.write_bytes(data)
        corpus.files.append(path)
        corpus.bytes += len(data)
    return corpus


def _document(rng: random.Random, numbers: _Numbers, number: int, corpus: ScaleCorpus) -> str:
    area = rng.choice(FIELDS)
    goals = []
    for _ in range(3):
        measures = []
        for _ in range(rng.randint(2, 3)):
            initiatives = [(numbers.initiative + i, _initiative_title(rng)) for i in range(rng.randint(1, 3))]
            numbers.initiative += len(initiatives)
            measures.append((numbers.measure, f"{rng.choice(FIELDS)}における{rng.choice(THEMES)}", initiatives))
            numbers.measure += 1
        goals.append((numbers.goal, rng.choice(GOAL_TITLES).format(f=rng.choice(FIELDS)), measures))
        numbers.goal += 1

    lines = [f"(仮称) 台東区{area}DX推進計画 分野別計画 第{number}編", "", "第1章 計画の基本的な考え方", "",
             "1. 策定趣旨", "", _paragraph(rng, area), "", "2. 計画期間", "",
             f"令和{rng.randint(8, 9)}年度から令和{rng.randint(10, 12)}年度までの計画とします。", "",
             "第2章 計画の内容（施策の具体的な内容）", ""]
    for goal, title, measures in goals:
        count = sum(len(initiatives) for _, _, initiatives in measures)
        lines.append(f"目標{goal}\t{title}【施策数:{len(measures)}、取組数:{count}】\t")
        for measure, measure_title, initiatives in measures:
            items = " ".join(f"【取組{i}】{t}" for i, t in initiatives)
            lines.append(f"施策{measure}\t{measure_title}\t{items}")
        lines.append("")
    for goal, title, measures in goals:
        lines += [f"目標{goal} {title}", ""]
        for measure, measure_title, initiatives in measures:
            lines += _measure_block(rng, measure, measure_title, initiatives, corpus.questions)
            for initiative, initiative_title in initiatives:
                lines += _sheet(rng, measure, measure_title, initiative, initiative_title, corpus)
    return "\n".join(lines) + "\n"


def _initiative_title(rng: random.Random) -> str:
    return f"{rng.choice(TARGETS)}の{rng.choice(MEANS)}"


def _paragraph(rng: random.Random, area: str) -> str:
    return (f"{area}分野では、{rng.choice(TARGETS)}や{rng.choice(TARGETS)}などの業務が増えています。"
            f"限られた人材で{rng.choice(EFFECTS)}と{rng.choice(EFFECTS)}を両立するため、"
            f"デジタル技術を最大限活用して{rng.choice(THEMES)}を進めます。")


# The layout variants, each drawn per sheet or per 施策 page.
BRACKETS = (("", ""), ("【", "】"), ("［", "］"))
COLONS = ("", "：", ":")
OWNER_LABELS = ("担当", "担当課", "所管", "所管課", "担当部署", "担当部局", "関係課")
OWNER_SEPARATORS = ("、", "・", " ", "\u3000", "／", " / ", "\n")
ORDERS = ((0, 1, 2, 3), (0, 2, 3, 1), (1, 2, 3, 0))  # 担当 first; 現状 before 取組内容; 担当 last
HEADINGS = ("plain", "bracketed", "full-width")
INDICATOR_STYLES = ("lines", "labelled", ">", "→", "／", "tab", "table")
HEADER = "現況(令和7年度) > 目標(令和10年度)"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _heading(kind: str, number: int, title: str, style: str) -> str:
    if style == "bracketed":
        return f"【{kind}{number}】{title}"
    return f"{kind}{str(number).translate(FULL_WIDTH) if style == 'full-width' else number} {title}"


def _measure_block(rng: random.Random, measure: int, title: str, initiatives: list[tuple[int, str]],
                   questions: list[str]) -> list[str]:
    indicator = f"{rng.choice(TARGETS)}の{rng.choice(INDICATORS)}"
    unit = UNITS[indicator.rsplit("の", 1)[1]]
    current, target = sorted(rng.sample(range(5, 9800), 2))
    if unit == "%":
        current, target = sorted(rng.sample(range(5, 100), 2))
    questions.append(f"施策{measure}の評価指標の目標値は？")
    lines = [_heading("施策", measure, title, rng.choice(HEADINGS)),
             f"{title}を進めるため、{rng.choice(TARGETS)}の{rng.choice(MEANS)}を推進し、{rng.choice(EFFECTS)}を図ります。"
             f"また、{rng.choice(TARGETS)}についても{rng.choice(MEANS)}を検討します。", ""]
    lines += [f"取組{number} {initiative_title}" for number, initiative_title in initiatives]
    return lines + ["", "評価指標", "", *_indicator(rng.choice(INDICATOR_STYLES), indicator,
                                                 f"{current:,}{unit}", f"{target:,}{unit}"), ""]


def _indicator(style: str, name: str, current: str, target: str) -> list[str]:
    if style == "lines":
        return [HEADER, "", name, "", current, target]
    if style == "labelled":
        return [name, f"現況(令和7年度)：{current}", f"目標(令和10年度)：{target}"]
    if style == "table":
        return ["評価指標\t現況(令和7年度)\t目標(令和10年度)", f"{name}\t{current}\t{target}"]
    if style == "→":
        return [HEADER, "", f"{name}\u3000{current} → {target}"]
    separator = {">": " > ", "／": "／", "tab": "\t"}[style]
    return [HEADER, "", name, f"{current}{separator}{target}"]


def _sheet(rng: random.Random, measure: int, measure_title: str, initiative: int, title: str,
           corpus: ScaleCorpus) -> list[str]:
    owners = rng.sample(OWNERS, rng.randint(1, 3))
    corpus.owners[initiative] = tuple(owners)
    corpus.questions.append(f"取組{initiative}の担当課は？")
    corpus.questions.append(f"{title}の現状とあるべき姿は？")
    bullet = rng.choice(("■ ", "・", "○"))
    content = [f"{bullet}{rng.choice(TARGETS)}について{rng.choice(MEANS)}を進め、{rng.choice(EFFECTS)}を図る"
               for _ in range(rng.randint(1, 3))]
    subject = title.split("の", 1)[0]
    current = [f"{rng.choice(TARGETS)}は{rng.choice(PROBLEMS).format(n=rng.randint(2, 900))}"
               for _ in range(rng.randint(1, 3))]
    target = [f"{subject}について、{rng.choice(STATES)}" for _ in range(rng.randint(1, 2))]
    heading = [_heading("施策", measure, measure_title, rng.choice(HEADINGS)), "",
               _heading("取組", initiative, title, rng.choice(HEADINGS)), ""]
    if rng.random() < 0.2:  # the shipped interim summary's layout
        return [*heading, f"担当 {owners[0]}", *owners[1:], "", f"取組内容 {content[0]}", *content[1:], "",
                "現状", "", *current, "", "あるべき姿", "", *target, ""]
    opening, closing = rng.choice(BRACKETS)
    colon = rng.choice(COLONS)
    next_line = rng.random() < 0.4
    separator = rng.choice(OWNER_SEPARATORS)

    def field(label: str, values: list[str], on_next_line: bool) -> list[str]:
        head = f"{opening}{label}{closing}{colon}"
        if on_next_line:
            return [head, *values, ""]
        gap = " " if colon == ":" or not (opening or colon) else ""
        return [f"{head}{gap}{values[0]}", *values[1:], ""]

    fields = [field(rng.choice(OWNER_LABELS), separator.join(owners).split("\n"), rng.random() < 0.4),
              field("取組内容", content, next_line), field("現状", current, next_line),
              field("あるべき姿", target, next_line)]
    return heading + [line for number in rng.choice(ORDERS) for line in fields[number]]
