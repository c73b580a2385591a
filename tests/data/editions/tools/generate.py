#!/usr/bin/env python3
"""Generate the test editions (full-edition.txt, other-plan.txt, broken-sheet.txt),
answers.jsonl and README.md from the data below.  Written blind (no parser code read)."""
import json
import os

OUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FW = str.maketrans("0123456789", "０１２３４５６７８９")
PLAN = "(仮称)台東区DX推進計画"
OTHER = "台東区窓口改革計画"

GOALS = [
    (1, "便利で快適な行政サービスの提供",
     "行政手続きのオンライン化等の推進やデジタル・ディバイド対策など、行政サービスを快適に利用できる環境の充実に取り組みます。"),
    (2, "デジタル技術の徹底活用による業務の効率化・省力化",
     "デジタル技術を徹底的に活用して業務の効率化等に取り組むことで、多様化する区民ニーズにあてる時間を創出していきます。"),
    (3, "DX推進体制の強化・組織風土の醸成",
     "デジタル人材の育成や外部人材の活用、DX推進重点取組事項の策定などにより、全庁でDXの取り組みを加速化していきます。"),
]

# measure number -> (goal, title, description, heading style, indicator spec)
# indicator spec: (name, current, target, style)  style in
#   sep_labeled, sep_plain, gt, arrow, slash, tab, table, single
MEASURES = {
    1: (1, "行政手続き等のオンライン化によるサービス向上",
        "行政手続き等のさらなる利便性の向上を図るため、オンラインで申請できる手続きの拡大、オンライン相談の拡充など、時間や場所に制限を受けないサービスの提供を推進します。",
        "lent", ("行政手続きのオンライン手続き比率", None, None, "single", "20%")),
    2: (1, "誰一人取り残さないデジタル化の推進",
        "高齢者や障害者など、デジタル機器の操作に不安のある方も含め、誰もがデジタル化の恩恵を受けられるよう、きめ細かな支援を行います。",
        "lent", ("デジタル活用支援講座の参加者数", "420人", "900人", "sep_labeled", None)),
    3: (1, "アクセシビリティの向上",
        "区公式ホームページ等について、障害の有無や年齢等にかかわらず、誰もが必要な情報を得られるよう、アクセシビリティの向上を図ります。",
        "plain", ("ウェブアクセシビリティ検査の適合率", "78%", "100%", "gt", None)),
    4: (1, "こどもDXの推進",
        "子育て世帯の負担を軽減するため、デジタル技術を活用して、必要な情報やサービスを必要なときに届ける仕組みを整えます。",
        "lent", ("プッシュ型子育て通知の登録世帯数", "3,200世帯", "8,000世帯", "arrow", None)),
    5: (1, "健康・福祉分野のデジタル支援",
        "アプリ等のデジタル技術を活用し、区民の健康づくりや障害者の日常生活・社会参加を支援します。",
        "lent", ("健康ポイントアプリの利用者数", "5,000人", "12,000人", "slash", None)),
    6: (1, "情報化社会に対応した教育による児童・生徒の育成",
        "1人1台端末等を効果的に活用し、情報化社会を主体的に生き抜く力を持つ児童・生徒を育成します。",
        "lent", ("情報を活用して課題を解決できると回答した児童・生徒の割合", "68%", "85%", "tab", None)),
    7: (1, "まちづくりDXの推進",
        "3D都市モデル等のデジタル技術を活用し、区民にわかりやすいまちづくりや防災対策を推進します。",
        "lent", ("3D都市モデル活用事業数", "1件", "5件", "table", None)),
    8: (1, "DX推進支援による産業振興",
        "区内中小企業の生産性向上や新たな価値の創出に向けて、デジタル技術の導入・活用を支援します。",
        "lent", ("DX支援を受けた区内中小企業数", "35社", "120社", "sep_labeled", None)),
    9: (2, "AI・デジタル技術による業務変革",
        "AIやRPA等のデジタル技術の活用を前提とした業務手順への見直しを進め、業務効率化・省力化を進めます。また、条例や要綱等を見直すことで、対面や書面等のアナログに対応してきた業務へのデジタル実装を図り、区民サービスのさらなる向上と一層の業務効率化を実現します。",
        "lent", ("業務削減時間数", None, None, "single", "9,300時間/年")),
    10: (2, "データを活用した区政運営",
         "統計データや行政データを活用し、根拠に基づく政策立案と効果的な区政運営を進めます。",
         "lent", ("オープンデータの公開件数", "150件", "300件", "sep_plain", None)),
    11: (2, "教育現場におけるICTを活用した働き方改革",
         "ICTを活用して教員の校務負担を軽減し、子どもと向き合う時間を確保します。",
         "plain", ("教員1人あたりの校務削減時間", "0.5時間/日", "1時間/日", "gt", None)),
    12: (2, "デジタル時代の新しい働き方の実現",
         "テレワークやフリーアドレス等を推進し、場所や時間にとらわれない柔軟で効率的な働き方を実現します。",
         "lent", ("テレワーク実施率", "15%", "40%", "table", None)),
    13: (2, "デジタル・ガバメントの強化",
         "国が定める標準仕様に準拠したシステムへの移行を着実に進め、安定的で効率的な行政システムを構築します。",
         "lent", ("標準準拠システムへ移行した業務数", "8業務", "20業務", "arrow", None)),
    14: (3, "DXを着実に実行する人材の育成",
         "全職員のICTリテラシーの向上を図るとともに、各職場でDXを牽引する中核人材を育成します。",
         "fw", ("ICTリテラシー研修の受講率", "60%", "100%", "slash", None)),
    15: (3, "DX推進体制の強化",
         "DX推進会議やDX推進センターを中心に、全庁的な推進体制を強化し、各部署のDXを支援します。",
         "lent", ("DX推進会議の開催回数", "4回", "12回", "tab", None)),
    16: (3, "外部機関との連携",
         "東京都やGovTech東京等の外部機関と連携し、専門的な知見や共同調達の仕組みを活用します。",
         "lent", ("GovTech東京と連携した事業数", None, None, "single", "6件")),
}

