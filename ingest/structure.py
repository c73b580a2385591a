"""Parse the plan's own structure out of normalised text.

The plan is written as: chapters (第N章) with numbered sections; an overview table of
目標 → 施策 → 取組 (tab-separated rows); per-施策 pages (a 施策 heading, description, its
取組, 評価指標); and initiative sheets (a 施策 and a 取組 heading, then labelled fields: 担当 /
取組内容 / 現状 / あるべき姿, in any order). How each of these may be written is `layout`'s
knowledge; this module walks the lines and cuts them into units. Any other text still becomes
units, located by its headings. Fields the text does not state stay empty; a sheet or 評価指標
whose fields cannot be read is indexed as text and named in `ParsedPlan.warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import takewhile

from taito_dx.ingest import layout
from taito_dx.ingest.indicators import read_indicators
from taito_dx.ingest.layout import (BREADCRUMB, CHAPTER, GOAL_LINE, INDICATOR_HEAD, INITIATIVE_HEADING,
                                    MARKDOWN_HEADING, MEASURE_HEADING, SECTION, TABLE_GOAL, TABLE_ITEM,
                                    TABLE_MEASURE)
from taito_dx.models import ChunkKind, Goal, Initiative, Measure
from taito_dx.plan_names import PATH_SEPARATOR, plan_path

# Lines that end a sheet or a 施策 page when a heading's look-ahead scans it.
BOUNDARIES = (CHAPTER, MEASURE_HEADING, BREADCRUMB, GOAL_LINE, TABLE_GOAL, TABLE_MEASURE)


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
    """What one document contributes: its title, its units and the plan entities it states."""

    title: str = ""
    units: list[Unit] = field(default_factory=list)
    goals: dict[int, Goal] = field(default_factory=dict)
    measures: dict[int, Measure] = field(default_factory=dict)
    initiatives: dict[int, Initiative] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # what could not be read, for the maintainer


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
    segmenter = _Segmenter(lines, plan)
    plan.title = segmenter.title
    segmenter.run()
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
        return bool(INITIATIVE_HEADING.match(text) or INDICATOR_HEAD.match(text) or layout.field_label(text))

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
            elif (match := BREADCRUMB.match(text)) and layout.field_label(self._next_text(i)):
                measure = int(match[1])  # a slide header over the sheet's fields: the sheet starts here
                self.start(ChunkKind.SHEET, goal=self._goal_of(measure), measure=measure, initiative=int(match[2]))
            elif BREADCRUMB.match(text):
                self.start(ChunkKind.SECTION)  # a slide header: the block that follows starts itself
                i += 1
                continue
            elif match := TABLE_GOAL.match(line.text):
                self.start(ChunkKind.TABLE, goal=int(match[1]))
            elif (match := TABLE_MEASURE.match(line.text)) and int(match[1]) in self.plan.measures:
                measure = self.plan.measures[int(match[1])]
                self.start(ChunkKind.TABLE, goal=measure.goal, measure=measure.number)
            elif match := MEASURE_HEADING.match(text):
                self._measure_heading(int(match[1] or match[2]), i)
            elif (match := INITIATIVE_HEADING.match(text)) and self._opens_sheet(int(match[1] or match[2]), i):
                number = int(match[1] or match[2])
                known = self.plan.initiatives.get(number)
                measure = known.measure if known else self.ids.get("measure")
                self.start(ChunkKind.SHEET, goal=self._goal_of(measure) if measure else None, measure=measure,
                           initiative=number)
            elif (match := GOAL_LINE.match(text)) and self.kind in (ChunkKind.SHEET, ChunkKind.MEASURE):
                self.start(ChunkKind.SECTION)  # a goal's heading ends the sheet or page before it
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

    def _measure_heading(self, number: int, i: int) -> None:
        """A 施策 heading opens a sheet (a 取組 heading and field labels follow, in any order: a slide may put
        its 担当 box beside the title), a 施策 page, or, when only a 取組 heading follows with nothing that
        reads as a sheet, that 取組's text, reported."""
        block = self._block(i)
        initiatives = [int(match[1] or match[2]) for text in block if (match := INITIATIVE_HEADING.match(text))]
        ids = {"goal": self._goal_of(number), "measure": number}
        opens = bool(block) and bool(INITIATIVE_HEADING.match(block[0]) or layout.field_label(block[0]))
        before_indicators = list(takewhile(lambda text: not INDICATOR_HEAD.match(text), block))
        if opens and initiatives and any(layout.field_label(text) for text in before_indicators):
            self.start(ChunkKind.SHEET, **ids, initiative=initiatives[0])
        elif opens and len(initiatives) == 1 and before_indicators == block:
            self.start(ChunkKind.SECTION, **ids, initiative=initiatives[0])
            labels = "、".join(layout.FIELD_NAMES.values())
            self._warn(self.lines[i].page, f"the sheet of 取組{initiatives[0]} (施策{number}) has no field label "
                       f"({labels}) that could be read: indexed as text only")
        else:
            self.start(ChunkKind.MEASURE, **ids)

    def _opens_sheet(self, number: int, i: int) -> bool:
        """A 取組 heading followed by a field label opens that 取組's sheet (unless it is the sheet's own heading)."""
        if self.kind == ChunkKind.SHEET and self.ids.get("initiative") == number:
            return False
        return bool(layout.field_label(self._next_text(i)))

    def _block(self, i: int) -> list[str]:
        """The non-blank texts after line `i` up to the next heading that ends a sheet or page."""
        texts = []
        for line in self.lines[i + 1:]:
            text = line.text.strip()
            if any(pattern.match(text) for pattern in BOUNDARIES) or (line.marked and not self._is_field(text)):
                break
            if text:
                texts.append(text)
        return texts

    def _next_index(self, i: int) -> int | None:
        return next((j for j in range(i + 1, len(self.lines)) if self.lines[j].text.strip()), None)

    def _warn(self, page: int | None, message: str) -> None:
        self.plan.warnings.append(f"page {page}: {message}" if page is not None else message)

    def _next_text(self, i: int) -> str:
        after = self._next_index(i)
        return self.lines[after].text.strip() if after is not None else ""

    def _goal_of(self, measure: int) -> int | None:
        known = self.plan.measures.get(measure)
        return known.goal if known else None

    # -- fields --
    def _read_measure(self, content: list[Line]) -> None:
        number = self.ids["measure"]
        assert number is not None
        at = next((n for n, line in enumerate(content) if MEASURE_HEADING.match(line.text.strip())), 0)
        head = MEASURE_HEADING.match(content[at].text.strip())
        title = head[3].strip() if head else ""
        description: list[str] = []
        indicator_lines: list[str] = []
        for line in content[at + 1:]:
            text = line.text.strip()
            if not text or INITIATIVE_HEADING.match(text):
                continue
            if indicator_lines or INDICATOR_HEAD.match(text):
                indicator_lines.append(text)
            else:
                description.append(text)
        indicators = read_indicators(indicator_lines)
        if indicator_lines and not any(i.current or i.target or i.value for i in indicators):
            self._warn(content[0].page, f"the 評価指標 of 施策{number} has no figure that could be read")
        known = self.plan.measures.get(number)
        self.plan.measures[number] = Measure(
            number,
            known.title if known else title,
            known.goal if known else (self.ids.get("goal") or 0),
            description=" ".join(description),
            indicators=indicators,
        )

    def _read_sheet(self, content: list[Line]) -> None:
        number = self.ids["initiative"]
        assert number is not None
        fields: dict[str, list[str]] = {name: [] for name in layout.FIELD_LABELS}
        current_field = ""
        title = ""
        for line in content:
            text = line.text.strip()
            if not text:
                continue
            if (match := INITIATIVE_HEADING.match(text) or BREADCRUMB.match(text)) and not title:
                title, current_field = match[3].strip(), ""
                continue
            if MEASURE_HEADING.match(text) and not current_field:
                continue
            if labelled := layout.field_label(text):
                current_field, text = labelled
                if current_field == layout.OWNER:
                    fields[layout.OWNER] += layout.split_owners(text)
                    continue
            elif current_field == layout.OWNER:
                owners = layout.owner_continuation(text)
                fields[layout.OWNER] += owners or []
                current_field = current_field if owners else ""
                continue
            if current_field and text:
                fields[current_field].append(text)
        missing = [layout.FIELD_NAMES[name] for name, values in fields.items() if not values]
        if missing:
            self._warn(content[0].page, f"the sheet of 取組{number} states no {'、'.join(missing)} that could be read")
        known = self.plan.initiatives.get(number)
        measure = self.ids.get("measure") or (known.measure if known else 0)
        self.plan.initiatives[number] = Initiative(
            number,
            known.title if known else title,
            measure,
            known.goal if known else (self.ids.get("goal") or 0),
            owners=tuple(fields[layout.OWNER]),
            content="\n".join(fields[layout.CONTENT]),
            current_state="\n".join(fields[layout.CURRENT]),
            target_state="\n".join(fields[layout.TARGET]),
            has_sheet=True,
        )
