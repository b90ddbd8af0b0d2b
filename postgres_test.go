package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"ledgerlens/importer"
	"ledgerlens/internal/ledgergen"
	"ledgerlens/model"
)

// The database tests run against the throw-away PostgreSQL server that
// .ci/run starts (scripts/pgtemp; its URL, a superuser's, in
// LEDGERLENS_TEST_PG). Each test loads its ledgers into a schema of its own.

const testPGEnv = "LEDGERLENS_TEST_PG"

// testPostgres returns the server's URL, a connection, and a fresh schema
// dropped when the test ends.
func testPostgres(t *testing.T) (string, *pgx.Conn, string) {
	t.Helper()
	u := os.Getenv(testPGEnv)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: .ci/run starts PostgreSQL (scripts/pgtemp) for this test", testPGEnv)
		}
		t.Skipf("no PostgreSQL: start one with `scripts/pgtemp start DIR` and export %s=<the URL it prints>", testPGEnv)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("PostgreSQL of %s: %v", testPGEnv, err)
	}
	schema := strings.ToLower(regexp.MustCompile(`\W`).ReplaceAllString(t.Name(), "_"))
	mustExec(t, conn, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	mustExec(t, conn, "CREATE SCHEMA "+schema)
	t.Cleanup(func() {
		conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		conn.Close(ctx)
	})
	return u, conn, schema
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// typedTable loads text rows into table name, each column converted by its
// SQL expression in types (%s is the text column; NULL for an empty cell),
// text when absent: the ledger as a database would type it.
func typedTable(t *testing.T, conn *pgx.Conn, name string, header []string, rows [][]string, types map[string]string) {
	t.Helper()
	ctx := context.Background()
	var cols, exprs []string
	for _, h := range header {
		id := pgx.Identifier{h}.Sanitize()
		cols = append(cols, id+" text")
		e := "%s"
		if ty, ok := types[h]; ok {
			e = ty
		}
		exprs = append(exprs, fmt.Sprintf(e, "NULLIF("+id+", '')")+" AS "+id)
	}
	raw := name + "_raw"
	mustExec(t, conn, "CREATE TABLE "+raw+" ("+strings.Join(cols, ", ")+")")
	src := make([][]any, len(rows))
	for i, r := range rows {
		src[i] = make([]any, len(header))
		for j := range header {
			if j < len(r) {
				src[i][j] = r[j]
			} else {
				src[i][j] = ""
			}
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier(strings.Split(raw, ".")), header, pgx.CopyFromRows(src)); err != nil {
		t.Fatalf("copy into %s: %v", raw, err)
	}
	mustExec(t, conn, "CREATE TABLE "+name+" AS SELECT "+strings.Join(exprs, ", ")+" FROM "+raw)
	mustExec(t, conn, "DROP TABLE "+raw)
}

// dumpCSV writes the table's rows as PostgreSQL's COPY writes them: the CSV
// of the same rows.
func dumpCSV(t *testing.T, conn *pgx.Conn, table, path string) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := conn.PgConn().CopyTo(context.Background(), &buf, "COPY (SELECT * FROM "+table+") TO STDOUT WITH (FORMAT csv, HEADER true)"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readCSVFile(t *testing.T, path string) ([]string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], recs[1:]
}

// sharedLedgers loads the demo and every ledger of ../shared/data into
// typed tables of schema; it returns table → extra arguments of the command.
func sharedLedgers(t *testing.T, conn *pgx.Conn, schema string, onlyDemo bool) []string {
	t.Helper()
	dir := t.TempDir()
	demo := dir + "/demo.csv"
	os.WriteFile(demo, importer.DemoCSV(), 0o644)
	h, rows := readCSVFile(t, demo)
	money := "%s::numeric(14,2)"
	typedTable(t, conn, schema+".demo", h, rows, map[string]string{
		"Employees": "%s::integer", "Annual Revenue": money, "Total Assets": money, "Credit Limit": money,
		"Invoice Date": "%s::date", "Due Date": "%s::date", "Paid Date": "%s::date", "Amount": money, "Cost": money, "Paid Amount": money,
	})
	tables := []string{schema + ".demo"}
	if onlyDemo {
		return tables
	}
	data := "../shared/data"
	if _, err := os.Stat(data); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing", data)
		}
		t.Logf("%s absent: only the demo ledger is loaded", data)
		return tables
	}
	// receivables: US dates become dates, amounts numeric
	h, rows = readCSVFile(t, data+"/receivables/WA_Fn-UseC_-Accounts-Receivable.csv")
	us := "to_date(%s, 'MM/DD/YYYY')"
	typedTable(t, conn, schema+".receivables", h, rows, map[string]string{
		"countryCode": "%s::integer", "PaperlessDate": us, "InvoiceDate": us, "DueDate": us, "SettledDate": us,
		"InvoiceAmount": "%s::numeric(12,2)", "DaysToSettle": "%s::integer", "DaysLate": "%s::integer",
	})
	// CDNOW: whitespace-separated, no header; the columns get the field names
	f, err := os.Open(data + "/cdnow/CDNOW_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows = nil
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) == 5 {
			rows = append(rows, fs[1:])
		}
	}
	typedTable(t, conn, schema+".cdnow", []string{"customer_id", "date", "quantity", "amount"}, rows, map[string]string{
		"date": "to_date(%s, 'YYYYMMDD')", "quantity": "%s::integer", "amount": "%s::numeric(10,2)",
	})
	// Online Retail II: both sheets in one table, Excel date serials as timestamps
	wb, err := excelize.OpenFile(data + "/online-retail-ii/online_retail_II_subset_2sheets.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var header []string
	rows = nil
	for _, sh := range wb.GetSheetList() {
		rs, err := wb.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		header = rs[0]
		for _, r := range rs[1:] {
			for j := range r {
				if header[j] == "InvoiceDate" && r[j] != "" {
					v, err := strconv.ParseFloat(r[j], 64)
					if err != nil {
						t.Fatal(err)
					}
					tm, err := excelize.ExcelDateToTime(v, false)
					if err != nil {
						t.Fatal(err)
					}
					r[j] = tm.Format("2006-01-02 15:04:05")
				}
			}
			rows = append(rows, r)
		}
	}
	typedTable(t, conn, schema+".retail", header, rows, map[string]string{
		"Quantity": "%s::integer", "InvoiceDate": "%s::timestamp", "Price": "%s::numeric(12,2)",
	})
	return append(tables, schema+".receivables", schema+".cdnow", schema+".retail")
}

