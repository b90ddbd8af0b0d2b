package exporter

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// Sheet names of the workbook, in order.
const (
	SheetSummary       = "Summary"
	SheetSegments      = "Segments"
	SheetCustomers     = "Customers"
	SheetProfitability = "Profitability"
	SheetRisk          = "Risk"
	SheetParameters    = "Parameters"
	SheetDataQuality   = "Data quality"
)

// Export is what the workbook is made of.
type Export struct {
	Source   string
	Scenario string // name shown on the Summary sheet
	Analysis *model.Analysis
	Report   *importer.Report
}

// WriteOptions control the safety rules of writing.
type WriteOptions struct {
	Force    bool     // replace an existing file
	Inputs   []string // files that must never be written over
	Progress func(step string)
}

// ErrExists is returned when the target exists and Force is not set.
var ErrExists = errors.New("file exists")

// checkTarget applies the safety rules: never over an input file, never
// over an existing file without Force.
func checkTarget(path string, opt WriteOptions) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	st, statErr := os.Stat(abs)
	for _, in := range opt.Inputs {
		inAbs, _ := filepath.Abs(in)
		if inAbs == abs {
			return fmt.Errorf("%s is the input file: refusing to write over it", path)
		}
		if statErr == nil {
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				return fmt.Errorf("%s is the input file: refusing to write over it", path)
			}
		}
	}
	if statErr == nil {
		if st.IsDir() {
			return fmt.Errorf("%s is a folder", path)
		}
		if !opt.Force {
			return fmt.Errorf("%s: %w (use --force to replace it)", path, ErrExists)
		}
	}
	return nil
}

// writeAtomic writes through a temporary file in the target folder and
// renames it into place, so a failed export leaves no partial file. The file
// gets mode 0644.
func writeAtomic(path string, opt WriteOptions, write func(f *os.File) error) error {
	if err := checkTarget(path, opt); err != nil {
		return err
	}
	removeStaleTemps(filepath.Dir(path))
	tmp, err := os.CreateTemp(filepath.Dir(path), fmt.Sprintf(".ledgerlens-%d-*.tmp", os.Getpid()))
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", filepath.Dir(path), err)
	}
	name := tmp.Name()
	temps.add(name)
	ok := false
	defer func() {
		temps.remove(name)
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// temps are the temporary files being written, so that a signal handler
// can remove them (RemoveTemps) before the process exits.
var temps = &tempSet{names: map[string]bool{}}

type tempSet struct {
	mu    sync.Mutex
	names map[string]bool
}

func (t *tempSet) add(n string)    { t.mu.Lock(); t.names[n] = true; t.mu.Unlock() }
func (t *tempSet) remove(n string) { t.mu.Lock(); delete(t.names, n); t.mu.Unlock() }

// RemoveTemps removes the temporary files of exports under way (call it
// when the process is interrupted).
func RemoveTemps() {
	temps.mu.Lock()
	defer temps.mu.Unlock()
	for n := range temps.names {
		os.Remove(n)
		delete(temps.names, n)
	}
}

// removeStaleTemps removes temporary files an interrupted export left in
// dir: ours carry the writing process' id, and that process is gone.
func removeStaleTemps(dir string) {
	matches, _ := filepath.Glob(filepath.Join(dir, ".ledgerlens-*-*.tmp"))
	for _, m := range matches {
		var pid int
		if _, err := fmt.Sscanf(filepath.Base(m), ".ledgerlens-%d-", &pid); err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.Remove(m)
		}
	}
}

// WriteXLSX writes the workbook of product.md to path.
func WriteXLSX(path string, ex Export, opt WriteOptions) error {
	return writeAtomic(path, opt, func(f *os.File) error {
		wb, err := buildWorkbook(ex, opt.Progress)
		if err != nil {
			return err
		}
		defer wb.Close()
		if _, err := wb.WriteTo(f); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	})
}

type styles struct {
	header, title, money, pct, float, intg, date, bold, text int
	gradeFill                                                [5]int
	lossFont                                                 int
}

