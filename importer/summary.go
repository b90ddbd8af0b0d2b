package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"ledgerlens/model"
)

// Summary is what `inspect` prints: the report plus headline totals at the as-of date.
type Summary struct {
	Sources          []SourceSummary `json:"sources"`
	RowsRead         int             `json:"rows_read"`
	RowsUsed         int             `json:"rows_used"`
	RowsRejected     int             `json:"rows_rejected"`
	Rejected         []ReasonCount   `json:"rejected_by_reason"`
	Customers        int             `json:"customers"`
	Transactions     int             `json:"transactions"`
	Documents        int             `json:"documents"`
	FirstDate        string          `json:"first_date"`
	LastDate         string          `json:"last_date"`
	AsOf             string          `json:"as_of"`
	RowsAfterAsOf    int             `json:"rows_after_as_of"`
	TotalAmount      json.Number     `json:"total_amount"`
	TotalCost        json.Number     `json:"total_cost,omitempty"`
	ReturnRows       int             `json:"return_rows"`
	ReturnValue      json.Number     `json:"return_value"`
	CancellationRows int             `json:"cancellation_rows"`
	CancellationDocs int             `json:"cancellation_documents"`
	PaymentData      string          `json:"payment_data"`
	OpenAR           json.Number     `json:"open_receivables,omitempty"`
	Attributes       []string        `json:"customer_attributes,omitempty"`
	Warnings         []string        `json:"warnings,omitempty"`

	decimals                          int
	amount, cost, returnValue, openAR model.Money
	sourceAmounts                     []model.Money
}

// SourceSummary is one source with its amount formatted.
type SourceSummary struct {
	SourceReport
	Amount json.Number `json:"amount"`
}

// Summarize combines the report with the ledger's headline figures at base.AsOf.
func Summarize(led *model.Ledger, rep *Report, base *model.Base) *Summary {
	d := led.Decimals
	num := func(v model.Money) json.Number { return json.Number(model.MoneyString(v, d)) }
	s := &Summary{
		RowsRead: rep.RowsRead, RowsUsed: rep.RowsUsed, RowsRejected: rep.RowsRejected,
		Rejected: rep.Reasons, Customers: led.Customers.Len(), Transactions: led.Tx.Len(),
		FirstDate: rep.FirstDate, LastDate: rep.LastDate, AsOf: base.AsOf.String(),
		RowsAfterAsOf: base.RowsAfterAsOf, TotalAmount: num(rep.UsedAmount),
		ReturnRows: rep.ReturnRows, ReturnValue: num(rep.ReturnValue),
		CancellationRows: rep.CancellationRows, CancellationDocs: rep.CancellationDocs,
		Warnings: rep.Warnings, decimals: d, amount: rep.UsedAmount, cost: rep.UsedCost, returnValue: rep.ReturnValue,
	}
	if s.Rejected == nil {
		s.Rejected = []ReasonCount{}
	}
	for _, src := range rep.Sources {
		s.Sources = append(s.Sources, SourceSummary{SourceReport: src, Amount: num(src.Amount)})
	}
	for c := range base.Docs {
		s.Documents += int(base.Docs[c])
	}
	if led.HasCost {
		s.TotalCost = num(rep.UsedCost)
	}
	switch {
	case led.HasPaid && led.HasPaidAmount:
		s.PaymentData = "paid date and paid amount"
	case led.HasPaid:
		s.PaymentData = "paid date (an invoice is settled in full on it)"
	case led.HasOutstanding:
		s.PaymentData = "outstanding balance column"
	default:
		s.PaymentData = "none"
	}
	if base.HasOpenAR {
		var ar model.Money
		for _, v := range base.OpenAR {
			ar += v
		}
		s.OpenAR, s.openAR = num(ar), ar
	}
	for _, a := range led.Customers.Attrs {
		s.Attributes = append(s.Attributes, a.Name)
	}
	return s
}

