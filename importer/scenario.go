package importer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ledgerlens/model"
)

// ReadScenarioXLSX reads the Parameters sheet of an exported workbook
// (columns Parameter and Value) as a scenario.
func ReadScenarioXLSX(path string) (model.Scenario, error) {
	sc := model.Scenario{Name: path, Params: model.DefaultParams()}
	wb, err := openXLSX(path)
	if err != nil {
		return sc, fmt.Errorf("%s: not a readable workbook: %v", path, err)
	}
	defer wb.Close()
	var rows [][]string
	for _, s := range wb.sheets {
		if s.name != "Parameters" {
			continue
		}
		r, err := wb.rows(s)
		if err != nil {
			return sc, fmt.Errorf("%s: %v", path, err)
		}
		defer r.Close()
		for {
			rec, _, err := r.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return sc, fmt.Errorf("%s, Parameters sheet: %v", path, err)
			}
			row := make([]string, len(rec))
			for i, c := range rec {
				row[i] = string(c)
			}
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return sc, fmt.Errorf("%s: no Parameters sheet", path)
	}
	if len(rows[0]) < 2 || !strings.EqualFold(rows[0][0], "Parameter") {
		return sc, fmt.Errorf("%s: the Parameters sheet needs Parameter and Value columns", path)
	}
	for i, r := range rows[1:] {
		if len(r) == 0 || strings.TrimSpace(r[0]) == "" {
			continue
		}
		v := ""
		if len(r) > 1 {
			v = r[1]
		}
		if err := sc.Params.Set(strings.TrimSpace(r[0]), v); err != nil && !errors.Is(err, model.ErrRetired) {
			return sc, fmt.Errorf("%s, Parameters row %d: %v", path, i+2, err)
		}
	}
	if err := sc.Params.Validate(); err != nil {
		return sc, fmt.Errorf("%s: %v", path, err)
	}
	return sc, nil
}

// ReadScenarioFile reads a TOML scenario, or the Parameters sheet of an
// exported workbook (.xlsx).
func ReadScenarioFile(path string) (model.Scenario, error) {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return ReadScenarioXLSX(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return model.Scenario{}, fmt.Errorf("cannot open scenario: %w", err)
	}
	defer f.Close()
	sc, err := model.ReadScenario(f)
	if err != nil {
		return sc, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}
