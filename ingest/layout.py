"""How Japanese plan documents lay out their structure: headings, sheet field labels, owners, indicator values.

This module is the parser's knowledge of layouts, kept apart from its logic (`structure.py`, `indicators.py`):
extend the tuples below when a plan uses another label or separator. Text reaches it after NFKC, so
full-width digits are ASCII, ［］ are [], ： is :, ／ is / and a full-width space is a space; 【】 and → stay.

Sheet fields are written in any order, their label with or without brackets (【担当】, [担当]) and a colon
(担当: / 担当 情報政策課), the value on the label's line or on the lines after it. Indicator values sit under a
"現況(年度) > 目標(年度)" header on separate lines, on one line separated by > → / or a tab, as a table row
"name<TAB>現況<TAB>目標", or on lines labelled 現況(…): / 目標(…):.
"""

from __future__ import annotations

import re

# -- headings ------------------------------------------------------------------------------

CHAPTER = re.compile(r"^第(\d+)章\s*(.*)$")
SECTION = re.compile(r"^(\d{1,2})\.\s*(\S.{0,40})$")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+)$")
# A 施策 / 取組 heading: 【施策9】AI・… or 施策9 AI・… (a tab makes it a table row, a > a breadcrumb).
# A colon may follow the number (取組1:…), spaces may surround it (【施策 1】, 取組 1 …).
MEASURE_HEADING = re.compile(r"^(?:【\s*施策\s*(\d+)\s*】|施策\s*(\d+)(?=[\s:]))[\s:]*([^\s>\t:][^>\t]*)$")
INITIATIVE_HEADING = re.compile(r"^(?:【\s*取組\s*(\d+)\s*】|取組\s*(\d+)(?=[\s:]))[\s:]*([^\s>\t:][^>\t]*)$")
# A slide header naming where the slide sits: 【施策9】… > 取組12 ….
BREADCRUMB = re.compile(r"^【?施策(\d+)】?.*>\s*【?取組(\d+)】?\s*(.*)$")
GOAL_LINE = re.compile(r"^[●■◆]?\s*目標(\d+)\s+(\S.*)$")

# The overview table (施策の体系): tab-separated rows.
TABLE_GOAL = re.compile(r"^目標(\d+)\t+(.+?)\s*【施策数:(\d+)、取組数:(\d+)】")
TABLE_MEASURE = re.compile(r"^施策(\d+)\t+([^\t]+?)\s*\t+(.*)$")
TABLE_ITEM = re.compile(r"【取組(\d+)】\s*([^【]+)")

# -- sheet fields ----------------------------------------------------------------------------

OWNER = "owner"
CONTENT = "content"
CURRENT = "current"
TARGET = "target"
# Each field's labels, longest first where one begins another (担当課 before 担当).
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    OWNER: ("担当部署", "担当部局", "担当所属", "所管部署", "所管部局", "担当課", "所管課", "主管課", "関係課", "担当",
            "所管"),
    CONTENT: ("取組内容", "取組の内容", "主な取組", "具体的な取組", "事業内容"),
    CURRENT: ("現状と課題", "現状・課題", "現状"),
    TARGET: ("目指すべき姿", "あるべき姿", "目指す姿", "めざす姿"),
}
# What the report calls each field when a sheet lacks it.
FIELD_NAMES = {OWNER: "担当", CONTENT: "取組内容", CURRENT: "現状", TARGET: "あるべき姿"}
BRACKETS = {"【": "】", "[": "]"}
# After a bare label (no bracket, no colon) the value is set off by a space or starts with a bullet.
BULLETS = "■□○●◆・-"
_LABEL = re.compile(
    r"^(?P<open>[" + re.escape("".join(BRACKETS)) + r"])?\s*"
    r"(?P<label>" + "|".join(label for labels in FIELD_LABELS.values() for label in labels) + r")(?P<gap>\s*)"
    r"(?P<close>[" + re.escape("".join(BRACKETS.values())) + r"])?\s*(?P<colon>:)?(?P<rest>.*)$"
)

# -- owners ------------------------------------------------------------------------------------

# Several owners are separated by these (a space included); ・ only between names that are owners each.
OWNER_SEPARATORS = re.compile(r"[、,/\s]+")
OWNER_JOINER = "・"
# How an organisational unit's name ends.
DEPARTMENT_SUFFIXES = ("課", "室", "部", "局", "所", "センター", "担当", "館", "係", "本部", "委員会", "事務所")
MAX_DEPARTMENT_CHARS = 16

