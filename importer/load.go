// Package importer turns ledger files (CSV, TSV, XLSX) into a model.Ledger
// and a data-quality report that accounts for every input row.
package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ledgerlens/model"
)

// Options control how files are read. The zero value reads with every
// automatic detection on.
type Options struct {
	Columns      []string         // header-less input: field name per column ("" skips)
	Map          map[Field]string // field -> header overrides (--map)
	Sheet        string           // read only this sheet (--sheet)
	Table        string           // database source: the ledger's table or view (--table)
	Query        string           // database source: a SELECT whose rows are the ledger (--query)
	Timeout      time.Duration    // database source: statement timeout (--timeout); 0: DefaultStatementTimeout
	Summary      bool             // database source: per-customer totals computed in the engine (--summary)
	AsOf         model.Day        // with Summary: only rows dated on or before it are added up (NoDay or 0: all)
	DateOrder    DateOrder
	DecimalComma bool
	Progress     func(Progress) // called now and then while reading; may be nil
	Context      context.Context
}

// Progress reports how far a load has come.
type Progress struct {
	File  string
	Sheet string
	Done  int64 // bytes (CSV) or rows (XLSX) read so far
	Total int64 // bytes or rows in all, 0 if unknown
	Unit  string
	Rows  int // data rows read so far, all sources
}

// ParseMap reads --map values of the form field=Header (several may be
// given comma-separated).
func ParseMap(specs []string) (map[Field]string, error) {
	m := map[Field]string{}
	for _, spec := range specs {
		for _, kv := range strings.Split(spec, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("--map %q: want field=Header", kv)
			}
			f, err := FieldByName(strings.TrimSpace(k))
			if err != nil {
				return nil, fmt.Errorf("--map: %w", err)
			}
			m[f] = strings.TrimSpace(v)
		}
	}
	return m, nil
}

// ParseColumns reads a --columns list such as ",customer_id,date,quantity,amount".
func ParseColumns(spec string) ([]string, error) {
	cols := strings.Split(spec, ",")
	for i, c := range cols {
		c = strings.TrimSpace(c)
		cols[i] = c
		if c == "" {
			continue
		}
		if _, err := FieldByName(c); err != nil {
			return nil, fmt.Errorf("--columns: %w", err)
		}
	}
	return cols, nil
}

// table is a source of records: one CSV file or one sheet.
type table interface {
	Next() (rec [][]byte, row int, err error)
	Close() error
}

// headerScan is how many leading rows are searched for the header
// (workbooks often carry title rows above it).
const headerScan = 20

// plan is one table to read, with its header found.
type plan struct {
	file, sheet string
	open        func() (table, error)
	rep         SourceReport
	m           Mapping
	headerAt    int            // index among the first rows, -1 without a header
	estimate    int            // expected number of rows, to size the columns once
	sample      func() float64 // bytes per line sampled across a CSV file; 0 when unknown
	kind        string
	serials     bool
	date1904    bool
	part        string // the sheet's XML inside a workbook
}

// Load reads the given files into one ledger. When the data itself is
// unusable the report of what was read comes back with the error.
func Load(paths []string, opt Options) (*model.Ledger, *Report, error) {
	var plans []*plan
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	twice := sameContent(paths)
	for _, p := range paths {
		plan := planFile
		if IsDatabaseURL(p) {
			if len(paths) > 1 {
				return nil, nil, fmt.Errorf("%s: a database source is read alone, not with other ledgers", RedactURL(p))
			}
			plan = planDatabase
		}
		ps, closer, err := plan(p, opt)
		if closer != nil {
			closers = append(closers, closer)
		}
		if err != nil {
			return nil, nil, err
		}
		plans = append(plans, ps...)
	}
	led, rep, err := run(plans, opt)
	for _, c := range closers {
		if d, ok := c.(*dbSource); ok && d.after != nil && err == nil {
			err = d.after(led)
		}
	}
	if rep != nil {
		rep.Warnings = append(twice, rep.Warnings...)
		for _, c := range closers {
			if d, ok := c.(*dbSource); ok {
				rep.SQL, rep.BytesReceived = d.sql, d.received.Load()
				rep.Warnings = append(rep.Warnings, d.warnings...)
			}
		}
	}
	return led, rep, err
}

