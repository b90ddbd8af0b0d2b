package model

import "math"

// EarlyWarning is a segment whose returns, overdue share or expected loss
// rate rose against the baseline (another scenario, or the same analysis at
// an earlier date) by at least Params.WarnRisePts.
type EarlyWarning struct {
	Scheme, Segment string
	Figure          string // returns_share | overdue_share | loss_rate
	Then, Now       float64
}

// warnMinCustomers is how many customers a segment needs on both sides
// before its ratios are compared: a share of two customers moves by chance.
const warnMinCustomers = 5

// returnShare is the returned value as a share of gross sales.
func (r *SegmentRow) returnShare() float64 {
	return ratio(float64(r.Returns), float64(r.Revenue+r.Returns))
}

// EarlyWarnings lists the segments of every scheme in both analyses whose
// returns share (of gross sales), overdue share (of open invoices, beyond
// the first aging bucket) or expected loss rate (ECL over open invoices)
// rose by at least cur.Params.WarnRisePts, in scheme and segment order.
func EarlyWarnings(base, cur *Analysis) []EarlyWarning {
	var out []EarlyWarning
	rise := cur.Params.WarnRisePts
	risk := base.Risk != nil && base.Risk.Available && cur.Risk != nil && cur.Risk.Available
	for i := range cur.Schemes {
		cs := &cur.Schemes[i]
		bs, ok := base.SchemeByKey(cs.Key)
		if !ok {
			continue
		}
		then := map[string]*SegmentRow{}
		for k := range bs.Rows {
			then[bs.Rows[k].Segment] = &bs.Rows[k]
		}
		for k := range cs.Rows {
			now := &cs.Rows[k]
			was, ok := then[now.Segment]
			if !ok || now.Customers < warnMinCustomers || was.Customers < warnMinCustomers {
				continue
			}
			check := func(figure string, a, b float64) {
				if !math.IsNaN(a) && !math.IsNaN(b) && b-a >= rise {
					out = append(out, EarlyWarning{Scheme: cs.Key, Segment: now.Segment, Figure: figure, Then: a, Now: b})
				}
			}
			check("returns_share", was.returnShare(), now.returnShare())
			if risk {
				check("overdue_share", ratio(float64(was.PastDue), float64(was.OpenAR)), ratio(float64(now.PastDue), float64(now.OpenAR)))
				check("loss_rate", ratio(float64(was.ECL), float64(was.OpenAR)), ratio(float64(now.ECL), float64(now.OpenAR)))
			}
		}
	}
	return out
}
