package tui

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/mattn/go-runewidth"

	"ledgerlens/model"
	"ledgerlens/termtext"
)

// gridCol is a column of a grid: its text per row and its sort key.
type gridCol struct {
	id    string // stable name (hide, reorder, sort survive a refresh)
	title string
	right bool
	max   int                   // cap on the width (0: 40)
	text  func(r int32) string  // what the cell shows
	sort  func(r int32) float64 // nil: sorted by text
	field *model.Field          // customer field of the column (F, totals); nil: none
}

// grid is the table of every pane: a row and a column cursor, horizontal
// scroll with the first column frozen, columns hidden and moved, sort by
// the column under the cursor, a live filter, n/N to the next match, a
// totals row for the rows shown, F for a frequency table, : to jump, y to
// copy. Rows are int32 indices the owner's columns understand (customers,
// segments, list items).
type grid struct {
	sh     *Shared
	cols   []gridCol
	all    []int32 // rows before filter and sort, in their natural order
	rows   []int32 // rows shown
	hidden map[string]bool
	widths map[string]int
	totals map[string]string // the totals row of the rows shown, by column

	// set by the owner
	filter  func(q string, all []int32) ([]int32, error) // nil: / only finds
	total   func(c gridCol, rows []int32) string         // nil: no totals row
	custOf  func(r int32) int32                          // nil: rows are not customers
	onEnter func(r int32) tea.Cmd

	query, lastGood, qerr string
	words                 []string
	cur, off              int
	col, colOff           int
	sortID                string
	desc                  bool
	w, h                  int

	input     textinput.Model
	inputKind rune // '/' or ':' while typing

	sorted   []int32 // all in the sort order (sortedAll)
	sortedBy string

	// a large table filters once typing pauses (gridFilterMsg)
	filterSeq     int
	filterPending bool
}

// From this many rows a table filters by what is typed once typing pauses
// for typingPause, not at every key: a pass over a million customers takes
// long enough that filtering at each key would hold the keys back.
const (
	pauseFilterRows = 50_000
	typingPause     = 200 * time.Millisecond
)

// gridFilterMsg tells grid g that typing may have paused: it filters when
// no key came after the one that sent the message (seq).
type gridFilterMsg struct {
	g   *grid
	seq int
}

// paused filters by what was typed when msg is from the last key typed.
func (g *grid) paused(msg gridFilterMsg) {
	if msg.seq == g.filterSeq && g.filterPending {
		g.apply()
	}
}

func newGrid(sh *Shared) *grid {
	in := textinput.New()
	in.Cursor.SetMode(cursor.CursorStatic)
	in.Prompt = ""
	return &grid{sh: sh, hidden: map[string]bool{}, widths: map[string]int{}, input: in, colOff: 1}
}

// setData replaces the columns and rows (after a recompute) and keeps the
// user's cursor, sort, filter, hidden and moved columns.
func (g *grid) setData(cols []gridCol, all []int32) {
	// keep the user's column order when the columns are the same ones
	if len(g.cols) == len(cols) {
		pos := map[string]int{}
		for i, c := range g.cols {
			pos[c.id] = i
		}
		same := true
		for _, c := range cols {
			_, ok := pos[c.id]
			same = same && ok
		}
		if same {
			slices.SortFunc(cols, func(x, y gridCol) int { return pos[x.id] - pos[y.id] })
		}
	}
	g.cols, g.all, g.sorted = cols, all, nil
	g.widths = map[string]int{}
	g.apply()
}

// widthOf is a column's width, fixed from all rows so that it does not jump
// when the user sorts, filters or scrolls. It is measured in Update the
// first time the column comes on screen (clamp), not for every column of
// every recompute.
func (g *grid) widthOf(c gridCol) int {
	if w, ok := g.widths[c.id]; ok {
		return w
	}
	g.measureAll([]gridCol{c})
	return g.widths[c.id]
}

// bigTable is the number of rows from which a table measures its columns,
// sums its totals and sorts on every core: at a million customers one
// column's pass takes tens of milliseconds, and the view waits for them.
const bigTable = 20_000

