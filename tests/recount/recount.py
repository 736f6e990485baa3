#!/usr/bin/env python3
"""Recounts every figure of the demo report from the exported CSVs, with pandas.

Makes demo data of spam-2021 and spam-2022 with the real binary, writes the
report of 2022 (beside 2021) and the responses exports of both editions,
then recounts from the CSVs alone, members only (associates apart), and
compares with the report's tables: the response rate by sub-region, the base
of every question, every share of every single, multi, yes/no and scale
question with its "no answer" and the associates' column, every table by
sub-region, every matrix row (base, shares, no answer, mean), every number
table (each member's figures, median, range), every rank (points and
places), every comparison with 2021 and the respondents both years share.

Usage: python3 tests/recount/recount.py [path/to/spam-survey]
Exits non-zero on the first figure that differs, printing it.
"""

import html as htmlmod
import math
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
BIN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "spam-survey")
checked = 0


def run(*args):
    subprocess.run([BIN, *args], check=True, capture_output=True)


def rnd(x):
    """Rounds half away from zero, as the report does."""
    return int(math.floor(x + 0.5))


def pct(n, of):
    return "–" if of == 0 else f"{rnd(100 * n / of)}%"


def share_cell(n, of):
    return str(n) if of == 0 else f"{n} ({pct(n, of)})"


def change(a, b):
    d = rnd(a) - rnd(b)
    return f"+{d}" if d > 0 else (f"\u2212{-d}" if d < 0 else "0")


def num(x):
    tenths = rnd(max(x, 0) * 10)
    whole, t = divmod(tenths, 10)
    return f"{whole:,}" if t == 0 else f"{whole:,}.{t}"


def expect(what, got, want):
    global checked
    checked += 1
    if got != want:
        sys.exit(f"MISMATCH {what}: report says {got!r}, recount gives {want!r}")


# --- the report's tables ---------------------------------------------------

def rows_of(table):
    out = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        th = re.search(r'<th scope="row">(.*?)</th>', tr, re.S)
        if th:
            cells = [htmlmod.unescape(c) for c in re.findall(r"<td>(.*?)</td>", tr, re.S)]
            out.append((htmlmod.unescape(th.group(1)), cells))
    return out


def article(page, qid):
    m = re.search(rf'<article class="question" id="q-{qid}">(.*?)</article>', page, re.S)
    return m.group(1)


def figure(page, qid, caption_part):
    """The rows of the figure or table of `qid` whose caption has `caption_part`."""
    for fig in re.findall(r"<figure.*?</figure>", article(page, qid), re.S):
        cap = re.search(r"<figcaption>(.*?)</figcaption>", fig, re.S).group(1)
        if caption_part in htmlmod.unescape(cap):
            return dict(rows_of(re.search(r"<table[^>]*>(.*?)</table>", fig, re.S).group(1)))
    return None


# --- the definitions -------------------------------------------------------

def definition(edition):
    d = tomllib.loads((SURVEYS / f"{edition}.toml").read_text())
    lists = d.get("lists", {})
    questions = []
    for s in d["sections"]:
        for q in s.get("questions", []):
            q = dict(q)
            if "options_from" in q:
                q["options"] = lists[q["options_from"]]
            if "rows_from" in q:
                q["rows"] = lists[q["rows_from"]]
            questions.append(q)
    return questions


def codebook_labels(path):
    """(column -> [(code, label)]) from the codebook's `values`."""
    cb = pd.read_csv(path, dtype=str, keep_default_na=False)
    out = {}
    for col, values in zip(cb["column"], cb["values"]):
        parts, pairs = values.split("; ") if values else [], []
        for p in parts:
            if re.match(r"^[A-Za-z0-9_\-]+(=|$)", p) or not pairs:
                code, _, label = p.partition("=")
                pairs.append([code, label or code])
            else:
                pairs[-1][1] += "; " + p
        out[col] = [tuple(x) for x in pairs]
    return out


def shown(q, df):
    """Whether each respondent was shown `q`, from its condition and the
    exported answers (a hidden question's cells are empty)."""
    c = q.get("shown_if")
    if not c:
        return pd.Series(True, index=df.index)
    ans = df[c["question"]]
    codes = ans.str.split(";")
    if c.get("answered"):
        return ans != ""
    if "is" in c:
        return codes.apply(lambda cs: any(x in c["is"] for x in cs))
    return (ans != "") & codes.apply(lambda cs: not any(x in c["is_not"] for x in cs))


# --- the recount -----------------------------------------------------------

