package exporter

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/mattn/go-runewidth"
	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// Sheet names of the workbook, in order (Compare only with a baseline).
const (
	SheetSummary       = "Summary"
	SheetSegments      = "Segments"
	SheetCompare       = "Compare"
	SheetCustomers     = "Customers"
	SheetProfitability = "Profitability"
	SheetRisk          = "Risk"
	SheetCredit        = "Credit risk"
	SheetWriteOffs     = "Write-offs"
	SheetChurn         = "Churn risk"
	SheetModel         = "Model validation"
	SheetParameters    = "Parameters"
	SheetDataQuality   = "Data quality"
	SheetCrossTab      = "Cross-tab"
	SheetBudget        = "Budget"
	SheetCohorts       = "Cohorts"
)

// Export is what the workbook is made of.
type Export struct {
	Source   string
	Scenario string // name shown on the Summary sheet
	Analysis *model.Analysis
	Report   *importer.Report
	// Baseline, when set, adds a Compare sheet: its segments beside the
	// analysis' and the migration matrix.
	Baseline     *model.Analysis
	BaselineName string
	Period       bool // the baseline is the same parameters at an earlier as-of date (then vs now)
	// CrossTab, when set, adds a Cross-tab sheet: one matrix per figure.
	CrossTab *model.CrossTab

	rows   []int32 // the customer list (WriteOptions.Rows)
	filter string
	into   *into // export --into: where the columns went

	viaExcelize bool // list sheets' rows through excelize (the tests' oracle)
}

// WriteOptions control the safety rules of writing.
type WriteOptions struct {
	Force    bool     // replace an existing file
	Inputs   []string // files that must never be written over
	Progress func(step string)
	// Rows, when set, are the customers the customer list holds (a filter
	// applied in the view), in this order; nil lists every customer.
	Rows   []int32
	Filter string // the filter that chose Rows, named on the Summary sheet
}

// rowsOf is the customer list of an export: opt.Rows or every customer.
func rowsOf(a *model.Analysis, opt WriteOptions) []int32 {
	if opt.Rows != nil {
		return opt.Rows
	}
	return a.IDOrder
}

// ErrExists is returned when the target exists and Force is not set.
var ErrExists = errors.New("file exists")

// checkTarget applies the safety rules: never over an input file, never
// over an existing file without Force.
func checkTarget(path string, opt WriteOptions) error {
	for _, in := range opt.Inputs {
		if sameFile(path, in) {
			return fmt.Errorf("%s is the input file: refusing to write over it", path)
		}
	}
	st, statErr := os.Stat(path)
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
	tmp, err := temps.create(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("cannot write in %s: %w", filepath.Dir(path), err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
		temps.remove(name) // after: a signal in between removes a file already gone
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

// create makes a temporary file in dir and counts it in one step: a signal
// handler's RemoveTemps waits for both, so no file exists that it does not
// know of.
func (t *tempSet) create(dir string) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := os.CreateTemp(dir, fmt.Sprintf(".ledgerlens-%d-*.tmp", os.Getpid()))
	if err == nil {
		t.names[f.Name()] = true
	}
	return f, err
}

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
		ex.rows, ex.filter = rowsOf(ex.Analysis, opt), opt.Filter
		if err := writeWorkbook(f, ex, opt.Progress); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
		return nil
	})
}

type styles struct {
	header, headerRight, title, money, pct, float, intg, date, bold, text int
	moneyBold, intBold, textBold, pctBold, floatBold                      int
	gradeFill                                                             [5]int
	lossFont                                                              int
}

// The workbook's one font, set explicitly on every style (LibreOffice
// otherwise shows unstyled headers in its own default serif).
const fontName = "Calibri"

func font(bold bool, size float64) *excelize.Font {
	return &excelize.Font{Family: fontName, Size: size, Bold: bold}
}

func newStyles(f *excelize.File, dec int) (*styles, error) {
	s := &styles{}
	moneyFmt := "#,##0." + strings.Repeat("0", dec) + ";-#,##0." + strings.Repeat("0", dec)
	if dec == 0 {
		moneyFmt = "#,##0;-#,##0"
	}
	err := f.SetDefaultFont(fontName)
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		if st.Font == nil {
			st.Font = font(false, 11)
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	headFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	headBorder := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	// text is indented by one step, so that it never runs into a
	// right-aligned number on its left (rank 1 and id C01850 read "1 C01850")
	s.header = mk(&excelize.Style{Font: font(true, 11), Fill: headFill, Border: headBorder, Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}})
	s.headerRight = mk(&excelize.Style{Font: font(true, 11), Fill: headFill, Border: headBorder, Alignment: &excelize.Alignment{Horizontal: "right"}})
	s.title = mk(&excelize.Style{Font: font(true, 14)})
	s.bold = mk(&excelize.Style{Font: font(true, 11)})
	pct, fl, in := "0.0%", "#,##0.0", "#,##0"
	s.money = mk(&excelize.Style{CustomNumFmt: &moneyFmt})
	s.pct = mk(&excelize.Style{CustomNumFmt: &pct})
	s.float = mk(&excelize.Style{CustomNumFmt: &fl})
	s.intg = mk(&excelize.Style{CustomNumFmt: &in})
	iso := "yyyy-mm-dd"
	s.date = mk(&excelize.Style{CustomNumFmt: &iso})
	// Text cells get a style of their own (format "@"): an unstyled cell
	// makes excelize search the column styles, once per cell.
	s.text = mk(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}})
	// total rows
	top := []excelize.Border{{Type: "top", Color: "808080", Style: 1}}
	s.moneyBold = mk(&excelize.Style{Font: font(true, 11), CustomNumFmt: &moneyFmt, Border: top})
	s.intBold = mk(&excelize.Style{Font: font(true, 11), CustomNumFmt: &in, Border: top})
	s.pctBold = mk(&excelize.Style{Font: font(true, 11), CustomNumFmt: &pct, Border: top})
	s.floatBold = mk(&excelize.Style{Font: font(true, 11), CustomNumFmt: &fl, Border: top})
	s.textBold = mk(&excelize.Style{Font: font(true, 11), Border: top, Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}})
	for k, col := range []string{"C6EFCE", "E2EFDA", "FFEB9C", "F8CBAD", "FFC7CE"} {
		id := 0
		if err == nil {
			id, err = f.NewConditionalStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{col}}})
		}
		s.gradeFill[k] = id
	}
	if err == nil {
		s.lossFont, err = f.NewConditionalStyle(&excelize.Style{Font: &excelize.Font{Family: fontName, Color: "C00000"}})
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

// total is the bold style of a total row's cell: of(k) in bold, text for
// dates and text (total rows are few: a map is fine here).
func (s *styles) total(k kind) int {
	if id, ok := map[int]int{s.money: s.moneyBold, s.pct: s.pctBold, s.float: s.floatBold, s.intg: s.intBold}[s.of(k)]; ok {
		return id
	}
	return s.textBold
}

// headerOf aligns a header like its column: numbers right, text left.
func (s *styles) headerOf(k kind) int {
	if k == kText || k == kDate {
		return s.header
	}
	return s.headerRight
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

// width is column i's fitted width (a plain width when it saw nothing).
func (w widths) width(i int) float64 {
	if w[i] == 0 {
		return 10
	}
	return w[i]
}

func colName(i int) string {
	n, _ := excelize.ColumnNumberToName(i + 1)
	return n
}

func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col+1, row)
	return c
}
