package exporter

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
	"ledgerlens/termtext"
)

// writeWorkbook writes the workbook of product.md to out.
func writeWorkbook(out io.Writer, ex Export, progress func(string)) error {
	f := excelize.NewFile()
	defer f.Close()
	fastZip(f)
	chunks := newChunkFile(spillDir(out))
	defer chunks.close()
	w, err := writeSheets(f, true, ex, progress, chunks)
	if err != nil {
		return err
	}
	f.SetActiveSheet(0)
	// the file's properties name the program and the ledger (excelize's
	// template names its author); the dates stay fixed, so that the same
	// analysis is the same file
	src := termtext.Clean(ex.Source)
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "ledgerlens", LastModifiedBy: "ledgerlens",
		Title: "Customer segments", Subject: fmt.Sprintf("%s · as of %s", src, ex.Analysis.AsOf)}); err != nil {
		return err
	}
	return saveWorkbook(out, f, w.bodies, nil)
}

// fastZip makes f deflate as the list sheets are deflated (newZipWriter).
func fastZip(f *excelize.File) {
	f.SetZipWriter(func(w io.Writer) excelize.ZipWriter { return newZipWriter(w) })
}

// writeSheets adds the workbook's sheets to f: a new file (fresh: its
// Sheet1 becomes the Summary) or the user's own workbook (export --into),
// after its sheets, each under a name none of theirs has.
func writeSheets(f *excelize.File, fresh bool, ex Export, progress func(string), chunks *chunkFile) (*wbWriter, error) {
	step := func(s string) {
		if progress != nil {
			progress(s)
		}
	}
	a := ex.Analysis
	st, err := newStyles(f, a.Decimals)
	if err != nil {
		return nil, err
	}
	w := &wbWriter{f: f, st: st, a: a, ex: ex, setUp: map[string]bool{}, names: map[string]string{},
		bodies: map[string]*sheetBody{}, chunks: chunks}
	type part struct {
		sheet    string
		fn       func() error
		titleRow int // the row repeated on every printed page (0: none)
	}
	parts := []part{
		{SheetSummary, w.summary, 0}, {SheetSegments, w.segments, 0}, {SheetCustomers, w.customers, 1},
		{SheetProfitability, w.profitability, 1}, {SheetRisk, w.risk, 0}, {SheetCredit, w.creditList, 1},
		{SheetWriteOffs, w.writeOffs, 1}, {SheetChurn, w.churnList, 1}, {SheetModel, w.modelValidation, 0}, {SheetParameters, w.parameters, 1},
		{SheetDataQuality, w.dataQuality, 1},
	}
	if c := a.Cohorts(); c != nil && len(c.Labels) > 0 {
		parts = slices.Insert(parts, 8, part{SheetCohorts, w.cohorts, 0})
	}
	if ex.Baseline != nil {
		parts = slices.Insert(parts, 2, part{SheetCompare, w.compare, 0})
	}
	if ex.CrossTab != nil {
		parts = slices.Insert(parts, 2, part{SheetCrossTab, w.crossTab, 0})
	}
	if b := a.Budget; b != nil && (b.Total.HasSpend || b.Budget > 0) {
		parts = slices.Insert(parts, 2, part{SheetBudget, w.budget, 0})
	}
	taken := map[string]bool{}
	if !fresh {
		for _, n := range f.GetSheetList() {
			taken[strings.ToLower(n)] = true
		}
	}
	for k, p := range parts {
		name := freeSheetName(p.sheet, taken)
		taken[strings.ToLower(name)] = true
		w.names[p.sheet] = name
		if k == 0 && fresh {
			f.SetSheetName("Sheet1", name)
			continue
		}
		if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	for _, p := range parts {
		step(strings.ToLower(p.sheet))
		if err := p.fn(); err != nil {
			return nil, fmt.Errorf("%s sheet: %w", p.sheet, err)
		}
	}
	var notes []string
	if cut := w.cut.Load(); cut > 0 {
		notes = append(notes, fmt.Sprintf("%d text values were longer than Excel's %d characters per cell and were cut there (the CSV export keeps them whole)", cut, maxCellChars))
	}
	if bad := w.badXML.Load(); bad > 0 {
		notes = append(notes, fmt.Sprintf("%d text values held control characters that a workbook cannot store; they show as \uFFFD (the CSV export keeps them)", bad))
	}
	sum := w.sheet(SheetSummary)
	for k, n := range notes {
		row := w.summaryRows + 3 + k
		f.SetCellValue(sum, cellName(0, row), "Note")
		f.SetCellValue(sum, cellName(1, row), n)
		f.SetCellStyle(sum, cellName(0, row), cellName(0, row), w.st.bold)
	}
	// page setup and used range of the sheets written with the normal API
	// (listSheet sets up its streamed sheets before flushing them)
	for _, p := range parts {
		if w.setUp[w.sheet(p.sheet)] {
			continue
		}
		if err := w.printSetup(w.sheet(p.sheet), p.titleRow, p.sheet == SheetSummary); err != nil {
			return nil, err
		}
		if err := w.usedRange(w.sheet(p.sheet)); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// usedRange sets a sheet's dimension to the range its cells use (excelize
// leaves "A1", and a reader that trusts it sees one cell).
func (w *wbWriter) usedRange(sheet string) error {
	rows, err := w.f.GetRows(sheet)
	if err != nil {
		return err
	}
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	if width == 0 {
		return nil
	}
	return w.f.SetSheetDimension(sheet, "A1:"+cellName(width-1, len(rows)))
}

// freeSheetName is name, or name (2), (3) … when a sheet of that name
// (Excel compares them without case) is taken.
func freeSheetName(name string, taken map[string]bool) string {
	for k := 2; taken[strings.ToLower(name)]; k++ {
		name = fmt.Sprintf("%s (%d)", strings.TrimSuffix(name, fmt.Sprintf(" (%d)", k-1)), k)
	}
	return name
}

type wbWriter struct {
	f           *excelize.File
	st          *styles
	a           *model.Analysis
	ex          Export
	cut         atomic.Int64 // text values cut to Excel's cell limit
	badXML      atomic.Int64 // text values with characters XML cannot hold (both counted by bodyRows' workers too)
	summaryRows int          // rows the Summary sheet uses
	setUp       map[string]bool
	names       map[string]string     // our sheet names (Sheet…) → the names they got
	bodies      map[string]*sheetBody // list sheets' rows, by sheet name, spliced in when saved
	chunks      *chunkFile            // where the bodies wait
}

// sheet is the name one of our sheets got in this workbook.
func (w *wbWriter) sheet(name string) string { return w.names[name] }

// printSetup makes a sheet print as people expect: landscape A4, one page
// wide (the Summary on one page), the header row on every page, and a footer
// with the source, the as-of date, the sheet and the page number.
func (w *wbWriter) printSetup(sheet string, titleRow int, onePage bool) error {
	w.setUp[sheet] = true
	land, a4, wide, tall := "landscape", 9, 1, 0
	if onePage {
		tall = 1
	}
	if err := w.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &land, Size: &a4, FitToWidth: &wide, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := w.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	src := []rune(termtext.Clean(w.ex.Source))
	if len(src) > 80 {
		src = append(src[:79], '…')
	}
	footer := fmt.Sprintf(`&L&"%s"&8%s · as of %s&C&"%s"&8&A&R&"%s"&8Page &P of &N`, fontName,
		strings.ReplaceAll(string(src), "&", "&&"), w.a.AsOf, fontName, fontName)
	if err := w.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: footer}); err != nil {
		return err
	}
	if titleRow > 0 {
		return w.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet,
			RefersTo: fmt.Sprintf("%s!$%d:$%d", quote(sheet), titleRow, titleRow)})
	}
	return nil
}

