package model

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mathext"
)

// The likelihoods below are evaluated over distinct values: a term that
// depends on x alone (the log-gammas and digammas) is computed once per
// distinct frequency, logs of α + T and α + t_x once per distinct time, and
// per customer history only the part that couples them (one exp and one
// log). Customers with the same history share one weighted term. The sums
// run in fixed chunks, on every core, and are added in chunk order, so the
// result does not depend on the number of cores. model/fitoracle_test.go
// keeps the term-by-term formulas and checks these against them.

// bgData is the BG/NBD fit's input grouped by distinct values.
type bgData struct {
	x   []float64 // distinct frequencies, ascending
	wx  []float64 // customers per distinct x
	t   []float64 // distinct times (T and t_x, scaled), ascending
	w0  []float64 // per time: customers with x = 0 and that T
	rep []bgRep   // customers with x > 0, by distinct (x, t_x, T)
	w   float64   // customers
}

// bgRep is one distinct repeat-buyer history: indices into x and t.
type bgRep struct {
	xi, txi, ti int32
	w           float64
}

// newBGData groups the customers in the summary, times multiplied by scale.
func newBGData(s *RepeatSummary, scale float64) *bgData {
	d := &bgData{}
	xs, ts := newDistinct(), newDistinct()
	type cust struct{ xi, txi, ti int32 }
	cs := make([]cust, 0, len(s.In))
	for c, in := range s.In {
		if in {
			cs = append(cs, cust{xs.add(s.X[c]), ts.add(s.Tx[c] * scale), ts.add(s.T[c] * scale)})
		}
	}
	var xre, tre []int32
	d.x, xre = xs.sorted()
	d.t, tre = ts.sorted()
	d.wx, d.w0 = make([]float64, len(d.x)), make([]float64, len(d.t))
	// Repeat buyers' histories packed into one sortable key each: sorting
	// groups equal histories and fixes an order independent of row order.
	const bits = 21
	packed := len(d.x) < 1<<bits && len(d.t) < 1<<bits
	var keys []uint64
	if packed {
		keys = make([]uint64, 0, len(cs))
	}
	for _, c := range cs {
		xi, txi, ti := xre[c.xi], tre[c.txi], tre[c.ti]
		d.wx[xi]++
		d.w++
		if d.x[xi] == 0 {
			d.w0[ti]++
			continue
		}
		if packed {
			keys = append(keys, uint64(xi)<<(2*bits)|uint64(txi)<<bits|uint64(ti))
		} else {
			d.rep = append(d.rep, bgRep{xi: xi, txi: txi, ti: ti, w: 1})
		}
	}
	if packed {
		slices.Sort(keys)
		distinct := min(len(keys), 1)
		for i := 1; i < len(keys); i++ {
			if keys[i] != keys[i-1] {
				distinct++
			}
		}
		d.rep = make([]bgRep, 0, distinct) // sized once: a million customers' histories
		const mask = 1<<bits - 1
		for i, k := range keys {
			if i > 0 && k == keys[i-1] {
				d.rep[len(d.rep)-1].w++
				continue
			}
			d.rep = append(d.rep, bgRep{xi: int32(k >> (2 * bits)), txi: int32(k >> bits & mask), ti: int32(k & mask), w: 1})
		}
		return d
	}
	slices.SortFunc(d.rep, func(p, q bgRep) int {
		return cmp.Or(cmp.Compare(p.xi, q.xi), cmp.Compare(p.txi, q.txi), cmp.Compare(p.ti, q.ti))
	})
	out := d.rep[:0]
	for _, r := range d.rep {
		if n := len(out); n > 0 && out[n-1].xi == r.xi && out[n-1].txi == r.txi && out[n-1].ti == r.ti {
			out[n-1].w++
			continue
		}
		out = append(out, r)
	}
	d.rep = out
	return d
}

// distinctSet numbers values in the order first seen; sorted returns the
// distinct values ascending and, per first-seen number, the sorted index.
type distinctSet struct {
	idx  map[float64]int32
	vals []float64
}

func newDistinct() *distinctSet { return &distinctSet{idx: map[float64]int32{}} }

