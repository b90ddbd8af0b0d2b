package model

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The straightforward likelihoods: one term per customer, every log-gamma
// and digamma computed in place (Fader, Hardie & Lee 2005 eq. 6; Fader,
// Hardie & Lee 2005b for Gamma-Gamma). They are the oracle the grouped,
// parallel evaluations in fitdata.go are tested against.

// directBG returns the per-customer BG/NBD log-likelihood of s with times
// multiplied by scale, and the number of customers.
func directBG(s *RepeatSummary, scale float64) (likelihood, float64) {
	var xs, txs, Ts []float64
	for c, in := range s.In {
		if in {
			xs, txs, Ts = append(xs, s.X[c]), append(txs, s.Tx[c]*scale), append(Ts, s.T[c]*scale)
		}
	}
	return func(theta, grad []float64) float64 {
		r, alpha, a, b := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2]), math.Exp(theta[3])
		lgr, _ := math.Lgamma(r)
		lgb, _ := math.Lgamma(b)
		lgab, _ := math.Lgamma(a + b)
		psiR, psiB, psiAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
		lnAlpha := math.Log(alpha)
		var ll, gr, gal, ga, gb float64
		for i, x := range xs {
			tx, T := txs[i], Ts[i]
			lrx, _ := math.Lgamma(r + x)
			lbx, _ := math.Lgamma(b + x)
			labx, _ := math.Lgamma(a + b + x)
			A1 := lrx - lgr + r*lnAlpha
			A2 := lgab + lbx - lgb - labx
			lT, lt := math.Log(alpha+T), math.Log(alpha+tx)
			A3 := -(r + x) * lT
			var l3, e3, e4 float64
			if x > 0 {
				A4 := math.Log(a) - math.Log(b+x-1) - (r+x)*lt
				m := math.Max(A3, A4)
				e3, e4 = math.Exp(A3-m), math.Exp(A4-m)
				l3 = m + math.Log(e3+e4)
			} else {
				e3, l3 = 1, A3
			}
			D := e3 + e4
			ll += A1 + A2 + l3
			if grad != nil {
				psiRX, psiBX, psiABX := mathext.Digamma(r+x), mathext.Digamma(b+x), mathext.Digamma(a+b+x)
				gr += psiRX - psiR + lnAlpha + (e3*(-lT)+e4*(-lt))/D
				gal += r/alpha + (e3*(-(r+x)/(alpha+T))+e4*(-(r+x)/(alpha+tx)))/D
				ga += psiAB - psiABX + e4/a/D
				gbt := psiAB + psiBX - psiB - psiABX
				if x > 0 {
					gbt += e4 * (-1 / (b + x - 1)) / D
				}
				gb += gbt
			}
		}
		if grad != nil {
			grad[0], grad[1], grad[2], grad[3] = gr*r, gal*alpha, ga*a, gb*b
		}
		return ll
	}, float64(len(xs))
}

// directGG returns the per-customer Gamma-Gamma log-likelihood.
func directGG(xs, ms []float64) (likelihood, float64) {
	return func(th, grad []float64) float64 {
		p, q, v := math.Exp(th[0]), 1+math.Exp(th[1]), math.Exp(th[2])
		lgq, _ := math.Lgamma(q)
		psiQ := mathext.Digamma(q)
		var sum, gp, gq, gv float64
		for i, x := range xs {
			m := ms[i]
			px := p * x
			l1, _ := math.Lgamma(px + q)
			l2, _ := math.Lgamma(px)
			lxm := math.Log(x*m + v)
			sum += l1 - l2 - lgq + q*math.Log(v) + (px-1)*math.Log(m) + px*math.Log(x) - (px+q)*lxm
			if grad != nil {
				psi1 := mathext.Digamma(px + q)
				gp += x * (psi1 - mathext.Digamma(px) + math.Log(m) + math.Log(x) - lxm)
				gq += psi1 - psiQ + math.Log(v) - lxm
				gv += q/v - (px+q)/(x*m+v)
			}
		}
		if grad != nil {
			grad[0], grad[1], grad[2] = gp*p, gq*(q-1), gv*v
		}
		return sum
	}, float64(len(xs))
}

// Hooks for the external tests (model_test) that load real ledgers.

// FitBGNBDDirect fits BG/NBD with the per-customer likelihood.
func FitBGNBDDirect(s *RepeatSummary, penalizer float64) (BGNBD, FitStatus) {
	return fitBGNBD(s, penalizer, func(scale float64) fitProblem {
		f, w := directBG(s, scale)
		return fitProblem{full: weighted{f, w}}
	})
}

// FitGammaGammaDirect fits Gamma-Gamma with the per-customer likelihood.
func FitGammaGammaDirect(s *RepeatSummary) (GammaGamma, FitStatus) {
	return fitGammaGamma(s, func(xs, ms []float64) fitProblem {
		f, n := directGG(xs, ms)
		return fitProblem{full: weighted{f, n}}
	})
}

// BGLikelihoods returns the grouped and the per-customer BG/NBD
// log-likelihoods of s (times scaled by scale).
func BGLikelihoods(s *RepeatSummary, scale float64) (fast, direct func(th, grad []float64) float64) {
	d := newBGData(s, scale)
	direct, _ = directBG(s, scale)
	return d.ll, direct
}

// GGLikelihoods returns the grouped and the per-customer Gamma-Gamma
// log-likelihoods of the repeat customers of s.
func GGLikelihoods(s *RepeatSummary) (fast, direct func(th, grad []float64) float64) {
	var xs, ms []float64
	for c, in := range s.In {
		if in && s.X[c] > 0 && s.Mbar[c] > 0 {
			xs, ms = append(xs, s.X[c]), append(ms, s.Mbar[c])
		}
	}
	return newGGData(xs, ms).ll, func(th, g []float64) float64 { f, _ := directGG(xs, ms); return f(th, g) }
}

// ReceivablesSplit is ReceivablesOf with the customers split in parts.
func ReceivablesSplit(l *Ledger, asOf Day, parts int) *Receivables {
	return receivablesOf(l, asOf, parts)
}