func newStyles(f *excelize.File, dec int) (*styles, error) {
	s := &styles{}
	moneyFmt := "#,##0." + strings.Repeat("0", dec) + ";-#,##0." + strings.Repeat("0", dec)
	if dec == 0 {
		moneyFmt = "#,##0;-#,##0"
	}
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}})
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	s.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	s.money = mk(&excelize.Style{CustomNumFmt: &moneyFmt})
	pct := "0.0%"
	s.pct = mk(&excelize.Style{CustomNumFmt: &pct})
	fl := "#,##0.00"
	s.float = mk(&excelize.Style{CustomNumFmt: &fl})
	in := "#,##0"
	s.intg = mk(&excelize.Style{CustomNumFmt: &in})
	s.date = mk(&excelize.Style{NumFmt: 14})
	// Text cells get a style of their own (format "@"): an unstyled cell
	// makes excelize search the column styles, once per cell.
	s.text = mk(&excelize.Style{NumFmt: 49})
	for k, col := range []string{"C6EFCE", "E2EFDA", "FFEB9C", "F8CBAD", "FFC7CE"} {
		id := 0
		if err == nil {
			id, err = f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{col}}})
		}
		s.gradeFill[k] = id
	}
	if err == nil {
		s.lossFont, err = f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Color: "C00000"}})
	}
	return s, err
}

func (s *styles) of(k kind) int {
	switch k {
	case kMoney:
		return s.money
	case kPct:
		return s.pct
	case kFloat:
		return s.float
	case kInt:
		return s.intg
	case kDate:
		return s.date
	}
	return s.text
}

// widths tracks column widths fitted to content (display width, so Chinese
// text gets room).
type widths []float64

func (w widths) see(i int, v any) {
	var n int
	switch x := v.(type) {
	case string:
		n = runewidth.StringWidth(x)
	case nil:
		return
	case float64:
		n = len(fmt.Sprintf("%.2f", x)) + 3
	default:
		n = 12
	}
	w[i] = max(w[i], min(60, float64(n)+2))
}

func colName(i int) string {
	n, _ := excelize.ColumnNumberToName(i + 1)
	return n
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col+1, row)
	return c
}

func buildWorkbook(ex Export, progress func(string)) (*excelize.File, error) {
	step := func(s string) {
		if progress != nil {
			progress(s)
		}
	}
	a := ex.Analysis
	f := excelize.NewFile()
	// Deflate at best speed: the big Customers sheet compresses a little less
	// and writes about twice as fast.
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	st, err := newStyles(f, a.Decimals)
	if err != nil {
		f.Close()
		return nil, err
	}
	f.SetSheetName("Sheet1", SheetSummary)
	for _, name := range []string{SheetSegments, SheetCustomers, SheetProfitability, SheetRisk, SheetParameters, SheetDataQuality} {
		if _, err := f.NewSheet(name); err != nil {
			f.Close()
			return nil, err
		}
	}
	w := &wbWriter{f: f, st: st, a: a}
	for _, part := range []struct {
		name string
		fn   func(Export) error
	}{
		{"summary", w.summary}, {"segments", w.segments}, {"customers", w.customers},
		{"profitability", w.profitability}, {"risk", w.risk}, {"parameters", w.parameters}, {"data quality", w.dataQuality},
	} {
		step(part.name)
		if err := part.fn(ex); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s sheet: %w", part.name, err)
		}
	}
	var notes []string
	if w.cut > 0 {
		notes = append(notes, fmt.Sprintf("%d text values were longer than Excel's %d characters per cell and were cut there (the CSV export keeps them whole)", w.cut, maxCellChars))
	}
	if w.badXML > 0 {
		notes = append(notes, fmt.Sprintf("%d text values held control characters that a workbook cannot store; they show as \uFFFD (the CSV export keeps them)", w.badXML))
	}
	for k, n := range notes {
		row := w.summaryRows + 3 + k
		f.SetCellValue(SheetSummary, cellName(0, row), "Note")
		f.SetCellValue(SheetSummary, cellName(1, row), n)
		f.SetCellStyle(SheetSummary, cellName(0, row), cellName(0, row), w.st.bold)
	}
	f.SetActiveSheet(0)
	return f, nil
}

type wbWriter struct {
	f           *excelize.File
	st          *styles
	a           *model.Analysis
	cut         int // text values cut to Excel's cell limit
	badXML      int // text values with characters XML cannot hold
	summaryRows int // rows the Summary sheet uses
}

// notXML reports characters XML 1.0 cannot hold (most control characters).
func notXML(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF)
}

// maxCellChars is Excel's limit on the characters of one cell.
const maxCellChars = 32767

