package importer

import (
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"ledgerlens/model"
)

// builder accumulates rows from every source into one ledger. Money is held in
// millionths until finish reduces it to the ledger's decimals.
type builder struct {
	opt    Options
	led    model.Ledger
	rep    *Report
	custIx *idTable
	// cancellation documents seen (few): counted once each
	cancelDocs map[string]bool
	maxDec     int

	// text holds the customer-level text columns while rows arrive, one
	// record a customer (moved to led.Customers by finish): a row reads one
	// record, not five arrays, and values that repeat (regions, industries)
	// share one string, so comparing a row's value seldom misses the cache.
	text      []custText
	custNums  bool // the numeric columns and write-off flags are held (holdCustNums)
	dicts     [numTexts]map[string]string
	warmSink  int           // keeps warm's loads from being optimised away
	queue     chan *txBatch // the parsed batches waiting for the builder (readConcurrently)
	fromSheet []bool        // customer came from a customers sheet
	hasRows   []bool
	attrIx    map[string]int // attribute name -> index in led.Customers.Attrs
	rowAttrs  []rowAttr      // the same columns per row, same indices
	rowCols   [2]rowAttr     // channel and category of each row (codes only up to the last row that had one)

	totalsForm  bool           // no transactions: customer-level rows carry the totals (Ledger.Totals)
	totals      model.Totals   // per customer, grown by tot
	totSrc      []int16        // per customer: the source its totals came from
	totCols     []totalsColumn // the columns of totals (totalsColumns)
	custDropped bool           // a customers-sheet row was rejected after its customer was added
	conflicts   map[string]int // customer-level column -> customers with conflicting values

	hasCol [numFields]bool // some source mapped the field
	// the transactions carry paid amounts / outstanding balances: the
	// columns are kept from the first source that maps them (rows before
	// get zero), not reserved and filled with zeros for every ledger
	paidAmt, open bool
	dates         []*dateColumn
	drop          []int32 // rows rejected at finish (unresolvable dates)
	rowSrc        []int16 // per transaction row: its source's index in rep.Sources
}

// dateColumn tracks the dates of one column whose day/month order the values
// alone could not tell.
type dateColumn struct {
	file, sheet, header string
	field               Field
	dmy, mdy            int // values that can only be day-first / month-first
	pending             []pendingDate
	order               DateOrder
}

type pendingDate struct {
	row     int32 // transaction index
	srcRow  int32 // row number in the source
	y, p, q int32
}

func newBuilder(opt Options, rep *Report) *builder {
	return &builder{
		opt: opt, rep: rep,
		custIx: newIDTable(), cancelDocs: map[string]bool{},
		attrIx: map[string]int{}, conflicts: map[string]int{},
	}
}

// custText is a customer's id, and its name, region, industry, channel and
// type (textFields).
type custText struct {
	id   string
	text [numTexts]string
}

const numTexts = 5

// textFields are the fields of custText, in order.
var textFields = [numTexts]Field{FCustomerName, FRegion, FIndustry, FChannel, FCustomerType}

// dictCap bounds each text column's dictionary: names are mostly distinct
// and are not worth keeping twice.
const dictCap = 4096

// customer returns the index of customer id, whose hash (idTable.hash) is
// h, adding it when new. A new customer's id and name (when the row has
// one) share one allocation, so that the name a later row compares sits
// next to the id the lookup read.
func (b *builder) customer(id []byte, h uint64, name []byte) int32 {
	c, slot := b.custIx.find(id, h, b.text)
	if c >= 0 {
		return c
	}
	both := string(append(append(make([]byte, 0, len(id)+len(name)), id...), name...))
	c = b.addCustomer(both[:len(id)])
	b.custIx.insert(slot, h, c, b.text)
	if len(name) > 0 {
		b.text[c].text[0] = both[len(id):]
	}
	return c
}

// idle reports whether the builder has at most one parsed batch waiting:
// it keeps up with the parsing.
func (b *builder) idle() bool { return len(b.queue) < 2 }

// warm reads, for a run of rows, the table slots and customer records
// their lookups will read: the id (and the name stored after it) and both
// cache lines of the record's text. The loads do not depend on each other,
// so the processor has many cache misses under way at once, where the
// lookups one by one would wait for each in turn.
func (b *builder) warm(rows []parsedTx) {
	t := b.custIx
	mask := len(t.slots) - 1
	var sink int
	for k := range rows {
		if s := t.slots[int(rows[k].idHash)&mask]; s.tag != 0 {
			ct := &b.text[s.c]
			if id := ct.id; id != "" {
				sink += int(id[0]) + len(ct.text[numTexts-1])
			}
		}
	}
	b.warmSink += sink
}

// intern returns v as a string, the same string for a repeated value of
// text column k while its dictionary has room.
func (b *builder) intern(k int, v []byte) string {
	d := b.dicts[k]
	if d == nil {
		d = map[string]string{}
		b.dicts[k] = d
	}
	if s, ok := d[string(v)]; ok {
		return s
	}
	s := string(v)
	if len(d) < dictCap {
		d[s] = s
	}
	return s
}

// moveText hands the customers' text columns to the ledger.
func (b *builder) moveText() {
	cs := &b.led.Customers
	n := len(cs.ID)
	cols := [numTexts]*[]string{&cs.Name, &cs.Region, &cs.Industry, &cs.Channel, &cs.Type}
	for k, col := range cols {
		*col = make([]string, n)
		for c := range b.text {
			if v := b.text[c].text[k]; v != "" { // a column no source has stays untouched pages
				(*col)[c] = v
			}
		}
	}
	b.text = nil
}

