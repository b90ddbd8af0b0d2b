package model_test

import (
	"math"
	"testing"

	"ledgerlens/model"
)

// The budget of the demo's pyramid reconciles with the scheme's P&L, its
// allocation sums to the budget within the bounds, and without cost the
// gross ROMI is n/a.
func TestMarketingBudgetDemo(t *testing.T) {
	e := model.NewEngine(demo(t))
	a := analyze(t, e, map[string]string{
		"marketing_spend":  "Platinum = 20000; Gold = 15000; Iron = 10000; Lead = 5000",
		"marketing_budget": "60000", "marketing_bounds": "Lead = 2000..8000; Platinum = ..25000",
	})
	b := a.Budget
	if b == nil || b.Scheme != "pyramid" || !b.Allocated {
		t.Fatalf("budget = %+v", b)
	}
	sc, _ := a.SchemeByKey("pyramid")
	var cm, alloc, spend model.Money
	for i, r := range b.Rows {
		if r.Segment != sc.Rows[i].Segment || r.CM != sc.Rows[i].CM || r.TotalCLV != sc.Rows[i].TotalCLV || r.Customers != sc.Rows[i].Customers {
			t.Errorf("%s: budget row %+v does not match the P&L row", r.Segment, r)
		}
		want := (float64(r.CM) - float64(r.Spend)) / float64(r.Spend)
		if math.Abs(r.GrossROMI-want) > 1e-12 {
			t.Errorf("%s: gross ROMI %v, want %v", r.Segment, r.GrossROMI, want)
		}
		if r.Allocation < r.Min || r.HasMax && r.Allocation > r.Max {
			t.Errorf("%s: allocation %d outside %d..%d", r.Segment, r.Allocation, r.Min, r.Max)
		}
		cm, alloc, spend = cm+r.CM, alloc+r.Allocation, spend+r.Spend
	}
	if cm != b.Total.CM || alloc != b.Total.Allocation || spend != b.Total.Spend || alloc != 6_000_000 || spend != 5_000_000 {
		t.Errorf("totals: CM %d/%d, allocation %d/%d (want 6,000,000), spend %d/%d", cm, b.Total.CM, alloc, b.Total.Allocation, spend, b.Total.Spend)
	}
	// the total's ROMI is over the segments with spend (all four here)
	if want := (float64(cm) - float64(spend)) / float64(spend); math.Abs(b.Total.GrossROMI-want) > 1e-12 {
		t.Errorf("total gross ROMI %v, want %v", b.Total.GrossROMI, want)
	}
	one := analyze(t, e, map[string]string{"marketing_spend": "Gold = 15000"}).Budget
	gold := one.Rows[1]
	if gold.Segment != "Gold" || one.Total.GrossROMI != gold.GrossROMI || one.Total.CM == gold.CM {
		t.Errorf("with spend on Gold only the total's ROMI is Gold's: %v vs %v", one.Total.GrossROMI, gold.GrossROMI)
	}
	// the best ROMI is filled first, to its maximum where it has one
	for _, r := range b.Rows {
		if r.Rank == 1 && r.HasMax && r.Allocation != r.Max {
			t.Errorf("first-ranked %s got %d, not its maximum %d", r.Segment, r.Allocation, r.Max)
		}
	}

	// proportional to N × average CLV: shares follow the segments' CLV
	p := analyze(t, e, map[string]string{"marketing_budget": "60000", "marketing_rule": "clv"}).Budget
	var sum model.Money
	for _, r := range p.Rows {
		sum += r.Allocation
		want := 6_000_000 * float64(r.TotalCLV) / float64(p.Total.TotalCLV)
		if math.Abs(float64(r.Allocation)-want) > 1 {
			t.Errorf("%s: proportional allocation %d, want %.1f", r.Segment, r.Allocation, want)
		}
	}
	if sum != 6_000_000 {
		t.Errorf("proportional allocations sum to %d", sum)
	}

	// no cost: gross ROMI n/a, said so
	nc := model.NewEngine(ledgerVariant(t, noCost))
	b = analyze(t, nc, map[string]string{"marketing_spend": "Gold = 15000"}).Budget
	for _, r := range b.Rows {
		if !math.IsNaN(r.GrossROMI) {
			t.Errorf("%s: gross ROMI %v without cost", r.Segment, r.GrossROMI)
		}
	}
	if b.HasCM || len(b.Notes) == 0 {
		t.Errorf("no-cost budget: HasCM %v, notes %v", b.HasCM, b.Notes)
	}
}
