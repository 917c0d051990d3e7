package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// BulletinInput is what the finance bureau's results bulletin
// (绩效评价结果通报) of a year is written from: each department-year's
// figures as the store keeps them, and the rectification deadline rule.
// The bulletin adds no prose of its own: every sentence is made from
// these figures.
type BulletinInput struct {
	Year int
	// Issuer and Date sign the bulletin; either may be empty.
	Issuer, Date string
	Departments  []BulletinDepartment
	// Measures is the deadline for the units' rectification measures
	// (cycle.MeasuresFiled of the cycle rules).
	Measures BulletinDeadline
	// Rectification counts the rectification items issued from the
	// year's evaluations (整改事项) by status, and those overdue on the
	// day the bulletin is made; nil: not counted (no store).
	Rectification *BulletinRectification
	// Results sums up the results-application suggestions (结果应用) of
	// the year's department-years the finance bureau has accepted; nil:
	// not summed (no store).
	Results *BulletinResults
}

// BulletinResults sums up a year's results-application suggestions.
type BulletinResults struct {
	// Rules names the results rules file: 《…》（id，version版）.
	Rules string
	// Years counts the department-years with results (accepted or
	// published).
	Years int
	// Departments and Projects count the rows of each scope by the
	// suggestion's name ("核减10%"), most frequent first.
	Departments, Projects []BulletinCount
	// Unsuggested counts the rows with no suggestion (no grade yet).
	Unsuggested int
	// Base and Suggested sum the rows with a suggestion: this year's
	// initial budget and the figure the suggestions imply for next year.
	Base, Suggested money.Fen
	// Decided counts the rows the finance bureau has decided, of Rows.
	Decided, Rows int
}

// BulletinRectification counts a year's rectification items.
type BulletinRectification struct {
	// ByStatus counts the items in each status (rectify.Statuses, names
	// in Chinese), in the order given.
	ByStatus []BulletinCount
	Total    int
	Overdue  int
}

// BulletinCount is one count with its name.
type BulletinCount struct {
	Name string
	N    int
}

// BulletinDepartment is one department-year of the bulletin.
type BulletinDepartment struct {
	Code, Name string
	Status     string // in Chinese
	Self       num.Points
	SelfGrade  string
	// Reviewed says the finance bureau's review is over or has scores:
	// Review and ReviewGrade are then the result after review.
	Reviewed    bool
	Review      num.Points
	ReviewGrade string
	// Problems counts the problems the department's report lists;
	// Comments the finance bureau's review comments on the year.
	Problems, Comments int
	// Lost lists the department's indicators that lost points; nil when
	// the year could not be scored again (Unscored says why).
	Lost     []LostIndicator
	Unscored string
}

// LostIndicator is one scored indicator that lost points.
type LostIndicator struct {
	// Group is the first-level indicator it belongs to (决策, 过程, …).
	Group, Name string
	Lost        num.Points
}

// BulletinDeadline is a deadline rule as the bulletin cites it.
type BulletinDeadline struct {
	// Rules names the rules file the deadline is read from:
	// 《预算绩效管理周期规则（默认）》（cycle-default，2026.12版）.
	Rules    string
	Name     string // 整改措施报送
	Describe string // 30日（末日为法定休假日的顺延）
	Source   string
	Default  bool
}

// Grade is the department's grade as the bulletin counts it: after
// review where the review is over, else the self-evaluation's.
func (d BulletinDepartment) Grade() string {
	if d.Reviewed && d.ReviewGrade != "" {
		return d.ReviewGrade
	}
	return d.SelfGrade
}

// Total is the score the bulletin ranks by (after review where kept).
func (d BulletinDepartment) Total() num.Points {
	if d.Reviewed {
		return d.Review
	}
	return d.Self
}

// gradeOrder is the order of the Ministry of Finance's grades; other
// grade names (a framework's own bands) follow in the order met.
var gradeOrder = []string{"优", "良", "中", "差"}

// BulletinMaxLost is how many indicators the problems section lists.
const BulletinMaxLost = 10

