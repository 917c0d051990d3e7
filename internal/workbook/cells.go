package workbook

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// sheetData is one worksheet as read: the stored (raw) value of every
// cell, and where each column of the layout was found.
type sheetData struct {
	r    *reader
	name string
	rows [][]string
	col  map[string]int // layout key → 0-based column
}

// normHeader makes a header or label comparable: no spaces, full-width
// brackets.
func normHeader(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.NewReplacer("(", "（", ")", "）").Replace(s)
}

// openSheet reads a sheet and finds the layout's columns by their
// headers in row 1. A missing column is an error (its cells read as
// empty); a header the layout lacks is ignored with a warning.
func (r *reader) openSheet(name string, cols []column) *sheetData {
	rows, err := r.f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		r.add(diag.Syntax, name+"!A1", "工作表“%s”无法读取：%v", name, err)
		return nil
	}
	s := &sheetData{r: r, name: name, rows: rows, col: map[string]int{}}
	var head []string
	if len(rows) > 0 {
		head = rows[0]
	}
	want := map[string]string{}
	for _, c := range cols {
		want[normHeader(c.header)] = c.key
	}
	for i, h := range head {
		h = normHeader(h)
		if h == "" {
			continue
		}
		key, ok := want[h]
		if !ok {
			if s.nonEmptyColumn(i) {
				r.add(codeIgnored, s.ref(0, i), "工作表“%s”中的列“%s”不属于填报表格式，其内容已忽略", name, h)
			}
			continue
		}
		if _, dup := s.col[key]; dup {
			r.add(diag.Duplicate, s.ref(0, i), "列“%s”重复，只读取第一列", h)
			continue
		}
		s.col[key] = i
	}
	for _, c := range cols {
		if _, ok := s.col[c.key]; !ok {
			s.col[c.key] = -1
			if c.kind != inNote && c.kind != inFixed {
				r.add(diag.Missing, name+"!A1", "工作表“%s”缺少列“%s”，该列按空白处理", name, c.header)
			}
		}
	}
	return s
}

func (s *sheetData) nonEmptyColumn(c int) bool {
	for _, row := range s.rows[1:] {
		if c < len(row) && strings.TrimSpace(row[c]) != "" {
			return true
		}
	}
	return false
}

// ref is the cell reference of 0-based row i and column c: "收支情况!D5".
func (s *sheetData) ref(i, c int) string {
	if c < 0 {
		c = 0
	}
	return s.name + "!" + ref(c, i+1)
}

// at is the cell reference of a layout column in row i.
func (s *sheetData) at(i int, key string) string { return s.ref(i, s.c(key)) }

// c is the 0-based column of a layout key, or -1 when the sheet lacks it.
func (s *sheetData) c(key string) int {
	if c, ok := s.col[key]; ok {
		return c
	}
	return -1
}

func (s *sheetData) raw(i, c int) string {
	if c < 0 || i >= len(s.rows) || c >= len(s.rows[i]) {
		return ""
	}
	return s.rows[i][c]
}

// isNumber reports whether the cell holds a number (rather than text that
// looks like one).
func (s *sheetData) isNumber(i, c int, v string) bool {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return false
	}
	t, err := s.r.f.GetCellType(s.name, ref(c, i+1))
	return err == nil && (t == excelize.CellTypeNumber || t == excelize.CellTypeUnset)
}

// number is a cell's value for a numeric field: a number cell's stored
// value in its shortest exact decimal form (a spreadsheet may store
// 3308.63 as 3308.6300000000001), or the text typed.
func (s *sheetData) number(i int, key string) string {
	c := s.c(key)
	v := s.raw(i, c)
	if v == "" {
		return ""
	}
	if s.isNumber(i, c, v) {
		return shortest(v)
	}
	return strings.TrimSpace(v)
}

