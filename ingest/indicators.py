"""Reading the 評価指標 of a 施策's page: each indicator's name and its figures, in whichever layout `layout` knows.

Figures are put in a column only where the source says which: by a label on their line (現況(…): 420人), or
by their order under a header naming both columns ("現況(…) > 目標(…)", a table's header row). One figure
without its column is kept as the indicator's `value`, not guessed to be the target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from taito_dx.ingest import layout
from taito_dx.models import Indicator


@dataclass
class _Reading:
    """An indicator being read: its name, its figures in order, and any it was given with a column label."""

    name: str = ""
    figures: list[str] = field(default_factory=list)
    labelled: dict[str, tuple[str, str]] = field(default_factory=dict)  # column → (label, figure)

    @property
    def has_figures(self) -> bool:
        return bool(self.figures or self.labelled)

    def indicator(self, columns: tuple[str, str]) -> Indicator:
        """The indicator read, its figures in the columns the header names (in the plan's 現況 > 目標 order
        when there is no header)."""
        reverse = layout.is_column(columns[0], layout.TARGET_COLUMN)
        current_label, target_label = columns[::-1] if reverse else columns
        current = target = value = ""
        if len(self.figures) >= 2:
            current, target = self.figures[1::-1] if reverse else self.figures[:2]
        elif self.figures and not self.labelled:
            value = self.figures[0]
        if layout.CURRENT_COLUMN in self.labelled:
            current_label, current = self.labelled[layout.CURRENT_COLUMN]
        if layout.TARGET_COLUMN in self.labelled:
            target_label, target = self.labelled[layout.TARGET_COLUMN]
        return Indicator(self.name, current, target, current_label, target_label, value)


def read_indicators(lines: list[str]) -> tuple[Indicator, ...]:
    """The indicators stated by the lines after a 評価指標 heading (stripped, blank lines left out).

    The first name is kept even without a figure (the plan names the indicator); a later line of text
    counts as another indicator only when figures follow it (else it is a note under the table).
    """
    columns = ("", "")
    readings: list[_Reading] = [_Reading()]
    for text in lines:
        reading = readings[-1]
        if header := layout.COLUMN_HEADER.match(text):
            columns = (header[1], header[2])
        elif labelled := layout.LABELLED_VALUE.match(text):
            column = layout.CURRENT_COLUMN if labelled["label"].startswith(layout.CURRENT_COLUMN) else layout.TARGET_COLUMN
            reading.labelled[column] = (labelled["label"], labelled["value"])
        elif pair := layout.VALUE_PAIR.match(text):
            if pair["name"].strip():
                reading = _start(readings, pair["name"].strip())
            reading.figures += [pair["first"], pair["second"]]
        elif layout.VALUE_LINE.match(text):
            reading.figures.append(text)
        elif layout.INDICATOR_HEAD.match(text):
            continue
        elif not reading.name:
            reading.name = text
        elif reading.has_figures:
            readings.append(_Reading(text))
    kept = [reading for number, reading in enumerate(readings) if reading.name and (number == 0 or reading.has_figures)]
    return tuple(reading.indicator(columns) for reading in kept)


def _start(readings: list[_Reading], name: str) -> _Reading:
    """The reading a name written on a line of figures opens (the current one while it has no figures)."""
    if readings[-1].has_figures:
        readings.append(_Reading())
    readings[-1].name = name
    return readings[-1]
