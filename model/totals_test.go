package model_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// customerSheet is a customer-level ledger made up here: n customers with
// known totals, orders, first and last orders, balances and limits.
type sheetCustomer struct {
	id, name, region    string
	sales, cost, bal    int // in cents
	orders              int
	first, last         model.Day
	limit               int
	hasCost, hasBalance bool
}

func sheetCustomers() []sheetCustomer {
	start := model.DayFromCivil(2023, 1, 1)
	var out []sheetCustomer
	for i := 0; i < 40; i++ {
		orders := 1 + (i*7)%13
		first := start + model.Day((i*37)%500)
		last := first
		if orders > 1 {
			last = first + model.Day(30+(i*53)%400)
		}
		c := sheetCustomer{id: fmt.Sprintf("K%03d", i), name: fmt.Sprintf("Firm %d", i), region: []string{"East", "West", "North"}[i%3],
			sales: 10000 + (i*i*7919)%900000, orders: orders, first: first, last: last, limit: 500000, hasCost: i%5 != 0, hasBalance: i%4 != 0}
		c.cost = c.sales * 7 / 10
		c.bal = (i * 1237) % 60000
		out = append(out, c)
	}
	return out
}

func money2(cents int) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

// rows writes the customers under a header (English or Chinese).
func (c sheetCustomer) row() []string {
	cost, bal := "", ""
	if c.hasCost {
		cost = money2(c.cost)
	}
	if c.hasBalance {
		bal = money2(c.bal)
	}
	return []string{c.id, c.name, c.region, money2(c.sales), cost, fmt.Sprint(c.orders), c.first.String(), c.last.String(), bal, money2(c.limit)}
}

// sheetCSV is the customers as a CSV with English headers.
func sheetCSV(custs []sheetCustomer) string {
	var b strings.Builder
	b.WriteString(strings.Join(enTotalsHeader, ",") + "\n")
	for _, c := range custs {
		b.WriteString(strings.Join(c.row(), ",") + "\n")
	}
	return b.String()
}

var (
	enTotalsHeader = []string{"Customer ID", "Customer Name", "Region", "Total Sales", "Total Cost", "Orders", "First Order Date", "Last Order Date", "Balance", "Credit Limit"}
	zhTotalsHeader = []string{"客户编号", "客户名称", "地区", "累计销售额", "成本", "订单数", "首次购买日期", "最近购买日期", "应收余额", "信用额度"}
)

// A customer-level sheet alone (CSV with English headers, xlsx with Chinese
// ones) is read as such; every scheme that can be computed from the totals
// assigns every customer, by the totals; what needs transactions says n/a
// with the reason.
func TestCustomerLevelLedger(t *testing.T) {
	custs := sheetCustomers()
	csv := sheetCSV(custs)
	rows := [][]string{zhTotalsHeader}
	for _, c := range custs {
		rows = append(rows, c.row())
	}
	path := writeBook(t, "客户.xlsx", sheet{"客户", rows})
	fromCSV := func() (*model.Ledger, *importer.Report, error) {
		return importer.LoadReader("customers.csv", []byte(csv), importer.Options{})
	}
	fromXLSX := func() (*model.Ledger, *importer.Report, error) {
		return importer.Load([]string{path}, importer.Options{})
	}
	for name, load := range map[string]func() (*model.Ledger, *importer.Report, error){"csv": fromCSV, "xlsx": fromXLSX} {
		t.Run(name, func(t *testing.T) {
			led, rep, err := load()
			if err != nil {
				t.Fatal(err)
			}
			if rep.Form != importer.FormCustomerLevel || !led.CustomerLevel() || rep.RowsUsed != len(custs) {
				t.Fatalf("form %q, %d rows used of %d", rep.Form, rep.RowsUsed, len(custs))
			}
			a, err := model.NewEngine(led).Analyze(model.DefaultParams())
			if err != nil {
				t.Fatal(err)
			}
			checkCustomerLevel(t, a, custs)
		})
	}
}