// sameContent warns about files given more than once (the same file under
// two names, or two files with the same bytes): their rows would count twice.
// Only regular files of equal size are compared.
func sameContent(paths []string) []string {
	var warns []string
	type info struct {
		path string
		st   os.FileInfo
		sum  []byte
	}
	var seen []*info
	hash := func(in *info) []byte {
		if in.sum == nil {
			f, err := os.Open(in.path)
			if err != nil {
				return nil
			}
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err != nil {
				return nil
			}
			in.sum = h.Sum(nil)
		}
		return in.sum
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		cur := &info{path: p, st: st}
		for _, o := range seen {
			if os.SameFile(o.st, st) || (o.st.Size() == st.Size() && bytes.Equal(hash(o), hash(cur)) && hash(cur) != nil) {
				warns = append(warns, fmt.Sprintf("%s and %s have the same content: every row of it is counted twice", o.path, p))
				break
			}
		}
		seen = append(seen, cur)
	}
	return warns
}

// LoadReader reads one CSV text from r (name is used in messages).
func LoadReader(name string, data []byte, opt Options) (*model.Ledger, *Report, error) {
	p := csvPlan(name, int64(len(data)), func() (io.ReadCloser, error) {
		return memFile{bytes.NewReader(data)}, nil
	})
	if err := p.detect(opt); err != nil {
		return nil, nil, err
	}
	return run([]*plan{p}, opt)
}

