// Package input opens a department-year data file by what it holds, not
// by its name: a data-entry workbook (.xlsx, a zip with an Excel
// workbook part) goes to the workbook reader, YAML and JSON text to the
// data-file reader, and formats jixiao does not read (old .xls and .et,
// OpenDocument .ods, other zip files, PDF, Word) are refused with the
// format named and what to do. Every command that takes a data file reads
// it here, so each accepts what the others accept.
package input

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/workbook"
)

// Loaded is a data file read into an evaluation, with the mapping of data
// paths to lines or cells for findings made later.
type Loaded struct {
	Value  *evaluation.Evaluation
	Locate func(diag.List) diag.List
	// Format names what was read: "xlsx" or "yaml".
	Format string
}

// Read reads a data file or workbook without checking it: the findings
// are what the reader found (syntax, unknown fields, bad cells), located
// at lines or cells. The evaluation is nil when the file is not one; the
// findings say why.
func Read(name string, data []byte) (*Loaded, diag.List) {
	switch kind := sniff(data); kind {
	case "xlsx":
		l, ds := workbook.Load(name, data)
		if l == nil {
			return nil, ds
		}
		return &Loaded{Value: l.Value, Locate: l.Locate, Format: kind}, ds
	case "text":
		if ext := strings.ToLower(path.Ext(name)); workbookExt[ext] {
			return nil, diag.List{{Code: diag.Syntax, Severity: diag.Error, File: name, Message: fmt.Sprintf("文件扩展名为 %s，但内容不是 Excel 工作簿（可能已损坏，或只是改了扩展名）；%s", ext, fix)}}
		}
		l, ds := datafile.Evaluation(name, data)
		if l == nil {
			return nil, ds
		}
		return &Loaded{Value: l.Value, Locate: l.Locate, Format: "yaml"}, ds
	default:
		return nil, diag.List{{Code: diag.Syntax, Severity: diag.Error, File: name, Message: kind}}
	}
}

// Assess reads a data file or workbook (Read) and runs the assessment
// pipeline on what it read; when the reader found errors the data is
// checked but not scored (assess.Options.ReadErrors). The findings are the
// reader's and the pipeline's, located at lines or cells and sorted. Both
// results are nil when the file is not a data file.
func Assess(name string, data []byte, lib assess.Library, opts assess.Options) (*Loaded, *assess.Assessment, diag.List) {
	l, ds := Read(name, data)
	if l == nil {
		ds.Sort()
		return nil, nil, ds
	}
	opts.ReadErrors = ds.Err() != nil
	a := assess.Assess(l.Value, lib, opts)
	ds = append(ds, l.Locate(a.Findings)...)
	ds.Sort()
	return l, a, ds
}

// fix says what to do with a file jixiao does not read.
const fix = "请在 Excel 或 WPS 中另存为 Excel 工作簿（.xlsx）后再导入，或使用 YAML、JSON 数据文件"

// workbookExt are the extensions of spreadsheets: a file so named is
// never read as YAML, whatever its bytes.
var workbookExt = map[string]bool{".xlsx": true, ".xlsm": true, ".xls": true, ".et": true, ".ods": true, ".xlsb": true}

// sniff says what data holds: "xlsx", "text", or, for anything else, the
// message that refuses it.
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return "文件是旧版 Excel（.xls）或 WPS 表格（.et）格式，jixiao 不读取这种格式；" + fix
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "文件是 PDF 文档，不是数据文件；" + fix
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return sniffZip(data)
	case bytes.IndexByte(data[:min(len(data), 8192)], 0) >= 0:
		return "文件不是文本文件，也不是 Excel 工作簿（.xlsx）；" + fix
	}
	return "text"
}

// sniffZip tells an Excel workbook from the other zip-based formats.
func sniffZip(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "文件是损坏的压缩包（zip），无法读取；" + fix
	}
	var mimetype string
	for _, f := range zr.File {
		switch f.Name {
		case "xl/workbook.xml", "xl/workbook.bin":
			if f.Name == "xl/workbook.bin" {
				return "文件是 Excel 二进制工作簿（.xlsb），jixiao 不读取这种格式；" + fix
			}
			return "xlsx"
		case "word/document.xml":
			return "文件是 Word 文档（.docx），不是数据文件；" + fix
		case "mimetype":
			if rc, err := f.Open(); err == nil {
				var b [128]byte
				n, _ := rc.Read(b[:])
				rc.Close()
				mimetype = string(b[:n])
			}
		}
	}
	if bytes.Contains([]byte(mimetype), []byte("opendocument.spreadsheet")) {
		return "文件是 OpenDocument 表格（.ods）格式，jixiao 不读取这种格式；" + fix
	}
	return fmt.Sprintf("文件是压缩包（zip），但不是 Excel 工作簿（.xlsx）；%s", fix)
}

// Exante reads an ex-ante evaluation record (YAML or JSON) by what the
// file holds: text goes to the data-file reader; a workbook or any other
// format is refused, naming it. Like Read it does not check the record.
func Exante(name string, data []byte) (*datafile.Loaded[exante.Evaluation], diag.List) {
	refuse := func(msg string) diag.List {
		return diag.List{{Code: diag.Syntax, Severity: diag.Error, File: name, Message: msg}}
	}
	switch kind := sniff(data); kind {
	case "text":
		if ext := strings.ToLower(path.Ext(name)); workbookExt[ext] {
			return nil, refuse(fmt.Sprintf("文件扩展名为 %s；事前绩效评估记录只能是 YAML 或 JSON 文本文件", ext))
		}
		return datafile.Exante(name, data)
	case "xlsx":
		return nil, refuse("文件是 Excel 工作簿；事前绩效评估记录只能是 YAML 或 JSON 文本文件")
	default:
		return nil, refuse(strings.TrimSuffix(kind, "；"+fix) + "；事前绩效评估记录只能是 YAML 或 JSON 文本文件")
	}
}
