package report

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/scoring"
)

// Exante writes the ex-ante evaluation report (事前绩效评估报告) of a scored
// record in the outline of the evaluation rules: 一、评估对象基本情况,
// 二、评估工作开展情况, 三、综合评估情况与评估结论 (one section per first-level
// indicator, the overall conclusion and the score table), 四、相关建议 and,
// when written, 五、其他需要说明的问题. The record's text fills each part;
// every figure, the scores and the conclusion are computed here. The
// assessment must have a result (no errors).
func Exante(a *exante.Assessment) *Document {
	ev, res, fw := a.Evaluation, a.Result, a.Framework
	b := &exanteBuilder{a: a, n: numbers{fixed: !res.Total.Whole() || !wholeScores(res.Indicators)}}
	d := &Document{
		Title:  ev.Project.Name + "事前绩效评估报告",
		Author: ev.Evaluator,
		Date:   ev.Date.Chinese(),
	}
	if ev.Date.IsZero() {
		d.Date = ""
	}

	b.h(1, "一、评估对象基本情况")
	var s strings.Builder
	fmt.Fprintf(&s, "%s（项目编码%s）是%s申报的%d年度%s，实施单位为%s", ev.Project.Name, ev.Project.Code, ev.Department.Name, ev.Year, exante.KindNames[ev.Project.Kind], ev.UnitName())
	if p := strings.TrimSpace(ev.Project.Period); p != "" {
		fmt.Fprintf(&s, "，实施周期为%s", strings.TrimRight(p, "。"))
	}
	fmt.Fprintf(&s, "，申请预算资金%s万元（%s元）。", ev.Project.Amount.Wan(), ev.Project.Amount.YuanText())
	b.p(s.String())
	b.text(ev.Report.Subject)

	b.h(1, "二、评估工作开展情况")
	dims := make([]string, len(res.Indicators))
	for i, n := range res.Indicators {
		dims[i] = n.Name
	}
	b.p(fmt.Sprintf("本次评估由%s组织，%s具体实施。%s。评估依据《%s》（%s，%s版），从%s%s个方面评分，满分%s分。",
		exante.AssessorNames[ev.Assessor], ev.Evaluator, strings.TrimRight(a.Requirement.Reason, "。"),
		fw.Name, fw.ID, fw.Version, strings.Join(dims, "、"), Ordinal(len(dims)), b.n.points(res.Points)))
	b.text(ev.Report.Work)

	b.h(1, "三、综合评估情况与评估结论")
	b.text(ev.Report.Assessment)
	for i, n := range res.Indicators {
		b.h(2, fmt.Sprintf("（%s）%s", Ordinal(i+1), n.Name))
		b.p(b.dimension(n))
	}
	b.h(2, fmt.Sprintf("（%s）总体结论", Ordinal(len(res.Indicators)+1)))
	b.p(b.conclusion())
	b.blocks = append(b.blocks, b.table())

	b.h(1, "四、相关建议")
	b.text(ev.Report.Suggestions)
	if strings.TrimSpace(ev.Report.Other) != "" {
		b.h(1, "五、其他需要说明的问题")
		b.text(ev.Report.Other)
	}
	if d.Author != "" || d.Date != "" {
		b.blocks = append(b.blocks, &Signature{Author: d.Author, Date: d.Date})
	}
	d.Blocks = b.blocks
	return d
}

type exanteBuilder struct {
	a      *exante.Assessment
	n      numbers
	blocks []Block
}

func (b *exanteBuilder) h(level int, text string) {
	b.blocks = append(b.blocks, &Heading{Level: level, Text: text})
}

func (b *exanteBuilder) p(text string) {
	if strings.TrimSpace(text) != "" {
		b.blocks = append(b.blocks, &Paragraph{Runs: []Run{{Text: text}}})
	}
}

// text adds what people wrote, one paragraph per line.
func (b *exanteBuilder) text(s string) {
	for _, line := range strings.Split(NormalizeNewlines(s), "\n") {
		b.p(strings.TrimSpace(line))
	}
}

// dimension is the paragraph on one first-level indicator: its points and
// score, then each indicator below it with what the assessor found, its
// score and why points were lost.
func (b *exanteBuilder) dimension(top *scoring.Node) string {
	var s strings.Builder
	fmt.Fprintf(&s, "该方面满分%s分，评估得分%s分。", b.n.points(top.Points), b.n.score(top.Score))
	leaves := []*scoring.Node{top}
	if len(top.Children) > 0 {
		leaves = top.Children
	}
	for _, n := range leaves {
		if n.NotApplicable != "" {
			fmt.Fprintf(&s, "%s不适用（%s），其分值按规则分配至其他指标。", n.Name, n.NotApplicable)
			continue
		}
		fmt.Fprintf(&s, "%s（%s分）：", n.Name, b.n.points(n.Points))
		if w := b.work(n); w != "" {
			s.WriteString(w + "，")
		}
		fmt.Fprintf(&s, "得%s分", b.n.score(n.Score))
		if n.Score < n.Points {
			fmt.Fprintf(&s, "，扣%s分，%s", b.n.score(n.Lost()), reasons(n.AllDeductions()))
		}
		s.WriteString("。")
	}
	return s.String()
}

