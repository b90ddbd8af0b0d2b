#!/usr/bin/env python3
"""Independent check of an export: open it with openpyxl (not excelize) and
compare with the JSON report of the same analysis.

usage: check_export.py EXPORT.xlsx REPORT.json
"""
import json
import sys
from decimal import Decimal

import openpyxl

xlsx, report = sys.argv[1], sys.argv[2]
rep = json.load(open(report, encoding="utf-8"))
wb = openpyxl.load_workbook(xlsx)
problems = []

want = ["Summary", "Segments", "Customers", "Profitability", "Risk", "Parameters", "Data quality"]
if wb.sheetnames != want:
    problems.append(f"sheets {wb.sheetnames}, want {want}")

ws = wb["Customers"]
rows = list(ws.iter_rows(values_only=True))
head = rows[0]
col = {h: i for i, h in enumerate(head)}
if len(rows) - 1 != rep["customers"]:
    problems.append(f"{len(rows) - 1} customer rows, report has {rep['customers']}")
ids = [r[col["Customer ID"]] for r in rows[1:]]
if len(set(ids)) != len(ids):
    problems.append("a customer appears more than once")
revenue = sum(Decimal(str(r[col["Revenue"]])).quantize(Decimal("0.01")) for r in rows[1:])
if revenue != Decimal(str(rep["headline"]["revenue"])):
    problems.append(f"revenue column sums to {revenue}, report says {rep['headline']['revenue']}")
if ws.freeze_panes != "A2":
    problems.append(f"Customers freeze panes {ws.freeze_panes}")
if not ws.auto_filter.ref:
    problems.append("Customers has no autofilter")
if ws.cell(row=2, column=col["Revenue"] + 1).data_type != "n":
    problems.append("revenue is not stored as a number")
if ws.cell(row=2, column=col["First date"] + 1).data_type != "d" and not ws.cell(row=2, column=col["First date"] + 1).is_date:
    problems.append("first date is not a date")
if not ws.cell(row=1, column=1).font.b:
    problems.append("header is not bold")

# every scheme of the report has its segments on the Segments sheet, with the same counts
seg = list(wb["Segments"].iter_rows(values_only=True))
counts = {}
for r in seg[1:]:
    counts[(r[0], r[1])] = r[2]
for s in rep["schemes"]:
    for row in s["segments"]:
        if row["segment"] == "Total":
            continue
        if counts.get((s["title"], row["segment"])) != row["customers"]:
            problems.append(f"{s['title']}/{row['segment']}: sheet {counts.get((s['title'], row['segment']))}, report {row['customers']}")

params = {r[0]: r[1] for r in wb["Parameters"].iter_rows(min_row=2, values_only=True)}
for k, v in rep["parameters"].items():
    if str(params.get(k) or "") != v:
        problems.append(f"parameter {k}: sheet {params.get(k)!r}, report {v!r}")

if problems:
    print("export check FAILED:")
    for p in problems:
        print("  -", p)
    sys.exit(1)
print(f"export check passed: {len(ids)} customers, revenue {revenue}, {len(rep['schemes'])} schemes, {len(params)} parameters")
