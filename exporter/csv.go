package exporter

import (
	"bufio"
	"encoding/csv"
	"os"
	"strconv"
	"time"

	"ledgerlens/model"
)

// WriteCustomersCSV writes the customer table as CSV: UTF-8 with a BOM so
// that Excel shows Chinese correctly, and text that a spreadsheet could read
// as a formula prefixed with an apostrophe.
func WriteCustomersCSV(path string, a *model.Analysis, opt WriteOptions) error {
	return writeAtomic(path, opt, func(f *os.File) error {
		bw := bufio.NewWriterSize(f, 1<<16)
		bw.WriteString("\uFEFF")
		w := csv.NewWriter(bw)
		cols := customerColumns(a)
		rec := make([]string, len(cols))
		for i, c := range cols {
			rec[i] = c.header
		}
		w.Write(rec)
		for _, c := range rowsOf(a, opt) {
			for i := range cols {
				rec[i] = csvCell(cols[i].get(int(c)), cols[i].kind, a.Decimals)
			}
			if err := w.Write(rec); err != nil {
				return err
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		return bw.Flush()
	})
}

func csvCell(v any, k kind, dec int) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if needsNeutral(x) {
			return "'" + x
		}
		return x
	case int:
		return strconv.Itoa(x)
	case time.Time:
		return x.Format("2006-01-02")
	case float64:
		switch k {
		case kMoney:
			return strconv.FormatFloat(x, 'f', dec, 64)
		case kPct:
			return strconv.FormatFloat(x, 'f', 6, 64)
		}
		return strconv.FormatFloat(x, 'f', 4, 64)
	}
	return ""
}
