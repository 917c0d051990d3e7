package web

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/store"
)

// The edit form's model: every field of the data an editor may change, its
// label, how its value is read and where it is set in the evaluation.

// ---------------------------------------------------------------------------
// The edit form's model
// ---------------------------------------------------------------------------

// editKind is how a form field is read.
type editKind int

const (
	ekMoney     editKind = iota // an amount in yuan, required
	ekMoneyZero                 // an amount in a group that may be left out; empty is 0
	ekMoneyOpt                  // an amount that may be left out; empty is none
	ekNumber                    // a number kept as text: a quantitative target's actual value
	ekText                      // one line of text
	ekLevel                     // 达成, 部分达成 or 未达成
	ekPoints                    // points, optional
	ekParagraph                 // a paragraph
	ekChoice                    // one of the field's options, or empty
	ekChoiceReq                 // one of the field's options, required
	ekDate                      // a date YYYY-MM-DD, optional
)

// editValue is a field's value once read.
type editValue struct {
	fen    *money.Fen
	text   string
	points *num.Points
	date   civil.Date
}

// editField is one input of the edit form. Its name is the data path of
// what it changes ("finance.budget.adjusted", "targets[2].actual"), the
// same path findings carry.
type editField struct {
	Path, ID, Label, Hint string
	Kind                  editKind
	Value                 string   // what the input shows
	Errors, Warnings      []string // problems found, without the field's name
	// Options are the choices of a select (ekChoice, ekChoiceReq).
	Options []editOption
	name    string // the field's full name, for messages
	wan     bool   // an amount that may be typed in 万元 too
	// ReadOnly: the field's part of the document may not be changed now
	// (lockParts); it is shown, not read.
	ReadOnly bool
	// unit is what an amount typed without a unit is in: money.YuanUnit
	// (also when empty) or money.WanUnit (useUnit).
	unit string
	set  func(ev *evaluation.Evaluation, v editValue)
}

func (f *editField) Textarea() bool { return f.Kind == ekParagraph }
func (f *editField) Select() bool   { return f.Kind == ekLevel }
func (f *editField) Choice() bool   { return f.Kind == ekChoice || f.Kind == ekChoiceReq }
func (f *editField) Date() bool     { return f.Kind == ekDate }
func (f *editField) Numeric() bool {
	switch f.Kind {
	case ekMoney, ekMoneyZero, ekMoneyOpt, ekNumber, ekPoints:
		return true
	}
	return false
}
func (f *editField) Required() bool {
	return !f.ReadOnly && f.Kind == ekMoney || f.Kind == ekNumber || f.Kind == ekLevel || f.Kind == ekChoiceReq
}

// DescribedBy lists the ids of the texts that describe the field: its
// hint, its errors, its warnings.
func (f *editField) DescribedBy() string {
	return editDescribedBy(f.ID, f.Hint != "", len(f.Errors) > 0, len(f.Warnings) > 0)
}

func editDescribedBy(id string, hint, errs, warns bool) string {
	var ids []string
	if hint {
		ids = append(ids, id+"-hint")
	}
	if errs {
		ids = append(ids, id+"-err")
	}
	if warns {
		ids = append(ids, id+"-warn")
	}
	return strings.Join(ids, " ")
}

// editGroup is a fieldset: the fields of one thing (the budget, a
// target). Findings about the thing as a whole are shown on it.
type editGroup struct {
	Path, ID, Legend, Note string
	Fields                 []*editField
	Errors, Warnings       []string
	// clear, when set, removes the thing when every field is left empty
	// (the “三公” expenses, a project's funding).
	clear func(ev *evaluation.Evaluation)
	// Remove names the checkbox that removes the row (the declaration
	// form's targets and projects); Removed says it is ticked.
	Remove  string
	Removed bool
	// Comments are the comments made on the indicator the group declares
	// (the declaration form), shown beside it.
	Comments []store.Comment
}

func (g *editGroup) DescribedBy() string {
	return editDescribedBy(g.ID, false, len(g.Errors) > 0, len(g.Warnings) > 0)
}

func (g *editGroup) add(f *editField) {
	f.ID = editFieldID("f-", f.Path)
	g.Fields = append(g.Fields, f)
}

// editSection is a titled part of the form.
type editSection struct {
	ID, Title, Note string
	Groups          []*editGroup
	Adds            []editAdd // buttons adding a row to a list
	// Pager says which rows of a long list are shown; Links go to the
	// other pages.
	Pager string
	Links []editLink
}

