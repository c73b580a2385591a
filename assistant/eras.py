"""Japanese era years written also as Western years, for answers in English (令和8年度 = FY2026)."""

from __future__ import annotations

import re

ERA_START = {"令和": 2018, "平成": 1988, "昭和": 1925}  # year 1 of each era is the year after this
ERA_YEAR = re.compile(r"(令和|平成|昭和)\s*(\d+|元)\s*年(度)?")


def western(match: re.Match[str]) -> str:
    """"FY2026" for 令和8年度, "2025" for 令和7年."""
    year = ERA_START[match[1]] + (1 if match[2] == "元" else int(match[2]))
    return f"FY{year}" if match[3] else str(year)


def with_western_years(text: str) -> str:
    """`text` with a note of the Western year after each line that names era years: "(令和8年度 = FY2026)"."""
    lines = []
    for line in text.split("\n"):
        years = list(dict.fromkeys(f"{m[0]} = {western(m)}" for m in ERA_YEAR.finditer(line)))
        lines.append(f"{line} ({'; '.join(years)})" if years else line)
    return "\n".join(lines)
