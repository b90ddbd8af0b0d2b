package model

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Query selects customers: every condition must hold (clv>1000 grade=E
// region=East) and every word must be found in one of the searched text
// fields. The view builds it from what the user types; the exporter can
// write the rows it selects.
type Query struct {
	Conds []Cond
	Words []string // lower case
}

// Cond is one condition on a customer field.
type Cond struct {
	Field Field
	Op    string // = != > < >= <=
	Num   float64
	IsNum bool
	Text  string
}

var condRe = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_:]*)\s*(>=|<=|!=|>|<|=)\s*("[^"]*"|'[^']*'|\S+)`)

// ParseQuery reads a query. "segment" names segKey, the field of the scheme
// on screen; other field names are the keys of Analysis.Fields. Numbers in
// conditions on money are in major units (clv>1000 means 1,000.00).
func ParseQuery(a *Analysis, s, segKey string) (*Query, error) {
	q := &Query{}
	rest := condRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := condRe.FindStringSubmatch(m)
		name, op, val := strings.ToLower(sub[1]), sub[2], strings.Trim(sub[3], `"'`)
		if name == "segment" {
			name = segKey
		}
		f, ok := a.Field(name)
		if !ok {
			q.Conds = append(q.Conds, Cond{Op: "?", Text: sub[1]})
			return " "
		}
		c := Cond{Field: f, Op: op, Text: val}
		if v, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(val, ",", ""), "%"), 64); err == nil && f.Kind != KindText {
			c.Num, c.IsNum = v, true
		} else if f.Kind != KindText && f.Kind != KindDate {
			c.Op = "!" + op
		}
		q.Conds = append(q.Conds, c)
		return " "
	})
	for _, c := range q.Conds {
		switch {
		case c.Op == "?":
			return nil, fmt.Errorf("unknown field %q (fields: segment, %s)", c.Text, strings.Join(fieldKeys(a), ", "))
		case strings.HasPrefix(c.Op, "!") && c.Op != "!=":
			return nil, fmt.Errorf("%s %s needs a number, not %q", c.Field.Key, c.Op[1:], c.Text)
		}
	}
	for _, w := range strings.Fields(rest) {
		q.Words = append(q.Words, strings.ToLower(strings.Trim(w, `"'`)))
	}
	return q, nil
}

func fieldKeys(a *Analysis) []string {
	var keys []string
	for _, f := range a.Fields() {
		keys = append(keys, f.Key)
	}
	return keys
}

// Empty reports whether the query selects every customer.
func (q *Query) Empty() bool { return q == nil || len(q.Conds)+len(q.Words) == 0 }

// Matcher is a query prepared for one analysis and its search fields (the
// text fields the words are looked for in; tr gives the text as shown,
// segment names in the user's language, which matches as well as the
// original). A word is looked for in each value of a field with one value
// a segment once, not at every customer. It only reads, so goroutines can
// share it.
type Matcher struct {
	q      *Query
	a      *Analysis
	search []Field
	tr     func(string) string
	assign [][]int16  // per search field: each customer's segment (nil: not such a field)
	hit    [][][]bool // per word and field: whether each segment's value holds the word
}

// Matcher prepares q for matching customers of a.
func (q *Query) Matcher(a *Analysis, search []Field, tr func(string) string) *Matcher {
	m := &Matcher{q: q, a: a, search: search, tr: tr, assign: make([][]int16, len(search))}
	if q == nil {
		return m
	}
	m.hit = make([][][]bool, len(q.Words))
	for k := range m.hit {
		m.hit[k] = make([][]bool, len(search))
	}
	for i, f := range search {
		assign, values, ok := a.SegmentValues(f.Key)
		if !ok {
			continue
		}
		m.assign[i] = assign
		for k, w := range q.Words {
			hits := make([]bool, len(values))
			for s, v := range values {
				hits[s] = m.textHolds(v, w)
			}
			m.hit[k][i] = hits
		}
	}
	return m
}

// textHolds says whether a field's text v, as stored or as shown, holds w.
func (m *Matcher) textHolds(v, w string) bool {
	if v == "" {
		return false
	}
	if containsFold(v, w) {
		return true
	}
	t := m.tr(v)
	return t != v && containsFold(t, w)
}

