package docx

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/report"
)

// Page geometry in twentieths of a point (twips, Word's "dxa"); 1 mm is
// 1440/25.4 twips.
const (
	pageWidth     = 11906 // 210 mm
	pageHeight    = 16838 // 297 mm
	marginTop     = 2098  // 37 mm
	marginBottom  = 1984  // 35 mm
	marginInside  = 1587  // 28 mm (left on odd pages)
	marginOutside = 1474  // 26 mm
	// textWidth is the width of the text area, 156 mm.
	textWidth = pageWidth - marginInside - marginOutside
	// footerDistance puts the page number's top about 7 mm below the
	// text area: 35 mm - 7 mm - one 14 pt line ≈ 22 mm.
	footerDistance = 1247
	headerDistance = 851 // 15 mm; there is no header
	// linePitch is the fixed body line spacing, 28.95 pt, so that
	// 22 lines fill the 225 mm text area.
	linePitch = 579
	// bodyChar is the width of one body character (16 pt) in twips, the
	// unit of the "Chars" indents.
	bodyChar = 320
	// minRowHeight is the least height of a table row, 7 mm, which
	// leaves room around one line of 小四 text.
	minRowHeight = 397
)

const xmlHeader = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

// Namespaces declared on the root of document.xml and the footers.
const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`

// Style IDs, defined in styles.xml.
const (
	styleLabel         = "Label"
	styleTitle         = "Title"
	styleHeading       = "Heading" // + "1".."3"
	styleSignature     = "Signature"
	styleTableTitle    = "TableTitle"
	styleTableSubtitle = "TableSubtitle"
	styleTableText     = "TableText"
	styleTableNote     = "TableNote"
	styleSpacer        = "Spacer"
)

// body builds word/document.xml.
type body struct {
	b *bytes.Buffer
	// pageBreak is set by a PageBreak block and consumed by the next
	// paragraph, which then starts a new page. A page-break character
	// would leave an empty line at the top of the new page.
	pageBreak bool
	// afterTable is set when the last element written is a table: Word
	// joins adjacent tables and wants a paragraph before the section
	// properties.
	afterTable bool
}

// documentXML writes word/document.xml into buf (reset first) and returns
// its bytes, which belong to buf.
func documentXML(d *report.Document, buf *bytes.Buffer) ([]byte, error) {
	buf.Reset()
	w := body{b: buf}
	w.b.Grow(4096 + 512*len(d.Blocks))
	w.b.WriteString(xmlHeader)
	w.b.WriteString(`<w:document ` + wordNS + `><w:body>`)

	if d.Label != "" {
		w.para(styleLabel, false, "", d.Label)
		if d.Title != "" {
			// The standard puts the attachment title on the third line.
			w.para("", false, "", "")
		}
	}
	if d.Title != "" {
		w.para(styleTitle, false, "", d.Title)
		w.para("", false, "", "")
	}

	for i, blk := range d.Blocks {
		if isNil(blk) {
			return nil, fmt.Errorf("block %d is nil", i+1)
		}
		switch blk := blk.(type) {
		case *report.Heading:
			lvl := min(max(blk.Level, 1), 3)
			w.para(styleHeading+strconv.Itoa(lvl), false, "", blk.Text)
		case *report.Paragraph:
			w.paragraph(blk)
		case *report.Table:
			if err := w.table(blk); err != nil {
				return nil, err
			}
		case *report.PageBreak:
			w.pageBreak = true
		case *report.Signature:
			w.signature(blk.Author, blk.Date)
		default:
			return nil, fmt.Errorf("block %d: unknown block type %T", i+1, blk)
		}
	}

	if s := d.TrailingSignature(); s != nil {
		w.signature(s.Author, s.Date)
	}
	if w.afterTable {
		w.spacer()
	}

	w.b.WriteString(`<w:sectPr>` +
		`<w:footerReference w:type="default" r:id="rIdFooterOdd"/>` +
		`<w:footerReference w:type="even" r:id="rIdFooterEven"/>` +
		`<w:pgSz w:w="` + strconv.Itoa(pageWidth) + `" w:h="` + strconv.Itoa(pageHeight) + `"/>` +
		`<w:pgMar w:top="` + strconv.Itoa(marginTop) +
		`" w:right="` + strconv.Itoa(marginOutside) +
		`" w:bottom="` + strconv.Itoa(marginBottom) +
		`" w:left="` + strconv.Itoa(marginInside) +
		`" w:header="` + strconv.Itoa(headerDistance) +
		`" w:footer="` + strconv.Itoa(footerDistance) + `" w:gutter="0"/>` +
		`<w:pgNumType w:fmt="decimal"/>` +
		`<w:cols w:space="425"/>` +
		`<w:docGrid w:linePitch="` + strconv.Itoa(linePitch) + `"/>` +
		`</w:sectPr>`)
	w.b.WriteString(`</w:body></w:document>`)
	return w.b.Bytes(), nil
}