// notXML reports characters XML 1.0 cannot hold (most control characters).
func notXML(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF)
}

// hasNotXML reports whether s has a character notXML refuses; ASCII text,
// nearly all of it, is checked a byte at a time.
func hasNotXML(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.IndexFunc(s[i:], notXML) >= 0
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return true
		}
	}
	return false
}

// maxCellChars is Excel's limit on the characters of one cell.
const maxCellChars = 32767

// fit cuts text to Excel's cell limit and replaces what XML cannot hold,
// counting both (the Summary sheet says how many); other values pass, and
// so does text that fits, as v itself (a string made an any again would be
// allocated again: once per text cell of a 100,000-row sheet).
func (w *wbWriter) fit(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	bad := hasNotXML(s)
	if !bad && len(s) <= maxCellChars {
		return v
	}
	if bad {
		w.badXML.Add(1)
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
	w.cut.Add(1)
	return string([]rune(s)[:maxCellChars])
}

// table writes a header and rows with the normal API at row top, styles
// them (the last row as a total when total is set), and returns the next
// free row.
func (w *wbWriter) table(sheet string, top int, headers []string, kinds []kind, rows [][]any, wd widths, total bool) (int, error) {
	f := w.f
	for i, h := range headers {
		f.SetCellValue(sheet, cellName(i, top), h)
		f.SetCellStyle(sheet, cellName(i, top), cellName(i, top), w.st.headerOf(kinds[i]))
		wd.see(i, h)
	}
	for r, row := range rows {
		if err := f.SetSheetRow(sheet, cellName(0, top+1+r), w.fitRow(row)); err != nil {
			return 0, err
		}
		for i, v := range row {
			wd.see(i, v)
		}
	}
	if n := len(rows); n > 0 {
		last := top + n
		if total {
			last--
		}
		for i, k := range kinds {
			if last > top {
				f.SetCellStyle(sheet, cellName(i, top+1), cellName(i, last), w.st.of(k))
			}
			if total {
				f.SetCellStyle(sheet, cellName(i, top+n), cellName(i, top+n), w.st.total(k))
			}
		}
	}
	return top + 1 + len(rows), nil
}

func (w *wbWriter) fitRow(row []any) *[]any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = w.fit(v)
	}
	return &out
}

