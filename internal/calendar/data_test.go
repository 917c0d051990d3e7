package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const extraYAML = `
notices:
  # A correction on top of the embedded file: make 除夕 2024-02-09 a day off.
  - year: 2024
    title: 测试用更正
    number: 测试〔2024〕1号
    days:
      - {date: 2024-02-09, kind: off, name: 春节}
  # Undo the 2020 extension for one day: 2020-02-01 back to a working day.
  - year: 2020
    title: 测试用更正二
    number: 测试〔2020〕2号
    days:
      - {date: 2020-02-01, kind: work, name: 春节}
  # A whole new year, listed in full (library: false).
  - year: 2031
    title: 国务院办公厅关于2031年部分节假日安排的通知
    number: 国办发明电〔2030〕99号
    issued: 2030-11-01
    days:
      - {date: 2030-12-31, kind: off, name: 元旦}
      - {date: 2031-01-01, kind: off, name: 元旦}
      - {date: 2031-01-04, kind: work, name: 元旦}
`

func TestWithDataOverridesAndAddsYear(t *testing.T) {
	base := newCal(t)
	c, err := base.WithData("extra.yaml", []byte(extraYAML))
	if err != nil {
		t.Fatal(err)
	}
	check := func(cal *Calendar, s string, want bool) {
		t.Helper()
		got, err := cal.IsWorkday(d(s))
		if err != nil {
			t.Fatalf("IsWorkday(%s): %v", s, err)
		}
		if got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", s, got, want)
		}
	}
	// Corrections win over the embedded file and the library.
	check(c, "2024-02-09", false)
	check(c, "2020-02-01", true)
	// base is unchanged.
	check(base, "2024-02-09", true)
	check(base, "2020-02-01", false)
	// Days not mentioned keep their status.
	check(c, "2024-02-18", true)
	check(c, "2024-02-10", false)

	// The added year is known, with its listed days and the weekday rule.
	check(c, "2031-01-01", false) // Wednesday off
	check(c, "2031-01-02", true)  // Thursday
	check(c, "2031-01-04", true)  // Saturday made a working day
	check(c, "2031-01-05", false) // Sunday
	info, _ := c.Lookup(d("2031-01-04"))
	if info.Source != "国务院办公厅关于2031年部分节假日安排的通知" || !info.Adjusted || info.Name != "元旦" {
		t.Errorf("Lookup(2031-01-04) = %+v", info)
	}
	// 2030-12-31 is listed but 2030 itself is not declared.
	if _, err := c.IsWorkday(d("2030-12-31")); !errors.Is(err, ErrUnknownYear) {
		t.Errorf("2030 should stay unknown, err = %v", err)
	}
	if _, err := base.IsWorkday(d("2031-01-02")); !errors.Is(err, ErrUnknownYear) {
		t.Errorf("base calendar learned 2031: err = %v", err)
	}
	got, err := c.AddWorkdays(d("2031-01-01"), 2)
	if err != nil || got.String() != "2031-01-03" {
		t.Errorf("AddWorkdays in added year = %s, %v", got, err)
	}
	if ns := c.Notices(2024); len(ns) != 2 || ns[1].Title != "测试用更正" {
		t.Errorf("Notices(2024) = %+v", ns)
	}
}

// A year declared without library: true takes nothing from lunar-go, even
// though lunar-go v1.4.7 has data for it (2027-01-31, a Sunday, is a 春节
// make-up working day there).
func TestLibraryOnlyWhenDeclared(t *testing.T) {
	c, err := newCal(t).WithData("2027.yaml", []byte(`
notices:
  - year: 2027
    title: 测试
    number: 测试〔2026〕1号
    days:
      - {date: 2027-10-01, kind: off, name: 国庆节}
`))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := c.IsWorkday(d("2027-01-31")); err != nil || ok {
		t.Errorf("2027-01-31 (Sunday) = %v, %v; lunar-go's data leaked in", ok, err)
	}
	lib, err := newCal(t).WithData("2027lib.yaml", []byte(`
notices:
  - {year: 2027, title: 测试, number: 测试〔2026〕1号, library: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := lib.IsWorkday(d("2027-01-31")); err != nil || !ok {
		t.Errorf("with library: true, 2027-01-31 = %v, %v; want lunar-go's make-up working day", ok, err)
	}
}

func TestLibraryYearMissing(t *testing.T) {
	_, err := newCal(t).WithData("user.yaml", []byte(`
notices:
  - {year: 2031, title: T, number: N, library: true}
`))
	var de *DataError
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "lunar-go 没有 2031 年的节假日数据") || !strings.Contains(err.Error(), "user.yaml") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"empty", ``, []string{"user.yaml", "文件为空"}},
		{"no notices", `notices: []`, []string{"notices 列表为空"}},
		{"not yaml", "notices: [\n", []string{"YAML 格式错误"}},
		{"unknown top key", "notice: []\n", []string{"YAML 格式错误", "notice"}},
		{"bad date", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2024-02-10, kind: off, name: 春节}
      - {date: 2024-02-30, kind: off, name: 春节}
`, []string{"user.yaml 第 8 行", "第 1 个通知（2024 年）", "第 2 条（date: 2024-02-30）", "该月没有这一天"}},
		{"bad date format", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2024/2/10, kind: off, name: 春节}
`, []string{"第 1 条（date: 2024/2/10）", "YYYY-MM-DD"}},
		{"bad kind", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2024-02-10, kind: holiday, name: 春节}
`, []string{"第 1 条（date: 2024-02-10）", `kind 应为 off（放假）或 work（调休上班），而不是 "holiday"`}},
		{"missing name", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2024-02-10, kind: off}
`, []string{"第 1 条（date: 2024-02-10）", "缺少 name"}},
		{"wrong year", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2025-02-10, kind: off, name: 春节}
`, []string{"第 1 条（date: 2025-02-10）", "不在 2024 年通知的范围内"}},
		{"duplicate", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2024-02-10, kind: off, name: 春节}
  - year: 2024
    title: T2
    number: N2
    days:
      - {date: 2024-02-10, kind: work, name: 春节}