// eachCore runs f(i) for i < n, on every core for a big table: f reads the
// table and the analysis, which nothing changes meanwhile (the update loop
// waits), and writes only its own result.
func (g *grid) eachCore(n int, f func(i int)) {
	if n < 2 || len(g.all) < bigTable {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// measureAll measures the columns not measured yet, side by side.
func (g *grid) measureAll(cols []gridCol) {
	var todo []gridCol
	for _, c := range cols {
		if _, ok := g.widths[c.id]; !ok && !slices.ContainsFunc(todo, func(t gridCol) bool { return t.id == c.id }) {
			todo = append(todo, c)
		}
	}
	type measured struct {
		w       int
		total   string
		isTotal bool
	}
	out := make([]measured, len(todo))
	g.eachCore(len(todo), func(i int) { out[i].w, out[i].total, out[i].isTotal = g.measure(todo[i]) })
	for i, c := range todo {
		g.widths[c.id] = out[i].w
		if out[i].isTotal {
			g.totals[c.id] = out[i].total
		}
	}
}

// textSample is how many rows a text column's width is taken from: text is
// capped at the column's maximum anyway, and a rare longer value ends in ….
const textSample = 4096

// measure is a column's width: a number is as wide as its largest or
// smallest value (a row without one shows n/a; n/a sorts as −∞), text as
// its widest value in an even sample of the rows, up to the column's cap.
// The totals cell over every row, which it measures too, is the rows'
// total when no filter is set (isTotal).
func (g *grid) measure(c gridCol) (w int, total string, isTotal bool) {
	w = runewidth.StringWidth(c.title) + 1 // room for the sort arrow
	if c.sort != nil && c.right {
		lo, hi, missing := int32(-1), int32(-1), false
		var loV, hiV float64
		for _, r := range g.all {
			v := c.sort(r)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				missing = true
				continue
			}
			if lo < 0 || v < loV {
				lo, loV = r, v
			}
			if hi < 0 || v > hiV {
				hi, hiV = r, v
			}
		}
		for _, r := range []int32{lo, hi} {
			if r >= 0 {
				w = max(w, runewidth.StringWidth(c.text(r)))
			}
		}
		if missing {
			w = max(w, runewidth.StringWidth(g.sh.t("n/a")))
		}
	} else {
		limit := c.max
		if limit == 0 {
			limit = 40
		}
		step := max(1, len(g.all)/textSample)
		for k := 0; k < len(g.all) && w < limit; k += step {
			w = max(w, runewidth.StringWidth(termtext.Clean(c.text(g.all[k]))))
		}
		w = min(w, max(limit, runewidth.StringWidth(c.title)+1))
	}
	if g.total != nil && c.right { // the totals row over every row is the widest number
		total, isTotal = g.total(c, g.all), g.query == ""
		w = max(w, runewidth.StringWidth(total))
	}
	return w, total, isTotal
}

// totalsOf sums the columns' cells of the totals row for the rows shown,
// in Update (clamp) once per change of the rows, for the columns on screen.
func (g *grid) totalsOf(cols []gridCol) {
	if g.total == nil {
		return
	}
	var todo []gridCol
	for _, c := range cols {
		if _, ok := g.totals[c.id]; !ok && !slices.ContainsFunc(todo, func(t gridCol) bool { return t.id == c.id }) {
			todo = append(todo, c)
		}
	}
	out := make([]string, len(todo))
	g.eachCore(len(todo), func(i int) { out[i] = g.total(todo[i], g.rows) })
	for i, c := range todo {
		g.totals[c.id] = out[i]
	}
}

// apply filters and sorts g.all into g.rows: the filter selects from the
// sorted rows (it keeps their order; the sort is stable, so that is the
// order sorting the selection gives), which are sorted again only when the
// sort or the rows change.
func (g *grid) apply() {
	g.filterPending = false // what was typed is applied now
	base := g.sortedAll()
	rows := base
	g.qerr = ""
	if g.filter != nil && strings.TrimSpace(g.query) != "" {
		r, err := g.filter(g.query, base)
		if err != nil {
			g.qerr = err.Error()
			if g.lastGood != "" && g.lastGood != g.query {
				r, _ = g.filter(g.lastGood, base)
			} else {
				r = base
			}
		} else {
			g.lastGood = g.query
		}
		rows = r
	} else if g.filter != nil {
		g.lastGood = ""
	}
	g.words = searchWords(g.query)
	g.totals = map[string]string{} // summed by clamp for the columns on screen
	g.rows = slices.Clone(rows)
	g.cur = min(g.cur, max(0, len(g.rows)-1))
	g.clamp()
}

// sortedAll is g.all in the order of the sort column, remembered until
// the rows (setData), the sort or the language change.
func (g *grid) sortedAll() []int32 {
	key := fmt.Sprint(g.sortID, g.desc, g.sh.Lang)
	if g.sorted != nil && g.sortedBy == key {
		return g.sorted
	}
	rows := slices.Clone(g.all)
	if c, ok := g.colByID(g.sortID); ok {
		sortRows(rows, c, g.desc)
	}
	g.sorted, g.sortedBy = rows, key
	return rows
}

// sortRows sorts rows by column c: numbers by value, text A to Z in any
// case; desc reverses.
func sortRows(rows []int32, c gridCol, desc bool) {
	sign := 1
	if desc {
		sign = -1
	}
	if c.sort != nil {
		sortBy(rows, c.sort, sign)
	} else {
		sortBy(rows, func(r int32) string { return strings.ToLower(c.text(r)) }, sign)
	}
}

// sortBy sorts rows by a key each row is asked for once; ties keep their
// order (ids, or the owner's order).
func sortBy[K cmp.Ordered](rows []int32, key func(int32) K, sign int) {
	type keyed struct {
		r, pos int32
		k      K
	}
	ks := make([]keyed, len(rows))
	order := func(x, y keyed) int { return cmp.Or(sign*cmp.Compare(x.k, y.k), cmp.Compare(x.pos, y.pos)) }
	// A big table takes its keys and sorts in two halves on two cores, then
	// merges them: the order is total (ties go by position), so the result
	// is the one sorting it whole gives. key reads the table and the
	// analysis, which nothing changes meanwhile (the update loop waits).
	half := len(ks)
	if len(ks) >= bigTable {
		half = len(ks) / 2
	}
	var wg sync.WaitGroup
	for _, part := range [][2]int{{0, half}, {half, len(ks)}} {
		wg.Go(func() {
			for i := part[0]; i < part[1]; i++ {
				ks[i] = keyed{rows[i], int32(i), key(rows[i])}
			}
			slices.SortFunc(ks[part[0]:part[1]], order)
		})
	}
	wg.Wait()
	for k, i, j := 0, 0, half; k < len(rows); k++ {
		if j == len(ks) || i < half && order(ks[i], ks[j]) < 0 {
			rows[k], i = ks[i].r, i+1
		} else {
			rows[k], j = ks[j].r, j+1
		}
	}
}

// searchWords are the words of a query that are not conditions: n and N
// find them.
func searchWords(q string) []string {
	var out []string
	for _, w := range strings.Fields(q) {
		if !strings.ContainsAny(w, "=<>") {
			out = append(out, strings.ToLower(strings.Trim(w, `"'`)))
		}
	}
	return out
}

func (g *grid) colByID(id string) (gridCol, bool) {
	for _, c := range g.cols {
		if c.id == id {
			return c, true
		}
	}
	return gridCol{}, false
}

// visible are the columns not hidden, in the user's order.
func (g *grid) visible() []gridCol {
	var out []gridCol
	for _, c := range g.cols {
		if !g.hidden[c.id] {
			out = append(out, c)
		}
	}
	return out
}

// current is the row under the cursor (−1: none).
func (g *grid) current() int32 {
	if g.cur < len(g.rows) {
		return g.rows[g.cur]
	}
	return -1
}

// curCol is the column under the cursor.
func (g *grid) curCol() (gridCol, bool) {
	v := g.visible()
	if g.col < len(v) {
		return v[g.col], true
	}
	return gridCol{}, false
}

func (g *grid) SetSize(w, h int) {
	g.w, g.h = w, h
	g.input.Width = max(10, w/2)
	g.clamp()
}

// bodyRows is how many data rows fit under the header (and above the
// totals row).
func (g *grid) bodyRows() int {
	n := g.h - 1
	if g.total != nil {
		n--
	}
	return max(1, n)
}

// clamp keeps the cursors inside the data and the viewport on them.
func (g *grid) clamp() {
	n := g.bodyRows()
	g.cur = max(0, min(g.cur, len(g.rows)-1))
	if g.cur < g.off {
		g.off = g.cur
	}
	if g.cur >= g.off+n {
		g.off = g.cur - n + 1
	}
	g.off = max(0, min(g.off, max(0, len(g.rows)-n)))
	v := g.visible()
	g.col = max(0, min(g.col, len(v)-1))
	g.colOff = max(1, min(g.colOff, len(v)-1))
	if g.col >= 1 && g.col < g.colOff {
		g.colOff = g.col
	}
	if len(v) == 0 {
		return
	}
	g.measureAll(append([]gridCol{v[0]}, v[g.colOff:min(g.col+1, len(v))]...))
	for g.col >= 1 && g.colOff < g.col && !g.fits(v, g.colOff, g.col) {
		g.colOff++
	}
	// the columns that fill the screen from colOff on: View draws them;
	// measured two at a time (one a core) until the screen is full
	shown := []gridCol{v[0]}
	for i, used := g.colOff, 0; i < len(v) && used <= g.w; i++ {
		if _, ok := g.widths[v[i].id]; !ok {
			g.measureAll(v[i:min(i+2, len(v))])
		}
		used += g.widthOf(v[i]) + 1
		shown = append(shown, v[i])
	}
	g.totalsOf(shown)
}

// colWidth is a column's width on screen: no column is wider than the grid.
// It only reads the widths clamp measured (View stays pure); a column not
// measured yet is not on screen.
func (g *grid) colWidth(c gridCol) int {
	w, ok := g.widths[c.id]
	if !ok {
		w = runewidth.StringWidth(c.title) + 1
	}
	return min(w, g.w-4)
}

// fits reports whether columns from..to (with the frozen first) fit the width.
func (g *grid) fits(v []gridCol, from, to int) bool {
	used := 2 + g.colWidth(v[0]) + 1
	for i := from; i <= to; i++ {
		used += g.colWidth(v[i]) + 1
	}
	return used <= g.w-1 // one cell for the ▸ more-columns mark
}

// shown are the indices (into visible) of the columns on screen.
func (g *grid) shown(v []gridCol) []int {
	if len(v) == 0 {
		return nil
	}
	out := []int{0}
	used := 2 + g.colWidth(v[0]) + 1
	for i := g.colOff; i < len(v); i++ {
		wd := g.colWidth(v[i]) + 1
		if used+wd > g.w-1 && len(out) > 1 {
			break
		}
		out = append(out, i)
		used += wd
	}
	return out
}

// Typing reports whether the filter or jump field has the keys.
func (g *grid) Typing() bool { return g.inputKind != 0 }

// Update handles the table keys; it returns handled=false for keys it does
// not use, so the owner can.
func (g *grid) Update(msg tea.KeyMsg) (tea.Cmd, bool) {
	if g.inputKind != 0 {
		return g.inputKey(msg), true
	}
	k := g.sh.Keys
	n := len(g.rows)
	page := max(1, g.bodyRows()-1)
	switch {
	case key.Matches(msg, k.Down):
		g.cur = min(g.cur+1, n-1)
	case key.Matches(msg, k.Up):
		g.cur = max(0, g.cur-1)
	case key.Matches(msg, k.PageDown):
		g.cur = min(g.cur+page, n-1)
	case key.Matches(msg, k.PageUp):
		g.cur = max(0, g.cur-page)
	case key.Matches(msg, k.Home):
		g.cur = 0
	case key.Matches(msg, k.End):
		g.cur = max(0, n-1)
	case key.Matches(msg, k.Right):
		g.col++
	case key.Matches(msg, k.Left):
		g.col = max(0, g.col-1)
	case key.Matches(msg, k.Sort):
		c, ok := g.curCol()
		if !ok {
			break
		}
		// numbers largest first, text A to Z first; s again on the same
		// column keeps it, S reverses
		if g.sortID != c.id {
			g.sortID, g.desc = c.id, c.sort != nil && c.right
		}
		g.apply()
	case key.Matches(msg, k.Reverse):
		if g.sortID == "" {
			if c, ok := g.curCol(); ok {
				g.sortID, g.desc = c.id, !(c.sort != nil && c.right)
			}
		} else {
			g.desc = !g.desc
		}
		g.apply()
	case key.Matches(msg, k.Hide):
		if c, ok := g.curCol(); ok && g.col > 0 {
			g.hidden[c.id] = true
			return send(statusMsg{text: g.sh.tf("grid.hidden", c.title)}), true
		}
	case key.Matches(msg, k.ShowAll):
		g.hidden = map[string]bool{}
	case key.Matches(msg, k.MoveLeft, k.MoveRight):
		g.moveCol(key.Matches(msg, k.MoveRight))
	case key.Matches(msg, k.Filter):
		g.startInput('/', g.query)
		return textinput.Blink, true
	case key.Matches(msg, k.Jump):
		g.startInput(':', "")
		return textinput.Blink, true
	case key.Matches(msg, k.NextMatch, k.PrevMatch):
		return g.findNext(key.Matches(msg, k.NextMatch)), true
	case key.Matches(msg, k.Freq):
		c, ok := g.curCol()
		if !ok || c.field == nil {
			return send(statusMsg{text: g.sh.t("grid.nofreq"), err: true}), true
		}
		return send(freqMsg{field: *c.field, rows: g.customers()}), true
	case key.Matches(msg, k.Copy):
		c, ok := g.curCol()
		if r := g.current(); ok && r >= 0 {
			return send(copyMsg{text: termtext.Clean(c.text(r)), what: c.title}), true
		}
	case key.Matches(msg, k.CopyRow):
		if r := g.current(); r >= 0 {
			var cells []string
			for _, c := range g.visible() {
				cells = append(cells, termtext.Clean(c.text(r)))
			}
			return send(copyMsg{text: strings.Join(cells, "\t"), what: g.sh.t("grid.row")}), true
		}
	case key.Matches(msg, k.Enter):
		if r := g.current(); r >= 0 && g.onEnter != nil {
			return g.onEnter(r), true
		}
	case key.Matches(msg, k.Back) && g.query != "":
		g.query = ""
		g.apply()
	default:
		return nil, false
	}
	g.clamp()
	return nil, true
}

// selection is what `e` exports from a customer table: the filtered
// customers and the filter (nil when the table is not filtered).
func (g *grid) selection() ([]int32, string) {
	if g.query == "" || g.qerr != "" {
		return nil, ""
	}
	return g.customers(), g.query
}

// customers are the customers of the rows shown (for F and export).
func (g *grid) customers() []int32 {
	if g.custOf == nil {
		return nil
	}
	out := make([]int32, 0, len(g.rows))
	for _, r := range g.rows {
		out = append(out, g.custOf(r))
	}
	return out
}

func (g *grid) moveCol(right bool) {
	v := g.visible()
	if g.col <= 0 || (!right && g.col <= 1) || (right && g.col >= len(v)-1) {
		return // the first column stays first
	}
	a := v[g.col].id
	b := v[g.col+1].id
	if !right {
		b = v[g.col-1].id
	}
	ia := slices.IndexFunc(g.cols, func(c gridCol) bool { return c.id == a })
	ib := slices.IndexFunc(g.cols, func(c gridCol) bool { return c.id == b })
	g.cols[ia], g.cols[ib] = g.cols[ib], g.cols[ia]
	if right {
		g.col++
	} else {
		g.col--
	}
}

func (g *grid) startInput(kind rune, value string) {
	g.inputKind = kind
	g.input.SetValue(value)
	g.input.CursorEnd()
	g.input.Focus()
	g.lastGood = g.query
}

func (g *grid) inputKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEnter:
		kind := g.inputKind
		g.inputKind = 0
		g.input.Blur()
		if kind == ':' {
			return g.jump(strings.TrimSpace(g.input.Value()))
		}
		if g.filterPending { // enter does not wait for the pause
			g.apply()
		}
		g.cur, g.off = 0, 0
		g.clamp()
		return nil
	case tea.KeyEsc:
		if g.inputKind == '/' { // back to the filter before typing
			g.query = g.lastGood
			g.apply()
		}
		g.inputKind = 0
		g.input.Blur()
		return nil
	}
	var cmd tea.Cmd
	g.input, cmd = g.input.Update(msg)
	if g.inputKind == '/' && g.input.Value() != g.query { // live: every key filters
		g.query = g.input.Value()
		g.cur, g.off = 0, 0
		if len(g.all) >= pauseFilterRows {
			g.filterSeq++
			g.filterPending = true
			seq := g.filterSeq
			return tea.Batch(cmd, tea.Tick(typingPause, func(time.Time) tea.Msg { return gridFilterMsg{g: g, seq: seq} }))
		}
		g.apply()
	}
	return cmd
}

