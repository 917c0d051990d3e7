package scoring

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// WorkingDays is the official working-day calendar that working-day
// deadlines are counted on (calendar.Calendar is one).
type WorkingDays interface {
	AddWorkdays(from civil.Date, n int) (civil.Date, error)
	WorkdaysBetween(a, b civil.Date) (int, error)
}

// Options tune scoring.
type Options struct {
	// Calendar counts working days for register checks; without one, a
	// working-day check is reported as an error.
	Calendar WorkingDays
	// Cycle are the records kept beside a stored year; checklist items
	// with an exante check are decided from them, and stay as typed when
	// Cycle is nil.
	Cycle *evaluation.Cycle
}

// finding is one record that breaks a check, in words, with the record's
// identifier as evidence. Findings of one kind share a group, so that a
// report can say "2 份合同备案超出 7 个工作日期限，最长超出 5 个工作日" where
// the trace lists each: noun counts the records ("份合同"), group says
// what is wrong with them, and over, in overUnit, how far the worst one
// missed a deadline (0: not a deadline).
type finding struct {
	text     string
	evidence string
	noun     string
	group    string
	over     int
	overUnit string
}

// decides reports whether the checklist item with check c is decided
// from records: a register check when the evaluation has registers, an
// exante check when the scorer has the year's cycle records.
func (s *scorer) decides(c *framework.Check) bool {
	switch {
	case c == nil:
		return false
	case c.Kind == framework.CheckExante:
		return s.cycle != nil
	case c.Kind == framework.CheckMonitoring:
		return s.cycle != nil && s.cycle.Monitoring != nil
	case c.Kind == framework.CheckRectification:
		return s.cycle != nil && len(s.cycle.Rectification.Previous()) > 0
	}
	return s.ev.Registers != nil
}

// recordsName names what a check reads, for a trace.
func recordsName(c *framework.Check) string {
	switch c.Kind {
	case framework.CheckExante:
		return "事前绩效评估记录"
	case framework.CheckMonitoring:
		return "绩效运行监控记录"
	case framework.CheckRectification:
		return "上年度整改事项记录"
	}
	return "台账"
}

// runCheck applies the check c to the records it reads. For the records a
// store keeps beside the year (evaluation.Cycle) it also gives record,
// what they showed in a sentence for the report's account of the item
// (scoring.Trace.Records); "" for register checks, and for an ex-ante
// check with no project to check, so that a stored year reads as its file.
func (s *scorer) runCheck(c *framework.Check) (found []finding, summary, record string, err error) {
	switch c.Kind {
	case framework.CheckExante:
		fs, summary, quoted := exanteCheck(s.cycle, s.ev)
		if quoted {
			record = "经核对" + recordsName(c) + "，" + summary
		}
		return fs, summary, record, nil
	case framework.CheckMonitoring:
		fs, summary := monitoringCheck(s.cycle.Monitoring)
		return fs, summary, "经核对" + recordsName(c) + "，" + summary, nil
	case framework.CheckRectification:
		fs, summary := rectificationCheck(s.cycle.Rectification)
		return fs, summary, "经核对" + recordsName(c) + "，" + summary, nil
	}
	found, summary, err = registerCheck(c, s.ev, s.cal)
	return found, summary, "", err
}

// exanteCheck finds the new projects from the ex-ante threshold without
// a concluded, supported ex-ante evaluation; the summary names every
// project that needed one and its record.
func exanteCheck(c *evaluation.Cycle, ev *evaluation.Evaluation) (_ []finding, summary string, needed bool) {
	needs := c.ExanteNeeds(ev)
	if len(needs) == 0 {
		return nil, fmt.Sprintf("本年度没有%s的项目，无须开展事前绩效评估", c.ExanteRule()), false
	}
	var fs []finding
	var seen []string
	for _, n := range needs {
		rec := "无评估记录"
		if n.Record != nil {
			rec = n.Record.Describe()
		}
		seen = append(seen, fmt.Sprintf("%s（%s）%s", n.Project.Name, n.Project.Code, rec))
		if n.Met() {
			continue
		}
		ev := "项目 " + n.Project.Code
		if n.Record != nil {
			ev = fmt.Sprintf("项目 %s 事前绩效评估 #%d", n.Project.Code, n.Record.ID)
		}
		fs = append(fs, finding{text: n.Problem(), evidence: ev})
	}
	return fs, fmt.Sprintf("%s的项目 %d 个：%s", c.ExanteRule(), len(needs), strings.Join(seen, "；")), true
}

