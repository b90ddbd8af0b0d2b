package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"

	"ledgerlens/model"
)

// Beside the summary of the customers (--summary) the engine adds up, at
// the same as-of date and from the same rows (a customer id, a date and an
// amount, up to the as-of date), what the rest of the analysis takes from
// the rows — the receivables, the cohorts, the model check's tracking
// curve, the cost to serve's counts, the mixes: model.Receivables and
// model.Activity. Their size is that of the open invoices, the customers,
// the days, the months and the customers' channels and categories, never
// of the rows.
//
// The receivables:
//   - the rows open at the as-of date with a positive balance, one each:
//     customer, date, due date, balance;
//   - per customer: the negative balances (unapplied credits), the credit
//     sales of the three newest calendar months and the payment sums of the
//     invoices with a due date paid in the 365 days to the as-of date;
//   - the payments of invoices without a due date, by customer, days to pay
//     and whether in the last 91 days (their days beyond terms depend on a
//     parameter);
//   - the credit sales of each of the 24 calendar months.
// A row's balance is, as the rows are read: with a paid date, the amount
// when unpaid or paid after the as-of date, else amount − paid amount (0
// without a paid-amount column); without one, the outstanding column.
//
// The activity: customers by their first purchase day (a day with a row of
// amount ≥ 0), the other purchase days counted by day, for months and
// quarters each cohort's customers with a purchase row in each period since
// its first and the net amount of its rows then, and with --as-of the rows
// and customers after it.
//
// The documents: each customer's rows merged by document id (a row without
// one a document of its own) and dated by the earliest, counted — purchase
// documents, lines, returns and their value — over the whole history and
// the last 365 days (the cost to serve); and each customer's gross sales and
// rows by channel and by category (the mixes).

// factRows is what the facts' queries are built from: SQL expressions of
// the summary's rows.
type factRows struct {
	relation, where, complete, cust, day, amt string
	cut                                       bool   // an as-of date was given: later rows are left out
	paid, due, paidAmt, outstanding           string // "" when the ledger has no such column
	unusable                                  bool   // a payment column the engine cannot compare or add up
	channel, category, doc                    string // the rows' channel, category and document id, trimmed text ("": no such column)
}

// receivablesColumns finds the payment columns of the mapping as the engine
// can compare and add them (dates, exact numbers); why says what is missing
// when one has another type.
func receivablesColumns(m *Mapping, col func(Field) (string, uint32)) (rr factRows, why string) {
	for _, c := range []struct {
		f    Field
		dst  *string
		date bool
	}{{FPaidDate, &rr.paid, true}, {FDueDate, &rr.due, true}, {FPaidAmount, &rr.paidAmt, false}, {FOutstanding, &rr.outstanding, false}} {
		if !m.Has(c.f) {
			continue
		}
		id, oid := col(c.f)
		switch {
		case c.date && !dateOIDs[oid]:
			return rr, fmt.Sprintf("%s is type %d, not a date or timestamp", c.f, oid)
		case c.date:
			id += "::date"
		case !exactNumberOIDs[oid]:
			return rr, fmt.Sprintf("%s is type %d, not an exact number", c.f, oid)
		case oid == oidMoney:
			id += "::numeric"
		}
		*c.dst = id
	}
	return rr, ""
}

