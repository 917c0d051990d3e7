// Package html renders a report document as a standalone HTML5 page, styled
// after Chinese official documents (GB/T 9704) on screen and in print.
//
// The page is self-contained: the style sheet is embedded, and the page
// loads nothing and runs no script. RenderFragment writes only the report's
// <article>, so that another page can embed it together with Stylesheet.
//
// The package is named html after its directory; importers that also use
// the standard library's html package should rename one of them.
package html

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/report"
)

// Render writes d to w as a complete HTML5 page. Nothing is written when a
// table's cells do not fit its grid.
func Render(w io.Writer, d *report.Document) error {
	return execute(w, "page", d)
}

// RenderFragment writes only the report's <article> element, without the
// html, head and body elements and without the style sheet. Its class
// names are those Stylesheet styles.
func RenderFragment(w io.Writer, d *report.Document) error {
	return execute(w, "article", d)
}

// Stylesheet returns the CSS that Render embeds, for pages that embed the
// output of RenderFragment.
func Stylesheet() string { return stylesheet }

func execute(w io.Writer, name string, d *report.Document) error {
	v, err := newView(d)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 16<<10)
	if err := templates.ExecuteTemplate(bw, name, v); err != nil {
		return fmt.Errorf("html: %w", err)
	}
	return bw.Flush()
}

// The view types are the document reduced to what the templates need, so
// that the templates hold no logic beyond loops and choices.
type (
	docView struct {
		Label, Title, Author, Date string
		Blocks                     []blockView
	}
	// blockView holds exactly one of its fields.
	blockView struct {
		Heading   *headingView
		Paragraph *paragraphView
		Table     *tableView
		Signature *report.Signature
		PageBreak bool
	}
	headingView struct {
		Level int // 2 to 6: the document title is h1
		Text  string
	}
	paragraphView struct {
		NoIndent bool
		Runs     []runView
	}
	// runView is a paragraph run or a note.
	runView struct {
		Bold bool
		textView
	}
	// textView is Text when it is one line, else Lines, to be shown with
	// <br> between them. Most text is one line, and printing it directly
	// keeps template execution cheap.
	textView struct {
		Text  string
		Lines []string
	}
	tableView struct {
		Title, Subtitle string
		Widths          []string // CSS percentages, one per column
		// Top holds the rows before the column headings when they do not
		// open the table (see newTable); Head the heading rows.
		Top, Head, Body []rowView
		Notes           []runView
	}
	rowView struct {
		Cells []cellView
	}
	cellView struct {
		Header           bool   // th rather than td
		Scope            string // for th: col or colgroup
		ColSpan, RowSpan int    // 0 when 1
		Class            string
		Bold             bool
		textView
	}
)

func newView(d *report.Document) (*docView, error) {
	v := &docView{
		Label:  report.OneLine(d.Label),
		Title:  report.OneLine(d.Title),
		Author: report.OneLine(d.Author),
		Date:   report.OneLine(d.Date),
		Blocks: make([]blockView, 0, len(d.Blocks)),
	}
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case *report.Heading:
			v.Blocks = append(v.Blocks, blockView{Heading: &headingView{
				Level: min(max(b.Level, 1), 5) + 1,
				Text:  report.OneLine(b.Text),
			}})
		case *report.Paragraph:
			p := &paragraphView{NoIndent: b.NoIndent, Runs: make([]runView, 0, len(b.Runs))}
			for _, r := range b.Runs {
				if r.Text != "" {
					p.Runs = append(p.Runs, runView{Bold: r.Bold, textView: newText(r.Text)})
				}
			}
			v.Blocks = append(v.Blocks, blockView{Paragraph: p})
		case *report.Table:
			t, err := newTable(b)
			if err != nil {
				return nil, err
			}
			v.Blocks = append(v.Blocks, blockView{Table: t})
		case *report.PageBreak:
			v.Blocks = append(v.Blocks, blockView{PageBreak: true})
		case *report.Signature:
			v.Blocks = append(v.Blocks, blockView{Signature: &report.Signature{Author: report.OneLine(b.Author), Date: report.OneLine(b.Date)}})
		case nil:
			return nil, fmt.Errorf("html: nil block")
		default:
			return nil, fmt.Errorf("html: unknown block type %T", b)
		}
	}
	if s := d.TrailingSignature(); s != nil {
		v.Blocks = append(v.Blocks, blockView{Signature: &report.Signature{Author: report.OneLine(s.Author), Date: report.OneLine(s.Date)}})
	}
	return v, nil
}

