// Command ledgerlens segments customers and analyses customer-level finance
// from a ledger in Excel or CSV. See README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"syscall"
	"unicode"

	"ledgerlens/exporter"
	"ledgerlens/importer"
	"ledgerlens/model"
	"ledgerlens/termtext"
	"ledgerlens/tui"

	"github.com/muesli/termenv"
)

func main() {
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	exporter.RemoveTemps() // a view quit (or was killed) while its export was being written
	os.Exit(code)
}

// cleanOnSignal makes an interrupted export command leave no temporary
// file: on SIGINT or SIGTERM it is removed and the process exits as shells
// expect (128 + the signal's number). The view has its own handling: the
// terminal must be restored first, and main removes the file after.
func cleanOnSignal() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sig
		exporter.RemoveTemps()
		if s == syscall.SIGINT {
			os.Exit(130)
		}
		os.Exit(143)
	}()
}

const usage = `ledgerlens — customer segmentation and customer-level finance from a ledger

Usage:
  ledgerlens FILE... | --demo            open the interactive view (q quits, ? shows every key)
  ledgerlens inspect FILE... | --demo    print sheets, column mapping and the data-quality report
  ledgerlens report FILE... | --demo     print a scheme's segment P&L and headline figures
  ledgerlens export FILE... | --demo -o OUT.xlsx|OUT.csv [--force]
                                         write the Excel workbook (or the customer table as CSV)
  ledgerlens export FILE... --into SOURCE -o OUT [--schemes LIST]
                                         a copy of your own workbook or CSV with segment
                                         columns beside its customer rows
  ledgerlens help [parameters]           this text, or every parameter with its meaning

A ledger in PostgreSQL (or an engine that speaks its protocol) is a source like a file:
  ledgerlens [inspect|report|export] postgres://USER@HOST:5432/DB --table SCHEMA.TABLE
  ledgerlens [inspect|report|export] postgres://USER@HOST:5432/DB --query 'SELECT …'
  --table NAME           the ledger's table or view (quoted by the driver)
  --query SQL            or one SELECT whose rows are the ledger
  --timeout DURATION     statement timeout (default 15m); every query runs in one
                         read-only transaction
  --show-sql             inspect: print the statements run
  --summary              let the engine add up each customer's rows (GROUP BY) and
                         transfer one row per customer: the customer-level analysis
                         (no aging, lifecycle or holdout; they say why)
  The password comes from the URL, PGPASSWORD or ~/.pgpass and is never printed.
  Columns are recognised by the same names as a file's headers (--map works).

Common flags (every command):
  --demo                 use the built-in sample ledger instead of FILE
  --as-of YYYY-MM-DD     analyse the ledger as of this date (default: its last date)
  --columns a,b,...      header-less file: the field of each column ("" skips one)
  --map field=Header     map a field to a column explicitly (repeatable)
  --sheet NAME           read only this sheet of a workbook
  --date-order ORDER     ymd, dmy or mdy for dates such as 03/04/2024
  --decimal-comma        amounts are written 1.234,56
  --lang en|zh           labels and segment names in the interactive view
  --mask                 show customers by stable pseudonyms (C001 "Customer 001",
                         numbered in a hashed order) in the view, report, inspect and
                         exports, with identifying extra columns, rejected rows'
                         values and file names hidden: for demos to another audience
  --format FORMAT        inspect: text|json; report: table|csv|json (json has every scheme)
  --scheme S             report: pyramid (default), rfm, spend, frequency, profitability,
                         clv, lifecycle, churn, size, pattern, credit, region, industry, channel,
                         customer_type, or any extra column
  --scenario FILE        parameters from a TOML scenario or an exported workbook
                         (its Parameters sheet)
  --set key=value        set one parameter (repeatable; keys as in analytics-spec §9)
  -o, --output FILE      export: the file to write (.xlsx or .csv)
  --force                export: replace FILE if it exists
  --into SOURCE          export: copy SOURCE (.xlsx or text, usually the ledger itself)
                         and add the columns beside its customer sheet (or, without
                         one, its transaction rows), matched by customer id; OUT has
                         SOURCE's format and keeps its sheets, formulas, styles,
                         encoding, delimiter and line endings
  --schemes LIST         export --into: the columns, comma-separated: scheme keys
                         (pyramid, rfm, credit, clv, lifecycle, …) give the segment,
                         customer fields (palive, action, revenue, clv_value, …)
                         the figure; default pyramid,rfm,credit,clv,clv_value,palive,
                         action (those the ledger has)
  --baseline FILE        report, export: a scenario (TOML or exported workbook) to
                         compare with: JSON "compare", a Compare sheet with the
                         migration matrix
  --spend FILE           marketing spend per segment of marketing_scheme (default the
                         pyramid) from a sheet or CSV with columns segment, spend and,
                         optionally, min and max (allocation bounds); ROMI and the
                         budget allocation (--set marketing_budget=…) are in report,
                         export and the view's Profitability pane
  --compare-as-of DATE   report, export: then vs now — the same analysis at this earlier
                         date beside the current one: segment growth, the migration
                         matrix, customers gained, lost and kept (JSON "compare",
                         the Compare sheet)
  --crosstab ROWS,COLS   two schemes crossed (e.g. region,pyramid): report prints
                         customers and revenue per cell (json/csv: every figure);
                         export adds a Cross-tab sheet

Fields: customer_id, customer_name, date, amount, quantity, unit_price, cost,
document_id, due_date, paid_date, paid_amount, outstanding, credit_limit, region,
industry, channel, customer_type, employees, annual_revenue, total_assets, write_off,
category; one row per customer: customer_id with amount (total sales), orders,
first_order_date, last_order_date, cost, outstanding (balance).

Exit status: 0 success, 1 bad input, 2 bad usage.
`