func (sec *editSection) group(path, legend, note string) *editGroup {
	g := &editGroup{Path: path, ID: editFieldID("g-", path), Legend: legend, Note: note}
	sec.Groups = append(sec.Groups, g)
	return g
}

// editFieldID makes an element id of a data path: "targets[2].actual" →
// "f-targets-2-actual".
func editFieldID(prefix, path string) string {
	var b strings.Builder
	b.WriteString(prefix)
	dash := true
	for _, c := range []byte(path) {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' {
			b.WriteByte(c)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func fenInput(f money.Fen) string { return f.String() }

func fenPtrInput(f *money.Fen) string {
	if f == nil {
		return ""
	}
	return f.String()
}

func pointsInput(p *num.Points) string {
	if p == nil {
		return ""
	}
	return p.String()
}

// editMoneyField is an amount field; set receives nil for an optional amount
// left empty.
func editMoneyField(kind editKind, path, label, name, value string, set func(ev *evaluation.Evaluation, v *money.Fen)) *editField {
	return &editField{Path: path, Label: label, name: name, Kind: kind, Value: value,
		set: func(ev *evaluation.Evaluation, v editValue) { set(ev, v.fen) }}
}

func editTextField(kind editKind, path, label, name, value string, set func(ev *evaluation.Evaluation, s string)) *editField {
	return &editField{Path: path, Label: label, name: name, Kind: kind, Value: value,
		set: func(ev *evaluation.Evaluation, v editValue) { set(ev, v.text) }}
}

// editBudgetRow is one budget-and-actual row: “三公” parts, public funds.
type editBudgetRow struct {
	key, name string
	get       func(f *evaluation.Finance) *evaluation.BudgetActual // nil when absent
	make      func(f *evaluation.Finance) *evaluation.BudgetActual // allocates
}

func editSangongRow(key, name string, part func(s *evaluation.Sangong) *evaluation.BudgetActual) editBudgetRow {
	return editBudgetRow{key: "finance.sangong." + key, name: name,
		get: func(f *evaluation.Finance) *evaluation.BudgetActual {
			if f.Sangong == nil {
				return nil
			}
			return part(f.Sangong)
		},
		make: func(f *evaluation.Finance) *evaluation.BudgetActual {
			if f.Sangong == nil {
				f.Sangong = &evaluation.Sangong{}
			}
			return part(f.Sangong)
		}}
}

var editSangongRows = []editBudgetRow{
	editSangongRow("overseas", "因公出国（境）费", func(s *evaluation.Sangong) *evaluation.BudgetActual { return &s.Overseas }),
	editSangongRow("vehicle_purchase", "公务用车购置费", func(s *evaluation.Sangong) *evaluation.BudgetActual { return &s.VehiclePurchase }),
	editSangongRow("vehicle_operation", "公务用车运行维护费", func(s *evaluation.Sangong) *evaluation.BudgetActual { return &s.VehicleOperation }),
	editSangongRow("reception", "公务接待费", func(s *evaluation.Sangong) *evaluation.BudgetActual { return &s.Reception }),
}

var editPublicFundsRow = editBudgetRow{key: "finance.public_funds", name: "公用经费",
	get: func(f *evaluation.Finance) *evaluation.BudgetActual { return f.PublicFunds },
	make: func(f *evaluation.Finance) *evaluation.BudgetActual {
		if f.PublicFunds == nil {
			f.PublicFunds = &evaluation.BudgetActual{}
		}
		return f.PublicFunds
	}}

// addEditBudgetRow adds the three fields of a budget-and-actual row.
func addEditBudgetRow(g *editGroup, fin *evaluation.Finance, p editBudgetRow) {
	var budget, actual, prior string
	if ba := p.get(fin); ba != nil {
		budget, actual, prior = fenInput(ba.Budget), fenInput(ba.Actual), fenPtrInput(ba.PriorActual)
	}
	g.add(editMoneyField(ekMoneyZero, p.key+".budget", p.name+"预算数（元）", p.name+"预算数", budget,
		func(ev *evaluation.Evaluation, v *money.Fen) { p.make(&ev.Finance).Budget = *v }))
	g.add(editMoneyField(ekMoneyZero, p.key+".actual", p.name+"实际数（元）", p.name+"实际数", actual,
		func(ev *evaluation.Evaluation, v *money.Fen) { p.make(&ev.Finance).Actual = *v }))
	g.add(editMoneyField(ekMoneyOpt, p.key+".prior_actual", p.name+"上年实际数（元，选填）", p.name+"上年实际数", prior,
		func(ev *evaluation.Evaluation, v *money.Fen) { p.make(&ev.Finance).PriorActual = v }))
}

// editDirections show a target's direction.
var editDirections = map[string]string{framework.AtLeast: "≥", framework.AtMost: "≤", framework.Equal: "=", framework.Qualitative: "定性"}

// editTargetGroup adds the fields of one target's outcome: its actual value
// or completion, its level and score when qualitative, the explanation of
// a deviation.
func editTargetGroup(sec *editSection, path, what string, t evaluation.Target, at func(ev *evaluation.Evaluation) *evaluation.Target) {
	title := strings.TrimSpace(t.Code + " " + t.Name)
	name := fmt.Sprintf("%s“%s”", what, title)
	note := fmt.Sprintf("年度指标值：%s %s%s", editDirections[t.Direction], t.Target, t.Unit)
	if t.Direction == framework.Qualitative {
		note = "年度指标值（定性）：" + t.Target
	}
	g := sec.group(path, title, note)
	unit := ""
	if t.Unit != "" {
		unit = "（" + t.Unit + "）"
	}
	if t.Direction == framework.Qualitative {
		g.add(editTextField(ekText, path+".actual", "实际完成情况", name+"实际完成情况", t.Actual,
			func(ev *evaluation.Evaluation, s string) { at(ev).Actual = s }))
		g.add(editTextField(ekLevel, path+".level", "评价等级", name+"评价等级", t.Level,
			func(ev *evaluation.Evaluation, s string) { at(ev).Level = s }))
		f := &editField{Path: path + ".score", Label: "自评得分（选填）", name: name + "自评得分", Kind: ekPoints, Value: pointsInput(t.Score),
			Hint: "不填则取该等级区间的上限",
			set:  func(ev *evaluation.Evaluation, v editValue) { at(ev).Score = v.points }}
		g.add(f)
	} else {
		g.add(editTextField(ekNumber, path+".actual", "实际完成值"+unit, name+"实际完成值", t.Actual,
			func(ev *evaluation.Evaluation, s string) { at(ev).Actual = s }))
	}
	g.add(editTextField(ekParagraph, path+".deviation", "偏差原因分析及改进措施", name+"偏差原因", t.Deviation,
		func(ev *evaluation.Evaluation, s string) { at(ev).Deviation = s }))
}

// buildEditForm lays out the form for the evaluation's data: ev holds
// the rows of the lists v shows, base is the year's address.
func buildEditForm(ev *evaluation.Evaluation, lists []editList, v rowsView, base string) ([]*editSection, []editHidden) {
	fin := &ev.Finance
	finSec := &editSection{ID: "finance", Title: "收支、预算和决算", Note: "金额可带千位分隔符（如 27,537,760.00），也可写明单位（如 3308.63万元）；未写单位的按本页选定的金额单位读取。"}

	g := finSec.group("finance.prior_income", "上年决算收入", "本年度各项收入在下面的“收入”中逐项填写。")
	g.add(editMoneyField(ekMoney, "finance.prior_income", "上年决算收入（元）", "上年决算收入", fenInput(fin.PriorIncome),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.PriorIncome = *v }))

	g = finSec.group("finance.expenditure", "支出决算", "支出决算合计 = 基本支出 + 项目支出；预算执行率 = 支出决算合计 ÷ 全年预算数。")
	g.add(editMoneyField(ekMoney, "finance.expenditure.basic", "基本支出（元）", "基本支出决算数", fenInput(fin.Expenditure.Basic),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Expenditure.Basic = *v }))
	g.add(editMoneyField(ekMoney, "finance.expenditure.project", "项目支出（元）", "项目支出决算数", fenInput(fin.Expenditure.Project),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Expenditure.Project = *v }))

	g = finSec.group("finance.budget", "预算", "")
	g.add(editMoneyField(ekMoney, "finance.budget.initial", "年初预算数（元）", "年初预算数", fenInput(fin.Budget.Initial),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Budget.Initial = *v }))
	g.add(editMoneyField(ekMoney, "finance.budget.adjusted", "全年预算数（调整预算，元）", "全年预算数（调整预算）", fenInput(fin.Budget.Adjusted),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Budget.Adjusted = *v }))
	g.add(editMoneyField(ekMoney, "finance.carryover", "年末财政拨款结转和结余（元）", "年末财政拨款结转和结余", fenInput(fin.Carryover),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Carryover = *v }))

	g = finSec.group("finance.sangong", "“三公”经费", "四项一并填写；全部留空表示不填报“三公”经费。")
	for _, p := range editSangongRows {
		addEditBudgetRow(g, fin, p)
	}
	g.clear = func(ev *evaluation.Evaluation) { ev.Finance.Sangong = nil }

	g = finSec.group("finance.public_funds", "公用经费", "全部留空表示不填报公用经费。")
	addEditBudgetRow(g, fin, editPublicFundsRow)
	g.clear = func(ev *evaluation.Evaluation) { ev.Finance.PublicFunds = nil }

	g = finSec.group("finance.stated", "报告所列合计（选填）", "报告中印出的合计数，用于核对各分项之和；可留空。")
	var statedIn, statedOut *money.Fen
	if fin.Stated != nil {
		statedIn, statedOut = fin.Stated.Income, fin.Stated.Expenditure
	}
	stated := func(ev *evaluation.Evaluation) *evaluation.StatedTotals {
		if ev.Finance.Stated == nil {
			ev.Finance.Stated = &evaluation.StatedTotals{}
		}
		return ev.Finance.Stated
	}
	g.add(editMoneyField(ekMoneyOpt, "finance.stated.income", "收入合计（报告所列，元）", "收入合计（报告所列）", fenPtrInput(statedIn),
		func(ev *evaluation.Evaluation, v *money.Fen) { stated(ev).Income = v }))
	g.add(editMoneyField(ekMoneyOpt, "finance.stated.expenditure", "支出合计（报告所列，元）", "支出合计（报告所列）", fenPtrInput(statedOut),
		func(ev *evaluation.Evaluation, v *money.Fen) { stated(ev).Expenditure = v }))
	g.clear = func(ev *evaluation.Evaluation) { ev.Finance.Stated = nil }

	listSecs, hidden := listSections(lists, ev, v, base)
	byPath := map[string]*editSection{}
	for i, l := range lists {
		byPath[l.Path] = listSecs[i]
	}
	sections := []*editSection{finSec, byPath["finance.income"]}

	if len(ev.Projects) > 0 {
		sec := &editSection{ID: "projects", Title: "项目预算执行", Note: "增删项目请使用填报表。"}
		for i, p := range ev.Projects {
			pp := fmt.Sprintf("projects[%d]", i)
			title := p.Name
			if p.Code != "" {
				title += "（" + p.Code + "）"
			}
			name := "项目“" + p.Name + "”"
			g := sec.group(pp, title, "")
			g.add(editMoneyField(ekMoney, pp+".initial", "年初预算数（元）", name+"年初预算数", fenInput(p.Initial),
				func(ev *evaluation.Evaluation, v *money.Fen) { ev.Projects[i].Initial = *v }))
			g.add(editMoneyField(ekMoney, pp+".adjusted", "全年预算数（元）", name+"全年预算数", fenInput(p.Adjusted),
				func(ev *evaluation.Evaluation, v *money.Fen) { ev.Projects[i].Adjusted = *v }))
			g.add(editMoneyField(ekMoney, pp+".executed", "全年执行数（元）", name+"全年执行数", fenInput(p.Executed),
				func(ev *evaluation.Evaluation, v *money.Fen) { ev.Projects[i].Executed = *v }))
			fg := sec.group(pp+".funding", title+"：资金来源（选填）", "三项合计应等于全年预算数；全部留空表示不填报资金来源。")
			var a, c, o string
			if f := p.Funding; f != nil {
				a, c, o = fenInput(f.Appropriation), fenInput(f.CarriedOver), fenInput(f.Other)
			}
			funding := func(ev *evaluation.Evaluation) *evaluation.Funding {
				if ev.Projects[i].Funding == nil {
					ev.Projects[i].Funding = &evaluation.Funding{}
				}
				return ev.Projects[i].Funding
			}
			fg.add(editMoneyField(ekMoneyZero, pp+".funding.appropriation", "当年财政拨款（元）", name+"当年财政拨款", a,
				func(ev *evaluation.Evaluation, v *money.Fen) { funding(ev).Appropriation = *v }))
			fg.add(editMoneyField(ekMoneyZero, pp+".funding.carried_over", "上年结转资金（元）", name+"上年结转资金", c,
				func(ev *evaluation.Evaluation, v *money.Fen) { funding(ev).CarriedOver = *v }))
			fg.add(editMoneyField(ekMoneyZero, pp+".funding.other", "其他资金（元）", name+"其他资金", o,
				func(ev *evaluation.Evaluation, v *money.Fen) { funding(ev).Other = *v }))
			fg.clear = func(ev *evaluation.Evaluation) { ev.Projects[i].Funding = nil }
		}
		sections = append(sections, sec)
	}

	if len(ev.Targets) > 0 {
		sec := &editSection{ID: "targets", Title: "部门整体绩效目标完成情况",
			Note: "定量指标的实际完成值填数值；未完成目标或大幅超出目标时请说明偏差原因。增删指标请使用填报表。"}
		for i, t := range ev.Targets {
			editTargetGroup(sec, fmt.Sprintf("targets[%d]", i), "绩效目标", t,
				func(ev *evaluation.Evaluation) *evaluation.Target { return &ev.Targets[i] })
		}
		sections = append(sections, sec)
	}
	for i, p := range ev.Projects {
		if len(p.Targets) == 0 {
			continue
		}
		sec := &editSection{ID: editFieldID("", fmt.Sprintf("projects[%d].targets", i)), Title: "项目绩效指标完成情况：" + p.Name}
		for j, t := range p.Targets {
			editTargetGroup(sec, fmt.Sprintf("projects[%d].targets[%d]", i, j), "项目“"+p.Name+"”绩效指标", t,
				func(ev *evaluation.Evaluation) *evaluation.Target { return &ev.Projects[i].Targets[j] })
		}
		sections = append(sections, sec)
	}
	text := &editSection{ID: "narrative", Title: "报告文字"}
	narrativeGroup(text, ev.Narrative)
	sections = append(sections, text)
	for _, l := range lists {
		if l.Path != "finance.income" {
			sections = append(sections, byPath[l.Path])
		}
	}
	return sections, hidden
}