// listSheet streams a sheet that is one list: header in row 1, frozen, with
// an autofilter and fitted widths; row(k, cells) gives the k-th row, in
// cells (a buffer of one cell per header, nil, the caller's own) or in a
// slice of its own.
func (w *wbWriter) listSheet(sheet string, headers []string, kinds []kind, n int, row rowFunc, after func(last int) error) error {
	// sheet properties precede the rows: a stream writes them when it starts
	fit := true
	if err := w.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	// the used range, which readers that stream a sheet trust (a stream
	// writes it when it starts)
	if err := w.f.SetSheetDimension(sheet, "A1:"+cellName(len(headers)-1, max(1, n+1))); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	wd := make(widths, len(headers))
	for i, h := range headers {
		wd.see(i, h)
	}
	cells := make([]any, len(headers))
	for k := 0; k < min(n, 500); k++ { // widths from a sample, set before the rows
		clear(cells)
		for i, v := range row(k, cells) {
			wd.see(i, v)
		}
	}
	if err := wd.apply(sw.SetColWidth); err != nil {
		return err
	}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{StyleID: w.st.headerOf(kinds[i]), Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	if w.ex.viaExcelize {
		if err := w.streamRows(sw, kinds, n, row); err != nil {
			return err
		}
	} else {
		styles := make([]int, len(kinds))
		for i, k := range kinds {
			styles[i] = w.st.of(k)
		}
		body, err := bodyRows(w.chunks, n, row, styles, w.st.text, w.date1904(), w.fit)
		if err != nil {
			return err
		}
		w.bodies[sheet] = body
	}
	last := max(2, n+1)
	// excelize keeps an autofilter on a streamed sheet only when it is set
	// before Flush (the round-trip test reads it back)
	if err := w.f.AutoFilter(sheet, "A1:"+cellName(len(headers)-1, last), nil); err != nil {
		return err
	}
	if after != nil {
		if err := after(last); err != nil {
			return err
		}
	}
	if err := w.printSetup(sheet, 1, false); err != nil {
		return err
	}
	return sw.Flush()
}

// streamRows writes the rows through excelize's stream writer: the way
// the rows were written before bodyRows, kept as the test's oracle.
func (w *wbWriter) streamRows(sw *excelize.StreamWriter, kinds []kind, n int, row rowFunc) error {
	cells, buf := make([]any, len(kinds)), make([]any, len(kinds))
	for k := 0; k < n; k++ {
		clear(buf)
		for i, v := range row(k, buf) {
			if v == nil {
				cells[i] = nil
				continue
			}
			cells[i] = excelize.Cell{StyleID: w.st.of(kinds[i]), Value: w.fit(v)}
		}
		// a row style spares excelize a search of the column styles per cell
		if err := sw.SetRow(cellName(0, k+2), cells, excelize.RowOpts{StyleID: w.st.text}); err != nil {
			return err
		}
	}
	return nil
}

// date1904 reports whether the workbook counts dates from 1904 (a user's
// workbook can).
func (w *wbWriter) date1904() bool { return w.ex.into != nil && w.ex.into.t.Date1904 }

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

// note attaches an Excel note (comment) to a cell: where a figure is n/a
// the cell stays empty and the note says why.
func (w *wbWriter) note(sheet, cell, text string) error {
	return w.f.AddComment(sheet, excelize.Comment{Cell: cell, Author: "ledgerlens", Paragraph: []excelize.RichTextRun{{Text: text}}})
}

func quote(sheet string) string { return "'" + strings.ReplaceAll(sheet, "'", "''") + "'" }

func optional(note string) string {
	if note == "" {
		return ""
	}
	return " — " + note
}

// The charts share one look: one colour per series, thousands separators,
// data labels, legible axis text.
var seriesColours = []string{"4472C4", "ED7D31", "A5A5A5"}

func axis(numFmt, title string) excelize.ChartAxis {
	ax := excelize.ChartAxis{Font: excelize.Font{Family: fontName, Size: 9, Color: "404040"}, NumFmt: excelize.ChartNumFmt{CustomNumFmt: numFmt}}
	if title != "" {
		ax.Title = excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title, Font: &excelize.Font{Family: fontName, Size: 9}}}}
	}
	return ax
}

func chartTitle(s string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s, Font: &excelize.Font{Family: fontName, Size: 11, Bold: true}}}}
}

// columnChart is a clustered column chart of series (name cell, values
// range) over the categories range.
func columnChart(title, categories string, series [][2]string) *excelize.Chart {
	no := false
	c := &excelize.Chart{Type: excelize.Col, Title: chartTitle(title), VaryColors: &no,
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     axis("", ""),
		YAxis:     axis("#,##0", ""),
		PlotArea:  excelize.ChartPlotArea{ShowVal: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
		Dimension: excelize.ChartDimension{Width: 760, Height: 300},
	}
	c.YAxis.MajorGridLines = true
	for k, s := range series {
		c.Series = append(c.Series, excelize.ChartSeries{Name: s[0], Categories: categories, Values: s[1],
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{seriesColours[k%len(seriesColours)]}}})
	}
	return c
}