// A ledger read from PostgreSQL gives the same analysis as the CSV of the
// same rows: the same inspect totals, the same report --format json, the
// same workbook (but for the name of the source and the data-quality sheet,
// whose rows are numbered in the result rather than the file).
func TestPostgresSource(t *testing.T) {
	u, conn, schema := testPostgres(t)
	tables := sharedLedgers(t, conn, schema, false)
	dir := t.TempDir()
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			file := dir + "/" + table + ".csv"
			dumpCSV(t, conn, table, file)
			db := []string{u, "--table", table}
			dbName := importer.RedactURL(u) + " table " + table

			code, dbOut, stderr := runCLI(append([]string{"inspect", "--show-sql"}, db...)...)
			if code != 0 {
				t.Fatalf("inspect: exit %d: %s", code, stderr)
			}
			_, fileOut, _ := runCLI("inspect", file)
			if !strings.Contains(dbOut, `"customer_id" → customer_id`) && !strings.Contains(dbOut, "→ customer_id") {
				t.Errorf("inspect shows no mapping:\n%s", dbOut)
			}
			if !strings.Contains(dbOut, "SET LOCAL statement_timeout") || !strings.Contains(dbOut, "FROM "+pgx.Identifier(strings.Split(table, ".")).Sanitize()) {
				t.Errorf("inspect --show-sql shows no SQL:\n%s", dbOut)
			}
			pw, _ := url.Parse(u)
			if p, ok := pw.User.Password(); ok && strings.Contains(dbOut, p) {
				t.Error("inspect prints the password")
			}
			totals := func(s string) string { // from "Dates in the files" on
				_, after, _ := strings.Cut(s, "\nDates in the files")
				return after
			}
			rowsLine := regexp.MustCompile(`(?m)^Rows .*$`)
			if totals(dbOut) == "" || totals(dbOut) != totals(fileOut) || rowsLine.FindString(dbOut) != rowsLine.FindString(fileOut) {
				t.Errorf("inspect totals differ:\ndatabase:\n%s\nCSV:\n%s", dbOut, fileOut)
			}

			_, dbJSON, stderr := runCLI(append([]string{"report", "--format", "json"}, db...)...)
			_, fileJSON, _ := runCLI("report", "--format", "json", file)
			if dbJSON == "" {
				t.Fatalf("report: %s", stderr)
			}
			if strings.ReplaceAll(dbJSON, jsonString(dbName), jsonString(file)) != fileJSON {
				t.Errorf("report --format json from the database differs from the CSV's")
			}

			dbX, fileX := dir+"/"+table+"-db.xlsx", dir+"/"+table+"-csv.xlsx"
			if code, _, stderr := runCLI(append([]string{"export", "-o", dbX}, db...)...); code != 0 {
				t.Fatalf("export: %s", stderr)
			}
			runCLI("export", file, "-o", fileX)
			a, b := workbookCells(t, dbX, dbName), workbookCells(t, fileX, file)
			if len(a) == 0 || len(a) != len(b) {
				t.Fatalf("workbooks have %d and %d sheets", len(a), len(b))
			}
			for sheet, cells := range b {
				if sheet == "Data quality" {
					continue
				}
				if a[sheet] != cells {
					t.Errorf("sheet %q differs between the database's and the CSV's export", sheet)
				}
			}
		})
	}
}

