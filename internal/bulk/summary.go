package bulk

import (
	"fmt"
	"io"
	"strconv"

	"github.com/jixiao/jixiao/internal/workflow"
	"github.com/xuri/excelize/v2"
)

// summaryColumns are the summary workbook's columns and their widths (in
// characters; a CJK character counts two).
var summaryColumns = []struct {
	title string
	width float64
}{
	{"序号", 6},
	{"部门编码", 12},
	{"部门名称", 34},
	{"主管部门", 20},
	{"所属地区", 12},
	{"状态", 10},
	{"自评得分", 10},
	{"自评等级", 9},
	{"复核后得分", 11},
	{"复核后等级", 11},
	{"预算执行率", 11},
	{"失分指标数", 11},
	{"报告文件", 78},
	{"说明", 40},
}

// reviewed says whether the finance bureau's review of a year is over or
// has scores: only then is there a total after review to print.
func reviewed(r Row) bool {
	s := r.Listing.Status
	return r.Listing.Review.Counted > 0 || s == workflow.Accepted || s == workflow.Published
}

// printedSheet names the workbook's first sheet and sets it up to print
// landscape on A4, as wide as one page, with its first two rows (the
// title and the headings) on every page; it returns the sheet's stream
// writer.
func printedSheet(f *excelize.File, sheet string) (*excelize.StreamWriter, error) {
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	fit, zero, one := true, 0, 1
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return nil, err
	}
	landscape, a4 := "landscape", 9
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return nil, err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sheet + "'!$1:$2", Scope: sheet}); err != nil {
		return nil, err
	}
	return f.NewStreamWriter(sheet)
}

// writeSummary writes the summary workbook: a title, one row per
// department-year, figures as numbers where they are numbers.
func writeSummary(w io.Writer, opts Options, sum *Summary) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "汇总"
	sw, err := printedSheet(f, sheet)
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Family: "宋体"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "宋体"}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体"}, Border: border, Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return err
	}
	figure, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体"}, Border: border, CustomNumFmt: strPtr("0.00"),
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	centred, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体"}, Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	whole, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "宋体"}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	for i, c := range summaryColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(summaryColumns), 1)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: title, Value: fmt.Sprintf("%d年度部门整体支出绩效自评汇总表", opts.Year)}},
		excelize.RowOpts{Height: 28}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	heads := make([]any, len(summaryColumns))
	for i, c := range summaryColumns {
		heads[i] = excelize.Cell{StyleID: head, Value: c.title}
	}
	if err := sw.SetRow("A2", heads, excelize.RowOpts{Height: 22}); err != nil {
		return err
	}
	for i, r := range sum.Rows {
		cells := []any{
			excelize.Cell{StyleID: whole, Value: i + 1},
			excelize.Cell{StyleID: text, Value: r.Code},
			excelize.Cell{StyleID: text, Value: r.Name},
			excelize.Cell{StyleID: text, Value: r.Parent},
			excelize.Cell{StyleID: text, Value: r.Region},
			excelize.Cell{StyleID: centred, Value: r.Status},
		}
		l := r.Listing
		if r.Problem == "" {
			cells = append(cells, pointsCell(figure, l.Total.String()), excelize.Cell{StyleID: centred, Value: l.Grade})
		} else {
			cells = append(cells, excelize.Cell{StyleID: text}, excelize.Cell{StyleID: centred})
		}
		if r.Problem == "" && reviewed(r) {
			cells = append(cells, pointsCell(figure, l.Review.Total.String()), excelize.Cell{StyleID: centred, Value: l.Review.Grade})
		} else {
			cells = append(cells, excelize.Cell{StyleID: centred, Value: "未复核"}, excelize.Cell{StyleID: text})
		}
		cells = append(cells,
			excelize.Cell{StyleID: whole, Value: r.ExecutionRate},
			excelize.Cell{StyleID: whole, Value: r.Lost},
			excelize.Cell{StyleID: text, Value: r.File},
			excelize.Cell{StyleID: text, Value: note(r)},
		)
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func note(r Row) string {
	switch {
	case r.Problem != "":
		return "未生成：" + r.Problem
	case r.Reused:
		return "已公开的文件"
	}
	return ""
}

func strPtr(s string) *string { return &s }

// pointsCell is a score as a number cell (points are hundredths, exact in
// a float64 at these sizes).
func pointsCell(style int, s string) excelize.Cell {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return excelize.Cell{StyleID: style, Value: s}
	}
	return excelize.Cell{StyleID: style, Value: v}
}