# initiative number -> (measure, title, owners, content, current, target, layout)
# layout: dict(br, colon, olabel, osep, oplace, splace, order, head, mhead, bullet)
def L(br, colon, olabel, osep, oplace, splace, order, head, mhead, bullet="■ "):
    return dict(br=br, colon=colon, olabel=olabel, osep=osep, oplace=oplace,
                splace=splace, order=order, head=head, mhead=mhead, bullet=bullet)

INIT = {
    1: (1, "行政手続きのオンライン化", ["情報政策課", "各課"],
        ["各種申請、決済等をオンライン上で完結できるよう行政手続きのオンライン化を一層推進する",
         "行政手続きのオンライン化を促進するため、区が発出する通知等のデジタル化を検討する"],
        ["窓口が混在している", "申請はオンラインでも、区からの通知は紙文書"],
        ["窓口に来庁することなく手書きができる", "交付文書のオンライン化を検討"], "RAW"),
    2: (1, "オンライン相談の拡充", ["広報課", "情報政策課"],
        ["ビデオ通話等を活用し、自宅から職員に相談できるオンライン相談の対象分野を拡大する",
         "予約から相談までをオンラインで完結できる仕組みを整備する"],
        ["相談は来庁または電話が中心で、平日の開庁時間に限られている"],
        ["時間や場所に制限を受けずに、区民が自宅から相談できる"],
        L("lent", "", "担当課", "、", "same", "same", "std", "lent", "lent")),
    3: (2, "デジタル・ディバイド対策", ["情報政策課", "高齢福祉課"],
        ["高齢者等を対象としたスマートフォン教室やデジタル活用相談会を開催する",
         "地域の身近な場所で、デジタル機器の操作を相談できる機会を拡充する"],
        ["デジタル機器の操作に不安を感じ、オンラインサービスを利用できない区民がいる"],
        ["誰もがデジタルの恩恵を受け、オンラインサービスを安心して利用できる"],
        L("sq", "：", "所管", "・", "same", "same", "std", "fw", "plain", "・")),
    4: (3, "区公式ホームページのアクセシビリティの向上", ["広報課", "情報政策課"],
        ["JIS X 8341-3に基づくウェブアクセシビリティ検査を定期的に実施し、改善を図る",
         "やさしい日本語や多言語による情報発信を充実する"],
        ["一部のページで画像に代替テキストがなく、読み上げソフトで内容が伝わらない"],
        ["障害の有無や年齢、国籍にかかわらず、誰もが必要な情報に容易にたどり着ける"],
        L("none", "：", "担当課", "、", "same", "same", "cur_first", "plain", "plain")),
    5: (4, "プッシュ型子育てサービスの活用", ["子育て・若者支援課", "情報政策課"],
        ["子育て世帯の状況に応じて、必要な手当や健診等の情報をスマートフォンへ自動で通知する"],
        ["子育て支援の情報は区報やホームページに掲載しているが、必要な情報が届いていない世帯がある"],
        ["一人ひとりに合った子育て情報が、適切なタイミングで届いている"],
        L("none", ":", "担当", " / ", "same", "next", "std", "plain", "fw", "○")),
    6: (4, "保活情報連携基盤の活用", ["児童保育課", "子育て・若者支援課"],
        ["国の保活情報連携基盤を活用し、保育施設の空き状況の確認や入所申請をオンラインで行えるようにする"],
        ["保育施設の見学予約や入所申請は施設ごとに電話や窓口で行う必要がある"],
        ["保護者が保活に必要な情報をワンストップで入手し、オンラインで申請できる"],
        L("lent", "", "所管課", "lines", "next", "next", "owner_last", "lent", "lent")),
    7: (5, "デジタルを活用した区民の健康増進", ["健康課", "情報政策課"],
        ["健康ポイントアプリを活用し、区民の主体的な健康づくりを支援する",
         "健診結果等のデータを活用した保健指導を推進する"],
        ["健康づくり事業への参加が一部の区民にとどまっている"],
        ["区民が日常的に健康データを確認し、楽しみながら健康づくりに取り組んでいる"],
        L("none", "", "担当部署", "\u3000", "same", "same", "std", "plain", "plain")),
    8: (5, "障害者支援アプリの活用", ["障害福祉課", "情報政策課"],
        ["障害者手帳アプリ等の活用により、施設利用時の手帳提示や各種手続きの負担を軽減する"],
        ["各種割引や手続きのたびに紙の障害者手帳を提示する必要がある"],
        ["スマートフォンで手帳情報を提示でき、外出や手続きがしやすくなっている"],
        L("none", "：", "担当部局", "／", "same", "next", "cur_first", "fw", "fw")),
    9: (6, "発達段階に応じた情報活用能力の育成", ["指導課", "学務課", "教育支援館"],
        ["1人1台端末を活用し、発達段階に応じた情報活用能力を系統的に育成する",
         "SNSの適切な利用など、情報モラル教育を充実する"],
        ["学校や教員によって端末の活用状況に差がある"],
        ["児童・生徒が情報を主体的に収集・判断・表現し、安全に活用できる"],
        L("none", "", "関係課", "、", "next", "next", "std", "lent", "plain", "")),
    10: (7, "3D都市モデルの活用", ["都市計画課", "地区整備課"],
         ["3D都市モデルを整備し、まちづくりの検討や防災シミュレーションに活用する"],
         ["まちづくりの説明資料は平面図が中心で、完成後の姿が伝わりにくい"],
         ["3D都市モデルにより、区民と完成後の景観や浸水リスク等を共有できる"],
         L("sq", "", "担当部署", "・", "next", "same", "owner_last", "plain", "lent")),
    11: (8, "区内中小企業のDX推進支援", ["産業振興課"],
         ["専門家派遣やセミナーの開催により、区内中小企業のデジタル化を支援する",
          "キャッシュレス決済等の導入経費を助成する"],
         ["人材や資金の不足により、DXに着手できていない区内中小企業が多い"],
         ["区内中小企業がデジタル技術を活用して生産性を高め、新たな価値を創出している"],
         L("lent", "：", "担当", "single", "same", "same", "std", "plain", "plain")),
    12: (9, "アナログ規制の点検・見直し", ["情報政策課", "総務課"],
         ["デジタル技術の活用を阻害する条例や要綱等を見直すことで、デジタル化の推進を図る"],
         ["書面掲示規制", "指定場所での書類の掲示が必要"],
         ["デジタル技術の活用を前提とした業務への見直し", "インターネット上で公開可能"], "RAW"),
    13: (9, "BPRの推進", ["情報政策課", "行政改革担当"],
         ["業務プロセスを可視化し、デジタル技術の活用を前提とした業務の見直し（BPR）を推進する"],
         ["前例踏襲の業務手順が多く、紙や押印を前提とした処理が残っている"],
         ["各課が自ら業務を分析し、効率的な業務手順に継続的に改善している"],
         L("none", "：", "担当課", "、", "same", "same", "std", "lent", "lent")),
    14: (9, "RPA・AI-OCRの活用", ["情報政策課", "各課"],
         ["定型的なパソコン作業をRPAで自動化する",
          "手書きの申請書等をAI-OCRでデータ化する"],
         ["申請書の内容を職員が手作業でシステムに入力している"],
         ["定型作業が自動化され、職員は相談対応等の業務に注力できる"],
         L("none", "", "所管", " ", "same", "same", "cur_first", "plain", "plain", "・")),
    15: (9, "生成AIの利用拡大", ["情報政策課", "人事課"],
         ["生成AIの利用ガイドラインを整備し、文書作成や要約等での利用を全庁に拡大する",
          "職員向けのプロンプト研修を実施する"],
         ["生成AIを利用している職員は一部にとどまっている"],
         ["全職員が生成AIを安全かつ効果的に活用し、事務作業の時間を短縮している"],
         L("lent", "", "担当部局", "lines", "next", "next", "std", "fw", "fw")),
    16: (9, "AIの活用", ["情報政策課", "各課"],
         ["AIチャットボットや音声認識による会議録作成など、業務に応じたAIサービスを導入する"],
         ["問い合わせ対応や会議録作成に多くの時間を要している"],
         ["AIが一次対応や記録作成を担い、職員の負担が軽減されている"],
         L("none", "：", "所管課", "／", "same", "same", "cur_first", "plain", "plain", "○")),
    17: (9, "ノーコードツールの活用", ["情報政策課", "総務課", "各課"],
         ["プログラミングの知識がなくても業務アプリを作成できるノーコードツールを導入し、職員による業務改善を促進する"],
         ["簡易な集計や申請管理にも表計算ソフトや紙の台帳を使用している"],
         ["職員が自ら業務アプリを作成し、現場主導で業務改善が進んでいる"],
         L("sq", "", "関係課", "・", "same", "next", "owner_last", "lent", "plain")),
    18: (9, "オンラインストレージサービスの活用", ["情報政策課", "総務課"],
         ["オンラインストレージサービスを活用し、庁内外とのファイル共有を安全かつ効率的に行う"],
         ["外部とのファイル受け渡しに電子メールの添付や記録媒体を使用している"],
         ["関係者と安全にファイルを共有でき、記録媒体の受け渡しが不要になっている"],
         L("none", ":", "担当部署", " / ", "same", "same", "std", "plain", "plain")),
    19: (10, "EBPMの推進、データの利活用推進", ["経営企画課", "情報政策課"],
         ["統計データや行政データを分析し、根拠に基づく政策立案（EBPM）を推進する",
          "オープンデータの公開を拡充する"],
         ["データが各課に分散し、政策立案に十分活用されていない"],
         ["データに基づいて施策の効果を検証し、政策の改善につなげている"],
         L("none", "：", "担当部局", "、", "same", "next", "std", "lent", "lent")),
    20: (11, "教育現場の業務効率化の実現", ["学務課", "指導課"],
         ["統合型校務支援システムの活用やペーパーレス化により、教員の校務負担を軽減する",
          "保護者への連絡や出欠確認をデジタル化する"],
         ["出欠連絡や配布物が紙中心で、教員の事務作業が多い"],
         ["教員が子どもと向き合う時間を十分に確保できている"],
         L("none", ":", "担当課", "lines", "next", "next", "cur_first", "plain", "plain", "・")),
    21: (12, "テレワーク、フリーアドレスの推進", ["人事課", "情報政策課", "総務課"],
         ["テレワーク環境を整備し、場所にとらわれない柔軟な働き方を推進する",
          "庁舎内のフリーアドレスの導入を進める"],
         ["テレワークの実施は一部の職場に限られている"],
         ["職員が業務に応じて働く場所を選択し、生産性高く働いている"],
         L("none", "：", "所管", "・", "same", "same", "owner_last", "fw", "plain")),
    22: (13, "情報システムの標準化", ["情報政策課", "戸籍住民サービス課", "税務課"],
         ["基幹業務システムを国の標準仕様に準拠したシステムへ移行し、ガバメントクラウドを活用する"],
         ["区独自のシステム改修が多く、維持管理に多くの経費を要している"],
         ["標準準拠システムにより運用経費が削減され、制度改正にも迅速に対応できる"],
         L("lent", "：", "関係課", "、", "same", "same", "std", "plain", "lent")),
    23: (14, "職員のICTリテラシー向上", ["人事課", "情報政策課"],
         ["全職員を対象としたICT研修やeラーニングを実施する"],
         ["職員のICTスキルに個人差がある"],
         ["全職員がデジタルツールを使いこなし、業務改善を自ら提案している"],
         L("none", "", "担当", " ", "same", "same", "std", "plain", "plain")),
    24: (14, "DX推進の中核人材の育成", ["人事課", "情報政策課"],
         ["各課のDX推進リーダーを育成し、データ分析やBPRの専門研修を実施する"],
         ["DXを推進できる職員が情報政策課に偏っている"],
         ["各課にDX推進の中核となる職員が配置され、自律的にDXが進んでいる"],
         L("lent", "", "担当課", "、", "next", "next", "std", "lent", "plain", "")),
    25: (15, "DX推進会議等の実施", ["経営企画課", "情報政策課"],
         ["区長を本部長とするDX推進会議を開催し、DX推進重点取組事項の進捗を管理する"],
         ["DXの取組が部署ごとに進められ、全庁的な情報共有が不十分である"],
         ["全庁一丸となって、DX推進重点取組事項を着実に実行している"],
         L("sq", "：", "所管課", "／", "same", "same", "std", "fw", "fw")),
    26: (15, "BPR相談会等によるDX推進支援強化", ["情報政策課", "各課"],
         ["DX推進センターによるBPR相談会を定期的に開催し、各課の業務改善を伴走支援する"],
         ["業務改善の進め方がわからず、DXに着手できない部署がある"],
         ["各課が気軽に相談でき、DXの取組が全庁に広がっている"],
         L("none", "", "担当部署", "lines", "next", "same", "cur_first", "plain", "plain")),
    27: (16, "東京都・GovTech東京との連携", ["情報政策課"],
         ["GovTech東京の専門人材や共同調達の仕組みを活用し、区のDXを推進する"],
         ["区単独ではデジタル専門人材の確保やシステム調達に課題がある"],
         ["東京都・GovTech東京と連携し、効率的かつ効果的にDXを進めている"],
         L("none", ":", "所管", "single", "same", "same", "owner_last", "lent", "plain")),
}

