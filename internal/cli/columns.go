package cli

import (
	"strings"

	"golang.org/x/text/width"
)

// displayWidth is how many terminal columns s takes: two for a wide or
// full-width character (汉字, full-width punctuation), one otherwise.
// fmt's %-16s pads by runes, which leaves Chinese columns misaligned.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// padRight pads s with spaces to w columns (left-aligned).
func padRight(s string, w int) string {
	return s + strings.Repeat(" ", max(w-displayWidth(s), 0))
}

// padLeft pads s with spaces to w columns (right-aligned).
func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(w-displayWidth(s), 0)) + s
}

// column is a column of a text table: its heading and whether figures
// are aligned right.
type column struct {
	head  string
	right bool
}

// writeColumns prints a table whose columns are as wide as their widest
// cell, counting display width, two spaces apart; the last column is not
// padded.
func writeColumns(b *strings.Builder, cols []column, rows [][]string) {
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = displayWidth(c.head)
	}
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], displayWidth(cell))
		}
	}
	line := func(cells []string) {
		for i, cell := range cells {
			switch {
			case i == len(cells)-1:
				b.WriteString(cell)
			case cols[i].right:
				b.WriteString(padLeft(cell, widths[i]) + "  ")
			default:
				b.WriteString(padRight(cell, widths[i]) + "  ")
			}
		}
		b.WriteString("\n")
	}
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.head
	}
	line(heads)
	for _, r := range rows {
		line(r)
	}
}
