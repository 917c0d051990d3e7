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

// sheetData is one worksheet as read: for each row, the stored (raw)
// value, type and style of the cells in the layout's columns, and where
// each column of the layout was found. Other columns are not kept.
type sheetData struct {
	r    *reader
	name string
	rows [][]cellData   // 0-based row → cells by slot; nil for a row with none
	col  map[string]int // layout key → 0-based column
	slot map[int]int    // 0-based column → index into a row's cells
	cols []int          // 0-based column of each slot
}

// cellData is one cell as read: its stored value, its type attribute, its
// style and, for a number shown in a format or a boolean, the text the
// cell shows.
type cellData struct {
	v, t  string
	style int
	shown string
}

// normHeader makes a header or label comparable: no spaces, full-width
// brackets.
func normHeader(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.NewReplacer("(", "（", ")", "）").Replace(s)
}

// openSheet reads a sheet as a stream and finds the layout's columns by
// their headers in row 1. A missing column is an error (its cells read
// as empty); a header the layout lacks is ignored with a warning when its
// column holds anything. Cells right of the last header, looked for in
// the first Limits.Columns columns, are not read: one warning says so
// when any holds anything. A sheet with content below its row limit is
// read up to the limit and refused with one error.
func (r *reader) openSheet(name string, cols []column) *sheetData {
	b, err := r.bound(name)
	if err != nil {
		r.add(diag.Syntax, name+"!A1", "工作表“%s”无法读取：%v", name, err)
		return nil
	}
	rows, err := r.f.Rows(name)
	if err != nil {
		r.add(diag.Syntax, name+"!A1", "工作表“%s”无法读取：%v", name, err)
		return nil
	}
	defer rows.Close()
	attrs := openAttrs(b)
	s := &sheetData{r: r, name: name, col: map[string]int{}, slot: map[int]int{}}
	raw := excelize.Options{RawCellValue: true}
	var (
		unknown  = map[int]string{} // 0-based column → header the layout lacks
		used     = map[int]bool{}   // unknown columns holding anything
		lastCol  = -1               // 0-based column of the last header
		beyond   = ""               // first cell right of lastCol holding anything
		shownFor = map[int][]int{}  // 1-based row → slots needing the shown text
		intern   = map[string]string{}
		n        = 0
		text     = 0 // bytes of text read
	)
	for rows.Next() {
		n++
		vals, err := rows.Columns(raw)
		if err != nil {
			break
		}
		for _, v := range vals {
			text += len(v)
		}
		if text > r.lim.SheetText {
			r.add(diag.Syntax, fmt.Sprintf("%s!A%d", name, n), "%s：单元格中的文本超过 %s 的上限（第 %d 行起未读取），请核对文件", name, sizeText(int64(r.lim.SheetText)), n)
			break
		}
		if n == 1 {
			lastCol = s.header(vals, cols, unknown)
			continue
		}
		for c := lastCol + 1; beyond == "" && c < len(vals); c++ {
			if strings.TrimSpace(vals[c]) != "" {
				beyond = ref(c, n)
			}
		}
		for c := range unknown {
			if c < len(vals) && strings.TrimSpace(vals[c]) != "" {
				used[c] = true
			}
		}
		var row []cellData
		for k, c := range s.cols {
			if c >= len(vals) || vals[c] == "" {
				continue
			}
			if row == nil {
				row = make([]cellData, len(s.cols))
			}
			v := vals[c]
			if len(v) > 64 {
				// Shared text is read anew for every cell: keep one copy.
				if w, ok := intern[v]; ok {
					v = w
				} else {
					intern[v] = v
				}
			}
			row[k].v = v
		}
		if row == nil {
			continue
		}
		attrs.row(n, func(c int, t string, style int) {
			if k, ok := s.slot[c]; ok {
				row[k].t, row[k].style = t, style
			}
		})
		for k := range row {
			if d := row[k]; d.v != "" && (d.t == "b" || isNumberType(d.t) && r.formatted(d.style)) {
				if _, err := strconv.ParseFloat(d.v, 64); err == nil {
					shownFor[n] = append(shownFor[n], k)
				}
			}
		}
		for len(s.rows) < n-1 {
			s.rows = append(s.rows, nil)
		}
		s.rows = append(s.rows, row)
	}
	if err := rows.Error(); err != nil {
		r.add(diag.Syntax, name+"!A1", "工作表“%s”无法读取：%v", name, err)
		return nil
	}
	if b.over {
		limit := r.lim.rows(name)
		r.add(diag.Syntax, fmt.Sprintf("%s!A%d", name, limit+1), "%s：超过 %d 行的上限（第 %d 行起未读取），请拆分或核对文件", name, limit, limit+1)
	}
	if b.beyond != "" && (beyond == "" || cellBefore(b.beyond, beyond)) {
		beyond = b.beyond
	}
	if len(s.rows) == 0 {
		s.rows = [][]cellData{nil} // the header row
	}
	s.readShown(shownFor)
	for c, h := range unknown {
		if used[c] {
			r.add(codeIgnored, s.ref(0, c), "工作表“%s”中的列“%s”不属于填报表格式，其内容已忽略", name, h)
		}
	}
	switch {
	case beyond != "" && lastCol < 0:
		r.add(codeIgnored, name+"!"+beyond, "工作表“%s”第 1 行没有表头，表中的内容（如 %s）未读取", name, beyond)
	case beyond != "":
		r.add(codeIgnored, name+"!"+beyond, "工作表“%s”%s 列之后没有表头，这些列中的内容（如 %s）不属于填报表格式，已忽略", name, colName(lastCol), beyond)
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

// header finds the layout's columns in the header row; it returns the
// 0-based column of the last header looked at (-1 for none) and fills
// unknown with the headers the layout lacks.
func (s *sheetData) header(head []string, cols []column, unknown map[int]string) int {
	want := map[string]string{}
	for _, c := range cols {
		want[normHeader(c.header)] = c.key
	}
	last := -1
	for i, h := range head[:min(len(head), s.r.lim.Columns)] {
		h = normHeader(h)
		if h == "" {
			continue
		}
		last = i
		key, ok := want[h]
		if !ok {
			unknown[i] = h
			continue
		}
		if _, dup := s.col[key]; dup {
			s.r.add(diag.Duplicate, s.ref(0, i), "列“%s”重复，只读取第一列", h)
			continue
		}
		s.col[key] = i
		s.slot[i] = len(s.cols)
		s.cols = append(s.cols, i)
	}
	return last
}

// readShown reads, with a second stream, the text shown by the cells
// that need it: numbers in a format (a percentage, a date) and booleans.
func (s *sheetData) readShown(need map[int][]int) {
	if len(need) == 0 {
		return
	}
	last := 0
	for n := range need {
		last = max(last, n)
	}
	rows, err := s.r.f.Rows(s.name)
	if err != nil {
		return
	}
	defer rows.Close()
	for n := 1; n <= last && rows.Next(); n++ {
		ks, ok := need[n]
		if !ok {
			continue
		}
		vals, err := rows.Columns()
		if err != nil {
			return
		}
		for _, k := range ks {
			if c := s.cols[k]; c < len(vals) {
				s.rows[n-1][k].shown = vals[c]
			}
		}
	}
}

// bound cuts a sheet to the limits (boundSheet) and has the spreadsheet
// library read the bounded sheet in place of the part in the package.
func (r *reader) bound(name string) (*bounded, error) {
	part, ok := r.partOf[name]
	if !ok {
		return nil, errors.New("找不到工作表的数据")
	}
	b, err := boundSheet(r.zip, part, r.lim.rows(name), r.lim.Columns)
	if err != nil {
		return nil, err
	}
	r.f.Pkg.Store(part, b.xml)
	return b, nil
}

// cellBefore reports whether cell a comes before cell b, row by row.
func cellBefore(a, b string) bool {
	ac, ar, _ := excelize.CellNameToCoordinates(a)
	bc, br, _ := excelize.CellNameToCoordinates(b)
	return ar < br || ar == br && ac < bc
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

// cell is the cell of row i in 0-based column c, or nil.
func (s *sheetData) cell(i, c int) *cellData {
	k, ok := s.slot[c]
	if !ok || i >= len(s.rows) || s.rows[i] == nil {
		return nil
	}
	return &s.rows[i][k]
}

func (s *sheetData) raw(i, c int) string {
	if d := s.cell(i, c); d != nil {
		return d.v
	}
	return ""
}

// isNumber reports whether the cell holds a number (rather than text that
// looks like one).
func (s *sheetData) isNumber(i, c int, v string) bool {
	if _, err := strconv.ParseFloat(v, 64); err != nil {
		return false
	}
	d := s.cell(i, c)
	return d != nil && isNumberType(d.t)
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
	d := s.cell(i, c)
	switch {
	case isNumberType(d.t) && !s.r.formatted(d.style):
		return shortest(v)
	case isNumberType(d.t) || d.t == "b":
		return strings.TrimSpace(d.shown)
	}
	return strings.TrimSpace(v)
}

// formatted reports whether a style's number format shows numbers other
// than as General does.
func (r *reader) formatted(id int) bool {
	if id == 0 {
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