func (w *wbWriter) summary() error {
	a, f, s, ex := w.a, w.f, w.sheet(SheetSummary), w.ex
	dec := a.Decimals
	m := func(v model.Money) any { return moneyVal(v, dec) }
	f.SetCellValue(s, "A1", "ledgerlens — customer segments")
	f.SetCellStyle(s, "A1", "A1", w.st.title)
	ps := a.Profit
	type line struct {
		label string
		v     any
		k     kind
		na    string // why the value is n/a, or, beside a value, what it means
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
	if ex.filter != "" {
		rows = append(rows, line{"Customers on the Customers sheet", len(ex.rows), kInt, ""}, line{"Filter of that list", ex.filter, kText, ""})
	}
	if in := ex.into; in != nil {
		var labels []string
		for _, f := range in.fields {
			labels = append(labels, f.Label)
		}
		rows = append(rows, line{"Columns added to the source", strings.Join(labels, ", "), kText, ""})
		for _, p := range in.placedAt {
			rows = append(rows, line{"Where", p, kText, ""})
		}
		rows = append(rows, line{"Source rows given the columns", in.given, kInt, ""},
			line{"Source rows without a segment", len(in.missing), kInt, "they are listed on the Data quality sheet"})
	}
	if a.AsOfInfo.CustomersAbsent > 0 {
		rows = append(rows, line{"Customers acquired after the as-of date", a.AsOfInfo.CustomersAbsent, kInt, "their first document is dated after the as-of date: they are not in the analysis"})
	}
	rows = append(rows,
		line{"Revenue", m(total.Revenue), kMoney, ""}, line{"Profit (contribution margin)", pv(m(ps.TotalCM)), kMoney, profitNA},
		line{"Profit basis", ps.Basis.String() + optional(ps.Note), kText, ""},
		line{"Whale curve peak (share of profit)", pv(num(ps.PeakPct)), kPct, profitNA}, line{"Profitable customers", pv(ps.Profitable), kInt, profitNA},
		line{"Loss customers", pv(ps.Loss), kInt, profitNA}, line{"Profit destroyed by loss customers", pv(m(ps.Destroyed)), kMoney, profitNA})
	if a.CLVInfo.Known {
		rows = append(rows, line{"Total CLV", m(total.TotalCLV), kMoney, ""})
		if total.HasCLVPM {
			rows = append(rows, line{"Total CLV ± (90 % interval)", m(total.CLVPM), kMoney, ""})
		}
	} else {
		rows = append(rows, line{"Total CLV", nil, kMoney, "CLV not defined for this ledger: " + a.CLVInfo.Label})
	}
	rows = append(rows, line{"CLV model", a.CLVInfo.Label, kText, ""})
	if r := a.Risk; r.Available {
		rows = append(rows, line{"Open invoices (gross receivables)", m(r.TotalAR), kMoney, ""}, line{"Unapplied credits", m(r.Unapplied), kMoney, ""},
			line{"Net receivables", m(r.NetAR), kMoney, ""}, line{"Expected credit loss", m(r.TotalECL), kMoney, ""},
			line{"DSO (" + r.DSOMethod + ", days)", num(r.DSO1), kFloat, ""}, line{"Loss rates", r.RateSource, kText, ""})
	} else {
		for _, l := range []string{"Open invoices (gross receivables)", "Unapplied credits", "Net receivables", "Expected credit loss"} {
			rows = append(rows, line{l, nil, kMoney, r.Why})
		}
	}
	// concentration: the top 10 customers' shares and the Herfindahl index
	cc := a.Concentration
	for _, t := range cc.Top {
		if t.N != 10 {
			continue
		}
		rows = append(rows, line{"Top 10 customers' share of revenue", num(t.RevenueShare), kPct, ""})
		if a.Risk.Available {
			rows = append(rows, line{"Top 10 customers' share of open invoices", num(t.ARShare), kPct, ""})
		}
	}
	hhiRow := -1
	if !math.IsNaN(cc.HHIRevenue) {
		hhiRow = len(rows) + 3 // an index of 0 to 1: four decimals (below)
		rows = append(rows, line{"Herfindahl index of revenue", cc.HHIRevenue, kFloat,
			fmt.Sprintf("as concentrated as %s customers of equal revenue", model.FormatNumber(cc.EquivRevenue, 1))})
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
	// numbers in a narrow column B; text runs on over the empty column C
	plain, err := f.NewStyle(&excelize.Style{Font: font(false, 11)})
	if err != nil {
		return err
	}
	for i, r := range rows {
		row := i + 3
		f.SetCellValue(s, cellName(0, row), r.label)
		if r.v != nil {
			f.SetCellValue(s, cellName(1, row), w.fit(r.v))
		}
		if r.na != "" {
			note := r.na // on a figure, a note that explains it
			if r.v == nil {
				note = "n/a: " + r.na
			}
			if err := w.note(s, cellName(1, row), note); err != nil {
				return err
			}
		}
		st := w.st.of(r.k)
		if r.k == kText {
			st = plain
		}
		f.SetCellStyle(s, cellName(1, row), cellName(1, row), st)
	}
	if hhiRow > 0 {
		index := "0.0000"
		st, err := f.NewStyle(&excelize.Style{Font: font(false, 11), CustomNumFmt: &index})
		if err != nil {
			return err
		}
		f.SetCellStyle(s, cellName(1, hhiRow), cellName(1, hhiRow), st)
	}
	f.SetCellStyle(s, "A3", cellName(0, len(rows)+2), w.st.bold)
	f.SetColWidth(s, "A", "A", 44)
	f.SetColWidth(s, "B", "B", 18)
	f.SetColWidth(s, "C", "C", 100)
	w.summaryRows = len(rows)
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: s, RefersTo: fmt.Sprintf("%s!$A$1:$C$%d", quote(s), len(rows)+6)})
}