func checkCustomerLevel(t *testing.T, a *model.Analysis, custs []sheetCustomer) {
	t.Helper()
	var asOf model.Day
	for _, c := range custs {
		asOf = max(asOf, c.last)
	}
	if a.AsOf != asOf {
		t.Errorf("as of %s, want the last order date %s", a.AsOf, asOf)
	}
	ix := map[string]int{}
	for c, id := range a.Led.Customers.ID {
		ix[id] = c
	}
	for _, sc := range custs {
		c := ix[sc.id]
		if a.Revenue[c] != int64(sc.sales) || a.F[c] != int32(sc.orders) || a.R[c] != int32(asOf-sc.last) {
			t.Errorf("%s: revenue %d, F %d, R %d; want %d, %d, %d", sc.id, a.Revenue[c], a.F[c], a.R[c], sc.sales, sc.orders, asOf-sc.last)
		}
		f, _ := a.Field("balance")
		if v := f.Get(a, c); v.OK != sc.hasBalance || (v.OK && v.Money != int64(sc.bal)) {
			t.Errorf("%s: balance %+v, want %d (%v)", sc.id, v, sc.bal, sc.hasBalance)
		}
	}
	// every scheme that is there assigns every customer, and adds up
	for _, sc := range a.Schemes {
		n := 0
		for _, r := range sc.Rows {
			n += r.Customers
		}
		if len(sc.Assign) != a.N || n != a.N || sc.Total.Revenue != a.Base.TotalRevenue {
			t.Errorf("%s: %d assigned, %d in rows, revenue %d; want %d customers, revenue %d", sc.Key, len(sc.Assign), n, sc.Total.Revenue, a.N, a.Base.TotalRevenue)
		}
	}
	// the pyramid ranks by total sales: Platinum holds the largest customer
	py, _ := a.SchemeByKey("pyramid")
	best := slices.MaxFunc(custs, func(x, y sheetCustomer) int { return x.sales - y.sales })
	if py.Segments[py.Assign[ix[best.id]]] != "Platinum" || !strings.Contains(py.Note, "total revenue") {
		t.Errorf("pyramid: largest customer in %s; note %q", py.Segments[py.Assign[ix[best.id]]], py.Note)
	}
	// what needs transactions is not there, and says why
	for _, key := range []string{"lifecycle", "pattern"} {
		if _, ok := a.SchemeByKey(key); ok {
			t.Errorf("scheme %s computed from totals", key)
		}
	}
	for _, why := range []string{"lifecycle stages need revenue by period", "buying patterns need the dates of every purchase"} {
		if !slices.ContainsFunc(a.Warnings, func(w string) bool { return strings.Contains(w, why) }) {
			t.Errorf("no warning %q in %q", why, a.Warnings)
		}
	}
	if a.Risk.Available || !strings.Contains(a.Risk.Why, "customer-level") {
		t.Errorf("risk from totals: %v, %q", a.Risk.Available, a.Risk.Why)
	}
	if _, ok := a.Field("revenue_ttm"); ok {
		t.Error("trailing-12-month revenue from totals")
	}
	// the count model is fitted from orders and dates
	if a.Model == nil || a.Model.Summary == nil {
		t.Fatal("no count-model summary")
	}
	s := a.Model.Summary
	for _, sc := range custs {
		c := ix[sc.id]
		if !s.In[c] || s.X[c] != float64(sc.orders-1) || s.Tx[c] != float64(sc.last-sc.first) || s.T[c] != float64(asOf-sc.first) {
			t.Errorf("%s: x %v t_x %v T %v", sc.id, s.X[c], s.Tx[c], s.T[c])
		}
	}
}

