package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func newCal(t testing.TB) *Calendar {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// arrangement is a year's notice as its text reads: ranges of days off and
// the weekend days made working days. Typed from the notice texts listed in
// holidays.yaml, independently of lunar-go's data.
type arrangement struct {
	off  [][2]string
	work []string
}

var notices = map[int]arrangement{
	2020: { // 国办发明电〔2019〕16号, as extended by 国办发明电〔2020〕1号 (春节 to 2-2, so 2-1 is off, not work)
		off: [][2]string{{"2020-01-01", "2020-01-01"}, {"2020-01-24", "2020-02-02"}, {"2020-04-04", "2020-04-06"},
			{"2020-05-01", "2020-05-05"}, {"2020-06-25", "2020-06-27"}, {"2020-10-01", "2020-10-08"}},
		work: []string{"2020-01-19", "2020-04-26", "2020-05-09", "2020-06-28", "2020-09-27", "2020-10-10"},
	},
	2021: { // 国办发明电〔2020〕27号
		off: [][2]string{{"2021-01-01", "2021-01-03"}, {"2021-02-11", "2021-02-17"}, {"2021-04-03", "2021-04-05"},
			{"2021-05-01", "2021-05-05"}, {"2021-06-12", "2021-06-14"}, {"2021-09-19", "2021-09-21"}, {"2021-10-01", "2021-10-07"}},
		work: []string{"2021-02-07", "2021-02-20", "2021-04-25", "2021-05-08", "2021-09-18", "2021-09-26", "2021-10-09"},
	},
	2022: { // 国办发明电〔2021〕11号
		off: [][2]string{{"2022-01-01", "2022-01-03"}, {"2022-01-31", "2022-02-06"}, {"2022-04-03", "2022-04-05"},
			{"2022-04-30", "2022-05-04"}, {"2022-06-03", "2022-06-05"}, {"2022-09-10", "2022-09-12"}, {"2022-10-01", "2022-10-07"}},
		work: []string{"2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24", "2022-05-07", "2022-10-08", "2022-10-09"},
	},
	2023: { // 国办发明电〔2022〕16号
		off: [][2]string{{"2022-12-31", "2023-01-02"}, {"2023-01-21", "2023-01-27"}, {"2023-04-05", "2023-04-05"},
			{"2023-04-29", "2023-05-03"}, {"2023-06-22", "2023-06-24"}, {"2023-09-29", "2023-10-06"}},
		work: []string{"2023-01-28", "2023-01-29", "2023-04-23", "2023-05-06", "2023-06-25", "2023-10-07", "2023-10-08"},
	},
	2024: { // 国办发明电〔2023〕7号
		off: [][2]string{{"2024-01-01", "2024-01-01"}, {"2024-02-10", "2024-02-17"}, {"2024-04-04", "2024-04-06"},
			{"2024-05-01", "2024-05-05"}, {"2024-06-10", "2024-06-10"}, {"2024-09-15", "2024-09-17"}, {"2024-10-01", "2024-10-07"}},
		work: []string{"2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"},
	},
	2025: { // 国办发明电〔2024〕12号
		off: [][2]string{{"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"}, {"2025-04-04", "2025-04-06"},
			{"2025-05-01", "2025-05-05"}, {"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"}},
		work: []string{"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"},
	},
	2026: { // 国办发明电〔2025〕7号
		off: [][2]string{{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
			{"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"}, {"2026-10-01", "2026-10-07"}},
		work: []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"},
	},
}

const firstYear, lastYear = 2020, 2026

func isWeekend(x Date) bool {
	w := x.Weekday()
	return w == time.Saturday || w == time.Sunday
}

func TestCoveredYears(t *testing.T) {
	c := newCal(t)
	got := c.Years()
	var want []int
	for y := firstYear; y <= lastYear; y++ {
		want = append(want, y)
	}
	if len(got) != len(want) {
		t.Fatalf("Years() = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Years() = %v, want %v", got, want)
		}
	}
	for _, y := range want {
		ns := c.Notices(y)
		if len(ns) == 0 || !strings.Contains(ns[0].Title, "部分节假日安排的通知") || !strings.HasPrefix(ns[0].Number, "国办发明电〔") {
			t.Errorf("%d: notice metadata missing or malformed: %+v", y, ns)
		}
	}
}

// TestNoticesFullYear checks every day of every covered year against the
// notice texts: a day is off exactly when a notice range covers it or it is
// a weekend day not listed as a working day.
func TestNoticesFullYear(t *testing.T) {
	c := newCal(t)
	expect := map[Date]bool{} // true = working day
	for y, a := range notices {
		for _, w := range a.work {
			day := d(w)
			if !isWeekend(day) {
				t.Fatalf("%d table: make-up working day %s is not a weekend day (typo in test table?)", y, w)
			}
			expect[day] = true
		}
		for _, r := range a.off {
			for x := d(r[0]); !x.After(d(r[1])); x = x.AddDays(1) {
				if _, dup := expect[x]; dup {
					t.Fatalf("%d table: %s both off and work", y, x)
				}
				expect[x] = false
			}
		}
	}
	mismatches := 0
	for x := MustDate(firstYear, 1, 1); x.Year() <= lastYear; x = x.AddDays(1) {
		want, listed := expect[x]
		if !listed {
			want = !isWeekend(x)
		}
		got, err := c.IsWorkday(x)
		if err != nil {
			t.Fatalf("IsWorkday(%s): %v", x, err)
		}
		if got != want {
			mismatches++
			if mismatches <= 20 {
				t.Errorf("IsWorkday(%s %s) = %v, want %v", x, x.Weekday(), got, want)
			}
		}
	}
	if mismatches > 20 {
		t.Errorf("%d mismatches in all", mismatches)
	}
}

// TestSpringFestivalAndNationalDay spells out, per year, the two long
// holidays and their make-up working days exactly as the notices word them.
func TestSpringFestivalAndNationalDay(t *testing.T) {
	c := newCal(t)
	type holiday struct {
		name       string // substring expected in the day's name
		start, end string
		work       []string
	}
	cases := []struct {
		year   int
		spring holiday
		nation holiday
	}{
		{2020, holiday{"春节", "2020-01-24", "2020-02-02", []string{"2020-01-19"}}, // 2-1 (Sat) given off by the extension notice
			holiday{"国庆", "2020-10-01", "2020-10-08", []string{"2020-09-27", "2020-10-10"}}},
		{2021, holiday{"春节", "2021-02-11", "2021-02-17", []string{"2021-02-07", "2021-02-20"}},
			holiday{"国庆", "2021-10-01", "2021-10-07", []string{"2021-09-26", "2021-10-09"}}},
		{2022, holiday{"春节", "2022-01-31", "2022-02-06", []string{"2022-01-29", "2022-01-30"}},
			holiday{"国庆", "2022-10-01", "2022-10-07", []string{"2022-10-08", "2022-10-09"}}},
		{2023, holiday{"春节", "2023-01-21", "2023-01-27", []string{"2023-01-28", "2023-01-29"}},
			holiday{"国庆", "2023-10-01", "2023-10-06", []string{"2023-10-07", "2023-10-08"}}}, // 中秋 9-29/9-30 run into it
		{2024, holiday{"春节", "2024-02-10", "2024-02-17", []string{"2024-02-04", "2024-02-18"}},
			holiday{"国庆", "2024-10-01", "2024-10-07", []string{"2024-09-29", "2024-10-12"}}},
		{2025, holiday{"春节", "2025-01-28", "2025-02-04", []string{"2025-01-26", "2025-02-08"}},
			holiday{"国庆", "2025-10-01", "2025-10-08", []string{"2025-09-28", "2025-10-11"}}},
		{2026, holiday{"春节", "2026-02-15", "2026-02-23", []string{"2026-02-14", "2026-02-28"}},
			holiday{"国庆", "2026-10-01", "2026-10-07", []string{"2026-09-20", "2026-10-10"}}},
	}
	if len(cases) != lastYear-firstYear+1 {
		t.Fatalf("table covers %d years, calendar covers %d", len(cases), lastYear-firstYear+1)
	}
	for _, tc := range cases {
		for _, h := range []holiday{tc.spring, tc.nation} {
			for x := d(h.start); !x.After(d(h.end)); x = x.AddDays(1) {
				info, err := c.Lookup(x)
				if err != nil {
					t.Fatalf("%d %s: %v", tc.year, x, err)
				}
				if info.Workday {
					t.Errorf("%d %s %s: working day, want %s off", tc.year, x, x.Weekday(), h.name)
				}
				if !strings.Contains(info.Name, h.name) {
					t.Errorf("%d %s: name %q, want it to contain %q", tc.year, x, info.Name, h.name)
				}
			}
			// The day after the holiday is a working day in every notice here
			// (a weekday or a make-up weekend day).
			if ok, _ := c.IsWorkday(d(h.end).AddDays(1)); !ok {
				t.Errorf("%d: day after %s holiday (%s) is not a working day", tc.year, h.name, d(h.end).AddDays(1))
			}
			for _, w := range h.work {
				info, err := c.Lookup(d(w))
				if err != nil {
					t.Fatal(err)
				}
				if !info.Workday || !info.Adjusted || !isWeekend(d(w)) {
					t.Errorf("%d %s %s: %+v, want an adjusted weekend working day", tc.year, w, d(w).Weekday(), info)
				}
			}
		}
	}
	// 除夕 2024-02-09 (Fri) is a working day: the 2024 notice only encourages leave.
	if ok, _ := c.IsWorkday(d("2024-02-09")); !ok {
		t.Error("2024-02-09 (除夕) should be a working day")
	}
}

func TestAddWorkdays(t *testing.T) {
	c := newCal(t)
	cases := []struct {
		from string
		n    int
		want string
	}{
		// 9-28 (Sat) off, 9-29 (Sun) make-up work = 1, 9-30 (Mon) = 2.
		{"2024-09-27", 2, "2024-09-30"},
		// Signing on Friday 2024-09-27, filing within 7 working days
		// (政府采购法第四十七条): 9-29, 9-30, then 10-1..10-7 off, 10-8, 10-9,
		// 10-10, 10-11, 10-12 (Sat, make-up) = 7.
		{"2024-09-27", 7, "2024-10-12"},
		{"2024-09-30", 1, "2024-10-08"},
		{"2024-02-08", 2, "2024-02-18"}, // 2-9 (除夕, Fri) = 1, 2-10..2-17 off, 2-18 (Sun) make-up = 2
		{"2024-02-08", 3, "2024-02-19"},
		{"2024-02-03", 1, "2024-02-04"}, // Saturday → Sunday make-up day
		{"2024-02-02", 1, "2024-02-04"}, // Friday → skips Sat 2-3, lands on Sun 2-4
		// Year boundaries.
		{"2024-12-31", 1, "2025-01-02"}, // 2025-01-01 off
		{"2022-12-30", 1, "2023-01-03"}, // 2022-12-31..2023-01-02 off (2023 notice)
		{"2025-12-31", 1, "2026-01-04"}, // 2026-01-01..03 off, 01-04 (Sun) make-up work
		{"2025-12-31", 2, "2026-01-05"},
		{"2025-12-30", 2, "2026-01-04"}, // 12-31 = 1, then 01-04 (Sun) = 2
		{"2019-12-31", 1, "2020-01-02"}, // from's year need not be known
		{"2020-01-23", 1, "2020-02-03"}, // extended 2020 Spring Festival
		// Backwards and zero.
		{"2024-10-08", -1, "2024-09-30"},
		{"2024-10-12", -7, "2024-09-27"},
		{"2024-10-05", 0, "2024-10-05"},
	}
	for _, tc := range cases {
		got, err := c.AddWorkdays(d(tc.from), tc.n)
		if err != nil {
			t.Errorf("AddWorkdays(%s, %d): %v", tc.from, tc.n, err)
			continue
		}
		if got.String() != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

// TestAddWorkdaysProperty: from every day of every covered year, for n in
// 1..10 (and -10..-1), the result is a working day, exactly |n| working
// days away, and WorkdaysBetween inverts it.
func TestAddWorkdaysProperty(t *testing.T) {
	c := newCal(t)
	checked := 0
	for from := MustDate(firstYear, 1, 1); from.Year() <= lastYear; from = from.AddDays(1) {
		for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1, -2, -5, -10} {
			got, err := c.AddWorkdays(from, n)
			if err != nil {
				var uy *UnknownYearError
				if !errors.As(err, &uy) || !errors.Is(err, ErrUnknownYear) {
					t.Fatalf("AddWorkdays(%s, %d): unexpected error %v", from, n, err)
				}
				// Only allowed when the count runs off the covered range.
				if (n > 0 && uy.Year != lastYear+1) || (n < 0 && uy.Year != firstYear-1) {
					t.Fatalf("AddWorkdays(%s, %d): error for year %d", from, n, uy.Year)
				}
				if (n > 0 && from.Month() != 12) || (n < 0 && from.Month() != 1) {
					t.Fatalf("AddWorkdays(%s, %d): ran out of covered years too early: %v", from, n, err)
				}
				continue
			}
			ok, err := c.IsWorkday(got)
			if err != nil || !ok {
				t.Fatalf("AddWorkdays(%s, %d) = %s, which is not a working day (err %v)", from, n, got, err)
			}
			if (n > 0) != got.After(from) {
				t.Fatalf("AddWorkdays(%s, %d) = %s: wrong direction", from, n, got)
			}
			between, err := c.WorkdaysBetween(from, got)
			if err != nil || between != n {
				t.Fatalf("WorkdaysBetween(%s, %s) = %d, %v; want %d", from, got, between, err, n)
			}
			checked++
		}
	}
	if checked < 30000 {
		t.Fatalf("only %d checks ran", checked)
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := newCal(t)
	cases := []struct {
		a, b string
		want int
	}{
		{"2024-09-27", "2024-10-12", 7},
		{"2024-10-12", "2024-09-27", -7}, // 9-27 counted, 10-12 not
		{"2024-10-12", "2024-10-11", -1},
		{"2024-10-14", "2024-10-12", -1}, // Sat 10-12 (make-up) counted, Sun 10-13 not a working day
		{"2024-10-01", "2024-10-01", 0},
		{"2024-10-01", "2024-10-07", 0}, // all holiday
		{"2024-09-27", "2024-09-28", 0}, // Saturday only
		{"2024-12-31", "2025-01-02", 1},
		// Signed 2024-09-27, deadline 2024-10-12 (7 working days); filed
		// 2024-10-16: 超出期限 3 个工作日 (10-13 is Sunday; 10-14..10-16 count).
		{"2024-10-12", "2024-10-16", 3},
	}
	for _, tc := range cases {
		got, err := c.WorkdaysBetween(d(tc.a), d(tc.b))
		if err != nil || got != tc.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
		}
	}
}

func TestAddDaysAndRolled(t *testing.T) {
	c := newCal(t)
	if got := AddDays(d("2024-09-28"), 3); got.String() != "2024-10-01" {
		t.Errorf("AddDays = %s, want 2024-10-01 (no rolling)", got)
	}
	if got := AddDays(d("2024-02-28"), 2); got.String() != "2024-03-01" {
		t.Errorf("AddDays leap year = %s", got)
	}
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2024-09-28", 3, "2024-10-08"},  // ends on 国庆节 → day after the holiday
		{"2024-10-05", 7, "2024-10-12"},  // ends on a make-up Saturday: a working day, not moved
		{"2024-11-01", 1, "2024-11-04"},  // ends on an ordinary Saturday → Monday
		{"2024-11-01", 4, "2024-11-05"},  // ends on a Tuesday: unchanged
		{"2025-12-25", 7, "2026-01-04"},  // 2026-01-01 off → 01-02, 01-03 off, 01-04 (Sun) make-up work
		{"2025-12-25", 10, "2026-01-04"}, // lands on the make-up Sunday itself
	}
	for _, tc := range cases {
		got, err := c.AddDaysRolled(d(tc.from), tc.n)
		if err != nil || got.String() != tc.want {
			t.Errorf("AddDaysRolled(%s, %d) = %s, %v; want %s", tc.from, tc.n, got, err, tc.want)
		}
	}
}

func TestUnknownYear(t *testing.T) {
	c := newCal(t)
	_, err := c.IsWorkday(d("2031-05-06"))
	if !errors.Is(err, ErrUnknownYear) {
		t.Fatalf("IsWorkday(2031): err = %v, want ErrUnknownYear", err)
	}
	if want := "未收录 2031 年节假日安排，请在节假日数据文件中补充"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	// lunar-go has 2019 and 2027 data, but neither year is declared.
	for _, s := range []string{"2019-10-08", "2027-01-31", "2027-06-09"} {
		if _, err := c.IsWorkday(d(s)); !errors.Is(err, ErrUnknownYear) {
			t.Errorf("IsWorkday(%s): err = %v, want ErrUnknownYear", s, err)
		}
	}
	if _, err := c.AddWorkdays(d("2026-12-31"), 1); !errors.Is(err, ErrUnknownYear) || !strings.Contains(err.Error(), "2027") {
		t.Errorf("AddWorkdays past 2026: err = %v", err)
	}
	if _, err := c.AddWorkdays(d("2020-01-02"), -2); !errors.Is(err, ErrUnknownYear) || !strings.Contains(err.Error(), "2019") {
		t.Errorf("AddWorkdays before 2020: err = %v", err)
	}
	if _, err := c.WorkdaysBetween(d("2026-12-01"), d("2027-01-05")); !errors.Is(err, ErrUnknownYear) {
		t.Errorf("WorkdaysBetween into 2027: err = %v", err)
	}
	if _, err := c.AddDaysRolled(d("2026-12-20"), 20); !errors.Is(err, ErrUnknownYear) {
		t.Errorf("AddDaysRolled into 2027: err = %v", err)
	}
	if _, err := c.IsWorkday(Date{}); err == nil {
		t.Error("zero date accepted")
	}
	if _, err := c.AddWorkdays(Date{}, 1); err == nil {
		t.Error("zero date accepted by AddWorkdays")
	}
}

func TestDefault(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Default()
	if a != b {
		t.Error("Default built twice")
	}
}
