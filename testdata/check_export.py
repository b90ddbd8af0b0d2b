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

want = ["Summary", "Segments", "Customers", "Profitability", "Risk", "Credit risk", "Write-offs", "Churn risk", "Model validation", "Parameters", "Data quality"]
co = rep.get("cohorts")
if co and co["labels"]:
    # the cohort triangles: sizes add up to the customers with a purchase,
    # each block's cells are the report's, each shaded by a colour scale
    want = want[:8] + ["Cohorts"] + want[8:]
    grid = list(wb["Cohorts"].iter_rows(values_only=True))
    n = len(co["labels"])
    starts = [i for i, r in enumerate(grid) if r and r[0] == "Cohort"]
    if len(starts) != 4:
        problems.append(f"Cohorts: {len(starts)} triangles, want 4")
    else:
        sizes = [grid[starts[0] + 1 + i][1] for i in range(n)]
        if sizes != co["size"] or sum(sizes) + co["customers_without_purchase"] != rep["customers"]:
            problems.append(f"Cohorts: sizes {sizes} (+{co['customers_without_purchase']} without purchase), report {co['size']}, {rep['customers']} customers")
        for b, key in zip(starts, ["retention", "active", "revenue", "cumulative_revenue_per_customer"]):
            for i in range(n):
                cells = grid[b + 1 + i][2:2 + n - i]
                want_cells = co[key][i]
                for k, (v, j) in enumerate(zip(cells, want_cells)):
                    if (v is None) != (j is None) or (j is not None and abs(Decimal(str(v)) - Decimal(str(j))) > Decimal("0.000001")):
                        problems.append(f"Cohorts {key} {co['labels'][i]} period {k}: sheet {v}, report {j}")
                        break
        scales = [r for cf in wb["Cohorts"].conditional_formatting for r in cf.rules if r.type == "colorScale"]
        if len(scales) != 4:
            problems.append(f"Cohorts: {len(scales)} colour scales, want 4")
if "Compare" in wb.sheetnames:
    # then vs now or another scenario: each scheme's block of the Compare
    # sheet has the report's segments, then and now; its migration matrix
    # counts the customers present in both
    want = want[:2] + ["Compare"] + want[2:]
    cmp = rep.get("compare")
    if not cmp:
        problems.append("Compare sheet without a compare object in the report")
    else:
        grid = list(wb["Compare"].iter_rows(values_only=True))
        titles = {r[0]: i for i, r in enumerate(grid) if r and r[0] and i + 1 < len(grid) and grid[i + 1][0] == "Segment"}
        checked = 0
        for sc in cmp["schemes"]:
            if sc["title"] not in titles:
                continue
            i = titles[sc["title"]] + 2
            segs = [d for d in sc["segments"] if d["base"]["customers"] or d["now"]["customers"]]
            for d, r in zip(segs, grid[i:i + len(segs)]):
                if r[0] != d["segment"] or r[1] != d["base"]["customers"] or r[2] != d["now"]["customers"] or \
                        Decimal(str(r[5])) != Decimal(str(d["now"]["revenue"])):
                    problems.append(f"Compare {sc['key']} {d['segment']}: sheet {r[:6]}, report {d}")
            j = i + len(segs)
            while j < len(grid) and not (grid[j][0] or "").startswith("Migration"):
                j += 1
            body = []
            k = j + 2
            while k < len(grid) and grid[k][0] is not None:
                body.append(grid[k])
                k += 1
            counted = sum(v for r in body for v in r[1:] if isinstance(v, int))
            want_n = sum(sum(r) for r in sc["migration"]["counts"])
            if counted != want_n:
                problems.append(f"Compare {sc['key']}: migration matrix counts {counted}, report {want_n}")
            checked += 1
        if checked == 0:
            problems.append("Compare: no scheme block found")
        if cmp["kind"] == "period" and cmp["customers_gained"] + cmp["customers_kept"] + cmp["customers_lost"] != rep["customers"]:
            problems.append("Compare: gained + kept + lost is not the customers now")
