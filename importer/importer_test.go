package importer

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ledgerlens/model"
)

const testdata = "../testdata"

func money(t *testing.T, led *model.Ledger, v model.Money) string {
	t.Helper()
	return model.FormatMoney(v, led.Decimals)
}

// checkAccounting asserts that every row read was used or rejected, for the
// whole load and for each source, and that the rejections are all listed.
func checkAccounting(t *testing.T, rep *Report) {
	t.Helper()
	if rep.RowsRead != rep.RowsUsed+rep.RowsRejected {
		t.Errorf("rows read %d != used %d + rejected %d", rep.RowsRead, rep.RowsUsed, rep.RowsRejected)
	}
	sum := 0
	for _, r := range rep.Reasons {
		sum += r.Count
	}
	if sum != rep.RowsRejected || (!rep.Truncated && len(rep.Rejections) != rep.RowsRejected) {
		t.Errorf("rejections: %d by reason, %d listed, %d counted", sum, len(rep.Rejections), rep.RowsRejected)
	}
	for _, s := range rep.Sources {
		if s.RowsRead != s.RowsUsed+s.Rejected {
			t.Errorf("%s %s: rows read %d != used %d + rejected %d", s.File, s.Sheet, s.RowsRead, s.RowsUsed, s.Rejected)
		}
	}
}

func load(t *testing.T, opt Options, files ...string) (*model.Ledger, *Report) {
	t.Helper()
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join(testdata, f))
	}
	led, rep, err := Load(paths, opt)
	if err != nil {
		t.Fatalf("Load(%v): %v", files, err)
	}
	checkAccounting(t, rep)
	return led, rep
}

func custIndex(led *model.Ledger, id string) int {
	for i, x := range led.Customers.ID {
		if x == id {
			return i
		}
	}
	return -1
}

func TestEnglishHeaders(t *testing.T) {
	led, rep := load(t, Options{}, "en_headers.csv")
	if rep.RowsRead != 10 || rep.RowsUsed != 6 || rep.RowsRejected != 4 {
		t.Errorf("rows read/used/rejected = %d/%d/%d, want 10/6/4", rep.RowsRead, rep.RowsUsed, rep.RowsRejected)
	}
	want := map[string]int{"no customer id": 1, "bad date": 1, "bad amount": 1, "empty row": 1}
	for _, r := range rep.Reasons {
		if want[r.Reason] != r.Count {
			t.Errorf("reason %q: %d rows, want %d", r.Reason, r.Count, want[r.Reason])
		}
		e := r.Examples[0]
		if r.Reason == "bad amount" && (e.Row != 8 || e.Column != "Amount" || e.Value != "ten") {
			t.Errorf("bad amount example = %+v, want row 8, column Amount, value ten", e)
		}
	}
	// 1,200.50 − 200.00 + 950.25 − 49.75 + 1,000.00 + 300 = 3,201.00
	if got := money(t, led, rep.UsedAmount); got != "3,201.00" {
		t.Errorf("used amount = %s, want 3,201.00", got)
	}
	if rep.ReturnRows != 2 || money(t, led, rep.ReturnValue) != "249.75" {
		t.Errorf("returns = %d rows, %s; want 2, 249.75", rep.ReturnRows, money(t, led, rep.ReturnValue))
	}
	a4 := custIndex(led, "A004")
	if a4 < 0 || led.Customers.Name[a4] != `Quote "Q" Ltd` {
		t.Errorf("A004 name = %q", led.Customers.Name[a4])
	}
	if len(led.Customers.Attrs) != 1 || led.Customers.Attrs[0].Name != "Segment Note" || led.Customers.Attrs[0].Values[custIndex(led, "A001")] != "key" {
		t.Errorf("attributes = %+v", led.Customers.Attrs)
	}
	if !led.HasCost || !led.HasDue || !led.HasPaid || led.HasPaidAmount {
		t.Errorf("column flags cost=%v due=%v paid=%v paidAmount=%v", led.HasCost, led.HasDue, led.HasPaid, led.HasPaidAmount)
	}
}