// The BG/NBD fit from a summary table of the CDNOW sample (one row per
// customer: orders = distinct purchase days to 1997-09-30, first and last
// purchase) equals the fit from its transactions, and the published values.
func TestCustomerLevelCDNOW(t *testing.T) {
	led := cdnow(t)
	cal := model.DayFromCivil(1997, 9, 30)
	base := model.Aggregate(led, cal)
	var b strings.Builder
	b.WriteString("customer_id,total_sales,orders,first_order_date,last_order_date\n")
	for c := range base.Revenue {
		if base.FirstBuy[c] == model.NoDay {
			continue
		}
		fmt.Fprintf(&b, "%s,%s,%d,%s,%s\n", led.Customers.ID[c], model.MoneyString(base.Revenue[c], led.Decimals),
			base.PurchaseDays[c], base.FirstBuy[c], base.LastPurchase[c])
	}
	tled, rep, err := importer.LoadReader("cdnow-summary.csv", []byte(b.String()), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Form != importer.FormCustomerLevel || rep.RowsRejected != 0 {
		t.Fatalf("form %q, %d rejected", rep.Form, rep.RowsRejected)
	}
	want, wst := model.FitBGNBD(base.Summary(led, "week"), 0)
	got, gst := model.FitBGNBD(model.Aggregate(tled, cal).Summary(tled, "week"), 0)
	if !gst.Converged || gst.Customers != wst.Customers || math.Abs(gst.LogLik-wst.LogLik) > 1e-9*math.Abs(wst.LogLik) {
		t.Fatalf("summary fit %+v, transactions fit %+v", gst, wst)
	}
	for _, p := range []struct {
		name      string
		got, want float64
		published float64
	}{{"r", got.R, want.R, 0.2426}, {"alpha", got.Alpha, want.Alpha, 4.4135}, {"a", got.A, want.A, 0.7929}, {"b", got.B, want.B, 2.4258}} {
		if math.Abs(p.got-p.want) > 1e-9*p.want || math.Abs(p.got-p.published) > 0.0005 {
			t.Errorf("%s = %.6f from the summary, %.6f from the transactions, %.4f published", p.name, p.got, p.want, p.published)
		}
	}
}

// Rows of a customer-level sheet that contradict themselves are rejected
// with the reason; a customers sheet beside transactions has its total
// columns reported as not used.
func TestCustomerLevelRejections(t *testing.T) {
	csv := "customer,total sales,orders,first order date,last order date\n" +
		"ok,100,2,2025-01-01,2025-02-01\n" +
		"nosales,,2,2025-01-01,2025-02-01\n" +
		"backwards,100,2,2025-03-01,2025-02-01\n" +
		"oneorder,100,1,2025-01-01,2025-02-01\n" +
		"half,100,1.5,2025-01-01,2025-02-01\n" +
		"none,100,0,2025-01-01,\n"
	_, rep, err := importer.LoadReader("totals.csv", []byte(csv), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, r := range rep.Rejections {
		reasons = append(reasons, fmt.Sprintf("%d %s", r.Row, r.Reason))
	}
	want := []string{"3 no total sales", "4 last order before the first order", "5 one order but different first and last order dates",
		"6 bad number of orders (a whole number ≥ 0)", "7 no orders but an order date"}
	if !slices.Equal(reasons, want) || rep.RowsUsed != 1 {
		t.Errorf("rejections %q (used %d), want %q", reasons, rep.RowsUsed, want)
	}
	// transactions whose date column is not recognised are not taken for totals
	_, _, err = importer.LoadReader("tx.csv", []byte("Customer,Amount,When\nA,10,2024-01-01\nA,20,2024-02-01\n"), importer.Options{})
	if err == nil || !strings.Contains(err.Error(), "customer ids repeat (1 times, e.g. row 3): if these are transactions, name the date column with --map date=Header") {
		t.Errorf("repeated ids in a customer-level sheet: %v", err)
	}
	path := writeBook(t, "both.xlsx",
		sheet{"Sales", [][]string{{"customer_id", "date", "amount"}, {"a", "2025-01-01", "10"}}},
		sheet{"Customers", [][]string{{"customer_id", "region", "total sales", "orders"}, {"a", "East", "999", "7"}}})
	led, rep, err := importer.Load([]string{path}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if led.CustomerLevel() || rep.Form != importer.FormTransactions ||
		!slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, `"total sales", "orders" hold customer totals`) }) {
		t.Errorf("beside transactions: form %q, warnings %q", rep.Form, rep.Warnings)
	}
}