func shortest(v string) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return strings.TrimSpace(v)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// text is a cell's value for a text field: what the cell shows. A number
// in a General cell is its shortest decimal; a number with a format (a
// percentage, a date) is the formatted text, as the person typing saw it.
func (s *sheetData) text(i int, key string) string {
	c := s.c(key)
	v := s.raw(i, c)
	if v == "" {
		return ""
	}
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return strings.TrimSpace(v)
	}
	cell := ref(c, i+1)
	t, err := s.r.f.GetCellType(s.name, cell)
	switch {
	case err != nil:
	case t == excelize.CellTypeNumber || t == excelize.CellTypeUnset:
		if !s.r.formatted(s.name, cell) {
			return shortest(v)
		}
		fallthrough
	case t == excelize.CellTypeBool:
		if shown, err := s.r.f.GetCellValue(s.name, cell); err == nil {
			return strings.TrimSpace(shown)
		}
	}
	return strings.TrimSpace(v)
}

// formatted reports whether a cell's number format shows numbers other
// than as General does.
func (r *reader) formatted(sheet, cell string) bool {
	id, err := r.f.GetCellStyle(sheet, cell)
	if err != nil || id == 0 {
		return false
	}
	if v, ok := r.numFmt[id]; ok {
		return v
	}
	st, err := r.f.GetStyle(id)
	v := false
	if err == nil && st != nil {
		switch {
		case st.CustomNumFmt != nil:
			f := strings.ToLower(*st.CustomNumFmt)
			v = f != "general" && f != "@"
		default:
			v = st.NumFmt != 0 && st.NumFmt != 49
		}
	}
	r.numFmt[id] = v
	return v
}

// empty reports whether every listed column of row i is empty.
func (s *sheetData) empty(i int, keys ...string) bool {
	for _, k := range keys {
		if strings.TrimSpace(s.raw(i, s.c(k))) != "" {
			return false
		}
	}
	return true
}

// money reads an amount; filled says whether the cell held anything. A
// value that is not an amount is reported and read as 0.
func (s *sheetData) money(i int, key, path, what string) (v money.Fen, filled bool) {
	cell := s.at(i, key)
	s.r.at(path, cell)
	t := s.number(i, key)
	if t == "" {
		return 0, false
	}
	f, err := money.Parse(t)
	if err != nil {
		s.r.add(diag.BadValue, cell, "%s：%v", what, err)
		return 0, true
	}
	return f, true
}

func (s *sheetData) moneyPtr(i int, key, path, what string) *money.Fen {
	v, filled := s.money(i, key, path, what)
	if !filled {
		return nil
	}
	return &v
}

// points reads a number of points, or nil for an empty cell.
func (s *sheetData) points(i int, key, path, what string) *num.Points {
	cell := s.at(i, key)
	s.r.at(path, cell)
	t := s.number(i, key)
	if t == "" {
		return nil
	}
	p, err := num.ParsePoints(t)
	if err != nil {
		s.r.add(diag.BadValue, cell, "%s：%v", what, err)
		return nil
	}
	return &p
}

// decimal reads an exact number, or nil for an empty cell.
func (s *sheetData) decimal(i int, key, path, what string) *num.Decimal {
	cell := s.at(i, key)
	s.r.at(path, cell)
	t := s.number(i, key)
	if t == "" {
		return nil
	}
	d, err := num.ParseDecimal(t)
	if err != nil {
		s.r.add(diag.BadValue, cell, "%s：%v", what, err)
		return nil
	}
	return &d
}

// integer reads a whole number, allowing a unit after it ("2023年",
// "46人"); filled says whether the cell held anything.
func (s *sheetData) integer(i int, key, path, what, unit string) (v int, filled bool) {
	cell := s.at(i, key)
	s.r.at(path, cell)
	t := s.number(i, key)
	if t == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(t, unit)))
	if err != nil || n < 0 || n > 1_000_000_000 {
		s.r.add(diag.BadValue, cell, "%s %q 应为不小于 0 的整数", what, t)
		return 0, true
	}
	return n, true
}

// textAt reads a text field and records its cell for path.
func (s *sheetData) textAt(i int, key, path string) string {
	s.r.at(path, s.at(i, key))
	return s.text(i, key)
}

// choice reads a drop-down cell: the data-file value of the choice shown,
// or the text itself, reported, when it is none of them.
func (s *sheetData) choice(i int, key, path, what string, keys, names []string, aliases map[string]string) string {
	t := s.textAt(i, key, path)
	if t == "" {
		return ""
	}
	v, ok := lookup(keys, names, aliases, t)
	if !ok {
		s.r.add(diag.BadChoice, s.at(i, key), "%s %q 不在可选范围内，应为：%s", what, t, joinComma(names))
	}
	return v
}

