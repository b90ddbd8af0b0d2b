package importer

import (
	"fmt"
	"testing"

	"ledgerlens/model"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in      string
		comma   bool
		micro   int64
		dec     int
		wantErr bool
	}{
		{"12.50", false, 12_500_000, 2, false},
		{"1,234.56", false, 1_234_560_000, 2, false},
		{"-1,234.56", false, -1_234_560_000, 2, false},
		{"(12.50)", false, -12_500_000, 2, false},
		{"12.50-", false, -12_500_000, 2, false},
		{"$1,000", false, 1_000_000_000, 0, false},
		{"¥ 3,200.5", false, 3_200_500_000, 1, false},
		{"￥88", false, 88_000_000, 0, false},
		{"€-5", false, -5_000_000, 0, false},
		{"-€5.00", false, -5_000_000, 2, false},
		{"£0.99", false, 990_000, 2, false},
		{"100元", false, 100_000_000, 0, false},
		{"USD 12.34", false, 12_340_000, 2, false},
		{"1.234,56", true, 1_234_560_000, 2, false},
		{"1 234,56", true, 1_234_560_000, 2, false},
		{"(1.234,56)", true, -1_234_560_000, 2, false},
		{"1\u00a0234.50", false, 1_234_500_000, 2, false},
		{"−7.25", false, -7_250_000, 2, false},
		{"+3", false, 3_000_000, 0, false},
		{"0.1234567", false, 123_457, 6, false},
		{"1E-3", false, 1_000, 3, false},
		{"2.5e3", false, 2_500_000_000, 0, false},
		{" 42 ", false, 42_000_000, 0, false},
		{"", false, 0, 0, true},
		{"abc", false, 0, 0, true},
		{"12,34", false, 0, 0, true}, // a decimal comma without --decimal-comma
		{"1,2345.00", false, 0, 0, true},
		{"--5", false, 0, 0, true},
		{"(5)-", false, 0, 0, true},
		{"12.3.4", false, 0, 0, true},
		{"99999999999999999999", false, 0, 0, true},
	}
	for _, tt := range tests {
		m, d, err := ParseAmount([]byte(tt.in), tt.comma)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseAmount(%q) = %d, want an error", tt.in, m)
			}
			continue
		}
		if err != nil || m != tt.micro || d != tt.dec {
			t.Errorf("ParseAmount(%q, %v) = %d, %d, %v; want %d, %d", tt.in, tt.comma, m, d, err, tt.micro, tt.dec)
		}
	}
}