// addCustomer appends a customer (its index is the next one).
func (b *builder) addCustomer(s string) int32 {
	c := int32(len(b.led.Customers.ID))
	cs := &b.led.Customers
	if len(cs.ID) == cap(cs.ID) {
		b.growCustomers()
	}
	cs.ID = append(cs.ID, s)
	b.text = append(b.text, custText{id: s})
	if b.custNums {
		cs.CreditLimit = append(cs.CreditLimit, 0)
		cs.HasLimit = append(cs.HasLimit, false)
		cs.Employees = append(cs.Employees, 0)
		cs.HasEmployees = append(cs.HasEmployees, false)
		cs.Revenue = append(cs.Revenue, 0)
		cs.HasRevenue = append(cs.HasRevenue, false)
		cs.Assets = append(cs.Assets, 0)
		cs.HasAssets = append(cs.HasAssets, false)
		cs.WriteOff = append(cs.WriteOff, false)
	}
	for i := range cs.Attrs {
		cs.Attrs[i].Values = append(cs.Attrs[i].Values, "")
	}
	b.fromSheet = append(b.fromSheet, false)
	b.hasRows = append(b.hasRows, false)
	return c
}

// padded is col with zeros up to n rows when the ledger has the column
// (keep), else nil.
func padded(col []model.Money, keep bool, n int) []model.Money {
	if !keep {
		return nil
	}
	return append(col, make([]model.Money, n-len(col))...)
}

// growCustomers doubles the room of every per-customer column at once. Left
// to append, a large column grows by a quarter at a time and is copied about
// four times over on its way to a million customers (at 10M rows, 1.6 s of
// copying and as many fresh pages). Every column gets the same capacity, so
// that none fills (and is copied by append) before the ids do.
func (b *builder) growCustomers() {
	cs := &b.led.Customers
	n := max(1024, 2*len(cs.ID))
	cs.ID, b.text = withCap(cs.ID, n), withCap(b.text, n)
	if b.custNums {
		b.growCustNums(n)
	}
	b.fromSheet, b.hasRows = withCap(b.fromSheet, n), withCap(b.hasRows, n)
	for i := range cs.Attrs {
		cs.Attrs[i].Values = withCap(cs.Attrs[i].Values, n)
	}
}

// growCustNums gives the customers' numeric columns and write-off flags
// room for n customers.
func (b *builder) growCustNums(n int) {
	cs := &b.led.Customers
	cs.CreditLimit, cs.HasLimit = withCap(cs.CreditLimit, n), withCap(cs.HasLimit, n)
	cs.Employees, cs.HasEmployees = withCap(cs.Employees, n), withCap(cs.HasEmployees, n)
	cs.Revenue, cs.HasRevenue = withCap(cs.Revenue, n), withCap(cs.HasRevenue, n)
	cs.Assets, cs.HasAssets = withCap(cs.Assets, n), withCap(cs.HasAssets, n)
	cs.WriteOff = withCap(cs.WriteOff, n)
}

// holdCustNums starts the customers' numeric columns and write-off flags
// (zero and false for the customers so far), which the builder holds only
// once a source maps one of them: a ledger without them would write and
// copy eight columns of zeros (finish gives it them as fresh, untouched
// zeros).
func (b *builder) holdCustNums() {
	if b.custNums {
		return
	}
	b.custNums = true
	b.zeroCustNums(len(b.led.Customers.ID), cap(b.led.Customers.ID))
}

// zeroCustNums sets the numeric columns and write-off flags to n zeros,
// with room for c.
func (b *builder) zeroCustNums(n, c int) {
	cs := &b.led.Customers
	cs.CreditLimit, cs.HasLimit = make([]model.Money, n, c), make([]bool, n, c)
	cs.Employees, cs.HasEmployees = make([]int64, n, c), make([]bool, n, c)
	cs.Revenue, cs.HasRevenue = make([]model.Money, n, c), make([]bool, n, c)
	cs.Assets, cs.HasAssets = make([]model.Money, n, c), make([]bool, n, c)
	cs.WriteOff = make([]bool, n, c)
}

// custNumFields are the fields held in those columns.
var custNumFields = []Field{FCreditLimit, FAnnualRevenue, FTotalAssets, FEmployees, FWriteOff}

// withRoom returns s with room for n more elements.
func withRoom[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	return withCap(s, len(s)+n)
}

// withCap returns s with room for exactly n elements (at least its length).
func withCap[T any](s []T, n int) []T {
	if cap(s) == n || n < len(s) {
		return s
	}
	t := make([]T, len(s), n)
	copy(t, s)
	return t
}

// attribute returns the index of the extra customer column name.
func (b *builder) attribute(name string) int {
	if i, ok := b.attrIx[name]; ok {
		return i
	}
	cs := &b.led.Customers
	cs.Attrs = append(cs.Attrs, model.Attribute{Name: name, Values: make([]string, len(cs.ID), cap(cs.ID))})
	b.attrIx[name] = len(cs.Attrs) - 1
	b.rowAttrs = append(b.rowAttrs, rowAttr{dict: map[string]int32{"": 0}, vals: []string{""}, codes: make([]int32, len(b.led.Tx.Cust))})
	return len(cs.Attrs) - 1
}

// setText fills a customer-level text value; authoritative sources (a
// customers sheet) overwrite, transaction rows only fill gaps. Differing
// values are counted per column.
func (b *builder) setText(dst *string, v []byte, col string, authoritative bool, k int) {
	v = trimSpace(v)
	if len(v) == 0 {
		return
	}
	if *dst == "" || (authoritative && *dst != string(v)) {
		if k >= 0 {
			*dst = b.intern(k, v)
		} else {
			*dst = string(v)
		}
		return
	}
	if *dst != string(v) {
		b.conflicts[col]++
	}
}

func (b *builder) noteDecimals(d int) {
	if d > b.maxDec {
		b.maxDec = d
	}
}

// rowAttr collects one extra column per transaction row.
type rowAttr struct {
	dict  map[string]int32
	vals  []string
	codes []int32
}

func (r *rowAttr) code(v []byte) int32 {
	if len(v) == 0 {
		return 0
	}
	if c, ok := r.dict[string(v)]; ok {
		return c
	}
	c := int32(len(r.vals))
	s := string(v)
	r.dict[s] = c
	r.vals = append(r.vals, s)
	return c
}

// rowFields are the fields kept per transaction row as well (b.rowCols).
var rowFields = [2]Field{FChannel, FCategory}

