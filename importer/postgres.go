package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"ledgerlens/model"
)

// A PostgreSQL relation (a table, a view or the user's query) is read like a
// file: its column names are the header, recognised by the same synonyms,
// and its rows, cast to text in the engine, go through the same parsing.
// Everything runs in one read-only, repeatable-read transaction (the header
// scan and the read see the same snapshot) with a statement timeout; the
// only identifiers put into SQL are quoted by the driver.

// PostgreSQL type OIDs the reading treats apart (pg_type.oid).
const (
	oidInt8        = 20
	oidInt2        = 21
	oidInt4        = 23
	oidMoney       = 790
	oidDate        = 1082
	oidTimestamp   = 1114
	oidTimestampTZ = 1184
	oidNumeric     = 1700
)

// DefaultStatementTimeout bounds each query when --timeout is not given.
const DefaultStatementTimeout = 15 * time.Minute

// connectTimeout bounds the connection when the URL sets no connect_timeout.
const connectTimeout = 15 * time.Second

// IsDatabaseURL tells a database source from a file name.
func IsDatabaseURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

var brokenUserinfo = regexp.MustCompile(`:[^:@/]*@`)

// RedactURL is the URL as it may be shown: password hidden, in the user
// information and in a password= parameter.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return brokenUserinfo.ReplaceAllLiteralString(s, ":xxxxx@")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// dbSource is one open connection and transaction for the length of a load.
type dbSource struct {
	conn     *pgx.Conn
	cfg      *pgx.ConnConfig // how conn was made (siblings are made alike)
	tx       pgx.Tx
	ctx      context.Context
	cancel   context.CancelFunc
	relation string // SQL for the source relation: a quoted name or (query) AS src
	cols     dbColumns
	label    string // what messages call it
	timeout  time.Duration
	received *atomic.Int64
	sql      []string // every statement run, for --show-sql
	warnings []string
	after    func(*model.Ledger) error // with --summary: what the engine adds up once the summary is read
}

// timeoutSQL bounds each statement of the transaction by the timeout.
func (d *dbSource) timeoutSQL() string {
	return fmt.Sprintf("SET LOCAL statement_timeout = %d", d.timeout.Milliseconds())
}

// Close ends the transaction and the connection.
func (d *dbSource) Close() error {
	d.tx.Rollback(d.ctx) // read-only: nothing to commit
	err := d.conn.Close(context.Background())
	d.cancel()
	return err
}

// planDatabase connects, finds the source relation's columns and plans it
// like a file whose first row is the column names.
func planDatabase(src string, opt Options) ([]*plan, io.Closer, error) {
	shown := RedactURL(src)
	if opt.Columns != nil {
		return nil, nil, fmt.Errorf("--columns: a database relation has column names; use --map field=column")
	}
	if opt.Sheet != "" {
		return nil, nil, fmt.Errorf("--sheet: %s is a database, not a workbook", shown)
	}
	if n := len(strings.Split(opt.Table, ".")); n > 2 {
		return nil, nil, fmt.Errorf("--table %q: want TABLE or SCHEMA.TABLE", opt.Table)
	}
	if (opt.Table == "") == (opt.Query == "") {
		return nil, nil, fmt.Errorf("%s: name the ledger's relation with --table NAME (schema.table) or --query 'SELECT …'", shown)
	}
	if _, err := url.Parse(src); err != nil {
		return nil, nil, fmt.Errorf("%s: not a valid database URL", shown)
	}
	cfg, err := pgx.ParseConfig(src)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a valid database URL: %s", shown, parseProblem(err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	// dates and timestamps come out as ISO text; every transaction is read-only
	cfg.RuntimeParams["DateStyle"] = "ISO, YMD"
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["application_name"] = "ledgerlens"
	received := &atomic.Int64{}
	dial := cfg.DialFunc
	cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, n: received}, nil
	}
	parent := opt.Context
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithCancel(parent)
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("cannot connect to %s: %s", shown, dbProblem(err))
	}
	d := &dbSource{conn: conn, cfg: cfg, ctx: ctx, cancel: cancel, timeout: opt.Timeout, received: received}
	if d.timeout <= 0 {
		d.timeout = DefaultStatementTimeout
	}
	fail := func(err error) ([]*plan, io.Closer, error) {
		conn.Close(context.Background())
		cancel()
		return nil, nil, err
	}
	d.tx, err = conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead})
	if err != nil {
		return fail(fmt.Errorf("%s: %s", shown, dbProblem(err)))
	}
	limit := d.timeoutSQL()
	if _, err := d.tx.Exec(ctx, limit); err != nil {
		return fail(fmt.Errorf("%s: %s", shown, dbProblem(err)))
	}
	d.sql = append(d.sql, limit)
	// Rows in the table's stored order, the same on every run: no parallel
	// scan and no synchronised scan starting mid-table. Engines that speak the
	// protocol without these settings refuse them: each is tried under a
	// savepoint, and the report says when the order is the engine's.
	for _, s := range []string{"SET LOCAL max_parallel_workers_per_gather = 0", "SET LOCAL synchronize_seqscans = off"} {
		sp, err := d.tx.Begin(ctx)
		if err != nil {
			return fail(fmt.Errorf("%s: %s", shown, dbProblem(err)))
		}
		if _, err := sp.Exec(ctx, s); err != nil {
			sp.Rollback(ctx)
			d.warnings = append(d.warnings, fmt.Sprintf("the server refused %q (%s): rows come in the order it sends them, which may change between runs, and the numbers of rejected rows with it", s, dbProblem(err)))
			continue
		}
		sp.Commit(ctx)
		d.sql = append(d.sql, s)
	}
	if opt.Table != "" {
		d.relation = pgx.Identifier(strings.Split(opt.Table, ".")).Sanitize()
		d.label = "table " + opt.Table
	} else {
		d.relation = "(" + strings.TrimRight(strings.TrimSpace(opt.Query), ";") + ") AS src"
		d.label = "query"
	}
	name := shown + " " + d.label
	cols, err := d.columns()
	if err != nil {
		return fail(fmt.Errorf("%s: %s", name, err))
	}
	d.cols = cols
	total := d.estimateRows(opt.Table)
	p := &plan{file: name}
	p.rep.Relation = d.label
	selectSQL := "SELECT " + strings.Join(cols.exprs, ", ") + " FROM " + d.relation
	scanned := false
	p.open = func() (table, error) {
		q := selectSQL
		if !scanned {
			// the header scan needs only the first rows
			q += fmt.Sprintf(" LIMIT %d", headerScan)
			scanned = true
		}
		rows, err := d.tx.Query(d.ctx, q)
		if err != nil {
			return nil, fmt.Errorf("%s: %s", name, d.problem(err))
		}
		d.sql = append(d.sql, q)
		return &dbTable{rows: rows, names: cols.names, total: total, d: d, name: name}, nil
	}
	if err := p.detect(opt); err != nil {
		return fail(err)
	}
	if opt.Summary {
		sp, err := d.summaryPlan(p, cols, name, opt)
		if err != nil {
			return fail(err)
		}
		p = sp
	}
	return []*plan{p}, d, nil
}

