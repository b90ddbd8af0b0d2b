package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"ledgerlens/model"
)

// Document is one of a customer's documents as the database holds it: its
// rows added up by date and document number.
type Document struct {
	Date  model.Day
	Doc   string // empty without a document-number column
	Net   model.Money
	Lines int
}

// RecentDocuments reads customer id's latest documents (at most limit) from
// a database source given as for Load (src, opt): one query on the
// customer-id column — with an index on it, a lookup — in its own read-only
// transaction. It is the card's view of the rows a --summary load did not
// transfer; amounts are in decimals places (the ledger's), rounded half away
// from zero. Rows without a date or an amount, or after opt.AsOf, are left
// out as the summary leaves them out.
func RecentDocuments(ctx context.Context, src string, opt Options, id string, limit int, decimals int) ([]Document, error) {
	opt.Context, opt.Summary = ctx, false
	plans, closer, err := planDatabase(src, opt)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	d, p := closer.(*dbSource), plans[0]
	m := &p.m
	if !m.Has(FCustomerID) || !m.Has(FDate) || !(m.Has(FAmount) || (m.Has(FQuantity) && m.Has(FUnitPrice))) {
		return nil, errors.New(p.file + ": no customer id, date and amount columns to list documents by")
	}
	col := func(f Field) string { return pgx.Identifier{string(d.cols.names[m.ByField[f]])}.Sanitize() }
	amt := col(FAmount) + "::text"
	if !m.Has(FAmount) {
		amt = "(" + col(FQuantity) + "::numeric * " + col(FUnitPrice) + "::numeric)::text"
	} else if d.cols.oids[m.ByField[FAmount]] == oidMoney {
		amt = col(FAmount) + "::numeric::text"
	}
	doc := "''"
	if m.Has(FDocumentID) {
		doc = "coalesce(" + col(FDocumentID) + "::text, '')"
	}
	day := col(FDate) + "::date"
	where := col(FCustomerID) + "::text = $1 AND " + col(FDate) + " IS NOT NULL"
	args := []any{id}
	if opt.AsOf != model.NoDay && opt.AsOf != 0 {
		where += " AND " + day + " <= $2"
		args = append(args, opt.AsOf.String())
	}
	// the rows of the latest documents only: the date and number of each
	// are picked first, newest first
	q := fmt.Sprintf(`SELECT to_char(%[1]s, 'YYYY-MM-DD'), %[2]s, %[3]s FROM %[4]s WHERE %[5]s AND (%[1]s, %[2]s) IN (
  SELECT DISTINCT %[1]s, %[2]s FROM %[4]s WHERE %[5]s ORDER BY 1 DESC, 2 DESC LIMIT %[6]d)`, day, doc, amt, d.relation, where, limit)
	rows, err := d.tx.Query(d.ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", p.file, d.problem(err))
	}
	defer rows.Close()
	type key struct {
		date model.Day
		doc  string
	}
	sums, lines := map[key]int64{}, map[key]int{}
	var order []key
	for rows.Next() {
		var date, docNo string
		var amount *string
		if err := rows.Scan(&date, &docNo, &amount); err != nil {
			return nil, fmt.Errorf("%s: %s", p.file, d.problem(err))
		}
		if amount == nil {
			continue // as the summary: a row without an amount is not added up
		}
		day, err := model.ParseISODay(date)
		if err != nil {
			return nil, fmt.Errorf("%s: date %q: %v", p.file, date, err)
		}
		micro, _, err := ParseAmount([]byte(*amount), false)
		if err != nil {
			return nil, fmt.Errorf("%s: amount %q: %v", p.file, *amount, err)
		}
		k := key{day, docNo}
		if _, ok := lines[k]; !ok {
			order = append(order, k)
		}
		sums[k] += micro
		lines[k]++
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s", p.file, d.problem(err))
	}
	div := model.Pow10(microDecimals - decimals)
	out := make([]Document, 0, len(order))
	for _, k := range order {
		out = append(out, Document{Date: k.date, Doc: k.doc, Net: model.Money(roundDiv(sums[k], div)), Lines: lines[k]})
	}
	slices.SortFunc(out, func(a, b Document) int {
		if c := cmp.Compare(b.Date, a.Date); c != 0 {
			return c
		}
		return cmp.Compare(b.Doc, a.Doc)
	})
	return out, nil
}