func run(plans []*plan, opt Options) (*model.Ledger, *Report, error) {
	rep := &Report{}
	b := newBuilder(opt, rep)
	usable := 0
	for _, p := range plans {
		if p.kind != "skipped" {
			usable++
		}
	}
	if usable == 0 {
		var notes []string
		for _, p := range plans {
			notes = append(notes, p.where()+": "+p.rep.Note)
		}
		return nil, nil, errors.New(strings.Join(notes, "; "))
	}
	hasTx := false
	for _, p := range plans {
		hasTx = hasTx || p.kind == "transactions"
	}
	if !hasTx {
		// a customer-level ledger: one row per customer with its totals
		for _, p := range plans {
			b.totalsForm = b.totalsForm || p.kind == "customers" && p.m.Has(FAmount)
		}
		if !b.totalsForm {
			return nil, nil, fmt.Errorf("%s: no transactions found: a sheet needs a customer id, a date and an amount (or quantity and unit price), or, one row per customer, a customer id and total sales (with orders and first and last order dates for the CLV model)", plans[0].file)
		}
	} else {
		for _, p := range plans {
			if p.kind != "customers" {
				continue
			}
			if cols := totalsUnused(&p.m); len(cols) > 0 {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s: columns %s hold customer totals; the transactions give these figures, so they are not used", p.where(), strings.Join(cols, ", ")))
			}
		}
	}
	// Customers sheets first, so that their values are authoritative.
	for _, kind := range []string{"customers", "transactions"} {
		for _, p := range plans {
			if p.kind != kind {
				continue
			}
			rep.Sources = append(rep.Sources, p.rep)
			if err := b.read(p, &rep.Sources[len(rep.Sources)-1]); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, p := range plans {
		if p.kind == "skipped" {
			rep.Sources = append(rep.Sources, p.rep)
		}
	}
	led, err := b.finish()
	if err != nil {
		return nil, rep, err
	}
	if b.totalsForm {
		// one row per customer: repeated ids mean rows of transactions whose date column was not recognised
		for _, r := range rep.Reasons {
			if r.Reason == "duplicate customer id" {
				return nil, rep, fmt.Errorf("%s: read as one row per customer (no date column recognised), but customer ids repeat (%d times, e.g. row %d): if these are transactions, name the date column with --map date=Header",
					plans[0].file, r.Count, r.Examples[0].Row)
			}
		}
	}
	if rep.RowsRead == 0 {
		return nil, rep, fmt.Errorf("%s: no data rows below the header", plans[0].file)
	}
	if rep.RowsUsed == 0 {
		return nil, rep, fmt.Errorf("%s: no usable rows (%d read, all rejected; first reason: %s)", plans[0].file, rep.RowsRead, firstReason(rep))
	}
	return led, rep, nil
}

func firstReason(r *Report) string {
	if len(r.Reasons) == 0 {
		return "none"
	}
	return r.Reasons[0].Reason
}

func (p *plan) where() string {
	if p.sheet != "" {
		return fmt.Sprintf("%s, sheet %q", p.file, p.sheet)
	}
	return p.file
}

// planFile opens a file and finds the header of each of its tables.
func planFile(path string, opt Options) ([]*plan, io.Closer, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	if st.IsDir() {
		return nil, nil, fmt.Errorf("%s is a folder, not a ledger file", path)
	}
	if !st.Mode().IsRegular() {
		return planStream(path, opt)
	}
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".xlsx" || ext == ".xlsm" || isZip(path) {
		return planWorkbook(path, opt)
	}
	if ext == ".xls" {
		return nil, nil, fmt.Errorf("%s: the old .xls format is not supported; save it as .xlsx or .csv", path)
	}
	if opt.Sheet != "" {
		return nil, nil, fmt.Errorf("--sheet %q: %s is not a workbook", opt.Sheet, path)
	}
	p := csvPlan(path, st.Size(), func() (io.ReadCloser, error) { return os.Open(path) })
	if err := p.detect(opt); err != nil {
		return nil, nil, err
	}
	return []*plan{p}, nil, nil
}

// Non-regular files (a pipe such as <(zcat ledger.csv.gz), a FIFO, a device)
// can be read only once and may never end: they are read once, into memory,
// up to maxStreamBytes, with a time limit on each read.
const (
	maxStreamBytes = 128 << 20
	streamIdle     = 30 * time.Second
)

func planStream(path string, opt Options) ([]*plan, io.Closer, error) {
	data, err := readStream(path)
	if err != nil {
		return nil, nil, err
	}
	if len(data) == 0 {
		return nil, nil, fmt.Errorf("%s: empty: nothing was written to it", path)
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		wb, err := readXLSX(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: not a readable xlsx workbook: %v", path, err)
		}
		return planSheets(path, wb, opt)
	}
	if opt.Sheet != "" {
		return nil, nil, fmt.Errorf("--sheet %q: %s is not a workbook", opt.Sheet, path)
	}
	p := csvPlan(path, int64(len(data)), func() (io.ReadCloser, error) { return memFile{bytes.NewReader(data)}, nil })
	if err := p.detect(opt); err != nil {
		return nil, nil, err
	}
	return []*plan{p}, nil, nil
}

// readStream reads a non-regular file once. A FIFO is opened without
// waiting for a writer (none: it reads as empty), and a read that brings
// nothing for streamIdle ends the reading with an error.
func readStream(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	defer f.Close()
	// chunks joined once at the end: a growing buffer would copy itself
	// over and over, and hold twice the data at its peak
	var chunks [][]byte
	total := 0
	for {
		deadline := f.SetReadDeadline(time.Now().Add(streamIdle)) == nil
		chunk := make([]byte, 1<<20)
		n, err := io.ReadFull(f, chunk)
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		chunks = append(chunks, chunk[:n])
		total += n
		if total > maxStreamBytes {
			return nil, fmt.Errorf("%s: more than %d MiB from a pipe or device: refused (save it to a file first)", path, maxStreamBytes>>20)
		}
		if err == io.EOF {
			return bytes.Join(chunks, nil), nil
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("%s: no data for %s: gave up", path, streamIdle)
		}
		if errors.Is(err, syscall.EAGAIN) && !deadline {
			return nil, fmt.Errorf("%s: no data ready: refused", path)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
		}
	}
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func isZip(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var sig [4]byte
	n, _ := io.ReadFull(f, sig[:])
	return n == 4 && string(sig[:]) == "PK\x03\x04"
}

// csvPlan prepares a delimited text source.
func csvPlan(name string, size int64, open func() (io.ReadCloser, error)) *plan {
	p := &plan{file: name, sample: func() float64 { return sampledLineBytes(open, size) }}
	p.open = func() (table, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		cr := &countingReader{r: rc}
		br, enc, err := decodeText(cr)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		head, _ := br.Peek(64 << 10)
		delim, dname := sniffDelimiter(head)
		p.rep.Encoding, p.rep.Delimiter = enc, dname
		return &csvTable{rc: rc, cr: cr, r: newCSVReader(br, delim), size: size}, nil
	}
	return p
}

type csvTable struct {
	rc   io.Closer
	cr   *countingReader
	r    *csvReader
	size int64
}

func (t *csvTable) Next() ([][]byte, int, error) { return nextRecord(t.r) }

func (t *csvTable) Close() error { return t.rc.Close() }

// sampledLineBytes is the mean line length in four 64 KiB windows spread
// over a file that can be read at offsets; 0 when it cannot or has no
// line breaks there.
func sampledLineBytes(open func() (io.ReadCloser, error), size int64) float64 {
	const win = 64 << 10
	rc, err := open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	ra, ok := rc.(io.ReaderAt)
	if !ok || size <= 0 {
		return 0
	}
	buf := make([]byte, win)
	var n, lines int
	for _, at := range []int64{0, size / 4, size / 2, size * 3 / 4} {
		k, _ := ra.ReadAt(buf, min(at, max(0, size-win)))
		n += k
		lines += bytes.Count(buf[:k], []byte{'\n'})
	}
	if lines == 0 {
		return 0
	}
	return float64(n) / float64(lines)
}

// memFile is an in-memory file: readable at offsets, like an *os.File.
type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

// planWorkbook finds the tables of every sheet (or the --sheet one).
func planWorkbook(path string, opt Options) ([]*plan, io.Closer, error) {
	wb, err := openXLSX(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a readable xlsx workbook: %v", path, err)
	}
	return planSheets(path, wb, opt)
}

func planSheets(path string, wb *xlsxBook, opt Options) ([]*plan, io.Closer, error) {
	sheets := wb.sheets
	if opt.Sheet != "" {
		var names []string
		sheets = nil
		for _, s := range wb.sheets {
			names = append(names, s.name)
			if s.name == opt.Sheet {
				sheets = append(sheets, s)
			}
		}
		if len(sheets) == 0 {
			wb.Close()
			return nil, nil, fmt.Errorf("%s: no sheet %q (sheets: %s)", path, opt.Sheet, strings.Join(names, ", "))
		}
	}
	var plans []*plan
	for _, sh := range sheets {
		p := &plan{file: path, sheet: sh.name, serials: true, date1904: wb.date1904, part: sh.part}
		p.open = func() (table, error) {
			rows, err := wb.rows(sh)
			if err != nil {
				return nil, fmt.Errorf("%s, sheet %q: %v", path, sh.name, err)
			}
			return &sheetTable{rows: rows}, nil
		}
		if err := p.detect(opt); err != nil {
			wb.Close()
			return nil, nil, err
		}
		plans = append(plans, p)
	}
	return plans, wb, nil
}

// sheetTable is one sheet's rows in file order, each with its own number.
type sheetTable struct {
	rows *xlsxRows
	row  int
}

func (t *sheetTable) Next() ([][]byte, int, error) {
	rec, row, err := t.rows.next()
	t.row = row
	return rec, row, err
}

func (t *sheetTable) Close() error { return t.rows.Close() }

// cleanNumber removes binary floating-point noise from raw numeric cell
// values ("0.30000000000000004" → "0.3"), rounding to the 15 significant
// digits that Excel shows.
func cleanNumber(s string) string {
	if len(s) < 16 {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(f, 'g', 15, 64)
}

// cleanNumberBytes is cleanNumber on a cell's bytes (the same bytes when
// nothing changes).
func cleanNumberBytes(b []byte) []byte {
	if len(b) < 16 {
		return b
	}
	if c := b[0]; (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' {
		return b // text, not a number: spare the conversion
	}
	if c := cleanNumber(string(b)); c != string(b) {
		return []byte(c)
	}
	return b
}

// detect reads the first rows of the table, finds the header and classifies
// the table as transactions, customers or skipped.
func (p *plan) detect(opt Options) error {
	t, err := p.open()
	if err != nil {
		return err
	}
	defer t.Close()
	var pre [][]string
	var preRows []int // each first row's own number (a sheet may skip rows)
	for len(pre) < headerScan {
		rec, rowNum, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.where(), err)
		}
		row := make([]string, len(rec))
		for i, c := range rec {
			row[i] = string(c)
		}
		pre = append(pre, row)
		preRows = append(preRows, rowNum)
	}
	p.rep.File, p.rep.Sheet = p.file, p.sheet
	if ct, ok := t.(*csvTable); ok && len(pre) > 0 && ct.cr.n > 0 {
		// bytes per line from the first rows; the peek read ahead, so use the
		// record's line numbers rather than the bytes counted
		lines := 0
		sz := 0
		for _, r := range pre {
			lines++
			for _, c := range r {
				sz += len(c) + 1
			}
		}
		p.estimate = int(ct.size / int64(max(1, sz/lines)))
		// The first rows may be much shorter than the rest (a file that
		// starts with stubs would reserve ten times its size): lines sampled
		// across the whole file bound the estimate.
		if bpl := p.sample(); bpl > 0 {
			p.estimate = min(p.estimate, int(1.1*float64(ct.size)/bpl)+1)
		}
	} else if st, ok := t.(*sheetTable); ok {
		p.estimate = st.rows.total
	} else if dt, ok := t.(*dbTable); ok {
		p.estimate = int(dt.total)
	}
	if opt.Columns != nil {
		p.headerAt = -1
		p.m, err = buildMapping(opt.Columns, nil)
		if err != nil {
			return err
		}
		for i := range p.m.Columns { // --columns names fields directly
			f, _ := FieldByName(opt.Columns[i])
			p.m.Columns[i].Field = f
			if f != FNone {
				p.m.ByField[f] = i
			}
		}
	} else {
		best, bestScore := -1, 0
		for i, row := range pre {
			if s := headerScore(row) + overrideHits(row, opt.Map); s > bestScore {
				best, bestScore = i, s
			}
		}
		if best < 0 {
			p.kind, p.rep.Kind = "skipped", "skipped"
			p.rep.Note = fmt.Sprintf("no header row recognised in the first %d rows (a header needs a customer id column; for files without a header use --columns)", headerScan)
			return nil
		}
		p.headerAt = best
		p.rep.HeaderRow = preRows[best]
		p.m, err = buildMapping(pre[best], opt.Map)
		if err != nil {
			return fmt.Errorf("%s: %w", p.where(), err)
		}
	}
	if k := p.m.ByField[FCategory]; k >= 0 && !p.m.Has(FDate) {
		// a customers sheet's category describes the customer: an attribute
		p.m.Columns[k].Field, p.m.ByField[FCategory] = FNone, -1
	}
	p.reportColumns()
	m := &p.m
	switch {
	case !m.Has(FCustomerID):
		p.kind = "skipped"
		p.rep.Note = "no customer id column (" + strings.Join(synonyms[FCustomerID][:4], ", ") + ", 客户编号 …); use --map customer_id=Header"
	case m.Has(FDate) && (m.Has(FAmount) || (m.Has(FQuantity) && m.Has(FUnitPrice))):
		p.kind = "transactions"
	case m.Has(FDate):
		p.kind = "skipped"
		p.rep.Note = "no amount column (amount, 金额 …, or quantity and unit price); use --map amount=Header"
	default:
		p.kind = "customers"
	}
	p.rep.Kind = p.kind
	if opt.Columns != nil && p.kind != "transactions" {
		return fmt.Errorf("--columns must name customer_id, date and amount (or quantity and unit_price)")
	}
	return nil
}

// reportColumns lists the mapping in the source's report.
func (p *plan) reportColumns() {
	for _, c := range p.m.Columns {
		mc := MappedColumn{Header: c.Header, Use: "attribute"}
		switch {
		case c.Field != FNone:
			mc.Field, mc.Use = c.Field.String(), "field"
		case c.Header == "":
			mc.Use = "skipped"
		}
		p.rep.Columns = append(p.rep.Columns, mc)
	}
}

func overrideHits(row []string, m map[Field]string) int {
	n := 0
	for _, want := range m {
		for _, c := range row {
			if normalizeHeader(c) == normalizeHeader(want) {
				n++
				break
			}
		}
	}
	return n
}

// read streams every data row of a planned table into the builder.
func (b *builder) read(p *plan, rep *SourceReport) error {
	t, err := p.open()
	if err != nil {
		return err
	}
	defer t.Close()
	s := b.newSource(p.file, p.sheet, p.m, rep, p.serials, p.date1904)
	if p.kind == "transactions" {
		b.reserve(p.estimate, p.m.Has(FDocumentID))
	}
	ctx := b.opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if p.kind == "transactions" {
		return b.readConcurrently(ctx, p, t, s)
	}
	for i := 0; ; i++ {
		rec, row, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p.where(), err)
		}
		if i <= p.headerAt {
			continue // title rows and the header
		}
		b.custSheetRow(s, rec, row)
	}
	b.report(p, position(t), t)
	return nil
}

