package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// The anchor benchmarks time the program against a well-known tool doing the
// same work on the same file, run in turn (the program, the anchor, the
// program, …) so that their ratio holds when the machine's speed drifts:
//   - DuckDB and pandas: the per-customer aggregate `inspect` computes (rows,
//     documents, amount, cost, returns, first and last date per customer) of
//     the generated ledgers;
//   - lifetimes, the reference CLV library: the repeat summary, BG/NBD,
//     Pareto/NBD and Gamma-Gamma fits and predictions of `report` on the
//     CDNOW sample and on the whole CDNOW ledger (lifetimes' own file) in weeks.
// Each checks that the anchor found the same customers and amount (or the
// same fitted parameters) before it reports "ratio", the median of the
// program's time over the anchor's, run by run. They need LEDGERLENS_ANCHORS,
// the folder scripts/anchors/setup prepares (scripts/bench --anchors);
// without it, or without one of the tools, they are skipped.

// anchorDir returns the anchors' folder and the path of what in it runs the
// anchor (skipping the benchmark when it is not there).
func anchorDir(b *testing.B, what string) string {
	dir := os.Getenv("LEDGERLENS_ANCHORS")
	if dir == "" {
		b.Skip("set LEDGERLENS_ANCHORS (scripts/anchors/setup prepares it; scripts/bench --anchors runs both)")
	}
	if _, err := os.Stat(filepath.Join(dir, what)); err != nil {
		b.Skipf("anchor %s not prepared in %s (scripts/anchors/setup says why)", what, dir)
	}
	return dir
}

// benchVs runs the program with args and the anchor in turn b.N times each
// and reports both medians, both peaks and the median ratio; check compares
// the last outputs.
func benchVs(b *testing.B, args []string, anchor func() *exec.Cmd, check func(ours, theirs []byte)) {
	var ours, theirs, ratios []float64
	var peak, anchorPeak int64
	var out, anchorOut []byte
	b.ResetTimer()
	for range b.N {
		var w1, w2 float64
		var k1, k2 int64
		out, w1, k1 = timed(b, programCmd(b, args...))
		anchorOut, w2, k2 = timed(b, anchor())
		ours, theirs, ratios = append(ours, w1), append(theirs, w2), append(ratios, w1/w2)
		peak, anchorPeak = max(peak, k1), max(anchorPeak, k2)
	}
	b.StopTimer()
	check(out, anchorOut)
	b.ReportMetric(median(ours), "median-s")
	b.ReportMetric(float64(peak)/1024, "peak-MB")
	b.ReportMetric(median(theirs), "anchor-s")
	b.ReportMetric(float64(anchorPeak)/1024, "anchor-peak-MB")
	b.ReportMetric(median(ratios), "ratio")
}

// sameAggregate checks that the anchor's per-customer aggregate has the
// customers and amount that inspect found.
func sameAggregate(b *testing.B) func(ours, theirs []byte) {
	return func(ours, theirs []byte) {
		var s struct {
			Customers int         `json:"customers"`
			Amount    json.Number `json:"total_amount"`
		}
		if err := json.Unmarshal(ours, &s); err != nil {
			b.Fatalf("inspect: %v", err)
		}
		var a []map[string]any // DuckDB: one row; pandas: one object
		if err := json.Unmarshal(theirs, &a); err != nil {
			var one map[string]any
			if err := json.Unmarshal(theirs, &one); err != nil {
				b.Fatalf("anchor: %v: %.300s", err, theirs)
			}
			a = []map[string]any{one}
		}
		customers, amount := anyNumber(a[0]["customers"]), anyNumber(a[0]["amount"])
		want, _ := s.Amount.Float64()
		if customers != float64(s.Customers) || math.Abs(amount-want) > 0.005 {
			b.Fatalf("anchor found %v customers and amount %v; inspect %d and %s", customers, amount, s.Customers, s.Amount)
		}
	}
}

// anyNumber reads a JSON number or a number as text (DuckDB's big integers
// and decimals).
func anyNumber(v any) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err == nil {
			return f
		}
	}
	return math.NaN()
}

func benchVsDuckDB(b *testing.B, rows int) {
	dir := anchorDir(b, "node_modules/@duckdb/node-api")
	file := generated(b, rows)
	benchVs(b, []string{"inspect", "--format", "json", file},
		func() *exec.Cmd { return exec.Command("node", filepath.Join(dir, "duckdb_aggregate.mjs"), file) },
		sameAggregate(b))
}

func BenchmarkVsDuckDBInspect1M(b *testing.B) { benchVsDuckDB(b, 1_000_000) }

func BenchmarkVsDuckDBInspect5M(b *testing.B) {
	bigOnly(b)
	benchVsDuckDB(b, 5_000_000)
}

func BenchmarkVsPandasInspect1M(b *testing.B) {
	dir := anchorDir(b, "python")
	file := generated(b, 1_000_000)
	benchVs(b, []string{"inspect", "--format", "json", file},
		func() *exec.Cmd {
			return exec.Command(filepath.Join(dir, "python"), filepath.Join(dir, "pandas_aggregate.py"), file)
		},
		sameAggregate(b))
}

// BenchmarkVsLifetimesCDNOW times the whole report (every figure, the CLV
// models among them) against lifetimes computing the models alone, on the
// CDNOW sample.
func BenchmarkVsLifetimesCDNOW(b *testing.B) {
	benchVsLifetimes(b, sharedFile(b, "cdnow/CDNOW_sample.txt"), "--columns", ",customer_id,date,quantity,amount")
}

// BenchmarkVsLifetimesCDNOWMaster is BenchmarkVsLifetimesCDNOW on the whole
// CDNOW ledger the sample was drawn from (69,659 rows, 23,570 customers),
// the file lifetimes ships (it is not in ../shared/data).
func BenchmarkVsLifetimesCDNOWMaster(b *testing.B) {
	dir := anchorDir(b, "pylib/lifetimes/datasets/CDNOW_master.txt")
	benchVsLifetimes(b, filepath.Join(dir, "pylib/lifetimes/datasets/CDNOW_master.txt"))
}

// benchVsLifetimes times `report` in weeks on file against lifetimes'
// pipeline and checks that both fitted the same BG/NBD parameters.
func benchVsLifetimes(b *testing.B, file string, columns ...string) {
	dir := anchorDir(b, "pylib/lifetimes")
	args := append([]string{"report", "--format", "json"}, columns...)
	benchVs(b, append(args, "--set", "model_time_unit=week", file),
		func() *exec.Cmd {
			cmd := exec.Command(filepath.Join(dir, "python"), filepath.Join(dir, "lifetimes_cdnow.py"), file)
			cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(dir, "pylib"))
			return cmd
		},
		func(ours, theirs []byte) {
			var r struct {
				Model struct {
					Params map[string]float64 `json:"count_params"`
				} `json:"model"`
			}
			var l struct {
				BG map[string]float64 `json:"bgnbd"`
			}
			if err := json.Unmarshal(ours, &r); err != nil {
				b.Fatalf("report: %v", err)
			}
			if err := json.Unmarshal(theirs, &l); err != nil {
				b.Fatalf("lifetimes: %v: %.300s", err, theirs)
			}
			for _, k := range []string{"r", "alpha", "a", "b"} {
				if got, want := r.Model.Params[k], l.BG[k]; math.Abs(got-want) > 1e-4*math.Abs(want) {
					b.Fatalf("BG/NBD %s: report %v, lifetimes %v", k, got, want)
				}
			}
		})
}