if "Cross-tab" in wb.sheetnames:
    # two schemes crossed: in each figure's matrix every row's total is the sum
    # of its cells, the Total row the sum of the rows; customers and revenue
    # add up to the whole ledger
    want = want[:2] + ["Cross-tab"] + want[2:]
    grid = list(wb["Cross-tab"].iter_rows(values_only=True))
    blocks = {}
    i = 0
    while i < len(grid):
        row = grid[i]
        if row and isinstance(row[0], str) and i + 1 < len(grid) and isinstance(grid[i + 1][0], str) and " \\ " in grid[i + 1][0]:
            body = []
            j = i + 2
            while j < len(grid) and grid[j][0] is not None:
                body.append(grid[j])
                j += 1
            blocks[row[0]] = body
            i = j
        else:
            i += 1
    scales = [r for cf in wb["Cross-tab"].conditional_formatting for r in cf.rules if r.type == "colorScale"]
    if len(scales) < 2:
        problems.append(f"Cross-tab: {len(scales)} colour scales, want one per figure")
    if set(blocks) < {"Customers", "Revenue"}:
        problems.append(f"Cross-tab blocks {sorted(blocks)}")
    for name, body in blocks.items():
        width = len([c for c in grid[0]]) if grid else 0
        cells = [[Decimal(str(v or 0)) for v in r[1:]] for r in body]
        for r, raw in zip(cells, body):
            if sum(r[:-1]) != r[-1]:
                problems.append(f"Cross-tab {name}, row {raw[0]}: cells add to {sum(r[:-1])}, total {r[-1]}")
        cols = [sum(r[k] for r in cells[:-1]) for k in range(len(cells[-1]))]
        if cols != cells[-1]:
            problems.append(f"Cross-tab {name}: the Total row is not the sum of the rows")
    if "Customers" in blocks and int(blocks["Customers"][-1][-1]) != rep["customers"]:
        problems.append(f"Cross-tab customers {blocks['Customers'][-1][-1]}, want {rep['customers']}")
    if "Revenue" in blocks and Decimal(str(blocks["Revenue"][-1][-1])) != Decimal(str(rep["headline"]["revenue"])):
        problems.append(f"Cross-tab revenue {blocks['Revenue'][-1][-1]}, want {rep['headline']['revenue']}")
mk = rep.get("marketing")
if mk and (mk["total"].get("spend") is not None or mk["budget"] is not None):
    # the marketing budget: the sheet's rows are the report's segments, its
    # total row their sum, the allocation the whole budget
    want = want[:2] + ["Budget"] + want[2:]
    grid = [r for r in wb["Budget"].iter_rows(values_only=True)]
    head = list(grid[2])
    body = [r for r in grid[3:3 + len(mk["segments"]) + 1]]
    keys = {"Segment": "segment", "Customers": "customers", "Spend": "spend", "CM": "contribution_margin",
            "CLV": "total_clv", "Min": "min", "Max": "max", "Allocation": "allocation"}
    for r, js in zip(body, mk["segments"] + [mk["total"]]):
        for h, k in keys.items():
            if h not in head:
                continue
            v, j = r[head.index(h)], js.get(k)
            if (v is None) != (j is None) or (j is not None and str(v) != str(j) and Decimal(str(v)) != Decimal(str(j))):
                problems.append(f"Budget {js['segment']} {h}: sheet {v}, report {j}")
    for h in ("Customers", "Spend", "CM", "CLV", "Allocation"):
        if h in head:
            k = head.index(h)
            vals = [Decimal(str(r[k])) for r in body[:-1] if r[k] is not None]
            if vals and sum(vals) != Decimal(str(body[-1][k])):
                problems.append(f"Budget {h}: rows add to {sum(vals)}, total {body[-1][k]}")
    if mk["budget"] is not None and "Allocation" in head and Decimal(str(body[-1][head.index("Allocation")])) > Decimal(str(mk["budget"])):
        problems.append("Budget: more allocated than the budget")