// segments writes one block per scheme: a title, the P&L of its non-empty
// segments and a total row (the sum of the rows above it), and below it a
// chart of revenue and profit (or CLV) by segment; each block starts a
// printed page. Columns that do not exist for this ledger are empty, with a
// note on the header saying why.
func (w *wbWriter) segments() error {
	a, f, s := w.a, w.f, w.sheet(SheetSegments)
	dec := a.Decimals
	headers := []string{"Scheme"}
	kinds := []kind{kText}
	for _, c := range plColumns {
		headers = append(headers, c.header)
		kinds = append(kinds, c.kind)
	}
	col := func(key string) int {
		for i, c := range plColumns {
			if c.key == key {
				return i + 1
			}
		}
		return -1
	}
	wd := make(widths, len(headers))
	row := 1
	for i := range a.Schemes {
		sc := &a.Schemes[i]
		if row > 1 {
			if err := f.InsertPageBreak(s, cellName(0, row)); err != nil {
				return err
			}
		}
		f.SetCellValue(s, cellName(0, row), w.fit(sc.Title+optional(sc.Note)))
		f.SetCellStyle(s, cellName(0, row), cellName(0, row), w.st.bold)
		var rows [][]any
		for _, r := range append(slices.Clone(sc.Rows), sc.Total) {
			if r.Customers == 0 && r.Segment != "Total" {
				continue // empty segments are left out
			}
			cells := []any{sc.Title}
			for _, c := range plColumns {
				cells = append(cells, sheetCell(plValue(a, c, &r), c.kind, dec))
			}
			rows = append(rows, cells)
		}
		head := row + 1
		next, err := w.table(s, head, headers, kinds, rows, wd, true)
		if err != nil {
			return err
		}
		for k, c := range plColumns {
			if why := naOf(a, c); why != "" {
				if err := w.note(s, cellName(k+1, head), "n/a: "+why); err != nil {
					return err
				}
			}
		}
		// the chart: revenue and profit, or revenue and CLV without a cost basis
		first, last := head+1, head+len(rows)-1 // segments, not the total
		rng := func(c int) string {
			return fmt.Sprintf("%s!$%s$%d:$%s$%d", quote(s), colName(c), first, colName(c), last)
		}
		name := func(c int) string { return fmt.Sprintf("%s!$%s$%d", quote(s), colName(c), head) }
		series := [][2]string{{name(col("revenue")), rng(col("revenue"))}}
		what := "revenue"
		switch {
		case a.Profit.Basis.Known():
			series, what = append(series, [2]string{name(col("profit")), rng(col("profit"))}), "revenue and profit"
		case a.CLVInfo.Known:
			series, what = append(series, [2]string{name(col("total_clv")), rng(col("total_clv"))}), "revenue and CLV"
		}
		if err := f.AddChart(s, cellName(1, next+1), columnChart(sc.Title+": "+what+" by segment", rng(col("segment")), series)); err != nil {
			return err
		}
		row = next + 18 // the chart is 300 px: about 15 rows, and a gap
	}
	// the print shows the key figures, legible on one page width; the sheet has every column
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: s,
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quote(s), colName(printedPL), row)}); err != nil {
		return err
	}
	return w.colWidths(s, wd)
}

// customers streams one row per customer (the big sheet).
func (w *wbWriter) customers() error {
	a, f, s := w.a, w.f, w.sheet(SheetCustomers)
	cols := customerColumns(a)
	headers := make([]string, len(cols))
	kinds := make([]kind, len(cols))
	for i, c := range cols {
		headers[i], kinds[i] = c.header, c.kind
	}
	rows := w.ex.rows // WriteOptions.Rows or every customer (rowsOf)
	return w.listSheet(s, headers, kinds, len(rows), func(k int, cells []any) []any {
		c := int(rows[k])
		for i := range cols {
			cells[i] = cols[i].get(c)
		}
		return cells
	}, func(last int) error {
		// The sheet holds every figure; the print shows the key figures (the
		// leading columns), legible on one page width.
		keys := 0
		for keys < len(cols) && cols[keys].key {
			keys++
		}
		if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: s,
			RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", quote(s), colName(max(0, keys-1)), last)}); err != nil {
			return err
		}
		// conditional colours: loss customers and credit grades
		var condErr error
		for i, c := range cols {
			rng := cellName(i, 2) + ":" + cellName(i, last)
			switch c.header {
			case "Profit (CM)":
				condErr = errors.Join(condErr, f.SetConditionalFormat(s, rng, []excelize.ConditionalFormatOptions{
					{Type: "cell", Criteria: "<", Format: &w.st.lossFont, Value: "0"}}))
			case "Credit grade":
				condErr = errors.Join(condErr, f.SetConditionalFormat(s, rng, w.gradeColours()))
			}
		}
		return condErr
	})
}

func (w *wbWriter) gradeColours() []excelize.ConditionalFormatOptions {
	var opts []excelize.ConditionalFormatOptions
	for g, name := range model.Grades {
		opts = append(opts, excelize.ConditionalFormatOptions{Type: "cell", Criteria: "==", Format: &w.st.gradeFill[g], Value: `"` + name + `"`})
	}
	return opts
}

