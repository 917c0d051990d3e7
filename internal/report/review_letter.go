package report

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/scoring"
)

// ReviewLetterInput is what the review opinion letter (复核意见书) of a
// department-year is built from.
type ReviewLetterInput struct {
	Evaluation *evaluation.Evaluation
	Result     *scoring.Result
	// Review is the result after review (assess.Assessment.Review, with
	// its lines and Projects); nil is a review that changed nothing.
	Review *assess.Review
	// Comments are the reviewer's comments (problems found), in order,
	// each already labelled with the indicator it is on.
	Comments []string
	// Accepted is the day the review was accepted (复核通过, from
	// history); zero when it has not been yet.
	Accepted civil.Date
	// Rules and Calendar compute the deadlines (cycle.ResultsFeedback,
	// cycle.MeasuresFiled) from Accepted.
	Rules    *cycle.Rules
	Calendar cycle.Calendar
	// Issuer is who signs: the finance bureau's name; empty is 财政部门.
	Issuer string
	// Items are the rectification items issued for the year (整改事项),
	// listed with their measures deadlines; none: the letter asks for
	// measures in general terms.
	Items []rectify.Item
}

// unknownDue is said of a due date in a year the calendar does not know
// yet (docs/cycle.md §6): never guessed.
const unknownDue = "待国务院节假日安排公布后确定"

// BuildReviewLetter writes the review opinion letter (复核意见书) of a
// department-year: addressed to the department, the year's self-score and
// grade beside the score and grade after review (the department's and
// each project's), a table of every review score that changed an item
// (item, self-score, review score, reason), the review comments, and the
// rectification required with the deadline for filing the measures,
// computed with the cycle rules on the working-day calendar from the day
// the review was accepted (the letter is the results feedback of that
// day). Before acceptance the letter says the deadline runs from it.
func BuildReviewLetter(in ReviewLetterInput) *Document {
	ev, res := in.Evaluation, in.Result
	r := in.Review
	if r == nil {
		r = assess.AfterReview(res, nil, nil, nil)
	}
	n := newNumbers(ev, res)
	issuer := strings.TrimSpace(in.Issuer)
	if issuer == "" {
		issuer = "财政部门"
	}
	d := &Document{
		Title:  fmt.Sprintf("%s%d年度部门整体支出绩效自评复核意见书", ev.Department.Name, ev.Year),
		Author: issuer,
	}
	if !in.Accepted.IsZero() {
		d.Date = in.Accepted.Chinese()
	}
	b := &builder{ev: ev, res: res, n: n}
	b.blocks = append(b.blocks, &Paragraph{NoIndent: true, Runs: []Run{{Text: ev.Department.Name + "："}}})
	b.p(fmt.Sprintf("根据预算绩效管理有关规定，%s对你单位报送的%d年度部门整体支出绩效自评结果（含项目支出绩效自评）进行了复核。现将复核意见反馈如下。", issuer, ev.Year))

	b.h(1, "一、复核结果")
	b.p(fmt.Sprintf("你单位%d年度部门整体支出绩效自评%s分，自评等级为“%s”；经复核，复核后得分%s分，复核等级为“%s”。", ev.Year, n.score(res.Total), res.Grade, n.score(r.Total), r.Grade))
	changed := 0
	for _, p := range r.Projects {
		if p.Counted > 0 {
			changed++
		}
	}
	if len(r.Projects) > 0 {
		b.p(fmt.Sprintf("项目支出绩效自评%d个项目，复核调整得分的%d个。各项目自评和复核结果见下表。", len(r.Projects), changed))
		b.blocks = append(b.blocks, resultsTable(n, res, r))
	}

	b.h(1, "二、复核调整的指标")
	if len(r.Lines) == 0 {
		b.p("复核未调整自评得分。")
	} else {
		b.p(fmt.Sprintf("复核调整了%d项指标（检查项）的得分，调整情况及理由如下。", len(r.Lines)))
		b.blocks = append(b.blocks, changesTable(n, r.Lines))
	}

	b.h(1, "三、复核发现的问题")
	if len(in.Comments) == 0 {
		b.p("复核未提出其他意见。")
	}
	for i, c := range in.Comments {
		b.p(fmt.Sprintf("%d. %s", i+1, strings.TrimSpace(c)))
	}

	b.h(1, "四、整改要求")
	b.p("请你单位针对复核调整的指标和发现的问题，逐项分析原因，制定整改措施，明确责任单位、责任人和完成时限，并将评价结果运用到以后年度的预算编制和预算管理中。")
	b.p(measuresSentence(in, issuer))
	if len(in.Items) > 0 {
		b.p(fmt.Sprintf("已下达整改事项%d项，请逐项在整改措施报送期限内报送整改措施，完成后提交佐证材料申请销号。", len(in.Items)))
		b.blocks = append(b.blocks, itemsTable(in.Items))
	}
	b.blocks = append(b.blocks, &Signature{Author: d.Author, Date: d.Date})
	d.Blocks = b.blocks
	return d
}

