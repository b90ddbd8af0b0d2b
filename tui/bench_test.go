package tui

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// BenchmarkRefresh100k is the view's share of a recompute for 100,000
// customers: every pane takes the new analysis (columns measured, filters
// and sorts applied, totals summed) in Update.
func BenchmarkRefresh100k(b *testing.B) {
	m := bench100k(b)
	b.ResetTimer()
	for range b.N {
		m.refresh()
	}
}

// BenchmarkRenderCustomers100k renders one frame of the Customers pane for
// 100,000 customers (only the visible rows are formatted).
func BenchmarkRenderCustomers100k(b *testing.B) {
	m := bench100k(b)
	m.setPane(paneCustomers)
	g := m.panes[paneCustomers].(*customersPane).grid
	b.ResetTimer()
	for i := range b.N {
		g.cur = (i * 7919) % 100_000 // scroll around
		g.clamp()
		if v := m.View(); len(v) == 0 {
			b.Fatal("empty view")
		}
	}
}

// bench100k is a view showing the analysis of 100,000 generated customers.
func bench100k(b *testing.B) *Model {
	rng := rand.New(rand.NewPCG(1, 2))
	var sb strings.Builder
	sb.WriteString("customer,name,date,amount,cost\n")
	start := model.DayFromCivil(2023, 1, 1)
	for c := 0; c < 100_000; c++ {
		for k := 0; k < 1+rng.IntN(3); k++ {
			amt := 10 + rng.IntN(9000)
			fmt.Fprintf(&sb, "C%06d,客户 %d,%s,%d.00,%d.00\n", c, c, start+model.Day(rng.IntN(1000)), amt, amt*7/10)
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
	m := New(Config{Source: "bench", Params: model.DefaultParams(), NoTimings: true})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	m.sh.A, m.sh.BaseA, m.load.ready, m.load.report = a, a, true, LoadReport{RowsUsed: rep.RowsUsed}
	m.refresh()
	return m
}
