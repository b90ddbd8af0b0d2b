package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"ledgerlens/model"
)

// The per-customer summary pushed into the engine (--summary): one GROUP BY
// over the ledger's rows gives each customer's total sales, purchase days,
// first and last purchase, cost and descriptive fields, and only those rows
// — one per customer — are transferred. They are read as a customer-level
// ledger (model.Totals), the same form a file with one row per customer
// takes, so every figure the customer-level form has is computed as it is
// for such a file, and those it has not say so.
//
// The summary's definition, which the tests' own producer (summaryOracle,
// from the CSV of the same rows) follows too:
//   - rows count when they have a customer id, a date and an amount;
//   - amount: Σ amount (returns and credit notes included);
//   - orders: distinct days with a row of amount ≥ 0 (purchase days);
//   - first_order_date, last_order_date: the first and last of those days;
//   - ttm_amount, ttm_cost: Σ amount and Σ cost in the 365 days to the as-of
//     date (given, else the last purchase day), 0 without rows there;
//   - prior_amount: Σ amount in the 365 days before those;
//   - purchase_documents: distinct document ids with a row of amount ≥ 0,
//     and each such row without an id;
//   - first_document_date: the first day with a row of any amount;
//   - gap_squares: Σ of the squared days between consecutive purchase days;
//   - activity_year, activity_quarter: bit k set when a row of amount ≥ 0
//     is dated k years (365 days) or quarters (91 days) before the as-of
//     date, k < 16 (simple-CLV retention);
//   - repeat_amount, repeat_cost: Σ amount and Σ cost of every row on the
//     purchase days but the first (the Gamma-Gamma spend's sum, as the rows
//     give it); empty with a single purchase day;
//   - cost: Σ cost, when the ledger has a cost column;
//   - customer_name, credit_limit, region, industry, channel, customer_type,
//     employees, annual_revenue, total_assets: the first non-blank value in
//     the relation's order, as the rows are read (ll_ord, the row's place
//     in the scan).

// ordered is the relation with each row's place in the scan (ll_ord): the
// order the rows are read in.
func ordered(relation string) string {
	return "(SELECT *, row_number() OVER () AS ll_ord FROM " + relation + ") AS ll_src"
}

// attributeColumns are the columns the reading keeps as customer
// attributes: mapped to no field, and not taken for a field by the
// summary's own mapping.
func attributeColumns(m *Mapping) []Column {
	var out []Column
	for _, c := range m.Columns {
		if c.Field != FNone || c.Header == "" {
			continue
		}
		if mm, err := buildMapping([]string{c.Header}, nil); err == nil && mm.Columns[0].Field == FNone {
			out = append(out, c)
		}
	}
	return out
}

// summaryFirsts are the descriptive fields summarised by their first value.
var summaryFirsts = []Field{FCustomerName, FCreditLimit, FRegion, FIndustry, FChannel, FCustomerType, FEmployees, FAnnualRevenue, FTotalAssets}

// numeric and date types the summary can add up and compare in the engine.
var (
	exactNumberOIDs = map[uint32]bool{oidInt8: true, oidInt2: true, oidInt4: true, oidNumeric: true, oidMoney: true}
	dateOIDs        = map[uint32]bool{oidDate: true, oidTimestamp: true, oidTimestampTZ: true}
)

