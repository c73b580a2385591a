"""The eval's outputs for people: a terminal table, and a Markdown report with a PNG chart."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HEADLINE = ("hit_at_1", "hit_at_5", "mrr", "answer_accuracy", "abstention_accuracy", "false_abstention_rate",
            "english_accuracy", "most_suggested_share", "latency_p50_ms", "latency_p95_ms")
HISTORY = "history.jsonl"


def table(totals: dict[str, float], baseline: dict[str, float] | None, previous: dict[str, float] | None) -> str:
    """Totals side by side: assistant, baseline, change since the previous saved run."""
    header = f"{'metric':24}{'assistant':>11}"
    header += f"{'baseline':>11}" if baseline else ""
    header += f"{'change':>10}" if previous else ""
    rows = [header, "-" * len(header)]
    for key in HEADLINE:
        value = totals.get(key, 0.0)
        row = f"{key:24}{value:>11.3f}" if "ms" not in key else f"{key:24}{value:>11.1f}"
        if baseline:
            base = baseline.get(key, 0.0)
            row += f"{base:>11.3f}" if "ms" not in key else f"{base:>11.1f}"
        if previous and key in previous:
            row += f"{value - previous[key]:>+10.3f}" if "ms" not in key else f"{value - previous[key]:>+10.1f}"
        rows.append(row)
    return "\n".join(rows)


def side_by_side(totals: dict[str, dict[str, float]], baselines: dict[str, dict[str, float]],
                 previous: dict[str, dict[str, float] | None]) -> str:
    """Each question file's totals in a column (its baseline's and its change since the previous run beside it)."""
    columns: list[tuple[str, dict[str, float], bool]] = []
    for name, values in totals.items():
        columns.append((name, values, False))
        if name in baselines:
            columns.append((f"{name} baseline", baselines[name], False))
        if previous.get(name):
            columns.append((f"{name} change", {key: values.get(key, 0.0) - previous[name].get(key, 0.0)
                                                for key in HEADLINE if key in previous[name]}, True))
    width = max(11, *(len(title) + 2 for title, _, _ in columns))
    rows = [f"{'metric':24}" + "".join(f"{title:>{width}}" for title, _, _ in columns)]
    rows.append("-" * len(rows[0]))
    for key in HEADLINE:
        if not any(key in values for _, values, _ in columns):  # a consultation's total, say, for questions
            continue
        row = f"{key:24}"
        for _, values, signed in columns:
            if key not in values:
                row += " " * width
                continue
            digits = 1 if "ms" in key else 3
            row += f"{values[key]:>+{width}.{digits}f}" if signed else f"{values[key]:>{width}.{digits}f}"
        rows.append(row)
    return "\n".join(rows)


def previous_totals(report_dir: Path, questions_file: Path) -> dict[str, float] | None:
    """The totals of the last run on the same question file (another file's totals compare nothing)."""
    history = report_dir / HISTORY
    if not history.exists():
        return None
    runs = [json.loads(line) for line in history.read_text(encoding="utf-8").splitlines() if line.strip()]
    same = [run for run in runs if run.get("questions") == _shown(questions_file)]
    return same[-1]["totals"] if same else None


def write_report(report_dir: Path, *, questions_file: Path, totals: dict[str, float],
                 categories: dict[str, float], results: list[dict[str, Any]],
                 baseline: dict[str, float] | None, baseline_categories: dict[str, float] | None,
                 previous: dict[str, float] | None) -> Path:
    """Write report-<time>.md and its chart, append the totals to the history; return the report path."""
    report_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    chart = report_dir / f"chart-{stamp}.png"
    charted = _chart(chart, totals, categories, baseline_categories, previous)
    misses = [r for r in results if not r["answer_correct"]]
    lines = [
        f"# Eval report {stamp}",
        "",
        f"Questions: `{_shown(questions_file)}` ({len(results)})",
        "",
        "```",
        table(totals, baseline, previous),
        "```",
        "",
        f"![scores]({chart.name})" if charted else "(no chart: it needs the eval extra, `pip install -e '.[eval]'`)",
        "",
        "## Per category (answered right, or rightly abstained)",
        "",
        "| category | assistant |" + (" baseline |" if baseline_categories else ""),
        "|---|---|" + ("---|" if baseline_categories else ""),
    ]
    for name, value in categories.items():
        row = f"| {name} | {value:.2f} |"
        if baseline_categories:
            row += f" {baseline_categories.get(name, 0.0):.2f} |"
        lines.append(row)
    lines += ["", f"## Misses ({len(misses)})", ""]
    for result in misses:
        answer = result["answer"].replace("\n", " ")[:200]
        lines.append(f"- **{result['id']}** {result['question']} → {answer} (hit rank {result['hit_rank']})")
    path = report_dir / f"report-{stamp}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (report_dir / HISTORY).open("a", encoding="utf-8") as history:
        history.write(json.dumps({"time": stamp, "questions": _shown(questions_file), "totals": totals}) + "\n")
    return path


def _shown(path: Path) -> str:
    """A path as a person reads it: relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _chart(path: Path, totals: dict[str, float], categories: dict[str, float],
           baseline_categories: dict[str, float] | None, previous: dict[str, float] | None) -> bool:
    """Draw the chart (False, and no file, without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log.warning("no eval chart: matplotlib is not installed (pip install -e '.[eval]')")
        return False
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    names = list(categories)
    positions = range(len(names))
    width = 0.4 if baseline_categories else 0.8
    left.bar([p - (width / 2 if baseline_categories else 0) for p in positions], [categories[n] for n in names],
             width=width, label="assistant", color="#2b6cb0")
    if baseline_categories:
        left.bar([p + width / 2 for p in positions], [baseline_categories.get(n, 0.0) for n in names], width=width,
                 label="baseline", color="#a0aec0")
    left.set_xticks(list(positions), names, rotation=35, ha="right")
    left.set_ylim(0, 1.22)
    left.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    left.set_title("Answered right per category")
    left.legend(loc="upper center", ncol=2, frameon=False)
    metrics = [m for m in HEADLINE if "ms" not in m]
    if previous:
        changes = [totals.get(m, 0.0) - previous.get(m, 0.0) for m in metrics]
        colours = ["#2f855a" if (c >= 0) != (m == "false_abstention_rate") else "#c53030" for m, c in zip(metrics, changes)]
        bars = right.barh(metrics, changes, color=colours)
        right.axvline(0, color="black", linewidth=0.8)
        right.bar_label(bars, labels=[f"{c:+.3f}" for c in changes], padding=3)
        limit = max(0.05, *(abs(c) for c in changes)) * 1.6
        right.set_xlim(-limit, limit)
        right.set_title("Change since the previous run")
    else:
        values = [totals.get(m, 0.0) for m in metrics]
        bars = right.barh(metrics, values, color="#2b6cb0")
        right.bar_label(bars, labels=[f"{v:.3f}" for v in values], padding=3)
        right.set_xlim(0, 1.2)
        right.set_title("Totals (no previous run saved)")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return True
