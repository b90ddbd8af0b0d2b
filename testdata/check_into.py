#!/usr/bin/python3
"""export --into, read by an independent writer and reader (openpyxl).

  check_into.py make SRC.xlsx
      writes a workbook as an analyst keeps one: a transactions sheet with a
      merged title, number formats and formulas; a customer sheet with a styled
      header, data validation, a conditional format, column widths, frozen
      panes and a formula column; a chart sheet; a defined name; a sheet named
      like one of ours ("Summary").
  check_into.py check SRC.xlsx OUT.xlsx SHEET FIRSTCOL
      checks that every sheet of SRC is in OUT with every cell unchanged (value
      or formula, number format, font, fill), the same merged cells, data
      validations, conditional formats, widths, panes and defined names, and
      that the chart survived; then prints, as JSON, the header and cells of
      SHEET from column FIRSTCOL (1-based) on, by customer id.
"""
import datetime
import json
import sys
import zipfile

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation


def make(path):
    wb = openpyxl.Workbook()
    sales = wb.active
    sales.title = "Sales"
    sales["A1"] = "Sales ledger 2023-2024 (CNY)"
    sales["A1"].font = Font(bold=True, size=14)
    sales.merge_cells("A1:E1")
    sales.append([])
    sales.append(["Customer ID", "Invoice Date", "Amount", "Cost", "Margin"])
    row = 4
    start = datetime.date(2023, 1, 3)
    for k in range(60):
        cid = "C%03d" % (k % 12 + 1)
        if k == 17:
            cid = None  # a row without a customer id: rejected on load
        span = 700 if k % 12 < 7 else 150  # five customers stop buying early
        day = start + datetime.timedelta(days=(k * 37) % span)
        amount = 100 + (k * 7919) % 2400 + 0.25 * (k % 4)
        sales.append([cid, day, amount, round(amount * 0.6, 2)])
        sales.cell(row=row, column=5, value="=C%d-D%d" % (row, row))
        sales.cell(row=row, column=2).number_format = "yyyy-mm-dd"
        for c in (3, 4, 5):
            sales.cell(row=row, column=c).number_format = "#,##0.00"
        row += 1
    sales.column_dimensions["A"].width = 14
    sales.column_dimensions["B"].width = 13

    clients = wb.create_sheet("Clients")
    clients.append(["Customer ID", "Name", "Region", "Credit limit", "Limit band"])
    head = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E78")
    for c in range(1, 6):
        clients.cell(row=1, column=c).font = head
        clients.cell(row=1, column=c).fill = fill
    regions = ["East", "West", "North", "South"]
    for k in range(13):
        cid = "C%03d" % (k + 1)  # C013 never bought: not in the analysis
        r = k + 2
        clients.append([cid, "客户 %d" % (k + 1), regions[k % 4], 500 * (k + 1)])
        clients.cell(row=r, column=4).number_format = "#,##0"
        clients.cell(row=r, column=5, value='=IF(D%d>3000,"high","low")' % r)
    dv = DataValidation(type="list", formula1='"East,West,North,South"', allow_blank=True)
    clients.add_data_validation(dv)
    dv.add("C2:C14")
    clients.conditional_formatting.add(
        "D2:D14", CellIsRule(operator="greaterThan", formula=["4000"], fill=PatternFill("solid", fgColor="FFC7CE")))
    clients.column_dimensions["B"].width = 22
    clients.freeze_panes = "A2"

    charts = wb.create_sheet("Chart")
    charts["A1"] = "Credit limits by customer"
    chart = BarChart()
    chart.title = "Credit limits"
    chart.add_data(Reference(clients, min_col=4, min_row=1, max_row=14), titles_from_data=True)
    chart.set_categories(Reference(clients, min_col=1, min_row=2, max_row=14))
    charts.add_chart(chart, "A3")

    summary = wb.create_sheet("Summary")  # a name our workbook uses too
    summary["A1"] = "Total sales"
    summary["B1"] = "=SUM(Sales!C4:C63)"
    summary["B1"].number_format = "#,##0.00"

    dn = DefinedName("Limits", attr_text="Clients!$D$2:$D$14")
    if hasattr(wb.defined_names, "append"):  # openpyxl < 3.1
        wb.defined_names.append(dn)
    else:
        wb.defined_names["Limits"] = dn
    wb.save(path)


