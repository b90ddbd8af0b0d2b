package importer

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestEstimateShortFirstRows: a file whose first rows are much shorter than
// the rest must not reserve columns for ten times its rows (the estimate
// from the first rows alone was 646 MB for a 45 MB file).
func TestEstimateShortFirstRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("customer_id,date,amount,note\n")
	rows := 0
	for i := range 30 {
		fmt.Fprintf(&b, "C%d,2024-01-02,1,\n", i)
		rows++
	}
	long := strings.Repeat("x", 400)
	for i := range 20_000 {
		fmt.Fprintf(&b, "C%d,2024-01-02,12.50,%s\n", i%500, long)
		rows++
	}
	data := []byte(b.String())
	p := csvPlan("short-first.csv", int64(len(data)), func() (io.ReadCloser, error) { return memFile{bytes.NewReader(data)}, nil })
	if err := p.detect(Options{}); err != nil {
		t.Fatal(err)
	}
	if p.estimate < rows/2 || p.estimate > 2*rows {
		t.Errorf("estimated %d rows for %d", p.estimate, rows)
	}
	// the first rows alone would have said about
	t.Logf("estimate %d for %d rows (first rows alone: %d)", p.estimate, rows, len(data)/16)
}