func jsonString(s string) string { return strconv.Quote(s) }

// workbookCells is every sheet's cell values, the source's name replaced.
func workbookCells(t *testing.T, path, source string) map[string]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, r := range rows {
			b.WriteString(strings.ReplaceAll(strings.Join(r, "\t"), source, "SOURCE"))
			b.WriteByte('\n')
		}
		out[sh] = b.String()
	}
	return out
}

// Nothing a user types or a column is called becomes SQL, every failure is
// one line and exit status 1, and the password never shows.
func TestPostgresSafety(t *testing.T) {
	u, conn, schema := testPostgres(t)
	tbl := schema + ".ledger"
	mustExec(t, conn, "CREATE TABLE "+tbl+` (customer text, "date" date, "amount""; DROP TABLE `+tbl+"; --\" numeric)")
	mustExec(t, conn, "INSERT INTO "+tbl+" VALUES ('A', '2024-01-05', 10), ('A', '2024-02-05', 20), ('B', '2024-01-09', 5)")
	mustExec(t, conn, "CREATE SEQUENCE "+schema+".seq")
	parsed, _ := url.Parse(u)
	password, _ := parsed.User.Password()
	wrong := *parsed
	wrong.User = url.UserPassword(parsed.User.Username(), "not-"+password)
	unreachable := *parsed
	unreachable.Host = "127.0.0.1:1"
	amountCol := `amount"; DROP TABLE ` + tbl + "; --"

	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"column name with quotes and a semicolon", []string{u, "--table", tbl, "--map", "amount=" + amountCol}, 0, ""},
		{"table name with a semicolon", []string{u, "--table", tbl + "; DROP TABLE ledger"}, 1, "does not exist"},
		{"table name with quotes", []string{u, "--table", schema + `.ledger" ; DROP TABLE ledger; --`}, 1, "does not exist"},
		{"table name with more dots", []string{u, "--table", tbl + "; DROP TABLE " + tbl}, 1, "SCHEMA.TABLE"},
		{"--map naming no column", []string{u, "--table", tbl, "--map", `amount=x"); DROP TABLE ` + tbl + "; --"}, 1, "no column"},
		{"two statements in --query", []string{u, "--query", "SELECT 1) s; DROP TABLE " + tbl + "; SELECT * FROM (SELECT 1"}, 1, "multiple commands"},
		{"a query that writes", []string{u, "--query", "SELECT *, nextval('" + schema + ".seq') FROM " + tbl}, 1, "read-only transaction"},
		{"statement timeout", []string{u, "--query", "SELECT *, pg_sleep(0.4) FROM " + tbl, "--timeout", "500ms"}, 1, "statement timeout (500ms"},
		{"refused password", []string{wrong.String(), "--table", tbl}, 1, "password authentication failed"},
		{"unreachable server", []string{unreachable.String(), "--table", tbl}, 1, "not reachable"},
		{"bad URL", []string{"postgres://" + parsed.User.String() + "@127.0.0.1:port/postgres", "--table", tbl}, 1, "not a valid database URL"},
		{"bad URL parameter", []string{u + "&sslmode=sometimes", "--table", tbl}, 1, "not a valid database URL"},
		{"no relation", []string{u}, 1, "--table"},
		{"--table with a file", []string{"testdata/en_headers.csv", "--table", "x"}, 2, "database source"},
		{"--columns with a database", []string{u, "--table", tbl, "--columns", "customer_id,date,amount"}, 1, "--map"},
	} {
		code, out, stderr := runCLI(append([]string{"inspect"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%s: exit %d, %q; want %d and %q", tc.name, code, stderr, tc.code, tc.msg)
		}
		if code == 1 && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: error is not one line: %q", tc.name, stderr)
		}
		if strings.Contains(out+stderr, password) {
			t.Errorf("%s: the password is printed", tc.name)
		}
		if tc.code == 0 && !regexp.MustCompile(`Total amount +35\.00\n`).MatchString(out) {
			t.Errorf("%s: inspect =\n%s", tc.name, out)
		}
	}
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+tbl).Scan(&n); err != nil || n != 3 {
		t.Errorf("the table after the attempts: %d rows, %v", n, err)
	}
}

