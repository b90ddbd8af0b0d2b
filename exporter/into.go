package exporter

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"ledgerlens/importer"
	"ledgerlens/model"
)

// DefaultIntoColumns are the columns export --into adds when none are
// named: each one the analysis has.
var DefaultIntoColumns = []string{"pyramid", "rfm", "credit", "clv", "clv_value", "palive", "action"}

// IntoColumns resolves the names of --schemes: a scheme key (pyramid, rfm,
// credit, clv, lifecycle, …: the customer's segment) or a customer field
// of the filter (palive, action, revenue, …; clv_value is the CLV amount,
// since clv names the CLV tiers). With no names, the default columns the
// analysis has.
func IntoColumns(a *model.Analysis, names []string) ([]model.Field, error) {
	def := len(names) == 0
	if def {
		names = DefaultIntoColumns
	}
	var out []model.Field
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		key := n
		if n == "clv_value" {
			key = "clv"
		} else if _, ok := a.SchemeByKey(n); ok {
			key = "seg:" + n
		}
		f, ok := a.Field(key)
		if def && ok && allNA(a, key) {
			continue // a scheme this ledger cannot fill (credit grades without payment data)
		}
		if !ok || !f.Has(a) {
			if def {
				continue // the ledger cannot give it (no risk data, no model)
			}
			return nil, fmt.Errorf("--schemes %q: not a scheme or customer field of this analysis (schemes: %s; fields: palive, action, revenue, clv_value, …)", n, strings.Join(a.SchemeKeys(), ", "))
		}
		if !seen[f.Key] {
			seen[f.Key] = true
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("--schemes: no column to add")
	}
	return out, nil
}

// allNA reports a scheme field whose every customer is in its n/a segment.
func allNA(a *model.Analysis, key string) bool {
	k, ok := strings.CutPrefix(key, "seg:")
	if !ok {
		return false
	}
	sc, ok := a.SchemeByKey(k)
	if !ok {
		return false
	}
	for _, s := range sc.Assign {
		if sc.Segments[s] != "n/a" {
			return false
		}
	}
	return true
}

// into is what export --into did, for the Summary and Data quality sheets.
type into struct {
	t        *importer.Target
	fields   []model.Field
	cust     [][]int32 // per table, per row: the customer index, or -1
	given    int       // rows that got segments
	missing  []importer.Rejection
	placedAt []string // per table: where the columns went, for people
}

// matchRows finds each target row's customer in the analysis and lists
// the rows that get no segment, with the reason.
func matchRows(t *importer.Target, a *model.Analysis, rep *importer.Report, fields []model.Field) *into {
	in := &into{t: t, fields: fields}
	ids := a.Led.Customers.ID
	byID := make(map[string]int32, len(ids))
	for c, id := range ids {
		byID[id] = int32(c)
	}
	type at struct {
		sheet string
		row   int
	}
	rejected := map[at]string{}
	if rep != nil {
		for _, r := range rep.Rejections {
			if sameFile(r.File, t.Path) {
				if _, ok := rejected[at{r.Sheet, r.Row}]; !ok {
					rejected[at{r.Sheet, r.Row}] = r.Reason
				}
			}
		}
	}
	for _, tb := range t.Tables {
		idx := make([]int32, len(tb.Rows))
		for k, r := range tb.Rows {
			c, ok := byID[r.ID]
			if r.ID == "" {
				ok = false
			}
			if ok {
				idx[k] = c
				in.given++
				continue
			}
			idx[k] = -1
			why := ""
			switch reason, rej := rejected[at{tb.Sheet, r.Row}]; {
			case r.ID == "" && reason == "empty row":
				continue // nothing to segment, and the load's report has it
			case r.ID == "" && rej:
				why = "rejected when the ledger was read (" + reason + ")"
			case r.ID == "":
				continue // a blank row, or a note below the table: nothing to segment
			case rej:
				why = "rejected when the ledger was read (" + reason + "); its customer has no other usable row"
			default:
				why = "customer not in the analysis (not in the loaded ledger, or no document by the as-of date)"
			}
			in.missing = append(in.missing, importer.Rejection{File: t.Path, Sheet: tb.Sheet, Row: r.Row,
				Column: tb.Headers[tb.IDColumn], Value: r.ID, Reason: "no segment written: " + why})
		}
		in.cust = append(in.cust, idx)
	}
	return in
}

