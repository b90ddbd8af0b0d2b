package model

import (
	"fmt"
	"math"
)

// ProbModel is the fitted BG/NBD + Gamma-Gamma model of one ledger, as-of
// date and time unit (stage 1: refitted only when those change), with the
// per-customer predictions that do not depend on other parameters.
type ProbModel struct {
	Unit     string
	Summary  *RepeatSummary
	BG       BGNBD
	BGStatus FitStatus
	GG       GammaGamma
	GGStatus FitStatus
	OK       bool   // both fits converged
	Why      string // why not, for the fallback label

	PAlive, PAliveMBG []float64 // NaN for customers without purchases
	Exp90             []float64 // expected purchases in the next 90 days
	Spend             []float64 // Gamma-Gamma expected spend per purchase (major units)
}

// FitModel builds the repeat summary and fits both models.
func FitModel(b *Base, led *Ledger, unit string, penalizer float64) *ProbModel {
	s := b.Summary(led, unit)
	m := &ProbModel{Unit: unit, Summary: s}
	done := make(chan struct{})
	go func() { // the two fits are independent
		defer close(done)
		m.GG, m.GGStatus = FitGammaGamma(s)
	}()
	m.BG, m.BGStatus = FitBGNBD(s, penalizer)
	<-done
	switch {
	case !m.BGStatus.Converged:
		m.Why = "BG/NBD fit failed: " + m.BGStatus.Err
	case m.BGStatus.Boundary != "":
		m.Why = "BG/NBD fit unusable: " + m.BGStatus.Boundary
	case !m.GGStatus.Converged:
		m.Why = "Gamma-Gamma fit failed: " + m.GGStatus.Err
	default:
		m.OK = true
	}
	n := len(s.X)
	m.PAlive, m.PAliveMBG, m.Exp90, m.Spend = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	parallelRange(n, 4096, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			if !m.OK || !s.In[c] {
				m.PAlive[c], m.PAliveMBG[c], m.Exp90[c], m.Spend[c] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
				continue
			}
			x, tx, T := s.X[c], s.Tx[c], s.T[c]
			m.PAlive[c] = m.BG.PAlive(x, tx, T)
			m.PAliveMBG[c] = m.BG.PAliveMBG(x, tx, T)
			m.Exp90[c] = finite(m.BG.ExpectedPurchases(90/s.UnitDays, x, tx, T))
			m.Spend[c] = finite(m.GG.ExpectedSpend(x, s.Mbar[c]))
		}
	})
	return m
}

// finite keeps NaN and Inf out of the sums: a prediction that cannot be
// computed is 0 (and the fit status says why).
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// monthlyPurchases returns, per customer, the expected purchases in each of
// the next months (ΔN_k of the discounted-CLV algorithm), flattened.
func (m *ProbModel) monthlyPurchases(months int, factor float64) []float64 {
	s := m.Summary
	out := make([]float64, len(s.X)*months)
	// Customers with the same (x, t_x, T) share their predictions: compute
	// each distinct history once.
	first := map[[3]float64]int{}
	var uniq []int
	owner := make([]int, len(s.X))
	for c := range s.X {
		if !s.In[c] {
			owner[c] = -1
			continue
		}
		k := [3]float64{s.X[c], s.Tx[c], s.T[c]}
		u, ok := first[k]
		if !ok {
			u = c
			first[k] = c
			uniq = append(uniq, c)
		}
		owner[c] = u
	}
	parallelRange(len(uniq), 2000, func(_, lo, hi int) {
		for _, c := range uniq[lo:hi] {
			prev := 0.0
			for k := 1; k <= months; k++ {
				cur := finite(m.BG.ExpectedPurchases(float64(k)*factor, s.X[c], s.Tx[c], s.T[c]))
				out[c*months+k-1] = cur - prev
				prev = cur
			}
		}
	})
	for c, u := range owner {
		if u >= 0 && u != c {
			copy(out[c*months:(c+1)*months], out[u*months:(u+1)*months])
		}
	}
	return out
}

// CLV returns each customer's discounted CLV over months at the monthly
// rate (spec §4.2), factor model units per month; 0 without purchases.
func (m *ProbModel) CLV(months int, monthly, factor float64) []float64 {
	delta := m.monthlyPurchases(months, factor)
	out := make([]float64, len(m.Spend))
	for c := range out {
		if !m.Summary.In[c] {
			continue
		}
		var sum float64
		for k, d := range delta[c*months : (c+1)*months] {
			sum += d / math.Pow(1+monthly, float64(k+1))
		}
		out[c] = finite(m.Spend[c] * sum)
	}
	return out
}

// probCLV values customers with the fitted model (spec §4.2) when it is
// enabled and fitted; it reports false to fall back to simple CLV.
func (a *Analysis) probCLV(s *stage1, e *Engine, p Params) bool {
	if p.CLVModel != "bgnbd" {
		return false
	}
	mk := modelKey{p.ModelTimeUnit, p.BGNBDPenalizer}
	e.mu.Lock()
	m := s.model(mk)
	e.mu.Unlock()
	a.Model = m
	if !m.OK {
		a.warn("probabilistic CLV unavailable (" + m.Why + "): simple CLV shown instead")
		return false
	}
	for _, st := range []FitStatus{m.BGStatus, m.GGStatus} {
		for _, w := range st.Warnings {
			a.warn(st.Model + ": " + w)
		}
	}
	factor := MonthFactor(p.ModelTimeUnit, p.DaysPerMonth)
	e.mu.Lock()
	delta := s.monthly(m, deltaKey{mk, p.CLVHorizonMonths, factor})
	e.mu.Unlock()
	H := p.CLVHorizonMonths
	disc := make([]float64, H)
	for k := range disc {
		disc[k] = 1 / math.Pow(1+p.CLVMonthlyDiscount, float64(k+1))
	}
	gm := 1.0
	spendLabel := m.Summary.Spend
	if spendLabel == "revenue" && a.Profit.Basis == ProfitEstimated {
		gm = p.AssumedGMPct
		spendLabel = "estimated margin"
	}
	a.CLV, a.clvKey = make([]float64, a.N), make([]float64, a.N)
	for c := 0; c < a.N; c++ {
		if !m.Summary.In[c] {
			continue
		}
		var sum float64
		row := delta[c*H : (c+1)*H]
		for k, d := range row {
			sum += d * disc[k]
		}
		a.CLV[c] = finite(m.Spend[c] * gm * sum)
	}
	copy(a.clvKey, a.CLV)
	info := &a.CLVInfo
	info.Model, info.Period, info.Horizon, info.Discount = "BG/NBD + Gamma-Gamma", "month", H, p.CLVMonthlyDiscount
	info.Convention, info.Retention, info.RetSource, info.Multiple, info.Known = "", math.NaN(), "", math.NaN(), true
	info.Label = fmt.Sprintf("BG/NBD + Gamma-Gamma %s CLV, %d months at %.2f %%/month, unit %s (%g per month)",
		spendLabel, H, 100*p.CLVMonthlyDiscount, p.ModelTimeUnit, factor)
	return true
}
