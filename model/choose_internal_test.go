package model

import "testing"

// The validation's choice says which model it took and why in numbers as
// the tables show them (separators, no exponent), and does not call the
// one model usable "the lower" when there is nothing to compare.
func TestChooseInWords(t *testing.T) {
	bg := ModelFit{Name: "BG/NBD", Count: BGNBD{}, BIC: 6847686.46, MAE: 1.24103}
	pn := ModelFit{Name: "Pareto/NBD", Count: ParetoNBD{}, BIC: 6847701.2, MAE: 1.30549}
	edge := pn
	edge.Count = nil
	for _, c := range []struct {
		holdout float64
		fits    []ModelFit
		best    int
		why     string
	}{
		{0, []ModelFit{bg, pn}, 0, "BG/NBD has the lower BIC on the whole ledger (no holdout: set calibration_end to compare forecasts): 6,847,686.5 vs 6,847,701.2 for Pareto/NBD"},
		{0, []ModelFit{bg, edge}, 0, "BG/NBD is the one model usable: BIC on the whole ledger (no holdout: set calibration_end to compare forecasts) 6,847,686.5"},
		{26, []ModelFit{pn, bg}, 1, "BG/NBD has the lower holdout MAE per customer: 1.241 vs 1.305 for Pareto/NBD"},
		{26, []ModelFit{edge, bg}, 1, "BG/NBD is the one model usable: holdout MAE per customer 1.241"},
		{26, []ModelFit{edge, {Name: "BG/NBD"}}, -1, "neither model is usable"},
	} {
		v := &Validation{Holdout: c.holdout, Fits: c.fits}
		v.choose()
		if v.Best != c.best || v.BestWhy != c.why {
			t.Errorf("holdout %g: best %d %q, want %d %q", c.holdout, v.Best, v.BestWhy, c.best, c.why)
		}
	}
}