// errUsage marks command-line mistakes (exit status 2).
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func run(args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "inspect", "report", "export", "help":
			cmd, args = args[0], args[1:]
		}
	}
	if cmd == "help" {
		if len(args) > 0 && args[0] == "parameters" {
			printParameters(stdout)
			return 0
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	c, err := parseFlags(cmd, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err == nil {
		switch cmd {
		case "inspect":
			err = inspect(c, stdout)
		case "":
			err = view(c)
		case "report":
			err = report(c, stdout)
		case "export":
			cleanOnSignal()
			err = export(c, stdout)
		default:
			err = errUsage{cmd + ": not available yet"}
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "ledgerlens:", termtext.Clean(oneLine(err)))
		var ue errUsage
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, "Try 'ledgerlens --help'.")
			return 2
		}
		return 1
	}
	return 0
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// config is the parsed command line.
type config struct {
	cmd      string
	files    []string
	demo     bool
	asOf     model.Day
	format   string
	scheme   string
	scenario string
	sets     []string
	output   string
	baseline string
	into     string
	schemes  string
	force    bool
	mask     bool
	lang     string
	opt      importer.Options
	crosstab string // "rows,cols": two schemes crossed (report prints it, export adds a sheet)
	showSQL  bool   // inspect: print the statements run on a database source
	spend    string // a sheet or CSV of marketing spend per segment (--spend)

	compareAsOf model.Day // report/export: compare with the analysis at this earlier date
}

// database tells whether the source is a database URL rather than files.
func (c *config) database() bool { return len(c.files) == 1 && importer.IsDatabaseURL(c.files[0]) }

// parseFlags reads flags given before or after the file names.
func parseFlags(cmd string, args []string) (*config, error) {
	c := &config{cmd: cmd, asOf: model.NoDay, compareAsOf: model.NoDay}
	fs := flag.NewFlagSet("ledgerlens", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var asOf, columns, sheet, order, compareAsOf string
	var maps, sets multiFlag
	fs.BoolVar(&c.demo, "demo", false, "")
	fs.StringVar(&asOf, "as-of", "", "")
	fs.StringVar(&columns, "columns", "", "")
	fs.Var(&maps, "map", "")
	fs.StringVar(&sheet, "sheet", "", "")
	fs.StringVar(&order, "date-order", "", "")
	fs.BoolVar(&c.opt.DecimalComma, "decimal-comma", false, "")
	fs.StringVar(&c.format, "format", "", "")
	fs.StringVar(&c.scheme, "scheme", "pyramid", "")
	fs.StringVar(&c.scenario, "scenario", "", "")
	fs.Var(&sets, "set", "")
	fs.StringVar(&c.output, "o", "", "")
	fs.StringVar(&c.output, "output", "", "")
	fs.BoolVar(&c.force, "force", false, "")
	fs.BoolVar(&c.mask, "mask", false, "")
	fs.StringVar(&c.baseline, "baseline", "", "")
	fs.StringVar(&c.into, "into", "", "")
	fs.StringVar(&c.schemes, "schemes", "", "")
	fs.StringVar(&c.crosstab, "crosstab", "", "")
	fs.StringVar(&c.lang, "lang", "en", "")
	fs.StringVar(&c.opt.Table, "table", "", "")
	fs.StringVar(&c.opt.Query, "query", "", "")
	fs.DurationVar(&c.opt.Timeout, "timeout", importer.DefaultStatementTimeout, "")
	fs.BoolVar(&c.showSQL, "show-sql", false, "")
	fs.BoolVar(&c.opt.Summary, "summary", false, "")
	fs.StringVar(&c.spend, "spend", "", "")
	fs.StringVar(&compareAsOf, "compare-as-of", "", "")
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage{err.Error()}
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		c.files = append(c.files, rest[0])
		rest = rest[1:]
	}
	var err error
	if asOf != "" {
		if c.asOf, err = model.ParseISODay(asOf); err != nil {
			return nil, errUsage{"--as-of: " + err.Error()}
		}
	}
	c.opt.AsOf = c.asOf
	if compareAsOf != "" {
		if c.compareAsOf, err = model.ParseISODay(compareAsOf); err != nil {
			return nil, errUsage{"--compare-as-of: " + err.Error()}
		}
		if c.baseline != "" {
			return nil, errUsage{"give either --baseline or --compare-as-of, not both"}
		}
		if cmd != "report" && cmd != "export" {
			return nil, errUsage{"--compare-as-of belongs to report and export"}
		}
	}
	if columns != "" {
		if c.opt.Columns, err = importer.ParseColumns(columns); err != nil {
			return nil, errUsage{err.Error()}
		}
	}
	if len(maps) > 0 {
		if c.opt.Map, err = importer.ParseMap(maps); err != nil {
			return nil, errUsage{err.Error()}
		}
	}
	if c.opt.DateOrder, err = importer.ParseDateOrder(order); err != nil {
		return nil, errUsage{err.Error()}
	}
	c.opt.Sheet = sheet
	if c.lang != "en" && c.lang != "zh" {
		return nil, errUsage{fmt.Sprintf("--lang %q: want en or zh", c.lang)}
	}
	c.sets = sets
	if c.format == "" {
		c.format = map[string]string{"report": "table", "export": "xlsx"}[cmd]
		if c.format == "" {
			c.format = "text"
		}
	}
	switch {
	case c.demo && len(c.files) > 0:
		return nil, errUsage{"give either --demo or FILE, not both"}
	case !c.demo && len(c.files) == 0:
		return nil, errUsage{"no ledger file given (or use --demo)"}
	}
	if (c.opt.Table != "" || c.opt.Query != "") && !c.database() {
		return nil, errUsage{"--table and --query name a relation of a database source (postgres://…)"}
	}
	if c.database() && c.opt.Table != "" && c.opt.Query != "" {
		return nil, errUsage{"give either --table or --query, not both"}
	}
	if c.opt.Summary && !c.database() {
		return nil, errUsage{"--summary pushes the per-customer totals into a database source (postgres://…)"}
	}
	if c.database() && c.into != "" {
		return nil, errUsage{"--into copies a ledger file; a database source has none to copy"}
	}
	if c.opt.Timeout <= 0 {
		return nil, errUsage{"--timeout: want a positive duration such as 30s or 10m"}
	}
	if c.showSQL && cmd != "inspect" {
		return nil, errUsage{"--show-sql belongs to inspect"}
	}
	if cmd == "export" && c.output == "" {
		return nil, errUsage{"export needs -o OUT.xlsx (or OUT.csv)"}
	}
	if c.crosstab != "" && cmd != "report" && cmd != "export" {
		return nil, errUsage{"--crosstab belongs to report and export"}
	}
	if c.crosstab != "" && len(strings.Split(c.crosstab, ",")) != 2 {
		return nil, errUsage{fmt.Sprintf("--crosstab %q: want two schemes, ROWS,COLUMNS (e.g. region,pyramid)", c.crosstab)}
	}
	if (c.into != "" || c.schemes != "") && cmd != "export" {
		return nil, errUsage{"--into and --schemes belong to export"}
	}
	if c.mask && c.into != "" {
		return nil, errUsage{"--into copies your own file with its real customer ids: not with --mask"}
	}
	if c.schemes != "" && c.into == "" {
		return nil, errUsage{"--schemes names the columns of export --into SOURCE"}
	}
	formats := map[string][]string{"inspect": {"text", "json"}, "": {"text", "json"}, "report": {"table", "csv", "json"}, "export": {"xlsx"}}[cmd]
	if !slices.Contains(formats, c.format) {
		return nil, errUsage{fmt.Sprintf("--format %q: want %s", c.format, strings.Join(formats, " or "))}
	}
	return c, nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

// load reads the ledger the command line names.
func load(c *config) (*model.Ledger, *importer.Report, error) {
	var led *model.Ledger
	var rep *importer.Report
	var err error
	if c.demo {
		led, rep, err = importer.LoadDemo(c.opt)
	} else {
		led, rep, err = importer.Load(c.files, c.opt)
	}
	runtime.GC()
	return masked(c, led, rep, err)
}

// masked applies --mask to a load's result.
func masked(c *config, led *model.Ledger, rep *importer.Report, err error) (*model.Ledger, *importer.Report, error) {
	if !c.mask {
		return led, rep, err
	}
	if led != nil {
		led = led.Masked()
	}
	return led, rep.Masked(), err
}

func inspect(c *config, w io.Writer) error {
	led, rep, err := load(c)
	if err != nil {
		return err
	}
	sum := importer.Summarize(led, rep, c.asOf)
	sum.ShowSQL = c.showSQL
	if c.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	return sum.WriteText(termtext.Writer(w))
}

// params builds the parameter set: defaults, then --scenario, then --set,
// then --as-of.
func params(c *config) (model.Params, error) {
	p := model.DefaultParams()
	if c.scenario != "" {
		sc, err := importer.ReadScenarioFile(c.scenario)
		if err != nil {
			return p, err
		}
		p = sc.Params
	}
	if c.spend != "" {
		spend, bounds, err := importer.ReadSpendFile(c.spend)
		if err != nil {
			return p, err
		}
		p.MarketingSpend = spend
		if bounds != nil {
			p.MarketingBounds = bounds
		}
	}
	for _, kv := range c.sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return p, errUsage{fmt.Sprintf("--set %q: want key=value", kv)}
		}
		if err := p.Set(strings.TrimSpace(k), v); err != nil {
			return p, errUsage{"--set " + err.Error()}
		}
	}
	if c.asOf != model.NoDay {
		p.AsOf = c.asOf
	}
	if err := p.Validate(); err != nil {
		return p, errUsage{err.Error()}
	}
	return p, nil
}

