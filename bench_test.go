package main

import (
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"ledgerlens/internal/ledgergen"
)

// The whole-command benchmarks run a command as the user types it, in
// process, on a ledger the seeded generator writes once per size into a
// temporary folder (nothing large is committed). scripts/bench runs them
// with the rest and prints the table in the README.

var genOnce sync.Map // rows → *genFile

type genFile struct {
	once sync.Once
	path string
	err  error
}

// generated returns the path of a generated ledger of rows rows.
func generated(b *testing.B, rows int) string {
	v, _ := genOnce.LoadOrStore(rows, &genFile{})
	g := v.(*genFile)
	g.once.Do(func() {
		dir := os.Getenv("LEDGERLENS_BENCH_DIR")
		if dir == "" {
			dir = os.TempDir()
		}
		g.path = filepath.Join(dir, "ledgerlens-bench-"+itoa(rows)+".csv")
		if fi, err := os.Stat(g.path); err == nil && fi.Size() > 0 {
			return // written by an earlier run with the same seed
		}
		f, err := os.Create(g.path + ".tmp")
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
		g.err = os.Rename(g.path+".tmp", g.path)
	})
	if g.err != nil {
		b.Fatal(g.err)
	}
	return g.path
}

func itoa(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmtInt(n/1_000_000) + "m"
	case n%1000 == 0:
		return fmtInt(n/1000) + "k"
	}
	return fmtInt(n)
}

func fmtInt(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return fmtInt(n/10) + string(rune('0'+n%10))
}

// benchCommand runs args (with the file in place of FILE) b.N times.
func benchCommand(b *testing.B, args ...string) {
	b.ReportAllocs()
	for range b.N {
		if code := run(args, io.Discard, io.Discard); code != 0 {
			_, _, stderr := runCLI(args...)
			b.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

func BenchmarkInspect1M(b *testing.B) {
	benchCommand(b, "inspect", generated(b, 1_000_000))
}

func BenchmarkReport1M(b *testing.B) {
	benchCommand(b, "report", "--format", "json", generated(b, 1_000_000))
}