// read parses what was entered for the field: its value, or a problem.
func (f *editField) read(raw string) (editValue, string) {
	t := strings.TrimSpace(raw)
	switch f.Kind {
	case ekMoney, ekMoneyZero, ekMoneyOpt:
		if t == "" {
			switch f.Kind {
			case ekMoney:
				return editValue{}, "请填写金额（没有则填 0）"
			case ekMoneyZero:
				zero := money.Fen(0)
				return editValue{fen: &zero}, ""
			}
			return editValue{}, ""
		}
		v, err := money.ParseIn(t, f.unit)
		if err != nil {
			msg := "金额格式不正确（应为元，最多两位小数）"
			switch {
			case f.unit == money.WanUnit:
				msg = "金额格式不正确（应为万元，最多六位小数，如 3308.63；或写明单位，如 27,537,760.00元）"
			case f.wan:
				msg = "金额格式不正确（应为元或万元，如 1,200,000 或 120万元）"
			}
			var pe *money.ParseError
			if errors.As(err, &pe) {
				msg += fmt.Sprintf("：“%s”%s", t, pe.Reason)
			}
			return editValue{}, msg
		}
		if v < 0 {
			return editValue{}, "金额不能为负数"
		}
		return editValue{fen: &v}, ""
	case ekNumber:
		if t == "" {
			return editValue{}, "请填写实际完成值（数值）"
		}
		if _, err := num.ParseDecimal(t); err != nil {
			return editValue{}, fmt.Sprintf("“%s”不是数值，定量指标的实际完成值应为数值（如 98.6）", t)
		}
		return editValue{text: t}, ""
	case ekLevel:
		if t == "" {
			return editValue{}, "请选择评价等级"
		}
		if framework.LevelNames[t] == "" {
			return editValue{}, "请从列表中选择评价等级（达成、部分达成或未达成）"
		}
		return editValue{text: t}, ""
	case ekPoints:
		if t == "" {
			return editValue{}, ""
		}
		p, err := num.ParsePoints(t)
		if err != nil || p < 0 {
			return editValue{}, fmt.Sprintf("“%s”不是有效的分数（应为不小于 0 的数，最多两位小数）", t)
		}
		return editValue{points: &p}, ""
	case ekParagraph:
		return editValue{text: strings.TrimSpace(strings.ReplaceAll(raw, "\r\n", "\n"))}, ""
	case ekChoice, ekChoiceReq:
		if t == "" {
			if f.Kind == ekChoiceReq {
				return editValue{}, "请选择"
			}
			return editValue{}, ""
		}
		var names []string
		for _, o := range f.Options {
			if o.Value == t {
				return editValue{text: t}, ""
			}
			names = append(names, o.Label)
		}
		return editValue{}, "请从列表中选择（" + strings.Join(names, "、") + "）"
	case ekDate:
		if t == "" {
			return editValue{}, ""
		}
		d, err := civil.ParseDate(t)
		if err != nil {
			return editValue{}, fmt.Sprintf("“%s”不是有效的日期，应为 YYYY-MM-DD（如 2024-02-10）", t)
		}
		return editValue{date: d}, ""
	}
	return editValue{text: t}, ""
}