// put sets row i's value, rows before it without one getting the blank.
func (r *rowAttr) put(i int32, v []byte) {
	if r.dict == nil {
		r.dict, r.vals = map[string]int32{"": 0}, []string{""}
	}
	for int32(len(r.codes)) < i {
		r.codes = append(r.codes, 0)
	}
	r.codes = append(r.codes, r.code(v))
}

// source is one header-mapped table being read.
type source struct {
	file, sheet string
	rep         *SourceReport
	m           Mapping
	attrs       [][2]int // column index, attribute index
	dateCols    [numFields]*dateColumn
	serials     bool // xlsx: numeric dates are Excel serials
	date1904    bool
	idx         int16    // index in Report.Sources
	ids         *idTable // the builder's: parseTx hashes with it (its seed never changes)
}

func (b *builder) newSource(file, sheet string, m Mapping, rep *SourceReport, serials, date1904 bool) *source {
	s := &source{file: file, sheet: sheet, rep: rep, m: m, serials: serials, date1904: date1904, idx: int16(len(b.rep.Sources) - 1), ids: b.custIx}
	for _, c := range m.Columns {
		if c.Field == FNone && c.Header != "" {
			s.attrs = append(s.attrs, [2]int{c.Index, b.attribute(c.Header)})
		}
		if c.Field != FNone {
			b.hasCol[c.Field] = true
		}
		if slices.Contains(custNumFields, c.Field) {
			b.holdCustNums()
		}
	}
	for _, f := range []Field{FDate, FDueDate, FPaidDate, FFirstDate, FLastDate, FFirstDocDate} {
		if m.Has(f) {
			dc := &dateColumn{file: file, sheet: sheet, header: m.Columns[m.ByField[f]].Header, field: f, order: b.opt.DateOrder}
			s.dateCols[f] = dc
			b.dates = append(b.dates, dc)
		}
	}
	return s
}

// extraField returns the first non-empty field past the header's columns
// in a text file (an unquoted "1,000.00" splits into two fields and would
// shift every value after it), or nil. Sheets may carry notes beside the
// table, so only delimited text is checked.
func (s *source) extraField(rec [][]byte) []byte {
	w := len(s.m.Columns)
	if s.sheet != "" || w == 0 || len(rec) <= w {
		return nil
	}
	for _, v := range rec[w:] {
		if len(trimSpace(v)) > 0 {
			return v
		}
	}
	return nil
}

func cell(rec [][]byte, i int) []byte {
	if i < 0 || i >= len(rec) {
		return nil
	}
	return rec[i]
}

func (s *source) get(rec [][]byte, f Field) []byte {
	return trimSpace(cell(rec, s.m.ByField[f]))
}

func (s *source) header(f Field) string {
	if i := s.m.ByField[f]; i >= 0 {
		return s.m.Columns[i].Header
	}
	return f.String()
}

func isBlank(rec [][]byte) bool {
	for _, f := range rec {
		if len(trimSpace(f)) > 0 {
			return false
		}
	}
	return true
}

