// Package report holds the report model: one format-neutral document that
// every renderer (Markdown, HTML, Word, spreadsheet) draws from, and the
// builder that writes a department's self-evaluation report into it.
//
// The model knows nothing about any file format. A figure is computed once,
// when the document is built, so every format shows the same text.
package report

import "strings"

// Document is a complete report: the body in reading order, then the tables.
type Document struct {
	// Label is the small attachment label printed above the title in
	// official documents (e.g. "附件2"); empty means none.
	Label string
	// Title is the document title (公文标题), possibly long; renderers may
	// wrap it but must not shorten it.
	Title string
	// Author and Date are the document's author and date (for file
	// properties); the signature block in the body is a *Signature.
	Author string
	Date   string
	// Blocks is the body in reading order.
	Blocks []Block
}

// Block is one element of the body: *Heading, *Paragraph, *Table,
// *Signature or *PageBreak.
type Block interface{ isBlock() }

// Heading is a section heading. Level 1 is "一、…", level 2 "（一）…",
// level 3 "1. …". The numbering is part of Text: renderers print Text as is.
type Heading struct {
	Level int
	Text  string
}

// Paragraph is one body paragraph made of runs.
type Paragraph struct {
	Runs []Run
	// NoIndent suppresses the two-character first-line indent that
	// Chinese official text uses for body paragraphs.
	NoIndent bool
}

// Run is a stretch of text with one style.
type Run struct {
	Text string
	Bold bool
}

// Signature is the signature block (落款): the issuing body and the date,
// right-aligned after the last section and before the attached tables.
type Signature struct {
	Author string
	Date   string
}

// PageBreak starts a new page in paged formats; other formats may ignore it.
type PageBreak struct{}

// Align is the horizontal alignment of a table cell.
type Align int

const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Table is a grid with merged cells, such as 部门整体支出绩效自评表.
//
// Rows are listed in order; a cell covered by an earlier cell's RowSpan or
// ColSpan is not listed, as in HTML. Renderers for spreadsheets put each
// table on a sheet named Sheet.
type Table struct {
	// Title is printed above the table (e.g. "部门整体支出绩效自评表").
	Title string
	// Sheet is the worksheet name, at most 31 characters and unique in a
	// document; it is also a stable identifier for the table.
	Sheet string
	// Subtitle is a line between the title and the grid, such as the
	// reporting year and unit of amounts ("（2023年度）", "单位：万元").
	Subtitle string
	// Columns gives each column's relative width; its length is the
	// number of grid columns.
	Columns []Column
	Rows    []Row
	// Notes are printed below the table.
	Notes []string
}

// Column describes one grid column.
type Column struct {
	// Width is relative: renderers scale the widths to the page.
	Width int
}

// Row is one table row.
type Row struct {
	// Header marks rows that repeat at the top of each printed page and
	// are styled as headings.
	Header bool
	// KeepWithPrevious keeps the row on the same page as the row before
	// it (a total row under the rows it adds up).
	KeepWithPrevious bool
	Cells            []Cell
}

// Cell is one table cell.
type Cell struct {
	Text    string
	ColSpan int // 0 or 1: one column
	RowSpan int // 0 or 1: one row
	Align   Align
	Bold    bool
	// Number, when not nil, is the numeric value behind Text, so that a
	// spreadsheet can store a number; Text is still what is shown
	// elsewhere. Format is a spreadsheet number format such as "0.00".
	Number *float64
	Format string
}

func (*Heading) isBlock()   {}
func (*Paragraph) isBlock() {}
func (*Table) isBlock()     {}
func (*PageBreak) isBlock() {}
func (*Signature) isBlock() {}

// TrailingSignature is the signature block a renderer prints after the
// last block for a document that places none itself (no *Signature among
// its blocks) but names an author or date; nil otherwise.
func (d *Document) TrailingSignature() *Signature {
	for _, b := range d.Blocks {
		if _, ok := b.(*Signature); ok {
			return nil
		}
	}
	if d.Author == "" && d.Date == "" {
		return nil
	}
	return &Signature{Author: d.Author, Date: d.Date}
}

// Tables returns the document's tables in order.
func (d *Document) Tables() []*Table {
	var ts []*Table
	for _, b := range d.Blocks {
		if t, ok := b.(*Table); ok {
			ts = append(ts, t)
		}
	}
	return ts
}

// Span returns the number of columns and rows the cell covers (at least 1).
func (c Cell) Span() (cols, rows int) {
	return max(c.ColSpan, 1), max(c.RowSpan, 1)
}

// Text returns the paragraph's plain text.
func (p *Paragraph) Text() string {
	n := 0
	for _, r := range p.Runs {
		n += len(r.Text)
	}
	b := make([]byte, 0, n)
	for _, r := range p.Runs {
		b = append(b, r.Text...)
	}
	return string(b)
}

// NormalizeNewlines turns CR LF and lone CR into LF, so renderers see one
// kind of line break whatever the source.
func NormalizeNewlines(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// OneLine joins the lines of s with spaces and trims it, for text that
// must stay on one line: titles, headings, the signature.
func OneLine(s string) string {
	s = strings.TrimSpace(NormalizeNewlines(s))
	if strings.IndexByte(s, '\n') < 0 {
		return s
	}
	f := strings.Split(s, "\n")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return strings.Join(f, " ")
}
