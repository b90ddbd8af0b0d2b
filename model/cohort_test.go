package model_test

import (
	"testing"

	"ledgerlens/model"
)

// The cohort triangle recounted from the ledger's rows: a customer's
// documents are its rows grouped by document id (the demo has one per
// row-document); its cohort is the quarter of its first document with net
// revenue ≥ 0. Cohort sizes add up to the customers, every customer is
// active in its acquisition period, and the triangle's revenue is the
// ledger's but for credit notes dated before a first purchase.
func TestCohortsRecounted(t *testing.T) {
	led := demo(t)
	a := analyze(t, model.NewEngine(led), nil)
	c := a.Cohorts()
	if c == nil || c.Period != "quarter" || len(c.Labels) != 12 || c.Labels[0] != "2023-Q1" || c.Labels[11] != "2025-Q4" || c.Partial {
		t.Fatalf("cohorts: %+v", c)
	}
	type key struct{ cust, doc int32 }
	net := map[key]model.Money{}
	date := map[key]model.Day{}
	for r := range led.Tx.Len() {
		k := key{led.Tx.Cust[r], led.Tx.Doc[r]}
		if k.doc < 0 {
			k.doc = -int32(r) - 1
		}
		net[k] += led.Tx.Amount[r]
		date[k] = led.Tx.Date[r]
	}
	q := func(d model.Day) int { y, m, _ := d.Civil(); return y*4 + (m-1)/3 - (2023 * 4) }
	first := map[int32]int{}
	for k, v := range net {
		if v >= 0 {
			if f, ok := first[k.cust]; !ok || q(date[k]) < f {
				first[k.cust] = q(date[k])
			}
		}
	}
	size := make([]int, 12)
	active := make([][]map[int32]bool, 12)
	rev := make([][]model.Money, 12)
	for i := range active {
		active[i] = make([]map[int32]bool, 12-i)
		rev[i] = make([]model.Money, 12-i)
		for k := range active[i] {
			active[i][k] = map[int32]bool{}
		}
	}
	for cust, f := range first {
		size[f]++
		_ = cust
	}
	var total, before model.Money
	for k, v := range net {
		total += v
		f, ok := first[k.cust]
		if !ok || q(date[k]) < f {
			before += v
			continue
		}
		p := q(date[k]) - f
		rev[f][p] += v
		if v >= 0 {
			active[f][p][k.cust] = true
		}
	}
	sum, tri := 0, model.Money(0)
	for i := range 12 {
		sum += c.Size[i]
		if c.Size[i] != size[i] {
			t.Errorf("cohort %s: %d customers, recounted %d", c.Labels[i], c.Size[i], size[i])
		}
		for k := range c.Active[i] {
			tri += c.Revenue[i][k]
			if c.Active[i][k] != len(active[i][k]) || c.Revenue[i][k] != rev[i][k] {
				t.Errorf("cohort %s period %d: %d active, %d revenue; recounted %d, %d", c.Labels[i], k, c.Active[i][k], c.Revenue[i][k], len(active[i][k]), rev[i][k])
			}
		}
		if c.Size[i] > 0 && c.Active[i][0] != c.Size[i] {
			t.Errorf("cohort %s: %d of %d active in its first quarter", c.Labels[i], c.Active[i][0], c.Size[i])
		}
	}
	if sum+c.NoPurchase != a.N || tri+before != total {
		t.Errorf("sizes %d + %d without purchase, customers %d; triangle revenue %d + %d before, ledger %d", sum, c.NoPurchase, a.N, tri, before, total)
	}
	// by month: the same customers in three times as many cohorts
	m := analyze(t, model.NewEngine(led), map[string]string{"cohort_period": "month"}).Cohorts()
	msum := 0
	for _, s := range m.Size {
		msum += s
	}
	if len(m.Labels) != 36 || msum != sum {
		t.Errorf("monthly cohorts: %d labels, %d customers", len(m.Labels), msum)
	}
	// an as-of date inside a quarter makes its last period partial
	if p := analyze(t, model.NewEngine(led), map[string]string{"as_of": "2025-11-15"}).Cohorts(); !p.Partial {
		t.Error("as of 2025-11-15 the last quarter is not partial")
	}
}

// The repeat-purchase rate per segment recounted from the rows: customers
// with purchase documents on two or more distinct days.
func TestRepeatRate(t *testing.T) {
	led := demo(t)
	a := analyze(t, model.NewEngine(led), nil)
	type key struct{ cust, doc int32 }
	net := map[key]model.Money{}
	date := map[key]model.Day{}
	for r := range led.Tx.Len() {
		k := key{led.Tx.Cust[r], led.Tx.Doc[r]}
		net[k] += led.Tx.Amount[r]
		date[k] = led.Tx.Date[r]
	}
	days := map[int32]map[model.Day]bool{}
	for k, v := range net {
		if v >= 0 {
			if days[k.cust] == nil {
				days[k.cust] = map[model.Day]bool{}
			}
			days[k.cust][date[k]] = true
		}
	}
	for _, key := range []string{"pyramid", "rfm", "region"} {
		sc, _ := a.SchemeByKey(key)
		want := make([]int, len(sc.Segments))
		for c, s := range sc.Assign {
			if len(days[int32(c)]) >= 2 {
				want[s]++
			}
		}
		total := 0
		for i, r := range sc.Rows {
			total += r.Repeaters
			if r.Repeaters != want[i] {
				t.Errorf("%s %s: %d repeat customers, recounted %d", key, r.Segment, r.Repeaters, want[i])
			}
			if r.Customers > 0 && r.RepeatRate != float64(r.Repeaters)/float64(r.Customers) {
				t.Errorf("%s %s: repeat rate %v", key, r.Segment, r.RepeatRate)
			}
		}
		if total != sc.Total.Repeaters {
			t.Errorf("%s: rows add to %d repeat customers, total row %d", key, total, sc.Total.Repeaters)
		}
	}
}
