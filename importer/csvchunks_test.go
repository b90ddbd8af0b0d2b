package importer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

// chunkTexts are CSV texts whose rows are awkward to cut into chunks: rows
// rejected for several reasons, blank lines, CRLF line ends, no line end at
// the end, a quoted field holding a line end half-way, a line longer than
// a chunk, a record with too many fields far into the file, and a text
// aligned with spaces.
func chunkTexts() map[string]string {
	rng := rand.New(rand.NewPCG(21, 22))
	rows := func(n int, eol string, odd func(i int) string) string {
		var b strings.Builder
		b.WriteString("invoice,customer_id,customer_name,date,due_date,paid_date,amount,cost,region" + eol)
		for i := range n {
			if s := odd(i); s != "" {
				b.WriteString(s + eol)
				continue
			}
			c := rng.IntN(300)
			d := 1 + rng.IntN(28)
			paid := ""
			if rng.IntN(3) > 0 {
				paid = fmt.Sprintf("2024-04-%02d", d)
			}
			fmt.Fprintf(&b, "INV%d,C%d,Customer %d,2024-02-%02d,2024-03-%02d,%s,%d.%02d,%d.%02d,R%d%s",
				i/2, c, c, d, d, paid, rng.IntN(900)-40, rng.IntN(100), rng.IntN(400), rng.IntN(100), c%7, eol)
		}
		return b.String()
	}
	plain := func(int) string { return "" }
	rejects := func(i int) string {
		switch i % 97 {
		case 5:
			return ""
		case 11:
			return fmt.Sprintf("INV%d,C1,Customer 1,2024-13-45,,,10.00,5.00,R1", i)
		case 23:
			return fmt.Sprintf("INV%d,,nobody,2024-02-01,,,10.00,5.00,R1", i)
		case 31:
			return fmt.Sprintf("INV%d,C2,Customer 2,2024-02-01,,,ten,5.00,R2", i)
		case 47:
			return fmt.Sprintf("INV%d,C3,Customer 3,2024-02-01,,,10.00,5.00,R3,extra", i)
		}
		return ""
	}
	out := map[string]string{
		"plain":             rows(3000, "\n", plain),
		"rejects and CRLF":  rows(3000, "\r\n", rejects),
		"no final line end": strings.TrimSuffix(rows(2000, "\n", rejects), "\n"),
		"blank lines":       strings.ReplaceAll(rows(1500, "\n", plain), "R3\n", "R3\n\n\n"),
		"quote half-way": rows(3000, "\n", func(i int) string {
			if i == 1700 {
				return "INV9999,C5,\"Customer 5,\nwith a line end\",2024-02-03,,,12.00,6.00,R5"
			}
			return rejects(i)
		}),
		"quotes": rows(3000, "\n", func(i int) string {
			quoted := []string{ // quotes, delimiters and a line end inside quotes, text after a closing quote
				"INV%d,C8,\"Customer \"\"Eight\"\", Ltd\",2024-02-03,,,\"1,2.00\",6.00,\"R8, north\"",
				"\"INV%d\",\"C9\",\"\",\"2024-02-04\",,,\"9.50\",\"\",\"R\"\"9\"\"\"",
				"INV%d,C10,\"Customer\n10\",2024-02-05,,,3.00,1.00,\"R10\"junk",
			}
			if k := i % 211; k < len(quoted) {
				return fmt.Sprintf(quoted[k], i)
			}
			return ""
		}),
		"long line": rows(3000, "\n", func(i int) string {
			if i == 1200 {
				return "INV8888,C6,Customer " + strings.Repeat("6", 5000) + ",2024-02-03,,,12.00,6.00,R6"
			}
			return ""
		}),
		"too many fields": rows(3000, "\n", func(i int) string {
			if i == 2500 {
				return "INV7777,C7" + strings.Repeat(",", maxRecordFields+5)
			}
			return ""
		}),
	}
	var b strings.Builder
	b.WriteString("customer_id date quantity amount\n")
	for i := range 4000 {
		fmt.Fprintf(&b, "%5d   1997%02d%02d  %d   %d.%02d\n", 1+rng.IntN(500), 1+i%12, 1+rng.IntN(28), 1+rng.IntN(4), rng.IntN(90), rng.IntN(100))
	}
	out["spaces"] = b.String()
	return out
}

