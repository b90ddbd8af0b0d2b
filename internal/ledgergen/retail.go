package ledgergen

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// RetailHeader is the header row of a generated retail workbook: Online
// Retail II's columns.
var RetailHeader = []string{"Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"}

// RetailCustomers is how many customer ids a retail workbook of rows rows
// has (Online Retail II's 541,909 rows of 2010–2011 have 4,372).
func RetailCustomers(rows int) int { return max(1, rows*4372/541909) }

var countries = []string{"Australia", "Austria", "Belgium", "Brazil", "Canada", "Channel Islands", "Cyprus", "Denmark", "EIRE", "Finland", "France", "Germany", "Greece", "Iceland", "Israel", "Italy", "Japan", "Lebanon", "Lithuania", "Malta", "Netherlands", "Norway", "Poland", "Portugal", "Singapore", "Spain", "Sweden", "Switzerland", "USA", "United Arab Emirates"}

var words = []string{"WHITE", "HANGING", "HEART", "T-LIGHT", "HOLDER", "RED", "METAL", "LANTERN", "CREAM", "CUPID", "HEARTS", "COAT", "HANGER", "KNITTED", "UNION", "FLAG", "HOT", "WATER", "BOTTLE", "SET", "BABUSHKA", "NESTING", "BOXES", "GLASS", "STAR", "FROSTED", "VINTAGE", "JUMBO", "BAG", "PINK"}

// WriteRetailXLSX writes a workbook shaped like Online Retail II's: one
// sheet of rows line items in invoices of 1 to 40 lines, as Excel saves it
// (text in the shared-string table, cells with references, dates as serial
// numbers with a date style, numeric invoice numbers and stock codes as
// numbers, cancelled invoices "C…" as text with negative quantities, a
// quarter of the lines without a customer id). The same rows and seed give
// the same bytes.
func WriteRetailXLSX(w io.Writer, rows int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0x7e7a11))
	zw := zip.NewWriter(w)
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Year 2010-2011" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts><fonts count="1"><font><sz val="12"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`},
	} {
		f, err := zw.Create(p[0])
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p[1]); err != nil {
			return err
		}
	}
	shared := &stringTable{index: map[string]int{}}
	f, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:H%d"/><sheetData>`, rows+1)
	var line []byte
	line = append(line, `<row r="1" spans="1:8">`...)
	for k, h := range RetailHeader {
		line = shared.cell(line, k, 1, h)
	}
	line = append(line, "</row>"...)
	nc, np := RetailCustomers(rows), max(1, min(4000, rows/100))
	start := 40148.0 // 2009-12-01 in Excel's serial days
	invoice, left, cust, cancel, day, minute := 489433, 0, "", false, 0.0, 0
	for r := 2; r <= rows+1; r++ {
		if left == 0 { // a new invoice
			invoice++
			left = 1 + rng.IntN(40)
			cust = ""
			if rng.IntN(4) != 0 {
				cust = strconv.Itoa(12346 + rng.IntN(nc))
			}
			cancel = rng.IntN(50) == 0
			day, minute = start+float64(rng.IntN(739)), 8*60+rng.IntN(10*60)
		}
		left--
		p := rng.IntN(np)
		qty := 1 + rng.IntN(24)
		if cancel {
			qty = -qty
		}
		line = fmt.Appendf(line, `<row r="%d" spans="1:8">`, r)
		if cancel {
			line = shared.cell(line, 0, r, "C"+strconv.Itoa(invoice))
		} else {
			line = numCell(line, 0, r, strconv.Itoa(invoice), false)
		}
		if p%5 == 0 { // stock codes with a letter are text
			line = shared.cell(line, 1, r, strconv.Itoa(20000+p)+"A")
		} else {
			line = numCell(line, 1, r, strconv.Itoa(20000+p), false)
		}
		line = shared.cell(line, 2, r, words[p%len(words)]+" "+words[(p/7)%len(words)]+" "+strconv.Itoa(p))
		line = numCell(line, 3, r, strconv.Itoa(qty), false)
		line = numCell(line, 4, r, strconv.FormatFloat(day+float64(minute)/1440, 'f', -1, 64), true)
		line = numCell(line, 5, r, strconv.FormatFloat(float64(29+(p*37)%1500)/100, 'f', -1, 64), false)
		if cust != "" {
			line = numCell(line, 6, r, cust, false)
		}
		country := "United Kingdom"
		if rng.IntN(10) == 0 {
			country = countries[rng.IntN(len(countries))]
		}
		line = shared.cell(line, 7, r, country)
		line = append(line, "</row>"...)
		if len(line) > 1<<16 {
			if _, err := bw.Write(line); err != nil {
				return err
			}
			line = line[:0]
		}
	}
	line = append(line, "</sheetData></worksheet>"...)
	if _, err := bw.Write(line); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f, err = zw.Create("xl/sharedStrings.xml"); err != nil {
		return err
	}
	bw = bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, shared.uses, len(shared.list))
	for _, s := range shared.list {
		bw.WriteString("<si><t>")
		bw.WriteString(s) // generated text needs no escaping
		bw.WriteString("</t></si>")
	}
	bw.WriteString("</sst>")
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// stringTable is a workbook's shared strings in the order first used.
type stringTable struct {
	index map[string]int
	list  []string
	uses  int
}

func (t *stringTable) cell(b []byte, col, row int, s string) []byte {
	k, ok := t.index[s]
	if !ok {
		k = len(t.list)
		t.index[s] = k
		t.list = append(t.list, s)
	}
	t.uses++
	b = appendRef(append(b, `<c r="`...), col, row)
	b = strconv.AppendInt(append(b, `" t="s"><v>`...), int64(k), 10)
	return append(b, "</v></c>"...)
}

func appendRef(b []byte, col, row int) []byte {
	return strconv.AppendInt(append(b, byte('A'+col)), int64(row), 10)
}

func numCell(b []byte, col, row int, v string, date bool) []byte {
	b = appendRef(append(b, `<c r="`...), col, row)
	if date {
		b = append(b, `" s="1`...)
	}
	b = append(b, `"><v>`...)
	b = append(b, v...)
	return append(b, "</v></c>"...)
}