func sourceName(c *config) string { return sourceShown(c, c.mask) }

// sourceShown names the ledger, hiding the file names when masked.
func sourceShown(c *config, masked bool) string {
	switch {
	case c.demo:
		return importer.DemoName
	case masked:
		return plural(len(c.files), "masked source")
	case c.database():
		rel := "query"
		if c.opt.Table != "" {
			rel = "table " + c.opt.Table
		}
		return importer.RedactURL(c.files[0]) + " " + rel
	}
	return strings.Join(c.files, ", ")
}

// analyze loads the ledger and runs the analysis with the command line's
// parameters (report and export).
func analyze(c *config) (*model.Analysis, *importer.Report, error) {
	defer keepGCPercent()()
	a, rep, _, err := analyzeWithEngine(c)
	return a, rep, err
}

func analyzeWithEngine(c *config) (*model.Analysis, *importer.Report, *model.Engine, error) {
	p, err := params(c)
	if err != nil {
		return nil, nil, nil, err
	}
	if smallInput(c) {
		collectAt(smallInputGCPercent, 0)
	}
	led, rep, err := load(c)
	if err != nil {
		return nil, nil, nil, err
	}
	e := model.NewEngine(led)
	e.Frugal = true // one analysis (and perhaps a baseline): nothing is recomputed
	// Without a baseline (a second analysis, perhaps at another as-of
	// date) the engine lets the rows go as soon as they are read.
	e.ReleaseRows = c.baseline == "" && c.compareAsOf == model.NoDay
	// The analysis adds columns to a ledger that stays live: at the default
	// GOGC the heap may grow to twice what is live before a collection. A
	// quarter keeps the peak near it; the collections mark mostly
	// pointer-free columns (report 1M: peak 254 MiB against 285, 10M:
	// 2.28 GB against 2.48, time the same or less).
	collectAt(25, bigHeap)
	a, err := e.Analyze(p)
	return a, rep, e, err
}

