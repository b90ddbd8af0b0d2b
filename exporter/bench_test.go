package exporter

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// BenchmarkExport100k writes the workbook for 100,000 customers.
func BenchmarkExport100k(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 9))
	var sb strings.Builder
	sb.WriteString("customer,name,region,date,amount,cost,due,paid\n")
	start := model.DayFromCivil(2023, 1, 1)
	for c := 0; c < 100_000; c++ {
		for k := 0; k < 1+rng.IntN(5); k++ {
			d := start + model.Day(rng.IntN(1000))
			amt := 10 + rng.IntN(5000)
			paid := ""
			if rng.IntN(5) > 0 {
				paid = (d + model.Day(20+rng.IntN(40))).String()
			}
			fmt.Fprintf(&sb, "C%06d,Customer %d,R%d,%s,%d.%02d,%d,%s,%s\n", c, c, c%7, d, amt, rng.IntN(100), amt*7/10, d+30, paid)
		}
	}
	led, rep, err := importer.LoadReader("bench.csv", []byte(sb.String()), importer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	a, err := model.NewEngine(led).Analyze(model.DefaultParams())
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	b.ResetTimer()
	for i := range b.N {
		path := filepath.Join(dir, fmt.Sprintf("out%d.xlsx", i))
		if err := WriteXLSX(path, Export{Analysis: a, Report: rep}, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
