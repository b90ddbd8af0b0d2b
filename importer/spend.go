package importer

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"ledgerlens/model"
)

// Marketing spend per segment from a sheet or CSV (--spend FILE): a header
// row naming the segment and spend columns, optionally min and max (the
// allocation bounds), then one row per segment.

var spendHeaders = map[string][]string{
	"segment": {"segment", "segmentname", "tier", "细分", "分群", "客户分群", "层级"},
	"spend":   {"spend", "marketingspend", "budget", "cost", "投入", "营销费用", "费用", "预算"},
	"min":     {"min", "minimum", "minspend", "最低", "下限"},
	"max":     {"max", "maximum", "maxspend", "最高", "上限"},
}

// ReadSpendFile reads the spend (and bounds, when the columns exist) of
// each segment. Every row is used or refused with its row and reason.
func ReadSpendFile(path string) ([]model.SegmentAmount, []model.SegmentBounds, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("--spend: cannot read %s: %w", path, unwrapPathErr(err))
	}
	var t table
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".xlsx" || ext == ".xlsm" || isZip(path) {
		wb, err := openXLSX(path)
		if err != nil {
			return nil, nil, fmt.Errorf("--spend: %s: not a readable xlsx workbook: %v", path, err)
		}
		defer wb.Close()
		if len(wb.sheets) == 0 {
			return nil, nil, fmt.Errorf("--spend: %s has no sheets", path)
		}
		rows, err := wb.rows(wb.sheets[0])
		if err != nil {
			return nil, nil, fmt.Errorf("--spend: %s: %v", path, err)
		}
		t = &sheetTable{rows: rows}
	} else {
		t, err = csvPlan(path, st.Size(), func() (io.ReadCloser, error) { return os.Open(path) }).open()
		if err != nil {
			return nil, nil, fmt.Errorf("--spend: %w", err)
		}
	}
	defer t.Close()
	col := map[string]int{}
	var amounts []model.SegmentAmount
	var bounds []model.SegmentBounds
	for {
		rec, row, err := t.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("--spend: %s: %v", path, err)
		}
		if len(col) == 0 {
			for i, c := range rec {
				h := normalizeHeader(string(c))
				for key, names := range spendHeaders {
					if _, seen := col[key]; !seen && slices.Contains(names, h) {
						col[key] = i
					}
				}
			}
			if _, ok := col["segment"]; !ok {
				return nil, nil, fmt.Errorf("--spend: %s: the first row needs a segment column and a spend column (segment, spend; optionally min, max)", path)
			}
			if _, ok := col["spend"]; !ok {
				return nil, nil, fmt.Errorf("--spend: %s: no spend column in the first row (spend, budget, 投入 …)", path)
			}
			continue
		}
		cell := func(key string) string {
			i, ok := col[key]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(string(rec[i]))
		}
		seg := cell("segment")
		if seg == "" && cell("spend") == "" {
			continue // a blank row
		}
		if seg == "" {
			return nil, nil, fmt.Errorf("--spend: %s, row %d: no segment name", path, row)
		}
		v, err := model.ParseBudgetAmount(cell("spend"))
		if err != nil {
			return nil, nil, fmt.Errorf("--spend: %s, row %d, column spend: %v", path, row, err)
		}
		for _, p := range amounts {
			if p.Segment == seg {
				return nil, nil, fmt.Errorf("--spend: %s, row %d: segment %q appears twice", path, row, seg)
			}
		}
		amounts = append(amounts, model.SegmentAmount{Segment: seg, Amount: v})
		if lo, hi := cell("min"), cell("max"); lo != "" || hi != "" {
			b := model.SegmentBounds{Segment: seg, Max: math.NaN()}
			if lo != "" {
				if b.Min, err = model.ParseBudgetAmount(lo); err != nil {
					return nil, nil, fmt.Errorf("--spend: %s, row %d, column min: %v", path, row, err)
				}
			}
			if hi != "" {
				if b.Max, err = model.ParseBudgetAmount(hi); err != nil {
					return nil, nil, fmt.Errorf("--spend: %s, row %d, column max: %v", path, row, err)
				}
				if b.Max < b.Min {
					return nil, nil, fmt.Errorf("--spend: %s, row %d: max %s is below min %s", path, row, hi, lo)
				}
			}
			bounds = append(bounds, b)
		}
	}
	if len(amounts) == 0 {
		return nil, nil, fmt.Errorf("--spend: %s: no segment rows below the header", path)
	}
	return amounts, bounds, nil
}
