package importer

import (
	"os"
	"testing"

	"ledgerlens/model"
)

const shared = "../../shared/data/"

func needShared(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(shared + path); err != nil {
		t.Skipf("shared data %s not found (%v): skipping the real-data test", path, err)
	}
	return shared + path
}

func TestCDNOW(t *testing.T) {
	path := needShared(t, "cdnow/CDNOW_sample.txt")
	cols, _ := ParseColumns(",customer_id,date,quantity,amount")
	led, rep, err := Load([]string{path}, Options{Columns: cols})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	if rep.RowsRead != 6919 || rep.RowsUsed != 6919 || led.Customers.Len() != 2357 {
		t.Errorf("rows %d read, %d used, %d customers; want 6,919, 6,919, 2,357", rep.RowsRead, rep.RowsUsed, led.Customers.Len())
	}
	if got := model.FormatMoney(rep.UsedAmount, led.Decimals); got != "244,091.94" {
		t.Errorf("total = %s, want 244,091.94", got)
	}
	if rep.FirstDate != "1997-01-01" || rep.LastDate != "1998-06-30" {
		t.Errorf("dates %s to %s", rep.FirstDate, rep.LastDate)
	}
}

func TestReceivables(t *testing.T) {
	path := needShared(t, "receivables/WA_Fn-UseC_-Accounts-Receivable.csv")
	led, rep, err := Load([]string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	if rep.RowsUsed != 2466 || led.Customers.Len() != 100 {
		t.Errorf("%d invoices, %d customers; want 2,466, 100", rep.RowsUsed, led.Customers.Len())
	}
	if got := model.FormatMoney(rep.UsedAmount, led.Decimals); got != "147,703.18" {
		t.Errorf("total = %s, want 147,703.18", got)
	}
	if !led.HasDue || !led.HasPaid {
		t.Fatalf("due/settled dates not recognised: due %v paid %v", led.HasDue, led.HasPaid)
	}
	// first data row: 1/2/2013, due 2/1/2013, settled 1/15/2013 (month first)
	if led.Tx.Date[0] != model.DayFromCivil(2013, 1, 2) || led.Tx.Due[0] != model.DayFromCivil(2013, 2, 1) || led.Tx.Paid[0] != model.DayFromCivil(2013, 1, 15) {
		t.Errorf("row 1 dates = %v, %v, %v", led.Tx.Date[0], led.Tx.Due[0], led.Tx.Paid[0])
	}
	for i := range led.Tx.Paid {
		if led.Tx.Paid[i] == model.NoDay || led.Tx.Due[i] == model.NoDay {
			t.Fatalf("row %d lacks a due or settled date", i)
		}
	}
}

func TestOnlineRetail(t *testing.T) {
	path := needShared(t, "online-retail-ii/online_retail_II_subset_2sheets.xlsx")
	led, rep, err := Load([]string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkAccounting(t, rep)
	if len(rep.Sources) != 2 {
		t.Fatalf("%d sources, want both sheets stacked", len(rep.Sources))
	}
	want := []struct {
		read, rejected int
		amount         string
	}{{14269, 169, "539,529.11"}, {20497, 432, "686,794.97"}}
	for i, w := range want {
		s := rep.Sources[i]
		if s.RowsRead != w.read || s.Rejected != w.rejected || model.FormatMoney(s.Amount, led.Decimals) != w.amount {
			t.Errorf("sheet %q: %d read, %d rejected, amount %s; want %d, %d, %s", s.Sheet, s.RowsRead, s.Rejected,
				model.FormatMoney(s.Amount, led.Decimals), w.read, w.rejected, w.amount)
		}
	}
	if len(rep.Reasons) != 1 || rep.Reasons[0].Reason != "no customer id" || rep.Reasons[0].Count != 601 {
		t.Errorf("rejections = %+v, want 601 for no customer id", rep.Reasons)
	}
	if rep.CancellationRows == 0 || rep.CancellationRows != rep.ReturnRows {
		t.Errorf("cancellations %d rows, returns %d rows: C-invoices should all be returns", rep.CancellationRows, rep.ReturnRows)
	}
	base := model.Aggregate(led, model.MaxDate(led))
	returnDocs := 0
	for c := range base.ReturnDocs {
		returnDocs += int(base.ReturnDocs[c])
	}
	if returnDocs != rep.CancellationDocs {
		t.Errorf("return documents %d, cancellation documents %d", returnDocs, rep.CancellationDocs)
	}
}
