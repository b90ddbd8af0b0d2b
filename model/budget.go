package model

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Marketing budget (analytics-spec §7.2): the spend per segment of one
// scheme, its return, and a helper that splits a budget between the
// segments within the analyst's bounds.

// SegmentAmount is an amount (major units) for one segment.
type SegmentAmount struct {
	Segment string
	Amount  float64
}

// SegmentBounds bounds one segment's allocation (major units); Max NaN: none.
type SegmentBounds struct {
	Segment  string
	Min, Max float64
}

// ParseSegmentAmounts reads "Platinum = 20000; Gold = 15,000": segment
// names as in the scheme (quoted when they hold ; = or a quote).
func ParseSegmentAmounts(s string) ([]SegmentAmount, error) {
	var out []SegmentAmount
	err := segmentRules(s, "Segment = amount", func(seg, val string) error {
		v, err := ParseBudgetAmount(val)
		if err != nil {
			return fmt.Errorf("%s: %v", seg, err)
		}
		out = append(out, SegmentAmount{seg, v})
		return nil
	})
	return out, err
}

// FormatSegmentAmounts is the text ParseSegmentAmounts reads back.
func FormatSegmentAmounts(v []SegmentAmount) string {
	var parts []string
	for _, a := range v {
		parts = append(parts, quoteToken(a.Segment)+" = "+strconv.FormatFloat(a.Amount, 'f', -1, 64))
	}
	return strings.Join(parts, "; ")
}

