package model

import "fmt"

// Day is a calendar date held as the number of days since 1970-01-01.
// Ledgers hold millions of dates; an int32 keeps them compact and makes
// date arithmetic (recency, days past due) plain subtraction.
type Day int32

// NoDay marks a missing date (due date, paid date).
const NoDay Day = -1 << 31

// DayFromCivil converts a proleptic Gregorian date to a Day. The years a
// ledger holds come from a table of month starts (a load converts three
// dates a row); others from daysFromCivil.
func DayFromCivil(y, m, d int) Day {
	if k := uint((y-tableFirstYear)*12 + m - 1); k < uint(len(firstOfMonth)) && uint(m-1) < 12 {
		return firstOfMonth[k] + Day(d-1)
	}
	return daysFromCivil(y, m, d)
}

// The table's years: those a date import accepts.
const tableFirstYear, tableLastYear = 1900, 2200

// firstOfMonth is the first day of every month of the table's years.
var firstOfMonth = func() (t [(tableLastYear - tableFirstYear + 1) * 12]Day) {
	for k := range t {
		t[k] = daysFromCivil(tableFirstYear+k/12, k%12+1, 1)
	}
	return t
}()

// daysFromCivil is DayFromCivil for every year (Howard Hinnant's
// days_from_civil).
func daysFromCivil(y, m, d int) Day {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Day(era*146097 + doe - 719468)
}

// Civil returns the year, month and day of d.
func (d Day) Civil() (y, m, dd int) {
	z := int(d) + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return
}

// String formats d as YYYY-MM-DD ("" for NoDay).
func (d Day) String() string {
	if d == NoDay {
		return ""
	}
	y, m, dd := d.Civil()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
}

// ValidCivil reports whether y-m-d is a real calendar date.
func ValidCivil(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= DaysInMonth(y, m)
}

// DaysInMonth returns the number of days of month m in year y.
func DaysInMonth(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// ParseISODay parses YYYY-MM-DD (used for flags and parameters).
func ParseISODay(s string) (Day, error) {
	var y, m, d int
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return NoDay, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	if _, err := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); err != nil || !ValidCivil(y, m, d) {
		return NoDay, fmt.Errorf("date %q: not a calendar date", s)
	}
	return DayFromCivil(y, m, d), nil
}