// bigHeap is the live heap after a load from which report and export
// collect more often than Go's default. Below it the collector's cost per
// cycle shows more than the memory saved (the CDNOW sample's report: 15 %
// slower at a quarter; a 100,000-row ledger, about 9 MB: no slower).
const bigHeap = 16 << 20

// smallInput says whether c's ledger is small: the demo, or files of at
// most smallInputBytes together. Such a ledger's report and export collect
// less often (smallInputGCPercent): its heap is a few tens of MB at most,
// and Go's default target, twice what is live, starts from 4 MB, so that
// the heap's growth alone takes several collections. At 300 the CDNOW
// master's report (2.6 MB) is 5 % faster with the same peak, 46 MiB; the
// demo's 9 % (peak 36 → 44 MiB), the CDNOW sample's 13 % (23 → 26 MiB).
// A database source's size is not known: false.
func smallInput(c *config) bool {
	if c.demo {
		return true
	}
	if c.database() {
		return false
	}
	var n int64
	for _, f := range c.files {
		st, err := os.Stat(f)
		if err != nil {
			return false
		}
		n += st.Size()
	}
	return n <= smallInputBytes
}

const (
	smallInputBytes     = 4 << 20
	smallInputGCPercent = 300
)

// keepGCPercent returns a function that sets the collector's target back
// to what it is now (report and export change it; a test calls them many
// times in one process).
func keepGCPercent() func() {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return func() { debug.SetGCPercent(p) }
}

