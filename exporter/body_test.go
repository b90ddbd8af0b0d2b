package exporter

import (
	"archive/zip"
	"bytes"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// hostileNames are names that test the encoder: markup, spaces at the
// ends, line breaks, control characters, bytes that are not UTF-8, CJK,
// emoji, text beyond Excel's cell limit.
var hostileNames = []string{"  leading", "trailing  ", `a & b < c > d "e" 'f'`, "line\r\nbreak", "cr\ronly", "tab\there",
	"bell\x07", "bad \xff\xfe utf-8", "客户 有限公司", "emoji 🧾", "\uFFFE non-character", strings.Repeat("长", 33000), "=SUM(A1)", ""}

// hostileLedger has enough customers for the Customers sheet to span many
// chunks.
func hostileLedger(customers int) string {
	rng := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	sb.WriteString("customer,name,region,date,amount,cost,due,paid\n")
	start := model.DayFromCivil(2023, 1, 1)
	for c := range customers {
		for k := 0; k < 1+rng.IntN(4); k++ {
			d := start + model.Day(rng.IntN(700))
			paid := ""
			if rng.IntN(4) > 0 {
				paid = (d + model.Day(10+rng.IntN(60))).String()
			}
			fmt.Fprintf(&sb, "C%05d,Name %d,R%d,%s,%d.%02d,%d,%s,%s\n", c, c, c%5, d, 5+rng.IntN(9000), rng.IntN(100), rng.IntN(4000), d+30, paid)
		}
	}
	return sb.String()
}

// TestBodyRowsAsExcelize: the list sheets' rows written by bodyRows read
// back, cell for cell (value, type and style), as the rows excelize's
// stream writer wrote, on the demo, a ledger of hostile text and every
// shared ledger; every other part of the workbook is unchanged; the
// archive's checksums hold; and the bytes do not depend on the core count.
func TestBodyRowsAsExcelize(t *testing.T) {
	demo, demoRep := demoAnalysis(t)
	big, bigRep := analysed(t)(importer.LoadReader("hostile.csv", []byte(hostileLedger(2500)), importer.Options{}))
	for c := range big.Led.Customers.Name { // straight into the ledger: a CSV reader would mend some
		big.Led.Customers.Name[c] = hostileNames[c%len(hostileNames)]
	}
	cases := []struct {
		name string
		ex   Export
	}{{"demo", Export{Source: "demo", Analysis: demo, Report: demoRep}}, {"hostile", Export{Source: "hostile.csv", Analysis: big, Report: bigRep}}}
	for _, sh := range []struct {
		path string
		opt  importer.Options
	}{
		{"receivables/WA_Fn-UseC_-Accounts-Receivable.csv", importer.Options{}},
		{"cdnow/CDNOW_sample.txt", importer.Options{Columns: []string{"", "customer_id", "date", "quantity", "amount"}}},
		{"online-retail-ii/online_retail_II_subset_2sheets.xlsx", importer.Options{}},
	} {
		p := sharedLedger(t, sh.path)
		a, rep := analysed(t)(importer.Load([]string{p}, sh.opt))
		cases = append(cases, struct {
			name string
			ex   Export
		}{sh.path, Export{Source: p, Analysis: a, Report: rep}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.ex.rows = rowsOf(c.ex.Analysis, WriteOptions{})
			write := func(viaExcelize bool) []byte {
				var b bytes.Buffer
				ex := c.ex
				ex.viaExcelize = viaExcelize
				if err := writeWorkbook(&b, ex, nil); err != nil {
					t.Fatal(err)
				}
				return b.Bytes()
			}
			fast, oracle := write(false), write(true)
			if c.name == "hostile" { // many chunks
				old := runtime.GOMAXPROCS(1)
				one := write(false)
				runtime.GOMAXPROCS(4)
				four := write(false)
				runtime.GOMAXPROCS(old)
				if !bytes.Equal(fast, one) || !bytes.Equal(fast, four) {
					t.Error("the workbook's bytes depend on the core count")
				}
			}
			zr, err := zip.NewReader(bytes.NewReader(fast), int64(len(fast)))
			if err != nil {
				t.Fatal(err)
			}
			for _, zf := range zr.File { // reading to the end checks the CRC and the size
				rc, err := zf.Open()
				if err == nil {
					_, err = io.Copy(io.Discard, rc)
					rc.Close()
				}
				if err != nil {
					t.Errorf("%s: %v", zf.Name, err)
				}
			}
			sameCells(t, oracle, fast, c.name == "demo")
		})
	}
}

// sameCells compares every sheet's cells of two workbooks; styles of every
// cell (all) or of every 37th row. The sheets of got say the range they use.
func sameCells(t *testing.T, want, got []byte, all bool) {
	t.Helper()
	open := func(b []byte) *excelize.File {
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	fw, fg := open(want), open(got)
	defer fw.Close()
	defer fg.Close()
	sheets := fw.GetSheetList()
	if g := fg.GetSheetList(); strings.Join(g, "|") != strings.Join(sheets, "|") {
		t.Fatalf("sheets %v, want %v", g, sheets)
	}
	raw := excelize.Options{RawCellValue: true}
	cells := 0
	for _, s := range sheets {
		rw, err := fw.GetRows(s, raw)
		if err != nil {
			t.Fatal(err)
		}
		rg, err := fg.GetRows(s, raw)
		if err != nil {
			t.Fatal(err)
		}
		width := 0
		for _, r := range rg {
			width = max(width, len(r))
		}
		if d, _ := fg.GetSheetDimension(s); width > 0 && d != "A1:"+cellName(width-1, len(rg)) {
			t.Errorf("%s: dimension %s, cells in A1:%s", s, d, cellName(width-1, len(rg)))
		}
		if len(rg) != len(rw) {
			t.Errorf("%s: %d rows, want %d", s, len(rg), len(rw))
			continue
		}
		for r := range rw {
			if len(rg[r]) != len(rw[r]) {
				t.Errorf("%s row %d: %d cells, want %d", s, r+1, len(rg[r]), len(rw[r]))
				continue
			}
			for col := range rw[r] {
				cells++
				ref := cellName(col, r+1)
				vw, vg := rw[r][col], rg[r][col]
				if vw != vg {
					fw, errW := strconv.ParseFloat(vw, 64)
					fg, errG := strconv.ParseFloat(vg, 64)
					if errW != nil || errG != nil || fw != fg {
						t.Errorf("%s!%s = %.80q, want %.80q", s, ref, vg, vw)
					}
				}
				if !all && r%37 != 1 {
					continue
				}
				tw, _ := fw.GetCellType(s, ref)
				tg, _ := fg.GetCellType(s, ref)
				sw, _ := fw.GetCellStyle(s, ref)
				sg, _ := fg.GetCellStyle(s, ref)
				if tw != tg || sw != sg {
					t.Errorf("%s!%s: type %v style %d, want %v, %d", s, ref, tg, sg, tw, sw)
				}
			}
		}
	}
	if cells < 1000 {
		t.Errorf("only %d cells compared", cells)
	}
}

func TestCRC32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, 100, 4096, 1 << 20} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		for _, cut := range []int{0, n / 3, n} {
			got := crc32Combine(crc32.ChecksumIEEE(b[:cut]), crc32.ChecksumIEEE(b[cut:]), int64(n-cut))
			if want := crc32.ChecksumIEEE(b); got != want {
				t.Errorf("n=%d cut=%d: %08x, want %08x", n, cut, got, want)
			}
		}
	}
}
