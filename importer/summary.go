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
	Form             string          `json:"form"`
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
	CustomersLater   int             `json:"customers_without_documents_by_as_of"`
	FileAmount       json.Number     `json:"file_amount"`
	TotalAmount      json.Number     `json:"total_amount"`
	TotalCost        json.Number     `json:"total_cost,omitempty"`
	ReturnRows       int             `json:"return_rows"`
	ReturnValue      json.Number     `json:"return_value"`
	CancellationRows int             `json:"cancellation_rows"`
	CancellationDocs int             `json:"cancellation_documents"`
	PaymentData      string          `json:"payment_data"`
	OpenInvoices     json.Number     `json:"open_invoices,omitempty"`
	UnappliedCredits json.Number     `json:"unapplied_credits,omitempty"`
	NetAR            json.Number     `json:"net_receivables,omitempty"`
	Orders           int             `json:"orders,omitempty"`   // customer-level: Σ orders
	Balances         json.Number     `json:"balances,omitempty"` // customer-level: Σ receivable balances
	Attributes       []string        `json:"customer_attributes,omitempty"`
	Warnings         []string        `json:"warnings,omitempty"`
	SQL              []string        `json:"sql,omitempty"`            // a database source: the statements run
	BytesReceived    int64           `json:"bytes_received,omitempty"` // a database source: bytes from the server
	ShowSQL          bool            `json:"-"`                        // WriteText prints the statements

	decimals                              int
	fileAmount, amount, cost, returnValue model.Money
	openInvoices, unapplied, balances     model.Money
}

// SourceSummary is one source with its amount formatted.
type SourceSummary struct {
	SourceReport
	Amount json.Number `json:"amount"`
}

