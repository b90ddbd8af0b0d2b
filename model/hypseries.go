package model

import "math"

// hypSeries sums the power series of Gauss's ₂F₁(a, b; c; z) = Σ t_k for one
// (a, b, c) and several z: the ratios t_{k+1}/t_k = (a+k)(b+k)/((c+k)(k+1))·z
// and, for the derivatives, the running sums Σ_{j<k} 1/(a+j) (and in b, c)
// are built once and extended as a larger z needs more terms, so each
// further z costs a few multiplications a term and no division. With a, b,
// c > 0 and 0 ≤ z < 1 every term is positive and the sum keeps full
// relative precision; elsewhere (or when it would need too many terms, or
// overflow) eval reports false and the caller uses gonum's Hypergeo.
type hypSeries struct {
	a, b, c    float64
	deriv      bool
	ratio      []float64 // (a+k)(b+k)/((c+k)(k+1)), k = 0, 1, …
	sa, sb, sc []float64 // Σ_{j<k} 1/(a+j) …, k = 0 … len(ratio); only with deriv
	grads      [][4]float64
}

// gradBuf is a buffer of n gradients that lives as long as h (one per
// worker, not one per customer).
func (h *hypSeries) gradBuf(n int) [][4]float64 {
	if cap(h.grads) < n {
		h.grads = make([][4]float64, n)
	}
	return h.grads[:n]
}

// hypMaxTerms bounds the series; hypMaxZ is the largest argument it is
// summed for (beyond it the terms fall too slowly).
const (
	hypMaxTerms = 20_000
	hypMaxZ     = 0.95
)

// reset starts a series for (a, b, c), keeping the buffers, and the
// terms' ratios too when they are for the same a, b, c (customers of one
// frequency, in a row).
func (h *hypSeries) reset(a, b, c float64, deriv bool) {
	if h.a == a && h.b == b && h.c == c && h.deriv == deriv {
		return
	}
	h.a, h.b, h.c, h.deriv = a, b, c, deriv
	h.ratio = h.ratio[:0]
	h.sa, h.sb, h.sc = append(h.sa[:0], 0), append(h.sb[:0], 0), append(h.sc[:0], 0)
}

// usable says whether the series applies to (a, b, c) at z.
func (h *hypSeries) usable(z float64) bool {
	return h.a > 0 && h.b > 0 && h.c > 0 && z >= 0 && z <= hypMaxZ
}

func (h *hypSeries) grow() {
	k := float64(len(h.ratio))
	h.ratio = append(h.ratio, (h.a+k)*(h.b+k)/((h.c+k)*(k+1)))
	if h.deriv {
		n := len(h.sa) - 1
		h.sa = append(h.sa, h.sa[n]+1/(h.a+k))
		h.sb = append(h.sb, h.sb[n]+1/(h.b+k))
		h.sc = append(h.sc, h.sc[n]+1/(h.c+k))
	}
}

// eval returns ₂F₁(a, b; c; z) and, when d is not nil (and the series was
// reset with deriv), ∂F/∂a, ∂F/∂b, ∂F/∂c and z·∂F/∂z; false when the
// series does not apply. The sum stops when the rest, bounded by a
// geometric tail (the ratios tend to z monotonically once the terms fall),
// is below 1e-17 of it; the derivatives' sums go on until their own rest
// is as small, without changing the value.
func (h *hypSeries) eval(z float64, d *[4]float64) (float64, bool) {
	if !h.usable(z) {
		return math.NaN(), false
	}
	sum, term, done := 1.0, 1.0, false
	var fa, fb, fc, fz float64
	for k := 0; ; k++ {
		if k == len(h.ratio) {
			if k >= hypMaxTerms {
				return math.NaN(), false
			}
			h.grow()
		}
		q := h.ratio[k] * z
		term *= q
		if !done {
			sum += term
		}
		if sum > 1e300 {
			return math.NaN(), false
		}
		m := max(q, z)
		if d == nil {
			if m < 1 && term*m <= 1e-17*sum*(1-m) {
				return sum, true
			}
			continue
		}
		fa += term * h.sa[k+1]
		fb += term * h.sb[k+1]
		fc += term * h.sc[k+1]
		fz += float64(k+1) * term
		done = done || (m < 1 && term*m <= 1e-17*sum*(1-m))
		if done && term*float64(k+2)*m <= 1e-17*fz*(1-m)*(1-m) {
			*d = [4]float64{fa, fb, -fc, fz}
			return sum, true
		}
	}
}