func newTable(t *report.Table) (*tableView, error) {
	grid, err := t.Grid()
	if err != nil {
		return nil, fmt.Errorf("html: %w", err)
	}
	v := &tableView{
		Title:    report.OneLine(t.Title),
		Subtitle: report.OneLine(t.Subtitle),
		Widths:   fittedWidths(t),
	}
	for _, n := range t.Notes {
		v.Notes = append(v.Notes, runView{textView: newText(n)})
	}
	// The leading header rows form the thead, which browsers repeat on
	// each printed page. A row span cannot reach from thead into tbody,
	// so a header cell spanning into body rows takes them along.
	// A table whose column headings come after general rows is printed as
	// two tables on one grid (Top, then Head and Body), so that the
	// headings open the second and repeat on every page.
	split := t.HeadingSplit(grid)
	if split == len(grid) {
		split = 0
	}
	nhead := split
	for nhead < len(t.Rows) && t.Rows[nhead].Header {
		nhead++
	}
	for r := split; r < nhead; r++ {
		for _, s := range grid[r] {
			_, rs := s.Cell.Span()
			nhead = max(nhead, s.Cell.Row+rs)
		}
	}
	rows := make([]rowView, len(grid))
	for r, slots := range grid {
		header := t.Rows[r].Header
		cells := make([]cellView, 0, len(slots))
		for _, s := range slots {
			if s.Covered {
				continue
			}
			cs, rs := s.Cell.Span()
			c := cellView{
				Header:   header,
				Class:    alignClass[s.Cell.Align],
				Bold:     s.Cell.Bold && !header,
				textView: newText(s.Cell.Text),
			}
			if header {
				c.Scope = "col"
				if cs > 1 {
					c.Scope = "colgroup"
				}
			}
			if cs > 1 {
				c.ColSpan = cs
			}
			if rs > 1 {
				c.RowSpan = rs
			}
			if s.Cell.Number != nil {
				c.Class += " num"
			}
			cells = append(cells, c)
		}
		rows[r] = rowView{Cells: cells}
	}
	v.Top, v.Head, v.Body = rows[:split], rows[split:nhead], rows[nhead:]
	return v, nil
}

// Sizes of the printed table, in hundredths of a millimetre: the A4 type
// area is 156 mm wide; one em of the 12 pt table text is 4.23 mm; a cell
// adds 0.8 em of padding and its border.
const (
	typeAreaWidth = 15600
	tableEm       = 423
	cellExtra     = 8*tableEm/10 + 30
)

// fittedWidths is widths made wide enough that no figure wraps inside a
// cell (report.Table.UnbreakableWidths, report.FitWidths).
func fittedWidths(t *report.Table) []string {
	pct := widths(t.Columns)
	ws := make([]int, len(pct))
	for i, p := range pct {
		f, _ := strconv.ParseFloat(strings.TrimSuffix(p, "%"), 64)
		ws[i] = int(f * typeAreaWidth / 100)
	}
	need := t.UnbreakableWidths()
	for i, n := range need {
		if n > 0 {
			need[i] = n*tableEm/10 + cellExtra
		}
	}
	ws = report.FitWidths(ws, need)
	total := 0
	for _, w := range ws {
		total += w
	}
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = strconv.FormatFloat(100*float64(w)/float64(max(total, 1)), 'f', 2, 64) + "%"
	}
	return out
}

var alignClass = map[report.Align]string{
	report.AlignLeft:   "align-left",
	report.AlignCenter: "align-center",
	report.AlignRight:  "align-right",
}

// widths turns relative column widths into percentages of the table. When
// any width is missing, the columns share the width equally.
func widths(cols []report.Column) []string {
	total := 0
	for _, c := range cols {
		if c.Width <= 0 {
			total = 0
			break
		}
		total += c.Width
	}
	w := make([]string, len(cols))
	for i, c := range cols {
		p := 100 / float64(len(cols))
		if total > 0 {
			p = 100 * float64(c.Width) / float64(total)
		}
		w[i] = strconv.FormatFloat(p, 'f', 2, 64) + "%"
	}
	return w
}

