package report

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/evaluation"
)

// rectification writes 上年问题整改情况: the rectification items issued
// for the year before (evaluation.Rectification.Previous), counted by
// status in a sentence, then one row each — problem, measure, status and
// dates — as the store read them. Nothing when the year before had none.
func (b *builder) rectification(sec *sections) {
	items := b.cycle.Rectification.Previous()
	if len(items) == 0 {
		return
	}
	r := b.cycle.Rectification
	sec.next("上年问题整改情况")
	b.p(RectificationSentence(r))
	b.blocks = append(b.blocks, RectificationTable(r))
}

// RectificationSentence counts the year before's items by status:
// "针对2023年度绩效评价发现的2个问题，财政部门下达整改事项2项，截至2024年6月30日，已销号1项，整改中1项。"
func RectificationSentence(r *evaluation.Rectification) string {
	items := r.Previous()
	order := []string{}
	count := map[string]int{}
	overdue := 0
	for _, it := range items {
		if count[it.StatusName] == 0 {
			order = append(order, it.StatusName)
		}
		count[it.StatusName]++
		if it.Overdue {
			overdue++
		}
	}
	parts := make([]string, len(order))
	for i, s := range order {
		parts[i] = fmt.Sprintf("%s%d项", s, count[s])
	}
	s := fmt.Sprintf("针对%d年度绩效评价发现的问题，财政部门下达整改事项%d项，截至%s，%s", r.Year, len(items), r.AsOf.Chinese(), strings.Join(parts, "，"))
	if overdue > 0 {
		s += fmt.Sprintf("，其中逾期未整改到位%d项", overdue)
	}
	return s + "。"
}

// RectificationTable lists the year before's items: 序号, 存在的问题,
// 整改措施, 整改状态, 下达日期, 整改完成期限.
func RectificationTable(r *evaluation.Rectification) *Table {
	t := &Table{
		Title:   fmt.Sprintf("%d年度问题整改情况表", r.Year),
		Sheet:   "上年问题整改情况",
		Columns: []Column{{Width: 4}, {Width: 24}, {Width: 24}, {Width: 16}, {Width: 14}, {Width: 14}},
		Rows:    []Row{head("序号", "存在的问题", "整改措施", "整改状态", "下达日期", "整改完成期限")},
	}
	for _, it := range r.Previous() {
		measure := strings.TrimSpace(it.Measure)
		if measure == "" {
			measure = "尚未报送"
		}
		t.Rows = append(t.Rows, Row{Cells: []Cell{
			{Text: fmt.Sprint(it.Number), Align: AlignCenter}, text(strings.TrimSpace(it.Problem), 1), text(measure, 1),
			text(it.State(), 1), {Text: it.IssuedOn.Chinese(), Align: AlignCenter}, {Text: orDash(it.CompleteDue), Align: AlignCenter},
		}})
	}
	if len(r.Previous()) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("整改状态截至%s；逾期指未销号且已过整改措施报送或整改完成期限。", r.AsOf.Chinese()))
	}
	return t
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