RAW = {
    1: """施策1 行政手続き等のオンライン化によるサービス向上

取組1 行政手続きのオンライン化

担当 情報政策課
各課

取組内容 ■ 各種申請、決済等をオンライン上で完結できるよう行政手続きのオンライン化を一層推進する
■ 行政手続きのオンライン化を促進するため、区が発出する通知等のデジタル化を検討する

 
現状



窓口が混在している

申請はオンラインでも、区からの通知は紙文書

あるべき姿



窓口に来庁することなく手書きができる

区民



交付文書のオンライン化を検討
""",
    12: """施策9 AI・デジタル技術による業務変革

取組12 アナログ規制の点検・見直し

担当 情報政策課
総務課

取組内容 ■ デジタル技術の活用を阻害する条例や要綱等を見直すことで、デジタル化の推進を図る

現状



例)

書面掲示規制
指定場所での書類の掲示が必要

あるべき姿



デジタル技術の活用を前提とした業務への見直し

インターネット上で公開可能
カメラ等を活用した調査・点検等
""",
}
RAW_LAYOUT = L("none", "", "担当", "lines", "same", "summary", "std", "plain", "plain")

# ---------------------------------------------------------------- rendering


def num(n, style):
    return str(n).translate(FW) if style == "fw" else str(n)