// measuresSentence states the deadline for filing the measures, or why
// it is not known yet.
func measuresSentence(in ReviewLetterInput, issuer string) string {
	if in.Accepted.IsZero() {
		return "本年度复核尚未通过：整改措施报送期限自复核通过之日起计算，复核通过后确定。"
	}
	if in.Rules == nil {
		return "整改措施报送期限按本地规定执行。"
	}
	rule, ok := in.Rules.Deadlines[cycle.MeasuresFiled]
	if !ok {
		return "整改措施报送期限按本地规定执行。"
	}
	basis := fmt.Sprintf("（%s期限：自复核通过之日%s起%s", rule.Name, in.Accepted.Chinese(), rule.Describe())
	if rule.Default {
		basis += "，为未见本地规定时的默认期限"
	}
	basis += "）"
	// Any error computing the date (a year the calendar does not know:
	// calendar.ErrUnknownYear) leaves it unknown, never guessed.
	when := "在期限内（" + unknownDue + "）"
	if due, err := in.Rules.Due(cycle.MeasuresFiled, in.Accepted, in.Calendar); err == nil {
		when = due.Chinese() + "前"
	}
	out := fmt.Sprintf("请于%s将整改措施报送%s%s。", when, issuer, basis)
	if fb, ok := in.Rules.Deadlines[cycle.ResultsFeedback]; ok {
		out += fmt.Sprintf("本意见书于复核通过之日出具，作为评价结果反馈和整改要求（%s期限为复核通过后%s内）。", fb.Name, fb.Describe())
	}
	return out
}

// resultsTable lists the department and each project with its self-score
// and grade and its score and grade after review.
func resultsTable(n numbers, res *scoring.Result, r *assess.Review) *Table {
	t := &Table{
		Title:   "复核结果",
		Sheet:   "复核结果",
		Columns: []Column{{Width: 6}, {Width: 34}, {Width: 10}, {Width: 10}, {Width: 10}, {Width: 10}},
	}
	t.Rows = append(t.Rows, head("序号", "评价对象", "自评得分", "自评等级", "复核得分", "复核等级"))
	center := func(s string) Cell { return Cell{Text: s, Align: AlignCenter} }
	// One way of printing for the whole table: two decimals when any
	// tree has a fractional score.
	for i := range res.Projects {
		n.fixed = n.fixed || n.forProject(&res.Projects[i]).fixed
	}
	t.Rows = append(t.Rows, Row{Cells: []Cell{center("1"), text("部门整体支出", 1), n.scoreCell(res.Total), center(res.Grade), n.scoreCell(r.Total), center(r.Grade)}})
	for i, p := range r.Projects {
		t.Rows = append(t.Rows, Row{Cells: []Cell{center(fmt.Sprint(i + 2)), text("项目："+p.Name, 1), n.scoreCell(p.SelfTotal), center(p.SelfGrade), n.scoreCell(p.ReviewTotal), center(p.Grade)}})
	}
	return t
}

// itemsTable lists the rectification items issued for the year.
func itemsTable(items []rectify.Item) *Table {
	t := &Table{
		Title:   "整改事项",
		Sheet:   "整改事项",
		Columns: []Column{{Width: 7}, {Width: 34}, {Width: 20}, {Width: 14}, {Width: 12}},
	}
	t.Rows = append(t.Rows, head("编号", "问题", "问题来源", "整改措施报送期限", "状态"))
	for _, it := range items {
		var src []string
		for _, l := range it.Links {
			src = append(src, l.Describe())
		}
		from := strings.Join(src, "；")
		if from == "" {
			from = "复核意见"
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: fmt.Sprintf("%d-%d", it.Year, it.Number), Align: AlignCenter}, text(it.Problem, 1),
			text(from, 1), text(it.MeasuresDue.Text(), 1), {Text: it.StatusName(), Align: AlignCenter}}})
	}
	return t
}

// changesTable lists each review score that changed an item.
func changesTable(n numbers, lines []assess.Line) *Table {
	t := &Table{
		Title:   "复核调整的指标",
		Sheet:   "复核调整",
		Columns: []Column{{Width: 5}, {Width: 14}, {Width: 22}, {Width: 7}, {Width: 8}, {Width: 8}, {Width: 26}},
	}
	t.Rows = append(t.Rows, head("序号", "评价对象", "指标（检查项）", "分值", "自评得分", "复核得分", "调整理由"))
	for i, l := range lines {
		scope := "部门整体"
		if l.Project != "" {
			scope = "项目：" + l.Project
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{{Text: fmt.Sprint(i + 1), Align: AlignCenter}, text(scope, 1), text(l.Code+" "+l.Name, 1),
			n.pointsCell(l.Points), n.scoreCell(l.Self), n.scoreCell(l.Review), text(l.Reason, 1)}})
	}
	return t
}
