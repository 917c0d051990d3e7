package workbook

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits bound what reading a workbook may cost. A workbook is untrusted
// input (the web server reads what a department uploads): without bounds
// a file of a few kilobytes naming a cell at XFD1048576 costs gigabytes.
// Every sheet is read as a stream, row by row, keeping only the columns
// of its layout; these limits bound the rest. A zero field takes its
// default (DefaultLimits); the defaults are far above any department's
// workbook and are documented in docs/limits-workbook.md.
type Limits struct {
	// TableRows is the most rows (header row included) read from a
	// sheet that grows with a department's work: the registers (采购意向,
	// 采购合同, 固定资产, 信息公开) and the project sheets (项目,
	// 项目绩效指标, 项目指标评分). A sheet with content below that row
	// is refused with one error finding naming the sheet and the limit.
	// Default 20000.
	TableRows int
	// FormRows is the same bound for the sheets whose rows follow the
	// form or a framework (基本情况, 收支情况, 绩效目标, 指标评分,
	// 问题与措施). Default 5000.
	FormRows int
	// Columns is how many columns of a sheet's header row are looked at
	// for the layout's headers. Cells right of the last header are not
	// read; when some hold anything, one warning per sheet says so.
	// Default 100 (the widest layout has 20 columns).
	Columns int
	// SheetText bounds the bytes of text read from one sheet's cells.
	// A text stored once (in the shared strings) may be shown by any
	// number of cells and is read anew for each: a sheet whose cells
	// show more is read up to the row where the limit is passed and
	// refused with one error. Default 64 MiB.
	SheetText int
	// UnzipSize bounds the unzipped size of the whole workbook, in
	// bytes; a larger file is refused. Default 64 MiB.
	UnzipSize int64
	// PartElements bounds the elements of each part the library parses
	// whole when it opens the package: the styles (cell formats, fonts,
	// fills, borders, number formats), the theme, the workbook, the
	// relationships and the calculation chain. It parses them at about
	// 700 bytes and 10 µs an element; a workbook with more is refused.
	// Default 100000 (Excel allows 64000 cell formats; a filled-in
	// template's styles have a few hundred elements).
	PartElements int
	// SharedStrings bounds the entries of the shared-strings part (the
	// text of the cells, each distinct text once), which the spreadsheet
	// library parses whole at the first text cell read, at about 400
	// bytes an entry; a workbook with more is refused. Default 200000
	// (a department's workbook has a few thousand).
	SharedStrings int
	// UnzipXMLSize is the unzipped size above which the spreadsheet
	// library keeps a worksheet in a temporary file rather than in
	// memory. It also bounds the shared strings and the parts
	// PartElements bounds: a workbook with a larger one is refused (the
	// library would read shared strings from a temporary file a write
	// call per entry: a minute for 60 MB). Default 16 MiB.
	UnzipXMLSize int64
}

// DefaultLimits are the limits Load, Read and Fields use.
var DefaultLimits = Limits{TableRows: 20000, FormRows: 5000, Columns: 100, UnzipSize: 64 << 20, UnzipXMLSize: 16 << 20, SharedStrings: 200000, PartElements: 100000, SheetText: 64 << 20}

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.TableRows <= 0 {
		l.TableRows = d.TableRows
	}
	if l.FormRows <= 0 {
		l.FormRows = d.FormRows
	}
	if l.Columns <= 0 {
		l.Columns = d.Columns
	}
	if l.UnzipSize <= 0 {
		l.UnzipSize = d.UnzipSize
	}
	if l.PartElements <= 0 {
		l.PartElements = d.PartElements
	}
	if l.SheetText <= 0 {
		l.SheetText = d.SheetText
	}
	if l.SharedStrings <= 0 {
		l.SharedStrings = d.SharedStrings
	}
	if l.UnzipXMLSize <= 0 {
		l.UnzipXMLSize = min(d.UnzipXMLSize, l.UnzipSize)
	}
	l.UnzipXMLSize = min(l.UnzipXMLSize, l.UnzipSize)
	l.Columns = min(l.Columns, excelize.MaxColumns)
	l.TableRows = min(l.TableRows, excelize.TotalRows)
	l.FormRows = min(l.FormRows, excelize.TotalRows)
	return l
}