func clip(v []byte) string {
	s := string(v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// rejectRow records a rejected row.
func (b *builder) rejectRow(s *source, row int, f Field, v []byte, reason string) {
	s.rep.Rejected++
	rej := Rejection{File: s.file, Sheet: s.sheet, Row: row, Reason: reason, Value: clip(v)}
	if f != FNone {
		rej.Column = s.header(f)
	}
	b.rep.reject(rej)
}

// reserve grows the transaction columns to hold n more rows, so that a big
// file does not copy them again and again while it loads. The room is not
// cleared (withRoom): fresh pages are touched only as rows fill them,
// while the parsers run, not all at once before they start, and room the
// estimate gave too much is never touched at all.
func (b *builder) reserve(n int, docs bool) {
	n = min(n, 50_000_000)
	tx := &b.led.Tx
	tx.Cust = withRoom(tx.Cust, n)
	tx.Date = withRoom(tx.Date, n)
	tx.Due = withRoom(tx.Due, n)
	tx.Paid = withRoom(tx.Paid, n)
	tx.Amount = withRoom(tx.Amount, n)
	tx.Cost = withRoom(tx.Cost, n)
	tx.CostKnown = withRoom(tx.CostKnown, n)
	b.paidAmt = b.paidAmt || b.hasCol[FPaidAmount]
	b.open = b.open || b.hasCol[FOutstanding]
	if b.paidAmt {
		tx.PaidAmt = append(tx.PaidAmt, make([]model.Money, len(tx.Cust)-len(tx.PaidAmt))...)
		tx.PaidAmt = withRoom(tx.PaidAmt, n)
	}
	if b.open {
		tx.Open = append(tx.Open, make([]model.Money, len(tx.Cust)-len(tx.Open))...)
		tx.Open = withRoom(tx.Open, n)
	}
	tx.Doc = withRoom(tx.Doc, n)
	b.rowSrc = withRoom(b.rowSrc, n)
	if docs {
		d := &b.led.Docs
		d.End, d.Hash = withRoom(d.End, n), withRoom(d.Hash, n)
		d.Text = withRoom(d.Text, 10*n)
	}
}

// parsedTx is one transaction row parsed on the reading goroutine: every
// value that needs no builder state. Byte slices point into the batch's own
// storage.
type parsedTx struct {
	row       int
	reason    string // rejection reason; "" when the row is usable
	badField  Field
	badValue  []byte
	id, doc   []byte
	idHash    uint64 // of id, for the builder's idTable
	date      dateVal
	due, paid dateVal
	amount    int64
	cost      int64
	costKnown bool
	money     [2]int64 // paid amount, outstanding
	dec       int      // most decimals among the stated amounts (not unit prices)
	computed  bool     // the amount is quantity × unit price
	rec       [][]byte // the whole record, when customer-level columns need it
	late      bool     // the dates and amounts still to parse, from rec (parseLate)
}

// reject marks the row rejected for value v of field f.
func (p *parsedTx) reject(f Field, v []byte, reason string) {
	p.badField, p.badValue, p.reason = f, v, reason
}

// needsRecord reports whether rows of s carry customer-level columns or
// attributes, which are applied from the whole record.
func (s *source) needsRecord() bool {
	if len(s.attrs) > 0 {
		return true
	}
	for _, f := range []Field{FCustomerName, FRegion, FIndustry, FChannel, FCustomerType, FCreditLimit, FAnnualRevenue, FTotalAssets, FEmployees, FWriteOff, FCategory} {
		if s.m.Has(f) {
			return true
		}
	}
	return false
}

// parseTx parses a transaction row. It only reads s and opt, so it runs
// beside the builder. The slices it sets alias rec. With late (the record
// is kept for the builder anyway) it checks the row's shape and customer
// id and leaves the dates and amounts (parseLate) to the builder: on two
// cores the parsing goroutine is the slower of the two, and this evens
// them out.
func (s *source) parseTx(opt Options, rec [][]byte, row int, p *parsedTx, late bool) {
	*p = parsedTx{row: row}
	reject := p.reject
	if isBlank(rec) {
		reject(FNone, nil, "empty row")
		return
	}
	if extra := s.extraField(rec); extra != nil {
		reject(FNone, extra, "more fields than the header")
		return
	}
	if s.sheet == "" && len(rec) == 1 && len(s.m.Columns) > 2 {
		reject(FNone, rec[0], "one field where the header has several (another delimiter?)")
		return
	}
	p.id = s.get(rec, FCustomerID)
	if len(p.id) == 0 {
		reject(FCustomerID, nil, "no customer id")
		return
	}
	p.idHash = s.ids.hash(p.id)
	p.doc = s.get(rec, FDocumentID)
	if p.late = late; !late {
		s.parseLate(opt, rec, p)
	}
}

// parseLate parses the date, amount, cost, due and paid dates, paid amount
// and outstanding balance of a row parseTx accepted so far: the rest of its
// checks, in the same order (the first bad field is the one reported).
func (s *source) parseLate(opt Options, rec [][]byte, p *parsedTx) {
	p.late = false
	reject := p.reject
	raw := s.get(rec, FDate)
	if len(raw) == 0 {
		reject(FDate, nil, "no date")
		return
	}
	var err error
	if p.date, err = parseDate(raw, opt.DateOrder, s.serials, s.date1904); err != nil {
		reject(FDate, raw, "bad date")
		return
	}
	amount, dec, reason, bad := s.rowAmount(opt, rec)
	p.dec, p.computed = dec, !s.m.Has(FAmount)
	if reason != "" {
		reject(bad, s.get(rec, bad), reason)
		return
	}
	p.amount = amount
	if v := s.get(rec, FCost); len(v) > 0 {
		m, d, err := ParseAmount(v, opt.DecimalComma)
		if err != nil {
			reject(FCost, v, "bad cost")
			return
		}
		p.cost, p.costKnown, p.dec = m, true, max(p.dec, d)
	}
	p.due.day, p.paid.day = model.NoDay, model.NoDay
	for _, f := range []Field{FDueDate, FPaidDate} {
		v := s.get(rec, f)
		if len(v) == 0 {
			continue
		}
		dv, err := parseDate(v, opt.DateOrder, s.serials, s.date1904)
		if err != nil {
			reject(f, v, "bad "+strings.ReplaceAll(f.String(), "_", " "))
			return
		}
		if f == FDueDate {
			p.due = dv
		} else {
			p.paid = dv
		}
	}
	for k, f := range []Field{FPaidAmount, FOutstanding} {
		if v := s.get(rec, f); len(v) > 0 {
			m, d, err := ParseAmount(v, opt.DecimalComma)
			if err != nil {
				reject(f, v, "bad "+strings.ReplaceAll(f.String(), "_", " "))
				return
			}
			p.money[k], p.dec = m, max(p.dec, d)
		}
	}
}

// applyTx adds a parsed row to the ledger, or records its rejection.
func (b *builder) applyTx(s *source, p *parsedTx) {
	if p.late && p.reason == "" {
		s.parseLate(b.opt, p.rec, p)
	}
	s.rep.RowsRead++
	b.rep.RowsRead++
	b.noteDecimals(p.dec)
	row := p.row
	if p.reason != "" {
		b.rejectRow(s, row, p.badField, p.badValue, p.reason)
		return
	}
	c := b.customer(p.id, p.idHash, s.get(p.rec, FCustomerName))
	if !b.custRow(s, p.rec, row, c, false) {
		return
	}
	b.hasRows[c] = true

	i := int32(len(b.led.Tx.Cust))
	tx := &b.led.Tx
	amount := p.amount
	tx.Cust = append(tx.Cust, c)
	tx.Date = append(tx.Date, b.dateOrPending(s, FDate, p.date, i, row))
	tx.Due = append(tx.Due, b.dateOrPending(s, FDueDate, p.due, i, row))
	tx.Paid = append(tx.Paid, b.dateOrPending(s, FPaidDate, p.paid, i, row))
	tx.Amount = append(tx.Amount, amount)
	tx.Cost = append(tx.Cost, p.cost)
	tx.CostKnown = append(tx.CostKnown, p.costKnown)
	if b.paidAmt {
		tx.PaidAmt = append(tx.PaidAmt, p.money[0])
	}
	if b.open {
		tx.Open = append(tx.Open, p.money[1])
	}
	doc := int32(-1)
	if v := p.doc; len(v) > 0 {
		doc = b.led.Docs.Add(v)
		if isCancellation(v) {
			b.rep.CancellationRows++
			b.cancelDocs[string(v)] = true
		}
	}
	tx.Doc = append(tx.Doc, doc)
	for k := range b.rowAttrs {
		b.rowAttrs[k].codes = append(b.rowAttrs[k].codes, 0)
	}
	for _, at := range s.attrs {
		ra := &b.rowAttrs[at[1]]
		ra.codes[len(ra.codes)-1] = ra.code(trimSpace(cell(p.rec, at[0])))
	}
	for k, f := range rowFields {
		if s.m.Has(f) {
			b.rowCols[k].put(i, s.get(p.rec, f))
		}
	}
	if amount < 0 {
		b.rep.ReturnRows++
		b.rep.ReturnValue -= amount
	}
	s.rep.RowsUsed++
	b.rep.RowsUsed++
	b.rowSrc = append(b.rowSrc, s.idx)
	if p.computed {
		b.rep.ComputedLines++
	}
}

// checkMagnitude refuses a ledger whose money could not be summed exactly:
// the absolute amounts, costs and payments together must stay within
// model.MaxMoneyTotal, so that every total, difference and segment sum the
// analysis forms fits in int64 (no total can wrap around).
func checkMagnitude(led *model.Ledger) error {
	tx := &led.Tx
	var sum uint64
	cols := [][]int64{tx.Amount, tx.Cost, tx.PaidAmt, tx.Open}
	if t := led.Totals; t != nil {
		cols = append(cols, t.Sales, t.Cost, t.Balance)
	}
	for _, col := range cols {
		for i, v := range col {
			u := uint64(v)
			if v < 0 {
				u = uint64(-v)
			}
			sum += u
			if u > model.MaxMoneyTotal || sum > model.MaxMoneyTotal {
				return fmt.Errorf("amounts too large: the ledger's amounts add up past %s by row %d of the ledger; they cannot be summed exactly",
					model.FormatMoney(model.MaxMoneyTotal, led.Decimals), i+1)
			}
		}
	}
	return nil
}

// farDates finds rows dated far beyond the rest (more than a year after the
// 99.9th percentile of the dates, taken from an even sample of the rows, or
// after the second-latest date of a small file): a
// typo such as 2199-06-01 must not become the as-of date of the analysis
// silently. The last date before them becomes the default as-of date.
func (b *builder) farDates(led *model.Ledger) {
	dates := led.Tx.Date
	step := max(1, len(dates)/10000)
	var sample []model.Day
	for i := 0; i < len(dates); i += step {
		sample = append(sample, dates[i])
	}
	if len(sample) < 2 {
		return
	}
	slices.Sort(sample)
	limit := sample[min(len(sample)-2, len(sample)*999/1000)] + 366
	far, end, latest := 0, model.NoDay, model.NoDay
	for _, d := range dates {
		if d > limit {
			far++
			latest = max(latest, d)
		} else {
			end = max(end, d)
		}
	}
	if far == 0 || end == model.NoDay {
		return
	}
	led.RegularEnd = end
	b.rep.FarDateRows = far
	b.rep.Warnings = append(b.rep.Warnings, fmt.Sprintf("%d rows are dated far beyond the rest (the latest %s): the default as-of date is %s, the last date before them; give --as-of to include them",
		far, latest, end))
}

// roundDiv divides by d > 0, rounding half away from zero.
func roundDiv(v, d int64) int64 {
	if v < 0 {
		return -((-v + d/2) / d)
	}
	return (v + d/2) / d
}

// isCancellation recognises cancellation documents such as C489449 (the
// Online Retail convention): a C followed by digits.
func isCancellation(v []byte) bool {
	return len(v) > 1 && (v[0] == 'C' || v[0] == 'c') && v[1] >= '0' && v[1] <= '9'
}

// rowAmount returns the row's amount in millionths and its decimals: the
// amount column, or quantity × unit price. On failure it names the reason
// and the field.
func (s *source) rowAmount(opt Options, rec [][]byte) (int64, int, string, Field) {
	if s.m.Has(FAmount) {
		v := s.get(rec, FAmount)
		if len(v) == 0 {
			return 0, 0, "no amount", FAmount
		}
		m, d, err := ParseAmount(v, opt.DecimalComma)
		if err != nil {
			return 0, 0, "bad amount", FAmount
		}
		return m, d, "", FNone
	}
	qv, pv := s.get(rec, FQuantity), s.get(rec, FUnitPrice)
	q, dq, err := ParseAmount(qv, opt.DecimalComma)
	if err != nil {
		return 0, 0, "bad quantity", FQuantity
	}
	p, dp, err := ParseAmount(pv, opt.DecimalComma)
	if err != nil {
		return 0, 0, "bad unit price", FUnitPrice
	}
	m, ok := mulMicro(q, p)
	if !ok {
		return 0, 0, "amount too large", FQuantity
	}
	// A unit price may carry fractions of a minor unit (0.065 a piece): the
	// line is money and is rounded to the ledger's decimals in finish, so the
	// price's decimals do not set them.
	_, _ = dq, dp
	return m, 0, "", FNone
}

// mulMicro multiplies two millionth-scaled values exactly (128-bit product),
// rounding half away from zero back to millionths.
func mulMicro(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := uint64(a), uint64(b)
	if a < 0 {
		ua = uint64(-a)
	}
	if b < 0 {
		ub = uint64(-b)
	}
	hi, lo := bits.Mul64(ua, ub)
	if hi >= 1_000_000 {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, 1_000_000)
	if r >= 500_000 {
		q++
	}
	if q > 1<<62 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

// dateOrPending returns the final day, or records a pending one and returns NoDay.
func (b *builder) dateOrPending(s *source, f Field, v dateVal, row int32, srcRow int) model.Day {
	if !v.pending {
		return v.day
	}
	dc := s.dateCols[f]
	if v.p > 12 {
		dc.dmy++
	} else if v.q > 12 {
		dc.mdy++
	}
	dc.pending = append(dc.pending, pendingDate{row: row, srcRow: int32(srcRow), y: int32(v.y), p: int32(v.p), q: int32(v.q)})
	return model.NoDay
}

// custRow applies the customer-level columns of a row to customer c. It
// returns false (and rejects the row) when a value cannot be read.
func (b *builder) custRow(s *source, rec [][]byte, row int, c int32, auth bool) bool {
	cs := &b.led.Customers
	text := &b.text[c].text
	for k, f := range textFields {
		if s.m.Has(f) {
			// names are seldom repeated: not kept in a dictionary
			d := k
			if f == FCustomerName {
				d = -1
			}
			b.setText(&text[k], s.get(rec, f), f.String(), auth, d)
		}
	}
	if b.custNums && !b.custNumbers(s, rec, row, c, auth) {
		return false
	}
	for _, a := range s.attrs {
		b.setText(&cs.Attrs[a[1]].Values[c], cell(rec, a[0]), cs.Attrs[a[1]].Name, auth, -1)
	}
	return true
}

// custNumbers applies a row's credit limit, revenue, assets, employees and
// write-off flag to customer c (custRow).
func (b *builder) custNumbers(s *source, rec [][]byte, row int, c int32, auth bool) bool {
	cs := &b.led.Customers
	for _, t := range []struct {
		f   Field
		dst *int64
		has *bool
	}{{FCreditLimit, &cs.CreditLimit[c], &cs.HasLimit[c]}, {FAnnualRevenue, &cs.Revenue[c], &cs.HasRevenue[c]},
		{FTotalAssets, &cs.Assets[c], &cs.HasAssets[c]}, {FEmployees, &cs.Employees[c], &cs.HasEmployees[c]}} {
		v := s.get(rec, t.f)
		if len(v) == 0 {
			continue
		}
		m, d, err := ParseAmount(v, b.opt.DecimalComma)
		if err != nil || (t.f == FEmployees && m%1_000_000 != 0) {
			b.rejectRow(s, row, t.f, v, "bad "+strings.ReplaceAll(t.f.String(), "_", " "))
			return false
		}
		if t.f == FEmployees {
			m /= 1_000_000
		} else {
			b.noteDecimals(d)
		}
		if !*t.has || auth {
			*t.dst, *t.has = m, true
		} else if *t.dst != m {
			b.conflicts[t.f.String()]++
		}
	}
	if v := s.get(rec, FWriteOff); len(v) > 0 {
		w, ok := parseFlag(v)
		if !ok {
			b.rejectRow(s, row, FWriteOff, v, "bad write-off flag")
			return false
		}
		cs.WriteOff[c] = cs.WriteOff[c] || w
	}
	return true
}

// parseFlag reads yes/no style flags.
func parseFlag(v []byte) (bool, bool) {
	switch strings.ToLower(string(v)) {
	case "1", "y", "yes", "true", "t", "x", "是", "已核销", "written off", "writeoff":
		return true, true
	case "0", "n", "no", "false", "f", "否", "未核销", "-":
		return false, true
	}
	return false, false
}

// custSheetRow reads one row of a customers sheet.
func (b *builder) custSheetRow(s *source, rec [][]byte, row int) {
	s.rep.RowsRead++
	b.rep.RowsRead++
	if isBlank(rec) {
		b.rejectRow(s, row, FNone, nil, "empty row")
		return
	}
	id := s.get(rec, FCustomerID)
	if len(id) == 0 {
		b.rejectRow(s, row, FCustomerID, nil, "no customer id")
		return
	}
	h := b.custIx.hash(id)
	if c, _ := b.custIx.find(id, h, b.text); c >= 0 && b.fromSheet[c] {
		b.rejectRow(s, row, FCustomerID, id, "duplicate customer id")
		return
	}
	c := b.customer(id, h, nil)
	if !b.custRow(s, rec, row, c, true) || (b.totalsForm && !b.totalsRow(s, rec, row, c)) {
		b.custDropped = true // the customer was added for this row
		return
	}
	b.fromSheet[c] = true
	s.rep.RowsUsed++
	b.rep.RowsUsed++
}

// finish resolves pending dates, drops unusable rows and customers, reduces
// money to the ledger's decimals and fills the report's totals.
func (b *builder) finish() (*model.Ledger, error) {
	if err := b.resolveDates(); err != nil {
		return nil, err
	}
	b.moveText()
	b.compact()
	if !b.custNums { // no source had them: the ledger's columns are zeros
		n := len(b.led.Customers.ID)
		b.zeroCustNums(n, n)
	}
	dec := max(2, b.maxDec)
	div := model.Pow10(microDecimals - dec)
	led := &b.led
	led.Decimals = dec
	tx := &led.Tx
	// Stated amounts have at most dec decimals and divide exactly; computed
	// lines (quantity × unit price) are rounded half away from zero.
	var before, after int64 // of the rounded lines, in millionths
	for i, a := range tx.Amount {
		r := roundDiv(a, div)
		if r*div != a {
			b.rep.RoundedLines++
			before += a
			after += r * div
		}
		tx.Amount[i] = r
	}
	if b.rep.RoundedLines > 0 {
		b.rep.Warnings = append(b.rep.Warnings, fmt.Sprintf("%d lines computed as quantity × unit price had more than %d decimals and were rounded half away from zero to %d (their total changed by %s)",
			b.rep.RoundedLines, dec, dec, strconv.FormatFloat(float64(after-before)/float64(model.Pow10(microDecimals)), 'f', -1, 64)))
	}
	for _, col := range [][]int64{tx.Cost, tx.PaidAmt, tx.Open, led.Customers.CreditLimit, led.Customers.Revenue, led.Customers.Assets} {
		for i := range col {
			col[i] = roundDiv(col[i], div)
		}
	}
	if b.totalsForm {
		b.roundTotals(led, div)
	}
	if err := checkMagnitude(led); err != nil {
		return nil, err
	}
	b.rep.ReturnValue = 0
	for i, a := range tx.Amount {
		b.rep.UsedAmount += a
		if tx.CostKnown[i] {
			b.rep.UsedCost += tx.Cost[i]
			led.HasCost = true
		}
		if a < 0 {
			b.rep.ReturnValue -= a
		}
	}
	// each source's amount is the sum of its rows as held (after rounding)
	for k := range b.rep.Sources {
		b.rep.Sources[k].Amount = 0
	}
	for i, a := range tx.Amount {
		b.rep.Sources[b.rowSrc[i]].Amount += a
	}
	b.rep.Form = FormTransactions
	if b.totalsForm {
		b.reportTotals(led)
		b.rep.Form = FormCustomerLevel
	}
	led.HasDue = b.hasCol[FDueDate]
	led.HasPaid = b.hasCol[FPaidDate]
	led.HasPaidAmount = b.hasCol[FPaidAmount]
	led.HasOutstanding = b.hasCol[FOutstanding]
	// a mapping on a customers sheet alone names the column too: every row
	// then has zero, as it has from a transactions table without it
	tx.PaidAmt, tx.Open = padded(tx.PaidAmt, led.HasPaidAmount, tx.Len()), padded(tx.Open, led.HasOutstanding, tx.Len())
	if !b.hasCol[FDocumentID] {
		tx.Doc = nil
	}
	b.rep.Decimals = dec
	b.rep.CancellationDocs = len(b.cancelDocs)
	b.rep.Customers = led.Customers.Len()
	if n := tx.Len(); n > 0 {
		lo, hi := slices.Min(tx.Date), slices.Max(tx.Date)
		b.rep.FirstDate, b.rep.LastDate = lo.String(), hi.String()
		b.farDates(led)
	}
	b.dropVaryingAttributes()
	b.rowColumns()
	if len(b.conflicts) > 0 {
		b.rep.AttributeConflicts = b.conflicts
	}
	// a copy: the pointer into the builder would keep all of it (its id
	// table, per-row sources, dictionaries) alive with the ledger
	out := new(model.Ledger)
	*out, b.led = b.led, model.Ledger{}
	return out, nil
}

// resolveDates decides the day/month order of every column that needed it and
// converts the pending dates; rows whose date is impossible in that order are
// rejected.
func (b *builder) resolveDates() error {
	// Evidence from all columns, for columns that have none of their own.
	var fileDMY, fileMDY int
	var dropped map[int32]bool
	for _, dc := range b.dates {
		fileDMY += dc.dmy
		fileMDY += dc.mdy
	}
	for _, dc := range b.dates {
		if len(dc.pending) == 0 {
			continue
		}
		how := "from the data"
		switch {
		case dc.dmy > dc.mdy:
			dc.order = OrderDMY
		case dc.mdy > dc.dmy:
			dc.order = OrderMDY
		case fileDMY > fileMDY:
			dc.order, how = OrderDMY, "from the other date columns"
		case fileMDY > fileDMY:
			dc.order, how = OrderMDY, "from the other date columns"
		default:
			p := dc.pending[0]
			where := dc.file
			if dc.sheet != "" {
				where += ", sheet " + dc.sheet
			}
			return fmt.Errorf("%s, column %q: dates such as %d/%d/%d could be day-first or month-first; use --date-order dmy or --date-order mdy",
				where, dc.header, p.p, p.q, p.y)
		}
		name := map[DateOrder]string{OrderDMY: "dmy (day first)", OrderMDY: "mdy (month first)"}[dc.order]
		if dropped == nil {
			dropped = map[int32]bool{} // rows rejected here: a set, so that many rejections stay linear
		}
		for k := range b.rep.Sources {
			sr := &b.rep.Sources[k]
			if sr.File == dc.file && sr.Sheet == dc.sheet {
				if sr.DateOrder == nil {
					sr.DateOrder = map[string]string{}
				}
				sr.DateOrder[dc.header] = name + ", decided " + how
			}
		}
		for _, p := range dc.pending {
			v := dateVal{pending: true, y: int(p.y), p: int(p.p), q: int(p.q)}
			d, ok := v.resolve(dc.order)
			if !ok && dropped[p.row] {
				continue // already rejected for another of its dates
			}
			if !ok {
				dropped[p.row] = true
				if p.row < 0 {
					b.dropCustomer(-1 - p.row)
				} else {
					b.drop = append(b.drop, p.row)
				}
				b.rep.RowsUsed--
				for k := range b.rep.Sources {
					if sr := &b.rep.Sources[k]; sr.File == dc.file && sr.Sheet == dc.sheet {
						sr.RowsUsed--
						sr.Rejected++
					}
				}
				b.rep.reject(Rejection{File: dc.file, Sheet: dc.sheet, Row: int(p.srcRow), Column: dc.header,
					Value: fmt.Sprintf("%d/%d/%d", p.p, p.q, p.y), Reason: "bad " + strings.ReplaceAll(dc.field.String(), "_", " ")})
				continue
			}
			tx := &b.led.Tx
			switch dc.field {
			case FFirstDate, FLastDate, FFirstDocDate:
				b.setCustomerDate(dc.field, -1-p.row, d)
			case FDate:
				tx.Date[p.row] = d
			case FDueDate:
				tx.Due[p.row] = d
			case FPaidDate:
				tx.Paid[p.row] = d
			}
		}
	}
	return nil
}

// compact removes the rows rejected at finish and customers left without rows.
func (b *builder) compact() {
	if len(b.drop) == 0 && !b.custDropped {
		return
	}
	slices.Sort(b.drop)
	b.drop = slices.Compact(b.drop)
	tx := &b.led.Tx
	keep := make([]bool, tx.Len())
	for i := range keep {
		keep[i] = true
	}
	for _, r := range b.drop {
		keep[r] = false
	}
	filter := func(n int, move func(dst, src int)) int {
		w := 0
		for i := 0; i < n; i++ {
			if keep[i] {
				move(w, i)
				w++
			}
		}
		return w
	}
	keepRows := func(ra *rowAttr) {
		w := 0
		for i, c := range ra.codes {
			if keep[i] {
				ra.codes[w] = c
				w++
			}
		}
		ra.codes = ra.codes[:w]
	}
	for k := range b.rowAttrs {
		keepRows(&b.rowAttrs[k])
	}
	for k := range b.rowCols { // codes only up to the last row that had one: padded first
		b.rowCols[k].pad(tx.Len())
		keepRows(&b.rowCols[k])
	}
	n := filter(tx.Len(), func(d, s int) {
		b.rowSrc[d] = b.rowSrc[s]
		tx.Cust[d], tx.Date[d], tx.Due[d], tx.Paid[d] = tx.Cust[s], tx.Date[s], tx.Due[s], tx.Paid[s]
		tx.Amount[d], tx.Cost[d], tx.CostKnown[d] = tx.Amount[s], tx.Cost[s], tx.CostKnown[s]
		tx.Doc[d] = tx.Doc[s]
		if b.paidAmt {
			tx.PaidAmt[d] = tx.PaidAmt[s]
		}
		if b.open {
			tx.Open[d] = tx.Open[s]
		}
	})
	b.rowSrc = b.rowSrc[:n]
	tx.Cust, tx.Date, tx.Due, tx.Paid = tx.Cust[:n], tx.Date[:n], tx.Due[:n], tx.Paid[:n]
	tx.Amount, tx.Cost, tx.CostKnown = tx.Amount[:n], tx.Cost[:n], tx.CostKnown[:n]
	tx.Doc = tx.Doc[:n]
	if b.paidAmt {
		tx.PaidAmt = tx.PaidAmt[:n]
	}
	if b.open {
		tx.Open = tx.Open[:n]
	}
	// customers that lost every row and are not on a customers sheet
	used := make([]bool, len(b.led.Customers.ID))
	for _, c := range tx.Cust {
		used[c] = true
	}
	remap := make([]int32, len(used))
	cs := &b.led.Customers
	w := int32(0)
	for c := range used {
		if !used[c] && !b.fromSheet[c] {
			remap[c] = -1
			continue
		}
		remap[c] = w
		if int(w) != c { // in place otherwise: columns of nothing but zeros stay untouched pages
			cs.ID[w], cs.Name[w], cs.Region[w], cs.Industry[w], cs.Channel[w], cs.Type[w] = cs.ID[c], cs.Name[c], cs.Region[c], cs.Industry[c], cs.Channel[c], cs.Type[c]
			if b.custNums {
				cs.CreditLimit[w], cs.HasLimit[w], cs.Employees[w], cs.HasEmployees[w] = cs.CreditLimit[c], cs.HasLimit[c], cs.Employees[c], cs.HasEmployees[c]
				cs.Revenue[w], cs.HasRevenue[w], cs.Assets[w], cs.HasAssets[w], cs.WriteOff[w] = cs.Revenue[c], cs.HasRevenue[c], cs.Assets[c], cs.HasAssets[c], cs.WriteOff[c]
			}
			for k := range cs.Attrs {
				cs.Attrs[k].Values[w] = cs.Attrs[k].Values[c]
			}
		}
		if b.totalsForm {
			b.tot(int32(c))
			for _, col := range b.totCols {
				col.move(int(w), c)
			}
			b.totSrc[w] = b.totSrc[c]
		}
		w++
	}
	if b.totalsForm {
		for _, col := range b.totCols {
			col.cut(int(w))
		}
		b.totSrc = b.totSrc[:w]
	}
	cs.ID, cs.Name, cs.Region, cs.Industry, cs.Channel, cs.Type = cs.ID[:w], cs.Name[:w], cs.Region[:w], cs.Industry[:w], cs.Channel[:w], cs.Type[:w]
	if b.custNums {
		cs.CreditLimit, cs.HasLimit, cs.Employees, cs.HasEmployees = cs.CreditLimit[:w], cs.HasLimit[:w], cs.Employees[:w], cs.HasEmployees[:w]
		cs.Revenue, cs.HasRevenue, cs.Assets, cs.HasAssets, cs.WriteOff = cs.Revenue[:w], cs.HasRevenue[:w], cs.Assets[:w], cs.HasAssets[:w], cs.WriteOff[:w]
	}
	for k := range cs.Attrs {
		cs.Attrs[k].Values = cs.Attrs[k].Values[:w]
	}
	for i, c := range tx.Cust {
		tx.Cust[i] = remap[c]
	}
}

// pad gives every row up to n a code (blank when it had none).
func (r *rowAttr) pad(n int) {
	if r.dict == nil {
		return
	}
	for len(r.codes) < n {
		r.codes = append(r.codes, 0)
	}
}

// rowColumns hands the rows' channels and categories to the ledger. A
// customer buying through several channels is not a conflict: the model
// splits its sales by channel.
func (b *builder) rowColumns() {
	tx := &b.led.Tx
	for k, f := range rowFields {
		r := &b.rowCols[k]
		if r.dict == nil {
			continue
		}
		r.pad(tx.Len())
		col := model.RowAttribute{Name: f.String(), Dict: r.vals, Codes: r.codes}
		if f == FChannel {
			tx.Channel = col
			first := make([]int32, b.led.Customers.Len())
			multi := make([]bool, len(first))
			n := 0
			for i, code := range r.codes {
				c := tx.Cust[i]
				switch {
				case code == 0:
				case first[c] == 0:
					first[c] = code
				case first[c] != code && !multi[c]:
					multi[c] = true
					n++
				}
			}
			delete(b.conflicts, f.String())
			if n > 0 {
				b.rep.Warnings = append(b.rep.Warnings, fmt.Sprintf("%d customers buy through more than one channel: each gets its largest channel when that holds channel_main_share of its sales, else Multi-channel; the channel mix is in the customer's figures", n))
			}
		} else {
			tx.Category = col
		}
	}
}

// dropVaryingAttributes moves extra columns whose value changes within a
// customer's rows (a disputed flag, a product code) from the customers to
// the rows: they describe rows, not customers, so grouping customers by them
// would mislead.
func (b *builder) dropVaryingAttributes() {
	cs := &b.led.Customers
	kept := cs.Attrs[:0]
	for k, a := range cs.Attrs {
		if n := b.conflicts[a.Name]; n > 0 && n*20 > cs.Len() {
			b.rep.Warnings = append(b.rep.Warnings, fmt.Sprintf("column %q varies within customers (%d conflicting values): kept per row, not as a customer attribute", a.Name, n))
			delete(b.conflicts, a.Name)
			ra := b.rowAttrs[k]
			b.led.Tx.Attrs = append(b.led.Tx.Attrs, model.RowAttribute{Name: a.Name, Dict: ra.vals, Codes: ra.codes})
			continue
		}
		kept = append(kept, a)
	}
	cs.Attrs = kept
}
