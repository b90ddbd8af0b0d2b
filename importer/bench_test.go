package importer

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"ledgerlens/model"
)

var bigCSV = sync.OnceValue(func() []byte {
	// 1,000,000 rows, 100,000 customers, three years, cents, some returns.
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.Grow(60 << 20)
	b.WriteString("customer_id,invoice,date,amount,cost\n")
	start := model.DayFromCivil(2022, 1, 1)
	for i := 0; i < 1_000_000; i++ {
		c := rng.IntN(100_000)
		d := start + model.Day(rng.IntN(3*365))
		cents := 100 + rng.IntN(200_000)
		if rng.IntN(50) == 0 {
			cents = -cents
		}
		fmt.Fprintf(&b, "C%06d,INV%07d,%s,%d.%02d,%d.%02d\n", c, i, d, cents/100, abs(cents%100), cents*6/10/100, abs(cents*6/10%100))
	}
	return []byte(b.String())
})

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// BenchmarkImportCSV parses and aggregates a 1,000,000-row, 100,000-customer ledger.
func BenchmarkImportCSV(b *testing.B) {
	data := bigCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		led, rep, err := LoadReader("bench.csv", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.RowsUsed != 1_000_000 {
			b.Fatalf("used %d rows", rep.RowsUsed)
		}
		model.Aggregate(led, model.MaxDate(led))
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "rows/s")
}
