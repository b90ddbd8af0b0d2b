package model

import (
	"strings"
	"testing"
)

// containsFold without a lower-case copy agrees with strings.ToLower and
// strings.Contains, on ASCII and other text, at every position.
func TestContainsFold(t *testing.T) {
	texts := []string{"", "a", "Customer 34 Foods", "FOODS", "foo", "fo", "Ärger GmbH", "客户 Foods", "ſ", "İstanbul", "x-ray_42"}
	words := []string{"", "f", "fo", "foo", "foods", "34 f", "customer 34 foods", "ärger", "客户", "s", "i̇stanbul", "42", "x-r", "zzz"}
	for _, s := range texts {
		for _, w := range words {
			if got, want := containsFold(s, w), strings.Contains(strings.ToLower(s), w); got != want {
				t.Errorf("containsFold(%q, %q) = %v, want %v", s, w, got, want)
			}
		}
	}
}
