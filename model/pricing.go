package model

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// EarlyTerms are early-payment terms "d/D net N": a discount d for paying
// within D days, else the full amount within N days.
type EarlyTerms struct {
	Discount          float64 // share, 0.02 for 2 %
	DiscDays, NetDays int
}

var earlyTermsRE = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*%?\s*/\s*([0-9]+)\s*,?\s*(?:net|n)\s*/?\s*([0-9]+)\s*$`)

// ParseEarlyTerms reads "2/10 net 30" (also "2/10 n/30", "2%/10 net 30").
func ParseEarlyTerms(s string) (EarlyTerms, error) {
	m := earlyTermsRE.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return EarlyTerms{}, fmt.Errorf("%q: want d/D net N, e.g. 2/10 net 30", s)
	}
	d, _ := strconv.ParseFloat(m[1], 64)
	D, _ := strconv.Atoi(m[2])
	N, _ := strconv.Atoi(m[3])
	t := EarlyTerms{Discount: d / 100, DiscDays: D, NetDays: N}
	switch {
	case t.Discount <= 0 || t.Discount >= 1:
		return EarlyTerms{}, fmt.Errorf("%q: the discount must be between 0 and 100 %%", s)
	case N <= D:
		return EarlyTerms{}, fmt.Errorf("%q: the net days must be more than the discount days", s)
	}
	return t, nil
}

func (t EarlyTerms) String() string {
	return fmt.Sprintf("%s/%d net %d", strconv.FormatFloat(100*t.Discount, 'f', -1, 64), t.DiscDays, t.NetDays)
}

// ImpliedRate is the annual rate a customer earns by taking the discount
// (spec §7.3): d/(1−d) × 365/(N−D); 2/10 net 30 → 37.2 %.
func (t EarlyTerms) ImpliedRate() float64 {
	return t.Discount / (1 - t.Discount) * 365 / float64(t.NetDays-t.DiscDays)
}

// Pays reports whether offering the discount to a customer who pays in dtp
// days pays for the seller: paying on day D instead of dtp saves
// k × (dtp − D)/365 of carrying cost per unit invoiced, against the
// discount d.
func (t EarlyTerms) Pays(dtp, k float64) bool {
	return k*(dtp-float64(t.DiscDays))/365 > t.Discount
}

// MinPriceFactor is the risk-based minimum price as a multiple of the
// current price (spec §7.3): P_min / P = ((COGS + CTS)/revenue) /
// (1 − PD·LGD − k·DTP/365 − target margin). NaN when revenue ≤ 0 or no price
// covers the risk (the denominator ≤ 0).
func MinPriceFactor(costs, revenue, pd, lgd, k, dtp, margin float64) float64 {
	den := 1 - pd*lgd - k*dtp/365 - margin
	if revenue <= 0 || den <= 0 {
		return math.NaN()
	}
	return costs / revenue / den
}

// zrlStrategies are the Zeithaml-Rust-Lemon tier strategies (spec §7.3).
var zrlStrategies = map[string]string{
	"Platinum": "invest: protect and grow; not price sensitive",
	"Gold":     "invest: grow toward Platinum",
	"Iron":     "move up, or serve more efficiently",
	"Lead":     "raise prices, cut cost to serve, or exit",
}

// PyramidStrategy returns the ZRL strategy of a pyramid tier ("" for other
// segments).
func PyramidStrategy(tier string) string { return zrlStrategies[tier] }

// pricing computes each customer's probability of default, minimum price
// factor and whether the early-payment discount pays (needs the
// risk-adjusted figures: a COGS basis and days to pay). PD is the
// customer's from the provision matrix (ECL / open AR at LGD 1); for a
// customer without open AR, the pooled rate of its credit grade, else of
// the portfolio.
func (a *Analysis) pricing(p Params) {
	r := a.Risk
	switch {
	case a.RiskAdjCM == nil:
		a.PricingNote = "minimum prices need " + strings.TrimPrefix(a.RiskAdjNote, "risk-adjusted profit needs ")
		return
	case !a.Profit.Basis.COGSKnown():
		a.PricingNote = "minimum prices need the cost of goods: " + a.Profit.Note
		return
	}
	terms, _ := ParseEarlyTerms(p.EarlyPaymentTerms) // validated with the parameters
	var gradeECL, gradeAR [6]float64
	var allECL, allAR float64
	for c := 0; c < a.N; c++ {
		if ar := r.CustAR[c]; ar > 0 {
			g := r.Grade[c]
			gradeECL[g] += float64(r.CustECL[c])
			gradeAR[g] += float64(ar)
			allECL += float64(r.CustECL[c])
			allAR += float64(ar)
		}
	}
	if allAR == 0 {
		a.PricingNote = "minimum prices need a probability of default: no open receivables to read it from"
		return
	}
	a.PD, a.MinPrice, a.EarlyPays = make([]float64, a.N), make([]float64, a.N), make([]bool, a.N)
	for c := 0; c < a.N; c++ {
		g := r.Grade[c]
		switch {
		case r.CustAR[c] > 0:
			a.PD[c] = float64(r.CustECL[c]) / float64(r.CustAR[c])
		case gradeAR[g] > 0:
			a.PD[c] = gradeECL[g] / gradeAR[g]
		default:
			a.PD[c] = allECL / allAR
		}
		a.MinPrice[c] = MinPriceFactor(float64(a.COGS[c]+a.CTS[c]), float64(a.Revenue[c]), a.PD[c], p.LGD, p.CostOfCapital, a.DaysToPay[c], p.TargetMargin)
		a.EarlyPays[c] = terms.Pays(a.DaysToPay[c], p.CostOfCapital)
	}
	a.EarlyTerms = terms
	a.PricingNote = fmt.Sprintf("minimum price = (COGS + CTS) / (1 − PD·LGD − k·days to pay/365 − target margin %s), as a multiple of today's; %s: the customer earns %s a year by taking it",
		FormatPct(p.TargetMargin), terms, FormatPct(terms.ImpliedRate()))
}
