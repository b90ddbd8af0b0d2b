package model_test

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"ledgerlens/importer"
	"ledgerlens/model"
)

const arPath = "../../shared/data/receivables/WA_Fn-UseC_-Accounts-Receivable.csv"

// mdy parses the data set's M/D/YYYY dates, independently of the importer.
func mdy(t *testing.T, s string) model.Day {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		t.Fatalf("date %q", s)
	}
	m, _ := strconv.Atoi(parts[0])
	d, _ := strconv.Atoi(parts[1])
	y, _ := strconv.Atoi(parts[2])
	return model.DayFromCivil(y, m, d)
}

func TestReceivablesOpenItems(t *testing.T) {
	if _, err := os.Stat(arPath); err != nil {
		t.Skipf("shared data not found (%v)", err)
	}
	asOf := model.DayFromCivil(2013, 6, 30)
	// Independent recomputation straight from the CSV rows: an invoice is
	// open at the as-of date when issued on or before it and settled after it.
	f, _ := os.Open(arPath)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	head := map[string]int{}
	for i, h := range rows[0] {
		head[h] = i
	}
	var wantOpen, wantPastDue int
	var wantCents int64
	wantBuckets := make([]int64, 5)
	for _, r := range rows[1:] {
		inv, due, settled := mdy(t, r[head["InvoiceDate"]]), mdy(t, r[head["DueDate"]]), mdy(t, r[head["SettledDate"]])
		if inv > asOf || settled <= asOf {
			continue
		}
		amt := strings.Replace(r[head["InvoiceAmount"]], ".", "", 1)
		if i := strings.Index(r[head["InvoiceAmount"]], "."); i >= 0 && len(r[head["InvoiceAmount"]])-i == 2 {
			amt += "0" // one decimal written
		} else if i < 0 {
			amt += "00"
		}
		cents, err := strconv.ParseInt(amt, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		wantOpen++
		wantCents += cents
		dpd := int(asOf - due)
		b := 0
		switch {
		case dpd <= 0:
		case dpd <= 30:
			b = 1
		case dpd <= 60:
			b = 2
		case dpd <= 90:
			b = 3
		default:
			b = 4
		}
		wantBuckets[b] += cents
		if dpd > 0 {
			wantPastDue++
		}
	}
	if wantOpen != 84 || wantCents != 511985 || wantPastDue != 12 {
		t.Fatalf("independent count: %d open, %d cents, %d past due; the issue says 84, 5,119.85, 12", wantOpen, wantCents, wantPastDue)
	}

	led, _, err := importer.Load([]string{arPath}, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := model.DefaultParams()
	p.AsOf = asOf
	a, err := model.NewEngine(led).Analyze(p)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Risk
	if !r.Available || r.OpenInvoices != wantOpen || r.TotalAR != model.Money(wantCents) || r.PastDue != wantPastDue || led.Decimals != 2 {
		t.Errorf("model: %d open, AR %s, %d past due", r.OpenInvoices, model.FormatMoney(r.TotalAR, led.Decimals), r.PastDue)
	}
	for k := range wantBuckets {
		if int64(r.BucketTotal[k]) != wantBuckets[k] {
			t.Errorf("bucket %s = %d, independent %d", r.Buckets[k], r.BucketTotal[k], wantBuckets[k])
		}
	}
	var disputed bool
	for _, at := range led.Tx.Attrs {
		if at.Name == "Disputed" {
			disputed = true
			yes := 0
			for i := range led.Tx.Cust {
				if at.Value(i) == "Yes" {
					yes++
				}
			}
			if yes == 0 {
				t.Error("no invoice is disputed")
			}
		}
	}
	if !disputed {
		t.Error("the Disputed flag is not available as an attribute")
	}
}