// Ranked returns the departments best first: by the total after review
// where kept, then by department code.
func (in *BulletinInput) Ranked() []BulletinDepartment {
	ds := slices.Clone(in.Departments)
	slices.SortStableFunc(ds, func(a, b BulletinDepartment) int {
		if c := compare(b.Total(), a.Total()); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return ds
}

// GradeCount is how many departments have one grade.
type GradeCount struct {
	Grade string
	Count int
}

// GradeCounts counts the departments by grade (after review where
// kept), in the order 优, 良, 中, 差, then any other grade; the counts
// add up to the number of departments.
func (in *BulletinInput) GradeCounts() []GradeCount {
	m := map[string]int{}
	var others []string
	for _, d := range in.Departments {
		g := d.Grade()
		if g == "" {
			g = "无等级"
		}
		if m[g] == 0 && !slices.Contains(gradeOrder, g) {
			others = append(others, g)
		}
		m[g]++
	}
	var out []GradeCount
	for _, g := range append(slices.Clone(gradeOrder), others...) {
		out = append(out, GradeCount{g, m[g]})
	}
	return out
}

// LostSummary is one indicator as the problems section lists it.
type LostSummary struct {
	Group, Name string
	Departments int
	Lost        num.Points
}

// LostSummaries aggregates the indicators that lost points over every
// department: how many departments lost points on each and how many
// points in all, most departments first.
func (in *BulletinInput) LostSummaries() []LostSummary {
	type key struct{ group, name string }
	m := map[key]*LostSummary{}
	var order []key
	for _, d := range in.Departments {
		for _, l := range d.Lost {
			k := key{l.Group, l.Name}
			s, ok := m[k]
			if !ok {
				s = &LostSummary{Group: l.Group, Name: l.Name}
				m[k] = s
				order = append(order, k)
			}
			s.Departments++
			s.Lost += l.Lost
		}
	}
	out := make([]LostSummary, len(order))
	for i, k := range order {
		out[i] = *m[k]
	}
	slices.SortStableFunc(out, func(a, b LostSummary) int {
		if c := compare(b.Departments, a.Departments); c != 0 {
			return c
		}
		if c := compare(b.Lost, a.Lost); c != 0 {
			return c
		}
		return strings.Compare(a.Group+a.Name, b.Group+b.Name)
	})
	return out
}

// BuildBulletin writes the results bulletin of a year: 一、总体情况 (how
// many departments, how many reviewed, counts by grade, the highest,
// lowest and mean score), 二、评价结果 (the ranked table), 三、发现的主要问题
// (the indicators that lost points most often, the problems the reports
// list and the review comments, as counts) and 四、整改要求 (who must
// file rectification measures and by which deadline rule).
func BuildBulletin(in *BulletinInput) *Document {
	d := &Document{
		Title:  fmt.Sprintf("关于%d年度部门整体支出绩效评价结果的通报", in.Year),
		Author: in.Issuer,
		Date:   in.Date,
	}
	var bs []Block
	p := func(s string) { bs = append(bs, &Paragraph{Runs: []Run{{Text: s}}}) }
	h := func(s string) { bs = append(bs, &Heading{Level: 1, Text: s}) }
	n := len(in.Departments)
	ranked := in.Ranked()
	reviewed := 0
	for _, x := range in.Departments {
		if x.Reviewed {
			reviewed++
		}
	}

	h("一、总体情况")
	if n == 0 {
		p(fmt.Sprintf("%d年度没有开展部门整体支出绩效自评的部门。", in.Year))
		d.Blocks = bs
		return d
	}
	p(fmt.Sprintf("%d年度共有%d个部门开展部门整体支出绩效自评，其中%d个已完成财政复核、%d个尚未完成复核。评价等级以复核后等级为准，尚未完成复核的按自评等级统计。",
		in.Year, n, reviewed, n-reviewed))
	var parts []string
	for _, g := range in.GradeCounts() {
		if g.Count == 0 && !slices.Contains(gradeOrder, g.Grade) {
			continue
		}
		parts = append(parts, fmt.Sprintf("“%s”%d个（占%s）", g.Grade, g.Count, percent(g.Count, n)))
	}
	p("评价等级为" + strings.Join(parts, "，") + "。")
	var sum num.Points
	for _, x := range in.Departments {
		sum += x.Total()
	}
	best, worst := ranked[0], ranked[n-1]
	p(fmt.Sprintf("平均得分%s分；最高%s分（%s），最低%s分（%s）。",
		mean(sum, n).Fixed(), best.Total().Fixed(), best.Name, worst.Total().Fixed(), worst.Name))

	h("二、评价结果")
	p(fmt.Sprintf("各部门评价结果按得分（复核后得分，未复核的按自评得分）从高到低排列如下表（共%d个部门）。", n))
	t := &Table{Title: fmt.Sprintf("%d年度部门整体支出绩效评价结果", in.Year), Sheet: "评价结果",
		Columns: []Column{{Width: 7}, {Width: 14}, {Width: 30}, {Width: 12}, {Width: 10}, {Width: 12}, {Width: 12}, {Width: 11}}}
	head := func(s string) Cell { return Cell{Text: s, Align: AlignCenter, Bold: true} }
	t.Rows = append(t.Rows, Row{Header: true, Cells: []Cell{head("排名"), head("部门编码"), head("部门名称"), head("自评得分"),
		head("自评等级"), head("复核得分"), head("复核后等级"), head("状态")}})
	rank := 0
	for i, x := range ranked {
		if i == 0 || x.Total() != ranked[i-1].Total() {
			rank = i + 1 // equal scores share a rank
		}
		review, grade := "未复核", ""
		if x.Reviewed {
			review, grade = x.Review.Fixed(), x.ReviewGrade
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{
			{Text: fmt.Sprint(rank), Align: AlignCenter}, {Text: x.Code, Align: AlignCenter}, {Text: x.Name},
			{Text: x.Self.Fixed(), Align: AlignRight}, {Text: x.SelfGrade, Align: AlignCenter},
			{Text: review, Align: AlignRight}, {Text: grade, Align: AlignCenter}, {Text: x.Status, Align: AlignCenter},
		}})
	}
	bs = append(bs, t)

	h("三、发现的主要问题")
	lost := in.LostSummaries()
	losing, unscored := 0, 0
	for _, x := range in.Departments {
		if len(x.Lost) > 0 {
			losing++
		}
		if x.Unscored != "" {
			unscored++
		}
	}
	if len(lost) == 0 {
		p(fmt.Sprintf("%d个部门的部门整体绩效指标均未失分。", n-unscored))
	} else {
		shown := min(len(lost), BulletinMaxLost)
		p(fmt.Sprintf("%d个部门中有%d个部门的部门整体绩效指标失分，涉及%d项指标。失分部门数最多的%d项指标如下表。",
			n-unscored, losing, len(lost), shown))
		lt := &Table{Title: "失分较多的指标", Sheet: "失分指标", Columns: []Column{{Width: 6}, {Width: 14}, {Width: 36}, {Width: 14}, {Width: 14}}}
		lt.Rows = append(lt.Rows, Row{Header: true, Cells: []Cell{head("序号"), head("一级指标"), head("指标"), head("失分部门数"), head("合计失分")}})
		for i, l := range lost[:shown] {
			lt.Rows = append(lt.Rows, Row{Cells: []Cell{{Text: fmt.Sprint(i + 1), Align: AlignCenter}, {Text: l.Group, Align: AlignCenter},
				{Text: l.Name}, {Text: fmt.Sprint(l.Departments), Align: AlignRight}, {Text: l.Lost.Fixed(), Align: AlignRight}}})
		}
		bs = append(bs, lt)
	}
	if unscored > 0 {
		p(fmt.Sprintf("另有%d个部门的数据无法重新计分，未计入失分统计。", unscored))
	}
	problems, withProblems, comments, withComments := 0, 0, 0, 0
	for _, x := range in.Departments {
		problems += x.Problems
		comments += x.Comments
		if x.Problems > 0 {
			withProblems++
		}
		if x.Comments > 0 {
			withComments++
		}
	}
	p(fmt.Sprintf("各部门自评报告共列出存在的问题%d条（涉及%d个部门）；财政复核提出复核意见%d条（涉及%d个部门）。",
		problems, withProblems, comments, withComments))

	h("四、整改要求")
	weak := 0
	for _, x := range in.Departments {
		if g := x.Grade(); g == "中" || g == "差" {
			weak++
		}
	}
	m := in.Measures
	var s strings.Builder
	fmt.Fprintf(&s, "评价等级为“中”或“差”的%d个部门，以及有指标失分或列出问题的部门，应针对失分指标、所列问题和复核意见逐项整改", weak)
	if m.Describe != "" {
		fmt.Fprintf(&s, "，自收到本通报之日起%s内报送整改措施", m.Describe)
	}
	s.WriteString("。")
	p(s.String())
	if r := in.Rectification; r != nil {
		if r.Total == 0 {
			p(fmt.Sprintf("截至本通报印发，%d年度评价尚未下达整改事项。", in.Year))
		} else {
			var parts []string
			for _, c := range r.ByStatus {
				if c.N > 0 {
					parts = append(parts, fmt.Sprintf("%s%d项", c.Name, c.N))
				}
			}
			line := fmt.Sprintf("截至本通报印发，%d年度评价已下达整改事项%d项，其中%s", in.Year, r.Total, strings.Join(parts, "、"))
			if r.Overdue > 0 {
				line += fmt.Sprintf("；逾期未完成%d项，相关部门应立即整改", r.Overdue)
			}
			p(line + "。")
		}
	}
	if m.Describe != "" {
		line := "期限依据："
		if m.Rules != "" {
			line += m.Rules
		}
		line += fmt.Sprintf("“%s”期限，%s", m.Name, m.Describe)
		// A source that refers to the rule before it ("同上…") is not
		// quoted out of its file.
		if src := strings.TrimRight(strings.TrimSpace(m.Source), "。"); src != "" && !strings.HasPrefix(src, "同上") {
			line += "；来源：" + src
		}
		line += "。"
		if m.Default {
			line += "该期限为默认设置，可按本地规定在周期规则文件中修改。"
		}
		p(line)
	}
	if r := in.Results; r != nil {
		h("五、结果应用")
		if r.Years == 0 {
			p(fmt.Sprintf("截至本通报印发，%d年度尚无复核通过的部门年度，未形成结果应用建议。", in.Year))
		} else {
			counts := func(cs []BulletinCount) string {
				var parts []string
				for _, c := range cs {
					parts = append(parts, fmt.Sprintf("%s%d个", c.Name, c.N))
				}
				return strings.Join(parts, "、")
			}
			line := fmt.Sprintf("按%s，对复核通过的%d个部门年度提出下年度预算安排建议", r.Rules, r.Years)
			var scopes []string
			if len(r.Departments) > 0 {
				scopes = append(scopes, "部门整体"+counts(r.Departments))
			}
			if len(r.Projects) > 0 {
				scopes = append(scopes, "项目"+counts(r.Projects))
			}
			if len(scopes) > 0 {
				line += "：" + strings.Join(scopes, "；")
			}
			if r.Unsuggested > 0 {
				line += fmt.Sprintf("；另有%d项尚无复核后等级，未提出建议", r.Unsuggested)
			}
			p(line + "。")
			change := r.Suggested - r.Base
			word := "核减"
			if change > 0 {
				word = "增加"
			}
			amounts := fmt.Sprintf("上述建议涉及本年度年初预算%s万元，按建议下年度安排%s万元", r.Base.Wan(), r.Suggested.Wan())
			if change != 0 {
				amounts += fmt.Sprintf("，%s%s万元", word, max(change, -change).Wan())
			}
			p(amounts + fmt.Sprintf("。财政部门已对其中%d项作出决定，其余%d项待定；决定与建议不同的，已逐项说明理由。", r.Decided, r.Rows-r.Decided))
		}
	}
	if d.Author != "" || d.Date != "" {
		bs = append(bs, &Signature{Author: d.Author, Date: d.Date})
	}
	d.Blocks = bs
	return d
}

// mean is sum ÷ n in hundredths, rounded half away from zero.
func mean(sum num.Points, n int) num.Points {
	s, k := int64(sum), int64(n)
	if s < 0 {
		return -num.Points((-s*2 + k) / (2 * k))
	}
	return num.Points((s*2 + k) / (2 * k))
}

// percent is count ÷ total with one decimal, rounded half up: "33.3%".
func percent(count, total int) string {
	if total == 0 {
		return "0.0%"
	}
	tenths := (count*1000 + total/2) / total
	return fmt.Sprintf("%d.%d%%", tenths/10, tenths%10)
}

// compare orders two numbers: -1, 0 or +1.
func compare[T ~int | ~int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
