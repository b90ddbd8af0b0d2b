// Package model holds the customer ledger and everything computed from it.
// It is pure: no files, no terminal, no clock. The as-of date is a parameter.
package model

import (
	"bytes"
	"cmp"
	"math"
	"strconv"
	"strings"
)

// Money is an amount in the ledger's minor units (see Ledger.Decimals).
// Sums of money are always int64; floats appear only in ratios and models.
type Money = int64

// MaxMoneyTotal bounds Σ |amount| + |cost| + |payments| of a ledger (the
// importer refuses larger ones): with that, every sum, difference and
// segment total of the analysis fits in an int64, with room for cost-to-serve
// charges, so money never wraps around.
const MaxMoneyTotal = 1 << 61

// Transactions holds one entry per used ledger row, column by column.
// Optional columns are nil when the ledger has no such data.
type Transactions struct {
	Cust      []int32 // index into Customers
	Date      []Day
	Amount    []Money // net revenue of the row (negative for returns / credit notes)
	Cost      []Money // COGS of the row; meaningful only where CostKnown
	CostKnown []bool
	Doc       []int32 // entry in Ledger.Docs; -1 when the row has no document id
	Due       []Day   // NoDay when missing
	Paid      []Day   // NoDay when unpaid or missing
	PaidAmt   []Money // amount paid (with Paid), or nil
	Open      []Money // outstanding balance reported by the ledger, or nil
	Attrs     []RowAttribute
	Channel   RowAttribute // sales channel of each row (absent: no channel column among the transactions)
	Category  RowAttribute // product or category of each row (absent: no such column)
}

// RowAttribute is an extra column whose value changes within a customer
// (a disputed flag, a product code): kept per row, dictionary-encoded.
type RowAttribute struct {
	Name  string
	Dict  []string // Dict[0] is ""
	Codes []int32  // per row
}

// Value returns the attribute's value on row i.
func (a *RowAttribute) Value(i int) string { return a.Dict[a.Codes[i]] }

// Present reports whether the ledger has the column.
func (a *RowAttribute) Present() bool { return a.Codes != nil }

// pick keeps the given rows.
func (a *RowAttribute) pick(rows []int32) RowAttribute {
	if !a.Present() {
		return RowAttribute{}
	}
	return RowAttribute{Name: a.Name, Dict: a.Dict, Codes: pick(a.Codes, rows)}
}

// Len returns the number of transactions.
func (t *Transactions) Len() int { return len(t.Cust) }

// Attribute is an extra customer column kept for grouping.
type Attribute struct {
	Name   string
	Values []string // one per customer; "" when unknown
}

// Customers holds one entry per customer, column by column.
type Customers struct {
	ID           []string
	Name         []string
	Region       []string
	Industry     []string
	Channel      []string
	Type         []string
	CreditLimit  []Money // valid where HasCreditLimit
	HasLimit     []bool
	Employees    []int64 // valid where HasEmployees
	HasEmployees []bool
	Revenue      []Money // annual revenue (营业收入); valid where HasRevenue
	HasRevenue   []bool
	Assets       []Money // total assets (资产总额); valid where HasAssets
	HasAssets    []bool
	WriteOff     []bool
	Attrs        []Attribute
}

// Len returns the number of customers.
func (c *Customers) Len() int { return len(c.ID) }

// Ledger is the normalised input of every analysis.
type Ledger struct {
	Decimals  int // money is held in units of 10^-Decimals
	Tx        Transactions
	Customers Customers
	Docs      DocTable
	Totals    *Totals // a customer-level ledger (no transactions); nil for transactions

	// Receivables, with Totals, are the receivables facts a source added up
	// from rows it did not hand over (a database's summary); nil otherwise.
	Receivables *Receivables
	Activity    *Activity // the same for the cohorts and the tracking curve

	// RegularEnd, when set (not 0), is the last date before rows dated far
	// beyond the rest: the default as-of date (see DefaultAsOf).
	RegularEnd Day

	HasCost        bool // some row carries a cost
	HasDue         bool
	HasPaid        bool // paid dates present
	HasPaidAmount  bool
	HasOutstanding bool
}

// Scale returns 10^Decimals, the number of minor units in one major unit.
func (l *Ledger) Scale() int64 { return Pow10(l.Decimals) }