// Summarize combines the report (what was read) with the ledger's headline
// figures at asOf (NoDay: the last date). Reading counts (rows read, used,
// rejected, per-source amounts) are of the files; every other count and total
// is of the ledger as it was at the as-of date, the basis of the analysis.
func Summarize(full *model.Ledger, rep *Report, asOf model.Day) *Summary {
	if asOf == model.NoDay {
		asOf = model.DefaultAsOf(full)
	}
	led, info := full.Until(asOf)
	docs := model.DocumentCounts(led, asOf)
	d := led.Decimals
	num := func(v model.Money) json.Number { return json.Number(model.MoneyString(v, d)) }
	s := &Summary{
		RowsRead: rep.RowsRead, RowsUsed: rep.RowsUsed, RowsRejected: rep.RowsRejected,
		Rejected: rep.Reasons, Customers: led.Customers.Len(), Transactions: led.Tx.Len(),
		FirstDate: rep.FirstDate, LastDate: rep.LastDate, AsOf: asOf.String(),
		RowsAfterAsOf: info.RowsAfter, CustomersLater: info.CustomersAbsent,
		Warnings: rep.Warnings, decimals: d, fileAmount: rep.UsedAmount, Form: rep.Form,
		SQL: rep.SQL, BytesReceived: rep.BytesReceived,
	}
	if s.Rejected == nil {
		s.Rejected = []ReasonCount{}
	}
	for _, src := range rep.Sources {
		s.Sources = append(s.Sources, SourceSummary{SourceReport: src, Amount: num(src.Amount)})
	}
	for _, n := range docs {
		s.Documents += int(n)
	}
	tx := &led.Tx
	cancelled := map[string]bool{}
	for i, a := range tx.Amount {
		s.amount += a
		if led.HasCost && tx.CostKnown[i] {
			s.cost += tx.Cost[i]
		}
		if a < 0 {
			s.ReturnRows++
			s.returnValue -= a
		}
		if tx.Doc != nil && tx.Doc[i] >= 0 {
			if id := led.Docs.IDBytes(tx.Doc[i]); isCancellation(id) {
				s.CancellationRows++
				cancelled[string(id)] = true
			}
		}
	}
	s.CancellationDocs = len(cancelled)
	if t := led.Totals; t != nil {
		var bal model.Money
		for c := range t.Sales {
			s.amount += t.Sales[c]
			if t.HasCost[c] {
				s.cost += t.Cost[c]
			}
			if t.HasOrders[c] {
				s.Orders += int(t.Orders[c])
			}
			if t.HasBalance[c] {
				bal += t.Balance[c]
				s.PaymentData = "receivable balance per customer (no invoices)"
			}
		}
		if s.PaymentData != "" {
			s.Balances, s.balances = num(bal), bal
		}
	}
	s.FileAmount, s.TotalAmount, s.ReturnValue = num(s.fileAmount), num(s.amount), num(s.returnValue)
	if led.HasCost {
		s.TotalCost = num(s.cost)
	}
	r := led.Receivables // a database's summary: the engine added up the open items
	if r != nil && r.HasPayments() && r.AsOf == asOf {
		for _, o := range r.Open {
			s.openInvoices += o.Open
		}
		for _, u := range r.Unapplied {
			s.unapplied += u
		}
		s.OpenInvoices, s.UnappliedCredits, s.NetAR = num(s.openInvoices), num(s.unapplied), num(s.openInvoices+s.unapplied)
	}
	switch {
	case s.PaymentData != "":
	case r != nil && r.HasPaid && r.HasPaidAmount:
		s.PaymentData = "paid date and paid amount (open items added up by the engine)"
	case r != nil && r.HasPaid:
		s.PaymentData = "paid date (an invoice is settled in full on it; open items added up by the engine)"
	case r != nil && r.HasOutstanding:
		s.PaymentData = "outstanding balance column (open items added up by the engine)"
	case led.HasPaid && led.HasPaidAmount:
		s.PaymentData = "paid date and paid amount"
	case led.HasPaid:
		s.PaymentData = "paid date (an invoice is settled in full on it)"
	case led.HasOutstanding:
		s.PaymentData = "outstanding balance column"
	default:
		s.PaymentData = "none"
	}
	if led.Totals == nil && led.HasOpenItems() {
		inv, cred := model.OpenTotals(led, asOf)
		s.openInvoices += inv
		s.unapplied += cred
		s.OpenInvoices, s.UnappliedCredits, s.NetAR = num(s.openInvoices), num(s.unapplied), num(s.openInvoices+s.unapplied)
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
		switch {
		case src.Relation != "":
			how = append(how, "columns named by the "+strings.Fields(src.Relation)[0])
			if s.BytesReceived > 0 {
				how = append(how, fmt.Sprintf("%s bytes received", n(int(s.BytesReceived))))
			}
		case src.HeaderRow > 0:
			how = append(how, fmt.Sprintf("header in row %d", src.HeaderRow))
		default:
			how = append(how, "no header (--columns)")
		}
		fmt.Fprintf(tw, "    %s\n", strings.Join(how, ", "))
		fmt.Fprintf(tw, "    rows: %s read, %s used, %s rejected", n(src.RowsRead), n(src.RowsUsed), n(src.Rejected))
		if src.Kind == "transactions" || s.Form == FormCustomerLevel && src.Kind == "customers" {
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
	if s.ShowSQL && len(s.SQL) > 0 {
		fmt.Fprintln(tw, "\nSQL run (one read-only transaction)")
		for _, q := range s.SQL {
			fmt.Fprintf(tw, "  %s;\n", strings.Join(strings.Fields(q), " "))
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
	fmt.Fprintf(tw, "Dates in the files\t%s to %s; amount %s\n", s.FirstDate, s.LastDate, m(s.fileAmount))
	fmt.Fprintf(tw, "As of\t%s (%s rows after it ignored)\n", s.AsOf, n(s.RowsAfterAsOf))
	fmt.Fprintln(tw, "\nAt the as-of date (the analysis)")
	later := ""
	if s.CustomersLater > 0 {
		later = fmt.Sprintf(" (%s more without a document by then: not yet acquired)", n(s.CustomersLater))
	}
	fmt.Fprintf(tw, "Form\t%s\n", s.Form)
	fmt.Fprintf(tw, "Customers\t%s%s\n", n(s.Customers), later)
	if s.Form == FormCustomerLevel {
		fmt.Fprintf(tw, "Orders\t%s (as the sheet counts them)\n", n(s.Orders))
	} else {
		fmt.Fprintf(tw, "Transactions\t%s (%s documents)\n", n(s.Transactions), n(s.Documents))
	}
	fmt.Fprintf(tw, "Total amount\t%s\n", m(s.amount))
	if s.TotalCost != "" {
		fmt.Fprintf(tw, "Total cost\t%s\n", m(s.cost))
	} else {
		fmt.Fprintf(tw, "Total cost\tnone in the ledger (no-cost mode)\n")
	}
	if s.Form != FormCustomerLevel {
		fmt.Fprintf(tw, "Returns / credit notes\t%s rows, %s\n", n(s.ReturnRows), m(s.returnValue))
		fmt.Fprintf(tw, "Cancellations (C…)\t%s rows in %s documents\n", n(s.CancellationRows), n(s.CancellationDocs))
	}
	fmt.Fprintf(tw, "Payment data\t%s\n", s.PaymentData)
	if s.Balances != "" {
		fmt.Fprintf(tw, "Receivable balances\t%s\n", m(s.balances))
	}
	if s.OpenInvoices != "" {
		fmt.Fprintf(tw, "Open invoices (gross)\t%s\n", m(s.openInvoices))
		fmt.Fprintf(tw, "Unapplied credits\t%s\n", m(s.unapplied))
		fmt.Fprintf(tw, "Net receivables\t%s\n", m(s.openInvoices+s.unapplied))
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
