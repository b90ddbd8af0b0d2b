package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The hostile inputs of testdata/hostile (small, committed) and larger ones
// made here, each run through the real binary under an address-space limit
// (prlimit --as), with its peak memory, exit status, message, the rows it
// accounted for and its exact totals checked.

var hostileBin struct {
	once sync.Once
	path string
	err  error
}

func binary(t *testing.T) string {
	t.Helper()
	hostileBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "ledgerlens-hostile-")
		if err != nil {
			hostileBin.err = err
			return
		}
		hostileBin.path = filepath.Join(dir, "ledgerlens")
		if out, err := exec.Command("go", "build", "-o", hostileBin.path, ".").CombinedOutput(); err != nil {
			hostileBin.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if hostileBin.err != nil {
		t.Fatal(hostileBin.err)
	}
	return hostileBin.path
}

// Limits of a run: the address space is capped (a runaway is killed, not the
// machine), peak resident memory must stay under 1 GiB, and nothing may take
// longer than the hang guard (a guard against hangs, not a speed target).
const (
	addressLimit = 3 << 30
	memoryLimit  = 1 << 30
	hangGuard    = 90 * time.Second
)

type result struct {
	code           int
	stdout, stderr string
	maxRSS         int64 // bytes
}

func runLimited(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("prlimit is missing on CI")
		}
		t.Skip("prlimit not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	cmd := exec.CommandContext(ctx, prlimit, append([]string{fmt.Sprintf("--as=%d", addressLimit), binary(t)}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmpDir(t)) // its own, to see what it leaves
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errb, stdin
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%v: still running after %s", args, hangGuard)
	}
	r := result{stdout: out.String(), stderr: errb.String()}
	if cmd.ProcessState == nil {
		t.Fatalf("%v: %v", args, err)
	}
	r.code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024
	}
	if r.maxRSS > memoryLimit {
		t.Errorf("%v: peak memory %d MiB, over %d MiB", args, r.maxRSS>>20, memoryLimit>>20)
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "fatal error") {
		t.Fatalf("%v: crashed:\n%s", args, r.stderr[:min(len(r.stderr), 2000)])
	}
	return r
}

// inspectJSON is what the tests read of `inspect --format json`.
type inspectJSON struct {
	RowsRead     int         `json:"rows_read"`
	RowsUsed     int         `json:"rows_used"`
	RowsRejected int         `json:"rows_rejected"`
	FileAmount   json.Number `json:"file_amount"`
	TotalAmount  json.Number `json:"total_amount"`
	AsOf         string      `json:"as_of"`
	Warnings     []string    `json:"warnings"`
	Rejected     []struct {
		Reason string `json:"reason"`
		Count  int    `json:"count"`
	} `json:"rejected_by_reason"`
	Sources []struct {
		Amount json.Number `json:"amount"`
	} `json:"sources"`
}

