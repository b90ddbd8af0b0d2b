package model

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// AttrGroup puts values of an attribute into a named group (regions into
// Coastal and Inland, industries into sectors). All groups of one attribute
// form one scheme, "group:ATTR".
type AttrGroup struct {
	Attr   string // region, industry, channel, customer_type or an extra column
	Group  string
	Values []string
}

// AttrBand cuts a numeric attribute into bands at Cuts (lower bound
// included): the scheme "band:ATTR".
type AttrBand struct {
	Attr string // employees, annual_revenue, total_assets, credit_limit or an extra column
	Cuts []float64
}

// The text forms, as `--set` and the view's parameter editor take them:
//
//	attr_groups = region: Coastal = East, South; region: Inland = West
//	attr_bands  = employees: 50, 250; age: 30, 45, 60
//
// Full-width punctuation (：，；＝) works as well; a name or value holding
// one of the separators is written in double quotes.

const groupSeps = ":=,;"

// quoteToken quotes s when it would not read back as itself.
func quoteToken(s string) string {
	if s == "" || strings.ContainsAny(s, groupSeps+`"：，；＝`) || strings.TrimSpace(s) != s {
		return strconv.Quote(s)
	}
	return s
}

// splitTop splits s at sep outside double quotes (the full-width form of
// a separator counts as well); unclosed reports a quote left open.
func splitTop(s string, sep rune) (parts []string, unclosed bool) {
	wide, ok := map[rune]rune{':': '：', ',': '，', ';': '；', '=': '＝'}[sep]
	if !ok {
		wide = sep
	}
	start, quoted, esc := 0, false, false
	for i, r := range s {
		switch {
		case esc:
			esc = false
		case quoted && r == '\\':
			esc = true
		case r == '"':
			quoted = !quoted
		case !quoted && (r == sep || r == wide):
			parts = append(parts, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(parts, s[start:]), quoted
}

// cutTop cuts s at the first sep outside quotes (either width).
func cutTop(s string, sep rune) (before, after string, found bool) {
	parts, _ := splitTop(s, sep)
	if len(parts) == 1 {
		return s, "", false
	}
	_, size := utf8.DecodeRuneInString(s[len(parts[0]):])
	return parts[0], s[len(parts[0])+size:], true
}

// token reads one name or value: trimmed, quotes removed.
func token(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		v, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("bad quoted text %s", s)
		}
		return v, nil
	}
	if strings.Contains(s, `"`) {
		return "", fmt.Errorf("stray quote in %q", s)
	}
	return s, nil
}

// ParseAttrGroups reads the text form of attr_groups.
func ParseAttrGroups(s string) ([]AttrGroup, error) {
	rules, open := splitTop(s, ';')
	if open {
		return nil, fmt.Errorf("a quote is not closed in %q", s)
	}
	var out []AttrGroup
	owner := map[[2]string]string{} // attr, value → group
	for _, rule := range rules {
		if strings.TrimSpace(rule) == "" {
			continue
		}
		attrText, rest, ok := cutTop(rule, ':')
		if !ok {
			return nil, fmt.Errorf("%q: want attribute: Group = value, value", strings.TrimSpace(rule))
		}
		groupText, valuesText, ok := cutTop(rest, '=')
		if !ok {
			return nil, fmt.Errorf("%q: want attribute: Group = value, value", strings.TrimSpace(rule))
		}
		attr, err := token(attrText)
		if err != nil {
			return nil, err
		}
		group, err := token(groupText)
		if err != nil {
			return nil, err
		}
		if attr == "" || group == "" {
			return nil, fmt.Errorf("%q: the attribute and the group need names", strings.TrimSpace(rule))
		}
		g := AttrGroup{Attr: attr, Group: group}
		values, _ := splitTop(valuesText, ',')
		for _, vt := range values {
			v, err := token(vt)
			if err != nil {
				return nil, err
			}
			if v == "" {
				continue
			}
			key := [2]string{strings.ToLower(attr), v}
			if other, dup := owner[key]; dup && other != group {
				return nil, fmt.Errorf("%s value %q is in both %q and %q", attr, v, other, group)
			}
			owner[key] = group
			if !slices.Contains(g.Values, v) {
				g.Values = append(g.Values, v)
			}
		}
		if len(g.Values) == 0 {
			return nil, fmt.Errorf("group %q of %s has no values", group, attr)
		}
		out = append(out, g)
	}
	return out, nil
}

// FormatAttrGroups writes the form ParseAttrGroups reads.
func FormatAttrGroups(gs []AttrGroup) string {
	var parts []string
	for _, g := range gs {
		vals := make([]string, len(g.Values))
		for i, v := range g.Values {
			vals[i] = quoteToken(v)
		}
		parts = append(parts, quoteToken(g.Attr)+": "+quoteToken(g.Group)+" = "+strings.Join(vals, ", "))
	}
	return strings.Join(parts, "; ")
}

// ParseAttrBands reads the text form of attr_bands.
func ParseAttrBands(s string) ([]AttrBand, error) {
	rules, open := splitTop(s, ';')
	if open {
		return nil, fmt.Errorf("a quote is not closed in %q", s)
	}
	var out []AttrBand
	seen := map[string]bool{}
	for _, rule := range rules {
		if strings.TrimSpace(rule) == "" {
			continue
		}
		attrText, cutsText, ok := cutTop(rule, ':')
		if !ok {
			return nil, fmt.Errorf("%q: want attribute: cut, cut", strings.TrimSpace(rule))
		}
		attr, err := token(attrText)
		if err != nil {
			return nil, err
		}
		if attr == "" {
			return nil, fmt.Errorf("%q: the attribute needs a name", strings.TrimSpace(rule))
		}
		if seen[strings.ToLower(attr)] {
			return nil, fmt.Errorf("%s has two sets of bands", attr)
		}
		seen[strings.ToLower(attr)] = true
		b := AttrBand{Attr: attr}
		cuts, _ := splitTop(cutsText, ',')
		for _, ct := range cuts {
			ct = strings.TrimSpace(ct)
			if ct == "" {
				continue
			}
			v, err := strconv.ParseFloat(strings.ReplaceAll(ct, "_", ""), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s: %q is not a number", attr, ct)
			}
			if n := len(b.Cuts); n > 0 && v <= b.Cuts[n-1] {
				return nil, fmt.Errorf("%s: cuts must increase (%s after %s)", attr, ct, fmtFloat(b.Cuts[n-1]))
			}
			b.Cuts = append(b.Cuts, v)
		}
		if len(b.Cuts) == 0 {
			return nil, fmt.Errorf("%s: no cuts", attr)
		}
		out = append(out, b)
	}
	return out, nil
}

// FormatAttrBands writes the form ParseAttrBands reads.
func FormatAttrBands(bs []AttrBand) string {
	var parts []string
	for _, b := range bs {
		parts = append(parts, quoteToken(b.Attr)+": "+joinFloats(b.Cuts))
	}
	return strings.Join(parts, "; ")
}

// attrKey names what the attribute schemes depend on.
type attrKey struct {
	minShare, mainShare float64
	groups, bands       string
}

func attrKeyOf(p Params) attrKey {
	return attrKey{p.AttrMinShare, p.ChannelMainShare, FormatAttrGroups(p.AttrGroups), FormatAttrBands(p.AttrBands)}
}

// bandLabels names the bands of cuts: "< 50", "50 – < 250", "≥ 250".
func bandLabels(cuts []float64) []string {
	f := func(v float64) string { return FormatNumber(v, decimalsOf(v)) }
	out := []string{"< " + f(cuts[0])}
	for i := 1; i < len(cuts); i++ {
		out = append(out, f(cuts[i-1])+" – < "+f(cuts[i]))
	}
	return append(out, "≥ "+f(cuts[len(cuts)-1]))
}

// decimalsOf returns the decimals needed to write v (at most 6).
func decimalsOf(v float64) int {
	for d := 0; d < 6; d++ {
		p := math.Pow(10, float64(d))
		if math.Abs(v*p-math.Round(v*p)) < 1e-9*math.Max(1, math.Abs(v*p)) {
			return d
		}
	}
	return 6
}

// bandOf returns the band index of v.
func bandOf(v float64, cuts []float64) int16 {
	k, _ := slices.BinarySearch(cuts, v)
	if k < len(cuts) && cuts[k] == v {
		k++ // lower bound included
	}
	return int16(k)
}

// numericColumn is a numeric customer attribute: a value per customer where
// Has, and whether each blank-or-not value parsed.
type numericColumn struct {
	key, title string
	v          []float64
	has        []bool
	bad        []bool // a value that is not a number
}

// numericColumns returns the numeric customer fields and the extra columns
// all of whose values are numbers.
func (a *Analysis) numericColumns() []numericColumn {
	cs := &a.Led.Customers
	scale := float64(a.Led.Scale())
	var out []numericColumn
	fixed := func(key, title string, v []Money, has []bool, div float64) {
		if has == nil || !slices.Contains(has, true) {
			return
		}
		col := numericColumn{key: key, title: title, v: make([]float64, a.N), has: has, bad: make([]bool, a.N)}
		for c := range col.v {
			col.v[c] = float64(v[c]) / div
		}
		out = append(out, col)
	}
	fixed("employees", "Employees", cs.Employees, cs.HasEmployees, 1)
	fixed("annual_revenue", "Annual revenue", cs.Revenue, cs.HasRevenue, scale)
	fixed("total_assets", "Total assets", cs.Assets, cs.HasAssets, scale)
	fixed("credit_limit", "Credit limit", cs.CreditLimit, cs.HasLimit, scale)
	for _, at := range cs.Attrs {
		if col, ok := numericAttr(at); ok {
			out = append(out, col)
		}
	}
	return out
}

// numericAttr reads an extra column as numbers when every non-blank value
// is one.
func numericAttr(at Attribute) (numericColumn, bool) {
	col := numericColumn{key: at.Name, title: at.Name, v: make([]float64, len(at.Values)), has: make([]bool, len(at.Values)), bad: make([]bool, len(at.Values))}
	any := false
	for c, s := range at.Values {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return numericColumn{}, false
		}
		col.v[c], col.has[c], any = v, true, true
	}
	return col, any
}

