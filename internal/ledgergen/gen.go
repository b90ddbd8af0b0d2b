// Package ledgergen writes seeded synthetic invoice ledgers for benchmarks:
// the shape the speed targets are stated for (ten rows a customer, the top 1 %
// of customers holding about a fifth of the rows, 10 % unpaid, 2 % credit
// notes, customers who stop buying, due and paid dates, cost, region and
// industry). The same rows and
// seed give the same bytes.
package ledgergen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"

	"ledgerlens/model"
)

// Header is the first line of every generated ledger.
const Header = "invoice_no,customer_id,customer_name,invoice_date,due_date,paid_date,amount,cost,region,industry\n"

var (
	regions    = []string{"East", "North", "South", "West", "Central", "Northeast"}
	industries = []string{"Manufacturing", "Wholesale", "Retail", "Construction", "Transport", "Software and IT services", "Catering", "Agriculture"}
	names      = []string{"Trading", "Industries", "Foods", "Logistics", "Systems", "Supplies", "Partners", "Works"}
)

// Customers is how many customers a ledger of rows rows has (about 10.1 rows
// a customer: 99,000 for a million rows).
func Customers(rows int) int { return max(1, rows*99/1000) }

// WriteCSV writes a ledger of rows rows to w.
func WriteCSV(w io.Writer, rows int, seed uint64) error {
	nc := Customers(rows)
	top := max(1, nc/100)
	return write(w, rows, nc, seed, func(rng *rand.Rand, _ int) int {
		if rng.IntN(5) == 0 { // a fifth of the rows go to the top 1 %
			return rng.IntN(top)
		}
		return top + rng.IntN(max(1, nc-top))
	})
}

// WriteCSVOneRowEach writes a ledger of rows rows, each the only row of a
// customer of its own: the most customers a ledger of that size can have,
// every per-customer column at its longest.
func WriteCSVOneRowEach(w io.Writer, rows int, seed uint64) error {
	return write(w, rows, rows, seed, func(_ *rand.Rand, i int) int { return i })
}

// write writes rows rows of nc customers to w, row i of customer
// customer(rng, i).
func write(w io.Writer, rows, nc int, seed uint64, customer func(rng *rand.Rand, i int) int) error {
	rng := rand.New(rand.NewPCG(seed, 0x1ed6e7))
	start := model.DayFromCivil(2022, 1, 1)
	end := model.DayFromCivil(2024, 12, 31)
	span := float64(end - start + 1)
	// Each customer arrives at some day and stays for an exponential
	// lifetime (mean a year and a half), so that purchases stop as they do
	// in real ledgers and the BG/NBD fit has dropout to find.
	first := make([]model.Day, nc)
	life := make([]float64, nc)
	for c := range nc {
		first[c] = start + model.Day(rng.Float64()*span*0.9)
		life[c] = min(float64(end-first[c]), rng.ExpFloat64()*547)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(Header)
	var line []byte
	for i := range rows {
		c := customer(rng, i)
		d := first[c] + model.Day(rng.Float64()*life[c])
		cents := int64(math.Exp(rng.NormFloat64()*0.9+10.5)) + 100
		credit := rng.IntN(50) == 0
		if credit {
			cents = -cents / 4
		}
		cost := cents * int64(55+rng.IntN(30)) / 100
		due := d + 30
		line = line[:0]
		line = append(line, "INV"...)
		line = strconv.AppendInt(line, int64(i+1), 10)
		line = append(line, ",C"...)
		line = strconv.AppendInt(line, int64(c+1000000), 10)
		line = append(line, ",Customer "...)
		line = strconv.AppendInt(line, int64(c), 10)
		line = append(line, ' ')
		line = append(line, names[c%len(names)]...)
		line = append(line, ',')
		line = append(line, d.String()...)
		line = append(line, ',')
		line = append(line, due.String()...)
		line = append(line, ',')
		if !credit && rng.IntN(10) != 0 { // 10 % stay unpaid
			paid := due + model.Day(rng.IntN(60)-20)
			if paid <= end {
				line = append(line, paid.String()...)
			}
		}
		line = append(line, ',')
		line = appendMoney(line, cents)
		line = append(line, ',')
		line = appendMoney(line, cost)
		line = append(line, ',')
		line = append(line, regions[c%len(regions)]...)
		line = append(line, ',')
		line = append(line, industries[(c/7)%len(industries)]...)
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func appendMoney(b []byte, cents int64) []byte {
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	return fmt.Appendf(b, ".%02d", cents%100)
}
