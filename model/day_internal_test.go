package model

import "testing"

// TestDayFromCivilTable: the table of month starts gives every date of its
// years, and the days around them, as the formula does (months 0 and 13
// and days out of the month included: the formula's arithmetic carries
// them over), and the dates read back through Civil.
func TestDayFromCivilTable(t *testing.T) {
	for y := tableFirstYear - 2; y <= tableLastYear+2; y++ {
		for m := 0; m <= 13; m++ {
			for d := -1; d <= 32; d++ {
				if got, want := DayFromCivil(y, m, d), daysFromCivil(y, m, d); got != want {
					t.Fatalf("%d-%02d-%02d: table %d, formula %d", y, m, d, got, want)
				}
				if m >= 1 && m <= 12 && d >= 1 && d <= DaysInMonth(y, m) {
					if yy, mm, dd := DayFromCivil(y, m, d).Civil(); yy != y || mm != m || dd != d {
						t.Fatalf("%d-%02d-%02d reads back as %d-%02d-%02d", y, m, d, yy, mm, dd)
					}
				}
			}
		}
	}
	if DayFromCivil(1970, 1, 1) != 0 || DayFromCivil(2000, 3, 1) != 11017 {
		t.Error("the epoch or 2000-03-01 (day 11017) is off")
	}
}
