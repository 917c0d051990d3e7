// Package markdown renders a report document as CommonMark text, using
// GitHub Flavored Markdown pipe tables for the tables.
//
// All user text is escaped so that it reads as plain text: characters such
// as *, _, |, # or < in a paragraph cannot start emphasis, a heading, a
// list, a table or raw HTML. Merged table cells, which pipe tables cannot
// express, print their text in their top-left position and leave the
// positions they cover empty.
package markdown

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/report"
)

// Render writes d to w as Markdown. The output is deterministic and, unless
// the document is empty, ends with exactly one newline. Nothing is written
// when a table's cells do not fit its grid.
func Render(w io.Writer, d *report.Document) error {
	r := renderer{buf: make([]byte, 0, 4096)}
	if err := r.document(d); err != nil {
		return err
	}
	if len(r.buf) > 0 {
		r.buf = append(r.buf, '\n')
	}
	_, err := w.Write(r.buf)
	return err
}

// renderer accumulates the output. Each block is appended without its
// final newline; block() puts the blank line between blocks.
type renderer struct {
	buf []byte
	// segs and lines are scratch space reused between paragraphs.
	segs  []segment
	lines [][]segment
}

// segment is a stretch of one line with one style.
type segment struct {
	text string
	bold bool
}

func (r *renderer) block() {
	if len(r.buf) > 0 {
		r.buf = append(r.buf, '\n', '\n')
	}
}

func (r *renderer) document(d *report.Document) error {
	if d.Label != "" {
		r.paragraph([]report.Run{{Text: report.OneLine(d.Label)}})
	}
	if t := report.OneLine(d.Title); t != "" {
		r.block()
		r.buf = append(r.buf, "# "...)
		r.buf = appendEscaped(r.buf, t)
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case *report.Heading:
			r.heading(b)
		case *report.Paragraph:
			r.paragraph(b.Runs)
		case *report.Table:
			if err := r.table(b); err != nil {
				return err
			}
		case *report.PageBreak:
			// Markdown has no pages.
		case *report.Signature:
			for _, t := range []string{b.Author, b.Date} {
				if t != "" {
					r.paragraph([]report.Run{{Text: t}})
				}
			}
		default:
			return fmt.Errorf("markdown: unknown block type %T", b)
		}
	}
	if s := d.TrailingSignature(); s != nil {
		for _, t := range []string{s.Author, s.Date} {
			if t != "" {
				r.paragraph([]report.Run{{Text: t}})
			}
		}
	}
	return nil
}

// heading writes level 1 as "##", level 2 as "###" and so on, keeping "#"
// for the title.
func (r *renderer) heading(h *report.Heading) {
	level := min(max(h.Level, 1), 5) + 1
	r.block()
	for range level {
		r.buf = append(r.buf, '#')
	}
	if t := report.OneLine(h.Text); t != "" {
		r.buf = append(r.buf, ' ')
		r.buf = appendEscaped(r.buf, t)
	}
}

// paragraph writes runs as one paragraph. A newline inside the text becomes
// a hard line break (a backslash at the end of the line), and each line is
// escaped so that it cannot start a block of its own. A paragraph with no
// visible text is left out, since it would print nothing.
func (r *renderer) paragraph(runs []report.Run) {
	lines := r.splitLines(runs)
	if len(lines) == 0 {
		return
	}
	r.block()
	for i, line := range lines {
		if i > 0 {
			r.buf = append(r.buf, '\\', '\n')
		}
		r.buf = appendLine(r.buf, line, true)
	}
}