def heading(kind, n, title, style):
    if style == "lent":
        return f"【{kind}{n}】{title}"
    return f"{kind}{num(n, style)} {title}"


def label(name, lay):
    b = {"none": ("", ""), "lent": ("【", "】"), "sq": ("［", "］")}[lay["br"]]
    return f"{b[0]}{name}{b[1]}{lay['colon']}"


def field(name, lines, lay, place):
    lab = label(name, lay)
    if place == "next":
        return lab + "\n" + "\n".join(lines)
    # same line
    if lay["colon"] == ":" or (lay["br"] == "none" and lay["colon"] == ""):
        sep = " "
    else:
        sep = ""
    return lab + sep + lines[0] + ("\n" + "\n".join(lines[1:]) if len(lines) > 1 else "")


def owner_lines(owners, lay):
    s = lay["osep"]
    if s == "lines":
        return owners
    if s == "single":
        assert len(owners) == 1
        return owners
    return [s.join(owners)]


def render_sheet(n):
    m, title, owners, content, current, target, lay = INIT[n]
    if lay == "RAW":
        return RAW[n]
    out = [heading("施策", m, MEASURES[m][1], lay["mhead"]), "",
           heading("取組", n, title, lay["head"]), ""]
    b = lay["bullet"]
    f_owner = field(lay["olabel"], owner_lines(owners, lay), lay, lay["oplace"])
    f_content = field("取組内容", [b + c for c in content], lay, lay["splace"])
    f_cur = field("現状", current, lay, lay["splace"])
    f_tgt = field("あるべき姿", target, lay, lay["splace"])
    order = {"std": [f_owner, f_content, f_cur, f_tgt],
             "cur_first": [f_owner, f_cur, f_tgt, f_content],
             "owner_last": [f_content, f_cur, f_tgt, f_owner]}[lay["order"]]
    out.append("\n\n".join(order))
    return "\n".join(out) + "\n"


