#!/usr/bin/env python3
"""Check answers.jsonl against the edition files (independent of generate.py).

- every owner / phrase / value of the key occurs in its file, and inside the right block
- every 取組 1-27 has exactly one sheet in full-edition.txt (and 1-4 in other-plan.txt)
- the layout variants declared in the key are really present in the text (re-detected)
- every required variant is used at least twice in full-edition.txt
"""
import json
import os
import re
import sys
from collections import Counter

D = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZEN = str.maketrans("０１２３４５６７８９", "0123456789")
OWNER_LABELS = "担当部署|担当部局|担当課|所管課|担当|所管|関係課"
SECTION_LABELS = "取組内容|現状|あるべき姿"
LABEL_RE = re.compile(rf"^\s*([【［]?)({OWNER_LABELS}|{SECTION_LABELS})([】］]?)\s*([：:]?)\s*(.*)$")
INIT_RE = re.compile(r"^\s*(【?)取組([0-9０-９]+)(】?)\s*(.+?)\s*$")
MEAS_RE = re.compile(r"^\s*(【?)施策([0-9０-９]+)(】?)\s*(.+?)\s*$")
BOUND_RE = re.compile(r"^\s*(【?施策[0-9０-９]+|●?目標[0-9０-９]+|第\d章)")
HEADER = "現況(令和7年度) > 目標(令和10年度)"

REQUIRED = [
    "label:no-bracket", "label:【】", "label:［］", "colon:none", "colon:全角：", "colon:半角:",
    *("owner-label:" + x for x in ["担当", "担当課", "所管", "所管課", "担当部署", "担当部局", "関係課"]),
    *("owners-sep:" + x for x in ["、", "・", "space", "slash", "lines"]),
    "owner:same-line", "owner:next-line",
    "order:standard", "order:現状-before-取組内容", "order:担当-last",
    "heading:取組-plain", "heading:取組-【】", "heading:取組-fullwidth",
    "heading:施策-plain", "heading:施策-【】", "heading:施策-fullwidth",
    "indicator:separate-lines", "indicator:one-line->", "indicator:one-line-→",
    "indicator:one-line-／", "indicator:one-line-tab", "indicator:table-row",
    "indicator:single-value",
]

errors = []


def err(msg):
    errors.append(msg)


def nonblank_after(lines, i, k=8):
    out = []
    for j in range(i + 1, len(lines)):
        if lines[j].strip():
            out.append(j)
            if len(out) >= k:
                break
    return out


def is_heading_line(s):
    return "\t" not in s and ">" not in s