// monitoringCheck finds what the year's in-year monitoring lacks: no
// checkpoint report, a report not accepted or submitted after its due
// date, a warning not handled. The summary names every report and counts
// the warnings.
func monitoringCheck(m *evaluation.Monitoring) ([]finding, string) {
	var fs []finding
	if len(m.Checkpoints) == 0 {
		fs = append(fs, finding{text: "本年度没有绩效运行监控报告（“双监控”未开展）", evidence: "绩效监控报告", noun: "项", group: "未报送监控报告"})
	}
	var seen []string
	for _, r := range m.Checkpoints {
		name := fmt.Sprintf("%d月绩效监控报告", r.Month)
		ev := fmt.Sprintf("绩效监控报告（%d月）", r.Month)
		switch {
		case r.Submitted.IsZero():
			fs = append(fs, finding{text: name + "未报送（" + r.Status + "）", evidence: ev, noun: "份监控报告", group: "未报送"})
		case !r.Accepted:
			fs = append(fs, finding{text: name + "未经财政部门审核通过（" + r.Status + "）", evidence: ev, noun: "份监控报告", group: "未经审核通过"})
		}
		if r.Late() {
			days := daysBetween(r.Due, r.Submitted)
			fs = append(fs, finding{text: fmt.Sprintf("%s于%s报送，晚于应报送日期%s", name, r.Submitted.Chinese(), r.Due.Chinese()), evidence: ev,
				noun: "份监控报告", group: "逾期报送", over: days, overUnit: "日"})
		}
		seen = append(seen, fmt.Sprintf("%s（%s，应于%s前报送）", name, r.Status, r.Due.Chinese()))
	}
	handled := 0
	for _, w := range m.Warnings {
		if w.Handled {
			handled++
			continue
		}
		what := "部门整体"
		if w.ProjectCode != "" {
			what = "项目 " + w.ProjectCode
		}
		fs = append(fs, finding{text: fmt.Sprintf("%d月预警 #%d（%s，%s）未处理完毕（%s）", w.Month, w.ID, w.Level, what, w.State),
			evidence: fmt.Sprintf("预警 #%d", w.ID), noun: "条预警", group: "未处理完毕"})
	}
	summary := "监控报告：无"
	if len(seen) > 0 {
		summary = "监控报告：" + strings.Join(seen, "；")
	}
	return fs, fmt.Sprintf("%s；执行预警 %d 条，已处理 %d 条", summary, len(m.Warnings), handled)
}

// rectificationCheck finds the items of the year before that are open
// past a due date on the day the records were read (逾期): each one fails
// the item. The summary names every item with its status.
func rectificationCheck(r *evaluation.Rectification) ([]finding, string) {
	var fs []finding
	var seen []string
	closed := 0
	for _, it := range r.Previous() {
		seen = append(seen, it.Name()+"："+it.State())
		if it.Closed {
			closed++
		}
		if it.Overdue {
			fs = append(fs, finding{text: fmt.Sprintf("%s逾期未整改到位（%s，截至%s）", it.Name(), it.State(), r.AsOf.Chinese()),
				evidence: fmt.Sprintf("整改事项 %d-%d", it.Year, it.Number), noun: "项整改事项", group: "逾期未整改到位"})
		}
	}
	return fs, fmt.Sprintf("%d年度下达整改事项 %d 项，已销号 %d 项：%s", r.Year, len(seen), closed, strings.Join(seen, "；"))
}