func (s *distinctSet) add(v float64) int32 {
	if i, ok := s.idx[v]; ok {
		return i
	}
	i := int32(len(s.vals))
	s.idx[v] = i
	s.vals = append(s.vals, v)
	return i
}

func (s *distinctSet) sorted() ([]float64, []int32) {
	order := make([]int32, len(s.vals))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(s.vals[a], s.vals[b]) })
	vals := make([]float64, len(order))
	re := make([]int32, len(order))
	for k, i := range order {
		vals[k], re[i] = s.vals[i], int32(k)
	}
	return vals, re
}

// thin returns a systematic sample of about n customers of d (every k-th
// customer in the fixed term order, weighted by k), or d itself when it is
// no larger: the multi-start search runs on it, then the best start is
// polished on all of d.
func (d *bgData) thin(n int) *bgData {
	k := math.Ceil(d.w / float64(n))
	if k <= 1 || len(d.rep) <= n {
		return d
	}
	t := &bgData{x: d.x, t: d.t, wx: make([]float64, len(d.x)), w0: make([]float64, len(d.t))}
	var cum float64
	take := func(w float64) float64 { // customers of weight w that the sample keeps, times k
		before := math.Floor(cum / k)
		cum += w
		return (math.Floor(cum/k) - before) * k
	}
	for j, w := range d.w0 {
		if kw := take(w); kw > 0 {
			t.w0[j] = kw
			t.wx[0] += kw
			t.w += kw
		}
	}
	for _, q := range d.rep {
		if kw := take(q.w); kw > 0 {
			q.w = kw
			t.rep = append(t.rep, q)
			t.wx[q.xi] += kw
			t.w += kw
		}
	}
	return t
}

// index is the position of v in the sorted distinct values u.
func index(u []float64, v float64) int32 {
	i, _ := slices.BinarySearch(u, v)
	return int32(i)
}

// fitChunk is how many terms one task of a parallel sum adds up.
const fitChunk = 8192

// chunkSums adds f over [0, n) in fixed chunks, on every core, and returns
// the per-chunk results added in chunk order (deterministic).
func chunkSums[T any](n int, f func(lo, hi int) T, add func(acc *T, v T)) T {
	chunks := (n + fitChunk - 1) / fitChunk
	out := make([]T, chunks)
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for k := range chunks {
			out[k] = f(k*fitChunk, min(n, (k+1)*fitChunk))
		}
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := w; k < chunks; k += workers {
					out[k] = f(k*fitChunk, min(n, (k+1)*fitChunk))
				}
			}()
		}
		wg.Wait()
	}
	var acc T
	for _, v := range out {
		add(&acc, v)
	}
	return acc
}

type sums4 [5]float64 // log-likelihood and four gradient parts

func addSums(acc *sums4, v sums4) {
	for i := range v {
		acc[i] += v[i]
	}
}

