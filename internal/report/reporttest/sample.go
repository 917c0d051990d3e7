// Package reporttest provides a small but complete report document for
// renderer tests: every block kind, bold runs, and a table with row and
// column spans and numeric cells.
package reporttest

import "github.com/jixiao/jixiao/internal/report"

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