// summaryPlan turns the planned relation into its per-customer summary.
func (d *dbSource) summaryPlan(p *plan, cols dbColumns, name string, opt Options) (*plan, error) {
	m := &p.m
	if p.kind != "transactions" {
		return nil, fmt.Errorf("%s: --summary adds up transactions; this relation is read as %s", name, p.kind)
	}
	col := func(f Field) (string, uint32) {
		i := m.ByField[f]
		return pgx.Identifier{string(cols.names[i])}.Sanitize(), cols.oids[i]
	}
	number := func(f Field) (string, error) {
		id, oid := col(f)
		if !exactNumberOIDs[oid] {
			return "", fmt.Errorf("%s: --summary adds %s in the engine and needs it as an exact number (numeric or integer), not type %d; without --summary the rows are read and parsed", name, f, oid)
		}
		if oid == oidMoney {
			id += "::numeric"
		}
		return id, nil
	}
	cust, _ := col(FCustomerID)
	dateCol, dateOID := col(FDate)
	if !dateOIDs[dateOID] {
		return nil, fmt.Errorf("%s: --summary needs the date column as a date or timestamp, not type %d; without --summary the rows are read and parsed", name, dateOID)
	}
	day := dateCol + "::date"
	var amt string
	if m.Has(FAmount) {
		a, err := number(FAmount)
		if err != nil {
			return nil, err
		}
		amt = a
	} else {
		q, err := number(FQuantity)
		if err != nil {
			return nil, err
		}
		u, err := number(FUnitPrice)
		if err != nil {
			return nil, err
		}
		amt = "(" + q + " * " + u + ")"
	}
	// the summary's columns: each an expression and the name it is read by
	var sel, names []string
	add := func(expr, name string) {
		sel, names = append(sel, expr+" AS "+pgx.Identifier{name}.Sanitize()), append(names, name)
	}
	add(cust+"::text", "customer_id")
	add("sum("+amt+")::text", "amount")
	add("(count(DISTINCT "+day+") FILTER (WHERE "+amt+" >= 0))::text", "orders")
	add("to_char(min("+day+") FILTER (WHERE "+amt+" >= 0), 'YYYY-MM-DD')", "first_order_date")
	add("to_char(max("+day+") FILTER (WHERE "+amt+" >= 0), 'YYYY-MM-DD')", "last_order_date")
	cost := "" // the cost expression, when the ledger has costs
	if m.Has(FCost) {
		c, err := number(FCost)
		if err != nil {
			return nil, err
		}
		cost = c
		add("sum("+cost+")::text", "cost")
	}
	for _, f := range summaryFirsts {
		if m.Has(f) {
			v := "btrim(" + cols.exprs[m.ByField[f]] + ")" // the text the rows are read as
			add("(array_agg("+v+" ORDER BY ll_ord) FILTER (WHERE "+v+" <> ''))[1]", f.String())
		}
	}
	complete := cust + " IS NOT NULL AND " + dateCol + " IS NOT NULL AND " + amt + " IS NOT NULL"
	where, later := complete, ""
	// the other columns are customer attributes, each customer's first value
	// as the rows are read, unless the rows keep them per row: when values
	// differ from the customer's first in more rows than one customer in
	// twenty (the reading's rule; such columns are not summarised)
	var attributes []string
	if attrCols := attributeColumns(m); len(attrCols) > 0 {
		var customers int64
		q := "SELECT count(DISTINCT " + cust + ") FROM " + d.relation + " WHERE " + complete
		if err := d.tx.QueryRow(d.ctx, q).Scan(&customers); err != nil {
			return nil, fmt.Errorf("%s: %s", name, d.problem(err))
		}
		d.sql = append(d.sql, q)
		for _, c := range attrCols {
			v := "btrim(" + cols.exprs[c.Index] + ")"
			var conflicts int64
			q := "SELECT coalesce(sum(ll_n) FILTER (WHERE NOT ll_first), 0) FROM (SELECT count(*) AS ll_n, min(ll_ord) = min(min(ll_ord)) OVER (PARTITION BY " + cust + ") AS ll_first FROM " +
				ordered(d.relation) + " WHERE " + complete + " AND " + v + " <> '' GROUP BY " + cust + ", " + v + ") AS ll_values"
			if err := d.tx.QueryRow(d.ctx, q).Scan(&conflicts); err != nil {
				return nil, fmt.Errorf("%s: %s", name, d.problem(err))
			}
			d.sql = append(d.sql, q)
			if conflicts*20 > customers {
				continue
			}
			add("(array_agg("+v+" ORDER BY ll_ord) FILTER (WHERE "+v+" <> ''))[1]", c.Header)
			attributes = append(attributes, c.Header)
		}
	}
	// the trailing 12 months end on the as-of date: given, or the last day
	// of a row, as for the rows (the summary's ledger takes it as its own
	// from the facts, model.Activity)
	end := "(SELECT max(" + day + ") FROM " + d.relation + " WHERE " + complete + ")"
	if opt.AsOf != model.NoDay && opt.AsOf != 0 {
		// the ledger as it was on the as-of date: later rows stay in the engine
		// (the date is the program's own ISO text, not the user's)
		end = "DATE '" + opt.AsOf.String() + "'"
		later = day + " > " + end
		where += " AND NOT (" + later + ")"
	}
	// the receivables, cohorts and purchase days at the same as-of date,
	// added up once the summary is read (pgfacts.go)
	rr, why := receivablesColumns(m, col)
	if why != "" {
		d.warnings = append(d.warnings, "--summary adds up the receivables in the engine, but "+why+": aging, ECL, DSO and the credit score are left out (without --summary the rows are read)")
		rr = factRows{unusable: true}
	}
	rr.relation, rr.where, rr.complete, rr.cust, rr.day, rr.amt, rr.cut = d.relation, where, complete, cust, day, amt, later != ""
	if m.Has(FChannel) {
		id, _ := col(FChannel)
		rr.channel = "btrim(" + id + "::text)"
	}
	if m.Has(FCategory) {
		id, _ := col(FCategory)
		rr.category = "btrim(" + id + "::text)"
	}
	if m.Has(FDocumentID) {
		id, _ := col(FDocumentID)
		rr.doc = "btrim(" + id + "::text)"
	}
	d.after = func(led *model.Ledger) error { return d.pushFacts(led, rr, end) }
	// per row, beside its columns: the as-of date (ll_e), whether its day is
	// after the customer's first purchase day (ll_later) and a purchase day
	// (ll_buy, a day with a row of amount ≥ 0), and the purchase day before
	// (ll_prev): one sort by customer, day and amount serves the three
	// windows and the GROUP BY
	rowsWith := "(SELECT *, " + end + " AS ll_e, " + day + " > min(" + day + ") FILTER (WHERE " + amt + " >= 0) OVER (PARTITION BY " + cust + ") AS ll_later, " +
		"bool_or(" + amt + " >= 0) OVER (PARTITION BY " + cust + ", " + day + ") AS ll_buy, " +
		// the last purchase day of the rows before, in order of day and, within
		// a day, amount from the largest: a purchase day's first row gets the
		// purchase day before it, its other rows the day itself (the gaps)
		"max(" + day + ") FILTER (WHERE " + amt + " >= 0) OVER (PARTITION BY " + cust + " ORDER BY " + day + ", " + amt +
		" DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS ll_prev FROM " + ordered(d.relation) + " WHERE " + where + ") AS ll_rows"
	ttm := " FILTER (WHERE " + day + " > ll_e - 365 AND " + day + " <= ll_e), 0)::text"
	repeat := " FILTER (WHERE ll_later AND ll_buy))::text"
	add("coalesce(sum("+amt+")"+ttm, "ttm_amount")
	if cost != "" {
		add("coalesce(sum("+cost+")"+ttm, "ttm_cost")
	}
	add("coalesce(sum("+amt+") FILTER (WHERE "+day+" > ll_e - 730 AND "+day+" <= ll_e - 365), 0)::text", "prior_amount")
	// purchase documents: distinct document ids with a purchase row; a row
	// without an id is a document of its own (as the rows are read)
	docs := "count(*) FILTER (WHERE " + amt + " >= 0)"
	if m.Has(FDocumentID) {
		id, _ := col(FDocumentID)
		doc := "nullif(btrim(" + id + "::text), '')"
		docs = "count(DISTINCT " + doc + ") FILTER (WHERE " + amt + " >= 0) + count(*) FILTER (WHERE " + doc + " IS NULL AND " + amt + " >= 0)"
	}
	add("("+docs+")::text", "purchase_documents")
	add("to_char(min("+day+"), 'YYYY-MM-DD')", "first_document_date")
	add("coalesce(sum(("+day+" - ll_prev)::bigint * ("+day+" - ll_prev)::bigint) FILTER (WHERE "+amt+" >= 0 AND "+day+" > ll_prev), 0)::text", "gap_squares")
	for _, p := range []struct {
		name string
		days int
	}{{"activity_year", 365}, {"activity_quarter", 91}} {
		k := "(ll_e - " + day + ") / " + strconv.Itoa(p.days)
		add("coalesce(bit_or(1 << "+k+") FILTER (WHERE "+amt+" >= 0 AND "+k+" < 16), 0)::text", p.name)
	}
	add("(sum("+amt+")"+repeat, "repeat_amount")
	if cost != "" {
		add("(sum("+cost+")"+repeat, "repeat_cost")
	}
	// customers in the order of their first row, as the rows are read: the
	// same customer order, so that sums over customers add up alike
	q := "SELECT " + strings.Join(sel, ", ") + " FROM " + rowsWith + " GROUP BY " + cust + " ORDER BY min(ll_ord)"
	// rows left out of the summary, said in the report
	var all, left, after int64
	afterSQL := "0"
	if later != "" {
		afterSQL = "count(*) FILTER (WHERE " + later + ")"
	}
	count := "SELECT count(*), count(*) FILTER (WHERE NOT (" + complete + ")), " + afterSQL + " FROM " + d.relation
	if err := d.tx.QueryRow(d.ctx, count).Scan(&all, &left, &after); err != nil {
		return nil, fmt.Errorf("%s: %s", name, d.problem(err))
	}
	d.sql = append(d.sql, count)
	if left > 0 {
		d.warnings = append(d.warnings, fmt.Sprintf("%d of %d rows have no customer id, date or amount: they are not in the summary", left, all))
	}
	if after > 0 {
		d.warnings = append(d.warnings, fmt.Sprintf("%d rows are dated after the as-of date %s: the engine left them out of the summary", after, opt.AsOf))
	}
	var unused []string
	summarised := append([]Field{FCustomerID, FDate, FAmount, FQuantity, FUnitPrice, FCost, FDocumentID,
		FDueDate, FPaidDate, FPaidAmount, FOutstanding, FCategory}, summaryFirsts...)
	for _, c := range m.Columns {
		if c.Header != "" && !slices.Contains(summarised, c.Field) && !slices.Contains(attributes, c.Header) {
			unused = append(unused, fmt.Sprintf("%q", c.Header))
		}
	}
	if len(unused) > 0 {
		d.warnings = append(d.warnings, "--summary transfers per-customer totals only: columns "+strings.Join(unused, ", ")+" are not summarised (without --summary every row is read)")
	}
	headers := make([][]byte, len(names))
	for i, n := range names {
		headers[i] = []byte(n)
	}
	sp := &plan{file: name}
	sp.rep.Relation = p.rep.Relation + " (summary)"
	sp.open = func() (table, error) {
		rows, err := d.tx.Query(d.ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", name, d.problem(err))
		}
		return &dbTable{rows: rows, names: headers, d: d, name: name}, nil
	}
	d.sql = append(d.sql, q)
	// the columns are the summary's own names: mapped without a header scan
	var err error
	if sp.m, err = buildMapping(names, nil); err != nil {
		return nil, err
	}
	sp.kind, sp.rep.Kind, sp.rep.File = "customers", "customers", name
	sp.reportColumns()
	return sp, nil
}
