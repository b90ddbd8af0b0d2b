package model

import (
	"math"
	"testing"
)

func TestDayCivil(t *testing.T) {
	for d := DayFromCivil(1899, 12, 30); d < DayFromCivil(2101, 1, 1); d += 17 {
		y, m, dd := d.Civil()
		if DayFromCivil(y, m, dd) != d || !ValidCivil(y, m, dd) {
			t.Fatalf("round trip of %d failed: %d-%d-%d", d, y, m, dd)
		}
	}
	if got := DayFromCivil(1970, 1, 1); got != 0 {
		t.Errorf("epoch = %d", got)
	}
	if got := DayFromCivil(2024, 3, 1) - DayFromCivil(2024, 2, 28); got != 2 {
		t.Errorf("leap year gap = %d", got)
	}
	if s := DayFromCivil(1997, 9, 30).String(); s != "1997-09-30" {
		t.Errorf("String = %s", s)
	}
	if _, err := ParseISODay("2023-02-29"); err == nil {
		t.Error("2023-02-29 accepted")
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		v   Money
		dec int
		out string
	}{
		{0, 2, "0.00"}, {5, 2, "0.05"}, {-5, 2, "-0.05"}, {123456789, 2, "1,234,567.89"},
		{-100000, 2, "-1,000.00"}, {1000, 0, "1,000"}, {12345, 3, "12.345"},
	}
	for _, tt := range tests {
		if got := FormatMoney(tt.v, tt.dec); got != tt.out {
			t.Errorf("FormatMoney(%d, %d) = %s, want %s", tt.v, tt.dec, got, tt.out)
		}
	}
	if got := MoneyString(-123456, 2); got != "-1234.56" {
		t.Errorf("MoneyString = %s", got)
	}
}

// Model figures read with separators and their decimals, and those too
// large for their decimals (an edge fit's parameters) with an exponent,
// never wrapped round int64.
func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v   float64
		dec int
		out string
	}{
		{1234.56, 1, "1,234.6"}, {-71253.0648, 2, "-71,253.06"}, {0.6216, 4, "0.6216"}, {math.NaN(), 2, "n/a"},
		{7.3755967e10, 4, "73,755,967,000.0000"}, {7.38e15, 4, "7.38e+15"}, {-3e20, 1, "-3e+20"}, {1e18, 0, "1e+18"},
	} {
		if got := FormatNumber(c.v, c.dec); got != c.out {
			t.Errorf("FormatNumber(%g, %d) = %s, want %s", c.v, c.dec, got, c.out)
		}
	}
}

// tiny builds a ledger by hand: customer, date, amount, document.
func tiny() *Ledger {
	d := func(m, dd int) Day { return DayFromCivil(2024, m, dd) }
	l := &Ledger{Decimals: 2}
	l.Customers.ID = []string{"A", "B"}
	rows := []struct {
		c      int32
		date   Day
		amount Money
		doc    int32
	}{
		{0, d(1, 10), 10000, 0}, // A: one invoice in two lines
		{0, d(1, 10), 5000, 0},
		{0, d(2, 1), -3000, 1},  // A: credit note, not a purchase
		{0, d(2, 1), 2000, 2},   // A: same day as the credit note
		{0, d(3, 5), 7000, 3},   // A: after the as-of date used below
		{1, d(1, 20), 4000, 4},  // B
		{1, d(1, 20), 1000, 5},  // B: second document the same day
		{1, d(1, 25), -4000, 6}, // B: refund
		{0, d(1, 12), 1000, 0},  // A: a late line of I1, not adjacent to the others
	}
	docs := []string{"I1", "CN1", "I2", "I3", "I4", "I5", "CN2"}
	for _, r := range rows {
		l.Tx.Cust = append(l.Tx.Cust, r.c)
		l.Tx.Date = append(l.Tx.Date, r.date)
		l.Tx.Amount = append(l.Tx.Amount, r.amount)
		l.Tx.Doc = append(l.Tx.Doc, l.Docs.Add([]byte(docs[r.doc])))
	}
	return l
}

func TestAggregate(t *testing.T) {
	l := tiny()
	asOf := DayFromCivil(2024, 2, 29)
	b := Aggregate(l, asOf)
	if b.RowsAfterAsOf != 1 {
		t.Errorf("rows after as-of = %d, want 1", b.RowsAfterAsOf)
	}
	// A: documents I1 (160.00 in three lines), CN1 (−30.00), I2 (20.00)
	if b.Docs[0] != 3 || b.PurchaseDocs[0] != 2 || b.PurchaseDays[0] != 2 || b.ReturnDocs[0] != 1 {
		t.Errorf("A docs %d purchases %d days %d returns %d; want 3, 2, 2, 1", b.Docs[0], b.PurchaseDocs[0], b.PurchaseDays[0], b.ReturnDocs[0])
	}
	if b.Revenue[0] != 15000 || b.ReturnValue[0] != 3000 || b.Lines[0] != 5 {
		t.Errorf("A revenue %d returns %d lines %d; want 15000, 3000, 5", b.Revenue[0], b.ReturnValue[0], b.Lines[0])
	}
	if b.LastPurchase[0] != DayFromCivil(2024, 2, 1) || b.FirstDate[0] != DayFromCivil(2024, 1, 10) {
		t.Errorf("A first %v last purchase %v", b.FirstDate[0], b.LastPurchase[0])
	}
	// B: two purchase documents on one day, then a refund that does not move recency
	if b.PurchaseDocs[1] != 2 || b.PurchaseDays[1] != 1 || b.LastPurchase[1] != DayFromCivil(2024, 1, 20) || b.Revenue[1] != 1000 {
		t.Errorf("B purchases %d days %d last %v revenue %d", b.PurchaseDocs[1], b.PurchaseDays[1], b.LastPurchase[1], b.Revenue[1])
	}
	if b.TotalRevenue != 16000 {
		t.Errorf("total revenue %d, want 16000", b.TotalRevenue)
	}
	// Without document ids every row is its own document.
	l.Tx.Doc = nil
	b = Aggregate(l, asOf)
	if b.Docs[0] != 5 || b.PurchaseDocs[0] != 4 {
		t.Errorf("no doc ids: A docs %d purchases %d; want 5, 4", b.Docs[0], b.PurchaseDocs[0])
	}
}

func TestOpenAt(t *testing.T) {
	l := tiny()
	l.HasPaid, l.HasPaidAmount = true, true
	n := l.Tx.Len()
	l.Tx.Paid = make([]Day, n)
	l.Tx.PaidAmt = make([]Money, n)
	for i := range l.Tx.Paid {
		l.Tx.Paid[i] = NoDay
	}
	l.Tx.Paid[0], l.Tx.PaidAmt[0] = DayFromCivil(2024, 1, 31), 10000 // paid in full before as-of
	l.Tx.Paid[1], l.Tx.PaidAmt[1] = DayFromCivil(2024, 3, 31), 5000  // paid after as-of: open at it
	l.Tx.Paid[3], l.Tx.PaidAmt[3] = DayFromCivil(2024, 2, 10), 500   // partly paid
	asOf := DayFromCivil(2024, 2, 29)
	for i, want := range []Money{0, 5000, -3000, 1500, 0} {
		if got := l.OpenAt(i, asOf); got != want {
			t.Errorf("OpenAt(row %d) = %d, want %d", i, got, want)
		}
	}
}