// --summary: the engine's GROUP BY against the summary's definition
// (importer/pgsummary.go) computed here from the CSV of the same rows and
// written as a customer-level file: both give the same report. Only one row
// per customer crosses the wire.
// TestPostgresSummary: with --summary the engine adds up the customers,
// the receivables, the cohorts and the purchase days (one row per customer,
// per open invoice, per day, per month) and the report is the report of the
// same rows read from CSV byte for byte (but the source's name), under
// several parameter sets, and so is the workbook.
func TestPostgresSummary(t *testing.T) {
	u, conn, schema := testPostgres(t)
	tables := sharedLedgers(t, conn, schema, false)
	// and a generated ledger: credit notes before a customer's first
	// purchase, several invoices a day, a third of the due dates missing
	// (their terms are a parameter)
	var gen bytes.Buffer
	if err := ledgergen.WriteCSV(&gen, 60_000, 1); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := conn.Exec(ctx, "CREATE TABLE "+schema+`.generated (invoice_no text, customer_id text, customer_name text,
		invoice_date date, due_date date, paid_date date, amount numeric(14,2), cost numeric(14,2), region text, industry text)`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.PgConn().CopyFrom(ctx, &gen, "COPY "+schema+".generated FROM STDIN WITH (FORMAT csv, HEADER true)"); err != nil {
		t.Fatal(err)
	}
	mustExec(t, conn, "UPDATE "+schema+".generated SET due_date = NULL WHERE right(invoice_no, 1) IN ('1', '4', '7')")
	tables = append(tables, schema+".generated")
	// a paid date the engine cannot compare: the receivables are left out,
	// and both the load and the analysis say why
	mustExec(t, conn, "CREATE TABLE "+schema+".textpaid AS SELECT customer_id, invoice_date, amount, paid_date::text AS paid_date FROM "+schema+".generated LIMIT 2000")
	if _, out, _ := runCLI("inspect", u, "--table", schema+".textpaid", "--summary"); !strings.Contains(out, "but paid_date is type 25, not a date or timestamp: aging, ECL, DSO and the credit score are left out") {
		t.Errorf("a text paid date under --summary: %s", out)
	}
	if _, js, _ := runCLI("report", "--format", "json", u, "--table", schema+".textpaid", "--summary"); !strings.Contains(js, `"available": false`) {
		t.Errorf("a text paid date under --summary: the receivables are not n/a")
	}
	dir := t.TempDir()
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			file := dir + "/" + table + ".csv"
			dumpCSV(t, conn, table, file)
			dbName := importer.RedactURL(u) + " table " + table
			variants := [][]string{nil, {"--set", "clv_model=simple"}, {"--set", "cohort_period=quarter"},
				{"--set", "aging_basis=invoice", "--set", "dso_method=simple", "--set", "default_terms_days=10"},
				{"--set", "cts_per_order=1.5", "--set", "cts_per_line=2", "--set", "cts_per_return=5", "--set", "cts_return_value_pct=0.1"}}
			switch {
			case strings.HasSuffix(table, ".demo"):
				// --as-of goes into the engine: later rows are not added up
				variants = append(variants, []string{"--as-of", "2024-12-31"})
			case strings.HasSuffix(table, ".receivables"):
				// every invoice has a due date: the engine counts the late ones
				variants = append(variants, []string{"--set", "cts_per_late_invoice=3"})
			case strings.HasSuffix(table, ".generated"):
				// what needs the rows says so instead of giving a figure
				for set, want := range map[string]string{
					"cts_per_late_invoice=3":     "invoices have no due date, and whether they were late depends on default_terms_days",
					"rfm_window_days=365":        "R, F and M cover the whole history; rfm_window_days = 365 needs dated documents",
					"calibration_end=2024-06-30": "holdout validation needs the purchase dates of the holdout period",
					"lossrate_source=history":    "roll rates need the ledger's rows",
				} {
					if _, js, _ := runCLI("report", "--format", "json", u, "--table", table, "--summary", "--set", set); !strings.Contains(js, want) {
						t.Errorf("--summary --set %s: no warning %q", set, want)
					}
				}
			}
			for _, v := range variants {
				code, dbJSON, stderr := runCLI(append([]string{"report", "--format", "json", u, "--table", table, "--summary"}, v...)...)
				if code != 0 {
					t.Fatalf("report --summary %v: %s", v, stderr)
				}
				_, rowsJSON, stderr := runCLI(append([]string{"report", "--format", "json", file}, v...)...)
				if db := strings.ReplaceAll(dbJSON, jsonString(dbName), jsonString(file)); db != rowsJSON {
					d := jsonDiff(t, db, rowsJSON)
					t.Errorf("report --summary %v differs from the rows' report (%s) at %d places: %s", v, stderr, len(d), strings.Join(d[:min(len(d), 8)], "; "))
				}
			}
			if strings.HasSuffix(table, ".demo") || strings.HasSuffix(table, ".generated") {
				// and the workbook: every sheet the same but what says how the
				// source was read (the summary reads one row per customer)
				dbX, fileX := dir+"/"+table+"-summary.xlsx", dir+"/"+table+"-rows.xlsx"
				if code, _, stderr := runCLI("export", u, "--table", table, "--summary", "-o", dbX); code != 0 {
					t.Fatalf("export --summary: %s", stderr)
				}
				runCLI("export", file, "-o", fileX)
				a, b := workbookCells(t, dbX, dbName), workbookCells(t, fileX, file)
				read := regexp.MustCompile(`(?m)^Rows (read|used)\t.*\n`)
				a["Summary"], b["Summary"] = read.ReplaceAllString(a["Summary"], ""), read.ReplaceAllString(b["Summary"], "")
				if len(a) == 0 || len(a) != len(b) {
					t.Fatalf("workbooks have %d and %d sheets", len(a), len(b))
				}
				for sheet, cells := range b {
					if sheet != "Data quality" && a[sheet] != cells {
						t.Errorf("sheet %q of export --summary differs from the rows' export", sheet)
					}
				}
			}
			// inspect: the same headline totals at the as-of date
			_, rowsText, _ := runCLI("inspect", file)
			_, sumText, _ := runCLI("inspect", u, "--table", table, "--summary")
			for _, label := range []string{"Customers", "Total amount", "Total cost", "Open invoices (gross)", "Unapplied credits", "Net receivables"} {
				line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(label) + ` +(.*)$`)
				if g, w := line.FindStringSubmatch(sumText), line.FindStringSubmatch(rowsText); (g == nil) != (w == nil) || g != nil && g[1] != w[1] {
					t.Errorf("inspect --summary %s: %q, the rows' %q", label, g, w)
				}
			}
			_, js, _ := runCLI("inspect", "--format", "json", u, "--table", table)
			_, sjs, _ := runCLI("inspect", "--format", "json", u, "--table", table, "--summary")
			var rows, sum struct {
				Form  string `json:"form"`
				Bytes int64  `json:"bytes_received"`
			}
			json.Unmarshal([]byte(js), &rows)
			json.Unmarshal([]byte(sjs), &sum)
			// what the summary transfers grows with the customers, open
			// invoices, days and months, not the rows: a ledger of many rows
			// per customer takes a fraction (CDNOW's sample, three rows a
			// customer, takes about what its rows take)
			many := strings.HasSuffix(table, ".demo") || strings.HasSuffix(table, ".generated")
			if sum.Form != importer.FormCustomerLevel || sum.Bytes == 0 || many && sum.Bytes*2 >= rows.Bytes {
				t.Errorf("summary: form %q, %d bytes received (rows: %d)", sum.Form, sum.Bytes, rows.Bytes)
			}
			if !strings.HasSuffix(table, ".demo") {
				return
			}
			if _, ins, _ := runCLI("inspect", u, "--table", table, "--summary", "--as-of", "2024-12-31"); !strings.Contains(ins, "dated after the as-of date 2024-12-31: the engine left them out") {
				t.Error("the rows left in the engine are not reported")
			}
		})
	}
}