// splitLines cuts runs into lines of segments, merging neighbouring
// segments of the same style and trimming blanks at both ends of each line
// and blank lines at both ends of the paragraph. The result is valid until
// the next call.
func (r *renderer) splitLines(runs []report.Run) [][]segment {
	segs := r.segs[:0]
	lines := r.lines[:0]
	start := 0
	for _, run := range runs {
		rest := report.NormalizeNewlines(run.Text)
		for i := 0; ; i++ {
			part, after, more := strings.Cut(rest, "\n")
			if i > 0 {
				lines = append(lines, trimLine(segs[start:len(segs):len(segs)]))
				start = len(segs)
			}
			if part != "" {
				if n := len(segs); n > start && segs[n-1].bold == run.Bold {
					segs[n-1].text += part
				} else {
					segs = append(segs, segment{part, run.Bold})
				}
			}
			if !more {
				break
			}
			rest = after
		}
	}
	lines = append(lines, trimLine(segs[start:len(segs):len(segs)]))
	r.segs, r.lines = segs, lines
	for len(lines) > 0 && len(lines[0]) == 0 {
		lines = lines[1:]
	}
	for len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// trimLine removes leading and trailing white space from a line; segments
// left empty are dropped.
func trimLine(line []segment) []segment {
	for len(line) > 0 {
		line[0].text = strings.TrimLeftFunc(line[0].text, unicode.IsSpace)
		if line[0].text != "" {
			break
		}
		line = line[1:]
	}
	for len(line) > 0 {
		n := len(line) - 1
		line[n].text = strings.TrimRightFunc(line[n].text, unicode.IsSpace)
		if line[n].text != "" {
			break
		}
		line = line[:n]
	}
	return line
}

// table writes the title and subtitle as paragraphs, the grid as a pipe
// table and each note as a paragraph.
func (r *renderer) table(t *report.Table) error {
	grid, err := t.Grid()
	if err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	if t.Title != "" {
		r.paragraph([]report.Run{{Text: t.Title, Bold: true}})
	}
	if t.Subtitle != "" {
		r.paragraph([]report.Run{{Text: t.Subtitle}})
	}
	r.block()
	ncol := len(t.Columns)
	body := grid
	if len(t.Rows) > 0 && t.Rows[0].Header {
		// The first header row is the pipe table's header, which is
		// shown in bold anyway.
		r.row(grid[0], plain)
		body = grid[1:]
	} else {
		r.buf = append(r.buf, '|')
		for range ncol {
			r.buf = append(r.buf, "  |"...)
		}
	}
	r.buf = append(r.buf, '\n', '|')
	for c := range ncol {
		switch columnAlign(grid, t.Rows, c) {
		case report.AlignCenter:
			r.buf = append(r.buf, " :---: |"...)
		case report.AlignRight:
			r.buf = append(r.buf, " ---: |"...)
		default:
			r.buf = append(r.buf, " --- |"...)
		}
	}
	first := len(grid) - len(body)
	for i, row := range body {
		r.buf = append(r.buf, '\n')
		style := asCells
		if t.Rows[first+i].Header {
			style = allBold
		}
		r.row(row, style)
	}
	for _, n := range t.Notes {
		r.paragraph([]report.Run{{Text: n}})
	}
	return nil
}

// weight says which cells of a row are bold.
type weight int

const (
	asCells weight = iota // the cells that say so
	allBold               // every cell (header rows below the first)
	plain                 // none (the pipe header, bold anyway)
)

// row writes one grid row. A merged cell's text goes in its top-left
// position; the positions it covers stay empty.
func (r *renderer) row(slots []report.Slot, w weight) {
	r.buf = append(r.buf, '|')
	for _, s := range slots {
		r.buf = append(r.buf, ' ')
		if !s.Covered {
			r.cell(s.Cell.Text, w == allBold || w == asCells && s.Cell.Bold)
		}
		r.buf = append(r.buf, " |"...)
	}
}

// cell writes a cell's text on one physical line, with "<br>" for each line
// break.
func (r *renderer) cell(text string, bold bool) {
	lines := r.splitLines([]report.Run{{Text: text, Bold: bold}})
	for i, line := range lines {
		if i > 0 {
			r.buf = append(r.buf, "<br>"...)
		}
		r.buf = appendLine(r.buf, line, false)
	}
}

// columnAlign returns the alignment shared by all cells that start in
// column c and span only that column, header rows aside; mixed or no
// such cells give AlignLeft, the default.
func columnAlign(grid [][]report.Slot, rows []report.Row, c int) report.Align {
	align, seen := report.AlignLeft, false
	for i, row := range grid {
		s := row[c]
		if s.Covered || rows[i].Header || max(s.Cell.ColSpan, 1) > 1 {
			continue
		}
		if seen && s.Cell.Align != align {
			return report.AlignLeft
		}
		align, seen = s.Cell.Align, true
	}
	return align
}

// appendLine appends one line of segments, bold ones between "**". When
// "**" could not open or close emphasis where it stands (CommonMark's
// flanking rules fail, for instance, on "是**（一）**" because the bold text
// starts with punctuation right after a letter), it uses <strong> instead.
// lineStart tells whether the line begins a line of the output, where block
// syntax must be escaped.
func appendLine(b []byte, line []segment, lineStart bool) []byte {
	var prev rune = ' ' // start of line counts as white space
	for i, s := range line {
		if !s.bold {
			start := len(b)
			if i == 0 && lineStart {
				b = appendLineStart(b, s.text)
			} else {
				b = appendEscaped(b, s.text)
			}
			prev = lastRune(b[start:], prev)
			continue
		}
		core := strings.TrimLeftFunc(s.text, unicode.IsSpace)
		lead := s.text[:len(s.text)-len(core)]
		core = strings.TrimRightFunc(core, unicode.IsSpace)
		trail := s.text[len(lead)+len(core):]
		b = appendEscaped(b, lead)
		prev = lastRune([]byte(lead), prev)
		if core == "" {
			b = appendEscaped(b, trail)
			prev = lastRune([]byte(trail), prev)
			continue
		}
		next := ' '
		if trail != "" {
			next, _ = utf8.DecodeRuneInString(trail)
		} else if i+1 < len(line) {
			next = firstEscapedRune(line[i+1].text)
		}
		start := len(b)
		b = append(b, "**"...)
		b = appendEscaped(b, core)
		inner := b[start+2:]
		first, _ := utf8.DecodeRune(inner)
		last, _ := utf8.DecodeLastRune(inner)
		if canOpen(prev, first) && canClose(last, next) {
			b = append(b, "**"...)
		} else {
			b = append(b[:start], "<strong>"...)
			b = appendEscaped(b, core)
			b = append(b, "</strong>"...)
		}
		prev = '*' // '*' or '>': punctuation either way
		b = appendEscaped(b, trail)
		prev = lastRune([]byte(trail), prev)
	}
	return b
}

// canOpen reports whether "**" between prev and first is left-flanking.
func canOpen(prev, first rune) bool {
	return !unicode.IsSpace(first) && (!isPunct(first) || unicode.IsSpace(prev) || isPunct(prev))
}

// canClose reports whether "**" between last and next is right-flanking.
func canClose(last, next rune) bool {
	return !unicode.IsSpace(last) && (!isPunct(last) || unicode.IsSpace(next) || isPunct(next))
}

// isPunct is CommonMark's punctuation character, taken broadly (Unicode P
// and S categories, as in CommonMark 0.31) so that "**" is only used where
// every current parser accepts it.
func isPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", byte(r)) >= 0
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func lastRune(b []byte, otherwise rune) rune {
	if len(b) == 0 {
		return otherwise
	}
	r, _ := utf8.DecodeLastRune(b)
	return r
}

// firstEscapedRune returns the first rune of s as appendEscaped writes it.
func firstEscapedRune(s string) rune {
	if s == "" {
		return ' '
	}
	if special(s[0]) {
		return '\\'
	}
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// special reports whether c must be backslash-escaped wherever it appears:
// it could start emphasis, code, a link, raw HTML, an entity, a table cell
// boundary, strikethrough, an ATX heading's closing sequence or (on
// GitHub) math.
func special(c byte) bool {
	switch c {
	case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '~', '&', '$':
		return true
	}
	return false
}

// appendEscaped appends s with every special character backslash-escaped.
// Multi-byte UTF-8 sequences never contain ASCII bytes, so working on bytes
// is safe.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if special(s[i]) {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return b
}

// appendLineStart is appendEscaped for text at the start of a line: it also
// escapes what would begin a list item, a thematic break or a setext
// underline there. Leading white space has been trimmed, so the text cannot
// become an indented code block.
func appendLineStart(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	switch c := s[0]; {
	case c == '-' || c == '+' || c == '=':
		b = append(b, '\\', c)
		s = s[1:]
	case c >= '0' && c <= '9':
		// An ordered list marker is 1-9 digits, then '.' or ')', then
		// white space or the end of the line.
		n := 1
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n <= 9 && n < len(s) && (s[n] == '.' || s[n] == ')') &&
			(n+1 == len(s) || s[n+1] == ' ' || s[n+1] == '\t') {
			b = append(b, s[:n]...)
			b = append(b, '\\', s[n])
			s = s[n+1:]
		}
	}
	return appendEscaped(b, s)
}
