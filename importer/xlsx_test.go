package importer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The streaming reader gives, cell for cell, the raw values excelize gives
// (excelize reads the whole sheet; it stays the reference for well-formed
// workbooks) on every workbook of testdata and the shared data, and on the
// generated ones (edge cases in both date systems, a long retail sheet).
func TestXLSXReaderMatchesExcelize(t *testing.T) {
	files, _ := filepath.Glob("../testdata/*.xlsx")
	shared, _ := filepath.Glob("../../shared/data/*/*.xlsx")
	files = append(files, shared...)
	if len(shared) == 0 && os.Getenv("CI") != "" {
		t.Fatal("shared data missing on CI")
	}
	for _, p := range generatedWorkbooks(t) {
		if filepath.Base(p) != "edge.xlsx" { // rows out of order: see excelSheet
			files = append(files, p)
		}
	}
	cells := 0
	for _, path := range files {
		ref, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := openXLSX(path)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range wb.sheets {
			names = append(names, s.name)
		}
		if strings.Join(names, "|") != strings.Join(ref.GetSheetList(), "|") {
			t.Errorf("%s: sheets %v, excelize %v", path, names, ref.GetSheetList())
		}
		for _, s := range wb.sheets {
			want, err := ref.GetRows(s.name, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			r, err := wb.rows(s)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int][]string{}
			for {
				rec, row, err := r.next()
				if err != nil {
					break
				}
				vals := make([]string, len(rec))
				for i, c := range rec {
					vals[i] = string(c)
				}
				for len(vals) > 0 && vals[len(vals)-1] == "" {
					vals = vals[:len(vals)-1]
				}
				got[row] = vals
			}
			r.Close()
			for i, w := range want {
				for len(w) > 0 && w[len(w)-1] == "" {
					w = w[:len(w)-1]
				}
				g := got[i+1]
				if len(g) != len(w) {
					t.Fatalf("%s %q row %d: %d cells %q, excelize %d %q", path, s.name, i+1, len(g), g, len(w), w)
				}
				for k := range w {
					cell, _ := excelize.CoordinatesToCellName(k+1, i+1)
					if typ, _ := ref.GetCellType(s.name, cell); typ == excelize.CellTypeBool {
						w[k] = map[string]string{"1": "TRUE", "0": "FALSE"}[w[k]] // raw 1/0: the reader spells them
					}
					if cleanNumber(w[k]) != g[k] {
						t.Fatalf("%s %q %s: %q, excelize %q", path, s.name, cell, g[k], w[k])
					}
					cells++
				}
			}
		}
		ref.Close()
		wb.Close()
	}
	if cells == 0 {
		t.Fatal("no cells compared")
	}
	t.Logf("%d cells compared", cells)
}
