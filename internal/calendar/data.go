package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Kind says whether a listed day is a day off or a working day.
type Kind uint8

const (
	// Off is a day off under a notice: a public holiday, or a weekday (or
	// weekend day) made part of a holiday period by 调休.
	Off Kind = iota + 1
	// Work is a working day under a notice: typically a Saturday or Sunday
	// made a working day (调休上班).
	Work
)

// String returns "off" or "work", the spelling used in the data file.
func (k Kind) String() string {
	switch k {
	case Off:
		return "off"
	case Work:
		return "work"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Notice is one State Council notice (or a later notice amending it) as
// written in a holiday data file.
type Notice struct {
	// Year is the year the notice arranges (2024 for 《国务院办公厅关于2024年
	// 部分节假日安排的通知》). Declaring a notice makes the year known to the
	// calendar.
	Year int
	// Title is the notice's full title.
	Title string
	// Number is its document number, e.g. 国办发明电〔2023〕7号.
	Number string
	// Issued is the date the notice was issued, if given.
	Issued Date
	// Library says that lunar-go's HolidayUtil data for Year was checked
	// against this notice and is used as the base for Year. Without it the
	// calendar uses only the days listed in the data files for that year.
	// Setting it for a year lunar-go has no data for is an error.
	Library bool
	// Sources records where the arrangement was checked (free text).
	Sources []string
	// Days are the days the notice makes off or working days. With Library
	// they are corrections on top of lunar-go; without it they must be the
	// notice's complete list.
	Days []DayEntry
}

// DayEntry is one listed day.
type DayEntry struct {
	Date Date
	Kind Kind
	// Name is the holiday the day belongs to, e.g. 春节 or 国庆节.
	Name string
	// Line is the entry's line in the data file (0 if unknown).
	Line int
}

// DataError is an error in a holiday data file. It names the file, the
// notice and the entry so that whoever edits the file can find the mistake.
type DataError struct {
	Source string // the file's name as given to Parse
	Line   int    // line of the offending entry, 0 if unknown
	Notice string // which notice, e.g. "第 2 个通知（2024 年）"; empty for file-level errors
	Entry  string // which entry, e.g. "第 5 条（date: 2024-02-30）"; empty for notice-level errors
	Msg    string
}

func (e *DataError) Error() string {
	var b strings.Builder
	b.WriteString("节假日数据 ")
	b.WriteString(e.Source)
	if e.Line > 0 {
		fmt.Fprintf(&b, " 第 %d 行", e.Line)
	}
	if e.Notice != "" {
		b.WriteString("，")
		b.WriteString(e.Notice)
	}
	if e.Entry != "" {
		b.WriteString(e.Entry)
	}
	b.WriteString("：")
	b.WriteString(e.Msg)
	return b.String()
}

// The file's raw shape. Day and notice entries record their line and
// reject unknown keys themselves, because yaml.Node.Decode does not carry
// the decoder's KnownFields setting.

type rawFile struct {
	Notices []rawNotice `yaml:"notices"`
}

type rawNotice struct {
	Year    int      `yaml:"year"`
	Title   string   `yaml:"title"`
	Number  string   `yaml:"number"`
	Issued  string   `yaml:"issued"`
	Library bool     `yaml:"library"`
	Sources []string `yaml:"sources"`
	Days    []rawDay `yaml:"days"`
	line    int
}

type rawDay struct {
	Date string `yaml:"date"`
	Kind string `yaml:"kind"`
	Name string `yaml:"name"`
	Note string `yaml:"note"`
	line int
}

var (
	noticeKeys = []string{"year", "title", "number", "issued", "library", "sources", "days"}
	dayKeys    = []string{"date", "kind", "name", "note"}
)

// errShape carries a structural error up to Parse, which adds the source.
type errShape struct {
	line int
	msg  string
}

func (e *errShape) Error() string { return e.msg }

func checkMapping(n *yaml.Node, what string, keys []string) error {
	if n.Kind != yaml.MappingNode {
		return &errShape{n.Line, what + "应为键值映射（如 date: 2024-02-10）"}
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind != yaml.ScalarNode {
			return &errShape{k.Line, what + "的键应为字符串"}
		}
		known := false
		for _, want := range keys {
			if k.Value == want {
				known = true
			}
		}
		if !known {
			return &errShape{k.Line, fmt.Sprintf("%s有未知字段 %q（可用字段：%s）", what, k.Value, strings.Join(keys, "、"))}
		}
		if seen[k.Value] {
			return &errShape{k.Line, fmt.Sprintf("%s的字段 %q 重复", what, k.Value)}
		}
		seen[k.Value] = true
	}
	return nil
}

func (r *rawNotice) UnmarshalYAML(n *yaml.Node) error {
	if err := checkMapping(n, "通知", noticeKeys); err != nil {
		return err
	}
	type plain rawNotice
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = rawNotice(p)
	r.line = n.Line
	return nil
}

func (r *rawDay) UnmarshalYAML(n *yaml.Node) error {
	if err := checkMapping(n, "日期条目", dayKeys); err != nil {
		return err
	}
	type plain rawDay
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*r = rawDay(p)
	r.line = n.Line
	return nil
}

// Parse reads a holiday data file (the format of holidays.yaml) and checks
// every entry. source names the file in error messages. It never panics:
// a panic inside the YAML decoder is turned into an error.
//
// Checks: each notice has a year, title, number and either library: true
// or at least one day; each day has a valid YYYY-MM-DD date in the
// notice's year or the December before it (元旦 arrangements may start
// then), kind off or work, and a name; no date is listed twice in one file.
// Errors are *DataError values naming the notice and entry.
func Parse(source string, data []byte) (notices []Notice, err error) {
	defer func() {
		if r := recover(); r != nil {
			notices = nil
			err = &DataError{Source: source, Msg: fmt.Sprintf("YAML 解析失败：%v", r)}
		}
	}()
	var raw rawFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if derr := dec.Decode(&raw); derr != nil {
		if errors.Is(derr, io.EOF) {
			return nil, &DataError{Source: source, Msg: "文件为空，应包含 notices 列表"}
		}
		var shape *errShape
		if errors.As(derr, &shape) {
			return nil, &DataError{Source: source, Line: shape.line, Msg: shape.msg}
		}
		return nil, &DataError{Source: source, Msg: "YAML 格式错误：" + derr.Error()}
	}
	var extra yaml.Node
	if derr := dec.Decode(&extra); !errors.Is(derr, io.EOF) {
		return nil, &DataError{Source: source, Msg: "文件只能包含一个 YAML 文档"}
	}
	if len(raw.Notices) == 0 {
		return nil, &DataError{Source: source, Msg: "notices 列表为空"}
	}

	type firstSeen struct {
		line   int
		notice string
	}
	seen := map[Date]firstSeen{}
	for i, rn := range raw.Notices {
		where := fmt.Sprintf("第 %d 个通知（%d 年）", i+1, rn.Year)
		nerr := func(msg string) error {
			return &DataError{Source: source, Line: rn.line, Notice: where, Msg: msg}
		}
		if rn.Year < 1 || rn.Year > 9999 {
			return nil, nerr("year 缺失或无效，应为通知所安排的年份，如 2024")
		}
		n := Notice{
			Year:    rn.Year,
			Title:   strings.TrimSpace(rn.Title),
			Number:  strings.TrimSpace(rn.Number),
			Library: rn.Library,
			Sources: rn.Sources,
		}
		if n.Title == "" {
			return nil, nerr("缺少 title（通知标题，如 国务院办公厅关于2024年部分节假日安排的通知）")
		}
		if n.Number == "" {
			return nil, nerr("缺少 number（发文字号，如 国办发明电〔2023〕7号）")
		}
		if rn.Issued != "" {
			d, perr := ParseDate(rn.Issued)
			if perr != nil {
				return nil, nerr("issued " + perr.Error())
			}
			n.Issued = d
		}
		if !n.Library && len(rn.Days) == 0 {
			return nil, nerr("未列出任何日期：请在 days 中列出通知的全部放假和调休上班日期（或在核对 lunar-go 数据后设置 library: true）")
		}
		for j, rd := range rn.Days {
			entry := fmt.Sprintf("第 %d 条（date: %s）", j+1, rd.Date)
			derr := func(msg string) error {
				return &DataError{Source: source, Line: rd.line, Notice: where, Entry: entry, Msg: msg}
			}
			d, perr := ParseDate(strings.TrimSpace(rd.Date))
			if perr != nil {
				return nil, derr(perr.Error())
			}
			if d.Year() != n.Year && !(d.Year() == n.Year-1 && d.Month() == 12) {
				return nil, derr(fmt.Sprintf("日期不在 %d 年通知的范围内（应为 %d 年内，或 %d 年 12 月的元旦调休）", n.Year, n.Year, n.Year-1))
			}
			var k Kind
			switch strings.TrimSpace(rd.Kind) {
			case "off":
				k = Off
			case "work":
				k = Work
			default:
				return nil, derr(fmt.Sprintf("kind 应为 off（放假）或 work（调休上班），而不是 %q", rd.Kind))
			}
			name := strings.TrimSpace(rd.Name)
			if name == "" {
				return nil, derr("缺少 name（所属节日，如 春节）")
			}
			if prev, dup := seen[d]; dup {
				return nil, derr(fmt.Sprintf("日期 %s 重复，已在第 %d 行（%s）列出", d, prev.line, prev.notice))
			}
			seen[d] = firstSeen{rd.line, where}
			n.Days = append(n.Days, DayEntry{Date: d, Kind: k, Name: name, Line: rd.line})
		}
		sort.Slice(n.Days, func(a, b int) bool { return n.Days[a].Date.Before(n.Days[b].Date) })
		notices = append(notices, n)
	}
	return notices, nil
}
