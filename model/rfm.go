package model

import (
	"cmp"
	"math"
	"slices"
)

// Quintile scoring of spec §1.2. Each function scores the customers listed
// in pop (indices into v) and leaves the others at 0.

// scoreTie is convention (D): L_i = #{j : v_j < v_i} (higher is better) or
// #{j : v_j > v_i} (lower is better); score = 1 + floor(bins·L/N). Equal
// values get equal scores and the result does not depend on row order.
func scoreTie(v []float64, pop []int32, bins int, lowerIsBetter bool, out []int8) {
	n := len(pop)
	sorted := make([]float64, n)
	for k, i := range pop {
		sorted[k] = v[i]
	}
	slices.Sort(sorted)
	for _, i := range pop {
		var l int
		if lowerIsBetter { // #{v_j > v_i}
			hi, _ := slices.BinarySearch(sorted, math.Nextafter(v[i], math.Inf(1)))
			l = n - hi
		} else { // #{v_j < v_i}
			l, _ = slices.BinarySearch(sorted, v[i])
		}
		out[i] = int8(1 + bins*l/n)
	}
}

// scoreRankFirst is pandas qcut(x.rank(method="first"), bins): the k-th value
// after a stable sort (ties in customer order) scores
// max(1, ceil(bins·(k−1)/(N−1))).
func scoreRankFirst(v []float64, pop []int32, bins int, lowerIsBetter bool, out []int8) {
	order := slices.Clone(pop)
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(v[a], v[b]) })
	n := len(order)
	for k, i := range order {
		s := 1
		if n > 1 {
			s = max(1, int(math.Ceil(float64(bins*k)/float64(n-1)-1e-9)))
		}
		if lowerIsBetter {
			s = bins + 1 - s
		}
		out[i] = int8(s)
	}
}

// scoreQcut is pandas qcut on raw values (type-7 quantile edges, bins
// (e_k, e_k+1], the lowest edge included). It reports false when two edges
// coincide, where pandas raises "Bin edges must be unique".
func scoreQcut(v []float64, pop []int32, bins int, lowerIsBetter bool, out []int8) bool {
	n := len(pop)
	sorted := make([]float64, n)
	for k, i := range pop {
		sorted[k] = v[i]
	}
	slices.Sort(sorted)
	edges := make([]float64, bins+1)
	for j := 0; j <= bins; j++ {
		h := float64(n-1) * float64(j) / float64(bins)
		lo := int(math.Floor(h))
		hi := min(lo+1, n-1)
		edges[j] = sorted[lo] + (h-float64(lo))*(sorted[hi]-sorted[lo])
		if j > 0 && edges[j] <= edges[j-1] {
			return false
		}
	}
	for _, i := range pop {
		b, _ := slices.BinarySearch(edges[1:], v[i]) // first edge ≥ v
		b = min(b, bins-1)
		s := b + 1
		if lowerIsBetter {
			s = bins - b
		}
		out[i] = int8(s)
	}
	return true
}

// scoreBreaks scores against custom breakpoints, R-rfm style: bins are
// [lower, upper), so a value equal to a breakpoint goes up.
func scoreBreaks(v []float64, pop []int32, breaks []float64, lowerIsBetter bool, out []int8) {
	for _, i := range pop {
		k, _ := slices.BinarySearch(breaks, math.Nextafter(v[i], math.Inf(1))) // #{b ≤ v}
		s := k + 1
		if lowerIsBetter {
			s = len(breaks) + 1 - k
		}
		out[i] = int8(s)
	}
}