// dbColumns are the relation's column names and the text expression that
// selects each.
type dbColumns struct {
	names [][]byte
	exprs []string
	oids  []uint32 // the columns' types
}

// columns reads the relation's columns (no rows) and casts each to the text
// the file parsers read: ISO dates and timestamps, plain numbers.
func (d *dbSource) columns() (dbColumns, error) {
	q := "SELECT * FROM " + d.relation + " LIMIT 0"
	rows, err := d.tx.Query(d.ctx, q)
	if err != nil {
		return dbColumns{}, errors.New(d.problem(err))
	}
	fields := rows.FieldDescriptions()
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbColumns{}, errors.New(d.problem(err))
	}
	d.sql = append(d.sql, q)
	var c dbColumns
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f.Name] {
			return dbColumns{}, fmt.Errorf("column %q appears twice: give each column its own name (AS …)", f.Name)
		}
		seen[f.Name] = true
		id := pgx.Identifier{f.Name}.Sanitize()
		expr := id + "::text"
		switch f.DataTypeOID {
		case oidDate:
			expr = "to_char(" + id + ", 'YYYY-MM-DD')"
		case oidTimestamp, oidTimestampTZ: // timestamptz in the session's time zone
			expr = "to_char(" + id + ", 'YYYY-MM-DD HH24:MI:SS')"
		case oidMoney: // without currency sign and separators
			expr = id + "::numeric::text"
		}
		c.names = append(c.names, []byte(f.Name))
		c.exprs = append(c.exprs, expr)
		c.oids = append(c.oids, f.DataTypeOID)
	}
	if len(c.names) == 0 {
		return dbColumns{}, errors.New("the relation has no columns")
	}
	return c, nil
}

// estimateRows is the planner's row count of a table (for progress and to
// size the columns once); 0 when unknown.
func (d *dbSource) estimateRows(table string) int64 {
	if table == "" {
		return 0
	}
	var n float64
	q := "SELECT reltuples::float8 FROM pg_class WHERE oid = $1::regclass"
	if err := d.tx.QueryRow(d.ctx, q, pgx.Identifier(strings.Split(table, ".")).Sanitize()).Scan(&n); err != nil || n < 0 {
		return 0
	}
	d.sql = append(d.sql, q)
	return int64(n)
}

// problem is one line for an error from the server.
func (d *dbSource) problem(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "57014" && d.ctx.Err() == nil {
		return fmt.Sprintf("the query ran longer than the statement timeout (%s; --timeout sets it)", d.timeout)
	}
	if errors.As(err, &pe) && pe.Code == "42601" && d.label == "query" {
		return pe.Message + " (--query is read as a subquery: one SELECT, no semicolons)"
	}
	return dbProblem(err)
}

// dbProblem is the part of a driver error that says what went wrong, on one
// line, never with a password.
func dbProblem(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Code == "42P01" || pe.Code == "3F000" {
			msg += " (is the name right, and does this user see it? schema.table names a schema)"
		}
		return msg
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
		return "the server did not answer in time"
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return "server not reachable: " + oe.Err.Error()
	}
	// the innermost cause, without the driver's "failed to connect to …" wrapping
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// parseProblem names the bad setting of a URL without repeating the URL.
func parseProblem(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "`: "); i >= 0 {
		msg = msg[i+3:]
	}
	if i := strings.Index(msg, " ("); i >= 0 {
		msg = msg[:i] // the wrapped cause may quote the URL, password and all
	}
	return msg
}

// dbTable is the result of one query: the column names first, as a file's
// header row (row 0), then the rows numbered from 1 in the order read.
type dbTable struct {
	rows  pgx.Rows
	names [][]byte
	n     int // rows returned, header included
	total int64
	d     *dbSource
	name  string
}

func (t *dbTable) Next() ([][]byte, int, error) {
	if t.n == 0 {
		t.n++
		return t.names, 0, nil
	}
	if !t.rows.Next() {
		if err := t.rows.Err(); err != nil {
			return nil, t.n, errors.New(t.d.problem(err))
		}
		return nil, t.n, io.EOF
	}
	rec := t.rows.RawValues()
	t.n++
	return rec, t.n - 1, nil
}

func (t *dbTable) Close() error {
	t.rows.Close()
	return nil
}

// countingConn counts the bytes received from the server.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}
