package model

import (
	"math"
	"slices"
)

// Quintile scoring of spec §1.2. order lists every customer by value
// ascending (ties by id); only customers with in[i] are scored (n of them),
// the others keep 0.

// scoreTie is convention (D): L_i = #{j : v_j < v_i} (higher is better) or
// #{j : v_j > v_i} (lower is better); score = 1 + floor(bins·L/N). Equal
// values get equal scores and the result does not depend on row order.
func scoreTie(v []float64, order []int32, in []bool, n, bins int, lowerIsBetter bool, out []int8) {
	seen, l := 0, 0
	prev := math.NaN()
	step := func(i int32) {
		if !in[i] {
			return
		}
		if v[i] != prev {
			l, prev = seen, v[i]
		}
		out[i] = int8(1 + bins*l/n)
		seen++
	}
	if lowerIsBetter { // count the larger values: walk down
		for k := len(order) - 1; k >= 0; k-- {
			step(order[k])
		}
		return
	}
	for _, i := range order {
		step(i)
	}
}

// scoreRankFirst is pandas qcut(x.rank(method="first"), bins): the k-th value
// (1-based, ties in id order) scores max(1, ceil(bins·(k−1)/(N−1))).
func scoreRankFirst(order []int32, in []bool, n, bins int, lowerIsBetter bool, out []int8) {
	k := 0
	for _, i := range order {
		if !in[i] {
			continue
		}
		s := 1
		if n > 1 {
			s = max(1, int(math.Ceil(float64(bins*k)/float64(n-1)-1e-9)))
		}
		if lowerIsBetter {
			s = bins + 1 - s
		}
		out[i] = int8(s)
		k++
	}
}

// scoreQcut is pandas qcut on raw values (type-7 quantile edges, bins
// (e_k, e_k+1], the lowest edge included). It reports false when two edges
// coincide, where pandas raises "Bin edges must be unique".
func scoreQcut(v []float64, order []int32, in []bool, n, bins int, lowerIsBetter bool, out []int8) bool {
	sorted := make([]float64, 0, n)
	for _, i := range order {
		if in[i] {
			sorted = append(sorted, v[i])
		}
	}
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
	for i := range v {
		if !in[i] {
			continue
		}
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
func scoreBreaks(v []float64, in []bool, breaks []float64, lowerIsBetter bool, out []int8) {
	for i := range v {
		if !in[i] {
			continue
		}
		k, _ := slices.BinarySearch(breaks, math.Nextafter(v[i], math.Inf(1))) // #{b ≤ v}
		s := k + 1
		if lowerIsBetter {
			s = len(breaks) + 1 - k
		}
		out[i] = int8(s)
	}
}