// ParseSegmentBounds reads "Platinum = 5000..30000; Lead = ..10000".
func ParseSegmentBounds(s string) ([]SegmentBounds, error) {
	var out []SegmentBounds
	err := segmentRules(s, "Segment = min..max", func(seg, val string) error {
		lo, hi, ok := strings.Cut(val, "..")
		if !ok {
			return fmt.Errorf("%s: want min..max (either may be left out), got %q", seg, val)
		}
		b := SegmentBounds{Segment: seg, Max: math.NaN()}
		var err error
		if strings.TrimSpace(lo) != "" {
			if b.Min, err = ParseBudgetAmount(lo); err != nil {
				return fmt.Errorf("%s: %v", seg, err)
			}
		}
		if strings.TrimSpace(hi) != "" {
			if b.Max, err = ParseBudgetAmount(hi); err != nil {
				return fmt.Errorf("%s: %v", seg, err)
			}
			if b.Max < b.Min {
				return fmt.Errorf("%s: the maximum %s is below the minimum %s", seg, strings.TrimSpace(hi), strings.TrimSpace(lo))
			}
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

// FormatSegmentBounds is the text ParseSegmentBounds reads back.
func FormatSegmentBounds(v []SegmentBounds) string {
	var parts []string
	for _, b := range v {
		hi := ""
		if !math.IsNaN(b.Max) {
			hi = strconv.FormatFloat(b.Max, 'f', -1, 64)
		}
		parts = append(parts, quoteToken(b.Segment)+" = "+strconv.FormatFloat(b.Min, 'f', -1, 64)+".."+hi)
	}
	return strings.Join(parts, "; ")
}

// segmentRules splits "Seg = value; Seg = value", refusing a segment named twice.
func segmentRules(s, want string, add func(seg, val string) error) error {
	rules, open := splitTop(s, ';')
	if open {
		return fmt.Errorf("a quote is not closed in %q", s)
	}
	seen := map[string]bool{}
	for _, rule := range rules {
		if strings.TrimSpace(rule) == "" {
			continue
		}
		segText, val, ok := cutTop(rule, '=')
		if !ok {
			return fmt.Errorf("%q: want %s", strings.TrimSpace(rule), want)
		}
		seg, err := token(segText)
		if err != nil {
			return err
		}
		if seg == "" {
			return fmt.Errorf("%q: the segment needs a name", strings.TrimSpace(rule))
		}
		if seen[seg] {
			return fmt.Errorf("segment %q is named twice", seg)
		}
		seen[seg] = true
		if err := add(seg, val); err != nil {
			return err
		}
	}
	return nil
}

// ParseBudgetAmount reads a non-negative amount (major units), thousands
// separators allowed.
func ParseBudgetAmount(s string) (float64, error) {
	t := strings.NewReplacer(",", "", "_", "", " ", "").Replace(strings.TrimSpace(s))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not an amount", strings.TrimSpace(s))
	}
	if v < 0 || v > 1e15 {
		return 0, fmt.Errorf("%q: want an amount from 0 to 10^15", strings.TrimSpace(s))
	}
	return v, nil
}

// Budget is the marketing budget of one scheme's segments.
type Budget struct {
	Scheme, SchemeTitle string
	Rows                []BudgetRow
	Total               BudgetRow // sums; ROMI of the totals
	Budget              Money     // to allocate; 0: no allocation asked
	Rule                string    // romi | clv
	Uplift              float64   // share of a segment's CLV the spend is assumed to add
	HasCM, HasCLV       bool      // CM and CLV figures exist
	Allocated           bool      // Allocation is filled
	Notes               []string  // what is n/a and why, how the allocation ranked
}

// BudgetRow is one segment's spend, return and allocation. ROMI figures are
// NaN when n/a (no spend, or no CM or CLV).
type BudgetRow struct {
	Segment    string
	Customers  int
	CM         Money
	TotalCLV   Money
	Spend      Money
	HasSpend   bool
	GrossROMI  float64 // (CM − spend) / spend: not incremental
	CLVROMI    float64 // (uplift × CLV − spend) / spend
	Min, Max   Money
	HasMax     bool
	Allocation Money
	Rank       int // order in which the greedy rule filled it (1 first); 0 proportional
}

// marketingBudget builds the budget of Params.MarketingScheme from the
// scheme's finished P&L.
func (a *Analysis) marketingBudget(p Params) *Budget {
	sc, ok := a.SchemeByKey(p.MarketingScheme)
	if !ok {
		if len(p.MarketingSpend) > 0 || p.MarketingBudget > 0 {
			a.warn(fmt.Sprintf("marketing_scheme %q is not a scheme of this ledger (%s): no marketing budget", p.MarketingScheme, strings.Join(a.SchemeKeys(), ", ")))
		}
		return nil
	}
	dec := a.Decimals
	b := &Budget{Scheme: sc.Key, SchemeTitle: sc.Title, Rule: p.MarketingRule, Uplift: p.MarketingUplift,
		HasCM: a.Profit.Basis.Known(), HasCLV: a.CLVInfo.Known, Budget: AmountMinor(p.MarketingBudget, dec)}
	b.Total = BudgetRow{Segment: "Total", GrossROMI: math.NaN(), CLVROMI: math.NaN()}
	spend := map[string]Money{}
	for _, s := range p.MarketingSpend {
		spend[s.Segment] = AmountMinor(s.Amount, dec)
	}
	bounds := map[string]SegmentBounds{}
	for _, bd := range p.MarketingBounds {
		bounds[bd.Segment] = bd
	}
	var spentCM, spentCLV Money
	for _, name := range slices.Concat(slices.Sorted(maps.Keys(spend)), slices.Sorted(maps.Keys(bounds))) {
		if !slices.Contains(sc.Segments, name) {
			a.warn(fmt.Sprintf("marketing: %q is not a segment of %s (%s)", name, sc.Title, strings.Join(sc.Segments, ", ")))
		}
	}
	for i, r := range sc.Rows {
		row := BudgetRow{Segment: r.Segment, Customers: r.Customers, CM: r.CM, TotalCLV: r.TotalCLV,
			GrossROMI: math.NaN(), CLVROMI: math.NaN()}
		if v, ok := spend[sc.Segments[i]]; ok {
			row.Spend, row.HasSpend = v, true
		}
		if bd, ok := bounds[sc.Segments[i]]; ok {
			row.Min = AmountMinor(bd.Min, dec)
			if !math.IsNaN(bd.Max) {
				row.Max, row.HasMax = AmountMinor(bd.Max, dec), true
			}
		}
		b.romi(&row)
		if row.HasSpend {
			spentCM, spentCLV = spentCM+row.CM, spentCLV+row.TotalCLV
		}
		b.Rows = append(b.Rows, row)
		b.Total.Customers += row.Customers
		b.Total.CM += row.CM
		b.Total.TotalCLV += row.TotalCLV
		b.Total.Spend += row.Spend
		b.Total.HasSpend = b.Total.HasSpend || row.HasSpend
		b.Total.Min += row.Min
	}
	// the total's ROMI is of the segments with spend: the CM of segments
	// without spend is no return on it
	tot := BudgetRow{CM: spentCM, TotalCLV: spentCLV, Spend: b.Total.Spend, HasSpend: b.Total.HasSpend, GrossROMI: math.NaN(), CLVROMI: math.NaN()}
	b.romi(&tot)
	b.Total.GrossROMI, b.Total.CLVROMI = tot.GrossROMI, tot.CLVROMI
	switch {
	case len(p.MarketingSpend) == 0:
		b.Notes = append(b.Notes, "no spend entered (marketing_spend, or --spend FILE): ROMI is n/a")
	case !b.HasCM:
		b.Notes = append(b.Notes, "no cost in the ledger: contribution margin, and so gross ROMI, is n/a")
	}
	if b.HasCM && len(p.MarketingSpend) > 0 {
		b.Notes = append(b.Notes, "gross ROMI = (CM − spend) / spend: not incremental, the CM would partly come without the spend; the total's is over the segments with spend")
	}
	switch {
	case !b.HasCLV:
		b.Notes = append(b.Notes, "CLV is n/a for this ledger: CLV-based ROMI is n/a")
	case p.MarketingUplift == 0:
		b.Notes = append(b.Notes, "CLV-based ROMI needs the CLV uplift the spend buys (marketing_clv_uplift): n/a")
	default:
		b.Notes = append(b.Notes, fmt.Sprintf("CLV-based ROMI = (%s × segment CLV − spend) / spend: the uplift is an assumption", FormatPct(p.MarketingUplift)))
	}
	if b.Budget > 0 {
		b.allocate()
	}
	return b
}

// romi fills a row's ROMI figures where their inputs exist.
func (b *Budget) romi(r *BudgetRow) {
	if !r.HasSpend || r.Spend <= 0 {
		return
	}
	s := float64(r.Spend)
	if b.HasCM {
		r.GrossROMI = (float64(r.CM) - s) / s
	}
	if b.HasCLV && b.Uplift > 0 {
		r.CLVROMI = (b.Uplift*float64(r.TotalCLV) - s) / s
	}
}

// allocate splits Budget between the segments: every segment first gets
// its minimum; then, by the romi rule, the rest goes to the segments in
// order of return per unit spent, each filled to its maximum; by the clv
// rule, in proportion to N × average CLV (the segment's total CLV), with
// the bounds held by water-filling. Allocations are whole minor units
// that sum to the budget exactly (largest remainders).
func (b *Budget) allocate() {
	var minSum Money
	for _, r := range b.Rows {
		minSum += r.Min
	}
	if minSum > b.Budget {
		b.Notes = append(b.Notes, fmt.Sprintf("the minimums (%s) exceed the budget: no allocation", MoneyString(minSum, 0)))
		return
	}
	rest := b.Budget - minSum
	room := func(r BudgetRow) Money {
		if !r.HasMax {
			return math.MaxInt64 / 4
		}
		return r.Max - r.Min
	}
	for i := range b.Rows {
		b.Rows[i].Allocation = b.Rows[i].Min
	}
	switch b.Rule {
	case "clv":
		if !b.HasCLV {
			b.Notes = append(b.Notes, "allocation by CLV needs CLV: n/a")
			return
		}
		weight := make([]float64, len(b.Rows))
		for i, r := range b.Rows {
			weight[i] = math.Max(0, float64(r.TotalCLV))
		}
		add := waterFill(rest, weight, func(i int) Money { return room(b.Rows[i]) })
		for i := range b.Rows {
			b.Rows[i].Allocation += add[i]
			rest -= add[i]
		}
		b.Notes = append(b.Notes, "allocated in proportion to N × average CLV within the bounds")
	default:
		order := make([]int, len(b.Rows))
		for i := range order {
			order[i] = i
		}
		key := func(r BudgetRow) float64 {
			if !math.IsNaN(r.CLVROMI) {
				return r.CLVROMI
			}
			return r.GrossROMI
		}
		// NaN (no spend to judge by) last; ties keep the scheme's order
		slices.SortStableFunc(order, func(i, j int) int {
			ki, kj := key(b.Rows[i]), key(b.Rows[j])
			switch {
			case math.IsNaN(ki) && math.IsNaN(kj):
				return 0
			case math.IsNaN(ki):
				return 1
			case math.IsNaN(kj):
				return -1
			case ki > kj:
				return -1
			case ki < kj:
				return 1
			}
			return 0
		})
		for rank, i := range order {
			give := min(rest, room(b.Rows[i]))
			b.Rows[i].Allocation += give
			b.Rows[i].Rank = rank + 1
			rest -= give
		}
		basis := "gross ROMI"
		if b.HasCLV && b.Uplift > 0 {
			basis = "CLV-based ROMI"
		}
		b.Notes = append(b.Notes, "allocated greedily by "+basis+" (segments without it last), each up to its maximum, after every minimum")
	}
	if rest > 0 {
		b.Notes = append(b.Notes, fmt.Sprintf("%s of the budget is left: the maximums hold less than the budget", MoneyString(rest, 0)))
	}
	b.Allocated = true
	for _, r := range b.Rows {
		b.Total.Allocation += r.Allocation
	}
}

// waterFill splits total in proportion to weight, no share above its cap:
// capped shares are fixed and the rest re-split among the others. Shares
// are whole units summing to total (unless every cap is reached), the
// remainders going to the largest fractions, ties to the earlier segment.
func waterFill(total Money, weight []float64, capOf func(int) Money) []Money {
	out := make([]Money, len(weight))
	free := make([]bool, len(weight))
	for i := range free {
		free[i] = weight[i] > 0
	}
	left := total
	for left > 0 {
		var wsum float64
		for i, f := range free {
			if f {
				wsum += weight[i]
			}
		}
		if wsum == 0 {
			break
		}
		capped := false
		for i, f := range free {
			if f && float64(left)*weight[i]/wsum >= float64(capOf(i)-out[i]) {
				left -= capOf(i) - out[i]
				out[i] = capOf(i)
				free[i], capped = false, true
			}
		}
		if capped {
			continue
		}
		// no cap binds: the proportional split, in whole units
		type frac struct {
			i int
			f float64
		}
		var fr []frac
		var given Money
		for i, f := range free {
			if f {
				exact := float64(left) * weight[i] / wsum
				whole := Money(math.Floor(exact))
				out[i] += whole
				given += whole
				fr = append(fr, frac{i, exact - float64(whole)})
			}
		}
		slices.SortStableFunc(fr, func(x, y frac) int {
			switch {
			case x.f > y.f:
				return -1
			case x.f < y.f:
				return 1
			}
			return 0
		})
		for k := 0; given < left && k < len(fr); k++ {
			out[fr[k].i]++
			given++
		}
		left = 0
	}
	return out
}