// fit cuts text to Excel's cell limit, counting the cuts (the Summary sheet
// says how many); other values pass unchanged.
func (w *wbWriter) fit(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	if strings.IndexFunc(s, notXML) >= 0 {
		w.badXML++
		s = strings.Map(func(r rune) rune {
			if notXML(r) {
				return utf8.RuneError
			}
			return r
		}, s)
	}
	if len(s) <= maxCellChars || utf8.RuneCountInString(s) <= maxCellChars {
		return s
	}
	w.cut++
	r := []rune(s)
	return string(r[:maxCellChars])
}

// table writes a header and rows with the normal API at row `top`, styles
// them, and returns the next free row.
func (w *wbWriter) table(sheet string, top int, headers []string, kinds []kind, rows [][]any, wd widths) (int, error) {
	f := w.f
	for i, h := range headers {
		f.SetCellValue(sheet, cellName(i, top), h)
		wd.see(i, h)
	}
	if err := f.SetCellStyle(sheet, cellName(0, top), cellName(len(headers)-1, top), w.st.header); err != nil {
		return 0, err
	}
	for r, row := range rows {
		for i, v := range row {
			if v == nil {
				continue
			}
			if err := f.SetCellValue(sheet, cellName(i, top+1+r), w.fit(v)); err != nil {
				return 0, err
			}
			wd.see(i, v)
		}
	}
	if len(rows) > 0 {
		for i, k := range kinds {
			if s := w.st.of(k); s != 0 {
				f.SetCellStyle(sheet, cellName(i, top+1), cellName(i, top+len(rows)), s)
			}
		}
	}
	return top + 1 + len(rows), nil
}

// sheetTable writes a sheet that is one table: header in row 1, frozen, with
// an autofilter and fitted widths (capped at maxWidth when > 0). It returns
// the row after the table.
func (w *wbWriter) sheetTable(sheet string, headers []string, kinds []kind, rows [][]any, maxWidth float64) (int, error) {
	wd := make(widths, len(headers))
	last, err := w.table(sheet, 1, headers, kinds, rows, wd)
	if err != nil {
		return 0, err
	}
	if maxWidth > 0 {
		for i := range wd {
			wd[i] = min(wd[i], maxWidth)
		}
	}
	return last, w.finishSheet(sheet, 1, last-1, len(headers), wd)
}

