// Package reporttest provides a small but complete report document for
// renderer tests: every block kind, bold runs, and a table with row and
// column spans and numeric cells.
package reporttest

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/report"
)

func num(v float64) *float64 { return &v }

// Sample returns a fresh document each call, so tests may modify it.
func Sample() *report.Document {
	return &report.Document{
		Label:  "附件2",
		Title:  "示例区人民政府办公室2023年度部门整体支出绩效自评报告",
		Author: "示例区人民政府办公室",
		Date:   "2024年3月15日",
		Blocks: []report.Block{
			&report.Heading{Level: 1, Text: "一、部门基本情况"},
			&report.Heading{Level: 2, Text: "（一）部门职能"},
			&report.Paragraph{Runs: []report.Run{{Text: "1.负责区政府会议的组织安排。"}}},
			&report.Paragraph{Runs: []report.Run{{Text: "一是", Bold: true}, {Text: "坚持党建引领，夯实机关基础。"}, {Text: "二是", Bold: true}, {Text: "加强作风建设<&>。"}}},
			&report.Heading{Level: 3, Text: "1. 预算编制"},
			&report.Paragraph{Runs: []report.Run{{Text: "决算收入3308.63万元，较上年增加410.63万元，增幅14.2%。"}}},
			&report.Signature{Author: "示例区人民政府办公室", Date: "2024年3月15日"},
			&report.PageBreak{},
			&report.Table{
				Title:    "部门整体支出绩效自评表",
				Sheet:    "部门整体支出绩效自评表",
				Subtitle: "（2023年度）",
				Columns:  []report.Column{{Width: 2}, {Width: 3}, {Width: 2}, {Width: 2}},
				Rows: []report.Row{
					{Header: true, Cells: []report.Cell{{Text: "一级指标", Align: report.AlignCenter, Bold: true}, {Text: "二级指标", Align: report.AlignCenter, Bold: true}, {Text: "分值", Align: report.AlignCenter, Bold: true}, {Text: "得分", Align: report.AlignCenter, Bold: true}}},
					{Cells: []report.Cell{{Text: "管理效率", RowSpan: 2}, {Text: "采购管理"}, {Text: "10", Number: num(10), Format: "0", Align: report.AlignRight}, {Text: "9", Number: num(9), Format: "0.##", Align: report.AlignRight}}},
					{Cells: []report.Cell{{Text: "资产管理"}, {Text: "10", Number: num(10), Format: "0", Align: report.AlignRight}, {Text: "9.5", Number: num(9.5), Format: "0.##", Align: report.AlignRight}}},
					{Cells: []report.Cell{{Text: "总分", ColSpan: 2, Align: report.AlignCenter, Bold: true}, {Text: "20", Number: num(20), Align: report.AlignRight}, {Text: "18.5", Number: num(18.5), Align: report.AlignRight}}},
				},
				Notes: []string{"注：得分保留两位小数。"},
			},
		},
	}
}

// Large builds a document the size of a long self-evaluation
// report: 40 paragraphs of 150 Chinese characters under headings, and 10
// tables of 30 rows by 8 columns with merged cells and numbers.
func Large() *report.Document {
	const phrase = "本部门严格执行预算管理制度，资金使用规范，绩效目标基本实现，"
	text := []rune(strings.Repeat(phrase, 150/len([]rune(phrase))+1))[:150]
	d := &report.Document{
		Label:  "附件2",
		Title:  "示例区人民政府办公室2023年度部门整体支出绩效自评报告",
		Author: "示例区人民政府办公室",
		Date:   "2024年3月15日",
	}
	for i := range 40 {
		if i%4 == 0 {
			d.Blocks = append(d.Blocks, &report.Heading{Level: 1 + i/4%3, Text: fmt.Sprintf("%d. 第%d部分", i/4+1, i/4+1)})
		}
		d.Blocks = append(d.Blocks, &report.Paragraph{Runs: []report.Run{
			{Text: "一是", Bold: true}, {Text: string(text[2:])},
		}})
	}
	for k := range 10 {
		t := &report.Table{
			Title:    fmt.Sprintf("项目支出绩效自评表%d", k+1),
			Sheet:    fmt.Sprintf("表%d", k+1),
			Subtitle: "（2023年度）单位：万元",
			Notes:    []string{"注：金额保留两位小数。"},
		}
		for range 8 {
			t.Columns = append(t.Columns, report.Column{Width: 2})
		}
		head := report.Row{Header: true}
		for c := range 8 {
			head.Cells = append(head.Cells, report.Cell{Text: fmt.Sprintf("指标%d", c+1), Align: report.AlignCenter, Bold: true})
		}
		t.Rows = append(t.Rows, head)
		for r := 1; r < 29; r++ {
			var row report.Row
			if (r-1)%4 == 0 {
				row.Cells = append(row.Cells, report.Cell{Text: fmt.Sprintf("一级指标%d", r), RowSpan: 4})
			}
			row.Cells = append(row.Cells, report.Cell{Text: "二级指标名称"})
			for c := 2; c < 8; c++ {
				v := float64(r*100+c) / 7
				row.Cells = append(row.Cells, report.Cell{Text: fmt.Sprintf("%.2f", v), Number: &v, Format: "0.00", Align: report.AlignRight})
			}
			t.Rows = append(t.Rows, row)
		}
		total := report.Row{Cells: []report.Cell{{Text: "合计", ColSpan: 2, Align: report.AlignCenter, Bold: true}}}
		for c := 2; c < 8; c++ {
			v := float64(c) * 1000
			total.Cells = append(total.Cells, report.Cell{Text: fmt.Sprintf("%.2f", v), Number: &v, Align: report.AlignRight})
		}
		t.Rows = append(t.Rows, total)
		d.Blocks = append(d.Blocks, t)
	}
	return d
}
