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

// MatchEveryField is the oracle of Matcher: every field of customer c looked at.
func MatchEveryField(a *Analysis, q *Query, c int, search []Field, tr func(string) string) bool {
	for _, cd := range q.Conds {
		if !cd.match(a, c, tr) {
			return false
		}
	}
	for _, w := range q.Words {
		found := false
		for _, f := range search {
			v := f.Get(a, c)
			found = found || (v.OK && v.Text != "" && (containsFold(v.Text, w) || containsFold(tr(v.Text), w)))
		}
		if !found {
			return false
		}
	}
	return true
}
