"""The baseline the report is measured against: what an analyst would do
with pandas and matplotlib. Reads the responses CSV, keeps each member's
latest submitted row, counts the answers of every choice question, draws one
SVG bar chart per choice question and writes one HTML file.

    python3 benches/baseline/report.py SURVEY.toml RESPONSES.csv OUT.html
"""
import html
import io
import sys
import tomllib

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def main(definition, responses, out):
    with open(definition, "rb") as f:
        survey = tomllib.load(f)
    lists = survey.get("lists", {})
    df = pd.read_csv(responses, dtype=str, keep_default_na=False)
    df = df[df["status"] == "submitted"].drop_duplicates("member", keep="last")
    parts = [f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>{html.escape(survey['title'])}</title>",
             f"<h1>{html.escape(survey['title'])}</h1><p>{len(df)} respondents</p>"]
    for section in survey["sections"]:
        parts.append(f"<h2>{html.escape(section['title'])}</h2>")
        for q in section["questions"]:
            kind = q["type"]
            if kind not in ("single", "multi", "yesno", "yesno_dk"):
                continue
            if kind in ("yesno", "yesno_dk"):
                options = [("yes", "Yes"), ("no", "No")] + ([("dk", "Don't know")] if kind == "yesno_dk" else [])
            else:
                raw = q.get("options") or lists[q["options_from"]]
                options = [(o["code"], o["label"]) for o in raw]
            col = df[q["id"]]
            if kind == "multi":
                picked = col[col != ""].str.split(";").explode()
                counts = picked.value_counts()
            else:
                counts = col[col != ""].value_counts()
            values = [int(counts.get(code, 0)) for code, _ in options]
            labels = [label for _, label in options]
            fig, ax = plt.subplots(figsize=(6, 0.3 * len(labels) + 1))
            ax.barh(labels, values)
            ax.invert_yaxis()
            buf = io.StringIO()
            fig.savefig(buf, format="svg", bbox_inches="tight")
            plt.close(fig)
            parts.append(f"<h3>{q['id']}. {html.escape(q['text'])}</h3>")
            parts.append(buf.getvalue().split("?>", 1)[-1])
            rows = "".join(f"<tr><td>{html.escape(l)}<td>{v}" for l, v in zip(labels, values))
            parts.append(f"<table>{rows}</table>")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts))


if __name__ == "__main__":
    main(*sys.argv[1:4])
