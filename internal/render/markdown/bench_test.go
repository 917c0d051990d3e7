package markdown_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/report"
)

// benchDocument builds a document the size of a long self-evaluation
// report: 40 paragraphs of 150 Chinese characters under headings, and 10
// tables of 30 rows by 8 columns with merged cells and numbers.
func benchDocument() *report.Document {
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

func BenchmarkRender(b *testing.B) {
	d := benchDocument()
	if err := markdown.Render(io.Discard, d); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := markdown.Render(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