// jump moves to a row number or to a customer by id (exact, then prefix).
func (g *grid) jump(s string) tea.Cmd {
	if s == "" {
		return nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(g.rows) {
		g.cur = n - 1
		g.clamp()
		return nil
	}
	if g.custOf != nil {
		ids := g.sh.A.Led.Customers.ID
		for _, exact := range []bool{true, false} {
			for i, r := range g.rows {
				id := ids[g.custOf(r)]
				if (exact && strings.EqualFold(id, s)) || (!exact && strings.HasPrefix(strings.ToLower(id), strings.ToLower(s))) {
					g.cur = i
					g.clamp()
					return nil
				}
			}
		}
	}
	return send(statusMsg{text: g.sh.tf("grid.nojump", s), err: true})
}

// findNext moves to the next (or previous) cell holding a search word.
func (g *grid) findNext(forward bool) tea.Cmd {
	if len(g.words) == 0 {
		return send(statusMsg{text: g.sh.t("grid.nowords"), err: true})
	}
	v := g.visible()
	nc := len(v)
	total := len(g.rows) * nc
	start := g.cur*nc + g.col
	for step := 1; step <= total; step++ {
		i := start + step
		if !forward {
			i = start - step
		}
		i = ((i % total) + total) % total
		r, c := i/nc, i%nc
		cell := strings.ToLower(v[c].text(g.rows[r]))
		for _, w := range g.words {
			if strings.Contains(cell, w) {
				g.cur, g.col = r, c
				g.clamp()
				return nil
			}
		}
	}
	return send(statusMsg{text: g.sh.t("grid.nomatch"), err: true})
}

// Status is the line above the table: how many rows, the filter, the
// column under the cursor; the input field while typing.
func (g *grid) Status(noun string) string {
	switch g.inputKind {
	case '/':
		line := g.sh.St.Dim.Render(g.sh.tf("grid.rowsof", fmtInt(len(g.rows)), fmtInt(len(g.all)), noun)) + "  "
		if g.qerr != "" {
			line = g.sh.St.Error.Render("✗ "+g.qerr) + "  "
		}
		return line + "/ " + g.input.View()
	case ':':
		return ": " + g.input.View() + "  " + g.sh.St.Dim.Render(g.sh.t("grid.jumphint"))
	}
	parts := []string{g.sh.tf("grid.rowsof", fmtInt(len(g.rows)), fmtInt(len(g.all)), noun)}
	if g.query != "" {
		parts = append(parts, g.sh.t("filter")+": "+termtext.Clean(g.query))
	}
	if g.qerr != "" {
		parts = append(parts, g.sh.St.Error.Render("✗ "+g.qerr))
	}
	v := g.visible()
	if c, ok := g.curCol(); ok {
		parts = append(parts, g.sh.tf("grid.column", g.col+1, len(v), c.title))
	}
	if hidden := len(g.cols) - len(v); hidden > 0 {
		parts = append(parts, g.sh.tf("grid.nhidden", hidden))
	}
	return strings.Join(parts, " · ")
}

// View draws the header, the rows in the viewport and the totals row.
func (g *grid) View() string {
	v := g.visible()
	if len(v) == 0 || g.w < 10 {
		return ""
	}
	show := g.shown(v)
	more := show[len(show)-1] < len(v)-1
	width := func(i int) int { return g.colWidth(v[i]) }
	var b strings.Builder
	// header
	b.WriteString("  ")
	for k, i := range show {
		c := v[i]
		title := termtext.Clean(c.title)
		if c.id == g.sortID {
			title += map[bool]string{true: "↓", false: "↑"}[g.desc]
		}
		cell := padTo(title, width(i), c.right)
		if i == g.col {
			cell = g.sh.St.ColCursor.Render(cell)
		} else {
			cell = g.sh.St.Title.Render(cell)
		}
		b.WriteString(cell)
		b.WriteString(g.sep(k, show))
	}
	if more {
		b.WriteString("▸")
	}
	end := min(len(g.rows), g.off+g.bodyRows())
	for ri := g.off; ri < end; ri++ {
		r := g.rows[ri]
		b.WriteByte('\n')
		sel := ri == g.cur
		if sel {
			b.WriteString("▸ ")
		} else {
			b.WriteString("  ")
		}
		for k, i := range show {
			c := v[i]
			cell := padTo(termtext.Clean(c.text(r)), width(i), c.right)
			switch {
			case sel && i == g.col:
				cell = g.sh.St.Cell.Render(cell)
			case sel:
				cell = g.sh.St.Selected.Render(cell)
			default:
				cell = colorNegatives(cell, g.sh.St)
			}
			b.WriteString(cell)
			b.WriteString(g.sep(k, show))
		}
	}
	if g.total != nil {
		b.WriteString("\n  ")
		for k, i := range show {
			c := v[i]
			var cell string
			if k == 0 {
				cell = g.sh.t("Total")
			} else {
				cell = g.totals[c.id]
			}
			b.WriteString(g.sh.St.Bold.Render(padTo(cell, width(i), c.right)))
			b.WriteString(g.sep(k, show))
		}
	}
	return b.String()
}

// sep is the gap after the k-th shown column: ◂ after the frozen column
// when columns are scrolled away.
func (g *grid) sep(k int, show []int) string {
	if k == 0 && len(show) > 1 && show[1] > 1 {
		return "◂"
	}
	if k < len(show)-1 {
		return " "
	}
	return ""
}

// customerGrid filters rows by a model.Query over the customers' fields:
// conditions (clv>1000 grade=E) and words looked for in every visible and
// every segment column.
func customerFilter(sh *Shared, g *grid) func(q string, all []int32) ([]int32, error) {
	return func(s string, all []int32) ([]int32, error) {
		a := sh.A
		segKey := "seg:" + strings.TrimPrefix(sh.scheme().Key, "attr:")
		q, err := model.ParseQuery(a, s, segKey)
		if err != nil {
			return nil, err
		}
		var search []model.Field
		seen := map[string]bool{}
		for _, c := range g.visible() {
			if c.field != nil && c.field.Kind == model.KindText && !seen[c.field.Key] {
				search, seen[c.field.Key] = append(search, *c.field), true
			}
		}
		for _, f := range a.Fields() {
			if f.Kind == model.KindText && !seen[f.Key] && (strings.HasPrefix(f.Key, "seg:") || f.Key == "customer" || f.Key == "name" ||
				f.Key == "channel" || f.Key == "type" || f.Key == "region" || f.Key == "industry" || strings.HasPrefix(f.Key, "attr:")) {
				search, seen[f.Key] = append(search, f), true
			}
		}
		lang := sh.Lang
		tr := func(s string) string { return modelName(lang, s) }
		cust := func(r int32) int32 { return r }
		if g.custOf != nil {
			cust = g.custOf
		}
		asked := make([]bool, a.N)
		for _, r := range all {
			asked[cust(r)] = true
		}
		match := q.Matcher(a, search, tr).Each(asked)
		out := make([]int32, 0, len(all))
		for _, r := range all {
			if match[cust(r)] {
				out = append(out, r)
			}
		}
		return out, nil
	}
}

// fieldCol is the grid column of a customer field; rows map to customers
// through custOf (nil: rows are customers).
func fieldCol(sh *Shared, f model.Field, custOf func(int32) int32) gridCol {
	a := sh.A
	cust := func(r int32) int { return int(r) }
	if custOf != nil {
		cust = func(r int32) int { return int(custOf(r)) }
	}
	fc := f
	c := gridCol{id: f.Key, title: sh.name(f.Label), right: f.Kind != model.KindText, field: &fc,
		text: func(r int32) string { return sh.value(fc, fc.Get(a, cust(r))) }}
	if f.Kind != model.KindText {
		c.sort = func(r int32) float64 { return fc.Get(a, cust(r)).Sort(fc.Kind) }
	}
	if assign, _, ok := a.SegmentValues(f.Key); ok && strings.HasPrefix(f.Key, "seg:") {
		// segments sort in the scheme's order (Platinum, Gold, Iron, Lead), not A to Z
		c.sort = func(r int32) float64 { return float64(assign[cust(r)]) }
	}
	return c
}

// customerTotal is the totals cell of a customer column: the exact sum of
// the rows shown (model.Analysis.Sum), blank where a sum means nothing.
func customerTotal(sh *Shared, custOf func(int32) int32) func(c gridCol, rows []int32) string {
	return func(c gridCol, rows []int32) string {
		if c.field == nil || !c.field.Summable() {
			return ""
		}
		cs := rows
		if custOf != nil {
			cs = make([]int32, len(rows))
			for i, r := range rows {
				cs[i] = custOf(r)
			}
		}
		v := sh.A.Sum(*c.field, cs)
		return sh.value(*c.field, v)
	}
}

// gridBelow is a grid under a three-line heading, for overlay panes (the
// cohort triangle, the cross-tab): their size and typing are the grid's.
type gridBelow struct {
	grid *grid
	w, h int
}

func (g *gridBelow) SetSize(w, h int) {
	g.w, g.h = w, h
	g.layout()
}

func (g *gridBelow) layout() { g.grid.SetSize(g.w, max(3, g.h-3)) }

func (g *gridBelow) Typing() bool { return g.grid.Typing() }