def parse(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    sheets, measures = {}, {}
    for i, s in enumerate(lines):
        if not is_heading_line(s):
            continue
        m = INIT_RE.match(s)
        if m:
            nxt = nonblank_after(lines, i, 3)
            if any(LABEL_RE.match(lines[j]) for j in nxt):
                n = int(m.group(2).translate(ZEN))
                # block starts at preceding 施策 line, ends at next boundary / next sheet heading
                prev = [j for j in range(i - 1, -1, -1) if lines[j].strip()][:1]
                start = prev[0] if prev and MEAS_RE.match(lines[prev[0]]) else i
                end = len(lines)
                for j in range(i + 1, len(lines)):
                    if BOUND_RE.match(lines[j]) or (INIT_RE.match(lines[j]) and is_heading_line(lines[j])
                                                    and any(LABEL_RE.match(lines[k]) for k in nonblank_after(lines, j, 3))):
                        end = j
                        break
                sheets.setdefault(n, []).append(dict(start=start, head=i, end=end, m=m,
                                                     mline=lines[start] if start != i else None,
                                                     text="\n".join(lines[start:end]),
                                                     lines=lines[start:end]))
            continue
        m = MEAS_RE.match(s)
        if m:
            nxt = nonblank_after(lines, i, 1)
            if nxt and INIT_RE.match(lines[nxt[0]]) and nonblank_after(lines, nxt[0], 1) and \
                    any(LABEL_RE.match(lines[k]) for k in nonblank_after(lines, nxt[0], 3)):
                continue  # the 施策 line of a sheet
            n = int(m.group(2).translate(ZEN))
            end = len(lines)
            for j in range(i + 1, len(lines)):
                if BOUND_RE.match(lines[j]):
                    end = j
                    break
            measures.setdefault(n, []).append(dict(start=i, end=end, m=m, text="\n".join(lines[i:end]),
                                                   lines=lines[i:end]))
    return "\n".join(lines), sheets, measures


def style_of(m):
    if m.group(1) == "【":
        return "【】"
    if re.search("[０-９]", m.group(2)):
        return "fullwidth"
    return "plain"


def detect_sheet(sh, owners):
    v = set()
    labels = []  # (line index, kind, match)
    for k, s in enumerate(sh["lines"]):
        lm = LABEL_RE.match(s)
        if lm and (lm.group(1) == "" or lm.group(3) != ""):
            labels.append((k, lm.group(2), lm))
    owner = [x for x in labels if re.fullmatch(OWNER_LABELS, x[1])]
    if len(owner) != 1:
        err(f"sheet at line {sh['head']}: {len(owner)} owner labels")
        return v
    ok, olab, om = owner[0]
    v.add({"": "label:no-bracket", "【": "label:【】", "［": "label:［］"}[om.group(1)])
    v.add({"": "colon:none", "：": "colon:全角：", ":": "colon:半角:"}[om.group(4)])
    v.add("owner-label:" + olab)
    v.add("owner:" + ("same-line" if om.group(5).strip() else "next-line"))
    # owner text: rest of label line + following lines until blank
    otext = [om.group(5)] if om.group(5).strip() else []
    for s in sh["lines"][ok + 1:]:
        if not s.strip() or LABEL_RE.match(s):
            break
        otext.append(s)
    otext = "\n".join(x for x in otext if x.strip())
    pos = []
    for o in owners:
        p = otext.find(o)
        if p < 0:
            err(f"sheet {sh['head']}: owner {o} not in owner field {otext!r}")
            return v
        pos.append((p, o))
    pos.sort()
    if [o for _, o in pos] != owners:
        err(f"sheet {sh['head']}: owner order differs")
    rest = otext
    for o in owners:
        rest = rest.replace(o, "", 1)
    if rest.strip(" \u3000\n、・／/"):
        err(f"sheet {sh['head']}: owner field has extra text {rest!r}")
    if len(owners) == 1:
        v.add("owners-sep:single")
    else:
        seps = set()
        for (p1, o1), (p2, _) in zip(pos, pos[1:]):
            between = otext[p1 + len(o1):p2]
            if "\n" in between:
                seps.add("lines")
            elif "、" in between:
                seps.add("、")
            elif "・" in between:
                seps.add("・")
            elif "／" in between or "/" in between:
                seps.add("slash")
            elif between.strip(" \u3000") == "":
                seps.add("space")
            else:
                err(f"sheet {sh['head']}: unknown owner separator {between!r}")
        for s_ in seps:
            v.add("owners-sep:" + s_)
    # all section labels present, same bracket/colon style
    idx = {}
    for k, name, lm in labels:
        idx[name if name in ("取組内容", "現状", "あるべき姿") else "owner"] = k
        if name in ("取組内容", "現状", "あるべき姿") and (lm.group(1), lm.group(4)) != (om.group(1), om.group(4)):
            err(f"sheet {sh['head']}: label style of {name} differs from owner label")
    for name in ("取組内容", "現状", "あるべき姿"):
        if name not in idx:
            err(f"sheet {sh['head']}: section {name} missing")
            return v
    if idx["owner"] > max(idx["取組内容"], idx["現状"], idx["あるべき姿"]):
        v.add("order:担当-last")
    elif idx["現状"] < idx["取組内容"]:
        v.add("order:現状-before-取組内容")
    elif idx["owner"] < idx["取組内容"] < idx["現状"] < idx["あるべき姿"]:
        v.add("order:standard")
    v.add("heading:取組-" + style_of(sh["m"]))
    if sh["mline"]:
        v.add("heading:施策-" + style_of(MEAS_RE.match(sh["mline"])))
    return v


def detect_indicator(mb, r):
    v = set()
    t = mb["text"]
    if r["indicator"] not in t:
        err(f"施策{r['number']}: indicator name missing")
    if r.get("single_value"):
        if HEADER in t and r["single_value"] in t and r["current"] is None and r["target"] is None:
            after = t.split(r["indicator"], 1)[1]
            vals = [x for x in after.split("\n") if x.strip() and not x.strip().isdigit()]
            if vals == [r["single_value"]]:
                v.add("indicator:single-value")
            else:
                err(f"施策{r['number']}: single-value block has other lines {vals}")
        return v
    cur, tgt = r["current"], r["target"]
    lines = mb["lines"]
    for s in lines:
        if cur in s and tgt in s:
            mid = s[s.index(cur) + len(cur):s.index(tgt)]
            if s.startswith(r["indicator"] + "\t"):
                v.add("indicator:table-row")
            elif mid.strip() == ">":
                v.add("indicator:one-line->")
            elif mid.strip() == "→":
                v.add("indicator:one-line-→")
            elif mid.strip() == "／":
                v.add("indicator:one-line-／")
            elif mid == "\t":
                v.add("indicator:one-line-tab")
    if not v:
        lc = [k for k, s in enumerate(lines) if cur in s]
        lt = [k for k, s in enumerate(lines) if tgt in s]
        if lc and lt and lc[0] < lt[0]:
            v.add("indicator:separate-lines")
    return v


def main():
    rows = [json.loads(x) for x in open(os.path.join(D, "answers.jsonl"), encoding="utf-8") if x.strip()]
    parsed = {f: parse(os.path.join(D, f)) for f in sorted({r["file"] for r in rows})}
    # exactly one sheet per 取組
    for f, n_max in (("full-edition.txt", 27), ("other-plan.txt", 4)):
        text, sheets, measures = parsed[f]
        for n in range(1, n_max + 1):
            if len(sheets.get(n, [])) != 1:
                err(f"{f}: 取組{n} has {len(sheets.get(n, []))} sheets")
        extra = set(sheets) - set(range(1, n_max + 1))
        if extra:
            err(f"{f}: unexpected sheets {extra}")
        keyed = {r["number"] for r in rows if r["file"] == f and r["kind"] == "initiative"}
        if keyed != set(range(1, n_max + 1)):
            err(f"{f}: key initiatives {sorted(keyed)}")
    counts = Counter()
    for r in rows:
        text, sheets, measures = parsed[r["file"]]
        if r["plan"] not in text.split("\n", 3)[0]:
            err(f"{r['file']}: plan name {r['plan']} not on title line")
        if r["kind"] == "initiative":
            sh = sheets[r["number"]][0]
            if sh["m"].group(4) != r["title"]:
                err(f"取組{r['number']}: title {sh['m'].group(4)!r} != {r['title']!r}")
            if sh["mline"] is None or int(MEAS_RE.match(sh["mline"]).group(2).translate(ZEN)) != r["measure"]:
                err(f"取組{r['number']}: 施策 line mismatch")
            for o in r["owners"]:
                if o not in text or o not in sh["text"]:
                    err(f"{r['file']} 取組{r['number']}: owner {o} missing")
            for k in ("content_contains", "current_contains", "target_contains"):
                if r[k] not in text or r[k] not in sh["text"]:
                    err(f"{r['file']} 取組{r['number']}: {k} {r[k]!r} missing")
            det = detect_sheet(sh, r["owners"])
        else:
            mbs = measures.get(r["number"], [])
            if len(mbs) != 1:
                err(f"{r['file']}: 施策{r['number']} has {len(mbs)} pages")
                continue
            mb = mbs[0]
            if mb["m"].group(4) != r["title"]:
                err(f"施策{r['number']}: title {mb['m'].group(4)!r} != {r['title']!r}")
            for k in ("current", "target", "single_value"):
                if r.get(k) is not None and (r[k] not in text or r[k] not in mb["text"]):
                    err(f"{r['file']} 施策{r['number']}: {k} {r[k]!r} missing")
            if r["column_stated"] == (r.get("single_value") is not None):
                err(f"施策{r['number']}: column_stated inconsistent")
            det = detect_indicator(mb, r)
        if set(r["variants"]) != det:
            err(f"{r['file']} {r['kind']} {r['number']}: declared {sorted(r['variants'])} detected {sorted(det)}")
        if r["file"] == "full-edition.txt":
            counts.update(det)
    for v in REQUIRED:
        if counts[v] < 2:
            err(f"variant {v} used {counts[v]} times")
    # measures: exactly 16 in full edition
    ms = {r["number"] for r in rows if r["file"] == "full-edition.txt" and r["kind"] == "measure"}
    if ms != set(range(1, 17)):
        err(f"measures in key: {sorted(ms)}")
    if sum(1 for r in rows if r["file"] == "full-edition.txt" and r["kind"] == "measure"
           and not r["column_stated"]) < 2:
        err("fewer than two single-value indicators")
    readme = open(os.path.join(D, "README.md"), encoding="utf-8").read()
    for v in REQUIRED:
        if v not in readme:
            err(f"README lacks {v}")
    # broken sheet must not parse as a sheet
    _, bs, _ = parse(os.path.join(D, "broken-sheet.txt"))
    if bs:
        err("broken-sheet.txt parses as a sheet")
    for v in REQUIRED:
        print(f"{counts[v]:3d}  {v}")
    if errors:
        print("\nFAIL")
        for e in errors:
            print(" -", e)
        sys.exit(1)
    print(f"\nOK: {len(rows)} key rows checked")


main()