func TestParseDate(t *testing.T) {
	day := func(y, m, d int) model.Day { return model.DayFromCivil(y, m, d) }
	tests := []struct {
		in      string
		order   DateOrder
		serial  bool
		want    model.Day
		pending bool
		wantErr bool
	}{
		{"2024-03-05", OrderAuto, false, day(2024, 3, 5), false, false},
		{"2024-03-05 14:30:00", OrderAuto, false, day(2024, 3, 5), false, false},
		{"2024-03-05T14:30:00Z", OrderAuto, false, day(2024, 3, 5), false, false},
		{"2024/3/5", OrderAuto, false, day(2024, 3, 5), false, false},
		{"2024.03.05", OrderAuto, false, day(2024, 3, 5), false, false},
		{"20240305", OrderAuto, false, day(2024, 3, 5), false, false},
		{"19970101", OrderAuto, false, day(1997, 1, 1), false, false},
		{"2024年3月5日", OrderAuto, false, day(2024, 3, 5), false, false},
		{"2024年3月5日 09:15", OrderAuto, false, day(2024, 3, 5), false, false},
		{"25/12/2023", OrderDMY, false, day(2023, 12, 25), false, false},
		{"12/25/2023", OrderMDY, false, day(2023, 12, 25), false, false},
		{"25/12/2023", OrderAuto, false, 0, true, false},
		{"3/4/2024", OrderAuto, false, 0, true, false},
		{"3/4/2024", OrderDMY, false, day(2024, 4, 3), false, false},
		{"3/4/2024", OrderMDY, false, day(2024, 3, 4), false, false},
		{"3/4/24", OrderDMY, false, day(2024, 4, 3), false, false},
		{"1/26/2013 10:00 AM", OrderMDY, false, day(2013, 1, 26), false, false},
		{"5 Mar 2024", OrderAuto, false, day(2024, 3, 5), false, false},
		{"05-Mar-2024", OrderAuto, false, day(2024, 3, 5), false, false},
		{"March 5, 2024", OrderAuto, false, day(2024, 3, 5), false, false},
		{"40153.4375", OrderAuto, true, day(2009, 12, 6), false, false},
		{"45000", OrderAuto, true, day(2023, 3, 15), false, false},
		{"59", OrderAuto, true, day(1900, 2, 28), false, false},
		{"61", OrderAuto, true, day(1900, 3, 1), false, false},
		{"45000", OrderAuto, false, 0, false, true},
		{"2024-02-30", OrderAuto, false, 0, false, true},
		{"13/13/2024", OrderAuto, false, 0, false, true},
		{"2024-03-05 junk", OrderAuto, false, 0, false, true},
		{"yesterday", OrderAuto, false, 0, false, true},
		{"", OrderAuto, false, 0, false, true},
	}
	for _, tt := range tests {
		v, err := parseDate([]byte(tt.in), tt.order, tt.serial, false)
		if tt.wantErr {
			if err == nil {
				t.Errorf("parseDate(%q) = %+v, want an error", tt.in, v)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseDate(%q): %v", tt.in, err)
			continue
		}
		if v.pending != tt.pending || (!tt.pending && v.day != tt.want) {
			t.Errorf("parseDate(%q, %d) = %v (pending %v), want %v (pending %v)", tt.in, tt.order, v.day, v.pending, tt.want, tt.pending)
		}
	}
	// A pending date resolves per the column's order, and refuses impossible ones.
	v, _ := parseDate([]byte("2/30/2024"), OrderAuto, false, false)
	if _, ok := v.resolve(OrderDMY); ok {
		t.Error("30 February resolved as valid")
	}
	if d, ok := v.resolve(OrderMDY); ok {
		t.Errorf("2/30/2024 as mdy resolved to %v", d)
	}
}

func TestSerial1904(t *testing.T) {
	if got, want := SerialToDay(0, true), model.DayFromCivil(1904, 1, 1); got != want {
		t.Errorf("1904 serial 0 = %v, want %v", got, want)
	}
}

// The value parsers never panic, whatever the cell holds.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.50", "(1,234.56)", "¥3,200.5", "1.234,56", "12.50-", "--5", "1E-3", "99999999999999999999", "\xff\xfe", "元"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if m, d, err := ParseAmount([]byte(s), false); err == nil && (d < 0 || d > microDecimals) {
			t.Errorf("ParseAmount(%q) = %d with %d decimals", s, m, d)
		}
		ParseAmount([]byte(s), true)
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-05", "3/4/2024", "2024年3月5日", "5 Mar 2024", "45000.5", "20240305", "Mar", "1/1/1/1", "日"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, o := range []DateOrder{OrderAuto, OrderDMY, OrderMDY, OrderYMD} {
			if v, err := parseDate([]byte(s), o, true, false); err == nil && v.pending {
				_, _ = v.resolve(OrderDMY) // must not panic
				_, _ = v.resolve(OrderMDY)
			}
		}
	})
}

// TestISODateAsScan checks that the YYYY-MM-DD fast path reads every such
// string as the general scan does: the same day, or an error both ways, in
// every date order (the year-first form does not depend on it).
func TestISODateAsScan(t *testing.T) {
	n := 0
	for _, y := range []string{"0000", "1899", "1900", "1969", "2000", "2024", "2100", "2200", "2201", "9999"} {
		for m := 0; m <= 13; m++ {
			for d := 0; d <= 32; d++ {
				s := []byte(fmt.Sprintf("%s-%02d-%02d", y, m, d))
				for _, o := range []DateOrder{OrderAuto, OrderDMY, OrderMDY, OrderYMD} {
					got, gerr := parseDate(s, o, false, false)
					want, werr := scanDate(s, o)
					if got != want || (gerr == nil) != (werr == nil) || (gerr != nil && gerr.Error() != werr.Error()) {
						t.Fatalf("%s %v: fast %+v %v, scan %+v %v", s, o, got, gerr, want, werr)
					}
					n++
				}
			}
		}
	}
	// not the fast path's form: left to the scan
	for _, s := range []string{"2024-3-05", "2024-03-5", "2024/03/05", "2024-03-05 ", "+024-03-05", "2024-0a-05", "20240-3-05"} {
		if _, _, _, ok := isoDate([]byte(s)); ok {
			t.Errorf("isoDate took %q", s)
		}
	}
	if n == 0 {
		t.Fatal("nothing compared")
	}
}