HEADER = "現況(令和7年度) > 目標(令和10年度)"


def render_indicator(name, cur, tgt, style, single):
    if style == "single":
        return f"評価指標\n\n{HEADER}\n\n{name}\n\n{single}"
    if style == "sep_labeled":
        return f"評価指標\n\n{name}\n現況(令和7年度)：{cur}\n目標(令和10年度)：{tgt}"
    if style == "sep_plain":
        return f"評価指標\n\n{HEADER}\n\n{name}\n\n{cur}\n\n{tgt}"
    if style == "gt":
        return f"評価指標\n\n{HEADER}\n\n{name}\n{cur} > {tgt}"
    if style == "arrow":
        return f"評価指標\n\n{HEADER}\n\n{name}\u3000{cur} → {tgt}"
    if style == "slash":
        return f"評価指標\n\n{HEADER}\n\n{name}\n{cur}／{tgt}"
    if style == "tab":
        return f"評価指標\n\n{HEADER}\n\n{name}\n{cur}\t{tgt}"
    if style == "table":
        return f"評価指標\n\n評価指標\t現況(令和7年度)\t目標(令和10年度)\n{name}\t{cur}\t{tgt}"
    raise ValueError(style)


def inits_of(m, table=INIT):
    return [n for n in sorted(table) if table[n][0] == m]


def render_measure_page(m):
    goal, title, desc, hstyle, ind = MEASURES[m]
    out = [heading("施策", m, title, hstyle), desc, ""]
    for n in inits_of(m):
        out.append(f"取組{n} {INIT[n][1]}")
        out.append("")
    out.append("")
    out.append(render_indicator(*ind))
    return "\n".join(out) + "\n"


