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
revenue = sum(Decimal(str(r[col["Revenue"]])).quantize(Decimal(1).scaleb(-rep["decimals"])) for r in rows[1:])
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

# --- reconciliation: one figure, one value; every total is the sum of its rows
q = Decimal(1).scaleb(-rep["decimals"])


def dec(v):
    """A money cell or JSON number as an exact decimal at the ledger's decimals; None for n/a."""
    if v is None or v == "":
        return None
    return Decimal(str(v)).quantize(q)


money_cols = {  # JSON key -> Segments sheet header
    "revenue": "Revenue", "cogs": "COGS", "gross_margin": "Gross margin", "cost_to_serve": "Cost to serve",
    "profit": "Profit (CM)", "total_clv": "Σ CLV", "open_ar": "Open AR (gross)",
    "unapplied_credits": "Unapplied credits", "net_ar": "Net AR", "ecl": "ECL",
}
seg_head = {h: i for i, h in enumerate(seg[0])}
sheet_rows = {}
for r in seg[1:]:
    sheet_rows.setdefault(r[0], []).append(r)
for s in rep["schemes"]:
    rows_ = sheet_rows.get(s["title"], [])
    body = [r for r in rows_ if r[1] != "Total"]
    total = [r for r in rows_ if r[1] == "Total"]
    if len(total) != 1:
        problems.append(f"{s['title']}: {len(total)} total rows on the Segments sheet")
        continue
    total = total[0]
    jtotal = [r for r in s["segments"] if r["segment"] == "Total"][0]
    for key, head_ in money_cols.items():
        cells = [dec(r[seg_head[head_]]) for r in body]
        t = dec(total[seg_head[head_]])
        if t is None:  # n/a for the ledger: empty in every row, null in JSON
            if any(c is not None for c in cells) or any(r[key] is not None for r in s["segments"]):
                problems.append(f"{s['title']}/{head_}: total n/a but some rows have a value")
            continue
        if sum(c for c in cells if c is not None) != t:
            problems.append(f"{s['title']}/{head_}: rows sum to {sum(c for c in cells if c is not None)}, total row {t}")
        if dec(jtotal[key]) != t:
            problems.append(f"{s['title']}/{head_}: sheet total {t}, JSON {jtotal[key]}")
    if sum(r[seg_head["Customers"]] for r in body) != total[seg_head["Customers"]] or total[seg_head["Customers"]] != rep["customers"]:
        problems.append(f"{s['title']}: customers do not add up")

# the Customers sheet, grouped by each scheme's segment column, gives the Segments rows
cust_cols = {"revenue": "Revenue", "profit": "Profit (CM)", "total_clv": "CLV", "open_ar": "Open AR (gross)",
             "unapplied_credits": "Unapplied credits", "net_ar": "Net AR", "ecl": "ECL"}
for s in rep["schemes"]:
    segcol = col.get("Segment: " + s["title"])
    if segcol is None:
        problems.append(f"Customers sheet has no column for {s['title']}")
        continue
    sums = {}
    for r in rows[1:]:
        g = sums.setdefault(r[segcol], {"customers": 0})
        g["customers"] += 1
        for key, head_ in cust_cols.items():
            if head_ in col and r[col[head_]] is not None:
                g[key] = g.get(key, Decimal(0)) + dec(r[col[head_]])
    for row in s["segments"]:
        if row["segment"] == "Total" or row["customers"] == 0:
            continue
        g = sums.get(row["segment"], {})
        if g.get("customers") != row["customers"]:
            problems.append(f"{s['title']}/{row['segment']}: {g.get('customers')} customer rows, report {row['customers']}")
        for key, head_ in cust_cols.items():
            if row[key] is None:
                if head_ in col:
                    problems.append(f"Customers sheet has {head_} although the report says n/a")
                continue
            if g.get(key, Decimal(0)) != dec(row[key]):
                problems.append(f"{s['title']}/{row['segment']}/{key}: customers sum to {g.get(key)}, report {row[key]}")

# the Summary sheet shows the report's headline figures
summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=3, values_only=True) if r[0]}
head = rep["headline"]
for label, key in [("Revenue", "revenue"), ("Profit (contribution margin)", "profit"), ("Total CLV", "total_clv"),
                   ("Open invoices (gross receivables)", "open_ar"), ("Unapplied credits", "unapplied_credits"),
                   ("Net receivables", "net_ar"), ("Expected credit loss", "ecl")]:
    if dec(summary.get(label)) != dec(head[key]):
        problems.append(f"Summary {label}: {summary.get(label)!r}, report {head[key]!r}")
pyr = [s for s in rep["schemes"] if s["key"] == "pyramid"][0]
ptotal = [r for r in pyr["segments"] if r["segment"] == "Total"][0]
for key in ["revenue", "profit", "total_clv", "open_ar", "unapplied_credits", "net_ar", "ecl"]:
    if dec(ptotal[key]) != dec(head[key]):
        problems.append(f"headline {key} {head[key]}, pyramid total {ptotal[key]}")
risk = rep["risk"]
if risk["available"]:
    aging = {r[0]: r[1] for r in wb["Risk"].iter_rows(min_row=4, max_col=2, values_only=True) if r[0]}
    for label, key in [("Open invoices (gross)", "total_ar"), ("Unapplied credits", "unapplied_credits"), ("Net receivables", "net_ar")]:
        if dec(aging.get(label)) != dec(risk[key]) or dec(risk[key]) != dec(head[{"total_ar": "open_ar"}.get(key, key)]):
            problems.append(f"Risk sheet {label} {aging.get(label)}, report risk {risk[key]}, headline")
    if sum(dec(b["balance"]) for b in risk["buckets"]) != dec(risk["total_ar"]):
        problems.append("aging buckets do not sum to the open invoices")
elif any(head[k] is not None for k in ["open_ar", "net_ar", "ecl"]):
    problems.append("receivables shown without payment data")
if head["profit_basis"] == "unavailable" and any(head[k] is not None for k in ["profit", "loss_customers", "profit_destroyed", "whale_peak"]):
    problems.append("profit figures shown without a cost basis")

if problems:
    print(f"export check FAILED ({xlsx}):")
    for p in problems:
        print("  -", p)
    sys.exit(1)
print(f"export check passed ({xlsx}): {len(ids)} customers, revenue {revenue}, {len(rep['schemes'])} schemes reconciled, {len(params)} parameters")
