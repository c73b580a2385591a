"""Guides: corpus documents that are not the plan but link DX tools and methods to its 取組.

A guide is a Markdown document whose sections each carry a line `計画の取組: 取組N「title」…`
(`corpus/dx-tools-guide.md` is one). Its entries are kept apart from the plan's chunks: questions
about the plan never retrieve them, and a consultation cites them as the guide.
"""

from __future__ import annotations

import re

from taito_dx.ingest.structure import MARKDOWN_HEADING
from taito_dx.models import GuideEntry
from taito_dx.plan_names import PATH_SEPARATOR

LINK_LINE = re.compile(r"^計画の取組\s*[:：]\s*(.+)$")
LINK = re.compile(r"取組(\d{1,3})「[^」]+」")
BULLET = re.compile(r"^[-*・]\s*")
LABEL = re.compile(r"^[^:：。.]{1,20}[:：]\s*")  # "用途: ", "Typical problems: "


def parse_guide(source: str, text: str) -> list[GuideEntry]:
    """The entries of a guide (normalised text), or none when the text is not a guide."""
    title = ""
    entries: list[GuideEntry] = []
    heading, body = "", []

    def close() -> None:
        links = [int(n) for line in body if (match := LINK_LINE.match(line)) for n in LINK.findall(match[1])]
        if heading and links:
            content = tuple(_content(line) for line in body if line and not LINK_LINE.match(line))
            entries.append(GuideEntry(source=source, location=f"{title}{PATH_SEPARATOR}{heading}",
                                      text="\n".join([heading, *body]).strip(), lines=tuple(c for c in content if c),
                                      initiatives=tuple(dict.fromkeys(links))))

    for raw in text.split("\n"):
        line = raw.strip()
        if match := MARKDOWN_HEADING.match(line):
            close()
            heading, body = match[1].strip(), []
            title = title or heading
        else:
            body.append(line)
    close()
    return entries


def _content(line: str) -> str:
    """A line's words without its bullet and label."""
    return LABEL.sub("", BULLET.sub("", line), count=1).strip()
