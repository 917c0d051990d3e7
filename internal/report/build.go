package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// Input is what a department report is built from.
type Input struct {
	Evaluation *evaluation.Evaluation
	Result     *scoring.Result
	// Framework is the department framework the result was scored with
	// (after any weights), for indicator definitions.
	Framework *framework.Framework
	// Cycle are the records a store keeps beside the year (nil for a
	// plain data file): the rectification items of the year before give
	// the section 上年问题整改情况.
	Cycle *evaluation.Cycle
	// Review is the finance bureau's review of the result (assess.Review),
	// nil without one: where a review score counts, the tables show the
	// score after review beside the self-score (复核得分) and the text
	// states the totals and grades after review; the self-scores stay.
	Review *assess.Review
}

// Build writes the department's self-evaluation report (部门整体支出绩效自评
// 报告) in the outline finance bureaus expect, followed by the department
// self-evaluation table and one table per project. Every figure is computed
// here from the data.
func Build(in Input) *Document {
	b := &builder{ev: in.Evaluation, res: in.Result, fw: in.Framework, cycle: in.Cycle, n: newNumbers(in.Evaluation, in.Result), review: in.Review}
	ev := b.ev
	d := &Document{
		Label:  ev.Report.Label,
		Title:  fmt.Sprintf("%s%d年度部门整体支出绩效自评报告", ev.Department.Name, ev.Year),
		Author: ev.Department.Name,
		Date:   signatureDate(ev.Report.Date),
	}
	b.basics()
	b.selfEvaluation()
	b.problems()
	if d.Author != "" || d.Date != "" {
		b.blocks = append(b.blocks, &Signature{Author: d.Author, Date: d.Date})
	}
	d.Blocks = b.blocks
	d.Blocks = append(d.Blocks, &PageBreak{})
	d.Blocks = append(d.Blocks, DepartmentTable(in))
	for i := range in.Result.Projects {
		d.Blocks = append(d.Blocks, &PageBreak{}, ProjectTable(in, i))
	}
	return d
}

// signatureDate writes the signature date as official documents do
// (2024年3月15日) when it is given as an ISO date; any other text is kept.
func signatureDate(s string) string {
	if d, err := civil.ParseDate(strings.TrimSpace(s)); err == nil {
		return d.Chinese()
	}
	return s
}

type builder struct {
	ev     *evaluation.Evaluation
	res    *scoring.Result
	fw     *framework.Framework
	cycle  *evaluation.Cycle
	n      numbers
	review *assess.Review
	blocks []Block
}

func (b *builder) h(level int, text string) {
	b.blocks = append(b.blocks, &Heading{Level: level, Text: text})
}

func (b *builder) p(parts ...string) {
	text := strings.Join(parts, "")
	if strings.TrimSpace(text) == "" {
		return
	}
	b.blocks = append(b.blocks, &Paragraph{Runs: []Run{{Text: text}}})
}

// Chinese ordinals for headings: 一、 and （一）.
var ordinals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五"}

// Ordinal returns the Chinese numeral for n (1-based, up to 15).
func Ordinal(n int) string {
	if n >= 1 && n <= len(ordinals) {
		return ordinals[n-1]
	}
	return fmt.Sprint(n)
}

// sections numbers level-2 headings as they are added, so that optional
// sections never leave a gap in the numbering.
type sections struct {
	b *builder
	n int
}

func (s *sections) next(title string) {
	s.n++
	s.b.h(2, fmt.Sprintf("（%s）%s", Ordinal(s.n), title))
}