// tableSheets are the sheets TableRows bounds.
var tableSheets = append(slices.Clone(registerSheets), SheetProjects, SheetDeclaration, SheetPlan, SheetProjectTargets, SheetProjectScores)

// rows is the row limit of a sheet.
func (l Limits) rows(sheet string) int {
	if slices.Contains(tableSheets, sheet) {
		return l.TableRows
	}
	return l.FormRows
}

// open opens a workbook within the unzip limits.
func (l Limits) open(data []byte) (*excelize.File, error) {
	return excelize.OpenReader(bytesReader(data), excelize.Options{UnzipSizeLimit: l.UnzipSize, UnzipXMLSizeLimit: l.UnzipXMLSize})
}

// openError says why a workbook could not be opened.
func (l Limits) openError(err error) string {
	if err != nil && err.Error() == fmt.Sprintf("unzip size exceeds the %d bytes limit", l.UnzipSize) {
		return fmt.Sprintf("工作簿解压后超过 %s 的上限，未读取；请删除多余的工作表、行或图片后重新保存", sizeText(l.UnzipSize))
	}
	// The library's own text is English and says little to a user.
	return notWorkbook
}

// notWorkbook is the finding for a file that is not a readable workbook.
const notWorkbook = "不是可读取的 Excel 工作簿（.xlsx）；旧版 .xls、WPS .et 或 .ods 表格请在 Excel 或 WPS 中另存为 .xlsx 后再上传"

// sizeText is a size in bytes as a person reads it: "64 MB", "100 KB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// parsedWhole are the parts the library parses whole when it opens the
// package, with what a person calls them.
var parsedWhole = []struct{ name, what string }{
	{"xl/styles.xml", "单元格格式（样式）"},
	{"xl/theme/theme1.xml", "主题"},
	{"xl/workbook.xml", "工作簿结构"},
	{"xl/_rels/workbook.xml.rels", "工作簿关系"},
	{"_rels/.rels", "文件关系"},
	{"[Content_Types].xml", "内容类型"},
	{"xl/calcChain.xml", "公式计算链"},
}

// checkParts refuses a part over the limits that the library would
// parse whole: the shared strings and parsedWhole. It says why, or
// returns "".
func (l Limits) checkParts(zr *zip.Reader) string {
	if zr == nil {
		return ""
	}
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, `\`, "/")
		what, elem, most := "", "", l.PartElements
		if strings.EqualFold(name, "xl/sharedStrings.xml") {
			what, elem, most = "文本（共享字符串）", "si", l.SharedStrings
		}
		for _, p := range parsedWhole {
			if strings.EqualFold(name, p.name) {
				what = p.what
			}
		}
		if what == "" {
			continue
		}
		if f.UncompressedSize64 > uint64(l.UnzipXMLSize) {
			return fmt.Sprintf("工作簿中的%s解压后超过 %s 的上限，未读取；请删除多余的内容或格式后重新保存", what, sizeText(l.UnzipXMLSize))
		}
		if n := countElements(f, elem, most); n > most {
			if elem == "si" {
				return fmt.Sprintf("工作簿中不同的文本超过 %d 条的上限，未读取；请删除多余的内容或格式后重新保存", most)
			}
			return fmt.Sprintf("工作簿中的%s超过 %d 个元素的上限，未读取；请删除多余的内容或格式后重新保存", what, most)
		}
	}
	return ""
}

// countElements counts the elements named elem (all, for "") of a part
// on a stream, up to most+1; a part that cannot be read counts 0 (the
// library says what is wrong with it).
func countElements(f *zip.File, elem string, most int) int {
	rc, err := f.Open()
	if err != nil {
		return 0
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	n := 0
	for n <= most {
		tok, err := dec.RawToken()
		if err != nil {
			return n
		}
		if se, ok := tok.(xml.StartElement); ok && (elem == "" || se.Name.Local == elem) {
			n++
		}
	}
	return n
}