func inspectOK(t *testing.T, args ...string) inspectJSON {
	t.Helper()
	r := runLimited(t, nil, append([]string{"inspect", "--format", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
	}
	var s inspectJSON
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.RowsRead != s.RowsUsed+s.RowsRejected {
		t.Errorf("%v: %d read ≠ %d used + %d rejected", args, s.RowsRead, s.RowsUsed, s.RowsRejected)
	}
	return s
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// workbook writes a minimal xlsx whose one sheet is sheetXML, with extra
// parts (name → content) such as a styles.xml.
func workbook(t *testing.T, path string, sheetXML func(w io.Writer), extra map[string]func(w io.Writer)) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	z.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	put := func(name string, fill func(w io.Writer)) {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		fill(w)
	}
	text := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	put("[Content_Types].xml", text(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	put("_rels/.rels", text(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	put("xl/workbook.xml", text(`<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sales" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	put("xl/_rels/workbook.xml.rels", text(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`))
	put("xl/worksheets/sheet1.xml", sheetXML)
	for name, fill := range extra {
		put(name, fill)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func sheetRows(rows ...string) func(io.Writer) {
	return func(w io.Writer) {
		io.WriteString(w, `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for _, r := range rows {
			io.WriteString(w, r)
		}
		io.WriteString(w, `</sheetData></worksheet>`)
	}
}

func xrow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		ref := fmt.Sprintf("%c%d", 'A'+i, n)
		if strings.HasPrefix(c, "=") {
			fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, c[1:])
		} else {
			fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, c)
		}
	}
	b.WriteString(`</row>`)
	return b.String()
}

func blanks(n int64) func(io.Writer) {
	return func(w io.Writer) {
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for left := n; left > 0; left -= int64(len(chunk)) {
			w.Write(chunk[:min(int64(len(chunk)), left)])
		}
	}
}

func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	hostile := "testdata/hostile"

	t.Run("totals never wrap", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("customer_id,date,amount\n")
		for i := 0; i < 11000; i++ {
			fmt.Fprintf(&b, "C%d,2024-01-01,\"9,000,000,000,000.00\"\n", i%50)
		}
		big := writeFile(t, filepath.Join(dir, "huge.csv"), []byte(b.String()))
		for _, cmd := range []string{"inspect", "report"} {
			r := runLimited(t, nil, cmd, big)
			if r.code != 1 || !strings.Contains(r.stderr, "amounts too large") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("%s: exit %d, %q", cmd, r.code, r.stderr)
			}
		}
		two := writeFile(t, filepath.Join(dir, "two.csv"), []byte("customer_id,date,amount\nC1,2024-01-01,\"9,000,000,000,000.00\"\nC2,2024-01-02,\"9,000,000,000,000.00\"\n"))
		s := inspectOK(t, two)
		if s.TotalAmount != "18000000000000.00" || s.Sources[0].Amount != "18000000000000.00" {
			t.Errorf("total %s, source %s; want 18000000000000.00", s.TotalAmount, s.Sources[0].Amount)
		}
	})

	t.Run("a comma file with a few bad rows", func(t *testing.T) {
		s := inspectOK(t, filepath.Join(hostile, "spaces_and_semicolons.csv"))
		// 8 rows: 2 with semicolons, 1 with an unquoted thousands separator
		if s.RowsRead != 8 || s.RowsUsed != 5 || s.RowsRejected != 3 || s.TotalAmount != "150.00" {
			t.Errorf("%d read, %d used, %d rejected, total %s; want 8, 5, 3, 150.00", s.RowsRead, s.RowsUsed, s.RowsRejected, s.TotalAmount)
		}
		reasons := map[string]int{}
		for _, r := range s.Rejected {
			reasons[r.Reason] = r.Count
		}
		if reasons["one field where the header has several (another delimiter?)"] != 2 || reasons["more fields than the header"] != 1 {
			t.Errorf("reasons %v", reasons)
		}
	})

	t.Run("xlsx rows out of order", func(t *testing.T) {
		wb := workbook(t, filepath.Join(dir, "order.xlsx"), sheetRows(
			xrow(1, "customer_id", "date", "amount"), xrow(5, "C5", "2024-01-05", "=5"), xrow(3, "C3", "2024-01-03", "=3"), xrow(4, "C4", "2024-01-04", "=4")), nil)
		s := inspectOK(t, wb)
		if s.RowsRead != 3 || s.RowsUsed != 3 || s.TotalAmount != "12.00" {
			t.Errorf("%d read, %d used, total %s; want 3, 3, 12.00", s.RowsRead, s.RowsUsed, s.TotalAmount)
		}
	})

	t.Run("bounded memory", func(t *testing.T) {
		bomb := workbook(t, filepath.Join(dir, "blank-sheet.xlsx"), func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0"?><worksheet><sheetData><row r="1">`)
			blanks(256 << 20)(w)
			io.WriteString(w, `</row></sheetData></worksheet>`)
		}, nil)
		styles := workbook(t, filepath.Join(dir, "blank-styles.xlsx"), sheetRows(xrow(1, "customer_id", "date", "amount"), xrow(2, "C1", "2024-01-01", "=7")),
			map[string]func(io.Writer){"xl/styles.xml": blanks(256 << 20)})
		rows := workbook(t, filepath.Join(dir, "too-many-rows.xlsx"), func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0"?><worksheet><sheetData>`)
			io.WriteString(w, xrow(1, "customer_id", "date", "amount"))
			for i := 2; i <= 1<<20+10; i++ {
				fmt.Fprintf(w, `<row r="%d"/>`, i)
			}
			io.WriteString(w, `</sheetData></worksheet>`)
		}, nil)
		// a comment and an attribute value can hold '<', so the limit on text
		// runs does not cut them: the sheet reader refuses long tokens
		ltBomb := func(open, close string) func(io.Writer) {
			return func(w io.Writer) {
				io.WriteString(w, `<?xml version="1.0"?><worksheet><sheetData><row r="1">`+open)
				chunk := bytes.Repeat([]byte("< "), 1<<19)
				for range 256 {
					w.Write(chunk)
				}
				io.WriteString(w, close+`</row></sheetData></worksheet>`)
			}
		}
		comment := workbook(t, filepath.Join(dir, "comment-sheet.xlsx"), ltBomb("<!--", "-->"), nil)
		quote := workbook(t, filepath.Join(dir, "quote-sheet.xlsx"), ltBomb(`<c r="`, `"/>`), nil)
		// twenty million comments in a row: skipped one after another, not
		// by a call each (the stack would overflow)
		comments := workbook(t, filepath.Join(dir, "comments-sheet.xlsx"), func(w io.Writer) {
			io.WriteString(w, `<?xml version="1.0"?><worksheet><sheetData>`)
			chunk := bytes.Repeat([]byte("<!---->"), 1<<20)
			for range 20 {
				w.Write(chunk)
			}
			io.WriteString(w, `</sheetData></worksheet>`)
		}, nil)
		f, _ := os.Create(filepath.Join(dir, "commas.csv"))
		io.WriteString(f, "customer_id,date,amount\n")
		f.Write(bytes.Repeat([]byte(","), 64<<20))
		f.Close()
		for _, tc := range []struct{ file, msg string }{
			{bomb, "text between two tags: refused"},
			{rows, "more rows than Excel's 1,048,576"},
			{comment, "longer than 2 MiB: refused"},
			{quote, "longer than 2 MiB: refused"},
			{comments, "no header row recognised"},
			{filepath.Join(dir, "commas.csv"), "longer than 16 MiB"},
			{"/dev/zero", "from a pipe or device: refused"},
		} {
			for _, cmd := range []string{"inspect", "report"} {
				r := runLimited(t, nil, cmd, tc.file)
				if r.code != 1 || !strings.Contains(r.stderr, tc.msg) {
					t.Errorf("%s %s: exit %d, %q; want 1 and %q", cmd, filepath.Base(tc.file), r.code, r.stderr, tc.msg)
				}
			}
		}
		// styles are never read: the workbook loads
		if s := inspectOK(t, styles); s.TotalAmount != "7.00" {
			t.Errorf("workbook with a huge styles.xml: total %s", s.TotalAmount)
		}
		if left, _ := os.ReadDir(tmpDir(t)); len(left) > 0 {
			t.Errorf("temporary files written: %v", left)
		}
	})

	t.Run("linear in rejected rows and columns", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("customer_id,date,amount\nC1,01/02/2024,10\n")
		for i := 0; i < 100000; i++ {
			b.WriteString("C2,13/13/2024,1\n") // impossible in either order
		}
		rej := writeFile(t, filepath.Join(dir, "rejected.csv"), []byte(b.String()))
		s := inspectOK(t, rej, "--date-order", "mdy")
		if s.RowsRejected != 100000 || s.TotalAmount != "10.00" {
			t.Errorf("%d rejected, total %s", s.RowsRejected, s.TotalAmount)
		}
		b.Reset()
		b.WriteString("customer_id,date,amount")
		for k := 0; k < 1000; k++ {
			fmt.Fprintf(&b, ",attr%d", k)
		}
		b.WriteString("\n")
		for r := 0; r < 300; r++ {
			fmt.Fprintf(&b, "C%d,2024-01-%02d,%d", r%100, 1+r%28, 10+r)
			for k := 0; k < 1000; k++ {
				fmt.Fprintf(&b, ",v%d", (r%100*7+k)%5)
			}
			b.WriteString("\n")
		}
		wide := writeFile(t, filepath.Join(dir, "wide.csv"), []byte(b.String()))
		if r := runLimited(t, nil, "export", wide, "-o", filepath.Join(dir, "wide.xlsx")); r.code != 0 {
			t.Errorf("export of 1,000 attribute columns: exit %d, %s", r.code, r.stderr)
		}
	})

	t.Run("pipes and FIFOs", func(t *testing.T) {
		good, _ := os.ReadFile("testdata/en_headers.csv")
		r := runLimited(t, bytes.NewReader(good), "inspect", "--format", "json", "/dev/stdin")
		var s inspectJSON
		if r.code != 0 || json.Unmarshal([]byte(r.stdout), &s) != nil || s.RowsRead != 10 || s.TotalAmount != "3201.00" {
			t.Errorf("a pipe: exit %d, %s, %+v", r.code, r.stderr, s)
		}
		fifo := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		r = runLimited(t, nil, "inspect", fifo) // no writer: must not hang
		if r.code != 1 || !strings.Contains(r.stderr, "empty") {
			t.Errorf("a FIFO without writer: exit %d, %q", r.code, r.stderr)
		}
	})

	t.Run("control characters never reach the terminal", func(t *testing.T) {
		evil := filepath.Join(hostile, "escape_sequences.csv")
		for _, args := range [][]string{{"report", evil, "--scheme", "region"}, {"report", evil}, {"inspect", evil}} {
			r := runLimited(t, nil, args...)
			if r.code != 0 || strings.ContainsAny(r.stdout, "\x1b\x07\u009b") || !strings.Contains(r.stdout+r.stderr, "␛") && args[0] == "report" && len(args) > 2 {
				t.Errorf("%v: exit %d, raw control characters in %q", args, r.code, r.stdout)
			}
		}
		name := filepath.Join(dir, "bad\x1b]2;title\x07.csv")
		r := runLimited(t, nil, "inspect", name)
		if r.code != 1 || strings.ContainsAny(r.stderr, "\x1b\x07") || !strings.Contains(r.stderr, "␛]2;title␇") {
			t.Errorf("file name with escapes: exit %d, %q", r.code, r.stderr)
		}
		// JSON keeps the data (escaped by JSON itself)
		r = runLimited(t, nil, "report", evil, "--scheme", "region", "--format", "json")
		if !strings.Contains(r.stdout, `\u001b[2J`) {
			t.Errorf("JSON lost the data: %q", r.stdout[:min(400, len(r.stdout))])
		}
	})

	t.Run("temporary files", func(t *testing.T) {
		out := t.TempDir()
		if _, err := os.Stat(filepath.Join(dir, "wide.csv")); err != nil {
			t.Skip("needs wide.csv of the subtest before")
		}
		stale := writeFile(t, filepath.Join(out, ".ledgerlens-999999999-1.tmp"), []byte("left by a killed export"))
		cmd := exec.Command(binary(t), "export", filepath.Join(dir, "wide.csv"), "-o", filepath.Join(out, "w.xlsx"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// wait for the export's own temporary file, then interrupt it
		deadline := time.Now().Add(20 * time.Second)
		for {
			m, _ := filepath.Glob(filepath.Join(out, fmt.Sprintf(".ledgerlens-%d-*.tmp", cmd.Process.Pid)))
			if len(m) > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 143 && code != 0 {
			t.Errorf("SIGTERM during export: exit %d, want 143", code)
		}
		left, _ := filepath.Glob(filepath.Join(out, ".ledgerlens-*.tmp"))
		if len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
		if _, err := os.Stat(stale); !os.IsNotExist(err) {
			t.Error("the stale temporary file of a dead export was not removed")
		}
	})

	t.Run("silent surprises are said", func(t *testing.T) {
		en := "testdata/en_headers.csv"
		copyOf := writeFile(t, filepath.Join(dir, "copy.csv"), mustRead(t, en))
		s := inspectOK(t, en, copyOf)
		if !anyContains(s.Warnings, "have the same content") || s.FileAmount != "6402.00" {
			t.Errorf("same file twice: warnings %q, amount %s", s.Warnings, s.FileAmount)
		}
		far := writeFile(t, filepath.Join(dir, "far.csv"), append(mustRead(t, en), []byte("A001,Acme,INV-99,2199-06-01,5.00,1,,,East,\n")...))
		s = inspectOK(t, far)
		if !anyContains(s.Warnings, "far beyond the rest") || s.AsOf != "2024-03-22" || s.TotalAmount != "3201.00" {
			t.Errorf("a 2199 date: as of %s, total %s, warnings %q", s.AsOf, s.TotalAmount, s.Warnings)
		}
		s = inspectOK(t, filepath.Join(hostile, "extra_field.csv"))
		if s.RowsRejected != 1 || s.TotalAmount != "30.00" {
			t.Errorf("a row with more fields than the header: %d rejected, total %s", s.RowsRejected, s.TotalAmount)
		}
		long := writeFile(t, filepath.Join(dir, "long.csv"), []byte("customer_id,name,date,amount\nC1,"+strings.Repeat("N", 40000)+",2024-01-01,10\n"))
		xlsx := filepath.Join(dir, "long.xlsx")
		if r := runLimited(t, nil, "export", long, "-o", xlsx); r.code != 0 {
			t.Fatalf("export: %s", r.stderr)
		}
		zr, err := zip.OpenReader(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		found := false
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			found = found || bytes.Contains(b, []byte("were cut there"))
		}
		if !found {
			t.Error("a 40,000-character name was cut without a note")
		}
	})
}

var tmpDirs sync.Map

// tmpDir is the TMPDIR of the binary in this test.
func tmpDir(t *testing.T) string {
	if d, ok := tmpDirs.Load(t.Name()); ok {
		return d.(string)
	}
	d := t.TempDir()
	tmpDirs.Store(t.Name(), d)
	return d
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func anyContains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