# -- indicators ------------------------------------------------------------------------------

INDICATOR_HEAD = re.compile(r"^評価指標(?:\s*$|\t)")
CURRENT_COLUMN = "現況"
TARGET_COLUMN = "目標"
# What stands between two columns or two figures on one line (／ is / after NFKC).
VALUE_SEPARATORS = (">", "→", "/", "\t")
_BETWEEN = "(?:" + "|".join(map(re.escape, VALUE_SEPARATORS)) + ")"
_NOT_UNIT = r"[^\s\d:" + re.escape("".join(VALUE_SEPARATORS)) + "]"
_COLUMN = rf"(?:{CURRENT_COLUMN}|{TARGET_COLUMN})\s*(?:\([^)]*\))?"
# "現況(令和7年度) > 目標(令和10年度)", either separator between the columns (also a table's header row).
COLUMN_HEADER = re.compile(rf"^(?:評価指標\t+)?({_COLUMN})\s*{_BETWEEN}\s*({_COLUMN})\s*$")
# What a table puts in a column that has no figure yet (a new indicator): kept as written.
PLACEHOLDERS = ("新規", "未実施", "―", "—", "-")
# A figure: a number and a short unit, perhaps per something (9,300時間/年, 0.5時間/日, 3,200世帯, 78%).
VALUE = (rf"(?:\d[\d,.]*\s*{_NOT_UNIT}{{0,6}}(?:/{_NOT_UNIT}{{1,2}})?"
         + "".join(f"|{re.escape(placeholder)}" for placeholder in PLACEHOLDERS) + ")")
VALUE_LINE = re.compile(rf"^{VALUE}$")
# Two figures on one line, perhaps after the indicator's name: "78% > 100%", "name 3,200世帯 → 8,000世帯",
# "5,000人/12,000人", "68%<TAB>85%", "name<TAB>1件<TAB>5件".
VALUE_PAIR = re.compile(rf"^(?P<name>.*?)[\s:]*(?P<first>{VALUE})[ ]*{_BETWEEN}[ ]*(?P<second>{VALUE})$")
# One figure on a line labelled with its column: "現況(令和7年度):420人".
LABELLED_VALUE = re.compile(rf"^(?P<label>{_COLUMN})\s*[:\t ]\s*(?P<value>{VALUE})$")


def field_label(text: str) -> tuple[str, str] | None:
    """(field, the rest of the line) when `text` starts with a sheet field's label, else None."""
    match = _LABEL.match(text)
    if match is None:
        return None
    opened, closed = match["open"], match["close"]
    if bool(opened) != bool(closed) or (opened and BRACKETS[opened] != closed):
        return None
    rest = match["rest"]
    if not opened and not match["colon"] and rest and not match["gap"] and rest[0] not in BULLETS:
        return None  # 担当者…, 現状では…: prose that begins with a label's word
    field = next(name for name, labels in FIELD_LABELS.items() if match["label"] in labels)
    return field, rest.strip()


def is_department(name: str) -> bool:
    """Whether `name` reads as an organisational unit (情報政策課, 行政改革担当, 教育支援館)."""
    return 0 < len(name) <= MAX_DEPARTMENT_CHARS and name.endswith(DEPARTMENT_SUFFIXES)


def split_owners(text: str) -> list[str]:
    """The owners written on one line; ・ splits only where both sides are units (子育て・若者支援課 stays one)."""
    owners: list[str] = []
    for piece in OWNER_SEPARATORS.split(text):
        pending = ""
        for part in piece.split(OWNER_JOINER):
            pending = f"{pending}{OWNER_JOINER}{part}" if pending else part
            if part.endswith(DEPARTMENT_SUFFIXES):
                owners.append(pending)
                pending = ""
        if pending:
            owners.append(pending)
    return [owner for owner in owners if owner]


def owner_continuation(text: str) -> list[str] | None:
    """The owners on a line after the owner label when every name on it is a unit, else None (the field ended)."""
    owners = split_owners(text)
    return owners if owners and all(is_department(owner) for owner in owners) else None


def is_column(label: str, column: str) -> bool:
    """Whether an indicator column label ("現況(令和7年度)") is the given column (現況 or 目標)."""
    return label.startswith(column)