if wb.sheetnames != want:
    problems.append(f"sheets {wb.sheetnames}, want {want}")

# every sheet prints landscape, one page wide (the Summary on one page), list
# sheets repeat their header row; one explicit font
lists = ["Customers", "Profitability", "Credit risk", "Write-offs", "Churn risk", "Parameters", "Data quality"]
for ws in wb.worksheets:
    ps = ws.page_setup
    fit = ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage
    if ps.orientation != "landscape" or str(ps.fitToWidth) != "1" or not fit:
        problems.append(f"{ws.title}: orientation {ps.orientation}, fit to width {ps.fitToWidth}, fit {fit}")
    if ws.title == "Summary" and str(ps.fitToHeight) != "1":
        problems.append("Summary is not fitted to one page")
    if ws.title in lists and rep["customers"] > 0:
        if ws.print_title_rows != "$1:$1" and ws.max_row > 1:
            problems.append(f"{ws.title}: header row not repeated on printed pages ({ws.print_title_rows})")
        if ws.max_row > 1 and (ws.freeze_panes != "A2" or not ws.auto_filter.ref):
            problems.append(f"{ws.title}: frozen {ws.freeze_panes}, filter {ws.auto_filter.ref}")
    if ws.max_row >= 1 and ws.cell(row=1, column=1).value is not None and ws.cell(row=1, column=1).font.name != "Calibri":
        problems.append(f"{ws.title}: font {ws.cell(row=1, column=1).font.name}")
    if not (ws.oddFooter and ws.oddFooter.center and "&A" in (ws.oddFooter.center.text or "")) and not (ws.oddFooter and "&P" in str(ws.oddFooter.right.text or "")):
        problems.append(f"{ws.title}: no page footer")

# charts: one per scheme (columns, thousands separators), the whale curve as
# an XY scatter in per cent with titled axes, the aging as columns
segcharts = wb["Segments"]._charts
if len(segcharts) != len(rep["schemes"]) or any(type(c).__name__ != "BarChart" for c in segcharts):
    problems.append(f"Segments charts: {[type(c).__name__ for c in segcharts]}")
for c in segcharts:
    if not c.y_axis.numFmt or c.y_axis.numFmt.formatCode != "#,##0":
        problems.append("a Segments chart's axis has no thousands separators")
if rep["headline"]["profit_basis"] != "unavailable":
    wc = wb["Profitability"]._charts
    if len(wc) != 1 or type(wc[0]).__name__ != "ScatterChart" or not wc[0].x_axis.title or not wc[0].y_axis.title \
            or wc[0].x_axis.numFmt.formatCode != "0%":
        problems.append("the whale curve is not an XY chart in per cent with titled axes")
    prof = list(wb["Profitability"].iter_rows(min_row=2, max_col=2, values_only=True))
    if len(prof) != rep["customers"] or [r[0] for r in prof] != list(range(1, rep["customers"] + 1)):
        problems.append(f"Profitability lists {len(prof)} rows, {rep['customers']} customers (ranks 1..N)")
if rep["model"]["enabled"]:
    # a customer-level ledger has no purchase dates: no tracking chart, said in the sheet
    no_track = any(isinstance(c, str) and c.startswith("Cumulative repeat purchases: n/a")
                   for row in wb["Model validation"].iter_rows(max_col=1, values_only=True) for c in row)
    want = 1 if no_track else 2
    if len(wb["Model validation"]._charts) < want:
        problems.append(f"Model validation charts: {len(wb['Model validation']._charts)}, want the histogram" + ("" if no_track else " and the tracking chart"))
if rep["risk"]["available"] and not wb["Risk"]._charts:
    problems.append("no aging chart")

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