// pushFacts runs the facts' queries (activity; receivables; documents and
// mixes) at the summary's as-of date (end) and hands the facts to the
// summary's ledger.
func (d *dbSource) pushFacts(led *model.Ledger, rr factRows, end string) error {
	var asOf *int64
	q := "SELECT (" + end + " - DATE '1970-01-01')::bigint"
	if err := d.tx.QueryRow(d.ctx, q).Scan(&asOf); err != nil {
		return fmt.Errorf("%s: %s", d.label, d.problem(err))
	}
	d.sql = append(d.sql, q)
	if asOf == nil {
		return nil // no purchase: no as-of date, nothing to add up
	}
	base := factsReader{e: "(DATE '1970-01-01' + " + strconv.FormatInt(*asOf, 10) + ")", asOf: model.Day(*asOf),
		index: make(map[string]int32, led.Customers.Len()), customers: led.Customers.Len(), scale: model.Pow10(microDecimals - led.Decimals)}
	for c, id := range led.Customers.ID {
		base.index[id] = int32(c)
	}
	var (
		act      *model.Activity
		recv     *model.Receivables
		serve    *model.ServeCounts
		mixes    [2]*model.Mix
		readers  [3]*factsReader
		failures [3]error
	)
	// three independent parts, each a scan or two of the rows
	parts := [3]func(f *factsReader) error{
		func(f *factsReader) (err error) { act, err = f.activity(rr); return err },
		func(f *factsReader) (err error) {
			switch {
			case rr.unusable: // the payment columns' types: a warning said so
			case rr.paid == "" && rr.outstanding == "":
				recv = &model.Receivables{AsOf: f.asOf} // no payment data: the analysis says so
			default:
				recv, err = f.receivables(rr, f.customers, led.Scale())
			}
			return err
		},
		func(f *factsReader) (err error) { serve, mixes[0], mixes[1], err = f.documents(rr); return err },
	}
	// on connections of their own that see this transaction's snapshot, at
	// once (the engine works on several cores); one after the other here
	// when the engine cannot share its snapshot
	sibs := d.siblings(len(parts))
	var wg sync.WaitGroup
	for k, part := range parts {
		f := base
		f.d = d
		if sibs != nil {
			f.d = sibs[k]
		}
		readers[k] = &f
		if sibs == nil {
			failures[k] = part(&f)
			continue
		}
		wg.Go(func() { failures[k] = part(&f) })
	}
	wg.Wait()
	missing := 0
	for k, f := range readers {
		if sibs != nil {
			d.sql = append(d.sql, f.d.sql...)
			f.d.Close()
		}
		missing += f.missing
		if failures[k] != nil {
			return failures[k]
		}
	}
	if missing > 0 {
		d.warnings = append(d.warnings, fmt.Sprintf("%d of the engine's facts belong to customers the summary did not give: they are left out", missing))
	}
	if act != nil {
		act.Serve, act.Channel, act.Category = serve, mixes[0], mixes[1]
	}
	led.Receivables, led.Activity = recv, act
	return nil
}