func newText(s string) textView {
	s = report.NormalizeNewlines(s)
	if strings.IndexByte(s, '\n') < 0 {
		return textView{Text: s}
	}
	return textView{Lines: strings.Split(s, "\n")}
}

var templates = template.Must(template.New("page").Parse(pageTemplate))

func init() {
	template.Must(templates.New("article").Parse(articleTemplate))
}

const pageTemplate = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{with .Title}}{{.}}{{else}}报告{{end}}</title>
<style>
` + stylesheet + `</style>
</head>
<body>
{{template "article" .}}</body>
</html>
`

// articleTemplate writes one element per line. {{- trims the line break
// before an action, so each line break in the output is a deliberate one.
const articleTemplate = `<article class="report">
{{- if or .Label .Title}}
<header>
{{- with .Label}}
<p class="label">{{.}}</p>
{{- end}}
{{- with .Title}}
<h1>{{.}}</h1>
{{- end}}
</header>
{{- end}}
{{- range .Blocks}}
{{- with .Heading}}
{{if eq .Level 2}}<h2>{{.Text}}</h2>
{{- else if eq .Level 3}}<h3>{{.Text}}</h3>
{{- else if eq .Level 4}}<h4>{{.Text}}</h4>
{{- else if eq .Level 5}}<h5>{{.Text}}</h5>
{{- else}}<h6>{{.Text}}</h6>
{{- end}}
{{- end}}
{{- with .Paragraph}}
<p{{if .NoIndent}} class="no-indent"{{end}}>{{range .Runs}}{{template "run" .}}{{end}}</p>
{{- end}}
{{- with .Table}}
<div class="table-wrap">
<table>
{{- if or .Title .Subtitle}}
<caption>
{{- with .Title}}<span class="title">{{.}}</span>{{end}}
{{- with .Subtitle}}<span class="subtitle">{{.}}</span>{{end -}}
</caption>
{{- end}}
<colgroup>
{{- range .Widths}}<col style="width: {{.}}">{{end -}}
</colgroup>
{{- if .Top}}
<tbody>
{{- range .Top}}{{template "row" .}}{{end}}
</tbody>
</table>
<table class="continued">
<colgroup>
{{- range .Widths}}<col style="width: {{.}}">{{end -}}
</colgroup>
{{- end}}
{{- with .Head}}
<thead>
{{- range .}}{{template "row" .}}{{end}}
</thead>
{{- end}}
{{- with .Body}}
<tbody>
{{- range .}}{{template "row" .}}{{end}}
</tbody>
{{- end}}
</table>
</div>
{{- range .Notes}}
<p class="note">{{template "run" .}}</p>
{{- end}}
{{- end}}
{{- with .Signature}}
<div class="signature">
{{- with .Author}}
<p>{{.}}</p>
{{- end}}
{{- with .Date}}
<p>{{.}}</p>
{{- end}}
</div>
{{- end}}
{{- if .PageBreak}}
<div class="page-break"></div>
{{- end}}
{{- end}}
</article>
{{define "run"}}{{if .Bold}}<strong>{{template "text" .}}</strong>{{else}}{{template "text" .}}{{end}}{{end}}
{{- define "text"}}{{if .Lines}}{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{$l}}{{end}}{{else}}{{.Text}}{{end}}{{end}}
{{- define "row"}}
<tr>
{{- range .Cells}}
{{- if .Header}}<th scope="{{.Scope}}"{{with .ColSpan}} colspan="{{.}}"{{end}}{{with .RowSpan}} rowspan="{{.}}"{{end}} class="{{.Class}}">
{{- if .Lines}}{{template "text" .}}{{else}}{{.Text}}{{end}}</th>
{{- else}}<td{{with .ColSpan}} colspan="{{.}}"{{end}}{{with .RowSpan}} rowspan="{{.}}"{{end}} class="{{.Class}}">
{{- if .Bold}}<strong>{{template "text" .}}</strong>{{else if .Lines}}{{template "text" .}}{{else}}{{.Text}}{{end}}</td>
{{- end}}
{{- end -}}
</tr>
{{- end}}`