func (s *sheetData) list(i int, key, path string) []string {
	return splitList(s.textAt(i, key, path))
}

func rowNumber(i int) string { return fmt.Sprintf("第 %d 行", i+1) }

// date reads a date: an Excel date serial (a date-formatted cell) or text
// such as "2023-06-09". An empty cell is the zero Date; anything else that
// is not a date is reported and read as the zero Date.
func (s *sheetData) date(i int, key, path, what string) civil.Date {
	cell := s.at(i, key)
	s.r.at(path, cell)
	c := s.c(key)
	v := strings.TrimSpace(s.raw(i, c))
	if v == "" {
		return civil.Date{}
	}
	if s.isNumber(i, c, v) {
		d, err := serialDate(v, s.r.date1904)
		if err != nil {
			s.r.add(diag.BadValue, cell, "%s %s 不是有效的日期，应为 YYYY-MM-DD 形式的日期（如 2023-06-09）", what, shortest(v))
		}
		return d
	}
	d, err := parseDateText(v)
	if err != nil {
		s.r.add(diag.BadValue, cell, "%s %q %v，应为 YYYY-MM-DD 形式的日期（如 2023-06-09）", what, v, err)
	}
	return d
}

// Excel date serials: day 1 is 1900-01-01 and day 60 the 1900-02-29 that
// never was (kept for Lotus 1-2-3), so from day 61 a serial counts days
// from 1899-12-30; in the 1904 system day 0 is 1904-01-01.
const maxSerial = 2958465 // 9999-12-31

var (
	epoch1900 = civil.MustDate(1899, time.December, 30)
	epoch1904 = civil.MustDate(1904, time.January, 1)
)

// serialDate converts a stored date serial to its date; a time of day
// (the fraction) is dropped.
func serialDate(v string, date1904 bool) (civil.Date, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f >= maxSerial+1 {
		return civil.Date{}, errors.New("out of range")
	}
	n := int(math.Floor(f))
	switch {
	case date1904:
		if n > maxSerial-1462 {
			return civil.Date{}, errors.New("out of range")
		}
		return epoch1904.AddDays(n), nil
	case n < 1 || n == 60:
		return civil.Date{}, errors.New("no such day")
	case n < 60:
		return epoch1900.AddDays(n + 1), nil
	}
	return epoch1900.AddDays(n), nil
}

// dateSerial is the 1900-system serial of d; ok is false for dates before
// 1900-01-01, which have none.
func dateSerial(d civil.Date) (int, bool) {
	if d.IsZero() || d.Year() < 1900 {
		return 0, false
	}
	n := int((d.Time().Unix() - epoch1900.Time().Unix()) / 86400)
	if n < 61 {
		n--
	}
	return n, true
}

// parseDateText parses a date typed as text: "2023-06-09", also with "/"
// or "." between the parts, one-digit months and days, "2023年6月9日", or
// a stored ISO date-time ("2023-06-09T00:00:00Z").
func parseDateText(s string) (civil.Date, error) {
	t := strings.Join(strings.Fields(s), "")
	if len(t) > 10 && t[10] == 'T' {
		t = t[:10]
	}
	t = strings.TrimSuffix(t, "日")
	parts := strings.FieldsFunc(t, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == '年' || r == '月' })
	bad := errors.New("无法识别")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return civil.Date{}, bad
	}
	var n [3]int
	for k, p := range parts {
		for _, c := range p {
			if c < '0' || c > '9' {
				return civil.Date{}, bad
			}
			n[k] = n[k]*10 + int(c-'0')
		}
	}
	d, err := civil.NewDate(n[0], time.Month(n[1]), n[2])
	if err != nil {
		return civil.Date{}, errors.New("不是存在的日期")
	}
	return d, nil
}

// yesNo reads a 是/否 cell: empty is 否; anything else is reported and
// read as 否.
func (s *sheetData) yesNo(i int, key, path, what string) bool {
	t := s.textAt(i, key, path)
	if t == "" {
		return false
	}
	v, ok := yesNo(t)
	if !ok {
		s.r.add(diag.BadChoice, s.at(i, key), "%s %q 应为“是”或“否”", what, t)
	}
	return v
}
