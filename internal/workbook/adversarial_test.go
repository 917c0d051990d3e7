package workbook

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/diag"
)

// withPart returns the workbook data with one part of the package
// rewritten by edit, which writes the new part given the old. The zip is
// rewritten directly, as the spreadsheet library would need gigabytes to
// set a cell at XFD or at row 1048576 (which is what these files test).
func withPart(t testing.TB, data []byte, part string, edit func(w io.Writer, old string)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		if f.Name != part {
			w.Write(body)
			continue
		}
		found = true
		edit(w, string(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("no part %s", part)
	}
	return out.Bytes()
}

// withRows returns the workbook data with rows appended to a sheet's
// XML: rows(w, from) writes <row> elements numbered from on.
func withRows(t testing.TB, data []byte, sheet string, rows func(w io.Writer, from int)) []byte {
	t.Helper()
	_, partOf, _ := parts(data, DefaultLimits.orDefault())
	part, ok := partOf[sheet]
	if !ok {
		t.Fatalf("no part for sheet %s", sheet)
	}
	return withPart(t, data, part, func(w io.Writer, xml string) {
		last := 0
		for _, m := range regexp.MustCompile(`<row r="(\d+)"`).FindAllStringSubmatch(xml, -1) {
			n, _ := strconv.Atoi(m[1])
			last = max(last, n)
		}
		var head, tail string
		if i := strings.Index(xml, "</sheetData>"); i >= 0 {
			head, tail = xml[:i], xml[i:]
		} else if i := strings.Index(xml, "<sheetData/>"); i >= 0 {
			head, tail = xml[:i]+"<sheetData>", "</sheetData>"+xml[i+len("<sheetData/>"):]
		} else {
			t.Fatalf("no sheetData in %s", part)
		}
		io.WriteString(w, head)
		rows(w, last+1)
		io.WriteString(w, tail)
	})
}

// farColumn writes n rows with one text cell each in column XFD.
func farColumn(n int) func(io.Writer, int) {
	return func(w io.Writer, from int) {
		for r := from; r < from+n; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>远处%d</t></is></c></row>`, r, r, r)
		}
	}
}

// farRow writes one text cell at A1048576.
func farRow(w io.Writer, _ int) {
	io.WriteString(w, `<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>最后一行</t></is></c></row>`)
}

// manyRows writes rows up to row last, each with a number in column A.
func manyRows(last int) func(io.Writer, int) {
	return func(w io.Writer, from int) {
		b := make([]byte, 0, 64<<10)
		for r := from; r <= last; r++ {
			b = append(b, `<row r="`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `"><c r="A`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `"><v>`...)
			b = strconv.AppendInt(b, int64(r), 10)
			b = append(b, `</v></c></row>`...)
			if len(b) > 60<<10 {
				w.Write(b)
				b = b[:0]
			}
		}
		w.Write(b)
	}
}

// limitFindings are the findings about a sheet's row limit.
func limitFindings(ds diag.List) diag.List {
	var out diag.List
	for _, d := range ds {
		if strings.Contains(d.Message, "行的上限") {
			out = append(out, d)
		}
	}
	return out
}

// Cells far right of the layout (2,000 of them in column XFD of 采购合同)
// change nothing that is read: one warning names the sheet, the last
// column with a header and the first such cell.
func TestFarColumnIgnored(t *testing.T) {
	base := writeEval(t, loadExample(t, exampleFiles[0]))
	want, wantDs := Read("x.xlsx", base)
	got, ds := Read("x.xlsx", withRows(t, base, SheetContracts, farColumn(2000)))
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cells in XFD changed what is read:\n%s", diffEval(want, got))
	}
	if len(ds) != len(wantDs)+1 {
		t.Fatalf("want one finding more than %d, got:\n%v", len(wantDs), ds.Error())
	}
	last := colName(len(contractCols) - 1)
	var w diag.Finding
	for _, d := range ds {
		if strings.HasPrefix(d.Path, SheetContracts+"!XFD") {
			w = d
		}
	}
	if w.Code != diag.Ignored || w.Severity != diag.Warning || !strings.Contains(w.Message, SheetContracts) ||
		!strings.Contains(w.Message, last+" 列之后") || !strings.Contains(w.Message, "XFD") {
		t.Errorf("want one warning naming %s and column %s, got %v", SheetContracts, last, w)
	}
}

// One cell at A1048576 is content below the row limit: the sheet is
// refused with one error naming it and the limit; what is above the limit
// reads as before.
func TestFarRowRefused(t *testing.T) {
	base := writeEval(t, loadExample(t, exampleFiles[0]))
	want, _ := Read("x.xlsx", base)
	got, ds := Read("x.xlsx", withRows(t, base, SheetContracts, farRow))
	lim := limitFindings(ds)
	if len(lim) != 1 {
		t.Fatalf("want one finding about the row limit, got:\n%v", ds.Error())
	}
	d := lim[0]
	if d.Severity != diag.Error || d.Path != SheetContracts+"!A20001" ||
		d.Message != "采购合同：超过 20000 行的上限（第 20001 行起未读取），请拆分或核对文件" {
		t.Errorf("finding %v", d)
	}
	if !reflect.DeepEqual(got.Registers, want.Registers) {
		t.Errorf("registers read differently:\n%s", diffEval(want, got))
	}
}

// More rows than the limit: the rows up to the limit are read, one error
// names the sheet and the limit (the default, or the one given).
func TestRowLimit(t *testing.T) {
	base := writeEval(t, loadExample(t, exampleFiles[0]))
	long := withRows(t, base, SheetContracts, manyRows(DefaultLimits.TableRows+5))
	_, ds := Read("x.xlsx", long)
	if lim := limitFindings(ds); len(lim) != 1 || !strings.Contains(lim[0].Message, "采购合同：超过 20000 行的上限") {
		t.Errorf("default limit: want one finding, got %v", lim)
	}
	for _, d := range ds {
		if _, row, err := cellCoordinates(d.Path); err == nil && row > DefaultLimits.TableRows+1 {
			t.Fatalf("finding below the limit: %v", d)
		}
	}

	// A limit given: rows up to it are read (the rows added hold a
	// contract number only), nothing below.
	before, _ := Read("x.xlsx", base)
	l, ds := LoadLimited("x.xlsx", withRows(t, base, SheetContracts, manyRows(40)), Limits{TableRows: 30})
	var lim diag.List
	for _, d := range limitFindings(ds) {
		if strings.HasPrefix(d.Path, SheetContracts+"!") {
			lim = append(lim, d)
		}
	}
	if len(lim) != 1 || lim[0].Message != "采购合同：超过 30 行的上限（第 31 行起未读取），请拆分或核对文件" || lim[0].Path != "采购合同!A31" {
		t.Fatalf("limit 30: want one finding, got:\n%v", ds.Error())
	}
	if n := len(l.Value.Registers.Contracts); n != 29 {
		t.Errorf("read %d contracts, want the 29 rows up to the limit (%d before)", n, len(before.Registers.Contracts))
	}

	// Empty rows below the limit (a height or a style set on them) are
	// not content.
	empty := withRows(t, base, SheetContracts, func(w io.Writer, from int) {
		for r := from; r < from+30; r++ {
			fmt.Fprintf(w, `<row r="%d" ht="20" customHeight="1"><c r="B%d" s="1"/></row>`, 30000+r, 30000+r)
		}
	})
	if _, ds := Read("x.xlsx", empty); len(limitFindings(ds)) != 0 || ds.Err() != nil {
		t.Errorf("empty rows below the limit: %v", ds.Error())
	}
}

// An unzipped size above the limit is refused with its own message.
func TestUnzipLimit(t *testing.T) {
	base := writeEval(t, loadExample(t, exampleFiles[0]))
	l, ds := LoadLimited("x.xlsx", base, Limits{UnzipSize: 100 << 10})
	if l != nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "工作簿解压后超过 100 KB 的上限") {
		t.Errorf("want the workbook refused, got %v", ds.Error())
	}
}

func cellCoordinates(path string) (col, row int, err error) {
	_, cell, ok := strings.Cut(path, "!")
	if !ok {
		return 0, 0, fmt.Errorf("no cell")
	}
	return excelize.CellNameToCoordinates(cell)
}

// More shared-strings entries or elements of a part the library parses
// whole (styles, theme, …) than the limits, or a larger such part than
// the library keeps in memory, refuse the workbook with one finding.
func TestSharedStringsLimit(t *testing.T) {
	base := writeEval(t, loadExample(t, exampleFiles[0]))
	l, ds := LoadLimited("x.xlsx", base, Limits{SharedStrings: 10})
	if l != nil || len(ds) != 1 || ds[0].Message != "工作簿中不同的文本超过 10 条的上限，未读取；请删除多余的内容或格式后重新保存" {
		t.Errorf("10 entries: want the workbook refused, got %v", ds.Error())
	}
	l, ds = LoadLimited("x.xlsx", base, Limits{UnzipXMLSize: 10 << 10})
	if l != nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "解压后超过 10 KB 的上限，未读取") {
		t.Errorf("10 KB: want the workbook refused, got %v", ds.Error())
	}
	l, ds = LoadLimited("x.xlsx", base, Limits{PartElements: 10})
	if l != nil || len(ds) != 1 || !strings.Contains(ds[0].Message, "超过 10 个元素的上限，未读取") {
		t.Errorf("10 style elements: want the workbook refused, got %v", ds.Error())
	}
	if _, ds := Read("x.xlsx", base); len(ds) != 0 {
		t.Errorf("the example under the default limits: %v", ds.Error())
	}
}

// A sheet showing more text than the limit is read up to the row where
// the limit is passed and refused with one error per sheet; a long text
// is quoted in findings by its beginning only.
func TestSheetTextLimit(t *testing.T) {
	base := writeEval(t, loadExample(t, exampleFiles[0]))
	_, ds := LoadLimited("x.xlsx", base, Limits{SheetText: 4 << 10})
	per := map[string]int{}
	for _, d := range ds {
		if strings.Contains(d.Message, "单元格中的文本超过 4 KB 的上限") {
			sheet, _, _ := strings.Cut(d.Path, "!")
			per[sheet]++
			if d.Severity != diag.Error || !strings.HasPrefix(d.Message, sheet+"：") {
				t.Errorf("finding %v", d)
			}
		}
	}
	if len(per) == 0 || per[SheetBasic] != 1 {
		t.Errorf("want one finding on %s and at most one per sheet, got %v:\n%v", SheetBasic, per, ds.Error())
	}
	for sheet, n := range per {
		if n != 1 {
			t.Errorf("%d findings on %s", n, sheet)
		}
	}

	f := open(t, base)
	long := strings.Repeat("长", 5000)
	if err := f.SetCellStr(SheetContracts, ref(columnIndex(contractCols, "signed"), 2), long); err != nil {
		t.Fatal(err)
	}
	_, ds = Read("x.xlsx", save(t, f))
	if len(ds) != 1 || !strings.Contains(ds[0].Message, `"`+strings.Repeat("长", maxQuoted)+`…`) || len(ds[0].Message) > 1000 {
		t.Errorf("want one finding quoting the first %d characters, got %v", maxQuoted, ds.Error())
	}
}
