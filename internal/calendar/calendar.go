package calendar

import (
	_ "embed"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

//go:embed holidays.yaml
var embeddedData []byte

// EmbeddedSource is how the built-in data file is named in error messages.
const EmbeddedSource = "holidays.yaml（内置）"

// librarySource names lunar-go's data in DayInfo.Source.
const librarySource = "lunar-go HolidayUtil"

// ErrUnknownYear is matched (with errors.Is) by every error about a year for
// which no holiday arrangement is recorded. The concrete error is an
// *UnknownYearError that says which year.
var ErrUnknownYear = errors.New("未收录该年节假日安排")

// UnknownYearError reports a date in a year the calendar has no State
// Council notice for. The calendar never guesses such a year from the
// weekday rule alone: the notice may move any day.
type UnknownYearError struct {
	Year int
}

func (e *UnknownYearError) Error() string {
	return fmt.Sprintf("未收录 %d 年节假日安排，请在节假日数据文件中补充", e.Year)
}

// Is makes errors.Is(err, ErrUnknownYear) true.
func (e *UnknownYearError) Is(target error) bool { return target == ErrUnknownYear }

// layer is one data file in the stack.
type layer struct {
	source  string
	notices []Notice
}

type dayStatus struct {
	off    bool
	name   string
	source string // notice title, or librarySource
}

// Calendar answers working-day questions for mainland China under the
// State Council's annual holiday notices. It is immutable and safe for
// concurrent use.
//
// A Calendar is built from layers, later ones taking precedence:
//
//  1. the weekday rule: Monday to Friday work, Saturday and Sunday off;
//  2. lunar-go's HolidayUtil data, only for years whose notice in some
//     layer says library: true (the data was checked against the notice);
//  3. the embedded data file holidays.yaml;
//  4. each file added with WithData, in the order added.
//
// So the data files override the library, and a user file overrides the
// embedded one: a day listed in a later layer takes that layer's kind. A
// year is known when any layer declares a notice for it; every other year
// is an *UnknownYearError.
type Calendar struct {
	layers  []layer
	known   map[int]bool
	days    map[Date]dayStatus
	notices map[int][]Notice
}

// New returns the calendar built from lunar-go and the embedded data file.
func New() (*Calendar, error) {
	notices, err := Parse(EmbeddedSource, embeddedData)
	if err != nil {
		return nil, err
	}
	return build([]layer{{EmbeddedSource, notices}})
}

var defaultCalendar = sync.OnceValues(New)

// Default returns a shared calendar built by New (built once).
func Default() (*Calendar, error) { return defaultCalendar() }

// WithData returns a new calendar with the YAML data file data layered on
// top of c (c itself is unchanged). Use it to add a year whose notice came
// out after this build, or to correct a day, without a code change. source
// names the file in error messages. See holidays.yaml for the format.
func (c *Calendar) WithData(source string, data []byte) (*Calendar, error) {
	notices, err := Parse(source, data)
	if err != nil {
		return nil, err
	}
	layers := append(append([]layer(nil), c.layers...), layer{source, notices})
	return build(layers)
}

func build(layers []layer) (*Calendar, error) {
	c := &Calendar{
		layers:  layers,
		known:   map[int]bool{},
		days:    map[Date]dayStatus{},
		notices: map[int][]Notice{},
	}
	useLibrary := map[int]string{} // year -> source of the first layer asking for it
	for _, l := range layers {
		for _, n := range l.notices {
			c.known[n.Year] = true
			c.notices[n.Year] = append(c.notices[n.Year], n)
			if _, seen := useLibrary[n.Year]; n.Library && !seen {
				useLibrary[n.Year] = l.source
			}
		}
	}
	years := make([]int, 0, len(useLibrary))
	for y := range useLibrary {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		found, err := c.loadLibraryYear(y)
		if err != nil {
			return nil, err
		}
		if found == 0 {
			// library: true for a year lunar-go knows nothing about would
			// silently fall back to the weekday rule: refuse it.
			return nil, &DataError{Source: useLibrary[y], Notice: fmt.Sprintf("%d 年的通知", y),
				Msg: fmt.Sprintf("lunar-go 没有 %d 年的节假日数据，不能设置 library: true；请在 days 中列出通知的全部日期", y)}
		}
	}
	for _, l := range layers {
		for _, n := range l.notices {
			for _, d := range n.Days {
				c.days[d.Date] = dayStatus{off: d.Kind == Off, name: d.Name, source: n.Title}
			}
		}
	}
	return c, nil
}

// loadLibraryYear copies lunar-go's entries for days in year y. The library
// keeps its data in a package-level string that only its Fix function
// changes; this package never calls Fix and reads the data once, here.
func (c *Calendar) loadLibraryYear(y int) (found int, err error) {
	l := HolidayUtil.GetHolidaysByYear(y)
	for e := l.Front(); e != nil; e = e.Next() {
		h, ok := e.Value.(*HolidayUtil.Holiday)
		if !ok || h == nil {
			continue
		}
		d, err := ParseDate(h.GetDay())
		if err != nil {
			return 0, fmt.Errorf("lunar-go 节假日数据有误：%w", err)
		}
		if d.Year() != y {
			continue
		}
		c.days[d] = dayStatus{off: !h.IsWork(), name: h.GetName(), source: librarySource}
		found++
	}
	return found, nil
}

// Years returns the known years in ascending order.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.known))
	for y := range c.known {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// Notices returns the notices recorded for year (nil if none), in layer
// order.
func (c *Calendar) Notices(year int) []Notice {
	return append([]Notice(nil), c.notices[year]...)
}

func (c *Calendar) check(d Date) error {
	if d.IsZero() {
		return errors.New("日期为空")
	}
	if !c.known[d.Year()] {
		return &UnknownYearError{Year: d.Year()}
	}
	return nil
}

// DayInfo describes one day.
type DayInfo struct {
	Date    Date
	Workday bool
	// Name is the holiday the day belongs to (e.g. 春节), empty for an
	// ordinary weekday or weekend.
	Name string
	// Adjusted is true when a notice makes the day differ from the weekday
	// rule: a weekday off or a weekend working day (调休上班).
	Adjusted bool
	// Source is the notice title (or "lunar-go HolidayUtil") the day's
	// status comes from; empty when the weekday rule applies.
	Source string
}

// Lookup describes d. It fails with an *UnknownYearError for a year with
// no recorded notice.
func (c *Calendar) Lookup(d Date) (DayInfo, error) {
	if err := c.check(d); err != nil {
		return DayInfo{}, err
	}
	wd := d.Weekday()
	weekdayRule := wd != time.Saturday && wd != time.Sunday
	if s, ok := c.days[d]; ok {
		return DayInfo{Date: d, Workday: !s.off, Name: s.name, Adjusted: !s.off != weekdayRule, Source: s.source}, nil
	}
	return DayInfo{Date: d, Workday: weekdayRule}, nil
}

// IsWorkday reports whether d is a working day (工作日): Monday to Friday
// unless a notice gives it off, or a weekend day a notice makes a working
// day. It fails with an *UnknownYearError for a year with no notice.
func (c *Calendar) IsWorkday(d Date) (bool, error) {
	info, err := c.Lookup(d)
	return info.Workday, err
}

// AddWorkdays returns the n-th working day after from. Counting starts the
// day after from, which itself is not counted whatever it is: for a
// contract signed on from, AddWorkdays(from, 7) is the last day to file it
// under 政府采购法第四十七条 (七个工作日内), and AddWorkdays(from, 2) the last
// day to publish it under 政府采购法实施条例第五十条 (2个工作日内).
//
// For n > 0 the result is always a working day, so a working-day deadline
// never needs rolling forward. For n < 0 it counts backwards: the |n|-th
// working day before from. For n == 0 it returns from unchanged.
//
// It fails with an *UnknownYearError as soon as the count reaches a day in
// a year with no notice; from's own year need not be known.
func (c *Calendar) AddWorkdays(from Date, n int) (Date, error) {
	if err := nonZero(from); err != nil {
		return Date{}, err
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	d := from
	for n > 0 {
		d = d.AddDays(step)
		ok, err := c.IsWorkday(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkdaysBetween counts the working days after a up to and including b.
// With a the deadline and b the day something was actually done, a
// positive result is how many working days late it was ("超出期限 N 个工作
// 日"); 0 or less means on time.
//
// If b is before a the result is negative: minus the number of working days
// from b (included) up to a (excluded). This makes it the inverse of
// AddWorkdays in both directions: WorkdaysBetween(a, AddWorkdays(a, n)) == n
// for every n.
func (c *Calendar) WorkdaysBetween(a, b Date) (int, error) {
	if err := nonZero(a); err != nil {
		return 0, err
	}
	if err := nonZero(b); err != nil {
		return 0, err
	}
	// Half-open interval (lo, hi] forwards, [lo, hi) backwards.
	lo, hi, sign := a.AddDays(1), b, 1
	if b.Before(a) {
		lo, hi, sign = b, a.AddDays(-1), -1
	}
	count := 0
	for d := lo; !d.After(hi); d = d.AddDays(1) {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return 0, err
		}
		if ok {
			count++
		}
	}
	return sign * count, nil
}

// AddDays returns the date n calendar days after from: the last day of a
// period of n 日 that starts the day after from (民法典第二百零一条：开始的
// 当日不计入，自下一日开始计算). It does NOT roll a last day that falls on a
// holiday or weekend forward; use AddDaysRolled for that. It needs no
// holiday data and so cannot fail.
func AddDays(from Date, n int) Date { return from.AddDays(n) }

// AddDaysRolled is AddDays with 民法典第二百零三条 applied: "期间的最后一日是
// 法定休假日的，以法定休假日结束的次日为期间的最后一日". If from+n days is not
// a working day, the result is the next working day after it.
//
// 法定休假日 is read as every day that is not a working day under the
// holiday notice: public holidays, the rest days a notice adds by 调休, and
// ordinary weekends; a weekend day the notice makes a working day (调休上班)
// is a working day and is not skipped. This is the usual reading in
// practice, but it is a reading: check it for the rule in question (the
// civil code lets other laws or the parties provide otherwise, 第二百零四条).
//
// It fails with an *UnknownYearError if the day checked is in a year with
// no notice.
func (c *Calendar) AddDaysRolled(from Date, n int) (Date, error) {
	if err := nonZero(from); err != nil {
		return Date{}, err
	}
	d := from.AddDays(n)
	for {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return Date{}, err
		}
		if ok {
			return d, nil
		}
		d = d.AddDays(1)
	}
}

func nonZero(d Date) error {
	if d.IsZero() {
		return errors.New("日期为空")
	}
	return nil
}