def cell_sig(c):
    return (c.value if not isinstance(c.value, datetime.datetime) else c.value.isoformat(),
            c.number_format, bool(c.font.b), c.font.color.rgb if c.font.color else None,
            c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None)


def check(src, out, sheet, first):
    a = openpyxl.load_workbook(src)
    b = openpyxl.load_workbook(out)
    bad = []
    for name in a.sheetnames:
        if name not in b.sheetnames:
            bad.append("sheet %s missing" % name)
            continue
        sa, sb = a[name], b[name]
        for row in sa.iter_rows():
            for c in row:
                d = sb.cell(row=c.row, column=c.column)
                if cell_sig(c) != cell_sig(d):
                    bad.append("%s!%s: %r became %r" % (name, c.coordinate, cell_sig(c), cell_sig(d)))
        if sorted(map(str, sa.merged_cells.ranges)) != sorted(map(str, sb.merged_cells.ranges)):
            bad.append("%s: merged cells %s became %s" % (name, sa.merged_cells.ranges, sb.merged_cells.ranges))
        dva = sorted((str(v.sqref), v.formula1) for v in sa.data_validations.dataValidation)
        dvb = sorted((str(v.sqref), v.formula1) for v in sb.data_validations.dataValidation)
        if dva != dvb:
            bad.append("%s: data validation %s became %s" % (name, dva, dvb))
        cfa = sorted(str(r.sqref) for r in sa.conditional_formatting)
        cfb = sorted(str(r.sqref) for r in sb.conditional_formatting)
        if cfa != cfb:
            bad.append("%s: conditional formats %s became %s" % (name, cfa, cfb))
        for col, dim in sa.column_dimensions.items():
            if dim.width and abs((sb.column_dimensions[col].width or 0) - dim.width) > 0.01:
                bad.append("%s: width of %s %s became %s" % (name, col, dim.width, sb.column_dimensions[col].width))
        if sa.freeze_panes != sb.freeze_panes:
            bad.append("%s: frozen panes %s became %s" % (name, sa.freeze_panes, sb.freeze_panes))
    if b.sheetnames[:len(a.sheetnames)] != a.sheetnames:
        bad.append("sheet order %s became %s" % (a.sheetnames, b.sheetnames))
    def names(wb):
        dns = wb.defined_names
        items = dns.definedName if hasattr(dns, "definedName") else dns.values()
        return {d.name: d.attr_text for d in items if not d.name.startswith("_xlnm")}
    na, nb = names(a), names(b)
    for n, text in na.items():
        if nb.get(n) != text:
            bad.append("defined name %s: %s became %s" % (n, text, nb.get(n)))
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        if not any(n.startswith("xl/charts/chart") for n in names):
            bad.append("the chart is gone")
    if bad:
        print("\n".join(bad[:40]), file=sys.stderr)
        sys.exit(1)
    ws = b[sheet]
    header = [c.value for c in ws[1][first - 1:]]
    own = cell_sig(ws.cell(row=1, column=1))[2:]
    for c in ws[1][first - 1:]:
        if cell_sig(c)[2:] != own:
            print("header %s styled %r, the sheet's own header %r" % (c.coordinate, cell_sig(c)[2:], own), file=sys.stderr)
            sys.exit(1)
    rows = {}
    for r in ws.iter_rows(min_row=2):
        cid = r[0].value
        if cid is None:
            continue
        rows[str(cid)] = [c.value if not isinstance(c.value, datetime.datetime) else c.value.isoformat()
                          for c in r[first - 1:]]
    print(json.dumps({"header": header, "rows": rows}, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