// repeatSheet writes the customer-level summary of a ledger's rows at asOf,
// with each customer's repeat sales and cost (the sales and cost on its
// purchase days but the first, spec §4.2) and its sales and cost in the 12
// months to the as-of date, as the rows give them.
func repeatSheet(led *model.Ledger, base *model.Base) string {
	ttm, prior := base.WindowOf(base.AsOf-365, base.AsOf), base.WindowOf(base.AsOf-730, base.AsOf-365)
	var b strings.Builder
	b.WriteString("customer_id,total_sales,orders,first_order_date,last_order_date,repeat_amount,repeat_cost,ttm_amount,ttm_cost,total_cost,prior_amount\n")
	for c := range base.Revenue {
		if base.FirstBuy[c] == model.NoDay {
			continue
		}
		var amount, cost model.Money
		days := 0
		for k := base.DocStart[c]; k < base.DocStart[c+1]; {
			d := base.DocDate[k]
			var net, dc model.Money
			buy := false
			for ; k < base.DocStart[c+1] && base.DocDate[k] == d; k++ {
				net, dc = net+base.DocNet[k], dc+base.DocCost[k]
				buy = buy || base.DocNet[k] >= 0
			}
			if buy {
				if days > 0 {
					amount, cost = amount+net, cost+dc
				}
				days++
			}
		}
		repeat := ""
		if days > 1 {
			repeat = model.MoneyString(amount, led.Decimals) + "," + model.MoneyString(cost, led.Decimals)
		} else {
			repeat = ","
		}
		total := ""
		if base.CostKnown[c] {
			total = model.MoneyString(base.Cost[c], led.Decimals)
		}
		fmt.Fprintf(&b, "%s,%s,%d,%s,%s,%s,%s,%s,%s,%s\n", led.Customers.ID[c], model.MoneyString(base.Revenue[c], led.Decimals),
			base.PurchaseDays[c], base.FirstBuy[c], base.LastPurchase[c], repeat,
			model.MoneyString(ttm.Revenue[c], led.Decimals), model.MoneyString(ttm.Cost[c], led.Decimals), total,
			model.MoneyString(prior.Revenue[c], led.Decimals))
	}
	return b.String()
}

