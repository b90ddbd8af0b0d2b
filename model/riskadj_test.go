package model_test

import (
	"math"
	"strings"
	"testing"

	"ledgerlens/model"
)

// Risk-adjusted profit (§3.1, §7.1, §7.3) on the demo ledger: each
// customer's days to pay recomputed here from its rows (payment-weighted
// days from invoice to payment over the 12 months before the as-of date,
// the portfolio's when it paid nothing then), its carrying cost and
// CM − ECL − carrying cost; every segment is the sum of its customers and
// the total the sum of the segments; cost_of_capital_k is live.
func TestRiskAdjustedProfit(t *testing.T) {
	led := demo(t)
	e := model.NewEngine(led)
	a := analyze(t, e, nil)
	if a.RiskAdjCM == nil {
		t.Fatalf("no risk-adjusted profit: %s", a.RiskAdjNote)
	}
	tx := &a.Led.Tx
	w, wd := make([]float64, a.N), make([]float64, a.N)
	var sw, swd float64
	for i, c := range tx.Cust {
		paid := tx.Paid[i]
		if tx.Amount[i] <= 0 || paid == model.NoDay || paid > a.AsOf || paid <= a.AsOf-365 || tx.PaidAmt[i] <= 0 {
			continue
		}
		amt := float64(tx.PaidAmt[i])
		w[c] += amt
		wd[c] += amt * float64(paid-tx.Date[i])
		sw += amt
		swd += amt * float64(paid-tx.Date[i])
	}
	own := 0
	for c := 0; c < a.N; c++ {
		dtp := swd / sw
		if w[c] > 0 {
			dtp = wd[c] / w[c]
			own++
		}
		if math.Abs(a.DaysToPay[c]-math.Max(0, dtp)) > 1e-9 {
			t.Fatalf("%s: days to pay %g, want %g", a.Led.Customers.ID[c], a.DaysToPay[c], dtp)
		}
		carry := int64(0)
		if a.Revenue[c] > 0 {
			carry = int64(math.Round(float64(a.Revenue[c]) * math.Max(0, dtp) / 365 * 0.10))
		}
		if a.CarryCost[c] != carry || a.RiskAdjCM[c] != a.CM[c]-a.Risk.CustECL[c]-carry {
			t.Fatalf("%s: carrying cost %d, risk-adjusted %d; want %d, %d", a.Led.Customers.ID[c], a.CarryCost[c], a.RiskAdjCM[c], carry, a.CM[c]-a.Risk.CustECL[c]-carry)
		}
	}
	if own == 0 || own == a.N {
		t.Errorf("%d of %d customers with their own days to pay: the fallback is not exercised", own, a.N)
	}
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		sum := make([]int64, len(sc.Segments))
		for c, s := range sc.Assign {
			sum[s] += a.RiskAdjCM[c]
		}
		var total int64
		for k, r := range sc.Rows {
			if r.RiskAdjCM != sum[k] {
				t.Errorf("%s/%s: risk-adjusted profit %d, customers sum to %d", sc.Key, r.Segment, r.RiskAdjCM, sum[k])
			}
			total += r.RiskAdjCM
		}
		if sc.Total.RiskAdjCM != total {
			t.Errorf("%s: total %d, rows sum to %d", sc.Key, sc.Total.RiskAdjCM, total)
		}
	}
	b := analyze(t, e, map[string]string{"cost_of_capital_k": "0.2"})
	var c1, c2 int64
	for c := range a.CarryCost {
		c1 += a.CarryCost[c]
		c2 += b.CarryCost[c]
	}
	if d := c2 - 2*c1; d < -int64(a.N) || d > int64(a.N) { // each customer rounds once
		t.Errorf("carrying cost at k 0.2 is %d, at 0.1 %d: not twice", c2, c1)
	}
	// without payment data there is none, with the reason
	noPay := demo(t)
	noPay.HasPaid, noPay.HasPaidAmount = false, false
	for i := range noPay.Tx.Paid {
		noPay.Tx.Paid[i] = model.NoDay
	}
	noPay.Tx.PaidAmt = nil
	c := analyze(t, model.NewEngine(noPay), nil)
	if c.RiskAdjCM != nil || !strings.Contains(c.RiskAdjNote, "risk-adjusted profit needs") {
		t.Errorf("without payments: %v, note %q", c.RiskAdjCM != nil, c.RiskAdjNote)
	}
}

// The score components, computed when a customer's card asks for them, are
// the terms of the score held for every customer: their weighted sum is the
// score bit for bit where no override applied, and an override only lowers
// it.
func TestScoreComponentsMakeTheScore(t *testing.T) {
	for name, led := range map[string]*model.Ledger{"demo": demo(t), "generated": generatedLedger(t, 20_000, 11)} {
		p := model.DefaultParams()
		p.ScoreWeights = []float64{0.3, 0.25, 0.2, 0.15, 0.1}
		a, err := model.NewEngine(led).Analyze(p)
		if err != nil {
			t.Fatal(err)
		}
		r := a.Risk
		if !r.Available {
			t.Fatalf("%s: no receivables: %s", name, r.Why)
		}
		capped := 0
		for c := range a.N {
			comp := a.ScoreComponents(c)
			s := 0.0
			for k, v := range comp {
				s += p.ScoreWeights[k] * v
			}
			switch {
			case r.Cap[c] == model.CapNone && math.Float64bits(s) != math.Float64bits(r.Score[c]):
				t.Fatalf("%s, customer %d: components %v give %v, the score is %v", name, c, comp, s, r.Score[c])
			case r.Cap[c] != model.CapNone:
				capped++
				if r.Score[c] > s {
					t.Fatalf("%s, customer %d: override %q raised the score from %v to %v", name, c, r.Cap[c], s, r.Score[c])
				}
			}
		}
		if capped == 0 && name == "demo" {
			t.Fatalf("%s: no score was overridden: the test sees only one case", name)
		}
	}
}
