package report

import (
	"slices"
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
	grid, err := t.Grid()
	if err != nil {
		return make([]int, len(t.Columns))
	}
	return t.UnbreakableWidthsOf(grid)
}

// UnbreakableWidthsOf is UnbreakableWidths for a renderer that has the
// table's grid already (t.Grid()), so it is not laid out twice.
func (t *Table) UnbreakableWidthsOf(grid [][]Slot) []int {
	out := make([]int, len(t.Columns))
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

// FitWidths widens columns narrower than they need (need, in the units of
// ws: UnbreakableWidths converted by the renderer, with the cell padding)
// so that figures never wrap inside a cell, taking the room from the
// columns with the most to spare in proportion to it. The total is
// unchanged; when the needs cannot all be met, they are scaled down
// together.
func FitWidths(ws, need []int) []int {
	out := slices.Clone(ws)
	need = slices.Clone(need)
	total, needed := 0, 0
	for i := range ws {
		total += ws[i]
		needed += need[i]
	}
	if needed > total {
		for i := range need {
			need[i] = need[i] * total / needed
		}
	}
	for range len(ws) {
		short, spare := 0, 0
		for i := range out {
			if out[i] < need[i] {
				short += need[i] - out[i]
			} else {
				spare += out[i] - need[i]
			}
		}
		if short == 0 || spare == 0 {
			break
		}
		take := min(short, spare)
		taken, most := 0, -1
		for i := range out {
			if out[i] > need[i] {
				d := (out[i] - need[i]) * take / spare
				out[i] -= d
				taken += d
				if most < 0 || out[i]-need[i] > out[most]-need[most] {
					most = i
				}
			}
		}
		// What rounding left comes from the column with most to spare.
		out[most] -= take - taken
		taken = take
		for i := range out {
			if out[i] < need[i] && taken > 0 {
				d := min(need[i]-out[i], taken)
				out[i] += d
				taken -= d
			}
		}
	}
	return out
}

// HeadingSplit is the first header row after the first row, when no cell
// spans across it, else len(grid). Renderers cut a table there into two
// parts on the same grid so that the column headings open the second part
// and repeat on every printed page (Word and browsers repeat only the
// heading rows that open a table).
func (t *Table) HeadingSplit(grid [][]Slot) int {
	for r := 1; r < len(t.Rows); r++ {
		if !t.Rows[r].Header {
			continue
		}
		if t.Rows[r-1].Header {
			return len(grid) // headings already open the table
		}
		for _, slot := range grid[r] {
			if slot.Cell.Row < r {
				return len(grid)
			}
		}
		return r
	}
	return len(grid)
}