// jsonDiff lists the paths where two JSON documents differ.
func jsonDiff(t *testing.T, a, b string) []string {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("%v: %.200s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("%v: %.200s", err, b)
	}
	var out []string
	var walk func(path string, x, y any)
	walk = func(path string, x, y any) {
		switch xv := x.(type) {
		case map[string]any:
			yv, ok := y.(map[string]any)
			if !ok {
				break
			}
			for _, k := range slices.Sorted(maps.Keys(xv)) {
				walk(path+"."+k, xv[k], yv[k])
			}
			for _, k := range slices.Sorted(maps.Keys(yv)) {
				if _, ok := xv[k]; !ok {
					out = append(out, path+"."+k+" only in the second")
				}
			}
			return
		case []any:
			yv, ok := y.([]any)
			if !ok || len(xv) != len(yv) {
				break
			}
			for i := range xv {
				walk(fmt.Sprintf("%s[%d]", path, i), xv[i], yv[i])
			}
			return
		}
		if xs, ys := fmt.Sprint(x), fmt.Sprint(y); xs != ys {
			out = append(out, fmt.Sprintf("%s: %.60s | %.60s", path, xs, ys))
		}
	}
	walk("", x, y)
	return out
}

func TestPostgresDocuments(t *testing.T) {
	u, conn, schema := testPostgres(t)
	table := sharedLedgers(t, conn, schema, true)[0]
	led, _, err := importer.LoadDemo(importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, asOf := range []model.Day{model.NoDay, model.DayFromCivil(2024, 12, 31)} {
		cut, at := led, model.MaxDate(led)
		if asOf != model.NoDay {
			cut, _ = led.Until(asOf)
			at = asOf
		}
		b := model.Aggregate(cut, at)
		checked := 0
		for c := 0; c < cut.Customers.Len(); c += 61 {
			id := cut.Customers.ID[c]
			docs, err := importer.RecentDocuments(ctx, u, importer.Options{Table: table, AsOf: asOf}, id, 8, cut.Decimals)
			if err != nil {
				t.Fatal(err)
			}
			var want, got []string
			for k := b.DocStart[c+1] - 1; k >= b.DocStart[c] && k >= b.DocStart[c+1]-8; k-- {
				want = append(want, fmt.Sprint(b.DocDate[k], b.DocNet[k], b.LinesOf(k)))
			}
			for i, d := range docs {
				got = append(got, fmt.Sprint(d.Date, d.Net, d.Lines))
				if i > 0 && d.Date > docs[i-1].Date {
					t.Errorf("%s: documents not newest first", id)
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("as of %s, %s: documents %v, from the rows %v", asOf, id, got, want)
			}
			checked++
		}
		if checked < 20 {
			t.Fatalf("only %d customers checked", checked)
		}
	}
	evil := "C00001' OR '1'='1"
	if docs, err := importer.RecentDocuments(ctx, u, importer.Options{Table: table}, evil, 8, 2); err != nil || len(docs) != 0 {
		t.Errorf("id %q: %d documents, %v", evil, len(docs), err)
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n == 0 {
		t.Errorf("table after the injection attempt: %d rows, %v", n, err)
	}
}
