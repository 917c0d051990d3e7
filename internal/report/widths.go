package report

import (
	"unicode"
	"unicode/utf8"
)

// UnbreakableWidths returns, for each grid column, the printed width of
// the widest stretch of text that must not wrap inside a cell of that
// column alone: a number, a percentage, a code ("3308.63", "16.67",
// "100%", "≥2000", "THZFB-2023-HT-011"). Chinese text may wrap between
// any two characters and counts only one character. Widths are in tenths
// of an em of the table's font: a Chinese or full-width character, and
// "%", "≥", "≤", are 10; a Latin letter, digit or point is 6 (generous,
// for fonts whose digits are wider than Times New Roman's). Cells that
// span several columns do not constrain any one of them, nor does long
// prose (a reason may wrap a code at its hyphens); a column holding
// Chinese text is at least two characters wide. Renderers widen narrow
// columns to these widths so that no figure breaks across lines.
func (t *Table) UnbreakableWidths() []int {
	out := make([]int, len(t.Columns))
	grid, err := t.Grid()
	if err != nil {
		return out
	}
	for r, row := range grid {
		for c, slot := range row {
			cell := slot.Cell
			if cell.Row != r || cell.Col != c {
				continue
			}
			if cs, _ := cell.Span(); cs != 1 {
				continue
			}
			if cell.Number == nil && utf8.RuneCountInString(cell.Text) > maxFigureRunes {
				if hasWide(cell.Text) {
					out[c] = max(out[c], 20)
				}
				continue
			}
			out[c] = max(out[c], widestRun(cell.Text))
			if hasWide(cell.Text) {
				out[c] = max(out[c], 20)
			}
		}
	}
	return out
}

// maxFigureRunes is the longest cell text taken for a figure ("≥2000件",
// "98.6%"); longer text is prose.
const maxFigureRunes = 16

func hasWide(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 {
			return true
		}
	}
	return false
}

// widestRun is the width of the widest run of s that cannot wrap.
func widestRun(s string) int {
	widest, run := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			run = 0
		case isWide(r) && r != '%' && r != '≥' && r != '≤' && r != '％':
			// Text may wrap before or after a Chinese character; the
			// character itself still needs room.
			run = 0
			widest = max(widest, 10)
		case isWide(r):
			run += 10
		default:
			run += 6
		}
		widest = max(widest, run)
	}
	return widest
}

func isWide(r rune) bool {
	return r == '%' || r == '≥' || r == '≤' || r >= 0x2E80 && !(r >= 0xFF61 && r <= 0xFFDC)
}