// apply sets the widths through set(first, last column, 1-based): one call
// per run of equal widths, and one call for every column past maxWidthCols
// (excelize scans its column list on each call: thousands of calls would
// take time quadratic in the columns).
func (wd widths) apply(set func(first, last int, width float64) error) error {
	const maxWidthCols = 256
	n := len(wd)
	if n > maxWidthCols {
		rest := 0.0
		for _, v := range wd[maxWidthCols:] {
			rest = max(rest, v)
		}
		for i := maxWidthCols; i < n; i++ {
			wd[i] = rest
		}
	}
	for i := 0; i < n; {
		j := i + 1
		for j < n && wd[j] == wd[i] {
			j++
		}
		if wd[i] > 0 {
			if err := set(i+1, j, wd[i]); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}

func (w *wbWriter) colWidths(sheet string, wd widths) error {
	return wd.apply(func(first, last int, width float64) error {
		return w.f.SetColWidth(sheet, colName(first-1), colName(last-1), width)
	})
}

func (w *wbWriter) finishSheet(sheet string, headerRow, lastRow, ncols int, wd widths) error {
	f := w.f
	if err := w.colWidths(sheet, wd); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cellName(0, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if lastRow > headerRow {
		return f.AutoFilter(sheet, cellName(0, headerRow)+":"+cellName(ncols-1, lastRow), nil)
	}
	return nil
}

// note attaches an Excel note (comment) to a cell: where a figure is n/a
// the cell stays empty and the note says why.
func (w *wbWriter) note(sheet, cell, text string) error {
	return w.f.AddComment(sheet, excelize.Comment{Cell: cell, Author: "ledgerlens", Paragraph: []excelize.RichTextRun{{Text: text}}})
}

func (w *wbWriter) summary(ex Export) error {
	a, f, s := w.a, w.f, SheetSummary
	dec := a.Decimals
	m := func(v model.Money) any { return moneyVal(v, dec) }
	f.SetCellValue(s, "A1", "ledgerlens — customer segments")
	f.SetCellStyle(s, "A1", "A1", w.st.title)
	ps := a.Profit
	type line struct {
		label string
		v     any
		k     kind
		na    string // why the value is n/a
	}
	profitNA := ""
	if !ps.Basis.Known() {
		profitNA = ps.Note
	}
	pv := func(v any) any {
		if profitNA != "" {
			return nil
		}
		return v
	}
	total := a.Schemes[0].Total
	rows := []line{
		{"Source", ex.Source, kText, ""}, {"As of", dayVal(a.AsOf), kDate, ""}, {"Scenario", ex.Scenario, kText, ""}, {"Customers", a.N, kInt, ""},
	}
	if a.AsOfInfo.CustomersAbsent > 0 {
		rows = append(rows, line{"Customers without a document by the as-of date (not in the analysis)", a.AsOfInfo.CustomersAbsent, kInt, ""})
	}
	rows = append(rows,
		line{"Revenue", m(total.Revenue), kMoney, ""}, line{"Profit (contribution margin)", pv(m(ps.TotalCM)), kMoney, profitNA},
		line{"Profit basis", ps.Basis.String() + optional(ps.Note), kText, ""},
		line{"Whale curve peak (share of profit)", pv(num(ps.PeakPct)), kPct, profitNA}, line{"Profitable customers", pv(ps.Profitable), kInt, profitNA},
		line{"Loss customers", pv(ps.Loss), kInt, profitNA}, line{"Profit destroyed by loss customers", pv(m(ps.Destroyed)), kMoney, profitNA},
		line{"Total CLV", m(total.TotalCLV), kMoney, ""}, line{"CLV model", a.CLVInfo.Label, kText, ""})
	if !a.CLVInfo.Known {
		rows[len(rows)-2] = line{"Total CLV", nil, kMoney, "CLV not defined for this ledger: " + a.CLVInfo.Label}
	}
	if r := a.Risk; r.Available {
		rows = append(rows, line{"Open invoices (gross receivables)", m(r.TotalAR), kMoney, ""}, line{"Unapplied credits", m(r.Unapplied), kMoney, ""},
			line{"Net receivables", m(r.NetAR), kMoney, ""}, line{"Expected credit loss", m(r.TotalECL), kMoney, ""},
			line{"DSO (" + r.DSOMethod + ", days)", num(r.DSO1), kFloat, ""}, line{"Loss rates", r.RateSource, kText, ""})
	} else {
		for _, l := range []string{"Open invoices (gross receivables)", "Unapplied credits", "Net receivables", "Expected credit loss"} {
			rows = append(rows, line{l, nil, kMoney, r.Why})
		}
	}
	if rep := ex.Report; rep != nil {
		rows = append(rows, line{"Rows read", rep.RowsRead, kInt, ""}, line{"Rows used", rep.RowsUsed, kInt, ""}, line{"Rows rejected", rep.RowsRejected, kInt, ""})
		if a.AsOfInfo.RowsAfter > 0 {
			rows = append(rows, line{"Rows after the as-of date (not in the analysis)", a.AsOfInfo.RowsAfter, kInt, ""})
		}
	}
	for _, wn := range a.Warnings {
		rows = append(rows, line{"Warning", wn, kText, ""})
	}
	for i, r := range rows {
		row := i + 3
		f.SetCellValue(s, cellName(0, row), r.label)
		if r.v != nil {
			f.SetCellValue(s, cellName(1, row), w.fit(r.v))
		}
		if r.na != "" {
			if err := w.note(s, cellName(1, row), "n/a: "+r.na); err != nil {
				return err
			}
		}
		if st := w.st.of(r.k); st != 0 {
			f.SetCellStyle(s, cellName(1, row), cellName(1, row), st)
		}
	}
	f.SetCellStyle(s, "A3", cellName(0, len(rows)+2), w.st.bold)
	w.summaryRows = len(rows)
	f.SetColWidth(s, "A", "A", 36)
	f.SetColWidth(s, "B", "B", 60)
	return nil
}

func optional(note string) string {
	if note == "" {
		return ""
	}
	return " — " + note
}

// segments writes every scheme's P&L with its total row (the sum of the
// rows above it); columns that do not exist for this ledger are empty, with
// a note on the header saying why.
func (w *wbWriter) segments(ex Export) error {
	a, s := w.a, SheetSegments
	dec := a.Decimals
	headers := []string{"Scheme"}
	kinds := []kind{kText}
	for _, c := range plColumns {
		headers = append(headers, c.header)
		kinds = append(kinds, c.kind)
	}
	var rows [][]any
	pyramidRows := 0
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		for _, r := range append(slices.Clone(sc.Rows), sc.Total) {
			cells := []any{sc.Title}
			for _, c := range plColumns {
				cells = append(cells, sheetCell(plValue(a, c, &r), c.kind, dec))
			}
			rows = append(rows, cells)
		}
		if sc.Key == "pyramid" {
			pyramidRows = len(sc.Rows)
		}
	}
	if _, err := w.sheetTable(s, headers, kinds, rows, 0); err != nil {
		return err
	}
	for i, c := range plColumns {
		if why := naOf(a, c); why != "" {
			if err := w.note(s, cellName(i+1, 1), "n/a: "+why); err != nil {
				return err
			}
		}
	}
	// revenue by pyramid tier (the first scheme)
	if pyramidRows > 0 {
		return w.f.AddChart(s, cellName(len(headers)+1, 2), &excelize.Chart{
			Type:   excelize.Col,
			Series: []excelize.ChartSeries{{Name: "Revenue", Categories: fmt.Sprintf("%s!$B$2:$B$%d", quote(s), pyramidRows+1), Values: fmt.Sprintf("%s!$E$2:$E$%d", quote(s), pyramidRows+1)}},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Revenue by value tier"}}},
			Legend: excelize.ChartLegend{Position: "none"},
		})
	}
	return nil
}

func quote(sheet string) string { return "'" + strings.ReplaceAll(sheet, "'", "''") + "'" }

// customers streams one row per customer (the big sheet).
func (w *wbWriter) customers(ex Export) error {
	a, f, s := w.a, w.f, SheetCustomers
	cols := customerColumns(a)
	sw, err := f.NewStreamWriter(s)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	wd := make(widths, len(cols))
	for i := range cols {
		wd.see(i, cols[i].header)
	}
	// widths from a sample of rows, set before the rows (a stream needs that)
	for k, c := range a.IDOrder {
		if k >= 500 {
			break
		}
		for i := range cols {
			wd.see(i, cols[i].get(int(c)))
		}
	}
	if err := wd.apply(sw.SetColWidth); err != nil {
		return err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: w.st.header, Value: c.header}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	row := make([]any, len(cols))
	for k, c := range a.IDOrder {
		for i := range cols {
			v := cols[i].get(int(c))
			if v == nil {
				row[i] = nil
				continue
			}
			row[i] = excelize.Cell{StyleID: w.st.of(cols[i].kind), Value: w.fit(v)}
		}
		// a row style spares excelize a search of the column styles per cell
		if err := sw.SetRow(cellName(0, k+2), row, excelize.RowOpts{StyleID: w.st.text}); err != nil {
			return err
		}
	}
	last := len(a.IDOrder) + 1
	// conditional colours: loss customers and credit grades
	var condErr error
	for i, c := range cols {
		rng := cellName(i, 2) + ":" + cellName(i, max(2, last))
		switch c.header {
		case "Profit (CM)":
			condErr = errors.Join(condErr, f.SetConditionalFormat(s, rng, []excelize.ConditionalFormatOptions{
				{Type: "cell", Criteria: "<", Format: &w.st.lossFont, Value: "0"}}))
		case "Credit grade":
			var opts []excelize.ConditionalFormatOptions
			for g, name := range model.Grades {
				opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Format: &w.st.gradeFill[g], Value: `"` + name + `"`})
			}
			condErr = errors.Join(condErr, f.SetConditionalFormat(s, rng, opts))
		}
	}
	// excelize keeps an autofilter on a streamed sheet only when it is set
	// before Flush (the round-trip test reads it back)
	if err := f.AutoFilter(s, "A1:"+cellName(len(cols)-1, max(2, last)), nil); err != nil {
		return err
	}
	if condErr != nil {
		return condErr
	}
	return sw.Flush()
}