// txBatch is a run of parsed rows with the storage their slices point into.
type txBatch struct {
	rows  []parsedTx
	arena []byte   // copies of what the rows point at
	recs  [][]byte // the rows' records (parsedTx.rec)
	done  int64    // bytes or rows read when the batch was full, for progress
	err   error    // a read error after the rows
}

const txBatchRows = 2048

// copyLines has a CSV record's line copied for the builder as one, not
// field by field (false: the tests' comparison). At 5,000,000 rows the
// copies field by field took a fifth of the parsing goroutine's time.
var copyLines = true

// warmRows is how many rows the builder warms (see warm) before it applies
// them: their table slots and customer records stay in the first-level
// cache until used (a whole batch's did not; 5,000,000 rows: −7 %).
const warmRows = 64

// readConcurrently splits and parses the rows on a second goroutine (a
// large CSV file with cores to spare: on several, parseChunks), in
// batches, while this one adds them to the ledger: on two cores the two
// halves of the work overlap. Rows keep their order, so the result is the
// same as reading them one by one.
func (b *builder) readConcurrently(ctx context.Context, p *plan, t table, s *source) error {
	batches := make(chan *txBatch, 4)
	b.queue = batches
	free := make(chan *txBatch, 6+4*runtime.GOMAXPROCS(0)) // every batch in flight comes back
	stop := make(chan struct{})
	emit := func(bt *txBatch) bool {
		select {
		case batches <- bt:
			return true
		case <-stop:
			return false
		}
	}
	batch := func() *txBatch {
		select {
		case bt := <-free:
			bt.rows, bt.arena, bt.recs, bt.err = bt.rows[:0], bt.arena[:0], bt.recs[:0], nil
			return bt
		default:
			return &txBatch{}
		}
	}
	go func() {
		defer close(batches)
		for range p.headerAt + 1 { // title rows and the header
			if _, _, err := t.Next(); err != nil { // the end, or an error the one batch carries
				b.parseRows(p, s, func() ([][]byte, int, error) { return nil, 0, err }, nil, func() int64 { return position(t) }, emit, batch)
				return
			}
		}
		if chunked(t) {
			b.parseChunks(t.(*csvTable), p, s, stop, emit, batch)
			return
		}
		var line func() ([]byte, []int)
		if ct, ok := t.(*csvTable); ok {
			line = ct.r.lines()
		}
		b.parseRows(p, s, t.Next, line, func() int64 { return position(t) }, emit, batch)
	}()
	defer func() {
		close(stop)
		for range batches { // let the reader finish before the table closes
		}
	}()
	for bt := range batches {
		for lo := 0; lo < len(bt.rows); lo += warmRows {
			hi := min(lo+warmRows, len(bt.rows))
			b.warm(bt.rows[lo:hi])
			for k := lo; k < hi; k++ {
				b.applyTx(s, &bt.rows[k])
			}
		}
		if bt.err != nil {
			return bt.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		b.report(p, bt.done, t)
		select {
		case free <- bt:
		default:
		}
	}
	return nil
}

// parseRows parses the rows next yields into batches and passes them to
// emit (done: how far the table has been read, for progress), up to the
// end or an error, which the last batch carries; it stops when emit
// refuses a batch. line, when not nil, gives the buffer the last record's
// fields lie in and their offsets (a CSV reader's), copied as one.
func (b *builder) parseRows(p *plan, s *source, next func() ([][]byte, int, error), line func() ([]byte, []int), done func() int64, emit func(*txBatch) bool, batch func() *txBatch) {
	opt, needRec := b.opt, s.needsRecord()
	// With the record kept for the builder, a batch leaves the dates and
	// amounts to it while it keeps up (parseTx): whichever goroutine is the
	// slower does less (measured with the date, amount and cost parsed
	// here: the builder found no batch waiting on six receives in ten, at
	// 100,000 customers and at 500,000 alike). The rows are the same
	// either way.
	bt, late := batch(), needRec && b.idle()
	for {
		rec, row, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			bt.err = fmt.Errorf("%s: %w", p.where(), err)
			break
		}
		bt.rows = append(bt.rows, parsedTx{})
		pt := &bt.rows[len(bt.rows)-1]
		s.parseTx(opt, rec, row, pt, late)
		if !needRec {
			rec = nil // the builder reads the id and the document alone
		}
		bt.keep(pt, rec, line)
		if len(bt.rows) == txBatchRows {
			bt.done = done()
			if !emit(bt) {
				return
			}
			bt, late = batch(), needRec && b.idle()
		}
	}
	bt.done = done()
	emit(bt)
}

