// Package civil holds Date, a calendar date with no time of day and no
// zone, for the dates in registers and deadlines.
package civil

import (
	"fmt"
	"time"
)

// Date is a civil calendar date (year, month, day) with no time of day and
// no time zone. Deadlines in procurement law are counted in whole days, so
// the package never works with instants: convert a time.Time with DateOf
// after putting it in the zone that matters (normally Asia/Shanghai).
//
// The zero Date is not a valid date; IsZero reports it. Dates are
// comparable with == and usable as map keys.
type Date struct {
	year  int
	month time.Month
	day   int
}

// NewDate returns the date year-month-day, or an error if no such day exists
// (for example 2023-02-29) or the year is outside 1..9999.
func NewDate(year int, month time.Month, day int) (Date, error) {
	if year < 1 || year > 9999 {
		return Date{}, fmt.Errorf("日期 %04d-%02d-%02d 无效：年份应在 1 至 9999 之间", year, int(month), day)
	}
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day {
		return Date{}, fmt.Errorf("日期 %04d-%02d-%02d 无效：该月没有这一天", year, int(month), day)
	}
	return Date{year, month, day}, nil
}

// MustDate is NewDate for dates known to be valid (constants, tests). It
// panics on an invalid date.
func MustDate(year int, month time.Month, day int) Date {
	d, err := NewDate(year, month, day)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in t's own location. To get the
// date in China, pass t.In(shanghai).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses exactly "YYYY-MM-DD" (four-digit year, two-digit month
// and day, ASCII digits only).
func ParseDate(s string) (Date, error) {
	bad := func() (Date, error) {
		return Date{}, fmt.Errorf("日期 %q 格式无效，应为 YYYY-MM-DD（如 2024-02-10）", s)
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return bad()
	}
	num := func(part string) (int, bool) {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return bad()
	}
	if m < 1 || m > 12 {
		return Date{}, fmt.Errorf("日期 %q 无效：月份应在 01 至 12 之间", s)
	}
	return NewDate(y, time.Month(m), d)
}

// Year returns the year.
func (d Date) Year() int { return d.year }

// Month returns the month.
func (d Date) Month() time.Month { return d.month }

// Day returns the day of the month.
func (d Date) Day() int { return d.day }

// IsZero reports whether d is the zero Date (not a real day).
func (d Date) IsZero() bool { return d == Date{} }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.year, d.month, d.day, 0, 0, 0, 0, time.UTC)
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n calendar days after d (before it if n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.year, d.month, d.day+n, 0, 0, 0, 0, time.UTC))
}

// Compare returns -1 if d is before e, 0 if they are the same day and +1 if
// d is after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.year != e.year:
		return cmpInt(d.year, e.year)
	case d.month != e.month:
		return cmpInt(int(d.month), int(e.month))
	default:
		return cmpInt(d.day, e.day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// String formats d as YYYY-MM-DD.
// Chinese writes the date as official documents do: "2023年6月9日".
func (d Date) Chinese() string {
	return fmt.Sprintf("%d年%d月%d日", d.year, int(d.month), d.day)
}

func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.year, int(d.month), d.day)
}

// MarshalText formats d as YYYY-MM-DD (for JSON, YAML and the like); the
// zero Date, a date not yet known (a contract not yet filed), is empty.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalText parses YYYY-MM-DD; empty text is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