// profitability lists every customer along the whale curve, with the curve
// as an XY chart beside it (both axes in per cent).
func (w *wbWriter) profitability() error {
	a, f, s := w.a, w.f, w.sheet(SheetProfitability)
	ps := a.Profit
	if !ps.Basis.Known() {
		f.SetCellValue(s, "A1", "n/a: "+ps.Note)
		return nil
	}
	dec := a.Decimals
	cs := &a.Led.Customers
	n := len(ps.Order)
	share := ps.TotalCM > 0
	headers := []string{"Rank", "Customer ID", "Name", "Profit (CM)", "Cumulative profit", "Share of customers", "Cumulative share of profit"}
	kinds := []kind{kInt, kText, kText, kMoney, kMoney, kPct, kPct}
	return w.listSheet(s, headers, kinds, n, func(k int, cells []any) []any {
		c := ps.Order[k]
		return append(cells[:0], k+1, cs.ID[c], cs.Name[c], moneyVal(a.CM[c], dec), moneyVal(ps.Cum[k], dec), float64(k+1)/float64(n), num(ps.CumShare(k)))
	}, func(last int) error {
		yCol, yFmt, yTitle, title := "G", "0%", "Cumulative share of profit", "Whale curve: cumulative share of profit"
		if !share {
			yCol, yFmt, yTitle, title = "E", "#,##0", "Cumulative profit", "Whale curve: cumulative profit (total profit ≤ 0)"
		}
		no := false
		xShare := axis("0%", "Share of customers (ranked by profit)")
		zero, one := 0.0, 1.0
		xShare.Minimum, xShare.Maximum = &zero, &one
		return f.AddChart(s, "I2", &excelize.Chart{Type: excelize.Scatter, Title: chartTitle(title), VaryColors: &no,
			Series: []excelize.ChartSeries{{Name: "Cumulative profit", Categories: fmt.Sprintf("%s!$F$2:$F$%d", quote(s), last),
				Values: fmt.Sprintf("%s!$%s$2:$%s$%d", quote(s), yCol, yCol, last), Marker: excelize.ChartMarker{Symbol: "none"},
				Line: excelize.LineOptions{Type: excelize.LineSolid, Width: 2}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{seriesColours[0]}}}},
			Legend:    excelize.ChartLegend{Position: "none"},
			XAxis:     xShare,
			YAxis:     axis(yFmt, yTitle),
			Dimension: excelize.ChartDimension{Width: 640, Height: 380},
		})
	})
}

// risk writes the receivables aging with its chart and the DSO measures;
// the risk lists have sheets of their own.
func (w *wbWriter) risk() error {
	a, f, s := w.a, w.f, w.sheet(SheetRisk)
	r := a.Risk
	dec := a.Decimals
	m := func(v model.Money) any { return moneyVal(v, dec) }
	if !r.Available {
		f.SetCellValue(s, "A1", "n/a: "+r.Why)
		return nil
	}
	f.SetCellValue(s, "A1", "Receivables aging at "+a.AsOf.String()+" ("+r.Method+"); loss rates: "+r.RateSource)
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	var rows [][]any
	for k, label := range r.Buckets {
		rows = append(rows, []any{label, m(r.BucketTotal[k]), r.LossRates[k], m(r.BucketECL[k])})
	}
	rows = append(rows, []any{"Open invoices (gross)", m(r.TotalAR), nil, m(r.TotalECL)})
	wd := make(widths, 4)
	next, err := w.table(s, 3, []string{"Bucket", "Balance", "Loss rate", "ECL"}, []kind{kText, kMoney, kPct, kMoney}, rows, wd, true)
	if err != nil {
		return err
	}
	more := [][]any{{"Unapplied credits", m(r.Unapplied), nil, nil}, {"Net receivables", m(r.NetAR), nil, nil}}
	for k, row := range more {
		f.SetSheetRow(s, cellName(0, next+k), &row)
		f.SetCellStyle(s, cellName(1, next+k), cellName(1, next+k), w.st.money)
	}
	next += len(more) + 1
	if err := f.AddChart(s, "F3", columnChart("Receivables aging", fmt.Sprintf("%s!$A$4:$A$%d", quote(s), 3+len(r.Buckets)),
		[][2]string{{quote(s) + "!$B$3", fmt.Sprintf("%s!$B$4:$B$%d", quote(s), 3+len(r.Buckets))}, {quote(s) + "!$D$3", fmt.Sprintf("%s!$D$4:$D$%d", quote(s), 3+len(r.Buckets))}})); err != nil {
		return err
	}
	dsoRows := [][]any{{"DSO (" + r.DSOMethod + ")", num(r.DSO1)}, {"DSO count-back", num(r.DSOCountBack)}, {"DSO simple (3 months)", num(r.DSOSimple)},
		{"Best possible DSO", num(r.BPDSO)}, {"Average days delinquent", num(r.ADD)}}
	if _, err := w.table(s, next, []string{"Measure", "Days"}, []kind{kText, kFloat}, dsoRows, wd, false); err != nil {
		return err
	}
	f.SetCellValue(s, cellName(0, next+len(dsoRows)+2), fmt.Sprintf("Lists: %s (%d customers), %s (%d invoices), %s (%d customers).",
		w.sheet(SheetCredit), len(a.CreditRisk), w.sheet(SheetWriteOffs), len(r.WriteOffs), w.sheet(SheetChurn), len(a.ChurnRisk)))
	return w.colWidths(s, wd)
}