`, []string{"第 2 个通知（2024 年）", "日期 2024-02-10 重复，已在第 7 行（第 1 个通知（2024 年））列出"}},
		{"missing title", `
notices:
  - {year: 2024, number: N, library: true}
`, []string{"第 1 个通知（2024 年）", "缺少 title"}},
		{"missing number", `
notices:
  - {year: 2024, title: T, library: true}
`, []string{"缺少 number"}},
		{"no days", `
notices:
  - {year: 2024, title: T, number: N}
`, []string{"未列出任何日期"}},
		{"missing year", `
notices:
  - {title: T, number: N, library: true}
`, []string{"第 1 个通知（0 年）", "year 缺失或无效"}},
		{"unknown day key", `
notices:
  - year: 2024
    title: T
    number: N
    days:
      - {date: 2024-02-10, kind: off, name: 春节, knd: off}
`, []string{"user.yaml 第 7 行", `日期条目有未知字段 "knd"`}},
		{"unknown notice key", `
notices:
  - {year: 2024, title: T, number: N, library: true, yaer: 2024}
`, []string{`通知有未知字段 "yaer"`}},
		{"day not a mapping", `
notices:
  - year: 2024
    title: T
    number: N
    days: [2024-02-10]
`, []string{"日期条目应为键值映射"}},
		{"bad issued", `
notices:
  - {year: 2024, title: T, number: N, library: true, issued: 2023-13-01}
`, []string{"issued", "月份应在 01 至 12 之间"}},
		{"year not int", `
notices:
  - {year: 二〇二四, title: T, number: N, library: true}
`, []string{"YAML 格式错误"}},
		{"two documents", "notices: [{year: 2024, title: T, number: N, library: true}]\n---\nnotices: []\n", []string{"只能包含一个 YAML 文档"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("user.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("no error")
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %T %v is not a *DataError", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err.Error(), w)
				}
			}
			if _, err := newCal(t).WithData("user.yaml", []byte(tc.yaml)); err == nil {
				t.Error("WithData accepted what Parse rejects")
			}
		})
	}
}

func TestParseEmbedded(t *testing.T) {
	ns, err := Parse(EmbeddedSource, embeddedData)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Issued.IsZero() || len(n.Sources) < 2 {
			t.Errorf("%d %s: embedded notices must record the issue date and at least two sources", n.Year, n.Title)
		}
	}
}

func TestDate(t *testing.T) {
	good := []string{"2024-02-29", "2020-01-01", "0001-01-01", "9999-12-31"}
	for _, s := range good {
		v, err := ParseDate(s)
		if err != nil || v.String() != s {
			t.Errorf("ParseDate(%q) = %v, %v", s, v, err)
		}
		b, _ := v.MarshalText()
		var back Date
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Errorf("text round trip of %s: %v, %v", s, back, err)
		}
	}
	bad := []string{"", "2024-2-29", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "0000-01-01",
		"2024/01/01", "2024-01-01 ", "２０２４-01-01", "+024-01-01", "2024-01-3a", "20240101"}
	for _, s := range bad {
		if v, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want error", s, v)
		}
	}
	x := MustDate(2024, time.February, 28)
	if x.AddDays(1).String() != "2024-02-29" || x.AddDays(-59).String() != "2023-12-31" {
		t.Error("AddDays across month/year")
	}
	if !x.Before(x.AddDays(1)) || !x.AddDays(1).After(x) || x.Compare(x) != 0 {
		t.Error("ordering")
	}
	loc := time.FixedZone("CST", 8*3600)
	if got := DateOf(time.Date(2024, 10, 1, 23, 30, 0, 0, loc)); got.String() != "2024-10-01" {
		t.Errorf("DateOf = %s", got)
	}
	if !x.Time().Equal(time.Date(2024, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Error("Time() is not UTC midnight")
	}
	if (Date{}).IsZero() != true || x.IsZero() {
		t.Error("IsZero")
	}
	// The zero Date is a date not yet known: it writes as empty text and
	// empty text reads back as zero.
	if b, err := (Date{}).MarshalText(); err != nil || len(b) != 0 {
		t.Errorf("zero date marshals to %q, %v", b, err)
	}
	var z Date = x
	if err := z.UnmarshalText(nil); err != nil || !z.IsZero() {
		t.Errorf("empty text reads as %v, %v", z, err)
	}
}
