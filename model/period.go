package model

import "fmt"

// PeriodChange counts how the customer base moved between an earlier
// analysis (then) and a later one (now) of the same ledger, customers
// matched by id.
type PeriodChange struct {
	Then, Now Day
	Gained    int // customers now without a document by then: acquired since
	Lost      int // customers then with no purchase since (their last purchase on or before then)
	Kept      int // customers then who bought again since
}

// ComparePeriods counts gained, lost and kept customers between then and
// now; then must be the earlier as-of date. Segment growth and migration
// per scheme come from Compare(then, now, key).
func ComparePeriods(then, now *Analysis) (PeriodChange, error) {
	pc := PeriodChange{Then: then.AsOf, Now: now.AsOf}
	if then.AsOf >= now.AsOf {
		return pc, fmt.Errorf("the earlier as-of date %s is not before %s", then.AsOf, now.AsOf)
	}
	was := make(map[string]bool, then.N)
	for _, id := range then.Led.Customers.ID {
		was[id] = true
	}
	for c, id := range now.Led.Customers.ID {
		switch {
		case !was[id]:
			pc.Gained++
		case now.Base.LastPurchase[c] == NoDay || now.Base.LastPurchase[c] <= then.AsOf:
			pc.Lost++
		default:
			pc.Kept++
		}
	}
	return pc, nil
}
