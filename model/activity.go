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
	sizes := map[int]int{}
	cells := map[[2]int]*CohortCell{}
	for c := range b.FirstBuy {
		if b.FirstBuy[c] == NoDay {
			f.NoPurchase++
			continue
		}
		first := PeriodOf(b.FirstBuy[c], quarter)
		sizes[first]++
		seen := -1
		for d := b.DocStart[c]; d < b.DocStart[c+1]; d++ {
			k := PeriodOf(b.DocDate[d], quarter) - first
			if k < 0 {
				continue
			}
			cell := cells[[2]int{first, k}]
			if cell == nil {
				cell = &CohortCell{First: first, K: k}
				cells[[2]int{first, k}] = cell
			}
			cell.Revenue += b.DocNet[d]
			if b.DocNet[d] >= 0 && k != seen {
				cell.Active++
				seen = k
			}
		}
	}
	for p, n := range sizes {
		f.Sizes = append(f.Sizes, PeriodCount{p, n})
	}
	for _, c := range cells {
		f.Cells = append(f.Cells, *c)
	}
	return f
}

// purchaseDayCounts counts the first purchase days and the other purchase
// days of the customers in (nil: every customer with a purchase) of a
// transaction ledger's base, by day.
func purchaseDayCounts(b *Base, in []bool) (births, repeats []DayCount) {
	first, again := map[Day]int{}, map[Day]int{}
	var days []Day
	for c := range b.FirstBuy {
		if in != nil && !in[c] || b.FirstBuy[c] == NoDay {
			continue
		}
		days = b.appendPurchaseDays(days[:0], c)
		first[days[0]]++
		for _, d := range days[1:] {
			again[d]++
		}
	}
	for _, d := range sortedKeys(first) {
		births = append(births, DayCount{d, first[d]})
	}
	for _, d := range sortedKeys(again) {
		repeats = append(repeats, DayCount{d, again[d]})
	}
	return births, repeats
}
