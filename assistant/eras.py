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


# A Western year said as one (FY2027, in 2027, 2027年), not any four-digit number ("2000 hours").
WESTERN_YEAR = re.compile(r"(?:\bFY\s*|\b(?:in|by|from|until|since|year|for)\s+)((?:19|20)\d{2})\b(?![.,]\d)|"
                          r"(?<![\d.,])((?:19|20)\d{2})\s*年(?!間)", re.I)


def era_years(text: str) -> set[str]:
    """The years `text` names, as the plan writes them ("令和9年" for 令和9年度, FY2027 or 2027)."""
    years = {f"{m[1]}{1 if m[2] == '元' else int(m[2])}年" for m in ERA_YEAR.finditer(text)}
    for match in WESTERN_YEAR.finditer(text):
        year = int(match[1] or match[2])
        years.add(f"令和{year - ERA_START['令和']}年" if year > 2018 else f"平成{year - ERA_START['平成']}年"
                  if year > 1988 else f"昭和{year - ERA_START['昭和']}年")
    return years


def states_year(year: str, text: str) -> bool:
    """Whether `text` names `year` ("令和9年"), as 令和9年 or 令和9年度, or 令和元年 for year 1."""
    plain = re.sub(r"\s+", "", text)
    era, number = year[:2], year[2:-1]
    return year in plain or (number == "1" and f"{era}元年" in plain)