IND_TAG = {"single": "indicator:single-value", "sep_labeled": "indicator:separate-lines",
           "sep_plain": "indicator:separate-lines", "gt": "indicator:one-line->",
           "arrow": "indicator:one-line-→", "slash": "indicator:one-line-／",
           "tab": "indicator:one-line-tab", "table": "indicator:table-row"}
IND_DESC = {"single": "one value only under the 現況>目標 header, column not stated",
            "sep_labeled": "現況 and 目標 on separate labelled lines (no header)",
            "sep_plain": "two unlabelled values on separate lines under the header",
            "gt": "values on one line separated by ' > ' (name on the line above)",
            "arrow": "name and values on one line, values separated by →",
            "slash": "values on one line separated by ／",
            "tab": "values on one line separated by a tab",
            "table": "header row + table row name<TAB>現況<TAB>目標"}


def sheet_variants(lay):
    v = [{"none": "label:no-bracket", "lent": "label:【】", "sq": "label:［］"}[lay["br"]],
         {"": "colon:none", "：": "colon:全角：", ":": "colon:半角:"}[lay["colon"]],
         "owner-label:" + lay["olabel"]]
    s = lay["osep"]
    v.append("owners-sep:" + {"、": "、", "・": "・", " ": "space", "\u3000": "space",
                               "／": "slash", " / ": "slash", "lines": "lines",
                               "single": "single"}[s])
    v.append("owner:" + ("next-line" if lay["oplace"] == "next" else "same-line"))
    v.append("order:" + {"std": "standard", "cur_first": "現状-before-取組内容",
                         "owner_last": "担当-last"}[lay["order"]])
    v.append("heading:取組-" + {"plain": "plain", "lent": "【】", "fw": "fullwidth"}[lay["head"]])
    v.append("heading:施策-" + {"plain": "plain", "lent": "【】", "fw": "fullwidth"}[lay["mhead"]])
    return v


def sheet_desc(lay, n):
    if n in RAW:
        return "interim-summary layout: '担当 X' then 2nd owner on next line; 取組内容 ■ on label line; 現状/あるべき姿 labels alone, values after blank lines"
    sep = {"、": "、", "・": "・", " ": "half-width space", "\u3000": "full-width space",
           "／": "／", " / ": "' / '", "lines": "consecutive lines", "single": "single owner"}[lay["osep"]]
    ex = label(lay["olabel"], lay)
    return (f"owner label '{ex}' ({'value on next line' if lay['oplace']=='next' else 'value on same line'}), "
            f"owners sep {sep}; sections {'label alone, value on next line' if lay['splace']=='next' else 'value on label line'}; "
            f"order {lay['order']}; 取組 heading {lay['head']}, 施策 line {lay['mhead']}")


def full_edition():
    parts = []
    parts.append(f"""{PLAN}
全体版（案）

令和7年12月
台東区

第1章 計画の基本的な考え方

1. 策定趣旨

今後も、限られた人材で、多岐にわたる諸課題に迅速かつ的確に対応していくためには、デジタル技術を最大限活用して、行政サービスの向上と業務の効率化を図る必要があります。そのため、全庁一丸となって、より強力にDXを推進するため、{PLAN}を策定します。

2. 基本理念と目標

■基本理念 デジタル台東～DXの推進で豊かな暮らしの実現～
""")
    for g, t, d in GOALS:
        parts.append(f"●目標{g} {t}\n\n{d}\n")
    parts.append("""3. 計画期間

令和8年度から令和10年度までの3年間とします。

第2章 計画の内容（施策の具体的な内容）

基本理念の実現に向けて、3つの目標に16の施策と27の取組を定めます。

また、達成度を図るため各施策に評価指標を設定し、進捗管理しながら実行していきます。
""")
    counts = {1: (8, 11), 2: (5, 11), 3: (3, 5)}
    tab = []
    for g, t, d in GOALS:
        tab.append(f"目標{g}\t{t}【施策数:{counts[g][0]}、取組数:{counts[g][1]}】\t")
        for m in sorted(MEASURES):
            if MEASURES[m][0] != g:
                continue
            tab.append(f"施策{m}\t{MEASURES[m][1]}\t" +
                       " ".join(f"【取組{n}】{INIT[n][1]}" for n in inits_of(m)))
        tab.append("")
    parts.append("\n".join(tab))
    page = 16
    for g, t, d in GOALS:
        parts.append(f"目標{g} {t}\n")
        for m in sorted(MEASURES):
            if MEASURES[m][0] != g:
                continue
            if m in (1, 9):  # breadcrumb page header as in the interim summary
                first = inits_of(m)[0]
                parts.append(f"【施策{m}】{MEASURES[m][1]} > 取組{first} {INIT[first][1]}\n")
            parts.append(render_measure_page(m))
            page += 1
            parts.append(f"{page}\n")
            for n in inits_of(m):
                parts.append(render_sheet(n))
                page += 1
                parts.append(f"{page}\n")
    return "\n".join(parts)