// sameFile reports whether two names are the same file (one path, or two
// names of one existing file).
func sameFile(a, b string) bool {
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	if a == b || (errA == nil && errB == nil && absA == absB) {
		return true
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// IntoResult says what export --into wrote, for the command's output.
type IntoResult struct {
	Workbook bool
	Rows     int                  // rows that got the columns filled
	Missing  []importer.Rejection // rows that got none, with the reason
	Placed   []string             // where the columns went
}

// WriteInto writes a copy of the user's file t with the analysis' columns
// beside its rows: a workbook keeps every sheet, value, formula and style of
// theirs and gets our sheets after its own; a text file keeps its encoding,
// delimiter and line endings, each line as it was with the new fields after
// it.
func WriteInto(path string, ex Export, t *importer.Target, fields []model.Field, opt WriteOptions) (*IntoResult, error) {
	if err := intoTargetKind(path, t); err != nil {
		return nil, err
	}
	for _, tb := range t.Tables {
		for _, f := range fields {
			if slices.Contains(tb.Headers, f.Label) {
				return nil, fmt.Errorf("%s already has a column %q (written by an earlier export?): export --into the original file", where(t.Path, tb.Sheet), f.Label)
			}
		}
	}
	opt.Inputs = append(slices.Clone(opt.Inputs), t.Path)
	in := matchRows(t, ex.Analysis, ex.Report, fields)
	var err error
	if t.Workbook {
		err = writeAtomic(path, opt, func(out *os.File) error { return writeIntoWorkbook(out, ex, in, opt) })
	} else {
		tb := t.Tables[0]
		in.placedAt = []string{fmt.Sprintf("after field %d of each line, header on line %d", tb.Width, tb.HeaderRow)}
		err = writeAtomic(path, opt, func(out *os.File) error { return writeIntoText(out, ex.Analysis, in) })
	}
	if err != nil {
		return nil, err
	}
	return &IntoResult{Workbook: t.Workbook, Rows: in.given, Missing: in.missing, Placed: in.placedAt}, nil
}

// RowWord is what Missing[i].Row counts: sheet rows or text lines.
func (r *IntoResult) RowWord() string {
	if r.Workbook {
		return "row"
	}
	return "line"
}

func where(file, sheet string) string {
	if sheet == "" {
		return file
	}
	return fmt.Sprintf("%s, sheet %q", file, sheet)
}

// intoTargetKind refuses an output whose extension says another format
// than the source's: a copy of a workbook is a workbook.
func intoTargetKind(path string, t *importer.Target) error {
	ext := strings.ToLower(filepath.Ext(path))
	isBook := ext == ".xlsx" || ext == ".xlsm"
	switch {
	case t.Workbook && !isBook:
		return fmt.Errorf("-o %s: --into a workbook writes a workbook: name the output .xlsx", path)
	case !t.Workbook && isBook:
		return fmt.Errorf("-o %s: --into a text file writes a text file: name the output .csv (or like the source)", path)
	case ext == ".xlsm" || strings.ToLower(filepath.Ext(t.Path)) == ".xlsm":
		return errors.New("--into a macro workbook (.xlsm) is not supported: its macros would not survive; save it as .xlsx first")
	}
	return nil
}

// writeIntoWorkbook copies the user's workbook with our sheets after
// theirs (excelize, which keeps the parts it does not touch byte for byte),
// then puts the new cells into their sheets as it copies the archive.
func writeIntoWorkbook(out io.Writer, ex Export, in *into, opt WriteOptions) error {
	f, err := excelize.OpenFile(in.t.Path)
	if err != nil {
		return fmt.Errorf("%s: %w", in.t.Path, err)
	}
	defer f.Close()
	ex.rows, ex.filter, ex.into = rowsOf(ex.Analysis, opt), opt.Filter, in
	for _, tb := range in.t.Tables {
		first := tb.Width
		if first+len(in.fields) > excelize.MaxColumns {
			return fmt.Errorf("%s: no room for %d more columns", where(in.t.Path, tb.Sheet), len(in.fields))
		}
		in.placedAt = append(in.placedAt, fmt.Sprintf("sheet %q, columns %s–%s, header in row %d", tb.Sheet,
			colName(first), colName(first+len(in.fields)-1), tb.HeaderRow))
	}
	chunks := newChunkFile(spillDir(out))
	defer chunks.close()
	w, err := writeSheets(f, false, ex, opt.Progress, chunks)
	if err != nil {
		return err
	}
	edits := map[string]*sheetEdit{}
	for k, tb := range in.t.Tables {
		edits[tb.Part] = w.sheetEdit(tb, in.cust[k], in.fields, in.t.Date1904)
	}
	return saveWorkbook(out, f, w.bodies, edits)
}

// writeIntoText writes each record of the source as it was, with the new
// fields after it (after empty fields, where a record is shorter than the
// header), in the source's encoding.
func writeIntoText(out io.Writer, a *model.Analysis, in *into) error {
	t, tb := in.t, in.t.Tables[0]
	bw := bufio.NewWriterSize(out, 1<<16)
	var w io.Writer = bw
	var closer io.Closer
	switch t.Encoding {
	case "UTF-8 (BOM)":
		bw.WriteString("\uFEFF")
	case "GB18030":
		tw := transform.NewWriter(bw, simplifiedchinese.GB18030.NewEncoder())
		w, closer = tw, tw
	case "UTF-16":
		order := unicode.LittleEndian
		if t.BigEndian {
			order = unicode.BigEndian
		}
		tw := transform.NewWriter(bw, unicode.UTF16(order, unicode.UseBOM).NewEncoder())
		w, closer = tw, tw
	}
	d := string(t.Delimiter)
	rowAt := make(map[int]int, len(tb.Rows))
	for k, r := range tb.Rows {
		rowAt[r.Row] = k
	}
	var sb strings.Builder
	for _, rec := range t.Records {
		sb.Reset()
		sb.WriteString(rec.Raw)
		k, isRow := rowAt[rec.Line]
		switch {
		case rec.Line == tb.HeaderRow:
			sb.WriteString(strings.Repeat(d, max(0, tb.Width-rec.Fields)))
			for _, f := range in.fields {
				sb.WriteString(d + quoteField(f.Label, t.Delimiter))
			}
		case isRow && rec.Fields > 0:
			sb.WriteString(strings.Repeat(d, max(0, tb.Width-rec.Fields)))
			c := in.cust[0][k]
			for _, f := range in.fields {
				sb.WriteString(d)
				if c >= 0 {
					v := csvCell(cellOf(f.Get(a, int(c)), f.Kind, a.Decimals), kindOf(f.Kind), a.Decimals)
					if t.DecimalComma && f.Kind != model.KindText {
						v = strings.Replace(v, ".", ",", 1)
					}
					sb.WriteString(quoteField(v, t.Delimiter))
				}
			}
		}
		sb.WriteString(rec.EOL)
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	if closer != nil {
		if err := closer.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// quoteField quotes a field that holds the delimiter, a quote or a line
// break.
func quoteField(s string, delim byte) string {
	if !strings.ContainsAny(s, "\"\r\n"+string(delim)) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
