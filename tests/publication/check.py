#!/usr/bin/env python3
"""Reads every public file of a published demo edition back with the tools
analysts use: pandas for the CSV files, openpyxl for the workbook, and the
Frictionless reference validator for the data package.

Makes demo data of spam-2021 and spam-2022 with the real binary, closes
spam-2022 and publishes both (`spam-survey close`, `spam-survey publish`),
starts `spam-survey serve` on a free port, and as an anonymous visitor
downloads everything the home page and the edition pages link. Fails on
the first problem: a file pandas or openpyxl cannot read as it should, a
package `frictionless validate` does not call valid, a contact person's
name or e-mail address in any public byte.

Usage: python3 tests/publication/check.py [path/to/spam-survey]
"""

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SURVEYS = ROOT / "surveys"
BIN = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "target" / "debug" / "spam-survey")


def run(*args):
    done = subprocess.run([BIN, *args, "--surveys", str(SURVEYS)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"FAIL: spam-survey {' '.join(args)}: {done.stderr}")
    return done.stdout


def fetch(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        if r.status != 200:
            sys.exit(f"FAIL: {path} answered {r.status}")
        return r.read(), r.headers.get("Content-Type", "")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        data = str(Path(tmp) / "data")
        for edition in ("spam-2021", "spam-2022"):
            run("demo", "--survey", edition, "--data", data)
        run("close", "--survey", "spam-2022", "--data", data)
        for edition in ("spam-2021", "spam-2022"):
            run("publish", "--survey", edition, "--data", data)
        # The contact persons: what must be nowhere public.
        everything = run("export", "--survey", "spam-2022", "--kind", "responses", "--raw", "--data", data)
        rows = list(csv.DictReader(io.StringIO(everything)))
        secrets = {v for r in rows for k, v in r.items() if k.startswith("P3_") and v}
        if not any("@" in s for s in secrets):
            sys.exit("FAIL: the demo data has no contact e-mail to look for")

        server = subprocess.Popen(
            [BIN, "serve", "--addr", "127.0.0.1:0", "--data", data, "--surveys", str(SURVEYS)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={"SPAM_SURVEY_ADMIN_PASSWORD": "a check script's secretariat passphrase", "PATH": "/usr/bin:/bin"},
        )
        try:
            base = None
            for line in server.stdout:
                if line.startswith("spam-survey is listening on "):
                    base = line.split("on ", 1)[1].strip()
                    break
            if not base:
                sys.exit("FAIL: the server did not start")
            check(base, secrets, Path(tmp))
        finally:
            server.terminate()
            server.wait(timeout=10)


def check(base, secrets, tmp):
    seen = {}
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen or path.startswith(("/admin", "/r/", "/static")):
            continue
        body, kind = fetch(base, path)
        seen[path] = body
        if kind.startswith("text/html"):
            queue += [l.replace("&amp;", "&") for l in re.findall(r'href="(/[^"/][^"]*)"', body.decode())]
    home = seen["/"].decode()
    if 'href="/data/spam-2022"' not in home:
        sys.exit("FAIL: the home page does not list spam-2022")

    public = dict(seen)
    for path, body in seen.items():
        if path.endswith((".zip", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(body)) as z:
                for name in z.namelist():
                    public[f"{path}!{name}"] = z.read(name)
                    if name.endswith(".xlsx"):
                        with zipfile.ZipFile(io.BytesIO(z.read(name))) as inner:
                            for n in inner.namelist():
                                public[f"{path}!{name}!{n}"] = inner.read(n)
    for path, body in public.items():
        text = body.decode("utf-8", "replace")
        for s in secrets:
            if s in text or s.replace("'", "&#39;") in text:
                sys.exit(f"FAIL: {path} holds the contact person's {s!r}")

    prefix = "/data/spam-2022/v1/"
    manifest = json.loads(seen[prefix + "manifest.json"])
    n = manifest["respondents"]
    for name in ("spam-2022-responses.csv", "spam-2022-responses-labels.csv"):
        df = pd.read_csv(io.BytesIO(seen[prefix + name]), keep_default_na=False, na_values=[""])
        if len(df) != n or any(c.startswith("P3") for c in df.columns):
            sys.exit(f"FAIL: {name}: {len(df)} rows of {n}, columns {list(df.columns)[:12]}")
        if not pd.api.types.is_numeric_dtype(df["A1"]):
            sys.exit(f"FAIL: {name}: the scale A1 is not read as numbers")
    long = pd.read_csv(io.BytesIO(seen[prefix + "spam-2022-long.csv"]), dtype=str, keep_default_na=False)
    if list(long.columns) != ["member", "question", "column", "cell", "value", "label"] or (long["question"] == "P3").any():
        sys.exit("FAIL: the long file")
    codebook = pd.read_csv(io.BytesIO(seen[prefix + "spam-2022-codebook.csv"]), dtype=str, keep_default_na=False)
    if codebook["column"].str.startswith("P3").any():
        sys.exit("FAIL: the codebook describes the private P3")
    series = pd.read_csv(io.BytesIO(seen["/data/spam-2022/series-long.csv"]), dtype=str, keep_default_na=False)
    if set(series["edition"]) != {"spam-2021", "spam-2022"}:
        sys.exit(f"FAIL: the series file has {set(series['edition'])}")

    book = openpyxl.load_workbook(io.BytesIO(seen[prefix + "spam-2022.xlsx"]), read_only=True)
    if book.sheetnames != ["Responses", "Codebook", "About"]:
        sys.exit(f"FAIL: the workbook's sheets are {book.sheetnames}")
    sheet = book["Responses"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    if len(rows) != n + 1 or any(str(h).startswith("P3") for h in header):
        sys.exit("FAIL: the workbook's responses")
    a1 = header.index("A1")
    if not all(isinstance(r[a1], (int, float)) for r in rows[1:] if r[a1] is not None):
        sys.exit("FAIL: the workbook's scale points are not numbers")

    # LibreOffice, where it is installed: the workbook opens headless, with
    # no import dialog to answer, and gives its three sheets.
    soffice = shutil.which("soffice")
    if soffice:
        out = tmp / "libreoffice"
        out.mkdir()
        (out / "book.xlsx").write_bytes(seen[prefix + "spam-2022.xlsx"])
        subprocess.run(
            [soffice, "--headless", "--norestore", "--convert-to",
             "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
             "book.xlsx"], cwd=out, capture_output=True, timeout=180,
        )
        sheet = out / "book-Responses.csv"
        if not sheet.exists() or len(pd.read_csv(sheet)) != n:
            sys.exit("FAIL: LibreOffice did not read the workbook's responses")
        print("ok: LibreOffice opens the workbook headless, no dialog")
    else:
        print("note: LibreOffice (soffice) is not installed; the workbook was read by openpyxl only")

    # The package as an analyst downloads it, validated by the reference validator.
    folder = tmp / "package"
    folder.mkdir()
    for f in manifest["files"]:
        (folder / f["name"]).write_bytes(seen[prefix + f["name"]])
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=folder, capture_output=True, text=True,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"FAIL: frictionless said: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    if not report.get("valid"):
        sys.exit("FAIL: frictionless validate: " + json.dumps(report)[:3000])
    print(f"ok: {len(public)} public files and entries read, no contact person in any; "
          f"{n} respondents read by pandas and openpyxl; frictionless validate: valid")


if __name__ == "__main__":
    main()
