"""Parse the plan's own structure out of normalised text.

The plan is written as: chapters (第N章) with numbered sections; an overview table of
目標 → 施策 → 取組 (tab-separated rows); per-施策 blocks (【施策N】, description, its
取組, 評価指標 with 現況/目標); and initiative sheets (施策N / 取組N / 担当 / 取組内容 /
現状 / あるべき姿). Any other text still becomes units, located by its headings.
Fields the text does not state stay empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from taito_dx.models import ChunkKind, Goal, Indicator, Initiative, Measure
from taito_dx.plan_names import PATH_SEPARATOR, plan_path

CHAPTER = re.compile(r"^第(\d+)章\s*(.*)$")
SECTION = re.compile(r"^(\d{1,2})\.\s*(\S.{0,40})$")
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.+)$")
TABLE_GOAL = re.compile(r"^目標(\d+)\t+(.+?)\s*【施策数:(\d+)、取組数:(\d+)】")
TABLE_MEASURE = re.compile(r"^施策(\d+)\t+([^\t]+?)\s*\t+(.*)$")
TABLE_ITEM = re.compile(r"【取組(\d+)】\s*([^【]+)")
GOAL_LINE = re.compile(r"^[●■◆]?\s*目標(\d+)\s+(\S.*)$")
MEASURE_HEAD = re.compile(r"^【施策(\d+)】\s*([^>]+)$")
BREADCRUMB = re.compile(r"^【施策(\d+)】.*>\s*取組(\d+)")
SHEET_MEASURE = re.compile(r"^施策(\d+)\s+(\S.*)$")
INITIATIVE_LINE = re.compile(r"^取組(\d+)\s+(\S.*)$")
OWNER = re.compile(r"^担当\s*(.*)$")
CONTENT = re.compile(r"^取組内容\s*(.*)$")
CURRENT_STATE = re.compile(r"^現状\s*$")
TARGET_STATE = re.compile(r"^あるべき姿\s*$")
INDICATOR_HEAD = re.compile(r"^評価指標\s*$")
INDICATOR_COLUMNS = re.compile(r"^(現況\s*\(.+?\))\s*>\s*(目標\s*\(.+?\))")
VALUE = re.compile(r"^[\d,.]+\s*(%|％|時間|件|人|回|校|団体|箇所|か所|割)")
DEPARTMENT = re.compile(r"^\S{1,12}(課|室|部|局|所|センター|各課)$")


@dataclass(frozen=True)
class Unit:
    """A span of text with its place in the plan, before it becomes chunks."""

    kind: ChunkKind
    location: str
    text: str
    page: int | None = None
    goal: int | None = None
    measure: int | None = None
    initiative: int | None = None


@dataclass
class ParsedPlan:
    """What one document contributes: its units and the plan entities it states."""

    units: list[Unit] = field(default_factory=list)
    goals: dict[int, Goal] = field(default_factory=dict)
    measures: dict[int, Measure] = field(default_factory=dict)
    initiatives: dict[int, Initiative] = field(default_factory=dict)


@dataclass(frozen=True)
class Line:
    """A line of text; a Markdown heading's marks are taken off and remembered in `marked`."""

    text: str
    page: int | None
    marked: bool = False

    @classmethod
    def read(cls, text: str, page: int | None) -> Line:
        heading = MARKDOWN_HEADING.match(text.strip())
        return cls(heading[1].strip(), page, True) if heading else cls(text, page)


def parse(pages: list[tuple[str, int | None]]) -> ParsedPlan:
    """Parse normalised page texts (text, page number) into units and plan entities."""
    lines = [Line.read(text, page) for text, page in pages for text in text.split("\n")]
    plan = ParsedPlan()
    _parse_table(lines, plan)
    _Segmenter(lines, plan).run()
    return plan


def _parse_table(lines: list[Line], plan: ParsedPlan) -> None:
    goal: int | None = None
    for line in lines:
        if match := TABLE_GOAL.match(line.text):
            goal = int(match[1])
            plan.goals[goal] = Goal(goal, match[2].strip(), int(match[3]), int(match[4]))
        elif (match := TABLE_MEASURE.match(line.text)) and goal is not None:
            number = int(match[1])
            plan.measures[number] = Measure(number, match[2].strip(), goal)
            for item in TABLE_ITEM.finditer(match[3]):
                initiative = int(item[1])
                plan.initiatives[initiative] = Initiative(initiative, item[2].strip(), number, goal)