func TestChineseHeadersAndGBK(t *testing.T) {
	led, rep := load(t, Options{}, "zh_headers.csv")
	if rep.RowsUsed != 4 || led.Customers.Len() != 3 {
		t.Fatalf("used %d rows, %d customers; want 4, 3", rep.RowsUsed, led.Customers.Len())
	}
	if got := money(t, led, rep.UsedAmount); got != "15,300.50" {
		t.Errorf("total = %s, want 15,300.50", got)
	}
	k1 := custIndex(led, "K001")
	if led.Tx.Date[0] != model.DayFromCivil(2024, 3, 5) || led.Customers.Industry[k1] != "批发业" || led.Customers.Employees[k1] != 25 {
		t.Errorf("K001: first date %v, industry %q, employees %d", led.Tx.Date[0], led.Customers.Industry[k1], led.Customers.Employees[k1])
	}
	gled, grep := load(t, Options{}, "zh_headers_gbk.csv")
	if grep.Sources[0].Encoding != "GB18030" {
		t.Errorf("GBK file read as %s", grep.Sources[0].Encoding)
	}
	if strings.Join(gled.Customers.Name, "|") != strings.Join(led.Customers.Name, "|") || grep.UsedAmount != rep.UsedAmount {
		t.Errorf("GBK file differs: names %q, total %d", gled.Customers.Name, grep.UsedAmount)
	}
}

func TestWorkbookTitleRowsAndCustomerSheet(t *testing.T) {
	led, rep := load(t, Options{}, "title_rows.xlsx")
	kinds := map[string]string{}
	for _, s := range rep.Sources {
		kinds[s.Sheet] = s.Kind
		if s.Sheet == "Sales" && s.HeaderRow != 4 {
			t.Errorf("Sales header row = %d, want 4 (below two title rows)", s.HeaderRow)
		}
	}
	if kinds["Sales"] != "transactions" || kinds["Customers"] != "customers" || kinds["Notes"] != "skipped" {
		t.Errorf("sheet kinds = %v", kinds)
	}
	if rep.RowsRead != 8 || rep.RowsUsed != 7 || rep.RowsRejected != 1 {
		t.Errorf("rows %d/%d/%d, want 8/7/1", rep.RowsRead, rep.RowsUsed, rep.RowsRejected)
	}
	// 10×12.5 + 2×100 + 999.99 + 3×0.1 = 1,325.29
	if got := money(t, led, rep.UsedAmount); got != "1,325.29" {
		t.Errorf("total = %s, want 1,325.29", got)
	}
	k1, k2, k4 := custIndex(led, "K001"), custIndex(led, "K002"), custIndex(led, "K004")
	if k4 < 0 {
		t.Fatal("K004 (customers sheet only) missing")
	}
	cs := &led.Customers
	if cs.Name[k1] != "华东贸易有限公司" || !cs.HasLimit[k2] || cs.CreditLimit[k2] != 0 || cs.Employees[k4] != 400 {
		t.Errorf("joined attributes wrong: %q limit %v/%d employees %d", cs.Name[k1], cs.HasLimit[k2], cs.CreditLimit[k2], cs.Employees[k4])
	}
	// Excel serial 45352 is 2024-03-01; the 45383.5 has a time of day.
	if led.Tx.Date[0] != model.DayFromCivil(2024, 3, 1) || led.Tx.Date[1] != model.DayFromCivil(2024, 4, 1) {
		t.Errorf("serial dates = %v, %v", led.Tx.Date[0], led.Tx.Date[1])
	}
	_, rep2 := load(t, Options{Sheet: "Sales"}, "title_rows.xlsx")
	if len(rep2.Sources) != 1 || rep2.RowsRead != 5 {
		t.Errorf("--sheet Sales: %d sources, %d rows", len(rep2.Sources), rep2.RowsRead)
	}
}

func TestHeaderless(t *testing.T) {
	cols, err := ParseColumns(",customer_id,date,quantity,amount")
	if err != nil {
		t.Fatal(err)
	}
	led, rep := load(t, Options{Columns: cols}, "headerless.txt")
	if rep.RowsUsed != 4 || led.Customers.Len() != 3 || money(t, led, rep.UsedAmount) != "122.47" {
		t.Errorf("used %d, customers %d, total %s", rep.RowsUsed, led.Customers.Len(), money(t, led, rep.UsedAmount))
	}
	if _, _, err := Load([]string{filepath.Join(testdata, "headerless.txt")}, Options{}); err == nil || !strings.Contains(err.Error(), "--columns") {
		t.Errorf("header-less file without --columns: err = %v, want a hint at --columns", err)
	}
}