def main():
    tmp = Path(tempfile.mkdtemp())
    data = tmp / "data"
    for ed in ["spam-2021", "spam-2022"]:
        run("demo", "--survey", ed, "--data", str(data), "--surveys", str(SURVEYS))
    report = tmp / "report.html"
    run("report", "--survey", "spam-2022", "--data", str(data), "--surveys", str(SURVEYS),
        "--out", str(report))
    frames = {}
    for ed in ["spam-2021", "spam-2022"]:
        out = tmp / f"{ed}.csv"
        run("export", "--survey", ed, "--raw", "--data", str(data), "--surveys", str(SURVEYS),
            "--out", str(out))
        frames[ed] = pd.read_csv(out, dtype=str, keep_default_na=False)
    cb = tmp / "codebook.csv"
    run("export", "--survey", "spam-2022", "--kind", "codebook", "--data", str(data),
        "--surveys", str(SURVEYS), "--out", str(cb))
    labels = codebook_labels(cb)
    page = report.read_text()
    listed = pd.read_csv(SURVEYS / "members.csv", dtype=str, keep_default_na=False)

    everyone = frames["spam-2022"]
    now = everyone[everyone["member_status"] == "member"]
    assoc = everyone[everyone["member_status"] == "associate"]
    before_all = frames["spam-2021"]
    before = before_all[before_all["member_status"] == "member"]

    # Response, by sub-region; members apart from associates.
    n_members = (listed["status"] == "member").sum()
    expect("response", f"{len(now)} of {n_members} members responded" in page, True)
    m = re.search(r'id="fig-1".*?</figure>', page, re.S).group(0)
    rate = dict(rows_of(m))
    for region, g in listed.groupby("subregion"):
        mem = g[g["status"] == "member"]
        ass = g[g["status"] == "associate"]
        got = rate[region]
        r_now = now[now["subregion"] == region]
        expect(f"{region} members", got[0], str(len(mem)))
        expect(f"{region} responded", got[1], str(len(r_now)))
        expect(f"{region} rate", got[2], pct(len(r_now), len(mem)))
        expect(f"{region} 2021", got[3], str((before["subregion"] == region).sum()))
        a = (assoc["subregion"] == region).sum()
        expect(f"{region} associates", got[4], f"{a} of {len(ass)}" if len(ass) else "–")
    both = now["member"].isin(before["member"]).sum()
    expect("shared", f"{both} also responded in 2021" in page, True)

    prev_q = {q["id"]: q for q in definition("spam-2021")}
    for q in definition("spam-2022"):
        qid, kind = q["id"], q["type"]
        art = article(page, qid)
        sh = shown(q, now)
        cols = [c for c in now.columns if c == qid or c.startswith(qid + "_")]
        cells = [c for c in cols if not c.endswith("_text") and not re.search(r"_(other|[a-z_]+)_text$", c)]
        if kind in ("single", "yesno", "yesno_dk", "scale", "multi"):
            ans = now[qid]
            answered = (ans != "").sum()
            base = re.search(r'<p class="base">Base: (\d+) members? shown the question; (\d+) answered', art)
            expect(f"{qid} shown", int(base.group(1)), int(sh.sum()))
            expect(f"{qid} answered", int(base.group(2)), int(answered))
            first = figure(page, qid, "per answer") or figure(page, qid, "distribution")
            codes = labels[qid]
            for code, label in codes:
                n = ans.str.split(";").apply(lambda cs: code in cs).sum()
                row_label = label
                if kind == "scale":
                    row_label = next(k for k in first if k == code or k.startswith(f"{code} – "))
                got = first[row_label]
                expect(f"{qid} {code} count", got[0], str(n))
                expect(f"{qid} {code} %", got[1], pct(n, answered))
                a = assoc[qid].str.split(";").apply(lambda cs: code in cs).sum()
                expect(f"{qid} {code} associates", got[2], str(a))
            expect(f"{qid} no answer", first["No answer"][0], str(int(sh.sum() - answered)))
            expect(f"{qid} answered row", first["Answered"][0], str(answered))
            if kind == "scale":
                vals = pd.to_numeric(ans[ans != ""])
                expect(f"{qid} mean", first["Mean"][0], f"{vals.mean():.1f}" if len(vals) else "–")
            # By sub-region.
            by = figure(page, qid, "by sub-region")
            if by is not None:
                for code, label in codes:
                    row_label = label if kind != "scale" else next(
                        k for k in by if k == code or k.startswith(f"{code} – "))
                    got = by[row_label]
                    regions = [r for r in ["South Asia", "South-East Asia", "East Asia", "Pacific"]
                               if (now[now["subregion"] == r][qid] != "").sum() > 0]
                    for i, r in enumerate(regions):
                        a = now[(now["subregion"] == r) & (now[qid] != "")]
                        n = a[qid].str.split(";").apply(lambda cs: code in cs).sum()
                        expect(f"{qid} {code} {r}", got[i], pct(n, len(a)))
            # Beside 2021.
            pq = prev_q.get(qid)
            cmp = figure(page, qid, "beside 2021")
            if pq is not None and pq["type"] == kind and cmp is not None:
                pans = before[qid] if qid in before.columns else pd.Series(dtype=str)
                p_answered = (pans != "").sum()
                for code, label in codes:
                    row_label = label if kind != "scale" else next(
                        k for k in cmp if k == code or k.startswith(f"{code} – "))
                    if row_label not in cmp:
                        continue
                    got = cmp[row_label]
                    n = ans.str.split(";").apply(lambda cs: code in cs).sum()
                    pn = pans.str.split(";").apply(lambda cs: code in cs).sum()
                    if got[0] != "not asked":
                        expect(f"{qid} {code} 2021", got[0], f"{pct(pn, p_answered)} ({pn})")
                    expect(f"{qid} {code} 2022", got[1], f"{pct(n, answered)} ({n})")
                    if got[0] != "not asked" and answered and p_answered:
                        expect(f"{qid} {code} change", got[2],
                               change(100 * n / answered, 100 * pn / p_answered))
        elif kind == "matrix_choice":
            table = figure(page, qid, "shown each row")
            codes = [c for c, _ in labels[f"{qid}_{q['rows'][0]['code']}"]]
            for r in q["rows"]:
                col = f"{qid}_{r['code']}"
                rows_base = now[sh]
                if q.get("rows_picked_in"):
                    rows_base = rows_base[rows_base[q["rows_picked_in"]].str.split(";").apply(
                        lambda cs: r["code"] in cs)]
                b = len(rows_base)
                got = table[r["label"]]
                expect(f"{col} base", got[0].rstrip("\u2020"), str(b))
                rated = 0
                for k, c in enumerate(codes):
                    n = (rows_base[col] == c).sum()
                    rated += n
                    expect(f"{col} {c}", got[1 + k], share_cell(n, b))
                expect(f"{col} no answer", got[1 + len(codes)], share_cell(b - rated, b))
                if all(c.isdigit() for c in codes):
                    v = pd.to_numeric(rows_base[col][rows_base[col] != ""])
                    expect(f"{col} mean", got[2 + len(codes)], f"{v.mean():.1f}" if len(v) else "–")
        elif kind in ("number", "number_per_year", "matrix_number"):
            table = figure(page, qid, "by member")
            keys = [c for c in cells if c != qid or kind == "number"]
            answered = now[(now[keys] != "").any(axis=1)]
            for _, r in answered.iterrows():
                got = table[r["member_name"]]
                want = []
                for k in keys:
                    v = r[k]
                    want.append("–" if v == "" else ("unknown" if v == "unknown" else f"{int(v):,}"))
                expect(f"{qid} {r['member']}", got, want)
            for i, k in enumerate(keys):
                v = pd.to_numeric(now[k][(now[k] != "") & (now[k] != "unknown")])
                expect(f"{k} giving", table["Members giving a figure"][i], str(len(v)))
                expect(f"{k} median", table["Median"][i], num(v.median()) if len(v) else "–")
                expect(f"{k} range", table["Range"][i],
                       f"{int(v.min()):,} – {int(v.max()):,}" if len(v) else "–")
        elif kind == "rank":
            table = figure(page, qid, "points per option")
            top = q["top"]
            for code, label in labels[f"{qid}_1"]:
                places = [(now[f"{qid}_{p}"] == code).sum() for p in range(1, top + 1)]
                points = sum(n * (top + 1 - p) for p, n in enumerate(places, 1))
                got = table[label]
                expect(f"{qid} {code} points", got[0], str(points))
                expect(f"{qid} {code} places", got[1:1 + top], [str(n) for n in places])
    # The key findings count the members too.
    findings = re.search(r'<ul class="findings">(.*?)</ul>', page, re.S).group(1)
    for qid, code in [("B1", "dedicated_law"), ("D1", "yes"), ("F5", "yes")]:
        ans = now[qid]
        answered = (ans != "").sum()
        n = (ans == code).sum()
        small = "; base under 10" if answered < 10 else ""
        expect(f"finding {qid}", f"{n} of the {answered} members that answered ({pct(n, answered)}{small})"
               in htmlmod.unescape(findings), True)
    print(f"recount: {checked} figures of the demo report match the members-only recount from the exports")


if __name__ == "__main__":
    main()
