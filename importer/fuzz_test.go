package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"

	"ledgerlens/model"
)

// xlsxBytes builds a small workbook in memory for the seed corpus.
func xlsxBytes(sheet string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"_rels/.rels":                `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="0"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/sharedStrings.xml":       `<sst><si><t>customer_id</t></si><si><t>date</t></si><si><r><t>amo</t></r><r><t>unt</t></r><rPh><t>x</t></rPh></si><si><t>C&amp;1</t></si></sst>`,
		"xl/worksheets/sheet1.xml":   sheet,
	} {
		w, _ := z.Create(name)
		io.WriteString(w, body)
	}
	z.Close()
	return buf.Bytes()
}

// FuzzXLSXReader: any bytes opened as a workbook give rows or an error,
// never a panic, within the row and column limits; and where the
// encoding/xml reader (the oracle) reads a sheet to its end, the scanner
// gives the same rows.
func FuzzXLSXReader(f *testing.F) {
	f.Add(xlsxBytes(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="3"><c t="s"><v>3</v></c><c t="inlineStr"><is><t>2024-01-02</t></is></c><c><v>12.5</v></c></row><row r="2"><c r="C2" t="b"><v>1</v></c></row></sheetData></worksheet>`))
	f.Add(xlsxBytes(`<worksheet><dimension ref="A1:C9"/><sheetData><row r="9"><c r="XFD9"><v>1</v></c></row><row><c t="s"><v>99</v></c></row></sheetData></worksheet>`))
	f.Add(xlsxBytes(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="str"><x:v>&#x1b;</x:v></x:c></x:row></x:sheetData></x:worksheet>`))
	f.Add([]byte("PK\x03\x04 not a zip"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := readXLSX(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			return
		}
		for _, s := range wb.sheets {
			r, err := wb.rows(s)
			if err != nil {
				continue
			}
			var got []string
			gotErr := ""
			for n := 0; n < 10000; n++ {
				rec, row, err := r.next()
				if err != nil {
					if err != io.EOF {
						gotErr = err.Error()
					}
					break
				}
				if row < 1 || row > maxSheetRows || len(rec) > maxSheetCols {
					t.Fatalf("row %d with %d cells", row, len(rec))
				}
				got = append(got, fmt.Sprintf("%d: %q", row, rec))
			}
			r.Close()
			o, err := wb.xmlRows(s)
			if err != nil {
				continue
			}
			want, wantErr := sheetRows(o.next)
			o.Close()
			if wantErr == "" && len(want) <= 10000 {
				compareRows(t, s.name, got, gotErr, want)
			}
		}
	})
}

// FuzzLoadCSV runs the whole load pipeline (sniffing, header, mapping,
// values, dates, the data-quality report) and the inspect summary on any
// text: an error or a ledger whose rows all add up, never a panic.
func FuzzLoadCSV(f *testing.F) {
	for _, name := range []string{"en_headers.csv", "zh_headers.csv", "dmy_decided.csv", "headerless.txt"} {
		if b, err := os.ReadFile("../testdata/" + name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("customer_id,date,quantity,unit_price\nC1,2024-01-01,3,0.005\nC1,1 Mar 2024,-1,2\n"))
	f.Add([]byte("客户编号;日期;金额\nA;2024年3月5日;¥1.234,5\n"))
	f.Add([]byte("customer_id\tdate\tamount\tdue_date\tpaid_date\tpaid_amount\nC\t20240101\t(5)\t2024-02-01\t2024-01-15\t2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		led, rep, err := LoadReader("fuzz.csv", data, Options{})
		if err != nil {
			return
		}
		// a customer-level ledger holds one row per customer, its total sales
		inLedger, amounts := led.Tx.Len(), led.Tx.Amount
		if t := led.Totals; t != nil {
			inLedger, amounts = led.Customers.Len(), t.Sales
		}
		if rep.RowsRead != rep.RowsUsed+rep.RowsRejected || inLedger != rep.RowsUsed {
			t.Fatalf("rows: %d read, %d used, %d rejected, %d in the ledger", rep.RowsRead, rep.RowsUsed, rep.RowsRejected, inLedger)
		}
		var sum model.Money
		for _, a := range amounts {
			sum += a
		}
		if sum != rep.UsedAmount {
			t.Fatalf("total %d, rows sum to %d", rep.UsedAmount, sum)
		}
		Summarize(led, rep, model.NoDay)
	})
}

// FuzzLoadXLSX runs the whole load pipeline on any bytes read as a workbook.
func FuzzLoadXLSX(f *testing.F) {
	f.Add(xlsxBytes(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c t="s"><v>3</v></c><c><v>45292</v></c><c><v>12.5</v></c></row></sheetData></worksheet>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := readXLSX(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			return
		}
		plans, _, err := planSheets("fuzz.xlsx", wb, Options{})
		if err != nil {
			return
		}
		led, rep, err := run(plans, Options{})
		if err != nil {
			return
		}
		if rep.RowsRead != rep.RowsUsed+rep.RowsRejected || led.Tx.Len() > rep.RowsUsed {
			t.Fatalf("rows: %d read, %d used, %d rejected", rep.RowsRead, rep.RowsUsed, rep.RowsRejected)
		}
	})
}