// keep copies what a parsed row points at (the reader reuses its buffer)
// into the batch's arena, and rec, the row's record, when not nil: as one
// copy of the buffer line gives when its fields lie there (at the offsets,
// start and end pairs, it gives), field by field otherwise.
func (bt *txBatch) keep(p *parsedTx, rec [][]byte, line func() ([]byte, []int)) {
	p.id, p.doc, p.badValue = bt.copyOf(p.id), bt.copyOf(p.doc), bt.copyOf(p.badValue)
	p.rec = nil
	if rec == nil {
		return
	}
	n := len(rec)
	if len(bt.recs)+n > cap(bt.recs) { // a new array: the rows kept so far point into the old one
		bt.recs = make([][]byte, 0, max(2*cap(bt.recs), n, 16<<10))
	}
	at := len(bt.recs)
	bt.recs = bt.recs[:at+n]
	p.rec = bt.recs[at : at+n : at+n]
	var buf []byte
	var offs []int
	if line != nil {
		buf, offs = line()
	}
	if buf != nil && len(offs) == 2*n {
		l := bt.copyOf(buf)
		for k := range p.rec {
			p.rec[k] = l[offs[2*k]:offs[2*k+1]:offs[2*k+1]]
		}
		return
	}
	for k, f := range rec {
		p.rec[k] = bt.copyOf(f)
	}
}