// work is the assessor's account of an indicator and those below it.
func (b *exanteBuilder) work(n *scoring.Node) string {
	var parts []string
	if in, ok := b.a.Evaluation.Scores[n.Code]; ok && strings.TrimSpace(in.Work) != "" {
		parts = append(parts, strings.TrimRight(strings.TrimSpace(in.Work), "。；"))
	}
	for _, c := range n.Children {
		if w := b.work(c); w != "" {
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, "；")
}

// conclusion is the overall conclusion: the total, the framework's
// thresholds in words, the conclusion they give and, when the assessor
// states another, that one with the reason.
func (b *exanteBuilder) conclusion() string {
	a, res := b.a, b.a.Result
	var s strings.Builder
	fmt.Fprintf(&s, "项目综合得分%s分（满分%s分）。按本指标体系，%s", b.n.score(res.Total), b.n.points(res.Points), bandSentence(a.Framework))
	if defaultGrades(a.Framework) {
		s.WriteString("（分数线为本指标体系的默认标准）")
	}
	fmt.Fprintf(&s, "，评估结论为“%s”。", res.Grade)
	if a.Conclusion != a.Scored {
		fmt.Fprintf(&s, "经评估组综合研判，评估结论调整为“%s”，理由是%s。", framework.ConclusionName(a.Conclusion), strings.TrimRight(strings.TrimSpace(a.Evaluation.ConclusionReason), "。"))
	}
	return s.String()
}

// bandSentence states the grade bands: "综合得分80分及以上的为“予以支持”，
// 60分及以上、不足80分的为“调整后予以支持”，不足60分的为“不予支持”".
func bandSentence(fw *framework.Framework) string {
	bands := fw.GradeBands()
	var parts []string
	for i, g := range bands {
		min := g.Min.String()
		switch {
		case i == 0:
			parts = append(parts, fmt.Sprintf("综合得分%s分及以上的为“%s”", min, g.Name))
		case g.Min == 0:
			parts = append(parts, fmt.Sprintf("不足%s分的为“%s”", bands[i-1].Min, g.Name))
		default:
			parts = append(parts, fmt.Sprintf("%s分及以上、不足%s分的为“%s”", min, bands[i-1].Min, g.Name))
		}
	}
	return strings.Join(parts, "，")
}

func defaultGrades(fw *framework.Framework) bool {
	for _, g := range fw.Grades {
		if g.Default {
			return true
		}
	}
	return false
}

// exanteColumns: 评估内容, 评估指标, 分值, 得分, 评分说明.
var exanteColumns = []Column{{Width: 15}, {Width: 19}, {Width: 7}, {Width: 8}, {Width: 35}}

// table is 事前绩效评估评分表: every indicator with its points, score and
// how the score was reached, the total and the conclusion.
func (b *exanteBuilder) table() *Table {
	a, res, ev := b.a, b.a.Result, b.a.Evaluation
	t := &Table{
		Title:    "事前绩效评估评分表",
		Sheet:    "事前绩效评估评分表",
		Subtitle: fmt.Sprintf("评估对象：%s", ev.Project.Name),
		Columns:  exanteColumns,
	}
	t.Rows = append(t.Rows, head("评估内容", "评估指标", "分值", "得分", "评分说明"))
	anyDefault := false
	for _, top := range res.Indicators {
		leaves := []*scoring.Node{top}
		if len(top.Children) > 0 {
			leaves = top.Children
		}
		for i, n := range leaves {
			if ind := a.Framework.Find(n.Code); ind != nil && ind.Default {
				anyDefault = true
			}
			var r Row
			if i == 0 {
				r.Cells = append(r.Cells, label(fmt.Sprintf("%s（%s分）", top.Name, b.n.points(top.Points)), 1, len(leaves)))
			}
			r.Cells = append(r.Cells, text(n.Name, 1), b.n.pointsCell(n.Points), b.n.scoreCell(n.Score), text(b.explain(n), 1))
			t.Rows = append(t.Rows, r)
		}
	}
	t.Rows = append(t.Rows,
		Row{KeepWithPrevious: true, Cells: []Cell{label("合计", 2, 1), b.n.pointsCell(res.Points), b.n.scoreCell(res.Total), label("评估结论："+framework.ConclusionName(a.Conclusion), 1, 1)}})
	if anyDefault {
		t.Notes = append(t.Notes, "注：评估指标的分值为本指标体系的默认分值，各地可按本地规定调整。")
	}
	if ev.Illustrative != "" {
		t.Notes = append(t.Notes, "说明："+ev.Illustrative)
	}
	return t
}

// explain says how an indicator's score was reached: the level judged, the
// points lost and why, or that it met the standard in full.
func (b *exanteBuilder) explain(n *scoring.Node) string {
	if n.NotApplicable != "" {
		return "不适用：" + n.NotApplicable
	}
	var parts []string
	for _, f := range n.Trace.Inputs {
		if f.Name == "评价等级" {
			parts = append(parts, "评价等级："+f.Value)
		}
	}
	for _, d := range n.AllDeductions() {
		item := ""
		if d.Item != "" {
			item = d.Item + "，"
		}
		parts = append(parts, fmt.Sprintf("%s扣%s分：%s", item, b.n.score(d.Points), strings.TrimRight(d.Text(), "。；")))
	}
	if n.Score == n.Points && len(parts) == 0 {
		parts = append(parts, "符合评分标准")
	}
	return strings.Join(parts, "；")
}
