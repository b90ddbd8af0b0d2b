package model

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestPolishGuessedCurvature checks the polish of a sample's optimum on
// every customer: started with the sample's Hessian as its guess at the
// curvature, it lands where the polish with measured curvature lands, as
// near the optimum (found with a gradient a thousand times smaller), with
// fewer evaluations on every customer; and a guess that is wrong (a
// hundred times too stiff, or not positive definite) still lands there,
// with no more evaluations than measuring takes.
func TestPolishGuessedCurvature(t *testing.T) {
	s := simulatePNBD(ParetoNBD{R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67}, 30000, 7)
	maxT := 0.0
	for _, T := range s.T {
		maxT = math.Max(maxT, T)
	}
	d, sample := s.grouped(1 / maxT)
	if sample == d {
		t.Fatal("no search sample: the polish is not used")
	}
	for _, c := range []struct {
		name         string
		full, search likelihood
		tol          float64
	}{
		{"BG/NBD", d.ll, sample.ll, bgTol},
		{"Pareto/NBD", pnbdLL(d), pnbdLL(sample), pnbdTol},
	} {
		evals := 0
		full := weighted{func(th, g []float64) float64 { evals++; return c.full(th, g) }, d.w}
		search := weighted{c.search, sample.w}
		found, err := minimizeLL(search, 0, []float64{0, 0, 0, 0}, c.tol)
		if err != nil || !converged(found) {
			t.Fatalf("%s: sample search: %v %v", c.name, err, found.Status)
		}
		best, _ := polishLL(full, 0, found.X, c.tol/1000, nil)
		polish := func(guess *mat.SymDense) ([]float64, int) {
			evals = 0
			res, err := polishLL(full, 0, found.X, c.tol, guess)
			if err != nil || !converged(res) {
				t.Fatalf("%s: polish: %v %v", c.name, err, res.Status)
			}
			return res.X, evals
		}
		measured, nMeasured := polish(nil)
		guess := search.hessian(0, found.X)
		guessed, nGuessed := polish(guess)
		if nGuessed >= nMeasured {
			t.Errorf("%s: %d evaluations with the guessed curvature, %d with the measured", c.name, nGuessed, nMeasured)
		}
		stiff := mat.NewSymDense(4, nil)
		stiff.ScaleSym(100, guess)
		wrong := mat.NewSymDense(4, nil)
		for i := range 4 {
			wrong.SetSym(i, i, -1)
		}
		fromStiff, nStiff := polish(stiff)
		fromWrong, nWrong := polish(wrong)
		if nStiff > nMeasured || nWrong > nMeasured {
			t.Errorf("%s: a wrong guess costs more than measuring: %d (stiff), %d (not positive definite) evaluations against %d", c.name, nStiff, nWrong, nMeasured)
		}
		for name, x := range map[string][]float64{"measured": measured, "guessed": guessed, "stiff": fromStiff, "not positive definite": fromWrong} {
			for i := range x {
				// natural parameters e^x to 1e-6 relative
				if rel := math.Abs(math.Expm1(x[i] - best.X[i])); rel > 1e-6 {
					t.Errorf("%s, %s curvature: parameter %d off the optimum by %.2g relative", c.name, name, i, rel)
				}
			}
		}
		t.Logf("%s: %d evaluations measured, %d guessed, %d stiff, %d not positive definite", c.name, nMeasured, nGuessed, nStiff, nWrong)
	}
}