// ll returns Σ w·LL and, when grad is not nil, its gradient with respect to
// the log-parameters (log r, log α, log a, log b).
func (d *bgData) ll(theta []float64, grad []float64) float64 {
	r, al, a, b := math.Exp(theta[0]), math.Exp(theta[1]), math.Exp(theta[2]), math.Exp(theta[3])
	lgr, _ := math.Lgamma(r)
	lgb, _ := math.Lgamma(b)
	lgab, _ := math.Lgamma(a + b)
	lnAl, la := math.Log(al), math.Log(a)
	var s sums4 // ll, ∂r, ∂α, ∂a, ∂b
	// terms in x alone
	lbx1 := make([]float64, len(d.x)) // log(b + x − 1), for x > 0
	ibx1 := make([]float64, len(d.x)) // 1 / (b + x − 1)
	var psiR, psiB, psiAB float64
	if grad != nil {
		psiR, psiB, psiAB = mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	}
	for i, x := range d.x {
		W := d.wx[i]
		lrx, _ := math.Lgamma(r + x)
		lbx, _ := math.Lgamma(b + x)
		labx, _ := math.Lgamma(a + b + x)
		s[0] += W * (lrx - lgr + r*lnAl + lgab + lbx - lgb - labx)
		if x > 0 {
			lbx1[i], ibx1[i] = math.Log(b+x-1), 1/(b+x-1)
		}
		if grad != nil {
			psiABX := mathext.Digamma(a + b + x)
			s[1] += W * (mathext.Digamma(r+x) - psiR + lnAl)
			s[2] += W * r / al
			s[3] += W * (psiAB - psiABX)
			s[4] += W * (psiAB + mathext.Digamma(b+x) - psiB - psiABX)
		}
	}
	// terms in time alone
	lt := make([]float64, len(d.t)) // log(α + t)
	it := make([]float64, len(d.t)) // 1 / (α + t)
	for j, t := range d.t {
		lt[j], it[j] = math.Log(al+t), 1/(al+t)
		if w := d.w0[j]; w > 0 { // x = 0: the likelihood's last term is −r·log(α + T)
			s[0] -= w * r * lt[j]
			s[1] -= w * lt[j]
			s[2] -= w * r * it[j]
		}
	}
	// terms that couple x, t_x and T: log(e^A3 + e^A4) with A3 = −(r+x)·log(α+T),
	// A4 = log a − log(b+x−1) − (r+x)·log(α+t_x)
	rep := chunkSums(len(d.rep), func(lo, hi int) sums4 {
		var s sums4
		for _, q := range d.rep[lo:hi] {
			rx := r + d.x[q.xi]
			lT, ltx := lt[q.ti], lt[q.txi]
			A3 := -rx * lT
			dd := la - lbx1[q.xi] - rx*(ltx-lT) // A4 − A3
			var l3, p4 float64                  // log(e^A3 + e^A4), e^A4 / (e^A3 + e^A4)
			// log(1 + e) with e ≤ 1: math.Log is much faster than Log1p
			// and loses only ~1e-16 absolute when e is tiny
			if dd > 0 {
				e := math.Exp(-dd)
				l3, p4 = A3+dd+math.Log(1+e), 1/(1+e)
			} else {
				e := math.Exp(dd)
				l3, p4 = A3+math.Log(1+e), e/(1+e)
			}
			p3 := 1 - p4
			s[0] += q.w * l3
			if grad != nil {
				s[1] -= q.w * (p3*lT + p4*ltx)
				s[2] -= q.w * rx * (p3*it[q.ti] + p4*it[q.txi])
				s[3] += q.w * p4 / a
				s[4] -= q.w * p4 * ibx1[q.xi]
			}
		}
		return s
	}, addSums)
	addSums(&s, rep)
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = s[1]*r, s[2]*al, s[3]*a, s[4]*b
	}
	return s[0]
}

// ggData is the Gamma-Gamma fit's input: distinct (x, m̄) with weights,
// grouped by distinct x, and the sums that do not depend on the parameters.
type ggData struct {
	x, wx []float64 // distinct frequencies and their weights
	terms []ggTerm
	n     float64
	xlogm float64 // Σ w·x·log m̄
	logm  float64 // Σ w·log m̄
	xlogx float64 // Σ w·x·log x
}

type ggTerm struct {
	xi   int32
	x, m float64
	w    float64
}

func newGGData(xs, ms []float64) *ggData {
	terms := make([]ggTerm, len(xs))
	for i := range xs {
		terms[i] = ggTerm{x: xs[i], m: ms[i], w: 1}
	}
	slices.SortFunc(terms, func(p, q ggTerm) int { return cmp.Or(cmp.Compare(p.x, q.x), cmp.Compare(p.m, q.m)) })
	out := terms[:0]
	for _, t := range terms {
		if n := len(out); n > 0 && out[n-1].x == t.x && out[n-1].m == t.m {
			out[n-1].w++
			continue
		}
		out = append(out, t)
	}
	return ggFromTerms(out)
}

