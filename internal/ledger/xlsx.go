package ledger

import (
	"bytes"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Limits of a workbook. excelize reads a workbook's zip into memory, so a
// workbook's memory grows with its compressed size up to MaxWorkbook;
// sheets and the shared strings over xmlInMemory unzipped are streamed
// from temporary files. Ledgers larger than a workbook holds (1,048,576
// rows) come as CSV, which is read in constant memory.
const (
	MaxWorkbook  = 64 << 20 // compressed bytes
	maxUnzipped  = 2 << 30  // all parts unzipped
	xmlInMemory  = 16 << 20 // a part unzipped in memory up to this size
	maxSheetCols = 100
)

// xlsxSource streams the rows of a workbook's first sheet.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

func openXLSX(file string, r io.Reader) (rowSource, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxWorkbook+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxWorkbook {
		return nil, &Error{File: file, Problems: []Problem{{Reason: fmt.Sprintf("工作簿超过 %d MB，无法读取：请导出为 CSV 文件后导入（CSV 不限大小）", MaxWorkbook>>20)}}}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		return nil, &Error{File: file, Problems: []Problem{{Reason: "不是可读取的 Excel 工作簿（.xlsx）：文件已损坏或超出解压限制"}}}
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, &Error{File: file, Problems: []Problem{{Reason: "工作簿中没有工作表"}}}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, &Error{File: file, Problems: []Problem{{Reason: fmt.Sprintf("工作表“%s”无法读取", sheets[0])}}}
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func (s *xlsxSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, err
		}
		return nil, 0, io.EOF
	}
	s.line++
	cols, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, &lineError{line: s.line, reason: "该行无法读取"}
	}
	if len(cols) > maxSheetCols {
		cols = cols[:maxSheetCols]
	}
	return cols, s.line, nil
}

func (s *xlsxSource) cell(col, line int) string {
	if col < 0 {
		return ""
	}
	name, err := excelize.CoordinatesToCellName(col+1, line)
	if err != nil {
		return ""
	}
	return name
}

func (s *xlsxSource) close() error {
	s.rows.Close()
	return s.f.Close()
}