// Parsing in chunks on several cores gives the ledger, the report and the
// error that reading row by row gives, whatever the chunk size.
func TestChunkedAsRowByRow(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func(size int, from int64) { chunkBytes, parallelFrom = size, from }(chunkBytes, parallelFrom)
	for name, text := range chunkTexts() {
		parallelFrom = 1 << 62
		want, wantRep, wantErr := LoadReader("t.csv", []byte(text), Options{})
		if wantErr == nil && wantRep.RowsRead < 1000 {
			t.Fatalf("%s: only %d rows read", name, wantRep.RowsRead)
		}
		sizes := []int{97, 150, 233, 700, 4096, 1 << 20}
		if name == "quote half-way" {
			// one of these cuts a chunk inside the quoted field's line end
			for size := 80; size < 400; size += 3 {
				sizes = append(sizes, size)
			}
		}
		for _, size := range sizes {
			parallelFrom, chunkBytes = 0, size
			got, gotRep, gotErr := LoadReader("t.csv", []byte(text), Options{})
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("%s, chunks of %d bytes: error %v, row by row %v", name, size, gotErr, wantErr)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, chunks of %d bytes: another ledger than row by row", name, size)
			}
			if !reflect.DeepEqual(gotRep, wantRep) {
				t.Errorf("%s, chunks of %d bytes: another report than row by row:\n%+v\n%+v", name, size, gotRep, wantRep)
			}
		}
	}
}

// A CSV record copied for the builder as one line gives the ledger, the
// report and the error that copying it field by field gives.
func TestLineCopiedAsFields(t *testing.T) {
	defer func(v bool) { copyLines = v }(copyLines)
	for name, text := range chunkTexts() {
		copyLines = false
		want, wantRep, wantErr := LoadReader("t.csv", []byte(text), Options{})
		copyLines = true
		got, gotRep, gotErr := LoadReader("t.csv", []byte(text), Options{})
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: error %v, field by field %v", name, gotErr, wantErr)
			continue
		}
		if wantErr == nil && len(want.Customers.ID) < 2 {
			t.Fatalf("%s: %d customers", name, len(want.Customers.ID))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: another ledger than field by field", name)
		}
		if !reflect.DeepEqual(gotRep, wantRep) {
			t.Errorf("%s: another report than field by field:\n%+v\n%+v", name, gotRep, wantRep)
		}
	}
}

// A load that stops half-way (cancelled, or at a record it refuses) while
// chunks are still being cut and parsed returns, many times over: no
// goroutine waits for a chunk that will never be parsed.
func TestChunkedStops(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func(size int, from int64) { chunkBytes, parallelFrom = size, from }(chunkBytes, parallelFrom)
	parallelFrom, chunkBytes = 0, 700
	texts := chunkTexts()
	plain := texts["plain"] + strings.Repeat(texts["plain"][strings.IndexByte(texts["plain"], '\n')+1:], 9)
	for i := range 40 {
		done := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			calls := 0
			opt := Options{Context: ctx, Progress: func(Progress) {
				if calls++; calls == 1+i%5 {
					cancel()
				}
			}}
			_, _, err := LoadReader("t.csv", []byte(plain), opt)
			if err == nil || !errors.Is(err, context.Canceled) {
				done <- fmt.Errorf("cancelled load: %v, want context.Canceled", err)
				return
			}
			_, _, err = LoadReader("t.csv", []byte(texts["too many fields"]), Options{})
			if err == nil || !strings.Contains(err.Error(), "line 2502") {
				done <- fmt.Errorf("refused record: %v, want its line", err)
				return
			}
			done <- nil
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatal("a load that stopped half-way did not return")
		}
	}
}
