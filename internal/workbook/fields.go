package workbook

import (
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Fields names what cells of a workbook hold, as its sheets show them, so
// that a finding at "收支情况!D9" can say which field it is about. On the
// label sheets (基本情况, 收支情况) a cell is named by its row's label —
// the nearest label above for a row that continues a list — and, for a
// value column, the column's header: "年初预算数 · 金额或预算数（元）". On
// the table sheets a cell is named by its column's header: "实际完成值".
//
// refs are cell references as findings carry them ("绩效目标!H5"); data is
// the workbook they point into. A reference to a whole sheet or to the
// header row, or to a cell with no label or header, is left out of the
// result, as is everything when data cannot be read.
//
// Only what naming needs is read, as a stream: the header row and the
// first column, down to the lowest row referred to (at most the larger
// of DefaultLimits' row limits).
func Fields(data []byte, refs []string) (names map[string]string) {
	names = map[string]string{}
	if len(refs) == 0 {
		return names
	}
	defer func() {
		// As in Load: the spreadsheet library parses untrusted bytes.
		if recover() != nil {
			names = map[string]string{}
		}
	}()
	lim := DefaultLimits.orDefault()
	zr, partOf, msg := parts(data, lim)
	if msg != "" {
		return names
	}
	f, err := lim.open(data)
	if err != nil {
		return names
	}
	defer f.Close()
	type want struct{ row, col int } // the lowest row and rightmost column referred to
	wants := map[string]want{}
	for _, ref := range refs {
		sheet, cell, ok := strings.Cut(ref, "!")
		if !ok {
			continue
		}
		col, row, err := excelize.CellNameToCoordinates(cell)
		if err != nil || row < 2 || row > max(lim.TableRows, lim.FormRows)+1 {
			continue
		}
		w := wants[sheet]
		wants[sheet] = want{max(w.row, row), max(w.col, col)}
	}
	sheets := map[string][][]string{}
	for sheet, w := range wants {
		// As in Load: the library reads the sheet cut to the limits.
		part, ok := partOf[sheet]
		if !ok {
			continue
		}
		b, err := boundSheet(zr, part, min(lim.rows(sheet), w.row), lim.Columns)
		if err != nil {
			continue
		}
		f.Pkg.Store(part, b.xml)
		sheets[sheet] = labelRows(f, sheet, w.row, w.col)
	}
	for _, ref := range refs {
		sheet, cell, _ := strings.Cut(ref, "!")
		col, row, err := excelize.CellNameToCoordinates(cell)
		if err != nil || row < 2 {
			continue
		}
		rows, ok := sheets[sheet]
		if !ok {
			continue
		}
		if name := fieldName(sheet, rows, row-1, col-1); name != "" {
			names[ref] = name
		}
	}
	return names
}

// labelRows streams a sheet's rows down to row last (1-based), keeping
// the header row up to column cols and the first column of the others:
// what fieldName looks at.
func labelRows(f *excelize.File, sheet string, last, cols int) [][]string {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out [][]string
	for n := 1; n <= last && rows.Next(); n++ {
		vals, err := rows.Columns()
		if err != nil {
			break
		}
		keep := 1
		if n == 1 {
			keep = cols
		}
		out = append(out, slices.Clone(vals[:min(len(vals), keep)]))
	}
	return out
}

// fieldName names the cell in 0-based row i and column c of a sheet's rows.
func fieldName(sheet string, rows [][]string, i, c int) string {
	header := cellText(rows, 0, c)
	if sheet != SheetBasic && sheet != SheetFinance {
		return header
	}
	label := ""
	for k := i; k >= 1 && label == ""; k-- {
		label = cellText(rows, k, 0)
	}
	switch {
	case sheet == SheetBasic && normHeader(header) == normHeader(basicCols[columnIndex(basicCols, "value")].header):
		header = "" // 内容 is what every label names
	case sheet == SheetFinance:
		if caption := financeCaption(rows, i, c); caption != "" {
			header = caption
		}
	}
	switch {
	case label == "":
		return header
	case c == 0 || header == "":
		return label
	}
	return label + " · " + header
}

// financeCaption is the caption a section row of 收支情况 gives column c
// for the rows below it ("预算数（元）" under “三公”经费), or "".
func financeCaption(rows [][]string, i, c int) string {
	for k := i; k >= 1; k-- {
		label := normHeader(cellText(rows, k, 0))
		for _, fr := range financeRows {
			if fr.kind != finSection || normHeader(fr.label) != label {
				continue
			}
			if c >= 1 && c <= len(fr.captions) {
				return fr.captions[c-1]
			}
			return ""
		}
	}
	return ""
}

// cellText is the trimmed text of a cell, "" beyond the rows read.
func cellText(rows [][]string, i, c int) string {
	if i < 0 || i >= len(rows) || c < 0 || c >= len(rows[i]) {
		return ""
	}
	return strings.Join(strings.Fields(rows[i][c]), " ")
}