// ggFromTerms completes the data of sorted, weighted terms.
func ggFromTerms(terms []ggTerm) *ggData {
	d := &ggData{terms: terms}
	for _, t := range terms {
		d.x = append(d.x, t.x)
	}
	d.x = slices.Compact(d.x)
	d.wx = make([]float64, len(d.x))
	for i := range d.terms {
		t := &d.terms[i]
		t.xi = index(d.x, t.x)
		d.wx[t.xi] += t.w
		d.n += t.w
		lm := math.Log(t.m)
		d.xlogm += t.w * t.x * lm
		d.logm += t.w * lm
		d.xlogx += t.w * t.x * math.Log(t.x)
	}
	return d
}

// thin returns a systematic sample of about n customers (see bgData.thin).
func (d *ggData) thin(n int) *ggData {
	k := math.Ceil(d.n / float64(n))
	if k <= 1 || len(d.terms) <= n {
		return d
	}
	var terms []ggTerm
	var cum float64
	for _, t := range d.terms {
		before := math.Floor(cum / k)
		cum += t.w
		if kw := (math.Floor(cum/k) - before) * k; kw > 0 {
			t.w = kw
			terms = append(terms, t)
		}
	}
	return ggFromTerms(terms)
}

// ll returns the Gamma-Gamma log-likelihood and, when grad is not nil, its
// gradient with respect to (log p, log(q − 1), log v).
func (d *ggData) ll(th, grad []float64) float64 {
	p, q, v := math.Exp(th[0]), 1+math.Exp(th[1]), math.Exp(th[2])
	lgq, _ := math.Lgamma(q)
	lv := math.Log(v)
	var s [4]float64 // ll, ∂p, ∂q, ∂v
	psiQ := 0.0
	if grad != nil {
		psiQ = mathext.Digamma(q)
	}
	for i, x := range d.x {
		W, px := d.wx[i], p*x
		l1, _ := math.Lgamma(px + q)
		l2, _ := math.Lgamma(px)
		s[0] += W * (l1 - l2 - lgq + q*lv)
		if grad != nil {
			psi1 := mathext.Digamma(px + q)
			s[1] += W * x * (psi1 - mathext.Digamma(px))
			s[2] += W * (psi1 - psiQ + lv)
		}
	}
	s[0] += p*d.xlogm - d.logm + p*d.xlogx
	s[1] += d.xlogm + d.xlogx
	type sums3 = [4]float64
	c := chunkSums(len(d.terms), func(lo, hi int) sums3 {
		var c sums3
		for _, t := range d.terms[lo:hi] {
			pxq := p*t.x + q
			lxm := math.Log(t.x*t.m + v)
			c[0] -= t.w * pxq * lxm
			if grad != nil {
				c[1] -= t.w * t.x * lxm
				c[2] -= t.w * lxm
				c[3] += t.w * (q/v - pxq/(t.x*t.m+v))
			}
		}
		return c
	}, func(acc *sums3, v sums3) {
		for i := range v {
			acc[i] += v[i]
		}
	})
	for i := range c {
		s[i] += c[i]
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = s[1]*p, s[2]*(q-1), s[3]*v
	}
	return s[0]
}

// memoLL remembers the last evaluation, so that the optimiser's separate
// calls for the value and the gradient at one point cost one pass.
type memoLL struct {
	f     func(th, grad []float64) float64
	th    []float64
	v     float64
	g     []float64
	valid bool
}

func newMemo(f func(th, grad []float64) float64) *memoLL { return &memoLL{f: f} }

func (m *memoLL) at(th []float64) {
	if m.valid && slices.Equal(m.th, th) {
		return
	}
	m.th = append(m.th[:0], th...)
	m.g = slices.Grow(m.g[:0], len(th))[:len(th)]
	m.v = m.f(th, m.g)
	m.valid = true
}

// Value is the log-likelihood at th; Grad copies its gradient into g.
func (m *memoLL) Value(th []float64) float64 { m.at(th); return m.v }
func (m *memoLL) Grad(g, th []float64)       { m.at(th); copy(g, m.g) }

// DistinctHistories is the number of distinct (x, t_x, T) among the
// customers of s: the work a BG/NBD likelihood evaluation does.
func DistinctHistories(s *RepeatSummary) int {
	d := newBGData(s, 1)
	n := len(d.rep)
	for _, w := range d.w0 {
		if w > 0 {
			n++
		}
	}
	return n
}