// Pow10 returns 10^n for small n.
func Pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// FormatMoney renders v (in units of 10^-decimals) with thousands separators
// and a leading minus sign, e.g. -1,234.50.
func FormatMoney(v Money, decimals int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	scale := uint64(Pow10(decimals))
	whole, frac := u/scale, u%scale
	ws := strconv.FormatUint(whole, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range ws {
		if i > 0 && (len(ws)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if decimals > 0 {
		fs := strconv.FormatUint(frac, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", decimals-len(fs)))
		b.WriteString(fs)
	}
	return b.String()
}

// MoneyString renders v plainly (no separators), e.g. -1234.50, for CSV and JSON.
func MoneyString(v Money, decimals int) string {
	return strings.ReplaceAll(FormatMoney(v, decimals), ",", "")
}

// Float converts minor units to a float in major units, for ratios and models only.
func (l *Ledger) Float(v Money) float64 { return float64(v) / float64(l.Scale()) }

// DocTable holds document ids without a string per document: entry k is
// Text[End[k-1]:End[k]]. The same id may appear in several entries (rows of
// one document that are not adjacent); Hash groups them, Equal confirms.
// Hash is 32 bits: ids that share one are told apart by their text, and
// 64 would cost another 4 bytes a document (40 MB at 10,000,000 rows).
type DocTable struct {
	Text []byte
	End  []uint32
	Hash []uint32
}

// Len returns the number of entries.
func (d *DocTable) Len() int { return len(d.End) }

func (d *DocTable) bytes(k int32) []byte {
	start := uint32(0)
	if k > 0 {
		start = d.End[k-1]
	}
	return d.Text[start:d.End[k]]
}

// ID returns the text of entry k.
func (d *DocTable) ID(k int32) string { return string(d.bytes(k)) }

// IDBytes returns entry k's id without a copy; the caller must not change it.
func (d *DocTable) IDBytes(k int32) []byte { return d.bytes(k) }

// Equal reports whether entries j and k hold the same id.
func (d *DocTable) Equal(j, k int32) bool {
	return j == k || (d.Hash[j] == d.Hash[k] && string(d.bytes(j)) == string(d.bytes(k)))
}

// Compare orders entries by hash, then text: equal ids end up adjacent.
func (d *DocTable) Compare(j, k int32) int {
	if c := cmp.Compare(d.Hash[j], d.Hash[k]); c != 0 {
		return c
	}
	return bytes.Compare(d.bytes(j), d.bytes(k))
}

// Add appends an entry for id and returns its index. When id equals the last
// entry (the next line of the same invoice) that entry is reused.
func (d *DocTable) Add(id []byte) int32 {
	if n := int32(len(d.End)); n > 0 && string(d.bytes(n-1)) == string(id) {
		return n - 1
	}
	h := uint32(2166136261) // FNV-1a: deterministic across runs
	for _, c := range id {
		h ^= uint32(c)
		h *= 16777619
	}
	d.Text = append(d.Text, id...)
	d.End = append(d.End, uint32(len(d.Text)))
	d.Hash = append(d.Hash, h)
	return int32(len(d.End) - 1)
}

// AmountMinor rounds an amount in major units (a model's CLV) to the
// ledger's minor units, half away from zero.
func AmountMinor(v float64, dec int) Money {
	return Money(math.Round(v * float64(Pow10(dec))))
}

// FormatNumber formats a ratio or model figure with dec decimals and
// thousands separators, "n/a" when undefined: 1234.56 is "1,234.6" at 1.
// A figure too large for its decimals to be exact in a float (2^53 units
// of the last decimal; a fit at the edge of its parameter space reaches
// such values) is written with an exponent, 7.38e+15: rounded to those
// units it would not fit an int64 either.
func FormatNumber(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	if math.Abs(v)*float64(Pow10(dec)) >= 1<<53 {
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	return FormatMoney(AmountMinor(v, dec), dec)
}

// FormatPct formats a share as a percentage with one decimal, "n/a" when
// undefined: 0.253 is "25.3 %".
func FormatPct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return FormatNumber(100*v, 1) + " %" // separators: a ROMI of 14,608.8 %
}