// A customer-level ledger that gives each customer's repeat sales (and
// cost) has the Gamma-Gamma spend of the rows it summarises: CDNOW (spend
// is revenue) and the demo with its costs (spend is margin), the same mean
// spends and the same fit; with the trailing 12 months' sales and cost, the
// rows' pyramid by revenue and by margin, and with the 12 months before,
// their lifecycle stages. Without them the customer-level warnings say the
// first order is included, the totals are used and there are no stages.
func TestCustomerLevelRepeatSpend(t *testing.T) {
	for name, led := range map[string]*model.Ledger{"cdnow": cdnow(t), "demo": demo(t)} {
		asOf := model.DefaultAsOf(led)
		base := model.Aggregate(led, asOf)
		sheet := repeatSheet(led, base)
		tled, rep, err := importer.LoadReader(name+"-summary.csv", []byte(sheet), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Form != importer.FormCustomerLevel || rep.RowsRejected != 0 {
			t.Fatalf("%s: form %q, %d rejected", name, rep.Form, rep.RowsRejected)
		}
		rows, sum := base.Summary(led, "week"), model.Aggregate(tled, asOf).Summary(tled, "week")
		if rows.Spend != sum.Spend {
			t.Fatalf("%s: spend %s from the rows, %s from the summary", name, rows.Spend, sum.Spend)
		}
		ids := map[string]int{}
		for c, id := range tled.Customers.ID {
			ids[id] = c
		}
		n := 0
		for c, in := range rows.In {
			if !in {
				continue
			}
			k := ids[led.Customers.ID[c]]
			g, w := sum.Mbar[k], rows.Mbar[c]
			if math.IsNaN(g) != math.IsNaN(w) || !math.IsNaN(w) && math.Abs(g-w) > 1e-12*math.Abs(w) {
				t.Fatalf("%s %s: mean spend %v from the summary, %v from the rows", name, led.Customers.ID[c], g, w)
			}
			n++
		}
		want, wst := model.FitGammaGamma(rows)
		got, gst := model.FitGammaGamma(sum)
		if !wst.Converged || !gst.Converged || math.Abs(got.P-want.P) > 1e-9*want.P || math.Abs(got.Q-want.Q) > 1e-9*want.Q || math.Abs(got.V-want.V) > 1e-9*want.V {
			t.Errorf("%s: Gamma-Gamma %+v from the summary, %+v from the rows (%d customers)", name, got, want, n)
		}
		a, err := model.NewEngine(tled).AnalyzeWithoutFits(model.DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(a.Warnings, func(w string) bool {
			return strings.Contains(w, "first order included") || strings.Contains(w, "not the trailing 12 months") || strings.Contains(w, "lifecycle")
		}) {
			t.Errorf("%s: the summary gives the repeat and trailing sales, yet: %q", name, a.Warnings)
		}
		// the pyramid ranks by the trailing 12 months, as the rows' does; the
		// lifecycle compares them with the 12 before
		for _, key := range []string{"revenue", "margin"} {
			p := model.DefaultParams()
			if err := p.Set("pyramid_key", key); err != nil {
				t.Fatal(err)
			}
			ra, err := model.NewEngine(led).AnalyzeWithoutFits(p)
			if err != nil {
				t.Fatal(err)
			}
			sa, err := model.NewEngine(tled).AnalyzeWithoutFits(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, scheme := range []string{"pyramid", "lifecycle"} {
				rp, _ := ra.SchemeByKey(scheme)
				sp, ok := sa.SchemeByKey(scheme)
				if !ok {
					t.Fatalf("%s: no %s from the summary", name, scheme)
				}
				for c, in := range rows.In {
					if in && rp.Assign[c] != sp.Assign[ids[led.Customers.ID[c]]] {
						t.Fatalf("%s, %s (pyramid by %s): %s is %s from the rows, %s from the summary", name, scheme, key, led.Customers.ID[c],
							rp.Segments[rp.Assign[c]], sp.Segments[sp.Assign[ids[led.Customers.ID[c]]]])
					}
				}
			}
		}
	}
	// without the repeat sales the spend includes the first order, and says so
	led := cdnow(t)
	sheet := repeatSheet(led, model.Aggregate(led, model.DefaultAsOf(led)))
	var cut strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(sheet), "\n") {
		f := strings.Split(line, ",")
		cut.WriteString(strings.Join(f[:5], ",") + "\n") // no repeat or trailing sales
	}
	tled, _, err := importer.LoadReader("no-repeat.csv", []byte(cut.String()), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := model.NewEngine(tled).AnalyzeWithoutFits(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"first order included", "not the trailing 12 months", "lifecycle stages need"} {
		if !slices.ContainsFunc(a.Warnings, func(w string) bool { return strings.Contains(w, want) }) {
			t.Errorf("no repeat or trailing sales, no warning %q: %q", want, a.Warnings)
		}
	}
}

// Parameters that reach back into the rows (the RFM window, the cost to
// serve per line, return and late invoice) say what they need on a
// customer-level ledger, and R, F and M stay those of the whole history
// rather than of an empty window.
func TestCustomerLevelRowParameters(t *testing.T) {
	led, _, err := importer.LoadReader("customers.csv", []byte(sheetCSV(sheetCustomers())), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e := model.NewEngine(led)
	base, err := e.Analyze(model.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for set, want := range map[string]string{
		"rfm_window_days=90":     "rfm_window_days = 90 needs dated documents and is not used",
		"cts_per_line=2":         "the cost to serve counts each order as one line and no returns",
		"cts_per_return=3":       "the cost to serve counts each order as one line and no returns",
		"cts_per_late_invoice=4": "cts_per_late_invoice needs invoices with their paid and due dates",
	} {
		p := model.DefaultParams()
		k, v, _ := strings.Cut(set, "=")
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
		a, err := e.Analyze(p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(a.Warnings, func(w string) bool { return strings.Contains(w, want) }) {
			t.Errorf("%s: no warning %q in %q", set, want, a.Warnings)
		}
		if k == "rfm_window_days" && (!slices.Equal(a.F, base.F) || !slices.Equal(a.R, base.R) || !slices.Equal(a.M, base.M)) {
			t.Errorf("%s: R, F, M differ from the whole history's", set)
		}
	}
}
