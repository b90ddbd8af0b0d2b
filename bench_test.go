package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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

var genFiles sync.Map // file name → *genFile

type genFile struct {
	once sync.Once
	path string
	err  error
}

// generated returns the path of a generated ledger of rows rows.
func generated(b *testing.B, rows int) string {
	return generatedFile(b, "ledgerlens-bench-"+strconv.Itoa(rows)+".csv", func(w io.Writer) error {
		return ledgergen.WriteCSV(w, rows, 1)
	})
}

// generatedOneRowEach returns the path of a generated ledger of rows rows,
// each a customer of its own.
func generatedOneRowEach(b *testing.B, rows int) string {
	return generatedFile(b, "ledgerlens-bench-onerow-"+strconv.Itoa(rows)+".csv", func(w io.Writer) error {
		return ledgergen.WriteCSVOneRowEach(w, rows, 1)
	})
}

// generatedRetail returns the path of a generated Online Retail II-shaped
// workbook of rows rows.
func generatedRetail(b *testing.B, rows int) string {
	return generatedFile(b, "ledgerlens-retail-"+strconv.Itoa(rows)+".xlsx", func(w io.Writer) error {
		return ledgergen.WriteRetailXLSX(w, rows, 1)
	})
}

// generatedFile writes a generated file once (per name) into
// LEDGERLENS_BENCH_DIR and returns its path.
func generatedFile(b *testing.B, name string, write func(io.Writer) error) string {
	v, _ := genFiles.LoadOrStore(name, &genFile{})
	g := v.(*genFile)
	g.once.Do(func() {
		dir := os.Getenv("LEDGERLENS_BENCH_DIR")
		if dir == "" {
			dir = os.TempDir()
		}
		g.path = filepath.Join(dir, name)
		if fi, err := os.Stat(g.path); err == nil && fi.Size() > 0 {
			return // written by an earlier run: same rows, same seed, same bytes
		}
		f, err := os.Create(g.path + ".part")
		if err != nil {
			g.err = err
			return
		}
		if err := write(f); err != nil {
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
// reports the median wall time per run and the largest peak RSS; it returns
// the last run's standard output.
func benchChild(b *testing.B, args ...string) []byte {
	var walls []float64
	var peak int64
	var out []byte
	b.ResetTimer()
	for range b.N {
		var wall float64
		var kb int64
		out, wall, kb = timed(b, programCmd(b, args...))
		walls, peak = append(walls, wall), max(peak, kb)
	}
	b.StopTimer()
	b.ReportMetric(median(walls), "median-s")
	b.ReportMetric(float64(peak)/1024, "peak-MB")
	return out
}

// programCmd is the program run with args as a user types it.
func programCmd(b *testing.B, args ...string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	return cmd
}

// timed runs cmd and returns its standard output, its wall time in seconds
// and its peak RSS in KiB.
func timed(b *testing.B, cmd *exec.Cmd) ([]byte, float64, int64) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t0 := time.Now()
	out, err := cmd.Output()
	wall := time.Since(t0).Seconds()
	if err != nil {
		b.Fatalf("%v: %v\n%.2000s", cmd.Args, err, stderr.Bytes())
	}
	var kb int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		kb = ru.Maxrss // KiB on Linux
	}
	return out, wall, kb
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
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

// BenchmarkReportOneRowEach1M is Report1M on a million customers of one row
// each: the per-customer columns at their longest for the rows.
func BenchmarkReportOneRowEach1M(b *testing.B) {
	benchChild(b, "report", "--format", "json", generatedOneRowEach(b, 1_000_000))
}

func BenchmarkExport1M(b *testing.B) {
	benchChild(b, "export", generated(b, 1_000_000), "-o", filepath.Join(b.TempDir(), "out.xlsx"), "--force")
}

func BenchmarkInspectOnlineRetail(b *testing.B) {
	benchChild(b, "inspect", sharedFile(b, "online-retail-ii/online_retail_II_subset_2sheets.xlsx"))
}

// BenchmarkInspectRetailWorkbook reads a workbook of Online Retail II's
// size and shape (541,909 rows, one sheet, shared strings, date serials).
func BenchmarkInspectRetailWorkbook(b *testing.B) {
	benchChild(b, "inspect", generatedRetail(b, 541_909))
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

// The database benchmarks read the generated ledger from a table of the
// PostgreSQL server in LEDGERLENS_TEST_PG (scripts/pgtemp), typed as a
// database holds it, loaded once per size into schema ledgerlens_bench and
// kept for later runs. They report the time to the analysis's input (the
// whole of inspect) and the megabytes received from the server
// ("MB-received"), beside the CSV's size ("MB-read") for the same rows;
// postgres-summary lets the engine add up each customer's rows (--summary).

func benchTable(b *testing.B, rows int) (string, string) {
	u := os.Getenv(testPGEnv)
	if u == "" {
		b.Skipf("set %s (scripts/pgtemp start DIR prints it)", testPGEnv)
	}
	file := generated(b, rows)
	table := "ledgerlens_bench.ledger_" + strconv.Itoa(rows)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int64
	if conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n) == nil && n == int64(rows) {
		return u, table
	}
	for _, q := range []string{
		"CREATE SCHEMA IF NOT EXISTS ledgerlens_bench",
		"DROP TABLE IF EXISTS " + table,
		"CREATE TABLE " + table + ` (invoice_no text, customer_id text, customer_name text, invoice_date date,
			due_date date, paid_date date, amount numeric(14,2), cost numeric(14,2), region text, industry text)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := conn.PgConn().CopyFrom(ctx, f, "COPY "+table+" FROM STDIN WITH (FORMAT csv, HEADER true)"); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "ANALYZE "+table); err != nil {
		b.Fatal(err)
	}
	return u, table
}

// benchSource times inspect of the generated ledger of rows rows read from
// the database and, as the anchor, from its CSV file.
func benchSource(b *testing.B, rows int) {
	u, table := benchTable(b, rows)
	b.Run("postgres", func(b *testing.B) { benchReceived(b, u, "--table", table) })
	b.Run("postgres-summary", func(b *testing.B) { benchReceived(b, u, "--table", table, "--summary") })
	b.Run("csv", func(b *testing.B) {
		file := generated(b, rows)
		benchChild(b, "inspect", "--format", "json", file)
		if st, err := os.Stat(file); err == nil {
			b.ReportMetric(float64(st.Size())/1e6, "MB-read")
		}
	})
}

// benchReceived times inspect of a database source and reports the bytes
// it received.
func benchReceived(b *testing.B, source ...string) {
	out := benchChild(b, append([]string{"inspect", "--format", "json"}, source...)...)
	var s struct {
		Bytes int64 `json:"bytes_received"`
	}
	if err := json.Unmarshal(out, &s); err != nil || s.Bytes == 0 {
		b.Fatalf("inspect %v: %v (bytes_received %d)", source[1:], err, s.Bytes)
	}
	b.ReportMetric(float64(s.Bytes)/1e6, "MB-received")
}

func BenchmarkSourcePostgres1M(b *testing.B) { benchSource(b, 1_000_000) }

func BenchmarkSourcePostgres10M(b *testing.B) {
	bigOnly(b)
	benchSource(b, 10_000_000)
}