func (b *builder) basics() {
	ev := b.ev
	self := ev.SelfName()
	b.h(1, "一、部门基本情况")
	sec := sections{b: b}
	sec.next("部门职能")
	for i, f := range ev.Department.Functions {
		b.p(fmt.Sprintf("%d.", i+1), strings.TrimSpace(f))
	}
	if ev.Department.Organisation != "" || ev.Department.Staffing != nil {
		sec.next("设置机构及人员情况")
		b.p(ev.Department.Organisation)
		if s := ev.Department.Staffing; s != nil {
			b.p(fmt.Sprintf("%s编制 %d 人，%d年末实有人数 %d 人。", self, s.Authorised, ev.Year, s.Actual))
		}
	}
	sec.next("年度总体工作和重点工作任务")
	runs := []Run{}
	if ev.KeyTasks.Intro != "" {
		runs = append(runs, Run{Text: ev.KeyTasks.Intro})
	} else {
		runs = append(runs, Run{Text: fmt.Sprintf("%s%d年工作任务：", self, ev.Year)})
	}
	for _, t := range ev.KeyTasks.Items {
		if t.Lead != "" {
			runs = append(runs, Run{Text: t.Lead, Bold: true})
		}
		runs = append(runs, Run{Text: strings.TrimSpace(t.Text)})
	}
	b.blocks = append(b.blocks, &Paragraph{Runs: runs})

	sec.next("部门整体支出绩效目标")
	b.p(fmt.Sprintf("%s%d年整体支出绩效目标是：", self, ev.Year), strings.TrimSpace(ev.OverallGoal))

	sec.next("部门整体收支情况（以决算数为统计口径）")
	b.p(incomeSentence(ev, b.n))
	b.p(expenditureSentence(ev, b.n))

	sec.next("部门整体绩效管理情况")
	b.p(ev.Narrative.Management)
}