// registerCheck applies a register check to the evaluation's registers and
// returns what breaks it, a summary of what was examined, or an error
// when it cannot be decided.
func registerCheck(c *framework.Check, ev *evaluation.Evaluation, cal WorkingDays) ([]finding, string, error) {
	r := ev.Registers
	switch c.Kind {
	case framework.CheckIntentionLead:
		var out []finding
		for _, in := range r.Intentions {
			if !c.AppliesTo(in.PlannedStart) {
				continue
			}
			switch {
			case in.Published.IsZero():
				out = append(out, finding{text: fmt.Sprintf("采购意向“%s”未公开", in.Project), evidence: in.Project, noun: "项采购意向", group: "未公开"})
			case in.PlannedStart.IsZero():
				out = append(out, finding{text: fmt.Sprintf("采购意向“%s”未填写预计采购时间", in.Project), evidence: in.Project, noun: "项采购意向", group: "未填写预计采购时间"})
			default:
				lead := daysBetween(in.Published, in.PlannedStart)
				if lead < c.Days {
					out = append(out, finding{text: fmt.Sprintf("采购意向“%s”于%s公开，距预计采购时间%s仅 %d 日，不足 %d 日", in.Project, in.Published.Chinese(), in.PlannedStart.Chinese(), lead, c.Days), evidence: in.Project,
						noun: "项采购意向", group: fmt.Sprintf("公开时间距预计采购时间不足 %d 日", c.Days), over: c.Days - lead, overUnit: "日"})
				}
			}
		}
		return out, fmt.Sprintf("采购意向 %d 条", len(r.Intentions)), nil
	case framework.CheckContractSigning:
		var out []finding
		for _, k := range r.Contracts {
			if k.Awarded.IsZero() || k.Signed.IsZero() || !c.AppliesTo(k.Signed) {
				continue
			}
			if d := daysBetween(k.Awarded, k.Signed); d > c.Days {
				out = append(out, finding{text: fmt.Sprintf("合同 %s 中标（成交）通知书于%s发出，%s签订，超过 %d 日", k.Number, k.Awarded.Chinese(), k.Signed.Chinese(), c.Days), evidence: k.Number,
					noun: "份合同", group: fmt.Sprintf("自中标（成交）通知书发出至签订超过 %d 日", c.Days), over: d - c.Days, overUnit: "日"})
			}
		}
		return out, fmt.Sprintf("采购合同 %d 份", len(r.Contracts)), nil
	case framework.CheckContractPublication, framework.CheckContractFiling:
		if cal == nil {
			return nil, "", fmt.Errorf("计算工作日期限需要节假日日历")
		}
		verb := "公告"
		if c.Kind == framework.CheckContractFiling {
			verb = "备案"
		}
		var out []finding
		for _, k := range r.Contracts {
			if k.Signed.IsZero() || !c.AppliesTo(k.Signed) {
				continue
			}
			done := k.Published
			if c.Kind == framework.CheckContractFiling {
				done = k.Filed
			}
			due, err := cal.AddWorkdays(k.Signed, c.WorkingDays)
			if err != nil {
				return nil, "", err
			}
			if done.IsZero() {
				out = append(out, finding{text: fmt.Sprintf("合同 %s 于%s签订，至今未%s（应于%s前%s）", k.Number, k.Signed.Chinese(), verb, due.Chinese(), verb), evidence: k.Number,
					noun: "份合同", group: "签订后未" + verb})
				continue
			}
			if done.After(due) {
				late, err := cal.WorkdaysBetween(due, done)
				if err != nil {
					return nil, "", err
				}
				out = append(out, finding{text: fmt.Sprintf("合同 %s 于%s签订，%s%s，超出 %d 个工作日期限 %d 个工作日", k.Number, k.Signed.Chinese(), done.Chinese(), verb, c.WorkingDays, late), evidence: k.Number,
					noun: "份合同", group: fmt.Sprintf("%s超出 %d 个工作日期限", verb, c.WorkingDays), over: late, overUnit: "个工作日"})
			}
		}
		return out, fmt.Sprintf("采购合同 %d 份", len(r.Contracts)), nil
	case framework.CheckSMEShare:
		var all, sme money.Fen
		for _, k := range r.Contracts {
			all = money.MustSum(all, k.Amount)
			if k.SME {
				sme = money.MustSum(sme, k.Amount)
			}
		}
		if all == 0 {
			return nil, "无采购合同金额", nil
		}
		share := new(big.Rat).Mul(big.NewRat(int64(sme), int64(all)), big.NewRat(100, 1))
		summary := fmt.Sprintf("中小企业合同金额 %s 万元，占合同总额 %s 万元的 %s%%", sme.Wan(), all.Wan(), money.Decimal(share, 2))
		if share.Cmp(c.Min.Rat()) < 0 {
			return []finding{{text: fmt.Sprintf("%s，低于 %s%%", summary, c.Min), evidence: "采购合同台账"}}, summary, nil
		}
		return nil, summary, nil
	case framework.CheckAssetInventory, framework.CheckAssetLabels, framework.CheckAssetTransfers:
		var out []finding
		for _, a := range r.Assets {
			switch {
			case c.Kind == framework.CheckAssetInventory && (a.LastInventory.IsZero() || a.LastInventory.Year() < ev.Year):
				when := "从未盘点"
				if !a.LastInventory.IsZero() {
					when = "最近盘点于" + a.LastInventory.Chinese()
				}
				out = append(out, finding{text: fmt.Sprintf("资产 %s（%s）%d 年度未盘点，%s", a.Number, a.Name, ev.Year, when), evidence: a.Number, noun: "项资产", group: fmt.Sprintf("%d 年度未盘点", ev.Year)})
			case c.Kind == framework.CheckAssetLabels && a.LabelMissing:
				out = append(out, finding{text: fmt.Sprintf("资产 %s（%s）标签缺失", a.Number, a.Name), evidence: a.Number, noun: "项资产", group: "标签缺失"})
			case c.Kind == framework.CheckAssetTransfers && a.TransferPending:
				out = append(out, finding{text: fmt.Sprintf("资产 %s（%s）应调拨未调拨", a.Number, a.Name), evidence: a.Number, noun: "项资产", group: "应调拨未调拨"})
			}
		}
		return out, fmt.Sprintf("固定资产 %d 项", len(r.Assets)), nil
	case framework.CheckAssetUtilisation:
		var all, used money.Fen
		for _, a := range r.Assets {
			all = money.MustSum(all, a.Value)
			if !a.Idle {
				used = money.MustSum(used, a.Value)
			}
		}
		if all == 0 {
			return nil, "无固定资产", nil
		}
		rate := new(big.Rat).Mul(big.NewRat(int64(used), int64(all)), big.NewRat(100, 1))
		summary := fmt.Sprintf("在用固定资产 %s 万元，占全部固定资产 %s 万元的 %s%%", used.Wan(), all.Wan(), money.Decimal(rate, 2))
		if rate.Cmp(c.Min.Rat()) < 0 {
			return []finding{{text: fmt.Sprintf("固定资产利用率 %s%%，低于 %s%%", money.Decimal(rate, 2), c.Min), evidence: "资产台账"}}, summary, nil
		}
		return nil, summary, nil
	case framework.CheckDisclosure:
		name := evaluation.DisclosureKinds[c.Disclosure]
		var out []finding
		n := 0
		for _, d := range r.Disclosures {
			if d.Kind != c.Disclosure || !c.AppliesTo(d.Approved) {
				continue
			}
			n++
			title := d.Title
			if title == "" {
				title = name
			}
			switch {
			case d.Published.IsZero():
				out = append(out, finding{text: fmt.Sprintf("%s未公开", title), evidence: title, noun: "项" + name, group: "未公开"})
			case d.Approved.IsZero():
				out = append(out, finding{text: fmt.Sprintf("%s未填写批复日期", title), evidence: title, noun: "项" + name, group: "未填写批复日期"})
			default:
				if days := daysBetween(d.Approved, d.Published); days > c.Days {
					out = append(out, finding{text: fmt.Sprintf("%s于%s批复，%s公开，超过 %d 日", title, d.Approved.Chinese(), d.Published.Chinese(), c.Days), evidence: title,
						noun: "项" + name, group: fmt.Sprintf("批复后超过 %d 日公开", c.Days), over: days - c.Days, overUnit: "日"})
				}
			}
		}
		if n == 0 {
			out = append(out, finding{text: fmt.Sprintf("台账中没有%s公开记录", name), evidence: "信息公开台账"})
		}
		return out, fmt.Sprintf("%s公开记录 %d 条", name, n), nil
	}
	return nil, "", fmt.Errorf("未知的台账检查 %q", c.Kind)
}