// riskNA writes why a receivables sheet is empty, and reports whether it is.
func (w *wbWriter) riskNA(sheet string) bool {
	if w.a.Risk.Available {
		return false
	}
	w.f.SetCellValue(sheet, "A1", "n/a: "+w.a.Risk.Why)
	return true
}

// creditList is every customer with open receivables, by expected loss.
func (w *wbWriter) creditList() error {
	a, s := w.a, w.sheet(SheetCredit)
	r := a.Risk
	if w.riskNA(s) {
		return nil
	}
	dec := a.Decimals
	cs := &a.Led.Customers
	headers := []string{"Customer ID", "Name", "Credit grade", "Score", "Open AR (gross)", "Overdue > 30", "Credit limit", "Utilisation", "Limit status", "Expected loss", "Suggested action"}
	kinds := []kind{kText, kText, kText, kFloat, kMoney, kMoney, kMoney, kPct, kText, kMoney, kText}
	list := a.CreditRisk
	return w.listSheet(s, headers, kinds, len(list), func(k int, cells []any) []any {
		c := list[k]
		limit := any(nil)
		if cs.HasLimit != nil && cs.HasLimit[c] {
			limit = moneyVal(cs.CreditLimit[c], dec)
		}
		return append(cells[:0], cs.ID[c], cs.Name[c], model.Grades[r.Grade[c]], r.Score[c], moneyVal(r.CustAR[c], dec), moneyVal(r.Overdue30[c], dec),
			limit, num(r.Util[c]), r.UtilState[c].String(), moneyVal(r.EL[c], dec), model.GradeAction(r.Grade[c]))
	}, func(last int) error {
		return w.f.SetConditionalFormat(s, fmt.Sprintf("C2:C%d", last), w.gradeColours())
	})
}

// writeOffs is every write-off candidate, oldest first.
func (w *wbWriter) writeOffs() error {
	a, s := w.a, w.sheet(SheetWriteOffs)
	r := a.Risk
	if w.riskNA(s) {
		return nil
	}
	cs := &a.Led.Customers
	headers := []string{"Customer ID", "Name", "Invoice date", "Due date", "Days past due", "Open"}
	kinds := []kind{kText, kText, kDate, kDate, kInt, kMoney}
	return w.listSheet(s, headers, kinds, len(r.WriteOffs), func(k int, cells []any) []any {
		it := r.WriteOffs[k]
		return append(cells[:0], cs.ID[it.Cust], cs.Name[it.Cust], dayVal(it.Date), dayVal(it.Due), it.DPD, moneyVal(it.Open, a.Decimals))
	}, nil)
}

// churnList is every customer with value at risk, by it.
func (w *wbWriter) churnList() error {
	a, s := w.a, w.sheet(SheetChurn)
	cs := &a.Led.Customers
	headers := []string{"Customer ID", "Name", "Churn state", "P(alive)", "CLV", "Value at risk"}
	kinds := []kind{kText, kText, kText, kPct, kMoney, kMoney}
	list := a.ChurnRisk
	return w.listSheet(s, headers, kinds, len(list), func(k int, cells []any) []any {
		c := list[k]
		pa, clv := any(nil), any(nil)
		if a.PAlive != nil {
			pa = num(a.PAlive[c])
		}
		if a.CLVInfo.Known {
			clv = moneyVal(a.CLVMoney[c], a.Decimals)
		}
		return append(cells[:0], cs.ID[c], cs.Name[c], a.Churn[c].String(), pa, clv, moneyVal(model.AmountMinor(a.ValueAtRisk[c], a.Decimals), a.Decimals))
	}, nil)
}

// parameters writes every parameter as key and value (numbers as numbers,
// lists and choices as text); the sheet can be read back as a scenario
// (--scenario FILE.xlsx).
func (w *wbWriter) parameters() error {
	a, s := w.a, w.sheet(SheetParameters)
	p := a.Params
	var rows [][]any
	for _, sp := range model.Specs {
		v := any(sp.Get(&p))
		if sp.Key == "as_of" {
			v = a.AsOf.String()
		} else if x, err := strconv.ParseFloat(v.(string), 64); err == nil && sp.Enum == nil {
			v = x
		}
		rows = append(rows, []any{sp.Key, v, sp.Group, sp.Unit, sp.Help})
	}
	headers := []string{"Parameter", "Value", "Group", "Unit", "Meaning"}
	kinds := []kind{kText, kFloat, kText, kText, kText}
	return w.listSheet(s, headers, kinds, len(rows), func(k int, _ []any) []any { return rows[k] }, nil)
}