// targetCounts says how many targets each targets-scored part of the
// framework holds, named as the framework names the part:
// "产出指标4个、效益指标3个".
func (b *builder) targetCounts(ts []evaluation.Target) string {
	var parts []string
	b.fw.Walk(func(in *framework.Indicator, _ int) {
		if in.Rule == nil || in.Rule.Kind != framework.KindTargets {
			return
		}
		n := 0
		for _, t := range ts {
			if slices.Contains(in.Rule.Categories, t.Category) {
				n++
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s%d个", in.Name, n))
		}
	})
	return strings.Join(parts, "、")
}

// IncomeSentence states final-account income, each source's share and the
// change on the prior year, with its reasons.
func IncomeSentence(ev *evaluation.Evaluation) string { return incomeSentence(ev, newNumbers(ev, nil)) }

func incomeSentence(ev *evaluation.Evaluation, n numbers) string {
	f := ev.Finance
	total := ev.IncomeTotal()
	var sources []string
	for _, kind := range evaluation.IncomeKindOrder {
		for _, in := range f.Income {
			if in.Kind != kind || in.Amount == 0 {
				continue
			}
			src := fmt.Sprintf("%s%s万元", in.Label(), in.Amount.Wan())
			if sh, ok := n.share(in.Amount, total); ok {
				src += fmt.Sprintf("，占总收入的%s%%", sh)
			}
			sources = append(sources, src)
		}
	}
	change := ""
	if f.PriorIncome > 0 {
		diff := total - f.PriorIncome
		g, _ := n.growth(total, f.PriorIncome)
		switch {
		case diff > 0:
			change = fmt.Sprintf("较上年增加%s万元，增幅%s%%", diff.Wan(), g)
		case diff < 0:
			change = fmt.Sprintf("较上年减少%s万元，降幅%s%%", (-diff).Wan(), g)
		default:
			change = "与上年持平"
		}
		if len(f.IncomeChangeReasons) > 0 && diff != 0 {
			change += "，主要原因是：" + enumerate(f.IncomeChangeReasons)
		}
	}
	var s strings.Builder
	if len(sources) <= 1 {
		// One source: the change follows it, as the reference reads.
		fmt.Fprintf(&s, "%s%d年决算收入%s万元", ev.SelfName(), ev.Year, total.Wan())
		for _, src := range sources {
			s.WriteString("，本年" + src)
		}
		if change != "" {
			s.WriteString("，" + change)
		}
		s.WriteString("。")
		return s.String()
	}
	// Several sources: the change is said of the total, before the
	// sources, so that it cannot be read as the last source's.
	fmt.Fprintf(&s, "%s%d年决算收入合计%s万元", ev.SelfName(), ev.Year, total.Wan())
	if change != "" {
		s.WriteString("，" + change)
	}
	s.WriteString("。其中：")
	s.WriteString(strings.Join(sources, "；"))
	s.WriteString("。")
	return s.String()
}

// ExpenditureSentence states final-account spending, basic and project
// shares, and the execution rate.
func ExpenditureSentence(ev *evaluation.Evaluation) string {
	return expenditureSentence(ev, newNumbers(ev, nil))
}

func expenditureSentence(ev *evaluation.Evaluation, n numbers) string {
	e := ev.Finance.Expenditure
	total := e.Total()
	var s strings.Builder
	fmt.Fprintf(&s, "%s%d年决算支出%s万元", ev.SelfName(), ev.Year, total.Wan())
	if total > 0 {
		bs, _ := n.share(e.Basic, total)
		ps, _ := n.share(e.Project, total)
		fmt.Fprintf(&s, "，其中：基本支出%s万元，占总支出的%s%%，项目支出%s万元，占总支出的%s%%", e.Basic.Wan(), bs, e.Project.Wan(), ps)
	}
	if r, ok := ExecutionRate(ev); ok {
		fmt.Fprintf(&s, "，年度整体预算执行率%s%%", r)
	}
	s.WriteString("。")
	return s.String()
}

// ExecutionRate is expenditure over the adjusted budget, as a report prints
// it ("100", "96.35"), with the report's share decimals.
func ExecutionRate(ev *evaluation.Evaluation) (string, bool) {
	return newNumbers(ev, nil).share(ev.Finance.Expenditure.Total(), ev.Finance.Budget.Adjusted)
}

// enumerate joins items as "一是…；二是…。" without the final stop.
func enumerate(items []string) string {
	if len(items) == 1 {
		return strings.TrimRight(strings.TrimSpace(items[0]), "。；;")
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = Ordinal(i+1) + "是" + strings.TrimRight(strings.TrimSpace(it), "。；;")
	}
	return strings.Join(parts, "；")
}

func (b *builder) selfEvaluation() {
	ev, res := b.ev, b.res
	self := ev.SelfName()
	b.h(1, "二、绩效自评情况")
	sec := sections{b: b}
	sec.next("自评结论")
	b.p(strings.TrimSpace(ev.Narrative.Conclusion), fmt.Sprintf("经综合测评，%s%d年度部门整体支出绩效自评%s分，自评等级为“%s”。", self, ev.Year, b.n.score(res.Total), res.Grade))
	b.p(ReviewSentence(b.review, b.n.score))
	for i, top := range res.Indicators {
		sec.next(top.Name + "分析")
		ind := b.fw.Find(top.Code)
		if i == 0 {
			b.dutyAnalysis(top, ind)
		} else {
			b.groupAnalysis(top, ind)
		}
	}
	if b.cycle != nil {
		b.rectification(&sec)
	}
}

// dutyAnalysis is the 履职效能 section: points and score, how targets were
// set, what was achieved, every target that lost points and why, and the
// spending figures.
func (b *builder) dutyAnalysis(top *scoring.Node, ind *framework.Indicator) {
	ev := b.ev
	self := ev.SelfName()
	b.p(fmt.Sprintf("%s指标分值%s分，%s自评得分%s分。", top.Name, b.n.points(top.Points), definitionClause(ind), b.n.score(top.Score)))
	counts := b.targetCounts(ev.Targets)
	b.p(strings.TrimSpace(ev.Narrative.TargetSetting), sentenceIf(counts != "", fmt.Sprintf("%d年共设立整体%s。", ev.Year, counts)))
	b.p(ev.Narrative.Achievements)
	for _, part := range top.Children {
		b.p(b.n.partSentence(part))
	}
	e := ev.Finance.Expenditure
	if r, ok := ExecutionRate(ev); ok {
		b.p(fmt.Sprintf("%d年%s整体支出%s万元，其中项目支出%s万元，预算执行率%s%%。", ev.Year, self, e.Total().Wan(), e.Project.Wan(), r))
	}
	b.p(ev.Narrative.Outlook)
}

// partSentence summarises one part of 履职效能 and names each target or
// figure that lost points.
func (f numbers) partSentence(n *scoring.Node) string {
	if n.NotApplicable != "" {
		return fmt.Sprintf("%s不适用（%s），其分值已按规则分配至其他指标。", n.Name, n.NotApplicable)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s分值%s分，得分%s分", n.Name, f.points(n.Points), f.score(n.Score))
	if n.Target == nil && len(n.Children) > 0 {
		met := 0
		for _, c := range n.Children {
			if c.Met {
				met++
			}
		}
		if met == len(n.Children) {
			fmt.Fprintf(&s, "，%d个指标全部达成", met)
		} else {
			fmt.Fprintf(&s, "，%d个指标中%d个达成", len(n.Children), met)
		}
	}
	var lost []string
	for _, c := range n.Children {
		if c.Score >= c.Points || c.Target == nil {
			continue
		}
		t := c.Target
		if t.Direction == framework.Qualitative {
			lost = append(lost, fmt.Sprintf("“%s”目标为%s，实际%s，评为%s，扣%s分，%s", t.Name, t.Target, t.Actual, framework.LevelNames[t.Level], f.score(c.Lost()), reasons(c.AllDeductions())))
			continue
		}
		lost = append(lost, fmt.Sprintf("“%s”目标值%s%s，实际完成%s%s，扣%s分，%s", t.Name, directionWord(t.Direction), t.Target+t.Unit, t.Actual, t.Unit, f.score(c.Lost()), reasons(c.AllDeductions())))
	}
	var own []string
	for _, d := range n.Trace.Deductions {
		own = append(own, fmt.Sprintf("%s，扣%s分", strings.TrimRight(d.Text(), "。；"), f.score(d.Points)))
	}
	if len(own) > 0 {
		s.WriteString("，")
		s.WriteString(strings.Join(own, "；"))
	}
	if len(lost) > 0 {
		s.WriteString("。其中")
		s.WriteString(strings.Join(lost, "；"))
	}
	s.WriteString("。")
	return s.String()
}

// TargetText is an indicator's target as the tables print it ("≥150件"),
// stating an approved 目标调整: "≥150件（经第2号目标调整，原为≥180件）",
// or "（经第2号目标调整新增）" for an indicator an adjustment added.
func TargetText(t *evaluation.Target) string {
	s := directionWord(t.Direction) + t.Target + t.Unit
	a := t.Adjusted
	switch {
	case a == nil:
		return s
	case a.From == nil:
		return fmt.Sprintf("%s（经第%d号目标调整新增）", s, a.Number)
	}
	return fmt.Sprintf("%s（经第%d号目标调整，原为%s）", s, a.Number, directionWord(a.From.Direction)+a.From.Target+a.From.Unit)
}

func directionWord(dir string) string {
	switch dir {
	case framework.AtLeast:
		return "≥"
	case framework.AtMost:
		return "≤"
	}
	return ""
}

// reasons joins deduction reasons: "原因是…".
func reasons(ds []scoring.Deduction) string {
	var rs []string
	seen := map[string]bool{}
	for _, d := range ds {
		r := strings.TrimRight(strings.TrimSpace(d.Text()), "。；;")
		if r != "" && !seen[r] {
			rs = append(rs, r)
			seen[r] = true
		}
	}
	if len(rs) == 0 {
		return "未说明原因"
	}
	return "原因是" + strings.Join(rs, "；")
}

func definitionClause(ind *framework.Indicator) string {
	if ind == nil || ind.Definition == "" {
		return ""
	}
	return strings.TrimRight(ind.Definition, "。") + "，"
}

func sentenceIf(ok bool, s string) string {
	if ok {
		return s
	}
	return ""
}

// groupAnalysis is the 管理效率 section: one numbered paragraph per item,
// saying what it measures, its points, what was done, the score and why
// points were lost.
func (b *builder) groupAnalysis(top *scoring.Node, ind *framework.Indicator) {
	names := make([]string, len(top.Children))
	for i, c := range top.Children {
		names[i] = c.Name
	}
	b.p(fmt.Sprintf("%s指标分值%s分，%s包含%s等方面，自评得分%s分。", top.Name, b.n.points(top.Points), definitionClause(ind), strings.Join(names, "、"), b.n.score(top.Score)))
	for i, c := range top.Children {
		b.h(3, fmt.Sprintf("%d. %s", i+1, c.Name))
		b.p(b.itemParagraph(c))
	}
}

func (b *builder) itemParagraph(n *scoring.Node) string {
	ind := b.fw.Find(n.Code)
	var s strings.Builder
	if ind != nil && ind.Definition != "" {
		fmt.Fprintf(&s, "该指标反映%s，", strings.TrimRight(ind.Definition, "。"))
	}
	if n.NotApplicable != "" {
		fmt.Fprintf(&s, "本年度不适用（%s），其分值%s分按规则分配至其他指标。", n.NotApplicable, b.n.points(n.BasePoints))
		return s.String()
	}
	fmt.Fprintf(&s, "指标分值%s分。", b.n.points(n.Points))
	work := b.work(n)
	if work != "" {
		s.WriteString(strings.TrimRight(work, "。") + "。")
	}
	for _, r := range records(n) {
		s.WriteString(strings.TrimRight(r, "。") + "。")
	}
	if lost := n.AllDeductions(); n.Score < n.Points {
		var rs []string
		for _, d := range lost {
			rs = append(rs, fmt.Sprintf("%s（扣%s分）", strings.TrimRight(d.Text(), "。；"), b.n.score(d.Points)))
		}
		if len(rs) > 0 {
			fmt.Fprintf(&s, "存在的不足：%s，", strings.Join(rs, "；"))
		}
	}
	fmt.Fprintf(&s, "自评得分%s分。", b.n.score(n.Score))
	return s.String()
}

// records gathers what the records kept beside the year showed for an
// item and its sub-items (scoring.Trace.Records): the monitoring reports
// and warnings, the ex-ante evaluations.
func records(n *scoring.Node) []string {
	out := slices.Clone(n.Trace.Records)
	for _, c := range n.Children {
		out = append(out, records(c)...)
	}
	return out
}

// work gathers the officer's account of what was done for an item and its
// sub-items.
func (b *builder) work(n *scoring.Node) string {
	var parts []string
	if in, ok := b.ev.Scores[n.Code]; ok && in.Work != "" {
		parts = append(parts, strings.TrimRight(strings.TrimSpace(in.Work), "。"))
	}
	for _, c := range n.Children {
		if w := b.work(c); w != "" {
			parts = append(parts, strings.TrimRight(w, "。"))
		}
	}
	return strings.Join(parts, "；")
}

func (b *builder) problems() {
	ev := b.ev
	b.h(1, "三、存在的主要问题")
	problems := ev.Problems
	if len(problems) == 0 {
		problems = b.lostPoints()
	}
	b.list(ev.Narrative.ProblemsIntro, problems)
	b.h(1, "四、下一步改进措施")
	b.list(ev.Narrative.MeasuresIntro, ev.Measures)
}

// lostPoints states, for a data file that lists no problems, each level-2
// indicator that lost points and why, from the score traces.
func (b *builder) lostPoints() []string {
	var out []string
	for _, top := range b.res.Indicators {
		for _, n := range top.Children {
			if n.Score >= n.Points || n.NotApplicable != "" {
				continue
			}
			out = append(out, fmt.Sprintf("%s扣%s分，%s。", n.Name, b.n.score(n.Lost()), reasons(n.AllDeductions())))
		}
	}
	return out
}

func (b *builder) list(intro string, items []string) {
	b.p(intro)
	for i, it := range items {
		b.p(fmt.Sprintf("（%s）", Ordinal(i+1)), strings.TrimSpace(it))
	}
}

// pointsCell is a right-aligned numeric cell showing the points an
// indicator is worth.
func (n numbers) pointsCell(p num.Points) Cell {
	v := quotient(int64(p), 100)
	return Cell{Text: n.points(p), Number: &v, Format: pointsFormat(p.Whole()), Align: AlignRight}
}

// scoreCell is a right-aligned numeric cell showing a score.
func (n numbers) scoreCell(p num.Points) Cell {
	v := quotient(int64(p), 100)
	return Cell{Text: n.score(p), Number: &v, Format: pointsFormat(!n.fixed && p.Whole()), Align: AlignRight}
}

func pointsFormat(whole bool) string {
	if whole {
		return "0"
	}
	return "0.00"
}

// ReviewSentence states the finance bureau's review in the report's text:
// the department's total and grade after review, and each project whose
// score the review changed; empty when no review score counts. score
// prints a score as the text does.
func ReviewSentence(r *assess.Review, score func(num.Points) string) string {
	if r == nil {
		return ""
	}
	var parts []string
	if r.Counted > 0 {
		parts = append(parts, fmt.Sprintf("经财政部门复核，调整%d项指标得分，部门整体复核后总分%s分，等级为“%s”", r.Counted, score(r.Total), r.Grade))
	}
	for _, p := range r.Projects {
		if p.Counted > 0 {
			parts = append(parts, fmt.Sprintf("项目“%s”自评%s分，复核后总分%s分，等级为“%s”", p.Name, score(p.SelfTotal), score(p.ReviewTotal), p.Grade))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	if r.Counted == 0 {
		parts[0] = "经财政部门复核，" + parts[0]
	}
	return strings.Join(parts, "；") + "。"
}