func daysBetween(a, b civil.Date) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// checkedLoss is the points a failed check costs, capped at the item's.
func checkedLoss(c *framework.Check, itemPoints num.Points, violations int) num.Points {
	var lost num.Points
	switch {
	case c.PerRecord != nil:
		lost = *c.PerRecord * num.Points(violations)
	case c.Deduct != nil:
		lost = *c.Deduct
	default:
		lost = itemPoints
	}
	return min(lost, itemPoints)
}

// maxListed bounds how many findings a deduction's reason lists one by
// one; the evidence still names every record.
const maxListed = 200

// summarise words a failed check's findings twice: the reason lists each
// (for the trace), the summary counts them by kind and names the first
// (for the report: "2 份合同备案超出 7 个工作日期限，最长超出 5 个工作日：
// THZFB-2023-HT-011、THZFB-2023-HT-019"). Evidence names every record.
func summarise(fs []finding) (reason, summary string, evidence []string) {
	var texts []string
	type group struct {
		fs []finding
	}
	var order []string
	groups := map[string]*group{}
	for i, f := range fs {
		if i < maxListed {
			texts = append(texts, f.text)
		}
		evidence = append(evidence, f.evidence)
		key := f.noun + "\x00" + f.group
		if f.noun == "" {
			key = fmt.Sprint("\x01", i)
		}
		g := groups[key]
		if g == nil {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		g.fs = append(g.fs, f)
	}
	reason = strings.Join(texts, "；")
	if len(fs) > maxListed {
		reason += fmt.Sprintf("；等 %d 项", len(fs))
	}
	var parts []string
	for _, key := range order {
		g := groups[key].fs
		if len(g) == 1 {
			parts = append(parts, g[0].text)
			continue
		}
		f := g[0]
		var b strings.Builder
		fmt.Fprintf(&b, "%d %s%s", len(g), f.noun, f.group)
		worst := 0
		for _, x := range g {
			worst = max(worst, x.over)
		}
		if worst > 0 {
			fmt.Fprintf(&b, "，最长超出 %d %s", worst, f.overUnit)
		}
		if len(g) == 2 {
			fmt.Fprintf(&b, "：%s、%s", g[0].evidence, g[1].evidence)
		} else {
			fmt.Fprintf(&b, "：%s 等", f.evidence)
		}
		parts = append(parts, b.String())
	}
	return reason, strings.Join(parts, "；"), evidence
}