func TestDateOrder(t *testing.T) {
	_, _, err := Load([]string{filepath.Join(testdata, "dmy_ambiguous.csv")}, Options{})
	if err == nil || !strings.Contains(err.Error(), `column "date"`) || !strings.Contains(err.Error(), "--date-order") {
		t.Errorf("ambiguous dates: err = %v", err)
	}
	led, _ := load(t, Options{DateOrder: OrderDMY}, "dmy_ambiguous.csv")
	if led.Tx.Date[0] != model.DayFromCivil(2024, 2, 1) {
		t.Errorf("01/02/2024 dmy = %v", led.Tx.Date[0])
	}
	// 25/04/2024 shows the column is day-first; 31/02 is then impossible.
	led, rep := load(t, Options{DecimalComma: true}, "dmy_decided.csv")
	if led.Tx.Date[0] != model.DayFromCivil(2024, 2, 1) || rep.RowsRejected != 1 || rep.Reasons[0].Reason != "bad date" {
		t.Errorf("dmy decided: first %v, rejected %d %+v", led.Tx.Date[0], rep.RowsRejected, rep.Reasons)
	}
	if got := money(t, led, rep.UsedAmount); got != "1,030.50" {
		t.Errorf("decimal comma total = %s, want 1,030.50", got)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	noAmount := filepath.Join(dir, "x.csv")
	os.WriteFile(noAmount, []byte("customer,date\nA,2024-01-01\n"), 0o644)
	for _, tc := range []struct {
		paths []string
		opt   Options
		want  string
	}{
		{[]string{filepath.Join(dir, "missing.csv")}, Options{}, "no such file"},
		{[]string{dir}, Options{}, "folder"},
		{[]string{noAmount}, Options{}, "amount"},
		{[]string{filepath.Join(testdata, "title_rows.xlsx")}, Options{Sheet: "Nope"}, `no sheet "Nope"`},
		{[]string{filepath.Join(testdata, "en_headers.csv")}, Options{Map: map[Field]string{FCost: "Nope"}}, `no column "Nope"`},
	} {
		_, _, err := Load(tc.paths, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Load(%v): err = %v, want it to mention %q", tc.paths, err, tc.want)
		}
	}
}

func TestMapOverride(t *testing.T) {
	// COGS is the cost column by synonym; map cost to nothing else but make
	// "Segment Note" the region to show the override wins.
	led, _ := load(t, Options{Map: map[Field]string{FRegion: "Segment Note"}}, "en_headers.csv")
	if r := led.Customers.Region[custIndex(led, "A001")]; r != "key" {
		t.Errorf("region via --map = %q, want key", r)
	}
}

func TestProgress(t *testing.T) {
	var last Progress
	calls := 0
	load(t, Options{Progress: func(p Progress) { last = p; calls++ }}, "en_headers.csv")
	if calls == 0 || last.Done != last.Total || last.Unit != "bytes" || last.Rows != 10 {
		t.Errorf("progress: %d calls, last %+v", calls, last)
	}
}

func TestDemoDeterministic(t *testing.T) {
	a, b := DemoCSV(), DemoCSV()
	if !bytes.Equal(a, b) {
		t.Fatal("demo ledger differs between two runs")
	}
	led, rep, err := LoadDemo(Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	if n := led.Customers.Len(); n != 2000 || rep.RowsRejected != 0 {
		t.Errorf("demo: %d customers, %d rejected", n, rep.RowsRejected)
	}
	base := model.Aggregate(led, model.MaxDate(led))
	loss, returns, open := 0, 0, 0
	for c := range base.Revenue {
		if base.CostKnown[c] && base.Revenue[c]-base.Cost[c] < 0 {
			loss++
		}
		if base.ReturnDocs[c] > 0 {
			returns++
		}
		if base.OpenInvoices[c] > 0 {
			open++
		}
	}
	if loss == 0 || returns == 0 || open == 0 {
		t.Errorf("demo lacks variety: %d loss-making, %d with returns, %d with open receivables", loss, returns, open)
	}
}

// Lines computed as quantity × unit price are money: rounded half away from
// zero to the ledger's decimals (two here: no stated amount has more), and the
// report says how many were rounded and by how much.
func TestComputedLinesRounded(t *testing.T) {
	data := "Invoice,Customer ID,InvoiceDate,Quantity,Price\nI1,C1,2024-01-01,12,0.065\nI2,C1,2024-01-02,1,0.005\nI3,C2,2024-01-03,-1,0.005\nI4,C2,2024-01-03,3,1.25\n"
	led, rep, err := LoadReader("qp.csv", []byte(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	want := []model.Money{78, 1, -1, 375} // 0.78 exact; ±0.005 → ±0.01; 3.75
	if led.Decimals != 2 || !slices.Equal(led.Tx.Amount, want) {
		t.Fatalf("decimals %d, amounts %v; want 2, %v", led.Decimals, led.Tx.Amount, want)
	}
	if rep.ComputedLines != 4 || rep.RoundedLines != 2 || rep.UsedAmount != 453 || rep.Sources[0].Amount != 453 {
		t.Errorf("computed %d, rounded %d, total %d, source %d", rep.ComputedLines, rep.RoundedLines, rep.UsedAmount, rep.Sources[0].Amount)
	}
	if len(rep.Warnings) == 0 || !strings.Contains(rep.Warnings[0], "2 lines computed as quantity × unit price") {
		t.Errorf("warnings %q", rep.Warnings)
	}
}

// A product or category column and a channel that changes within a customer
// are kept per row (the model splits each customer's sales by them), with
// their values dictionary-coded row for row; in a customers sheet a category
// column describes the customer and stays an attribute.
func TestRowChannelAndCategory(t *testing.T) {
	csv := "客户编号,日期,金额,渠道,商品类别\n" +
		"a,2025-01-01,10,Online,Tools\n" +
		"a,2025-01-02,20,Store,Paint\n" +
		"b,2025-01-03,30,Store,\n" +
		"b,2025-01-04,40,,Tools\n"
	led, rep, err := LoadReader("mix.csv", []byte(csv), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	tx := &led.Tx
	var chans, cats []string
	for i := range tx.Cust {
		chans = append(chans, tx.Channel.Value(i))
		cats = append(cats, tx.Category.Value(i))
	}
	if want := []string{"Online", "Store", "Store", ""}; !slices.Equal(chans, want) {
		t.Errorf("row channels %q, want %q", chans, want)
	}
	if want := []string{"Tools", "Paint", "", "Tools"}; !slices.Equal(cats, want) {
		t.Errorf("row categories %q, want %q", cats, want)
	}
	if tx.Category.Name != "category" || len(led.Customers.Attrs) != 0 {
		t.Errorf("category kept as %q; customer attributes %v", tx.Category.Name, led.Customers.Attrs)
	}
	if rep.AttributeConflicts["channel"] != 0 || !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.HasPrefix(w, "1 customers buy through more than one channel") }) {
		t.Errorf("conflicts %v, warnings %q", rep.AttributeConflicts, rep.Warnings)
	}
	// a ledger without the columns has none
	led, _, err = LoadReader("plain.csv", []byte("customer,date,amount\na,2025-01-01,10\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if led.Tx.Channel.Present() || led.Tx.Category.Present() {
		t.Error("row channel or category present without the columns")
	}
}

// TestCustomerTextAcrossRows reads customer-level text that repeats on every
// row of a customer: more distinct regions than the builder's dictionary
// keeps, names that differ on a later row (counted, the first kept), values
// with spaces around them.
func TestCustomerTextAcrossRows(t *testing.T) {
	const n = 6000 // > dictCap distinct regions
	var b strings.Builder
	b.WriteString("customer_id,customer_name,region,invoice_date,amount\n")
	for pass := range 2 {
		for i := range n {
			name := fmt.Sprintf("Name %d", i)
			if pass == 1 && i%1000 == 0 {
				name += " Ltd" // a differing name on the second row
			}
			fmt.Fprintf(&b, "C%d, %s ,R%d,2025-01-%02d,1.00\n", i, name, i, pass+1)
		}
	}
	led, rep, err := LoadReader("text.csv", []byte(b.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	cs := &led.Customers
	if cs.Len() != n {
		t.Fatalf("%d customers, want %d", cs.Len(), n)
	}
	for i := range n {
		if cs.ID[i] != fmt.Sprintf("C%d", i) || cs.Name[i] != fmt.Sprintf("Name %d", i) || cs.Region[i] != fmt.Sprintf("R%d", i) {
			t.Fatalf("customer %d: %q %q %q", i, cs.ID[i], cs.Name[i], cs.Region[i])
		}
	}
	if got := rep.AttributeConflicts["customer_name"]; got != n/1000 {
		t.Errorf("name conflicts %d, want %d (%v)", got, n/1000, rep.AttributeConflicts)
	}
	if got := rep.AttributeConflicts["region"]; got != 0 {
		t.Errorf("region conflicts %d, want 0", got)
	}
}

// Paid amounts and outstanding balances are kept only when a source has
// them: a second file that brings them gives the first file's rows zero,
// a ledger without them has neither column, and a row rejected after them
// does not shift them onto the next row.
func TestOptionalColumnsAcrossSources(t *testing.T) {
	write := tempWriter(t)
	plain := write("plain.csv", "customer,date,amount,paid_date\na,2025-01-01,10,2025-01-05\nb,2025-01-02,20,\n")
	paid := write("paid.csv", "customer,date,amount,paid_date,paid_amount,outstanding\n"+
		"c,2025-01-03,30,2025-01-09,12,18\nc,not a date,1,,1,1\nd,2025-01-04,40,,0,40\n")
	led, rep, err := Load([]string{plain, paid}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	tx := &led.Tx
	if !led.HasPaidAmount || !led.HasOutstanding || len(tx.PaidAmt) != tx.Len() || len(tx.Open) != tx.Len() {
		t.Fatalf("paid amount %v (%d), outstanding %v (%d), %d rows", led.HasPaidAmount, len(tx.PaidAmt), led.HasOutstanding, len(tx.Open), tx.Len())
	}
	got := map[string][2]string{}
	for i, c := range tx.Cust {
		got[led.Customers.ID[c]] = [2]string{money(t, led, tx.PaidAmt[i]), money(t, led, tx.Open[i])}
	}
	want := map[string][2]string{"a": {"0.00", "0.00"}, "b": {"0.00", "0.00"}, "c": {"12.00", "18.00"}, "d": {"0.00", "40.00"}}
	if !maps.Equal(got, want) {
		t.Errorf("paid amounts and balances %v, want %v", got, want)
	}
	if led, _, err = Load([]string{plain}, Options{}); err != nil {
		t.Fatal(err)
	}
	if led.HasPaidAmount || led.HasOutstanding || led.Tx.PaidAmt != nil || led.Tx.Open != nil {
		t.Errorf("a ledger without them: paid amount %v %v, outstanding %v %v", led.HasPaidAmount, led.Tx.PaidAmt, led.HasOutstanding, led.Tx.Open)
	}
}

// A customer-level row dropped after reading (a date impossible in the
// order its column turned out to have) moves the later customers down:
// every one of their columns moves with them.
func TestCustomerLevelColumnsMoveTogether(t *testing.T) {
	csv := "customer_id,total_sales,orders,first_order_date,last_order_date,repeat_amount,ttm_amount,prior_amount,gap_squares\n" +
		"K1,100,2,02/13/2024,02/20/2024,40,100,0,49\n" + // month first: the column is day first
		"K2,200,3,13/02/2024,20/03/2024,120,150,10,738\n" +
		"K3,300,4,14/02/2024,21/03/2024,210,250,20,500\n" +
		"K4,50,1,15/02/2024,15/02/2024,,50,30,0\n"
	led, rep, err := LoadReader("drop.csv", []byte(csv), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsRejected != 1 || !slices.Equal(led.Customers.ID, []string{"K2", "K3", "K4"}) {
		t.Fatalf("%d rejected, customers %v", rep.RowsRejected, led.Customers.ID)
	}
	tt := led.Totals
	for c, want := range []struct {
		sales, repeat, ttm, prior string
		orders                    int32
		gaps                      int64
		hasRepeat                 bool
		first                     string
	}{{"200.00", "120.00", "150.00", "10.00", 3, 738, true, "2024-02-13"}, {"300.00", "210.00", "250.00", "20.00", 4, 500, true, "2024-02-14"},
		{"50.00", "0.00", "50.00", "30.00", 1, 0, false, "2024-02-15"}} {
		got := []string{money(t, led, tt.Sales[c]), money(t, led, tt.Repeat[c]), money(t, led, tt.TTM[c]), money(t, led, tt.Prior[c])}
		if !slices.Equal(got, []string{want.sales, want.repeat, want.ttm, want.prior}) || tt.Orders[c] != want.orders ||
			tt.GapSquares[c] != want.gaps || tt.HasRepeat[c] != want.hasRepeat || tt.First[c].String() != want.first {
			t.Errorf("%s: %v, %d orders, gaps %d, repeat given %v, first %s", led.Customers.ID[c], got, tt.Orders[c], tt.GapSquares[c], tt.HasRepeat[c], tt.First[c])
		}
	}
}

// The customers' numeric columns (credit limit, employees, write-off) are
// held only once a source maps them: customers added before get zeros,
// customers after (past a growth of the columns) get theirs, a customer
// dropped at the end moves the later ones' values with them, and a ledger
// without them still has the columns, all zero.
func TestCustomerNumbersAcrossSources(t *testing.T) {
	write := tempWriter(t)
	var plain strings.Builder
	plain.WriteString("customer,date,amount\n")
	for c := range 1500 {
		fmt.Fprintf(&plain, "p%d,2025-01-01,10\n", c)
	}
	first := write("plain.csv", plain.String())
	var limits strings.Builder
	limits.WriteString("customer,date,amount,credit_limit,employees,write_off\n")
	limits.WriteString("k1,02/13/2025,5,100,1,no\n") // month first: the column is day first, k1 is dropped
	limits.WriteString("p7,13/02/2025,5,700,7,yes\n")
	for c := range 1500 { // new customers past the columns' next growth
		fmt.Fprintf(&limits, "n%d,14/02/2025,5,%d,%d,no\n", c, c+1, c)
	}
	second := write("limits.csv", limits.String())
	led, rep, err := Load([]string{first, second}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	cs := &led.Customers
	n := cs.Len()
	if n != 3000 || slices.Contains(cs.ID, "k1") {
		t.Fatalf("%d customers (k1 among them: %v), want 3000 without k1", n, slices.Contains(cs.ID, "k1"))
	}
	for _, l := range []int{len(cs.CreditLimit), len(cs.HasLimit), len(cs.Employees), len(cs.HasEmployees), len(cs.Revenue), len(cs.HasRevenue), len(cs.Assets), len(cs.HasAssets), len(cs.WriteOff)} {
		if l != n {
			t.Fatalf("a numeric column of %d values for %d customers", l, n)
		}
	}
	for c, id := range cs.ID {
		var limit int64
		var has, off bool
		var emp int64
		switch {
		case id == "p7":
			limit, has, off, emp = 700, true, true, 7
		case strings.HasPrefix(id, "n"):
			k, _ := strconv.Atoi(id[1:])
			limit, has, emp = int64(k+1), true, int64(k)
		}
		if cs.HasLimit[c] != has || cs.CreditLimit[c] != limit*led.Scale() ||
			cs.WriteOff[c] != off || cs.HasEmployees[c] != has || cs.Employees[c] != emp {
			t.Fatalf("%s: limit %s (%v), write-off %v, employees %d (%v)", id, money(t, led, cs.CreditLimit[c]), cs.HasLimit[c], cs.WriteOff[c], cs.Employees[c], cs.HasEmployees[c])
		}
	}
	led, _, err = Load([]string{first}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs = &led.Customers
	if len(cs.CreditLimit) != 1500 || len(cs.WriteOff) != 1500 || slices.Contains(cs.HasLimit, true) || slices.Contains(cs.WriteOff, true) {
		t.Fatalf("a ledger without them: %d limits, %d write-off flags", len(cs.CreditLimit), len(cs.WriteOff))
	}
}

// tempWriter returns a function that writes a file of text into a
// temporary folder of the test and returns its path.
func tempWriter(t *testing.T) func(name, text string) string {
	dir := t.TempDir()
	return func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// TestLateFieldsEitherSide: the due and paid dates and the paid amount are
// parsed by the builder when the record is kept for it (a name column) and
// by the parsing goroutine otherwise; both give the same rows, decimals and
// rejections, and the first bad field of a row is the one reported.
func TestLateFieldsEitherSide(t *testing.T) {
	rows := []string{
		"C1,2024-01-05,10.5,4,2024-02-04,2024-02-10,10.125", // the paid amount's three decimals count
		"C2,2024-01-06,20,,2024-13-01,2024-02-10,x",         // bad due date, then a bad paid amount
		"C3,2024-01-07,30,,2024-02-06,someday,30",           // bad paid date
		"C4,2024-01-08,40,,2024-02-07,2024-02-09,4o",        // bad paid amount
		"C5,2024-01-09,5o,,2024-02-08,never,50",             // bad amount before a bad paid date
		"C6,2024-01-10,60,,,,",                              // nothing paid, no terms
		"C7,,70,7,,,",                                       // no date
		"C8,2024-02-30,80,8,,,",                             // bad date
		"C9,2024-01-11,9o,9x,,,",                            // bad amount before a bad cost
		"C10,2024-01-12,100,1o,2024-13-13,,",                // bad cost before a bad due date
		"C11,2024-01-13,110,1.2345,,,",                      // the cost's four decimals count
	}
	write := tempWriter(t)
	var plain, named strings.Builder
	plain.WriteString("customer,date,amount,cost,due_date,paid_date,paid_amount\n")
	named.WriteString("customer,name,date,amount,cost,due_date,paid_date,paid_amount\n")
	for i, r := range rows {
		plain.WriteString(r + "\n")
		id, rest, _ := strings.Cut(r, ",")
		fmt.Fprintf(&named, "%s,Name %d,%s\n", id, i, rest)
	}
	type out struct {
		decimals              int
		date, due, paid       []model.Day
		amount, cost, paidAmt []model.Money
		rejected              []string
	}
	get := func(path string) out {
		led, rep, err := Load([]string{path}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkAccounting(t, rep)
		tx := &led.Tx
		o := out{decimals: led.Decimals, date: tx.Date, due: tx.Due, paid: tx.Paid, amount: tx.Amount, cost: tx.Cost, paidAmt: tx.PaidAmt}
		for _, r := range rep.Rejections {
			o.rejected = append(o.rejected, fmt.Sprintf("row %d %s %q: %s", r.Row, r.Column, r.Value, r.Reason))
		}
		return o
	}
	a, b := get(write("plain.csv", plain.String())), get(write("named.csv", named.String()))
	want := []string{`row 3 due_date "2024-13-01": bad due date`, `row 4 paid_date "someday": bad paid date`,
		`row 5 paid_amount "4o": bad paid amount`, `row 6 amount "5o": bad amount`, `row 8 date "": no date`,
		`row 9 date "2024-02-30": bad date`, `row 10 amount "9o": bad amount`, `row 11 cost "1o": bad cost`}
	for _, o := range []out{a, b} {
		if !slices.Equal(o.rejected, want) {
			t.Errorf("rejections %q, want %q", o.rejected, want)
		}
		// rows C1, C6 and C11, in units of 10⁻⁴
		if o.decimals != 4 || len(o.due) != 3 || !slices.Equal(o.amount, []model.Money{105000, 600000, 1100000}) ||
			!slices.Equal(o.cost, []model.Money{40000, 0, 12345}) || o.paidAmt[0] != 101250 ||
			o.date[2] != model.DayFromCivil(2024, 1, 13) || o.due[1] != model.NoDay || o.paid[1] != model.NoDay {
			t.Errorf("rows: decimals %d, dates %v, amounts %v, costs %v, due %v, paid %v, paid amounts %v",
				o.decimals, o.date, o.amount, o.cost, o.due, o.paid, o.paidAmt)
		}
	}
	if !slices.Equal(a.date, b.date) || !slices.Equal(a.due, b.due) || !slices.Equal(a.paid, b.paid) ||
		!slices.Equal(a.amount, b.amount) || !slices.Equal(a.cost, b.cost) || !slices.Equal(a.paidAmt, b.paidAmt) {
		t.Errorf("the two sides differ: %+v / %+v", a, b)
	}
}