// siblings opens n connections whose read-only transactions see d's
// snapshot (pg_export_snapshot), nil when the engine cannot share it or a
// connection fails: the caller then runs everything on d.
func (d *dbSource) siblings(n int) []*dbSource {
	// whether the engine has the function, asked in a savepoint (a refused
	// question must not end the transaction); the export itself cannot run
	// in one
	sp, err := d.tx.Begin(d.ctx)
	if err != nil {
		return nil
	}
	var has bool
	if err := sp.QueryRow(d.ctx, "SELECT to_regprocedure('pg_export_snapshot()') IS NOT NULL").Scan(&has); err != nil || !has {
		sp.Rollback(d.ctx)
		return nil
	}
	sp.Commit(d.ctx)
	var snap string
	if err := d.tx.QueryRow(d.ctx, "SELECT pg_export_snapshot()").Scan(&snap); err != nil || !snapshotID.MatchString(snap) {
		return nil
	}
	d.sql = append(d.sql, "SELECT pg_export_snapshot()", fmt.Sprintf("SET TRANSACTION SNAPSHOT '…' (the exported one, on %d more connections)", n))
	var out []*dbSource
	fail := func() []*dbSource {
		for _, s := range out {
			s.Close()
		}
		return nil
	}
	for range n {
		conn, err := pgx.ConnectConfig(d.ctx, d.cfg)
		if err != nil {
			return fail()
		}
		tx, err := conn.BeginTx(d.ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
		if err != nil {
			conn.Close(d.ctx)
			return fail()
		}
		s := &dbSource{conn: conn, tx: tx, ctx: d.ctx, cancel: func() {}, label: d.label, timeout: d.timeout, received: d.received}
		out = append(out, s)
		for _, q := range []string{"SET TRANSACTION SNAPSHOT '" + snap + "'", s.timeoutSQL(), "SET LOCAL max_parallel_workers_per_gather = 0"} {
			if _, err := s.tx.Exec(d.ctx, q); err != nil {
				return fail()
			}
		}
	}
	return out
}

// snapshotID is what pg_export_snapshot returns (put into SQL as a literal).
var snapshotID = regexp.MustCompile(`^[0-9A-Fa-f-]+$`)

// factsReader runs the facts' queries and reads their text values.
type factsReader struct {
	d         *dbSource
	e         string // the as-of date, a literal
	asOf      model.Day
	index     map[string]int32 // the summary's customers by id
	customers int
	scale     int64 // millionths per minor unit
	bad       error // the first value that did not read
	missing   int   // entries of customers the summary did not give
}

// epoch turns a date expression into days since 1970-01-01, as text.
func epoch(x string) string { return "(" + x + " - DATE '1970-01-01')::text" }

func (f *factsReader) money(v []byte) model.Money {
	m, _, err := ParseAmount(v, false)
	if err != nil && f.bad == nil {
		f.bad = fmt.Errorf("%s: the engine returned %q as an amount", f.d.label, v)
	}
	return roundDiv(m, f.scale)
}

func (f *factsReader) num(v []byte) float64 {
	x, err := strconv.ParseFloat(string(v), 64)
	if err != nil && f.bad == nil {
		f.bad = fmt.Errorf("%s: the engine returned %q as a number", f.d.label, v)
	}
	return x
}

func (f *factsReader) integer(v []byte) int {
	i, err := strconv.Atoi(string(v))
	if err != nil && f.bad == nil {
		f.bad = fmt.Errorf("%s: the engine returned %q as a whole number", f.d.label, v)
	}
	return i
}

// day reads days since 1970-01-01; NULL is NoDay.
func (f *factsReader) day(v []byte) model.Day {
	if v == nil {
		return model.NoDay
	}
	return model.Day(f.integer(v))
}

func (f *factsReader) customer(v []byte) (int32, bool) {
	c, ok := f.index[string(v)]
	if !ok {
		f.missing++
	}
	return c, ok
}

// run runs q and passes each row's text values to row.
func (f *factsReader) run(q string, row func(v [][]byte)) error {
	d := f.d
	res, err := d.tx.Query(d.ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %s", d.label, d.problem(err))
	}
	defer res.Close()
	for res.Next() {
		row(res.RawValues())
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("%s: %s", d.label, d.problem(err))
	}
	d.sql = append(d.sql, q)
	return f.bad
}

// rows is the summary's rows up to the as-of date with the given columns.
func (f *factsReader) rows(rr factRows, cols string) string { return f.rowsFrom(rr.relation, rr, cols) }

// rowsFrom is rows read from from (the relation, or ordered(relation)).
func (f *factsReader) rowsFrom(from string, rr factRows, cols string) string {
	return "(SELECT " + cols + " FROM " + from + " WHERE " + rr.where + " AND " + rr.day + " <= " + f.e + ") AS ll_rows"
}

// activity adds up the purchase days and the cohorts, in one statement:
// the rows by customer and day, then by customer and month, then quarter.
func (f *factsReader) activity(rr factRows) (*model.Activity, error) {
	a := &model.Activity{AsOf: f.asOf}
	month := func(x string) string {
		return "(extract(year FROM " + x + ")::int * 12 + extract(month FROM " + x + ")::int - 1)" // model.PeriodOf
	}
	// by customer and day, with the customer's first purchase day (ll_f)
	q := "WITH ll_day AS (SELECT *, min(ll_d) FILTER (WHERE ll_buy) OVER (PARTITION BY ll_c) AS ll_f FROM (SELECT ll_c, ll_d, bool_or(ll_a >= 0) AS ll_buy, sum(ll_a) AS ll_a FROM " +
		f.rows(rr, rr.cust+" AS ll_c, "+rr.day+" AS ll_d, "+rr.amt+" AS ll_a") + " GROUP BY ll_c, ll_d) AS ll_cd), " +
		"ll_m AS (SELECT ll_c, " + month("ll_d") + " AS ll_p, " + month("ll_f") + " AS ll_fp, bool_or(ll_buy) AS ll_buy, sum(ll_a) AS ll_a FROM ll_day WHERE ll_f IS NOT NULL GROUP BY 1, 2, 3), " +
		"ll_q AS (SELECT ll_c, ll_p / 3 AS ll_p, ll_fp / 3 AS ll_fp, bool_or(ll_buy) AS ll_buy, sum(ll_a) AS ll_a FROM ll_m GROUP BY 1, 2, 3) " +
		// customers by first purchase day (NULL: none), other purchase days by day
		"SELECT 'b', " + epoch("ll_d") + ", count(*)::text, NULL, NULL FROM ll_day WHERE ll_d = ll_f GROUP BY ll_d " +
		"UNION ALL SELECT 'b', NULL, count(DISTINCT ll_c)::text, NULL, NULL FROM ll_day WHERE ll_f IS NULL " +
		"UNION ALL SELECT 'r', " + epoch("ll_d") + ", count(*)::text, NULL, NULL FROM ll_day WHERE ll_buy AND ll_d > ll_f GROUP BY ll_d"
	// each cohort's customers with a purchase and its net amount, period by period
	for _, p := range []string{"m", "q"} {
		q += " UNION ALL SELECT '" + p + "', ll_fp::text, (ll_p - ll_fp)::text, (count(*) FILTER (WHERE ll_buy))::text, sum(ll_a)::text FROM ll_" + p +
			" WHERE ll_p >= ll_fp GROUP BY ll_fp, ll_p"
	}
	sizes := [2]map[int]int{{}, {}}
	err := f.run(q, func(v [][]byte) {
		switch string(v[0]) {
		case "b":
			n := f.integer(v[2])
			if v[1] == nil {
				a.Month.NoPurchase, a.Quarter.NoPurchase = n, n
				return
			}
			day := f.day(v[1])
			a.Births = append(a.Births, model.DayCount{Day: day, N: n})
			sizes[0][model.PeriodOf(day, false)] += n
			sizes[1][model.PeriodOf(day, true)] += n
		case "r":
			a.Repeats = append(a.Repeats, model.DayCount{Day: f.day(v[1]), N: f.integer(v[2])})
		default:
			facts := &a.Month
			if string(v[0]) == "q" {
				facts = &a.Quarter
			}
			facts.Cells = append(facts.Cells, model.CohortCell{First: f.integer(v[1]), K: f.integer(v[2]), Active: f.integer(v[3]), Revenue: f.money(v[4])})
		}
	})
	if err != nil {
		return nil, err
	}
	for k, facts := range []*model.CohortFacts{&a.Month, &a.Quarter} {
		for p, n := range sizes[k] {
			facts.Sizes = append(facts.Sizes, model.PeriodCount{Period: p, N: n})
		}
	}
	// with an as-of date, the rows after it and the customers who have only
	// such rows: not in the summary, counted as the rows' analysis counts them
	if rr.cut {
		err = f.run("SELECT (count(*) FILTER (WHERE "+rr.day+" > "+f.e+"))::text, (count(DISTINCT "+rr.cust+") - count(DISTINCT "+rr.cust+") FILTER (WHERE "+rr.day+" <= "+f.e+"))::text FROM "+
			rr.relation+" WHERE "+rr.complete, func(v [][]byte) { a.RowsAfter, a.CustomersLater = f.integer(v[0]), f.integer(v[1]) })
		if err != nil {
			return nil, err
		}
	}
	return a, nil
}

// documents adds up each customer's documents for the cost to serve (its
// rows merged by document id, a row without one a document of its own,
// dated by the earliest; over the whole history and the last 365 days) and
// its gross sales and rows by channel and by category.
func (f *factsReader) documents(rr factRows) (serve *model.ServeCounts, channel, category *model.Mix, err error) {
	if serve, err = f.serveCounts(rr); err != nil {
		return nil, nil, nil, err
	}
	for _, mix := range []struct {
		expr string
		f    Field
		dst  **model.Mix
	}{{rr.channel, FChannel, &channel}, {rr.category, FCategory, &category}} {
		if mix.expr == "" {
			continue
		}
		var entries []model.MixEntry
		rows := f.rows(rr, rr.cust+" AS ll_c, "+rr.amt+" AS ll_a, "+mix.expr+" AS ll_v")
		err := f.run("SELECT ll_c::text, ll_v, coalesce(sum(ll_a) FILTER (WHERE ll_a > 0), 0)::text, count(*)::text FROM "+rows+" WHERE ll_v <> '' GROUP BY 1, 2", func(v [][]byte) {
			if c, ok := f.customer(v[0]); ok {
				entries = append(entries, model.MixEntry{Cust: c, Value: string(v[1]), Sales: f.money(v[2]), Rows: int32(f.integer(v[3]))})
			}
		})
		if err != nil {
			return nil, nil, nil, err
		}
		*mix.dst = model.NewMix(mix.f.String(), f.customers, entries)
	}
	return serve, channel, category, nil
}

// serveCounts counts each customer's documents, lines and returns.
func (f *factsReader) serveCounts(rr factRows) (*model.ServeCounts, error) {
	n := f.customers
	counts := func() model.DocCounts {
		return model.DocCounts{PurchaseDocs: make([]int32, n), Lines: make([]int32, n), ReturnDocs: make([]int32, n), ReturnValue: make([]model.Money, n)}
	}
	sc := &model.ServeCounts{All: counts(), TTM: counts()}
	// a document: the customer's rows with one id (ll_k), or a row without
	// one (ll_o, its place)
	id, solo := "NULL::text", "ll_ord"
	if rr.doc != "" {
		id, solo = "nullif("+rr.doc+", '')", "CASE WHEN nullif("+rr.doc+", '') IS NULL THEN ll_ord END"
	}
	docs := "(SELECT ll_c, min(ll_d) AS ll_dd, sum(ll_a) AS ll_net, count(*) AS ll_n FROM " +
		f.rowsFrom(ordered(rr.relation), rr, rr.cust+" AS ll_c, "+id+" AS ll_k, "+solo+" AS ll_o, "+rr.day+" AS ll_d, "+rr.amt+" AS ll_a") +
		" GROUP BY ll_c, ll_k, ll_o) AS ll_docs"
	var cols []string
	for _, w := range []string{"TRUE", "ll_dd > " + f.e + " - 365"} {
		cols = append(cols, "(count(*) FILTER (WHERE ll_net >= 0 AND "+w+"))::text", "coalesce(sum(ll_n) FILTER (WHERE "+w+"), 0)::text",
			"(count(*) FILTER (WHERE ll_net < 0 AND "+w+"))::text", "coalesce(-sum(ll_net) FILTER (WHERE ll_net < 0 AND "+w+"), 0)::text")
	}
	err := f.run("SELECT ll_c::text, "+strings.Join(cols, ", ")+" FROM "+docs+" GROUP BY ll_c", func(v [][]byte) {
		c, ok := f.customer(v[0])
		if !ok {
			return
		}
		for k, dc := range []*model.DocCounts{&sc.All, &sc.TTM} {
			w := v[1+4*k:]
			dc.PurchaseDocs[c], dc.Lines[c], dc.ReturnDocs[c], dc.ReturnValue[c] = int32(f.integer(w[0])), int32(f.integer(w[1])), int32(f.integer(w[2])), f.money(w[3])
		}
	})
	return sc, err
}

// receivableCols are the columns the receivables read from each row, with
// e the as-of date: its day (ll_d), amount (ll_a), due date (ll_due),
// balance (ll_open) and, with paid dates, the paid date (ll_paid) and the
// amount paid (ll_pa: the paid amount, or the amount) in minor units
// (minor of them to one unit, as the model weighs payments: whole numbers,
// so that the products with days are bigint and summed exactly).
func (rr factRows) receivableCols(e string, minor int64) string {
	open := "0" // each row's balance at the as-of date, as the rows are read
	switch {
	case rr.paid != "" && rr.paidAmt != "":
		open = "CASE WHEN " + rr.paid + " IS NULL OR " + rr.paid + " > " + e + " THEN " + rr.amt + " ELSE " + rr.amt + " - coalesce(" + rr.paidAmt + ", 0) END"
	case rr.paid != "":
		open = "CASE WHEN " + rr.paid + " IS NULL OR " + rr.paid + " > " + e + " THEN " + rr.amt + " ELSE 0 END"
	case rr.outstanding != "":
		open = "coalesce(" + rr.outstanding + ", 0)"
	}
	due := "NULL::date"
	if rr.due != "" {
		due = rr.due
	}
	cols := rr.day + " AS ll_d, " + rr.amt + " AS ll_a, " + due + " AS ll_due, (" + open + ") AS ll_open"
	if rr.paid != "" {
		paidAmt := rr.amt
		if rr.paidAmt != "" {
			paidAmt = "coalesce(" + rr.paidAmt + ", 0)"
		}
		cols += ", " + rr.paid + " AS ll_paid, round(" + paidAmt + " * " + strconv.FormatInt(minor, 10) + ")::bigint AS ll_pa"
	}
	return cols
}

// paidIn is the condition of a payment the credit score weighs: an invoice
// paid in the 365 days to the as-of date e.
func (rr factRows) paidIn(e string) string {
	if rr.paid == "" {
		return "FALSE"
	}
	return "ll_a > 0 AND ll_paid IS NOT NULL AND ll_paid <= " + e + " AND ll_paid > " + e + " - 365 AND ll_pa > 0"
}

// customerSums are each customer's receivable figures over receivableCols,
// as aggregates of its rows: unapplied credits, credit sales of the three
// newest months, and with paid dates the payment sums of model.PaidSums (in
// minor units) and their count.
func (rr factRows) customerSums(e string) []string {
	month0 := "date_trunc('month', " + e + ")::date"
	sums := []string{
		"coalesce(sum(ll_open) FILTER (WHERE ll_open < 0), 0)::text",
		"coalesce(sum(ll_a) FILTER (WHERE ll_a > 0 AND ll_d >= (" + month0 + " - interval '2 months')::date AND ll_d <= " + e + "), 0)::text",
	}
	if rr.paid == "" {
		return sums
	}
	pay := rr.paidIn(e)
	dated := " FILTER (WHERE ll_due IS NOT NULL AND " + pay + ")"
	recent := " FILTER (WHERE ll_due IS NOT NULL AND " + pay + " AND ll_paid > " + e + " - 91)"
	u := "(ll_paid - ll_due)"
	for _, x := range []string{"ll_pa" + dated, "ll_pa * greatest(0, " + u + ")" + dated, "ll_pa * " + u + dated, "ll_pa * (ll_paid - ll_d)" + dated,
		"ll_pa * " + paymentIndex840SQL(u) + dated, "ll_pa" + recent, "ll_pa * greatest(0, " + u + ")" + recent} {
		sums = append(sums, "coalesce(sum("+strings.Replace(x, " FILTER", ") FILTER", 1)+", 0)::text")
	}
	sums = append(sums, "(count(*)"+dated+")::text")
	// late invoices (the cost to serve's): with a due date, paid after it or
	// open past it at the as-of date; and the invoices without a due date
	late := "ll_a > 0 AND ll_due IS NOT NULL AND ((ll_paid <= " + e + " AND ll_paid > ll_due) OR ((ll_paid IS NULL OR ll_paid > " + e + ") AND " + e + " > ll_due))"
	return append(sums, "(count(*) FILTER (WHERE "+late+"))::text", "(count(*) FILTER (WHERE ll_a > 0 AND ll_due IS NULL))::text")
}

// customerSums reads one customer's customerSums (v, text) into r.
func (f *factsReader) customerSums(r *model.Receivables, c int32, v [][]byte) {
	r.Unapplied[c], r.Sales3m[c] = f.money(v[0]), f.money(v[1])
	if len(v) > 2 {
		p := &r.Paid[c]
		p.W, p.WU, p.WRaw, p.WDTP, p.WP, p.RecentW, p.RecentWU = f.num(v[2]), f.num(v[3]), f.num(v[4]), f.num(v[5]), f.num(v[6]), f.num(v[7]), f.num(v[8])
		p.N = f.integer(v[9])
		r.Late[c] = int32(f.integer(v[10]))
		r.UndatedInvoices += f.integer(v[11])
	}
}

// receivables adds up the open invoices, each customer's sums, the payments
// of invoices without a due date and the monthly credit sales.
func (f *factsReader) receivables(rr factRows, n int, minor int64) (*model.Receivables, error) {
	e := f.e
	r := &model.Receivables{AsOf: f.asOf, HasPaid: rr.paid != "", HasPaidAmount: rr.paid != "" && rr.paidAmt != "", HasOutstanding: rr.outstanding != "",
		Unapplied: make([]model.Money, n), Paid: make([]model.PaidSums, n), Monthly: make([]model.Money, model.SalesMonths), Sales3m: make([]model.Money, n)}
	if rr.paid != "" {
		r.Late = make([]int32, n)
	}
	rows := f.rows(rr, rr.cust+" AS ll_c, "+rr.receivableCols(e, minor))
	// the open invoices
	err := f.run("SELECT ll_c::text, "+epoch("ll_d")+", "+epoch("ll_due")+", ll_open::text FROM "+rows+" WHERE ll_open > 0", func(v [][]byte) {
		if c, ok := f.customer(v[0]); ok {
			r.Open = append(r.Open, model.OpenRow{Cust: c, Date: f.day(v[1]), Due: f.day(v[2]), Open: f.money(v[3])})
		}
	})
	if err != nil {
		return nil, err
	}
	// each customer's sums
	err = f.run("SELECT ll_c::text, "+strings.Join(rr.customerSums(e), ", ")+" FROM "+rows+" GROUP BY ll_c", func(v [][]byte) {
		if c, ok := f.customer(v[0]); ok {
			f.customerSums(r, c, v[1:])
		}
	})
	if err != nil {
		return nil, err
	}
	// the payments of invoices without a due date
	if rr.paid != "" {
		err = f.run("SELECT ll_c::text, (ll_paid - ll_d)::text, (ll_paid > "+e+" - 91)::text, sum(ll_pa)::text, count(*)::text FROM "+rows+
			" WHERE ll_due IS NULL AND "+rr.paidIn(e)+" GROUP BY 1, 2, 3", func(v [][]byte) {
			if c, ok := f.customer(v[0]); ok {
				r.Undated = append(r.Undated, model.UndatedPaid{Cust: c, DTP: f.integer(v[1]), Recent: string(v[2]) == "true", Amount: model.Money(f.integer(v[3])), N: f.integer(v[4])})
			}
		})
		if err != nil {
			return nil, err
		}
	}
	// the credit sales of each month
	month0 := "date_trunc('month', " + e + ")::date"
	k := "((extract(year FROM " + e + ") - extract(year FROM ll_d)) * 12 + extract(month FROM " + e + ") - extract(month FROM ll_d))::int"
	err = f.run("SELECT "+k+"::text, sum(ll_a)::text FROM "+rows+" WHERE ll_a > 0 AND ll_d >= ("+month0+" - interval '"+strconv.Itoa(model.SalesMonths-1)+" months')::date GROUP BY 1",
		func(v [][]byte) {
			if k := f.integer(v[0]); k >= 0 && k < model.SalesMonths {
				r.Monthly[k] = f.money(v[1])
			}
		})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// paymentIndex840SQL is model.PaymentIndex × 840 of u whole days, as the
// engine computes it: the same anchors, integer steps.
func paymentIndex840SQL(u string) string {
	xs, ys := model.PaymentIndexDays, model.PaymentIndexScores
	var b strings.Builder
	b.WriteString("(CASE WHEN " + u + " <= " + strconv.Itoa(xs[0]) + " THEN " + strconv.Itoa(840*ys[0]))
	for k := 1; k < len(xs); k++ {
		step := (ys[k] - ys[k-1]) * (840 / (xs[k] - xs[k-1]))
		fmt.Fprintf(&b, " WHEN %s <= %d THEN %d + (%s - (%d)) * (%d)", u, xs[k], 840*ys[k-1], u, xs[k-1], step)
	}
	b.WriteString(" ELSE " + strconv.Itoa(840*ys[len(ys)-1]) + " END)")
	return b.String()
}