// copyOf is a copy of v in the batch's arena (nil for nil). A full arena
// is replaced by a larger one, not grown: the rows kept so far point into
// it, and it stays theirs until the batch is reused.
func (bt *txBatch) copyOf(v []byte) []byte {
	if v == nil {
		return nil
	}
	if len(bt.arena)+len(v) > cap(bt.arena) {
		bt.arena = make([]byte, 0, max(2*cap(bt.arena), len(v), 64<<10))
	}
	at := len(bt.arena)
	bt.arena = append(bt.arena, v...)
	return bt.arena[at:len(bt.arena):len(bt.arena)]
}

// position is how far a table has been read: bytes (CSV) or rows (XLSX).
func position(t table) int64 {
	switch t := t.(type) {
	case *csvTable:
		return t.cr.n
	case *sheetTable:
		return int64(t.rows.rows)
	case *dbTable:
		return int64(max(0, t.n-1))
	}
	return 0
}

// report passes progress to the caller's callback.
func (b *builder) report(p *plan, done int64, t table) {
	if b.opt.Progress == nil {
		return
	}
	pr := Progress{File: p.file, Sheet: p.sheet, Rows: b.rep.RowsRead, Done: done}
	switch t := t.(type) {
	case *csvTable:
		pr.Total, pr.Unit = t.size, "bytes"
	case *sheetTable:
		pr.Total, pr.Unit = int64(t.rows.total), "rows"
	case *dbTable:
		pr.Total, pr.Unit = t.total, "rows"
	}
	b.opt.Progress(pr)
}
