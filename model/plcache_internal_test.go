package model

import (
	"math/rand/v2"
	"testing"
)

// sumBySegment's interleaved sums equal one running sum a segment, for
// every length (a remainder of 0 to 3 customers after the groups of four).
func TestSumBySegment(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 40; n++ {
		assign, v := make([]int16, n), make([]Money, n)
		want := make([]Money, 5)
		for k := range assign {
			assign[k], v[k] = int16(rng.IntN(5)), Money(rng.Int64N(2_000_000)-1_000_000)
			want[assign[k]] += v[k]
		}
		got := sumBySegment(5, assign, v)
		for seg := range want {
			if got[seg] != want[seg] {
				t.Fatalf("%d customers, segment %d: %d, want %d", n, seg, got[seg], want[seg])
			}
		}
	}
}
