package report_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/report"
)

const exanteExample = "../../examples/exante-qinghe-health-2025.yaml"

func buildExante(t *testing.T, edit func(*exante.Evaluation)) (*exante.Assessment, *report.Document) {
	t.Helper()
	data, err := os.ReadFile(exanteExample)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Exante(exanteExample, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	if edit != nil {
		edit(l.Value)
	}
	lib, _ := datafile.LoadLibrary()
	a := exante.Assess(l.Value, lib, exante.Options{})
	if a.Findings.Err() != nil || a.Result == nil {
		t.Fatal(a.Findings)
	}
	return a, report.Exante(a)
}

func paragraphs(d *report.Document) string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		if p, ok := bl.(*report.Paragraph); ok {
			b.WriteString(p.Text())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// The report follows the outline of the evaluation rules: the four parts,
// a section per dimension and the overall conclusion; the fifth part only
// when written.
func TestExanteOutline(t *testing.T) {
	_, d := buildExante(t, nil)
	want := []string{
		"一、评估对象基本情况", "二、评估工作开展情况", "三、综合评估情况与评估结论",
		"（一）立项必要性", "（二）投入经济性", "（三）绩效目标合理性", "（四）实施方案可行性", "（五）筹资合规性", "（六）总体结论",
		"四、相关建议",
	}
	if got := headings(d); !slices.Equal(got, want) {
		t.Errorf("outline:\n got %v\nwant %v", got, want)
	}
	if d.Title != "青禾区社区老年人健康服务驿站建设项目事前绩效评估报告" || d.Author != "示例市青禾区卫生健康局事前绩效评估工作组" || d.Date != "2024年9月20日" {
		t.Errorf("title %q author %q date %q", d.Title, d.Author, d.Date)
	}
	text := paragraphs(d)
	for _, s := range []string{
		// computed facts of the proposal and of the work
		"申请预算资金326.00万元（3,260,000.00元）",
		"由预算部门开展事前绩效评估",
		"从立项必要性、投入经济性、绩效目标合理性、实施方案可行性、筹资合规性五个方面评分，满分100分",
		// a dimension: its score, an indicator's finding, a loss and its reason
		"该方面满分20分，评估得分18.00分",
		"需求迫切性（6分）：全区65岁以上常住老年人约3.2万人，社区健康服务需求真实存在，得4.00分，扣2.00分，原因是需求调查只覆盖6个社区中的2个",
		// the conclusion, from the framework's bands
		"项目综合得分79.50分（满分100分）",
		"综合得分80分及以上的为“予以支持”，60分及以上、不足80分的为“调整后予以支持”，不足60分的为“不予支持”（分数线为本指标体系的默认标准），评估结论为“调整后予以支持”。",
		// what people wrote, one paragraph per line
		"一是细化预算",
		"四是尽快与捐赠方签订捐赠协议",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if strings.Count(text, "一是细化预算") != 1 || !strings.Contains(text, "\n二是完善绩效目标") {
		t.Error("each line of a written part must be its own paragraph")
	}

	_, d = buildExante(t, func(e *exante.Evaluation) { e.Report.Other = "项目用房改造需取得消防验收。" })
	if hs := headings(d); hs[len(hs)-1] != "五、其他需要说明的问题" {
		t.Errorf("with other matters: %v", hs)
	}
}

// The score table lists every indicator with points, score and how it was
// reached, and ends with the total and the conclusion.
func TestExanteTable(t *testing.T) {
	a, d := buildExante(t, nil)
	ts := d.Tables()
	if len(ts) != 1 {
		t.Fatalf("%d tables", len(ts))
	}
	tb := ts[0]
	if _, err := tb.Grid(); err != nil {
		t.Fatal(err)
	}
	leaves := 0
	for _, n := range a.Result.Indicators {
		leaves += len(n.Children)
	}
	if len(tb.Rows) != leaves+2 {
		t.Errorf("%d rows, want a heading, %d indicators and the total", len(tb.Rows), leaves)
	}
	last := tb.Rows[len(tb.Rows)-1].Cells
	if last[0].Text != "合计" || last[1].Text != "100" || last[2].Text != "79.50" || last[3].Text != "评估结论：调整后予以支持" {
		t.Errorf("total row: %+v", last)
	}
	first := tb.Rows[1].Cells
	if first[0].Text != "立项必要性（20分）" || first[0].RowSpan != 4 || first[1].Text != "政策相关性" || first[4].Text != "评价等级：达成" {
		t.Errorf("first row: %+v", first)
	}
	var row4_3 []report.Cell
	for _, r := range tb.Rows {
		for i, c := range r.Cells {
			if c.Text == "前期论证与风险防控" {
				row4_3 = r.Cells[i:]
			}
		}
	}
	if len(row4_3) != 4 || row4_3[2].Text != "5.00" || !strings.Contains(row4_3[3].Text, "X4.3.2 识别了主要风险并有应对措施，扣3.00分：未识别运营人员不足") {
		t.Errorf("checklist row: %+v", row4_3)
	}
	if len(tb.Notes) != 2 || !strings.Contains(tb.Notes[0], "默认分值") || !strings.Contains(tb.Notes[1], "虚构") {
		t.Errorf("notes: %v", tb.Notes)
	}
}

// A conclusion the assessor states is the record's; the report gives the
// score's conclusion, the stated one and the reason.
func TestExanteStatedConclusion(t *testing.T) {
	a, d := buildExante(t, func(e *exante.Evaluation) {
		e.Conclusion = framework.ConclusionReject
		e.ConclusionReason = "项目用地尚未落实。"
	})
	if a.Conclusion != framework.ConclusionReject || a.Scored != framework.ConclusionAdjusted {
		t.Fatalf("conclusion %s, scored %s", a.Conclusion, a.Scored)
	}
	text := paragraphs(d)
	if !strings.Contains(text, "评估结论为“调整后予以支持”。经评估组综合研判，评估结论调整为“不予支持”，理由是项目用地尚未落实。") {
		t.Errorf("stated conclusion not reported:\n%s", text)
	}
	rows := d.Tables()[0].Rows
	if got := rows[len(rows)-1].Cells[3].Text; got != "评估结论：不予支持" {
		t.Errorf("total row conclusion %q", got)
	}
}
