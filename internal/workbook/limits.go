package workbook

import (
	"fmt"
	"slices"

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
	// UnzipSize bounds the unzipped size of the whole workbook, in
	// bytes; a larger file is refused. Default 64 MiB.
	UnzipSize int64
	// UnzipXMLSize is the unzipped size above which the spreadsheet
	// library keeps a worksheet or the shared strings in a temporary
	// file rather than in memory. Default 16 MiB.
	UnzipXMLSize int64
}

// DefaultLimits are the limits Load, Read and Fields use.
var DefaultLimits = Limits{TableRows: 20000, FormRows: 5000, Columns: 100, UnzipSize: 64 << 20, UnzipXMLSize: 16 << 20}

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
var tableSheets = append(slices.Clone(registerSheets), SheetProjects, SheetProjectTargets, SheetProjectScores)

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
	return fmt.Sprintf("不是可读取的 Excel 工作簿（.xlsx）：%v", err)
}

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
