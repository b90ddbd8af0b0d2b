package model_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"

	"ledgerlens/model"
)

// The CDNOW sample with a 39-week holdout (calibration to 1997-09-30, the
// ledger runs to 1998-06-30): both fits equal the published calibration
// fits, and the holdout figures equal a recomputation from the ledger's
// rows with FHL 2005 eq. 10 written out here.
func TestCDNOWHoldout(t *testing.T) {
	led := cdnow(t)
	p := model.DefaultParams()
	for k, v := range map[string]string{"model_time_unit": "week", "calibration_end": "1997-09-30", "clv_model": "auto"} {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	v := a.Validation
	if v == nil || v.Holdout != 39 || v.Customers != 2357 {
		t.Fatalf("validation %+v", v)
	}
	bg, pn := v.Fits[0], v.Fits[1]
	if bg.Count == nil || pn.Count == nil {
		t.Fatalf("fits: %+v / %+v", bg.Status, pn.Status)
	}
	want := map[string][]float64{"BG/NBD": {0.2426, 4.4135, 0.7929, 2.4258}, "Pareto/NBD": {0.5533, 10.5776, 0.6061, 11.6650}}
	for _, f := range v.Fits {
		for i, p := range f.Params {
			if w := want[f.Name][i]; math.Abs(p.Value/w-1) > 5e-4 {
				t.Errorf("%s %s = %.5f, want %.4f", f.Name, p.Name, p.Value, w)
			}
			if !(p.SE > 0 && p.SE < p.Value) {
				t.Errorf("%s %s: standard error %g", f.Name, p.Name, p.SE)
			}
		}
	}
	if math.Abs(bg.Status.LogLik+9582.43) > 0.05 || math.Abs(pn.Status.LogLik+9594.98) > 0.01 {
		t.Errorf("log-likelihoods %.3f, %.3f", bg.Status.LogLik, pn.Status.LogLik)
	}
	if k := 4.0; math.Abs(bg.AIC-(2*k-2*bg.Status.LogLik)) > 1e-9 || math.Abs(bg.BIC-(k*math.Log(2357)-2*bg.Status.LogLik)) > 1e-9 {
		t.Errorf("AIC %g BIC %g", bg.AIC, bg.BIC)
	}

	// Independent recomputation: purchase days per customer from the rows.
	cal, end := model.DayFromCivil(1997, 9, 30), model.DayFromCivil(1998, 6, 30)
	days := map[int32]map[model.Day]bool{}
	for i, c := range led.Tx.Cust {
		if days[c] == nil {
			days[c] = map[model.Day]bool{}
		}
		days[c][led.Tx.Date[i]] = true
	}
	m := bg.Count.(model.BGNBD)
	eq10 := func(t, x, tx, T float64) float64 {
		r, al, a, b := m.R, m.Alpha, m.A, m.B
		num := (a + b + x - 1) / (a - 1) * (1 - math.Pow((al+T)/(al+T+t), r+x)*mathext.Hypergeo(r+x, b+x, a+b+x-1, t/(al+T+t)))
		den := 1.0
		if x > 0 {
			den += a / (b + x - 1) * math.Pow((al+T)/(al+tx), r+x)
		}
		return num / den
	}
	var actual, predicted, abs float64
	for _, ds := range days {
		first, last, x, hold := end, model.Day(0), -1.0, 0.0
		for d := range ds {
			if d > cal {
				if d <= end {
					hold++
				}
				continue
			}
			x++
			first, last = min(first, d), max(last, d)
		}
		pred := eq10(39, x, float64(last-first)/7, float64(cal-first)/7)
		actual += hold
		predicted += pred
		abs += math.Abs(hold - pred)
	}
	t.Logf("holdout: actual %.0f, BG/NBD predicted %.2f (MAE %.4f), Pareto/NBD predicted %.2f (MAE %.4f); %s",
		v.ActualHoldout, bg.PredictedTotal, bg.MAE, pn.PredictedTotal, pn.MAE, v.BestWhy)
	if v.ActualHoldout != actual || math.Abs(bg.PredictedTotal-predicted) > 1e-6*predicted || math.Abs(bg.MAE-abs/2357) > 1e-9 {
		t.Errorf("holdout actual %g predicted %g MAE %g; recomputed %g, %g, %g", v.ActualHoldout, bg.PredictedTotal, bg.MAE, actual, predicted, abs/2357)
	}
	if math.Abs(bg.Bias-(predicted-actual)/actual) > 1e-9 {
		t.Errorf("bias %g", bg.Bias)
	}
	// The classes add up: customers to the cohort, mean × customers to the totals.
	var n int
	var sumA, sumP float64
	for _, r := range v.ByFreq {
		n += r.Customers
		if r.Customers > 0 {
			sumA += r.Actual * float64(r.Customers)
			sumP += r.Model[0] * float64(r.Customers)
		}
	}
	if n != 2357 || math.Abs(sumA-actual) > 1e-6 || math.Abs(sumP-predicted) > 1e-6*predicted {
		t.Errorf("by frequency: %d customers, %g actual, %g predicted", n, sumA, sumP)
	}
	// The histogram's model column sums to the cohort for each model.
	for i := range v.Fits {
		var sum float64
		for _, r := range v.Histogram {
			sum += r.Model[i]
		}
		if math.Abs(sum-2357) > 1e-6*2357 {
			t.Errorf("%s histogram sums to %g", v.Fits[i].Name, sum)
		}
	}
	// The tracking curve ends at every repeat purchase of the ledger, and the
	// model's curve at the calibration end is close to the calibration total.
	last := v.Tracking[len(v.Tracking)-1]
	var repeats float64
	for _, ds := range days {
		repeats += float64(len(ds) - 1)
	}
	if last.Day != end || last.Actual != repeats {
		t.Errorf("tracking ends %v with %g, want %v with %g", last.Day, last.Actual, end, repeats)
	}
	if a.CLVInfo.Choice == "" || a.Model.Kind != v.Fits[v.Best].Kind {
		t.Errorf("auto chose %q, %q", a.Model.Kind, a.CLVInfo.Choice)
	}
}

// Σ_x P(X(t) = x) = 1 and Σ_x x P(X(t) = x) = E[X(t)] for both models: the
// count distribution agrees with the separately derived expectation.
func TestProbCountConsistent(t *testing.T) {
	models := []model.CountModel{model.BGNBD{R: 0.2426, Alpha: 4.4135, A: 0.7929, B: 2.4258}, model.ParetoNBD{R: 0.5533, Alpha: 10.5776, S: 0.6061, Beta: 11.6650}}
	for _, m := range models {
		for _, tt := range []float64{1, 10, 39, 78} {
			p := m.ProbCount(tt, 400)
			var sum, mean float64
			for x, q := range p {
				sum += q
				mean += float64(x) * q
			}
			if math.Abs(sum-1) > 1e-7 || math.Abs(mean-m.ExpectedPurchasesNew(tt)) > 1e-6 {
				t.Errorf("%T t=%g: Σp = %.9f, mean %.7f, E[X(t)] %.7f", m, tt, sum, mean, m.ExpectedPurchasesNew(tt))
			}
		}
	}
}

// The delta-method interval of the whole base's CLV agrees with a
// parametric bootstrap computed here: parameters drawn from the fits'
// asymptotic normal (log scale), every customer's CLV recomputed.
func TestCLVIntervalAgreesWithBootstrap(t *testing.T) {
	led := cdnow(t)
	p := model.DefaultParams()
	for k, v := range map[string]string{"model_time_unit": "week", "as_of": "1997-09-30"} {
		if err := p.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	total := a.Schemes[0].Total
	if a.CLVInfo.Interval == "" || !total.HasCLVPM || total.CLVPM <= 0 {
		t.Fatalf("no interval: %q %v", a.CLVInfo.Interval, total.CLVPM)
	}
	m, s := a.Model, a.Model.Summary
	rng := rand.New(rand.NewPCG(1, 2))
	draw := func(mean []float64, cov [][]float64) []float64 {
		var chol mat.Cholesky
		n := len(mean)
		sym := mat.NewSymDense(n, nil)
		for i := range n {
			for j := i; j < n; j++ {
				sym.SetSym(i, j, cov[i][j])
			}
		}
		if !chol.Factorize(sym) {
			t.Fatal("covariance not positive definite")
		}
		var l mat.TriDense
		chol.LTo(&l)
		z := make([]float64, n)
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		out := make([]float64, n)
		for i := range n {
			out[i] = math.Log(mean[i])
			for j := 0; j <= i; j++ {
				out[i] += l.At(i, j) * z[j]
			}
			out[i] = math.Exp(out[i])
		}
		return out
	}
	const draws = 120
	var sums, exps []float64
	horizon := float64(p.ExpPurchasesDays) / 7 // weeks
	for range draws {
		b := draw([]float64{m.BG.R, m.BG.Alpha, m.BG.A, m.BG.B}, m.BGStatus.Cov)
		g := draw([]float64{m.GG.P, m.GG.Q - 1, m.GG.V}, m.GGStatus.Cov)
		bg := model.BGNBD{R: b[0], Alpha: b[1], A: b[2], B: b[3]}
		gg := model.GammaGamma{P: g[0], Q: 1 + g[1], V: g[2]}
		var sum, exp float64
		for c, in := range s.In {
			if in {
				sum += model.DiscountedCLV(bg, gg.ExpectedSpend(s.X[c], s.Mbar[c]), s.X[c], s.Tx[c], s.T[c], 12, 0.01, 4.345)
				exp += bg.ExpectedPurchases(horizon, s.X[c], s.Tx[c], s.T[c])
			}
		}
		sums, exps = append(sums, sum), append(exps, exp)
	}
	meanSD := func(v []float64) (mean, sd float64) {
		for _, x := range v {
			mean += x / float64(len(v))
		}
		for _, x := range v {
			sd += (x - mean) * (x - mean) / float64(len(v)-1)
		}
		return mean, math.Sqrt(sd)
	}
	mean, sd := meanSD(sums)
	delta := float64(total.CLVPM) / 100 / 1.6449
	t.Logf("total CLV %.2f ± %.2f (delta method sd %.2f); bootstrap mean %.2f sd %.2f", float64(total.TotalCLV)/100, float64(total.CLVPM)/100, delta, mean, sd)
	if math.Abs(sd/delta-1) > 0.25 {
		t.Errorf("bootstrap sd %.2f vs delta-method sd %.2f", sd, delta)
	}

	// expected purchases in the next 90 days: the total is the sum of the
	// customers' predictions, and its interval agrees with the bootstrap
	var want float64
	for c, in := range s.In {
		if in {
			want += m.BG.ExpectedPurchases(horizon, s.X[c], s.Tx[c], s.T[c])
		}
	}
	if !a.HasExpInterval() || math.Abs(total.ExpPurchases-want) > 1e-6*want {
		t.Fatalf("expected purchases %.6f, want %.6f (interval %v)", total.ExpPurchases, want, a.HasExpInterval())
	}
	var rows float64
	for _, r := range a.Schemes[0].Rows {
		rows += r.ExpPurchases
	}
	if math.Abs(rows-total.ExpPurchases) > 1e-6*want {
		t.Errorf("segments' expected purchases add to %.6f, total %.6f", rows, total.ExpPurchases)
	}
	emean, esd := meanSD(exps)
	edelta := total.ExpPM / 1.6449
	t.Logf("expected purchases %.2f ± %.2f (delta method sd %.2f); bootstrap mean %.2f sd %.2f", total.ExpPurchases, total.ExpPM, edelta, emean, esd)
	if math.Abs(esd/edelta-1) > 0.25 {
		t.Errorf("expected purchases: bootstrap sd %.2f vs delta-method sd %.2f", esd, edelta)
	}
}

// A customer's P(alive) history starts at its first purchase, marks every
// purchase day, and ends at the as-of date with the P(alive) the analysis
// shows for it.
func TestAliveHistory(t *testing.T) {
	led := cdnow(t)
	p := model.DefaultParams()
	if err := p.Set("model_time_unit", "week"); err != nil {
		t.Fatal(err)
	}
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for c := 0; c < a.N && checked < 50; c++ {
		if a.F[c] < 3 {
			continue
		}
		h := a.AliveHistory(c, 40)
		buys := 0
		for _, q := range h {
			if q.Buy {
				buys++
			}
		}
		last := h[len(h)-1]
		if h[0].PAlive != 1 || !h[0].Buy || last.Day != a.AsOf || math.Abs(last.PAlive-a.PAlive[c]) > 1e-12 || buys != int(a.Model.Summary.X[c])+1 {
			t.Fatalf("customer %d: first %+v, last %+v (P(alive) %g), %d purchase days (x = %g)", c, h[0], last, a.PAlive[c], buys, a.Model.Summary.X[c])
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no repeat customer checked")
	}
}