// autoBandMinDistinct is the number of distinct values from which a numeric
// extra column is shown in bands rather than one segment per value.
const autoBandMinDistinct = 12

// autoCuts returns cuts at the quintiles of the values, rounded to two
// significant figures (distinct, increasing).
func autoCuts(col numericColumn) []float64 {
	var v []float64
	for c, ok := range col.has {
		if ok {
			v = append(v, col.v[c])
		}
	}
	slices.Sort(v)
	var cuts []float64
	for _, q := range []float64{0.2, 0.4, 0.6, 0.8} {
		x := roundSignificant(v[int(q*float64(len(v)))], 2)
		if x > v[0] && (len(cuts) == 0 || x > cuts[len(cuts)-1]) {
			cuts = append(cuts, x)
		}
	}
	return cuts
}

func roundSignificant(v float64, digits int) float64 {
	if v == 0 {
		return 0
	}
	p := math.Pow(10, float64(digits)-math.Ceil(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}

// bandScheme assigns the customers of a numeric column to bands.
func (a *Analysis) bandScheme(col numericColumn, cuts []float64, note string) Scheme {
	segs := append(bandLabels(cuts), "(blank)")
	sc := Scheme{Key: "band:" + col.key, Title: col.title + " (banded)", Segments: segs, Assign: make([]int16, a.N), Note: note}
	blank := int16(len(segs) - 1)
	for c := range sc.Assign {
		if !col.has[c] {
			sc.Assign[c] = blank
			continue
		}
		sc.Assign[c] = bandOf(col.v[c], cuts)
	}
	return sc
}

// groupScheme assigns the customers to the groups of one attribute; values in
// no group are "Other (ungrouped)".
func (a *Analysis) groupScheme(key, title string, v []string, groups []AttrGroup) Scheme {
	var names []string
	of := map[string]int16{}
	for _, g := range groups {
		k := slices.Index(names, g.Group)
		if k < 0 {
			names = append(names, g.Group)
			k = len(names) - 1
		}
		for _, val := range g.Values {
			of[val] = int16(k)
		}
	}
	return Scheme{Key: "group:" + key, Title: title + " (grouped)", Segments: append(names, "Other (ungrouped)", "(blank)"), Assign: assignValues(v, of, len(names)),
		Note: "groups from attr_groups; values in no group are Other"}
}

// assignValues gives each customer the segment seg names for its value
// (one of n named segments); the segments after them are "other values" (n)
// and blank (n + 1).
func assignValues(v []string, seg map[string]int16, n int) []int16 {
	other := int16(n)
	out := make([]int16, len(v))
	for c, x := range v {
		switch k, ok := seg[x]; {
		case ok:
			out[c] = k
		case x == "":
			out[c] = other + 1
		default:
			out[c] = other
		}
	}
	return out
}