# ---------------------------------------------------------------- other plan
O_GOALS = [(1, "書かない・待たない窓口の実現"), (2, "行かない窓口の実現")]
O_MEASURES = {
    1: (1, "申請書作成支援の拡充", "窓口での申請書の記入を不要にし、区民の負担と待ち時間を減らします。",
        ("書かない窓口の対象手続数", "0手続", "50手続", "sep_labeled", None)),
    2: (1, "窓口のキャッシュレス化", "窓口で支払う手数料等について、キャッシュレス決済を導入します。",
        ("キャッシュレス決済に対応した窓口の割合", "30%", "100%", "arrow", None)),
    3: (2, "来庁不要の手続きの拡大", "来庁しなくても各種証明書を取得できる環境を整えます。",
        ("証明書のコンビニ交付率", "25%", "45%", "slash", None)),
}
O_INIT = {
    1: (1, "書かない窓口の導入", ["区民課", "情報システム課"],
        ["マイナンバーカード等の読み取りにより、申請書を職員が作成し、区民は確認と署名のみで手続きできるようにする"],
        ["転入や転出の手続きで、複数の申請書に同じ内容を何度も記入している"],
        ["区民が申請書を書かずに、短時間で手続きを終えられる"],
        L("none", "", "担当", " ", "same", "same", "std", "plain", "plain")),
    2: (1, "窓口予約・呼出しシステムの導入", ["庁舎管理課", "区民課"],
        ["窓口の来庁予約と、スマートフォンへの呼出し通知ができるシステムを導入する"],
        ["繁忙期には窓口の待ち時間が1時間を超えることがある"],
        ["区民が待ち時間を有効に使え、窓口の混雑が平準化されている"],
        L("lent", "", "担当課", "、", "same", "next", "std", "lent", "lent")),
    3: (2, "窓口手数料のキャッシュレス決済", ["会計管理室", "情報システム課"],
        ["証明書発行手数料等の支払いに、クレジットカードや電子マネー、QRコード決済を導入する"],
        ["窓口での手数料の支払いは現金のみとなっている"],
        ["区民が希望する方法で手数料を支払うことができる"],
        L("none", "：", "所管課", "・", "same", "same", "cur_first", "plain", "plain")),
    4: (3, "証明書のコンビニ交付の拡充", ["区民課"],
        ["住民票の写しや印鑑登録証明書等のコンビニ交付を周知し、対象となる証明書を拡大する"],
        ["証明書の多くが窓口で交付されている"],
        ["区民が身近なコンビニエンスストアで、24時間いつでも証明書を取得できる"],
        L("none", "", "担当", "single", "same", "same", "std", "plain", "plain")),
}


def other_plan():
    parts = [f"""{OTHER}
～書かない・待たない・行かない窓口をめざして～

計画期間 令和8年度から令和10年度まで

第1章 計画の体系

本計画は、2つの目標のもとに3つの施策と4つの取組を定めます。
"""]
    tab = []
    for g, t in O_GOALS:
        ms = [m for m in O_MEASURES if O_MEASURES[m][0] == g]
        ns = [n for n in O_INIT if O_INIT[n][0] in ms]
        tab.append(f"目標{g}\t{t}【施策数:{len(ms)}、取組数:{len(ns)}】\t")
        for m in ms:
            tab.append(f"施策{m}\t{O_MEASURES[m][1]}\t" +
                       " ".join(f"【取組{n}】{O_INIT[n][1]}" for n in inits_of(m, O_INIT)))
        tab.append("")
    parts.append("\n".join(tab))
    parts.append("第2章 施策と取組\n")
    for g, t in O_GOALS:
        parts.append(f"目標{g} {t}\n")
        for m in sorted(O_MEASURES):
            if O_MEASURES[m][0] != g:
                continue
            _, title, desc, ind = O_MEASURES[m]
            out = [f"【施策{m}】{title}", desc, ""]
            for n in inits_of(m, O_INIT):
                out += [f"取組{n} {O_INIT[n][1]}", ""]
            out += ["", render_indicator(*ind)]
            parts.append("\n".join(out) + "\n")
            for n in inits_of(m, O_INIT):
                mm, it, owners, content, current, target, lay = O_INIT[n]
                out = [heading("施策", mm, title, lay["mhead"]), "",
                       heading("取組", n, it, lay["head"]), ""]
                f_owner = field(lay["olabel"], owner_lines(owners, lay), lay, lay["oplace"])
                f_c = field("取組内容", ["■ " + c for c in content], lay, lay["splace"])
                f_cur = field("現状", current, lay, lay["splace"])
                f_t = field("あるべき姿", target, lay, lay["splace"])
                order = {"std": [f_owner, f_c, f_cur, f_t],
                         "cur_first": [f_owner, f_cur, f_t, f_c]}[lay["order"]]
                out.append("\n\n".join(order))
                parts.append("\n".join(out) + "\n")
    return "\n".join(parts)