// collectAt sets the collector's target to percent when the heap the last
// collection found live is at least atLeast bytes, unless the user set
// GOGC.
func collectAt(percent int, atLeast uint64) {
	if os.Getenv("GOGC") == "" && liveHeap() >= atLeast {
		debug.SetGCPercent(percent)
	}
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

func report(c *config, w io.Writer) error {
	defer keepGCPercent()()
	a, _, e, err := analyzeWithEngine(c)
	if err != nil {
		return err
	}
	if c.format == "table" {
		w = termtext.Writer(w) // JSON and CSV keep the data as it is
	}
	if c.crosstab != "" {
		ct, err := crossTab(c, a)
		if err != nil {
			return err
		}
		return exporter.WriteCrossTab(w, a, ct, c.format)
	}
	base, err := baseline(c, e, a)
	if err != nil {
		return err
	}
	if err := exporter.WriteReport(w, sourceName(c), a, c.scheme, c.format, base); err != nil {
		return errUsage{err.Error()}
	}
	return nil
}

// crossTab crosses the two schemes --crosstab names.
func crossTab(c *config, a *model.Analysis) (*model.CrossTab, error) {
	k := strings.Split(c.crosstab, ",")
	ct, err := a.CrossTab(strings.TrimSpace(k[0]), strings.TrimSpace(k[1]))
	if err != nil {
		return nil, errUsage{fmt.Sprintf("--crosstab: %v (schemes: %s)", err, strings.Join(a.SchemeKeys(), ", "))}
	}
	return ct, nil
}

func export(c *config, w io.Writer) error {
	defer keepGCPercent()()
	a, rep, e, err := analyzeWithEngine(c)
	if err != nil {
		return err
	}
	base, err := baseline(c, e, a)
	if err != nil {
		return err
	}
	// The analysis stays live while the workbook is written, and writing
	// makes short-lived garbage (cells, buffers): at the default GOGC the
	// heap may grow to twice the analysis before a collection. A quarter
	// keeps the peak near the analysis, a tenth of a large one nearer; the
	// collections mark mostly pointer-free columns and cost little (export
	// 1M: peak 268 MiB against 298 at a quarter, time the same; a
	// twentieth: 6 % slower).
	collectAt(25, 0)
	collectAt(10, bigHeap)
	opt := exporter.WriteOptions{Force: c.force, Inputs: c.files}
	name := "defaults"
	if c.scenario != "" {
		name = c.scenario
	}
	ex := exporter.Export{Source: sourceName(c), Scenario: name, Analysis: a, Report: rep}
	if base != nil {
		ex.Baseline, ex.BaselineName, ex.Period = base.Analysis, base.Name, base.Kind == "period"
	}
	if c.crosstab != "" {
		if ex.CrossTab, err = crossTab(c, a); err != nil {
			return err
		}
	}
	switch {
	case c.into != "":
		return exportInto(c, w, ex, opt)
	case strings.EqualFold(filepath.Ext(c.output), ".csv"):
		err = exporter.WriteCustomersCSV(c.output, a, opt)
	default:
		err = exporter.WriteXLSX(c.output, ex, opt)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s (%d customers)\n", termtext.Clean(c.output), a.N)
	return nil
}

// baseline is the analysis --baseline (another scenario) or --compare-as-of
// (now's parameters at an earlier date) names; nil without either.
func baseline(c *config, e *model.Engine, now *model.Analysis) (*exporter.Baseline, error) {
	switch {
	case c.baseline != "":
		sc, err := importer.ReadScenarioFile(c.baseline)
		if err != nil {
			return nil, err
		}
		if c.asOf != model.NoDay && sc.Params.AsOf == model.NoDay {
			sc.Params.AsOf = c.asOf
		}
		a, err := e.Analyze(sc.Params)
		if err != nil {
			return nil, err
		}
		return &exporter.Baseline{Kind: "scenario", Name: c.baseline, Analysis: a}, nil
	case c.compareAsOf != model.NoDay:
		if c.compareAsOf >= now.AsOf {
			return nil, errUsage{fmt.Sprintf("--compare-as-of %s: want a date before the analysis date %s", c.compareAsOf, now.AsOf)}
		}
		p := now.Params.Clone()
		p.AsOf = c.compareAsOf
		a, err := e.Analyze(p)
		if err != nil {
			return nil, err
		}
		return &exporter.Baseline{Kind: "period", Name: "as of " + c.compareAsOf.String(), Analysis: a}, nil
	}
	return nil, nil
}

// exportInto writes a copy of the user's file with the segment columns.
func exportInto(c *config, w io.Writer, ex exporter.Export, opt exporter.WriteOptions) error {
	var names []string
	if c.schemes != "" {
		names = strings.Split(c.schemes, ",")
	}
	fields, err := exporter.IntoColumns(ex.Analysis, names)
	if err != nil {
		return errUsage{err.Error()}
	}
	res, err := intoFile(c, c.into, c.output, ex, fields, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s: %s with %d columns added to %s\n", termtext.Clean(c.output), termtext.Clean(c.into), len(fields), plural(res.Rows, "row"))
	for _, p := range res.Placed {
		fmt.Fprintf(w, "  %s\n", termtext.Clean(p))
	}
	if n := len(res.Missing); n > 0 {
		where := ":"
		if res.Workbook {
			where = " (all on the Data quality sheet):"
		}
		fmt.Fprintf(w, "  %s without a segment%s\n", plural(n, res.RowWord()), where)
		for _, r := range res.Missing[:min(n, 5)] {
			fmt.Fprintf(w, "    %s %d: %s\n", res.RowWord(), r.Row, termtext.Clean(r.Reason))
		}
		if n > 5 {
			fmt.Fprintf(w, "    … and %d more\n", n-5)
		}
	}
	return nil
}

// intoFile reads the user's file src as the loader does and writes its
// copy with the columns to out.
func intoFile(c *config, src, out string, ex exporter.Export, fields []model.Field, opt exporter.WriteOptions) (*exporter.IntoResult, error) {
	topt := c.opt
	topt.Sheet = "" // the whole workbook is copied; its tables are found again
	t, err := importer.ReadTarget(src, topt)
	if err != nil {
		return nil, err
	}
	return exporter.WriteInto(out, ex, t, fields, opt)
}

// writeInto is the view's `i`: the default columns into a copy of the
// ledger file.
func writeInto(c *config, out string, ex exporter.Export, opt exporter.WriteOptions) error {
	fields, err := exporter.IntoColumns(ex.Analysis, nil)
	if err != nil {
		return err
	}
	_, err = intoFile(c, c.files[0], out, ex, fields, opt)
	return err
}

// fileNamePart is a table name made safe as part of a file name ("query"
// for a query).
func fileNamePart(table string) string {
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		table = table[i+1:]
	}
	safe := strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, table)
	if safe == "" {
		return "query"
	}
	return safe
}

// intoTarget is the default name of the copy of src: src-segments with
// src's extension.
func intoTarget(src string) string {
	ext := filepath.Ext(src)
	return strings.TrimSuffix(src, ext) + "-segments" + ext
}

// plural is "1 row", "2 rows".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// view opens the interactive view.
func view(c *config) error {
	p, err := params(c)
	if err != nil {
		return err
	}
	exportPath, intoSource, intoPath := "demo-segments.xlsx", "", ""
	switch {
	case c.database():
		exportPath = fileNamePart(c.opt.Table) + "-segments.xlsx"
	case !c.demo:
		f := c.files[0]
		exportPath = strings.TrimSuffix(f, filepath.Ext(f)) + "-segments.xlsx"
		if len(c.files) == 1 {
			intoSource, intoPath = f, intoTarget(f)
		}
	}
	name := ""
	if c.scenario != "" {
		name = filepath.Base(c.scenario)
	}
	var rep *importer.Report // the last load's report, for the workbook's Data quality sheet
	load := func(ctx context.Context, asOf model.Day, progress func(tui.Progress)) (*model.Ledger, tui.LoadReport, error) {
		opt := c.opt
		opt.Context, opt.AsOf = ctx, asOf
		opt.Progress = func(p importer.Progress) {
			progress(tui.Progress{File: p.File, Sheet: p.Sheet, Unit: p.Unit, Done: p.Done, Total: p.Total, Rows: p.Rows})
		}
		var led *model.Ledger
		var err error
		if c.demo {
			led, rep, err = importer.LoadDemo(opt)
		} else {
			led, rep, err = importer.Load(c.files, opt)
		}
		// the view keeps the real ledger and masks it itself (M
		// switches); the report it shows is masked from the start
		shown := rep
		if c.mask {
			shown = rep.Masked()
		}
		return led, loadReport(shown), err
	}
	// a database summary is added up to the as-of date in the engine: a new
	// as-of date in the view queries it again
	var reloadAsOf func(context.Context, model.Day, func(tui.Progress)) (*model.Ledger, tui.LoadReport, error)
	var documents func(context.Context, string, model.Day, int) ([]tui.Document, error)
	if c.opt.Summary {
		reloadAsOf = load
		// the rows stayed in the engine: the card asks for a customer's
		// latest documents when it opens
		documents = func(ctx context.Context, id string, asOf model.Day, decimals int) ([]tui.Document, error) {
			opt := c.opt
			opt.AsOf = asOf
			docs, err := importer.RecentDocuments(ctx, c.files[0], opt, id, cardDocuments, decimals)
			out := make([]tui.Document, len(docs))
			for i, d := range docs {
				out[i] = tui.Document(d)
			}
			return out, err
		}
	}
	return tui.Run(tui.Config{
		Source: sourceShown(c, false), MaskedSource: sourceShown(c, true), Masked: c.mask, Demo: c.demo,
		Params: p, ScenarioName: name, Lang: c.lang, ExportPath: exportPath, IntoSource: intoSource, IntoPath: intoPath,
		Load: func(ctx context.Context, progress func(tui.Progress)) (*model.Ledger, tui.LoadReport, error) {
			return load(ctx, c.opt.AsOf, progress)
		},
		ReloadAsOf:   reloadAsOf,
		Documents:    documents,
		SaveScenario: func(path string, sc model.Scenario) error { return saveScenario(path, sc, c.files) },
		OpenScenario: importer.ReadScenarioFile,
		Export: func(req tui.ExportRequest) error {
			opt := exporter.WriteOptions{Force: req.Force, Inputs: c.files, Rows: req.Rows, Filter: req.Filter}
			src, shown := sourceShown(c, req.Masked), rep
			if req.Masked {
				shown = rep.Masked()
			}
			var err error
			switch {
			case req.Into:
				err = writeInto(c, req.Path, exporter.Export{Source: src, Scenario: req.Scenario, Analysis: req.Analysis, Report: shown}, opt)
			case strings.EqualFold(filepath.Ext(req.Path), ".csv"):
				err = exporter.WriteCustomersCSV(req.Path, req.Analysis, opt)
			default:
				err = exporter.WriteXLSX(req.Path, exporter.Export{Source: src, Scenario: req.Scenario, Analysis: req.Analysis,
					Report: shown, Baseline: req.Baseline, BaselineName: req.BaselineName}, opt)
			}
			if errors.Is(err, exporter.ErrExists) {
				return fmt.Errorf("%s: %w", req.Path, tui.ErrExists)
			}
			return err
		},
		Copy:     func(text string) error { termenv.DefaultOutput().Copy(text); return nil },
		Complete: completePath,
	})
}

// cardDocuments is how many documents a customer's card lists.
const cardDocuments = 8

// loadReport is what the view shows of the importer's report.
func loadReport(rep *importer.Report) tui.LoadReport {
	if rep == nil {
		return tui.LoadReport{}
	}
	out := tui.LoadReport{RowsRead: rep.RowsRead, RowsUsed: rep.RowsUsed, RowsRejected: rep.RowsRejected}
	for _, r := range rep.Reasons {
		line := fmt.Sprintf("%s: %d", r.Reason, r.Count)
		if len(r.Examples) > 0 {
			e := r.Examples[0]
			line += fmt.Sprintf(" (e.g. row %d, column %q, value %q)", e.Row, e.Column, e.Value)
		}
		out.Reasons = append(out.Reasons, line)
	}
	return out
}

// saveScenario writes a scenario file, never over an input.
func saveScenario(path string, sc model.Scenario, inputs []string) error {
	abs, _ := filepath.Abs(path)
	for _, in := range inputs {
		if a, _ := filepath.Abs(in); a == abs {
			return fmt.Errorf("%s is the input file: not written", path)
		}
	}
	var b strings.Builder
	if err := model.WriteScenario(&b, sc); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// completePath completes a file name to the longest common prefix of the
// matches (a folder gets its separator).
func completePath(p string) string {
	matches, _ := filepath.Glob(p + "*")
	if len(matches) == 0 {
		return p
	}
	prefix := matches[0]
	for _, mt := range matches[1:] {
		for !strings.HasPrefix(mt, prefix) {
			prefix = prefix[:len(prefix)-1]
		}
	}
	if len(matches) == 1 {
		if st, err := os.Stat(prefix); err == nil && st.IsDir() {
			prefix += string(filepath.Separator)
		}
	}
	return prefix
}

// printParameters lists every parameter with its default, unit and meaning.
func printParameters(w io.Writer) {
	p := model.DefaultParams()
	group := ""
	for _, s := range model.Specs {
		if s.Group != group {
			group = s.Group
			fmt.Fprintf(w, "\n%s\n", group)
		}
		v := s.Get(&p)
		if v == "" {
			v = "(unset)"
		}
		unit := ""
		if s.Unit != "" {
			unit = " [" + s.Unit + "]"
		}
		fmt.Fprintf(w, "  %-28s %s%s\n      %s\n", s.Key, v, unit, s.Help)
	}
}
