package importer

import (
	"fmt"
	"slices"

	"ledgerlens/model"
)

// Rejection is one input row that was not used, and why.
type Rejection struct {
	File   string `json:"file"`
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

// ReasonCount counts the rejections of one reason, with the first examples.
type ReasonCount struct {
	Reason   string      `json:"reason"`
	Count    int         `json:"count"`
	Examples []Rejection `json:"examples"`
}

// MappedColumn is one column of a source and the field it feeds.
type MappedColumn struct {
	Header string `json:"header"`
	Field  string `json:"field,omitempty"` // "" when kept as an attribute
	Use    string `json:"use"`             // "field", "attribute" or "skipped"
}

// SourceReport describes one file or sheet that was read.
type SourceReport struct {
	File      string            `json:"file"`
	Sheet     string            `json:"sheet,omitempty"`
	Kind      string            `json:"kind"` // transactions, customers, skipped
	Note      string            `json:"note,omitempty"`
	Relation  string            `json:"relation,omitempty"` // a database source: "table NAME" or "query"
	Encoding  string            `json:"encoding,omitempty"`
	Delimiter string            `json:"delimiter,omitempty"`
	HeaderRow int               `json:"header_row,omitempty"` // 0: no header (--columns)
	Columns   []MappedColumn    `json:"columns,omitempty"`
	DateOrder map[string]string `json:"date_order,omitempty"` // per date column, when it had to be decided
	RowsRead  int               `json:"rows_read"`
	RowsUsed  int               `json:"rows_used"`
	Rejected  int               `json:"rows_rejected"`
	Amount    model.Money       `json:"-"`
}

// Report is the data-quality report of one load. RowsRead = RowsUsed +
// RowsRejected always holds; every rejected row is listed in Rejections (up to
// MaxRejections) and counted in Reasons.
type Report struct {
	Sources      []SourceReport `json:"sources"`
	RowsRead     int            `json:"rows_read"`
	RowsUsed     int            `json:"rows_used"`
	RowsRejected int            `json:"rows_rejected"`
	Reasons      []ReasonCount  `json:"rejected_by_reason"`
	Rejections   []Rejection    `json:"-"`
	Truncated    bool           `json:"rejections_truncated,omitempty"`

	Form               string         `json:"form"` // FormTransactions or FormCustomerLevel
	Customers          int            `json:"customers"`
	FirstDate          string         `json:"first_date"`
	LastDate           string         `json:"last_date"`
	Decimals           int            `json:"decimals"`
	UsedAmount         model.Money    `json:"-"`
	UsedCost           model.Money    `json:"-"`
	ReturnRows         int            `json:"return_rows"`
	ReturnValue        model.Money    `json:"-"`
	CancellationRows   int            `json:"cancellation_rows"`
	CancellationDocs   int            `json:"cancellation_documents"`
	FarDateRows        int            `json:"rows_dated_far_beyond_the_rest,omitempty"`
	ComputedLines      int            `json:"computed_lines"` // amounts computed as quantity × unit price
	RoundedLines       int            `json:"rounded_lines"`  // of those, lines rounded to the ledger's decimals
	RoundingDiff       int64          `json:"-"`              // Σ (rounded − exact), millionths of a major unit
	AttributeConflicts map[string]int `json:"attribute_conflicts,omitempty"`
	Warnings           []string       `json:"warnings,omitempty"`

	SQL           []string `json:"sql,omitempty"`            // a database source: every statement run
	BytesReceived int64    `json:"bytes_received,omitempty"` // a database source: bytes from the server
}

// MaxRejections caps how many rejected rows are kept one by one; all are counted.
const MaxRejections = 100_000

const maxExamples = 5

func (r *Report) reject(rej Rejection) {
	r.RowsRejected++
	if len(r.Rejections) < MaxRejections {
		r.Rejections = append(r.Rejections, rej)
	} else {
		r.Truncated = true
	}
	for i := range r.Reasons {
		if r.Reasons[i].Reason == rej.Reason {
			r.Reasons[i].Count++
			if len(r.Reasons[i].Examples) < maxExamples {
				r.Reasons[i].Examples = append(r.Reasons[i].Examples, rej)
			}
			return
		}
	}
	r.Reasons = append(r.Reasons, ReasonCount{Reason: rej.Reason, Count: 1, Examples: []Rejection{rej}})
}

// Masked returns the report for a masked ledger (model.Ledger.Masked): the
// rejected rows' values, which may be a customer's id or name, are left
// out, and the files are named "source 1", "source 2", … (a file name often
// names the client).
func (r *Report) Masked() *Report {
	if r == nil {
		return nil
	}
	out := *r
	out.SQL = nil // it names the table
	files := map[string]string{}
	out.Sources = slices.Clone(r.Sources)
	for i := range out.Sources {
		f := out.Sources[i].File
		if _, ok := files[f]; !ok {
			files[f] = fmt.Sprintf("source %d", len(files)+1)
		}
		out.Sources[i].File = files[f]
	}
	mask := func(rs []Rejection) []Rejection {
		rs = slices.Clone(rs)
		for i := range rs {
			if m, ok := files[rs[i].File]; ok {
				rs[i].File = m
			} else {
				rs[i].File = "source"
			}
			if rs[i].Value != "" {
				rs[i].Value = "(masked)"
			}
		}
		return rs
	}
	out.Rejections = mask(r.Rejections)
	out.Reasons = slices.Clone(r.Reasons)
	for i := range out.Reasons {
		out.Reasons[i].Examples = mask(r.Reasons[i].Examples)
	}
	return &out
}
