package model

import (
	"math"
	"testing"
)

// The gaps' coefficient of variation is exact from integers, and stays
// finite and close where k·Σg² would overflow (purchases across millennia).
func TestGapCV(t *testing.T) {
	for _, c := range []struct {
		gaps []int64
		want float64
	}{{[]int64{30, 30, 30}, 0}, {[]int64{10, 30}, 0.5}, {[]int64{1, 2, 3, 4}, math.Sqrt(1.25) / 2.5}} {
		var span, sq int64
		for _, g := range c.gaps {
			span, sq = span+g, sq+g*g
		}
		if got := gapCV(len(c.gaps), span, sq); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("gaps %v: cv %v, want %v", c.gaps, got, c.want)
		}
	}
	// 3,000,000 daily gaps and one of 3,000,000 days: k·Σg² is past int64
	k, big := int64(3_000_001), int64(3_000_000)
	span, sq := big+big, big+big*big
	mean := float64(span) / float64(k)
	want := math.Sqrt((float64(big)*(1-mean)*(1-mean)+(float64(big)-mean)*(float64(big)-mean))/float64(k)) / mean
	if got := gapCV(int(k), span, sq); math.IsNaN(got) || math.Abs(got-want) > 1e-6*want {
		t.Errorf("across millennia: cv %v, want %v", got, want)
	}
}
