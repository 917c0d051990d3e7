// Package render is the one registry of report formats: which formats
// there are, their file extensions, names and content types, and the
// renderer that writes each. The command line (jixiao report) and the web
// server (downloads, published files) both look formats up here, so a
// format added here is offered everywhere. Every renderer takes the one
// report model, report.Document.
package render

import (
	"context"
	"io"
	"slices"

	"github.com/jixiao/jixiao/internal/render/docx"
	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/render/xlsx"
	"github.com/jixiao/jixiao/internal/report"
)

// Format is one way to write a report.
type Format struct {
	Ext         string // the file extension, without the dot: "docx"
	Name        string // what users call it: "Word 文档"
	ContentType string
	write       func(io.Writer, *report.Document) error // nil for PDF
}

// Formats lists every report format, in the order they are offered.
var Formats = []Format{
	{"docx", "Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.Render},
	{"xlsx", "Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Render},
	{"pdf", "PDF 文档", "application/pdf", nil},
	{"html", "网页", "text/html; charset=utf-8", html.Render},
	{"md", "Markdown 文本", "text/markdown; charset=utf-8", markdown.Render},
}

// Lookup finds a format by its extension.
func Lookup(ext string) (Format, bool) {
	i := slices.IndexFunc(Formats, func(f Format) bool { return f.Ext == ext })
	if i < 0 {
		return Format{}, false
	}
	return Formats[i], true
}

// Exts lists the extensions of every format, in order.
func Exts() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = f.Ext
	}
	return out
}

// Printer prints a report to PDF; *pdf.Service is one.
type Printer interface {
	Render(ctx context.Context, w io.Writer, d *report.Document) error
}

// Render writes doc in the format. PDF is printed by printer, or by the
// process-wide pdf.Default service when printer is nil; the others do not
// use ctx.
func (f Format) Render(ctx context.Context, w io.Writer, doc *report.Document, printer Printer) error {
	if f.write != nil {
		return f.write(w, doc)
	}
	if printer == nil {
		printer = pdf.Default()
	}
	return printer.Render(ctx, w, doc)
}
