package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"ledgerlens/internal/ledgergen"
)

// The whole-command benchmarks run the program as a user types it, in a
// child process (this test binary, told by an environment variable to act
// as the program), and report its wall time and peak RSS ("peak-MB"). The
// ledgers come from the seeded generator, written once per size into
// LEDGERLENS_BENCH_DIR (default: the system's temporary folder); nothing
// large is committed. The 5,000,000 and 10,000,000-row cases run only with
// LEDGERLENS_BENCH_BIG=1. scripts/bench runs them all and prints the table.

const childEnv = "LEDGERLENS_BENCH_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

var genFiles sync.Map // rows → *genFile

type genFile struct {
	once sync.Once
	path string
	err  error
}

// generated returns the path of a generated ledger of rows rows.
func generated(b *testing.B, rows int) string {
	v, _ := genFiles.LoadOrStore(rows, &genFile{})
	g := v.(*genFile)
	g.once.Do(func() {
		dir := os.Getenv("LEDGERLENS_BENCH_DIR")
		if dir == "" {
			dir = os.TempDir()
		}
		g.path = filepath.Join(dir, "ledgerlens-bench-"+strconv.Itoa(rows)+".csv")
		if fi, err := os.Stat(g.path); err == nil && fi.Size() > 0 {
			return // written by an earlier run: same rows, same seed, same bytes
		}
		f, err := os.Create(g.path + ".part")
		if err != nil {
			g.err = err
			return
		}
		if err := ledgergen.WriteCSV(f, rows, 1); err != nil {
			f.Close()
			g.err = err
			return
		}
		if err := f.Close(); err != nil {
			g.err = err
			return
		}
		g.err = os.Rename(g.path+".part", g.path)
	})
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g.path
}

// benchChild runs the program with args b.N times in a child process and
// reports the median wall time per run and the largest peak RSS.
func benchChild(b *testing.B, args ...string) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var walls []time.Duration
	var peak int64
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(exe, args...)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		walls = append(walls, time.Since(t0))
		if err != nil {
			b.Fatalf("%v: %v\n%.2000s", args, err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // KiB on Linux
		}
	}
	b.StopTimer()
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	b.ReportMetric(walls[len(walls)/2].Seconds(), "median-s")
	b.ReportMetric(float64(peak)/1024, "peak-MB")
}

func bigOnly(b *testing.B) {
	if os.Getenv("LEDGERLENS_BENCH_BIG") != "1" {
		b.Skip("set LEDGERLENS_BENCH_BIG=1 (scripts/bench --big) for the 5M and 10M-row ledgers")
	}
}

func sharedFile(b *testing.B, rel string) string {
	p := filepath.Join("..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkInspect1M(b *testing.B) { benchChild(b, "inspect", generated(b, 1_000_000)) }

func BenchmarkReport1M(b *testing.B) {
	benchChild(b, "report", "--format", "json", generated(b, 1_000_000))
}

func BenchmarkExport1M(b *testing.B) {
	benchChild(b, "export", generated(b, 1_000_000), "-o", filepath.Join(b.TempDir(), "out.xlsx"), "--force")
}

func BenchmarkInspectOnlineRetail(b *testing.B) {
	benchChild(b, "inspect", sharedFile(b, "online-retail-ii/online_retail_II_subset_2sheets.xlsx"))
}

func BenchmarkReportCDNOW(b *testing.B) {
	benchChild(b, "report", "--format", "json", "--columns", ",customer_id,date,quantity,amount",
		"--set", "model_time_unit=week", sharedFile(b, "cdnow/CDNOW_sample.txt"))
}

func BenchmarkInspect5M(b *testing.B) {
	bigOnly(b)
	benchChild(b, "inspect", generated(b, 5_000_000))
}

func BenchmarkReport5M(b *testing.B) {
	bigOnly(b)
	benchChild(b, "report", "--format", "json", generated(b, 5_000_000))
}

func BenchmarkReport10M(b *testing.B) {
	bigOnly(b)
	benchChild(b, "report", "--format", "json", generated(b, 10_000_000))
}
