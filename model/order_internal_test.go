package model

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The radix argsort gives the comparison sort's order, exactly: keys with
// many ties, NaN, ±0, ±Inf, subnormals and negatives, customers in a random
// id order, at sizes on both sides of where the radix sort starts, and
// with an id rank that is not a permutation (the fallback).
func TestArgsortKeysMatchesCompare(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	special := []float64{math.NaN(), 0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64}
	for _, n := range []int{0, 1, 7, radixFrom - 1, radixFrom, 5000, 100_000} {
		for _, spread := range []float64{-1, 0, 3, 1e6} {
			k := make([]float64, n)
			for i := range k {
				switch r := rng.IntN(20); {
				case spread < 0: // 1 and 1.5 differ in one byte: one pass
					k[i] = 1 + float64(r%2)/2
				case r == 0:
					k[i] = special[rng.IntN(len(special))]
				case spread == 0:
					k[i] = 42
				default:
					k[i] = math.Round((rng.Float64()-0.4)*spread) / 4 // ties
				}
			}
			rank := make([]int32, n)
			for i, p := range rng.Perm(n) {
				rank[i] = int32(p)
			}
			want := argsortCompare(k, rank)
			if got := argsortKeys(k, rank); !slices.Equal(got, want) {
				t.Fatalf("n %d, spread %g: radix order differs from the comparison sort's", n, spread)
			}
			zeros := make([]int32, n) // not a permutation
			if got := argsortKeys(k, zeros); !slices.Equal(got, argsortCompare(k, zeros)) {
				t.Fatalf("n %d, spread %g, id ranks all 0: order differs", n, spread)
			}
		}
	}
}

// The open rows' canonical order by counting sort equals a full sort by
// (customer id rank, date, due date, amount), on rows with repeats.
func TestOpenRowsByIDMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for _, n := range []int{0, 1, 50, 20_000} {
		customers := max(1, n/7)
		rank := make([]int32, customers)
		for i, p := range rng.Perm(customers) {
			rank[i] = int32(p)
		}
		rows := make([]OpenRow, n)
		for i := range rows {
			rows[i] = OpenRow{Cust: int32(rng.IntN(customers)), Date: Day(rng.IntN(30)), Due: Day(rng.IntN(40)), Open: int64(rng.IntN(5))}
		}
		want := slices.Clone(rows)
		slices.SortFunc(want, func(x, y OpenRow) int {
			if c := cmp.Compare(rank[x.Cust], rank[y.Cust]); c != 0 {
				return c
			}
			return compareOpenRows(x, y)
		})
		if got := openRowsByID(rows, rank); !slices.Equal(got, want) {
			t.Fatalf("%d rows: the counting sort's order differs from a full sort's", n)
		}
	}
}
