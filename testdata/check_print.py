#!/usr/bin/env python3
"""How an export prints: convert it to PDF with LibreOffice (headless), read
the pages' footers (source · as-of, the sheet's name, page numbers) and check
that the Summary is one page, that no sheet is wider than one page (every
page of a list sheet starts with the sheet's first header, which only a
one-page-wide print repeats), and that the page count stays within a bound:
the Summary's page, a page per scheme on Segments, the Risk page, and for
each list sheet ceil(rows / 25) + 1 pages (a landscape A4 page holds at
least 25 rows at 100 %; wide sheets are scaled down and hold more).

usage: check_print.py EXPORT.xlsx
"""
import math
import os
import re
import subprocess
import sys
import tempfile

import openpyxl

xlsx = os.path.abspath(sys.argv[1])
wb = openpyxl.load_workbook(xlsx)
first_header = {}
rows = {}
for ws in wb.worksheets:
    it = ws.iter_rows(values_only=True)
    head = next(it, None)
    first_header[ws.title] = head[0] if head else None
    rows[ws.title] = sum(1 for _ in it)
lists = ["Customers", "Profitability", "Credit risk", "Write-offs", "Churn risk", "Parameters", "Data quality"]
schemes = sum(1 for r in wb["Segments"].iter_rows(values_only=True) if r and r[0] == "Scheme")
squash = lambda t: re.sub(r"\s+", "", t or "")
by_squashed = {squash(n): n for n in wb.sheetnames}

with tempfile.TemporaryDirectory() as tmp:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", "pdf", "--outdir", tmp, xlsx],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    pdf = os.path.join(tmp, os.path.splitext(os.path.basename(xlsx))[0] + ".pdf")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True, capture_output=True, text=True).stdout

problems = []
pages = [p for p in text.split("\f") if p.strip()]
per_sheet = {}
for k, page in enumerate(pages, 1):
    # a scaled page's footer comes out of pdftotext with spaces inside words
    m = re.search(r"asof\d{4}-\d\d-\d\d(.+?)Page(\d+)of(\d+)", squash(page))
    if not m or m.group(1) not in by_squashed:
        problems.append(f"page {k} has no footer (source, sheet, page number)")
        continue
    sheet = by_squashed[m.group(1)]
    per_sheet.setdefault(sheet, []).append(page)
    if sheet in lists and first_header.get(sheet) and squash(first_header[sheet]) not in squash(page):
        problems.append(f"page {k} of {sheet} does not show the column {first_header[sheet]!r}: the sheet is wider than one page")

if len(per_sheet.get("Summary", [])) != 1:
    problems.append(f"Summary prints on {len(per_sheet.get('Summary', []))} pages, want 1")
bound = 1 + schemes + 2 + sum(math.ceil(rows[s] / 25) + 1 for s in lists + ["Model validation"] if s in rows)
if len(pages) > bound:
    problems.append(f"{len(pages)} pages, bound {bound}")
counts = ", ".join(f"{s} {len(p)}" for s, p in per_sheet.items())
if problems:
    print(f"print check FAILED ({xlsx}):")
    for p in problems:
        print("  -", p)
    sys.exit(1)
print(f"print check passed: {len(pages)} pages (bound {bound}): {counts}")