BROKEN = f"""{PLAN}
全体版（案）抜粋

施策9 AI・デジタル技術による業務変革

取組14 RPA・AI-OCRの活用

この取組は情報政策課が各課と協力して進めるもので申請書の内容を職員が手作業でシステムに入力している今の状況を改め定型的なパソコン作業をRPAで自動化し手書きの申請書等もAI-OCRでデータ化していくことで職員が相談対応等の業務に注力できる姿を目指すものであり令和8年度以降順次対象業務を広げていく予定となっているがその詳細は別途定める
"""


def answers():
    rows = []
    for m in sorted(MEASURES):
        goal, title, desc, hs, (name, cur, tgt, style, single) = MEASURES[m]
        r = {"file": "full-edition.txt", "plan": PLAN, "kind": "measure", "number": m,
             "title": title, "goal": goal, "indicator": name, "current": cur, "target": tgt,
             "column_stated": style != "single"}
        if style == "single":
            r["single_value"] = single
        r["layout"] = IND_DESC[style]
        r["variants"] = [IND_TAG[style]]
        rows.append(r)
    for n in sorted(INIT):
        m, title, owners, content, current, target, lay = INIT[n]
        real = RAW_LAYOUT if lay == "RAW" else lay
        rows.append({"file": "full-edition.txt", "plan": PLAN, "kind": "initiative", "number": n,
                     "title": title, "measure": m, "owners": owners,
                     "content_contains": content[0][:30], "current_contains": current[-1][:25],
                     "target_contains": target[0][:25] if n != 1 else "窓口に来庁することなく",
                     "layout": sheet_desc(real, n), "variants": sheet_variants(real)})
    for m in sorted(O_MEASURES):
        goal, title, desc, (name, cur, tgt, style, single) = O_MEASURES[m]
        rows.append({"file": "other-plan.txt", "plan": OTHER, "kind": "measure", "number": m,
                     "title": title, "goal": goal, "indicator": name, "current": cur, "target": tgt,
                     "column_stated": True, "layout": IND_DESC[style], "variants": [IND_TAG[style]]})
    for n in sorted(O_INIT):
        m, title, owners, content, current, target, lay = O_INIT[n]
        rows.append({"file": "other-plan.txt", "plan": OTHER, "kind": "initiative", "number": n,
                     "title": title, "measure": m, "owners": owners,
                     "content_contains": content[0][:30], "current_contains": current[0][:25],
                     "target_contains": target[0][:25],
                     "layout": sheet_desc(lay, n), "variants": sheet_variants(lay)})
    return rows


def readme(rows):
    out = ["# Test editions (written blind)", "",
           "- `full-edition.txt` — (仮称)台東区DX推進計画 全体版: structure table, 16 施策 pages "
           "(description + one 評価指標), 27 取組 sheets in mixed layouts. 取組1 and 取組12 keep the "
           "interim summary's sheet text. Page numbers and two breadcrumb lines "
           "(`【施策1】… > 取組1 …`, `【施策9】… > 取組12 …`) are included as noise.",
           "- `other-plan.txt` — 台東区窓口改革計画: a different plan (2 目標, 3 施策, 4 取組) with its "
           "own numbering restarting at 目標1/施策1/取組1, different owners (区民課, 情報システム課, …).",
           "- `broken-sheet.txt` — one sheet (取組14) whose fields run together in unlabeled prose; "
           "a parser should warn (no owner/取組内容/現状/あるべき姿 can be read reliably). Not in answers.jsonl.",
           "- `answers.jsonl` — answer key (files full-edition.txt and other-plan.txt).",
           "- `tools/generate.py` regenerates everything; `tools/check.py` validates the key.", "",
           "Single-value indicators (column not stated, `current`/`target` null): 施策1 (20%), "
           "施策9 (9,300時間/年), 施策16 (6件).", "",
           "## Layout per sheet / 施策 page", "",
           "| file | kind | no. | variants | layout |", "|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['file']} | {r['kind']} | {r['number']} | {', '.join(r['variants'])} | {r['layout']} |")
    out += ["", "## Variant → sheets (full-edition.txt)", ""]
    idx = {}
    for r in rows:
        if r["file"] != "full-edition.txt":
            continue
        for v in r["variants"]:
            idx.setdefault(v, []).append(("取組" if r["kind"] == "initiative" else "施策") + str(r["number"]))
    for v in sorted(idx):
        out.append(f"- `{v}`: {', '.join(idx[v])}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    with open(os.path.join(OUT, "full-edition.txt"), "w", encoding="utf-8") as f:
        f.write(full_edition())
    with open(os.path.join(OUT, "other-plan.txt"), "w", encoding="utf-8") as f:
        f.write(other_plan())
    with open(os.path.join(OUT, "broken-sheet.txt"), "w", encoding="utf-8") as f:
        f.write(BROKEN)
    rows = answers()
    with open(os.path.join(OUT, "answers.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write(readme(rows))
    print("written to", OUT)