// isNil reports whether b is nil or a nil pointer.
func isNil(b report.Block) bool {
	switch b := b.(type) {
	case nil:
		return true
	case *report.Heading:
		return b == nil
	case *report.Paragraph:
		return b == nil
	case *report.Table:
		return b == nil
	case *report.PageBreak:
		return b == nil
	case *report.Signature:
		return b == nil
	}
	return false
}

// openP starts a paragraph. pPr holds paragraph properties that follow
// pageBreakBefore in the schema order (spacing, ind, jc).
func (w *body) openP(style string, keepNext bool, pPr string) {
	w.afterTable = false
	w.b.WriteString(`<w:p>`)
	if style == "" && !keepNext && !w.pageBreak && pPr == "" {
		return
	}
	w.b.WriteString(`<w:pPr>`)
	if style != "" {
		w.b.WriteString(`<w:pStyle w:val="`)
		w.b.WriteString(style)
		w.b.WriteString(`"/>`)
	}
	if keepNext {
		w.b.WriteString(`<w:keepNext/>`)
	}
	if w.pageBreak {
		w.b.WriteString(`<w:pageBreakBefore/>`)
		w.pageBreak = false
	}
	w.b.WriteString(pPr)
	w.b.WriteString(`</w:pPr>`)
}

func (w *body) closeP() { w.b.WriteString(`</w:p>`) }

// para writes a paragraph of one plain run.
func (w *body) para(style string, keepNext bool, pPr, text string) {
	w.openP(style, keepNext, pPr)
	w.run(text, false)
	w.closeP()
}

// spacer writes an almost invisible paragraph, used where Word needs a
// paragraph but the layout does not want a line.
func (w *body) spacer() {
	w.openP(styleSpacer, false, "")
	w.closeP()
}

// run writes one run. Line feeds become line breaks and tabs tab
// characters; carriage returns are dropped.
func (w *body) run(text string, bold bool) {
	if text == "" {
		return
	}
	w.b.WriteString(`<w:r>`)
	if bold {
		w.b.WriteString(`<w:rPr><w:b/><w:bCs/></w:rPr>`)
	}
	for text != "" {
		i := strings.IndexAny(text, "\n\t\r")
		seg := text
		if i >= 0 {
			seg = text[:i]
		}
		if seg != "" {
			w.b.WriteString(`<w:t xml:space="preserve">`)
			escape(w.b, seg)
			w.b.WriteString(`</w:t>`)
		}
		if i < 0 {
			break
		}
		switch text[i] {
		case '\n':
			w.b.WriteString(`<w:br/>`)
		case '\t':
			w.b.WriteString(`<w:tab/>`)
		}
		text = text[i+1:]
	}
	w.b.WriteString(`</w:r>`)
}

func (w *body) paragraph(p *report.Paragraph) {
	pPr := ""
	if p.NoIndent {
		pPr = `<w:ind w:firstLineChars="0" w:firstLine="0"/>`
	}
	w.openP("", false, pPr)
	for _, r := range p.Runs {
		w.run(r.Text, r.Bold)
	}
	w.closeP()
}

// signature writes the signature block (落款) after GB/T 9704-2012
// 7.3.5.2: one blank line below the body, the author two characters in
// from the right, and the date below it starting two characters to the
// right of the author's first character; when the date is the longer,
// it is set two characters in from the right and the author moves left.
func (w *body) signature(author, date string) {
	if author == "" && date == "" {
		return
	}
	w.para("", false, "", "")
	// Indents in half characters.
	authorRight, dateRight := 4, 4
	if author != "" && date != "" {
		aw, dw := halfWidth(author), halfWidth(date)
		dateRight = authorRight + aw - 4 - dw
		if dateRight < 4 {
			authorRight += 4 - dateRight
			dateRight = 4
		}
	}
	if author != "" {
		w.para(styleSignature, false, rightIndent(authorRight), author)
	}
	if date != "" {
		w.para(styleSignature, false, rightIndent(dateRight), date)
	}
}

// rightIndent is a w:ind element indenting the right edge by the given
// number of half body characters.
func rightIndent(halves int) string {
	return `<w:ind w:rightChars="` + strconv.Itoa(halves*50) +
		`" w:right="` + strconv.Itoa(halves*bodyChar/2) +
		`" w:firstLineChars="0" w:firstLine="0"/>`
}

// halfWidth estimates the printed width of s in half characters: CJK and
// full-width characters take a whole character, Latin letters, digits
// and punctuation half of one.
func halfWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 && !(r >= 0xFF61 && r <= 0xFFDC) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// colWidths scales the relative column widths to total twips. The widths
// add up to total exactly; a width below 1 counts as 1.
func colWidths(cols []report.Column, total int) []int {
	sum := 0
	for _, c := range cols {
		sum += max(c.Width, 1)
	}
	ws := make([]int, len(cols))
	acc, prev := 0, 0
	for i, c := range cols {
		acc += max(c.Width, 1)
		edge := (acc*total + sum/2) / sum
		ws[i] = edge - prev
		prev = edge
	}
	return ws
}