func (w *wbWriter) profitability(ex Export) error {
	a, f, s := w.a, w.f, SheetProfitability
	ps := a.Profit
	if !ps.Basis.Known() {
		f.SetCellValue(s, "A1", "n/a: "+ps.Note)
		return nil
	}
	headers := []string{"Rank", "Customer ID", "Profit (CM)", "Cumulative profit", "Share of customers", "Cumulative share of profit"}
	kinds := []kind{kInt, kText, kMoney, kMoney, kPct, kPct}
	// at most ~1,000 points of the curve: every k-th customer, and the last
	n := len(ps.Order)
	stepK := max(1, n/1000)
	var rows [][]any
	for k := 0; k < n; k++ {
		if k%stepK != 0 && k != n-1 {
			continue
		}
		c := ps.Order[k]
		share := any(nil)
		if ps.TotalCM > 0 {
			share = float64(ps.Cum[k]) / float64(ps.TotalCM)
		}
		rows = append(rows, []any{k + 1, a.Led.Customers.ID[c], moneyVal(a.CM[c], a.Decimals), moneyVal(ps.Cum[k], a.Decimals), float64(k+1) / float64(n), share})
	}
	last, err := w.sheetTable(s, headers, kinds, rows, 0)
	if err != nil {
		return err
	}
	valCol := "F"
	title := "Whale curve: cumulative share of profit"
	if ps.TotalCM <= 0 {
		valCol, title = "D", "Whale curve: cumulative profit (total profit ≤ 0)"
	}
	return f.AddChart(s, "H2", &excelize.Chart{
		Type: excelize.Line,
		Series: []excelize.ChartSeries{{Name: "Cumulative profit", Categories: fmt.Sprintf("%s!$E$2:$E$%d", quote(s), last-1),
			Values: fmt.Sprintf("%s!$%s$2:$%s$%d", quote(s), valCol, valCol, last-1), Marker: excelize.ChartMarker{Symbol: "none"}}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend: excelize.ChartLegend{Position: "none"},
		XAxis:  excelize.ChartAxis{TickLabelSkip: max(1, len(rows)/10)},
	})
}

const listCap = 1000

func (w *wbWriter) risk(ex Export) error {
	a, f, s := w.a, w.f, SheetRisk
	r := a.Risk
	dec := a.Decimals
	m := func(v model.Money) any { return moneyVal(v, dec) }
	if !r.Available {
		f.SetCellValue(s, "A1", r.Why)
		return w.churnList(s, 3)
	}
	f.SetCellValue(s, "A1", "Receivables aging at "+a.AsOf.String()+" ("+r.Method+"); loss rates: "+r.RateSource)
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	var rows [][]any
	for k, label := range r.Buckets {
		rows = append(rows, []any{label, m(r.BucketTotal[k]), r.LossRates[k], m(r.BucketECL[k])})
	}
	rows = append(rows, []any{"Open invoices (gross)", m(r.TotalAR), nil, m(r.TotalECL)}, []any{"Unapplied credits", m(r.Unapplied), nil, nil},
		[]any{"Net receivables", m(r.NetAR), nil, nil})
	wd := make(widths, 12)
	next, err := w.table(s, 3, []string{"Bucket", "Balance", "Loss rate", "ECL"}, []kind{kText, kMoney, kPct, kMoney}, rows, wd)
	if err != nil {
		return err
	}
	if err := f.AddChart(s, "G3", &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{{Name: "Balance", Categories: fmt.Sprintf("%s!$A$4:$A$%d", quote(s), 3+len(r.Buckets)),
			Values: fmt.Sprintf("%s!$B$4:$B$%d", quote(s), 3+len(r.Buckets))}},
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Receivables aging"}}},
		Legend: excelize.ChartLegend{Position: "none"},
	}); err != nil {
		return err
	}
	next++
	dsoRows := [][]any{{"DSO count-back", num(r.DSOCountBack)}, {"DSO simple (3 months)", num(r.DSOSimple)}, {"Best possible DSO", num(r.BPDSO)}, {"Average days delinquent", num(r.ADD)}}
	next, err = w.table(s, next, []string{"Measure", "Days"}, []kind{kText, kFloat}, dsoRows, wd)
	if err != nil {
		return err
	}
	next++
	ids := a.Led.Customers.ID
	f.SetCellValue(s, cellName(0, next), fmt.Sprintf("Credit risk by expected loss (first %d of %d)", min(listCap, len(a.CreditRisk)), len(a.CreditRisk)))
	f.SetCellStyle(s, cellName(0, next), cellName(0, next), w.st.bold)
	var cr [][]any
	for _, c := range top(a.CreditRisk, listCap) {
		cr = append(cr, []any{ids[c], model.Grades[r.Grade[c]], r.Score[c], m(r.CustAR[c]), m(r.Overdue30[c]), num(r.Util[c]), r.UtilState[c], m(r.EL[c]), model.GradeAction(r.Grade[c])})
	}
	gradeTop := next + 2
	next, err = w.table(s, next+1, []string{"Customer ID", "Grade", "Score", "Open", "Overdue > 30", "Utilisation", "Limit", "Expected loss", "Action"},
		[]kind{kText, kText, kFloat, kMoney, kMoney, kPct, kText, kMoney, kText}, cr, wd)
	if err != nil {
		return err
	}
	if len(cr) > 0 {
		var opts []excelize.ConditionalFormatOptions
		for g, name := range model.Grades {
			opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Format: &w.st.gradeFill[g], Value: `"` + name + `"`})
		}
		if err := f.SetConditionalFormat(s, fmt.Sprintf("B%d:B%d", gradeTop, next-1), opts); err != nil {
			return err
		}
	}
	next++
	f.SetCellValue(s, cellName(0, next), fmt.Sprintf("Write-off candidates (%d)", len(r.WriteOffs)))
	f.SetCellStyle(s, cellName(0, next), cellName(0, next), w.st.bold)
	var wo [][]any
	for _, it := range r.WriteOffs[:min(len(r.WriteOffs), listCap)] {
		wo = append(wo, []any{ids[it.Cust], dayVal(it.Date), dayVal(it.Due), it.DPD, m(it.Open)})
	}
	next, err = w.table(s, next+1, []string{"Customer ID", "Invoice date", "Due date", "Days past due", "Open"}, []kind{kText, kDate, kDate, kInt, kMoney}, wo, wd)
	if err != nil {
		return err
	}
	if err := w.churnList(s, next+1); err != nil {
		return err
	}
	if err := w.colWidths(s, wd); err != nil {
		return err
	}
	return nil
}