class _Segmenter:
    """Walks the lines once, cutting units at headings, measure blocks and sheets."""

    def __init__(self, lines: list[Line], plan: ParsedPlan) -> None:
        self.lines = [line for line in lines]
        self.plan = plan
        self.title = next((line.text.strip() for line in lines if line.text.strip()), "")
        self.chapter = ""
        self.section = ""
        self.buffer: list[Line] = []
        self.kind = ChunkKind.SECTION
        self.ids: dict[str, int | None] = {}
        self.carried: list[Line] = []

    @staticmethod
    def _is_field(text: str) -> bool:
        """A line that belongs inside a sheet or 施策 page (a heading there does not end it)."""
        fields = (INITIATIVE_LINE, OWNER, CONTENT, CURRENT_STATE, TARGET_STATE, INDICATOR_HEAD)
        return any(pattern.match(text) for pattern in fields)

    def _is_heading(self, line: Line) -> bool:
        text = line.text.strip()
        return line.marked or bool(CHAPTER.match(text) or SECTION.match(text)) or text == self.title

    # -- unit boundaries --
    def start(self, kind: ChunkKind, **ids: int | None) -> None:
        self.flush()
        self.kind = kind
        self.ids = ids

    def flush(self) -> None:
        content = [line for line in self.buffer if line.text.strip()]
        self.buffer = []
        if not content:
            return
        if self.kind == ChunkKind.SECTION and all(self._is_heading(line) for line in content):
            self.carried += content  # a heading alone is no unit: it opens the next one (with any before it)
            return
        content, self.carried = self.carried + content, []
        text = "\n".join(line.text for line in content)
        if self.kind == ChunkKind.SHEET:
            self._read_sheet(content)
        elif self.kind == ChunkKind.MEASURE:
            self._read_measure(content)
        location = self.location()
        self.plan.units.append(Unit(self.kind, location, text, content[0].page, **self.ids))

    def location(self) -> str:
        parts = [self.chapter or self.title]
        if self.kind == ChunkKind.TABLE:
            parts.append("施策の体系")
        parts.append(plan_path(**self.ids))
        if self.section and not any(self.ids.values()):
            parts.append(self.section)
        return PATH_SEPARATOR.join(part for part in parts if part)

    # -- the walk --
    def run(self) -> None:
        i = 0
        while i < len(self.lines):
            line = self.lines[i]
            text = line.text.strip()
            if match := CHAPTER.match(text):
                self.start(ChunkKind.SECTION)
                self.chapter, self.section = f"第{match[1]}章", ""
            elif BREADCRUMB.match(text):
                self.start(ChunkKind.SECTION)  # a slide header: the block that follows starts itself
                i += 1
                continue
            elif match := TABLE_GOAL.match(line.text):
                self.start(ChunkKind.TABLE, goal=int(match[1]))
            elif (match := TABLE_MEASURE.match(line.text)) and int(match[1]) in self.plan.measures:
                measure = self.plan.measures[int(match[1])]
                self.start(ChunkKind.TABLE, goal=measure.goal, measure=measure.number)
            elif match := MEASURE_HEAD.match(text):
                number = int(match[1])
                self.start(ChunkKind.MEASURE, goal=self._goal_of(number), measure=number)
            elif (match := SHEET_MEASURE.match(text)) and (nxt := self._next_text(i)) and INITIATIVE_LINE.match(nxt):
                measure = int(match[1])
                initiative = int(INITIATIVE_LINE.match(nxt)[1])  # type: ignore[index]
                self.start(ChunkKind.SHEET, goal=self._goal_of(measure), measure=measure, initiative=initiative)
            elif (match := SECTION.match(text)) and self.kind in (ChunkKind.SECTION, ChunkKind.TABLE):
                self.start(ChunkKind.SECTION)
                self.section = f"{match[1]}. {match[2].strip()}"
            elif line.marked and not (self.kind in (ChunkKind.SHEET, ChunkKind.MEASURE) and self._is_field(text)):
                self.start(ChunkKind.SECTION)
                self.section = text
            elif (match := GOAL_LINE.match(text)) and self.kind == ChunkKind.TABLE:
                self.start(ChunkKind.SECTION)
            elif (match := GOAL_LINE.match(text)) and self.kind == ChunkKind.SECTION and "\t" not in line.text:
                self._goal_description(int(match[1]), i)
            self.buffer.append(line)
            i += 1
        self.flush()
        if self.carried:  # a document that is nothing but headings still says something
            self.kind, self.buffer, carried = ChunkKind.SECTION, [], self.carried
            self.carried = []
            self.plan.units.append(Unit(ChunkKind.SECTION, self.location(), "\n".join(l.text for l in carried), carried[0].page))

    def _goal_description(self, number: int, i: int) -> None:
        """A goal line in running text followed by its paragraph: that paragraph describes the goal."""
        known = self.plan.goals.get(number)
        description = self._next_text(i)
        if known is None or not description or GOAL_LINE.match(description) or known.description:
            return
        self.plan.goals[number] = Goal(known.number, known.title, known.measure_count, known.initiative_count,
                                       description=description)

    def _next_text(self, i: int) -> str:
        for line in self.lines[i + 1:]:
            if line.text.strip():
                return line.text.strip()
        return ""

    def _goal_of(self, measure: int) -> int | None:
        known = self.plan.measures.get(measure)
        return known.goal if known else None

    # -- fields --
    def _read_measure(self, content: list[Line]) -> None:
        number = self.ids["measure"]
        assert number is not None
        head = MEASURE_HEAD.match(content[0].text.strip())
        title = head[2].strip() if head else ""
        description: list[str] = []
        indicators: list[Indicator] = []
        labels = ("", "")
        in_indicator = False
        name = ""
        values: list[str] = []
        for line in content[1:]:
            text = line.text.strip()
            if INITIATIVE_LINE.match(text):
                continue
            if INDICATOR_HEAD.match(text):
                in_indicator = True
            elif in_indicator and (match := INDICATOR_COLUMNS.match(text)):
                labels = (match[1], match[2])
            elif in_indicator and VALUE.match(text):
                values.append(text)
            elif in_indicator and not name:
                name = text
            elif not in_indicator:
                description.append(text)
        if name:
            # One figure under "現況 > 目標" columns is the target; two are current and target.
            current, target = (values[0], values[1]) if len(values) >= 2 else ("", values[0] if values else "")
            indicators.append(Indicator(name, current, target, *labels))
        known = self.plan.measures.get(number)
        self.plan.measures[number] = Measure(
            number,
            known.title if known else title,
            known.goal if known else (self.ids.get("goal") or 0),
            description=" ".join(description),
            indicators=tuple(indicators),
        )

    def _read_sheet(self, content: list[Line]) -> None:
        number = self.ids["initiative"]
        assert number is not None
        fields: dict[str, list[str]] = {"owner": [], "content": [], "current": [], "target": []}
        current_field = ""
        title = ""
        for line in content:
            text = line.text.strip()
            if (match := INITIATIVE_LINE.match(text)) and not title:
                title = match[2].strip()
                continue
            if SHEET_MEASURE.match(text) and not current_field:
                continue
            for name, pattern in (("owner", OWNER), ("content", CONTENT)):
                if match := pattern.match(text):
                    current_field = name
                    text = match[1].strip()
                    break
            else:
                if CURRENT_STATE.match(text):
                    current_field, text = "current", ""
                elif TARGET_STATE.match(text):
                    current_field, text = "target", ""
                elif current_field == "owner" and not DEPARTMENT.match(text):
                    current_field = ""
            if current_field and text:
                fields[current_field].append(text)
        owners = tuple(owner for text in fields["owner"] for owner in re.split(r"[、,・\s]+", text) if owner)
        known = self.plan.initiatives.get(number)
        measure = self.ids.get("measure") or (known.measure if known else 0)
        self.plan.initiatives[number] = Initiative(
            number,
            known.title if known else title,
            measure,
            known.goal if known else (self.ids.get("goal") or 0),
            owners=owners,
            content="\n".join(fields["content"]),
            current_state="\n".join(fields["current"]),
            target_state="\n".join(fields["target"]),
            has_sheet=True,
        )
