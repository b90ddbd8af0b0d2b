package model

// Activity is what the acquisition cohorts, the model check's tracking
// curve and the channel and category mixes take from a ledger's rows at one
// as-of date: purchase days counted by day, each cohort's active customers
// and revenue period by period, and each customer's sales by value.
// Its size is that of the days, periods and values, not of the rows: the rows give
// it (activityOf), and a database source adds it up in the engine beside a
// summary of the customers (Ledger.Activity).
type Activity struct {
	AsOf    Day
	Births  []DayCount // customers by their first purchase day, by day
	Repeats []DayCount // purchase days but each customer's first, counted by day
	Month   CohortFacts
	Quarter CohortFacts

	Channel, Category *Mix // each customer's split over the rows' channels and categories (nil: no such column)

	RowsAfter      int // rows dated after AsOf, not in the facts
	CustomersLater int // customers with only such rows

	// Serve are each customer's document counts for the cost to serve,
	// over the whole history and the 365 days to AsOf (nil: not given).
	Serve *ServeCounts
}

// ServeCounts are the document counts the cost to serve charges.
type ServeCounts struct{ All, TTM DocCounts }

// DocCounts are, per customer, its documents of net revenue ≥ 0, its lines
// (rows), its documents of net revenue < 0 and their value (Σ |net|).
type DocCounts struct {
	PurchaseDocs, Lines, ReturnDocs []int32
	ReturnValue                     []Money
}

// DayCount is how many of something fall on a day.
type DayCount struct {
	Day Day
	N   int
}

// CohortFacts are the acquisition cohorts by calendar period (PeriodOf).
type CohortFacts struct {
	Sizes      []PeriodCount // customers by the period of their first purchase
	Cells      []CohortCell
	NoPurchase int // customers without a purchase
}

// PeriodCount is how many customers a cohort has.
type PeriodCount struct{ Period, N int }

// CohortCell is cohort First's K-th period since acquisition: its customers
// with a purchase then and their net revenue (returns included).
type CohortCell struct {
	First, K int
	Active   int
	Revenue  Money
}

// cohortFactsOf counts the cohorts of a transaction ledger's base by month
// or quarter: a cohort's customers are active in a period with a purchase
// document in it; credit notes before the first purchase's period are not
// part of the cohort's life.
func cohortFactsOf(b *Base, quarter bool) CohortFacts {
	var f CohortFacts
	lo, hi := -1, PeriodOf(b.AsOf, quarter) // the documents' periods: the first cohort's to the as-of date's
	for _, d := range b.FirstBuy {
		if d != NoDay && (lo < 0 || PeriodOf(d, quarter) < lo) {
			lo = PeriodOf(d, quarter)
		}
	}
	if lo < 0 || hi < lo {
		f.NoPurchase = len(b.FirstBuy)
		return f
	}
	n := hi - lo + 1
	sizes := make([]int, n)
	active, revenue := make([]int, n*n), make([]Money, n*n) // cohort i, period k at i*n+k
	touched := make([]bool, n*n)
	for c := range b.FirstBuy {
		if b.FirstBuy[c] == NoDay {
			f.NoPurchase++
			continue
		}
		i := PeriodOf(b.FirstBuy[c], quarter) - lo
		sizes[i]++
		seen := -1
		for d := b.DocStart[c]; d < b.DocStart[c+1]; d++ {
			k := PeriodOf(b.DocDate[d], quarter) - lo - i
			if k < 0 || i+k >= n {
				continue
			}
			touched[i*n+k] = true
			revenue[i*n+k] += b.DocNet[d]
			if b.DocNet[d] >= 0 && k != seen {
				active[i*n+k]++
				seen = k
			}
		}
	}
	for i, m := range sizes {
		if m > 0 {
			f.Sizes = append(f.Sizes, PeriodCount{lo + i, m})
		}
	}
	for x, t := range touched {
		if t {
			f.Cells = append(f.Cells, CohortCell{First: lo + x/n, K: x % n, Active: active[x], Revenue: revenue[x]})
		}
	}
	return f
}

// purchaseDayCounts counts the first purchase days and the other purchase
// days of the customers in (nil: every customer with a purchase) of a
// transaction ledger's base, by day.
func purchaseDayCounts(b *Base, in []bool) (births, repeats []DayCount) {
	start := NoDay
	for c, d := range b.FirstBuy {
		if d != NoDay && (in == nil || in[c]) && (start == NoDay || d < start) {
			start = d
		}
	}
	if start == NoDay || b.AsOf < start {
		return nil, nil
	}
	first, again := make([]int, b.AsOf-start+1), make([]int, b.AsOf-start+1)
	var days []Day
	for c := range b.FirstBuy {
		if in != nil && !in[c] || b.FirstBuy[c] == NoDay {
			continue
		}
		days = b.appendPurchaseDays(days[:0], c)
		first[days[0]-start]++
		for _, d := range days[1:] {
			again[d-start]++
		}
	}
	for k := range first {
		if first[k] > 0 {
			births = append(births, DayCount{start + Day(k), first[k]})
		}
		if again[k] > 0 {
			repeats = append(repeats, DayCount{start + Day(k), again[k]})
		}
	}
	return births, repeats
}