// Match reports whether customer c passes.
func (m *Matcher) Match(c int) bool {
	q := m.q
	if q == nil {
		return true
	}
	for _, cd := range q.Conds {
		if !cd.match(m.a, c, m.tr) {
			return false
		}
	}
	for k, w := range q.Words {
		found := false
		for i := range m.search {
			if assign := m.assign[i]; assign != nil {
				found = m.hit[k][i][assign[c]]
			} else if v := m.search[i].Get(m.a, c); v.OK {
				found = m.textHolds(v.Text, w)
			}
			if found {
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// containsFold reports whether s holds lowerWord (in lower case) in any
// case. ASCII text, most of what is searched, is compared byte by byte
// without a lower-case copy: a search runs over every customer as the user
// types.
func containsFold(s, lowerWord string) bool {
	if !isASCII(s) || !isASCII(lowerWord) {
		return strings.Contains(strings.ToLower(s), lowerWord)
	}
	n := len(lowerWord)
	for i := 0; i+n <= len(s); i++ {
		k := 0
		for k < n && asciiLower(s[i+k]) == lowerWord[k] {
			k++
		}
		if k == n {
			return true
		}
	}
	return n == 0
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiLower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func (cd Cond) match(a *Analysis, c int, tr func(string) string) bool {
	v := cd.Field.Get(a, c)
	switch cd.Field.Kind {
	case KindText:
		eq := v.OK && (strings.EqualFold(v.Text, cd.Text) || strings.EqualFold(tr(v.Text), cd.Text))
		switch cd.Op {
		case "=":
			return eq
		case "!=":
			return !eq
		}
		return v.OK && compareOp(cd.Op, strings.Compare(strings.ToLower(v.Text), strings.ToLower(cd.Text)))
	case KindDate:
		if !v.OK {
			return cd.Op == "!="
		}
		return compareOp(cd.Op, strings.Compare(v.Day.String(), cd.Text))
	}
	if !v.OK || !cd.IsNum {
		return cd.Op == "!=" && !v.OK
	}
	x := v.Num
	if cd.Field.Kind == KindMoney {
		x = float64(v.Money) / float64(a.Led.Scale())
	}
	if cd.Field.Kind == KindPct && (strings.HasSuffix(cd.Text, "%") || cd.Num > 1) {
		x *= 100 // palive>50 and palive>50% both mean half
	}
	return compareOp(cd.Op, cmp.Compare(x, cd.Num))
}

func compareOp(op string, c int) bool {
	switch op {
	case "=":
		return c == 0
	case "!=":
		return c != 0
	case ">":
		return c > 0
	case "<":
		return c < 0
	case ">=":
		return c >= 0
	case "<=":
		return c <= 0
	}
	return false
}

// Each reports, on every core, whether each customer c with asked[c]
// passes (false for the others). Customers are taken in their own order:
// each field's column is read from start to end, not at random.
func (m *Matcher) Each(asked []bool) []bool {
	match := make([]bool, len(asked))
	parallelRange(len(asked), 4096, func(_, lo, hi int) {
		for c := lo; c < hi; c++ {
			if asked[c] {
				match[c] = m.Match(c)
			}
		}
	})
	return match
}

// Select returns the customers the query passes, in id order.
func (a *Analysis) Select(q *Query, search []Field, tr func(string) string) []int32 {
	out := make([]int32, 0, a.N)
	m := q.Matcher(a, search, tr)
	for _, c := range a.IDOrder {
		if m.Match(int(c)) {
			out = append(out, c)
		}
	}
	return out
}

// Summable reports whether a column of the field has a total: money, model
// amounts and counts do; shares, scores and text do not.
func (f Field) Summable() bool {
	return (f.Kind == KindMoney || f.Kind == KindAmount || f.Kind == KindInt) && !isScoreField(f.Key)
}

func isScoreField(k string) bool { return k == "r" || k == "f" || k == "m" || k == "recency" }

// Sum is the total of a summable field over rows: exact for money; n/a
// (OK false) when a row has no value.
func (a *Analysis) Sum(f Field, rows []int32) Value {
	if !f.Summable() {
		return Value{}
	}
	var m Money
	var x float64
	for _, c := range rows {
		v := f.Get(a, int(c))
		if !v.OK {
			return Value{}
		}
		m += v.Money
		x += v.Num
	}
	return Value{Money: m, Num: x, OK: true}
}

// FreqRow is one value of a frequency table: how many of the selected
// customers have it, and their revenue and profit.
type FreqRow struct {
	Label        string
	Count        int
	Share        float64
	Revenue      Money
	RevenueShare float64 // n/a (NaN) when the total revenue is not positive
	Profit       Money
	Customers    []int32 // the customers, in id order
	Lo, Hi       Value   // the bin's lowest and highest value (binned fields)
}

// Frequency groups rows by the value of a field (VisiData's frequency
// table): text, counts and dates by value, most frequent first; money,
// amounts and shares in ten bins of equal count, low to high. The total
// row is the sum of the rows.
func (a *Analysis) Frequency(f Field, rows []int32, format func(Value) string) (out []FreqRow, total FreqRow) {
	total.Label = "Total"
	var revTotal Money
	for _, c := range rows {
		revTotal += a.Revenue[c]
	}
	add := func(r *FreqRow, c int32) {
		r.Count++
		r.Revenue += a.Revenue[c]
		r.Profit += a.CM[c]
		r.Customers = append(r.Customers, c)
	}
	continuous := f.Kind == KindMoney || f.Kind == KindAmount || f.Kind == KindPct || f.Kind == KindFloat
	if continuous {
		type keyed struct {
			c int32
			k float64
		}
		var sorted []keyed
		var missing []int32
		for _, c := range rows {
			if v := f.Get(a, int(c)); v.OK {
				sorted = append(sorted, keyed{c, v.Sort(f.Kind)})
			} else {
				missing = append(missing, c)
			}
		}
		slices.SortStableFunc(sorted, func(x, y keyed) int { return cmp.Compare(x.k, y.k) })
		known := make([]int32, len(sorted))
		for i, s := range sorted {
			known[i] = s.c
		}
		// ten bins of about equal count; equal values stay in one bin, so a
		// range lo ≤ x ≤ hi selects exactly the bin's customers
		const bins = 10
		key := func(k int) float64 { return sorted[k].k }
		for lo := 0; lo < len(known); {
			hi := max(lo+1, min(len(known), (len(out)+1)*len(known)/bins))
			for hi < len(known) && key(hi) == key(hi-1) {
				hi++
			}
			lv, hv := f.Get(a, int(known[lo])), f.Get(a, int(known[hi-1]))
			r := FreqRow{Label: format(lv) + " … " + format(hv), Lo: lv, Hi: hv}
			for _, c := range known[lo:hi] {
				add(&r, c)
			}
			slices.Sort(r.Customers)
			out = append(out, r)
			lo = hi
		}
		if len(missing) > 0 {
			r := FreqRow{Label: "n/a"}
			for _, c := range missing {
				add(&r, c)
			}
			out = append(out, r)
		}
	} else {
		ix := map[string]int{}
		for _, c := range rows {
			label := format(f.Get(a, int(c)))
			i, ok := ix[label]
			if !ok {
				i = len(out)
				ix[label] = i
				out = append(out, FreqRow{Label: label})
			}
			add(&out[i], c)
		}
		slices.SortStableFunc(out, func(x, y FreqRow) int {
			if x.Count != y.Count {
				return y.Count - x.Count
			}
			return strings.Compare(x.Label, y.Label)
		})
	}
	for i := range out {
		r := &out[i]
		r.Share = float64(r.Count) / float64(max(1, len(rows)))
		r.RevenueShare = share(r.Revenue, revTotal)
		total.Count += r.Count
		total.Revenue += r.Revenue
		total.Profit += r.Profit
	}
	total.Share = 1
	if len(rows) == 0 {
		total.Share = 0
	}
	total.RevenueShare = share(total.Revenue, revTotal)
	return out, total
}

func share(part, whole Money) float64 {
	if whole <= 0 {
		return math.NaN()
	}
	return float64(part) / float64(whole)
}