// WriteText prints the summary for people.
func (s *Summary) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	n := func(v int) string { return model.FormatMoney(int64(v), 0) }
	m := func(v model.Money) string { return model.FormatMoney(v, s.decimals) }
	fmt.Fprintln(tw, "Sources")
	for _, src := range s.Sources {
		where := src.File
		if src.Sheet != "" {
			where += fmt.Sprintf("  sheet %q", src.Sheet)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", where, src.Kind)
		if src.Note != "" {
			fmt.Fprintf(tw, "    %s\n", src.Note)
			continue
		}
		var how []string
		if src.Encoding != "" {
			how = append(how, "encoding "+src.Encoding, "delimiter "+src.Delimiter)
		}
		if src.HeaderRow > 0 {
			how = append(how, fmt.Sprintf("header in row %d", src.HeaderRow))
		} else {
			how = append(how, "no header (--columns)")
		}
		fmt.Fprintf(tw, "    %s\n", strings.Join(how, ", "))
		fmt.Fprintf(tw, "    rows: %s read, %s used, %s rejected", n(src.RowsRead), n(src.RowsUsed), n(src.Rejected))
		if src.Kind == "transactions" {
			fmt.Fprintf(tw, "; amount %s", m(src.SourceReport.Amount))
		}
		fmt.Fprintln(tw)
		var cols []string
		for _, c := range src.Columns {
			switch c.Use {
			case "field":
				cols = append(cols, fmt.Sprintf("%s → %s", quoteHeader(c.Header), c.Field))
			case "attribute":
				cols = append(cols, quoteHeader(c.Header)+" (attribute)")
			}
		}
		fmt.Fprintf(tw, "    columns: %s\n", strings.Join(cols, ", "))
		for _, col := range slices.Sorted(maps.Keys(src.DateOrder)) {
			fmt.Fprintf(tw, "    date order of %q: %s\n", col, src.DateOrder[col])
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Rows\t%s read\t%s used\t%s rejected\n", n(s.RowsRead), n(s.RowsUsed), n(s.RowsRejected))
	if len(s.Rejected) > 0 {
		fmt.Fprintln(tw, "\nRejected rows by reason")
		for _, r := range s.Rejected {
			e := r.Examples[0]
			ex := fmt.Sprintf("row %d", e.Row)
			if e.Sheet != "" {
				ex = fmt.Sprintf("sheet %q %s", e.Sheet, ex)
			}
			if e.Column != "" {
				ex += fmt.Sprintf(", column %q", e.Column)
			}
			if e.Value != "" {
				ex += fmt.Sprintf(", value %q", e.Value)
			}
			fmt.Fprintf(tw, "  %s\t%s\te.g. %s\n", r.Reason, n(r.Count), ex)
		}
	}
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "Customers\t%s\n", n(s.Customers))
	fmt.Fprintf(tw, "Transactions\t%s (%s documents)\n", n(s.Transactions), n(s.Documents))
	fmt.Fprintf(tw, "Dates\t%s to %s\n", s.FirstDate, s.LastDate)
	fmt.Fprintf(tw, "As of\t%s (%s rows after it ignored)\n", s.AsOf, n(s.RowsAfterAsOf))
	fmt.Fprintf(tw, "Total amount\t%s\n", m(s.amount))
	if s.TotalCost != "" {
		fmt.Fprintf(tw, "Total cost\t%s\n", m(s.cost))
	} else {
		fmt.Fprintf(tw, "Total cost\tnone in the ledger (no-cost mode)\n")
	}
	fmt.Fprintf(tw, "Returns / credit notes\t%s rows, %s\n", n(s.ReturnRows), m(s.returnValue))
	fmt.Fprintf(tw, "Cancellations (C…)\t%s rows in %s documents\n", n(s.CancellationRows), n(s.CancellationDocs))
	fmt.Fprintf(tw, "Payment data\t%s\n", s.PaymentData)
	if s.OpenAR != "" {
		fmt.Fprintf(tw, "Open receivables at as-of\t%s\n", m(s.openAR))
	}
	if len(s.Attributes) > 0 {
		fmt.Fprintf(tw, "Customer attributes\t%s\n", strings.Join(s.Attributes, ", "))
	}
	for _, wn := range s.Warnings {
		fmt.Fprintf(tw, "Warning\t%s\n", wn)
	}
	return tw.Flush()
}

func quoteHeader(h string) string {
	if h == "" {
		return "(unnamed)"
	}
	return fmt.Sprintf("%q", h)
}