// tableFontTwips is the table text's font size (小四, 12 pt) in twips,
// and cellPadding the left and right cell margins together (tblCellMar).
const (
	tableFontTwips = sizeS4 * 10
	cellPadding    = 2*85 + 30 // and a little slack for the renderer
)

var tablePr = `<w:tbl><w:tblPr>` +
	`<w:tblW w:w="` + strconv.Itoa(textWidth) + `" w:type="dxa"/>` +
	`<w:jc w:val="center"/>` +
	`<w:tblBorders>` +
	`<w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`<w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>` +
	`</w:tblBorders>` +
	`<w:tblLayout w:type="fixed"/>` +
	`<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>` +
	`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/>` +
	`</w:tblPr>`

// rowStart opens a table row: it never splits across pages and is at
// least minRowHeight high.
var rowStart = `<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="` + strconv.Itoa(minRowHeight) + `" w:hRule="atLeast"/>`

// int writes n in decimal without allocating.
func (w *body) int(n int) {
	w.b.Write(strconv.AppendInt(w.b.AvailableBuffer(), int64(n), 10))
}

// gridStart opens a table on the given column widths.
func (w *body) gridStart(widths []int) {
	w.b.WriteString(tablePr)
	w.b.WriteString(`<w:tblGrid>`)
	for _, cw := range widths {
		w.b.WriteString(`<w:gridCol w:w="`)
		w.int(cw)
		w.b.WriteString(`"/>`)
	}
	w.b.WriteString(`</w:tblGrid>`)
}

// table writes a table's title, subtitle, grid and notes. The title and
// subtitle keep with the grid's first rows, and header rows keep with the
// row after them, so a page never ends with a title or a lone header.
func (w *body) table(t *report.Table) error {
	grid, err := t.Grid()
	if err != nil {
		return err
	}
	need := t.UnbreakableWidthsOf(grid)
	for i, n := range need {
		if n > 0 {
			need[i] = n*tableFontTwips/10 + cellPadding
		}
	}
	widths := report.FitWidths(colWidths(t.Columns, textWidth), need)

	if t.Title != "" {
		w.para(styleTableTitle, true, "", t.Title)
	}
	if t.Subtitle != "" {
		w.para(styleTableSubtitle, true, "", t.Subtitle)
	}
	if w.afterTable || w.pageBreak {
		w.spacer()
	}

	// Word repeats header rows on each page only when they open the
	// table. A table whose column headings come after a block of general
	// rows (部门名称, 预算执行情况, 年度总体目标) is written as two tables
	// on the same grid, the second opening with the headings, joined by a
	// spacer one twentieth of a point high, so that it reads as one.
	split := t.HeadingSplit(grid)
	w.gridStart(widths)
	for r, row := range grid {
		if r == split {
			w.b.WriteString(`</w:tbl>`)
			w.spacer()
			w.gridStart(widths)
		}
		header := t.Rows[r].Header && (r >= split || split == len(grid))
		// A header keeps with the row after it, and a row keeps with a
		// next row that must not start a page (a total under its rows).
		keep := header || r+1 < len(t.Rows) && t.Rows[r+1].KeepWithPrevious
		w.b.WriteString(rowStart)
		if header {
			w.b.WriteString(`<w:tblHeader/>`)
		}
		w.b.WriteString(`</w:trPr>`)
		for c := 0; c < len(row); {
			slot := row[c]
			p := slot.Cell
			cs, rs := p.Span()
			if p.Col != c {
				// Inside a horizontal span already written; Grid
				// guarantees a span is entered at its first column.
				c++
				continue
			}
			width := 0
			for _, cw := range widths[c : c+cs] {
				width += cw
			}
			w.b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="`)
			w.int(width)
			w.b.WriteString(`" w:type="dxa"/>`)
			if cs > 1 {
				w.b.WriteString(`<w:gridSpan w:val="`)
				w.int(cs)
				w.b.WriteString(`"/>`)
			}
			continued := p.Row != r
			switch {
			case continued:
				w.b.WriteString(`<w:vMerge w:val="continue"/>`)
			case rs > 1:
				w.b.WriteString(`<w:vMerge w:val="restart"/>`)
			}
			w.b.WriteString(`<w:vAlign w:val="center"/></w:tcPr>`)
			w.b.WriteString(`<w:p><w:pPr><w:pStyle w:val="` + styleTableText + `"/>`)
			if keep {
				w.b.WriteString(`<w:keepNext/>`)
			}
			switch p.Align {
			case report.AlignCenter:
				w.b.WriteString(`<w:jc w:val="center"/>`)
			case report.AlignRight:
				w.b.WriteString(`<w:jc w:val="right"/>`)
			}
			w.b.WriteString(`</w:pPr>`)
			if !continued {
				w.run(p.Text, p.Bold)
			}
			w.b.WriteString(`</w:p></w:tc>`)
			c += cs
		}
		w.b.WriteString(`</w:tr>`)
	}
	w.b.WriteString(`</w:tbl>`)
	w.afterTable = true

	for _, n := range t.Notes {
		w.para(styleTableNote, false, "", n)
	}
	return nil
}