func (w *wbWriter) churnList(s string, row int) error {
	a, f := w.a, w.f
	list := a.ChurnRisk
	f.SetCellValue(s, cellName(0, row), fmt.Sprintf("Churn risk by value at risk (first %d of %d)", min(listCap, len(list)), len(list)))
	f.SetCellStyle(s, cellName(0, row), cellName(0, row), w.st.bold)
	var rows [][]any
	for _, c := range top(list, listCap) {
		pa := any(nil)
		if a.PAlive != nil {
			pa = num(a.PAlive[c])
		}
		clv := any(nil)
		if a.CLVInfo.Known {
			clv = moneyVal(a.CLVMoney[c], a.Decimals)
		}
		rows = append(rows, []any{a.Led.Customers.ID[c], a.Churn[c].String(), pa, clv,
			moneyVal(AmountMinor(a.ValueAtRisk[c], a.Decimals), a.Decimals)})
	}
	_, err := w.table(s, row+1, []string{"Customer ID", "Churn state", "P(alive)", "CLV", "Value at risk"}, []kind{kText, kText, kPct, kMoney, kMoney}, rows, make(widths, 5))
	return err
}

// parameters writes every parameter as key and value; the sheet can be read
// back as a scenario (--scenario FILE.xlsx).
func (w *wbWriter) parameters(ex Export) error {
	a, s := w.a, SheetParameters
	p := a.Params
	var rows [][]any
	for _, sp := range model.Specs {
		v := sp.Get(&p)
		if sp.Key == "as_of" {
			v = a.AsOf.String()
		}
		rows = append(rows, []any{sp.Key, v, sp.Group, sp.Unit, sp.Help})
	}
	_, err := w.sheetTable(s, []string{"Parameter", "Value", "Group", "Unit", "Meaning"}, []kind{kText, kText, kText, kText, kText}, rows, 80)
	return err
}

func (w *wbWriter) dataQuality(ex Export) error {
	f, s := w.f, SheetDataQuality
	rep := ex.Report
	sw, err := f.NewStreamWriter(s)
	if err != nil {
		return err
	}
	headers := []string{"File", "Sheet", "Row", "Column", "Value", "Reason"}
	widths{30, 16, 8, 18, 30, 24}.apply(sw.SetColWidth)
	sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{StyleID: w.st.header, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	n := 0
	if rep != nil {
		for k, r := range rep.Rejections {
			if err := sw.SetRow(cellName(0, k+2), []any{w.fit(r.File), w.fit(r.Sheet), r.Row, r.Column, w.fit(r.Value), r.Reason}); err != nil {
				return err
			}
			n++
		}
	}
	if err := f.AutoFilter(s, "A1:F"+fmt.Sprint(max(2, n+1)), nil); err != nil {
		return err
	}
	return sw.Flush()
}