func (w *wbWriter) dataQuality() error {
	s, rep := w.sheet(SheetDataQuality), w.ex.Report
	headers := []string{"File", "Sheet", "Row", "Column", "Value", "Reason"}
	kinds := []kind{kText, kText, kInt, kText, kText, kText}
	var rej []importer.Rejection
	if rep != nil {
		rej = rep.Rejections
	}
	if in := w.ex.into; in != nil {
		rej = append(slices.Clone(rej), in.missing...)
	}
	if len(rej) == 0 {
		msg := "No rows rejected."
		if rep != nil {
			msg = fmt.Sprintf("No rows rejected: %d rows read, %d used.", rep.RowsRead, rep.RowsUsed)
		}
		rej = []importer.Rejection{{Reason: msg}}
	}
	return w.listSheet(s, headers, kinds, len(rej), func(k int, cells []any) []any {
		r := rej[k]
		row := any(r.Row)
		if r.Row == 0 {
			row = nil
		}
		return append(cells[:0], r.File, r.Sheet, row, r.Column, r.Value, r.Reason)
	}, nil)
}

// compare writes, for every scheme, the baseline and current segments side
// by side with the changes, and the migration matrix.
func (w *wbWriter) compare() error {
	a, b, f, s := w.a, w.ex.Baseline, w.f, w.sheet(SheetCompare)
	dec := a.Decimals
	m := func(v model.Money) any { return moneyVal(v, dec) }
	f.SetCellValue(s, "A1", fmt.Sprintf("Baseline (%s, as of %s) compared with the current parameters (as of %s)", w.ex.BaselineName, b.AsOf, a.AsOf))
	if w.ex.Period {
		f.SetCellValue(s, "A1", fmt.Sprintf("Then (as of %s) compared with now (as of %s), same parameters", b.AsOf, a.AsOf))
		if pc, err := model.ComparePeriods(b, a); err == nil {
			f.SetCellValue(s, "A2", fmt.Sprintf("Customers: %d gained (first document after %s), %d lost (no purchase since), %d kept", pc.Gained, pc.Then, pc.Lost, pc.Kept))
		}
	}
	f.SetCellStyle(s, "A1", "A1", w.st.bold)
	headers := []string{"Segment", "Customers base", "Customers now", "Δ", "Revenue base", "Revenue now", "Δ", "Profit base", "Profit now", "Δ", "Σ CLV base", "Σ CLV now", "Δ"}
	kinds := []kind{kText, kInt, kInt, kInt, kMoney, kMoney, kMoney, kMoney, kMoney, kMoney, kMoney, kMoney, kMoney}
	profit := a.Profit.Basis.Known() && b.Profit.Basis.Known()
	clv := a.CLVInfo.Known && b.CLVInfo.Known
	wd := make(widths, len(headers))
	row := 3
	warns := model.EarlyWarnings(b, a)
	for i := range a.Schemes {
		cmp, err := model.Compare(b, a, a.Schemes[i].Key)
		if err != nil {
			continue
		}
		if row > 3 {
			f.InsertPageBreak(s, cellName(0, row))
		}
		f.SetCellValue(s, cellName(0, row), cmp.Title)
		f.SetCellStyle(s, cellName(0, row), cellName(0, row), w.st.bold)
		var rows [][]any
		for _, d := range cmp.Segments {
			if d.Base.Customers == 0 && d.Cur.Customers == 0 {
				continue
			}
			r := []any{d.Segment, d.Base.Customers, d.Cur.Customers, d.Customers, m(d.Base.Revenue), m(d.Cur.Revenue), m(d.Revenue), nil, nil, nil, nil, nil, nil}
			if profit {
				r[7], r[8], r[9] = m(d.Base.CM), m(d.Cur.CM), m(d.Profit)
			}
			if clv {
				r[10], r[11], r[12] = m(d.Base.TotalCLV), m(d.Cur.TotalCLV), m(d.TotalCLV)
			}
			rows = append(rows, r)
		}
		next, err := w.table(s, row+1, headers, kinds, rows, wd, false)
		if err != nil {
			return err
		}
		// migration: rows baseline segment, columns current segment
		mg := cmp.Migration
		mh := []string{"From \\ to"}
		mk := []kind{kText}
		var used []int
		for j, name := range mg.To {
			for k := range mg.Counts {
				if mg.Counts[k][j] > 0 {
					used = append(used, j)
					mh = append(mh, name)
					mk = append(mk, kInt)
					break
				}
			}
		}
		var mrows [][]any
		for k, name := range mg.From {
			r := []any{name}
			sum := 0
			for _, j := range used {
				r = append(r, mg.Counts[k][j])
				sum += mg.Counts[k][j]
			}
			if sum > 0 {
				mrows = append(mrows, r)
			}
		}
		f.SetCellValue(s, cellName(0, next+1), fmt.Sprintf("Migration: %d customers changed segment", mg.Moved))
		next, err = w.table(s, next+2, mh, mk, mrows, make(widths, len(mh)), false)
		if err != nil {
			return err
		}
		for _, x := range warns {
			if x.Scheme == a.Schemes[i].Key {
				next++
				f.SetCellValue(s, cellName(0, next), fmt.Sprintf("Early warning: %s %s rose from %s to %s", x.Segment, warnName(x.Figure), model.FormatPct(x.Then), model.FormatPct(x.Now)))
				f.SetCellStyle(s, cellName(0, next), cellName(0, next), w.st.bold)
			}
		}
		row = next + 2
	}
	return w.colWidths(s, wd)
}