# every scheme of the report has its non-empty segments on the Segments
# sheet (one block per scheme: title, header, rows, total), with the same counts
seg = [r for r in wb["Segments"].iter_rows(values_only=True) if r[1] is not None]
seg_header = next(r for r in seg if r[0] == "Scheme")
seg = [seg_header] + [r for r in seg if r[0] != "Scheme"]
counts = {}
for r in seg[1:]:
    counts[(r[0], r[1])] = r[2]
for s in rep["schemes"]:
    for row in s["segments"]:
        if row["segment"] == "Total" or row["customers"] == 0:
            if row["customers"] == 0 and (s["title"], row["segment"]) in counts:
                problems.append(f"{s['title']}/{row['segment']}: an empty segment is listed")
            continue
        if counts.get((s["title"], row["segment"])) != row["customers"]:
            problems.append(f"{s['title']}/{row['segment']}: sheet {counts.get((s['title'], row['segment']))}, report {row['customers']}")

params = {r[0]: r[1] for r in wb["Parameters"].iter_rows(min_row=2, values_only=True)}
for k, v in rep["parameters"].items():
    got = params.get(k)
    if isinstance(got, (int, float)):
        if float(v) != float(got):
            problems.append(f"parameter {k}: sheet {got!r}, report {v!r}")
        continue
    try:
        float(v)
        if "," not in v and v not in ("", "true", "false"):
            problems.append(f"parameter {k} = {v} stored as text")
    except ValueError:
        pass
    if str(got or "") != v:
        problems.append(f"parameter {k}: sheet {got!r}, report {v!r}")
dq = list(wb["Data quality"].iter_rows(min_row=2, values_only=True))
if not dq or (rep.get("customers") and all(r[5] is None for r in dq)):
    problems.append("the Data quality sheet is a bare header")

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

# expected purchases (a model figure, not money): the segments add up to the
# total, the sheet shows the report's value, and the Customers sheet's
# predictions, grouped by segment, give each segment's figure
for s in rep["schemes"]:
    rows_ = sheet_rows.get(s["title"], [])
    body = [r for r in rows_ if r[1] != "Total"]
    total = [r for r in rows_ if r[1] == "Total"][0]
    jtotal = [r for r in s["segments"] if r["segment"] == "Total"][0]
    h = seg_head.get("Exp. purchases")
    if h is None or jtotal["exp_purchases"] is None:
        if h is not None and total[h] is not None:
            problems.append(f"{s['title']}: expected purchases on the sheet but null in JSON")
        continue
    if abs(sum(r[h] or 0 for r in body) - total[h]) > 1e-6 * max(1, abs(total[h])):
        problems.append(f"{s['title']}: expected purchases rows sum to {sum(r[h] or 0 for r in body)}, total {total[h]}")
    if abs(float(jtotal["exp_purchases"]) - total[h]) > 1e-6 * max(1, abs(total[h])):
        problems.append(f"{s['title']}: expected purchases sheet {total[h]}, JSON {jtotal['exp_purchases']}")
    pm = seg_head.get("Exp. purchases ± 90 %")
    if pm is None or (jtotal["exp_purchases_pm"] is not None and not total[pm] > 0):
        problems.append(f"{s['title']}: expected purchases interval missing")
    segcol = col.get("Segment: " + s["title"])
    if segcol is not None and "Expected purchases" in col:
        per = {}
        for r in rows[1:]:
            per[r[segcol]] = per.get(r[segcol], 0.0) + (r[col["Expected purchases"]] or 0.0)
        for row in s["segments"]:
            if row["segment"] != "Total" and row["customers"] > 0 and abs(per.get(row["segment"], 0.0) - float(row["exp_purchases"])) > 1e-5 * max(1, float(row["exp_purchases"])):
                problems.append(f"{s['title']}/{row['segment']}: customers' expected purchases sum to {per.get(row['segment'])}, report {row['exp_purchases']}")

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
