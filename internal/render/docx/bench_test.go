package docx

import (
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/report"
)

// largeDocument is a realistically sized report: 40 paragraphs of about
// 150 characters under headings, and three 30-row tables with merges.
func largeDocument() *report.Document {
	sentence := "本部门严格落实预算绩效管理要求，围绕年度工作目标，加强项目资金监管，2023年度预算执行率达到98.6%，"
	para := strings.Repeat(sentence, 150/len([]rune(sentence))+1)
	para = string([]rune(para)[:150])

	d := &report.Document{
		Label:  "附件2",
		Title:  "示例区人民政府办公室2023年度部门整体支出绩效自评报告",
		Author: "示例区人民政府办公室",
		Date:   "2024年3月15日",
	}
	for i := range 40 {
		if i%10 == 0 {
			d.Blocks = append(d.Blocks, &report.Heading{Level: 1, Text: "一、部门基本情况"})
		}
		if i%5 == 0 {
			d.Blocks = append(d.Blocks, &report.Heading{Level: 2, Text: "（一）部门职能"})
		}
		d.Blocks = append(d.Blocks, &report.Paragraph{Runs: []report.Run{
			{Text: "一是", Bold: true}, {Text: para},
		}})
	}
	for n := range 3 {
		t := &report.Table{
			Title:    "部门整体支出绩效自评表",
			Sheet:    "表" + strconv.Itoa(n+1),
			Subtitle: "（2023年度）",
			Columns:  []report.Column{{Width: 2}, {Width: 3}, {Width: 4}, {Width: 2}, {Width: 2}},
			Notes:    []string{"注：得分保留两位小数。"},
		}
		t.Rows = append(t.Rows, report.Row{Header: true, Cells: []report.Cell{
			{Text: "一级指标", Bold: true, Align: report.AlignCenter},
			{Text: "二级指标", Bold: true, Align: report.AlignCenter},
			{Text: "三级指标", Bold: true, Align: report.AlignCenter},
			{Text: "分值", Bold: true, Align: report.AlignCenter},
			{Text: "得分", Bold: true, Align: report.AlignCenter},
		}})
		for r := 1; r < 29; r++ {
			var cells []report.Cell
			if r%4 == 1 {
				cells = append(cells, report.Cell{Text: "产出指标", RowSpan: 4, Align: report.AlignCenter})
			}
			cells = append(cells,
				report.Cell{Text: "数量指标" + strconv.Itoa(r)},
				report.Cell{Text: "完成年度重点工作任务数量"},
				report.Cell{Text: "10", Align: report.AlignRight},
				report.Cell{Text: "9.50", Align: report.AlignRight},
			)
			t.Rows = append(t.Rows, report.Row{Cells: cells})
		}
		t.Rows = append(t.Rows, report.Row{Cells: []report.Cell{
			{Text: "总分", ColSpan: 3, Bold: true, Align: report.AlignCenter},
			{Text: "100", Align: report.AlignRight},
			{Text: "95.00", Align: report.AlignRight},
		}})
		d.Blocks = append(d.Blocks, &report.PageBreak{}, t)
	}
	return d
}

func BenchmarkRender(b *testing.B) {
	d := largeDocument()
	b.ReportAllocs()
	for b.Loop() {
		if err := Render(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLargeDocument checks that the benchmark's document renders to a
// well-formed package with every table row present.
func TestLargeDocument(t *testing.T) {
	parts := render(t, largeDocument())
	doc := mustParse(t, parts, "word/document.xml")
	if n := len(doc.all("tbl")); n != 3 {
		t.Errorf("tables = %d, want 3", n)
	}
	if n := len(doc.all("tr")); n != 90 {
		t.Errorf("rows = %d, want 90", n)
	}
	// 7 row spans of 4 rows in each table.
	if n := len(doc.all("vMerge")); n != 3*7*4 {
		t.Errorf("vMerge elements = %d, want %d", n, 3*7*4)
	}
}
