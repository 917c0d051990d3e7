package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workbook"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file lets the department's editor change a department-year's data
// other than scores, while the data is with the department (canEdit):
//
//   - the data-entry workbook round trip: GET …/workbook downloads the
//     workbook filled with the stored data, POST …/workbook replaces the
//     data with an uploaded one;
//   - the form at …/edit for the budget and final-account figures and the
//     outcome of every performance target.
//
// Both check everything before saving anything, show every problem at
// once, rescore with the pinned frameworks and save through store.Update
// with the version the user read and the user's reason, which the history
// keeps.

// maxWorkbookUpload bounds an uploaded workbook.
const maxWorkbookUpload = 10 << 20

// maxWorkbookUploadText is the wording of maxWorkbookUpload on the pages.
const maxWorkbookUploadText = "10 MiB"

// maxDataForm bounds the edit form's body: every figure and every
// target's explanation, percent-encoded (nine bytes a Chinese character).
const maxDataForm = 2 << 20

// maxChangeReason bounds a reason for a change, in characters.
const maxChangeReason = 500

func init() {
	// For the workspace: whether to offer the editor's data forms.
	funcs["mayEditData"] = func(u *store.User, l store.Listing) bool { return mayEditData(u, l) == nil }
	funcs["workbookUploadLimit"] = func() string { return maxWorkbookUploadText }
}

// mayEditData is canEdit, the one decision, with the refusal worded for
// the data rather than the self-scores.
func mayEditData(u *store.User, l store.Listing) error {
	err := canEdit(u, l)
	if err == nil || (inOwnDepartment(u, l) && u.Role == workflow.Editor) {
		return err // allowed, or refused for the status, which says so
	}
	return forbidden("只有本部门的%s可以修改填报数据", workflow.RoleNames[workflow.Editor])
}

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
)

// editValue is a field's value once read.
type editValue struct {
	fen    *money.Fen
	text   string
	points *num.Points
}

// editField is one input of the edit form. Its name is the data path of
// what it changes ("finance.budget.adjusted", "targets[2].actual"), the
// same path findings carry.
type editField struct {
	Path, ID, Label, Hint string
	Kind                  editKind
	Value                 string   // what the input shows
	Errors, Warnings      []string // problems found, without the field's name
	name                  string   // the field's full name, for messages
	set                   func(ev *evaluation.Evaluation, v editValue)
}

func (f *editField) Textarea() bool { return f.Kind == ekParagraph }
func (f *editField) Select() bool   { return f.Kind == ekLevel }
func (f *editField) Numeric() bool {
	switch f.Kind {
	case ekMoney, ekMoneyZero, ekMoneyOpt, ekNumber, ekPoints:
		return true
	}
	return false
}
func (f *editField) Required() bool {
	return f.Kind == ekMoney || f.Kind == ekNumber || f.Kind == ekLevel
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

// buildEditForm lays out the form for the evaluation's current data.
func buildEditForm(ev *evaluation.Evaluation) []*editSection {
	fin := &ev.Finance
	finSec := &editSection{ID: "finance", Title: "收支、预算和决算", Note: "金额以元为单位，最多两位小数，可带千位分隔符（如 27,537,760.00）。"}

	g := finSec.group("finance.income", "收入", "决算收入，按收入来源；增删收入来源请使用填报表。")
	for i, in := range fin.Income {
		p := fmt.Sprintf("finance.income[%d].amount", i)
		g.add(editMoneyField(ekMoney, p, in.Label()+"（元）", "收入“"+in.Label()+"”", fenInput(in.Amount),
			func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Income[i].Amount = *v }))
	}
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

	sections := []*editSection{finSec}

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
	return sections
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
		v, err := money.Parse(t)
		if err != nil {
			msg := "金额格式不正确（应为元，最多两位小数）"
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
	}
	return editValue{text: t}, ""
}

// ---------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------

// editProblem is one error or warning in a summary list, linked to the field
// or fieldset it is about (Target is the element id; empty for none).
type editProblem struct{ Message, Target string }

// workbookFinding is a finding about an uploaded workbook, at its cell.
type workbookFinding struct {
	Sheet, Cell, Row, Field, Message string
}

// workbookResult is what was found in a workbook that was not saved.
type workbookResult struct {
	File             string
	Errors, Warnings []workbookFinding
}

type editPage struct {
	Base     string
	Listing  store.Listing
	Total    num.Points
	Points   num.Points
	Grade    string
	Sections []*editSection
	Reason   string
	// Errors and Warnings of the form, every one; the fields hold theirs too.
	Errors, Warnings []editProblem
	ReasonError      string
	Upload           *workbookResult
	UploadReasonErr  string
	MaxUpload        string
	// Preview is the form's preview (preview.go), nil unless one was asked.
	Preview *previewResult

	fields map[string]*editField
	groups []*editGroup
	bad    map[string]bool // paths whose entry could not be read
}

func newEditPage(sc *scored) *editPage {
	p := &editPage{
		Base: evaluationPath(sc.rec.Listing), Listing: sc.rec.Listing,
		Total: sc.res.Total, Points: sc.res.Points, Grade: sc.res.Grade,
		Sections: buildEditForm(sc.rec.Evaluation), MaxUpload: maxWorkbookUploadText,
		fields: map[string]*editField{}, bad: map[string]bool{},
	}
	for _, sec := range p.Sections {
		for _, g := range sec.Groups {
			p.groups = append(p.groups, g)
			for _, f := range g.Fields {
				p.fields[f.Path] = f
			}
		}
	}
	return p
}

// underPath reports whether path is at or below the data path parent.
func underPath(path, parent string) bool {
	return path == parent || strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[")
}

// attach puts a finding on the field or fieldset it is about and, for an
// error, in the summary. Warnings about nothing on the form are left out
// (the form cannot act on them); so are findings about an entry that
// could not be read (they concern the value kept in its place).
func (p *editPage) attach(d diag.Finding) {
	if d.Severity == diag.Info || p.bad[d.Path] {
		return
	}
	isErr := d.Severity == diag.Error
	if f, ok := p.fields[d.Path]; ok {
		if isErr {
			f.Errors = append(f.Errors, d.Message)
			p.Errors = append(p.Errors, editProblem{f.name + "：" + d.Message, f.ID})
		} else {
			f.Warnings = append(f.Warnings, d.Message)
			p.Warnings = append(p.Warnings, editProblem{f.name + "：" + d.Message, f.ID})
		}
		return
	}
	var best *editGroup
	for _, g := range p.groups {
		if underPath(d.Path, g.Path) && (best == nil || len(g.Path) > len(best.Path)) {
			best = g
		}
	}
	if best != nil {
		if isErr {
			best.Errors = append(best.Errors, d.Message)
			p.Errors = append(p.Errors, editProblem{best.Legend + "：" + d.Message, best.ID})
		} else {
			best.Warnings = append(best.Warnings, d.Message)
			p.Warnings = append(p.Warnings, editProblem{best.Legend + "：" + d.Message, best.ID})
		}
		return
	}
	if isErr {
		msg := d.Message
		if d.Path != "" {
			msg += "（" + d.Path + "）"
		}
		p.Errors = append(p.Errors, editProblem{Message: msg})
	}
}

func (p *editPage) attachAll(ds diag.List) {
	for _, d := range ds {
		p.attach(d)
	}
}

// currentFindings shows the warnings the stored data gives rise to.
func (p *editPage) currentFindings(sc *scored) {
	for _, d := range append(sc.rec.Evaluation.Consistency(), sc.ds...) {
		if d.Severity == diag.Warning {
			p.attach(d)
		}
	}
}

// apply reads the posted form into ev, which holds the data the form was
// made from: every field posted that differs from what it showed is read
// and set; a problem is recorded on its field. Fields not posted keep
// their values.
func (p *editPage) apply(form url.Values, ev *evaluation.Evaluation) {
	for _, g := range p.groups {
		type entry struct {
			f   *editField
			raw string
		}
		var entries []entry
		empty := true
		for _, f := range g.Fields {
			raw := f.Value
			if vs, ok := form[f.Path]; ok && len(vs) > 0 {
				raw = vs[0]
			}
			entries = append(entries, entry{f, raw})
			empty = empty && strings.TrimSpace(raw) == ""
		}
		if g.clear != nil && empty {
			for _, e := range entries {
				e.f.Value = e.raw
			}
			g.clear(ev)
			continue
		}
		for _, e := range entries {
			changed := e.raw != e.f.Value
			e.f.Value = e.raw
			v, msg := e.f.read(e.raw)
			if msg != "" {
				e.f.Errors = append(e.f.Errors, msg)
				p.Errors = append(p.Errors, editProblem{e.f.name + "：" + msg, e.f.ID})
				p.bad[e.f.Path] = true
				continue
			}
			if changed {
				e.f.set(ev, v)
			}
		}
	}
}

// keepMaster makes ev carry the department's registered master data, as
// store.Update will, and lists a warning for each field the data stated
// otherwise (the form has no field for them).
func (p *editPage) keepMaster(ev *evaluation.Evaluation, m evaluation.Master) {
	for _, d := range ev.KeepMaster(m) {
		p.Warnings = append(p.Warnings, editProblem{Message: d.Message})
	}
}

// readChangeReason checks a reason for a change; it returns the problem, if any.
func readChangeReason(s string) (string, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "请填写修改原因"
	case len([]rune(s)) > maxChangeReason:
		return "", fmt.Sprintf("修改原因不能超过 %d 字", maxChangeReason)
	}
	if msg := evaluation.CheckText(evaluation.TextParagraph, s); msg != "" {
		return "", "修改原因" + msg
	}
	return s, ""
}

func (s *server) renderEdit(w http.ResponseWriter, r *http.Request, status int, errMsg string, p *editPage) {
	p.sortProblems()
	title := fmt.Sprintf("修改填报数据：%s %d 年度", p.Listing.Department, p.Listing.Year)
	s.render(w, r, status, "edit", title, errMsg, p)
}

// sortProblems puts the problems in the order of the form; the reason
// last, then what the form has no field for.
func (p *editPage) sortProblems() {
	order := map[string]int{}
	for _, sec := range p.Sections {
		for _, g := range sec.Groups {
			order[g.ID] = len(order)
			for _, f := range g.Fields {
				order[f.ID] = len(order)
			}
		}
	}
	order["edit-reason"] = len(order)
	rank := func(pr editProblem) int {
		if i, ok := order[pr.Target]; ok {
			return i
		}
		return len(order)
	}
	for _, list := range [][]editProblem{p.Errors, p.Warnings} {
		slices.SortStableFunc(list, func(a, b editProblem) int { return rank(a) - rank(b) })
	}
}

// editAgain shows the form freshly loaded, with a status and a message:
// after a conflict, what is shown must be what is stored now.
func (s *server) editAgain(w http.ResponseWriter, r *http.Request, status int, msg string) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := mayEditData(currentUser(r), sc.rec.Listing); err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	p := newEditPage(sc)
	p.currentFindings(sc)
	s.renderEdit(w, r, status, msg, p)
}

// editSaveFailed answers an error from store.Update.
func (s *server) editSaveFailed(w http.ResponseWriter, r *http.Request, err error) {
	switch code := store.ErrorCode(err); code {
	case store.ECONFLICT, store.EINVALID:
		s.editAgain(w, r, httpStatus(code), "修改未保存："+errorMessage(err))
	default:
		s.refuse(w, r, err, nil)
	}
}

// loadEditable loads the department-year for a data change: 404 for what
// the user may not see, 403 (on the workspace) for what they may not
// change.
func (s *server) loadEditable(w http.ResponseWriter, r *http.Request, get bool) (*store.User, *scored, bool) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	if err := mayEditData(u, sc.rec.Listing); err != nil {
		if get {
			s.fail(w, r, err)
		} else {
			s.refuse(w, r, err, nil)
		}
		return nil, nil, false
	}
	return u, sc, true
}

// editData shows the form.
func (s *server) editData(w http.ResponseWriter, r *http.Request) {
	_, sc, ok := s.loadEditable(w, r, true)
	if !ok {
		return
	}
	p := newEditPage(sc)
	p.currentFindings(sc)
	s.renderEdit(w, r, http.StatusOK, "", p)
}

// saveData reads the form, checks everything and saves in one update, or
// shows the form again with what was entered and every problem.
func (s *server) saveData(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.loadEditable(w, r, false)
	if !ok {
		return
	}
	l := sc.rec.Listing
	sub, status, msg, err := readEdit(w, r, sc)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if msg != "" {
		s.editAgain(w, r, status, msg)
		return
	}
	p := sub.page
	if len(p.Errors) > 0 {
		s.renderEdit(w, r, http.StatusUnprocessableEntity, "", p)
		return
	}
	nv, err := s.st.Update(r.Context(), l.DepartmentCode, l.Year, sub.ev, sc.res, sub.version, u.Username, "修改预算决算数和绩效目标完成情况："+sub.reason)
	if err != nil {
		s.editSaveFailed(w, r, err)
		return
	}
	if nv == sub.version {
		s.setFlash(w, "提交的内容与现有数据相同，没有修改任何数据。")
	} else {
		var warns []string
		for _, pw := range p.Warnings {
			warns = append(warns, pw.Message)
		}
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报数据已保存：总分 %s → %s 分，等级 %s。", sub.before.Total, sc.res.Total, sc.res.Grade), warns))
	}
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// editSubmission is the posted edit form, read and checked: what a save
// saves and a preview (preview.go) shows.
type editSubmission struct {
	page    *editPage              // the form as entered, with every problem
	ev      *evaluation.Evaluation // the stored data with the form applied
	version int                    // the version the form was made from
	reason  string                 // the reason for the change; "" when the page lists it as a problem
	before  *scoring.Result        // the stored data's result
	// scored says whether ev could be scored: sc.res is then ev's result,
	// else sc is as it was and the page says why.
	scored bool
}

// readEdit reads the posted edit form for sc the one way both the save and
// the preview do: the form bounded and parsed, the version checked, every
// field read onto a copy of the stored data (sc.rec is not changed), the
// reason, validation, consistency and scoring with the pinned frameworks,
// every problem on the page. A form that cannot be read, or was made from
// another version, gives instead the status and message to answer with;
// err is an internal error.
func readEdit(w http.ResponseWriter, r *http.Request, sc *scored) (sub *editSubmission, status int, msg string, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxDataForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, "表单内容过多，无法读取；请分几次修改，或使用填报表。", nil
		}
		return nil, http.StatusBadRequest, "表单无法读取，请重试。", nil
	}
	v, err := formVersion(r)
	if err == nil {
		err = checkVersion(sc.rec.Listing, v)
	}
	if err != nil {
		return nil, httpStatus(store.ErrorCode(err)), errorMessage(err), nil
	}
	p := newEditPage(sc)
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		return nil, 0, "", err
	}
	p.apply(r.PostForm, ev)
	p.Reason = r.PostFormValue("reason")
	reason, problem := readChangeReason(p.Reason)
	if problem != "" {
		p.ReasonError = problem
		p.Errors = append(p.Errors, editProblem{"修改原因：" + problem, "edit-reason"})
	}
	p.attachAll(ev.Validate())
	p.keepMaster(ev, sc.rec.Master())
	p.attachAll(ev.Consistency())
	before := sc.res
	p.attachAll(rescoreWith(sc, ev))
	return &editSubmission{page: p, ev: ev, version: v, reason: reason, before: before, scored: sc.res != before}, 0, "", nil
}

// rescoreWith scores ev into sc with the pinned frameworks and returns the
// findings. Data that cannot be scored at all (weights that do not add up)
// leaves sc as it was, and its findings say why.
func rescoreWith(sc *scored, ev *evaluation.Evaluation) diag.List {
	if err := sc.rescore(ev); err == nil {
		return sc.ds
	}
	_, ds := scoring.ScoreWith(ev, sc.lib, calendar.ScoringOptions())
	if ds.Err() == nil {
		ds.Add(diag.BadValue, "framework", "数据无法按指标框架 %s 评分", ev.Framework)
	}
	return ds
}

// flashWithWarnings adds warnings to a flash message, as many as fit the
// flash cookie.
func flashWithWarnings(msg string, warns []string) string {
	if len(warns) == 0 {
		return msg
	}
	msg += fmt.Sprintf("请注意 %d 条提示：", len(warns))
	for i, w := range warns {
		next := w + "；"
		if len(msg)+len(next) > 800 {
			return msg + fmt.Sprintf("等（其余 %d 条见“修改填报数据”页）", len(warns)-i)
		}
		msg += next
	}
	return strings.TrimSuffix(msg, "；") + "。"
}

// ---------------------------------------------------------------------------
// The workbook round trip
// ---------------------------------------------------------------------------

// downloadWorkbook serves the data-entry workbook filled with the stored
// data, to anyone who may read the department-year.
func (s *server) downloadWorkbook(w http.ResponseWriter, r *http.Request) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The workbook shows the registered master data (a department renamed
	// since this year was stored gets its new name), as an upload will
	// carry it.
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	ev.KeepMaster(sc.rec.Master())
	var buf bytes.Buffer
	if err := workbook.Write(&buf, ev, sc.fw, sc.pfw); err != nil {
		s.internalError(w, r, err)
		return
	}
	l := sc.rec.Listing
	name := fmt.Sprintf("%s%d年度绩效自评填报表.xlsx", l.Department, l.Year)
	ascii := fmt.Sprintf("workbook-%s-%d.xlsx", asciiOnly(l.DepartmentCode), l.Year)
	w.Header().Set("Content-Type", formats["xlsx"].contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", ascii, encodeRFC5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

// workbookUpload is a posted workbook with the form's other fields.
type workbookUpload struct {
	version, reason, name string
	data                  []byte
	hasFile               bool
}

// readWorkbookUpload reads the multipart upload form. On failure it returns the
// status and message to answer.
func readWorkbookUpload(w http.ResponseWriter, r *http.Request) (*workbookUpload, int, string) {
	const textLimit = 64 << 10
	r.Body = http.MaxBytesReader(w, r.Body, maxWorkbookUpload+1<<20)
	tooLarge := fmt.Sprintf("文件过大：填报表不能超过 %s。", maxWorkbookUploadText)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, http.StatusUnprocessableEntity, "请在“上传填报表”表单中选择 .xlsx 文件后提交。"
	}
	up := &workbookUpload{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, http.StatusRequestEntityTooLarge, tooLarge
			}
			return nil, http.StatusBadRequest, "上传的内容无法读取，请重试。"
		}
		limit := int64(textLimit)
		if part.FormName() == "file" {
			limit = maxWorkbookUpload
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		part.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, http.StatusRequestEntityTooLarge, tooLarge
			}
			return nil, http.StatusBadRequest, "上传的内容无法读取，请重试。"
		}
		if int64(len(data)) > limit {
			if part.FormName() == "file" {
				return nil, http.StatusRequestEntityTooLarge, tooLarge
			}
			return nil, http.StatusUnprocessableEntity, "表单内容过长。"
		}
		switch part.FormName() {
		case "file":
			if up.hasFile {
				return nil, http.StatusUnprocessableEntity, "一次只能上传一个填报表。"
			}
			up.hasFile, up.name, up.data = true, uploadName(part.FileName()), data
		case "version":
			up.version = string(data)
		case "reason":
			up.reason = string(data)
		}
	}
	switch {
	case !up.hasFile || up.name == "" && len(up.data) == 0:
		return nil, http.StatusUnprocessableEntity, "请选择要上传的填报表文件（.xlsx）。"
	case !strings.EqualFold(uploadExt(up.name), ".xlsx"):
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("只能上传 .xlsx 格式的填报表（Excel 工作簿），“%s”不是。", up.name)
	case len(up.data) == 0:
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("文件“%s”是空的。", up.name)
	}
	if msg := evaluation.CheckText(evaluation.TextName, up.name); msg != "" {
		return nil, http.StatusUnprocessableEntity, "填报表的文件名" + msg + "，请重命名文件后再上传。"
	}
	return up, 0, ""
}

// uploadName is the name of an uploaded file without any directory (some
// browsers sent a Windows path), bounded for the history and the pages.
func uploadName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:60]) + "…" + string(r[len(r)-39:])
	}
	return name
}

// uploadExt is the extension of an uploaded file's name.
func uploadExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// uploadWorkbook replaces the department-year's data with an uploaded
// workbook, when it reads without errors and belongs to this
// department-year.
func (s *server) uploadWorkbook(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.loadEditable(w, r, false)
	if !ok {
		return
	}
	l := sc.rec.Listing
	up, status, msg := readWorkbookUpload(w, r)
	if msg != "" {
		s.editAgain(w, r, status, msg)
		return
	}
	v, err := strconv.Atoi(strings.TrimSpace(up.version))
	if err != nil || v < 1 {
		s.editAgain(w, r, http.StatusUnprocessableEntity, "表单缺少数据版本，请刷新页面后重试。")
		return
	}
	if err := checkVersion(l, v); err != nil {
		s.editAgain(w, r, http.StatusConflict, "填报表未导入："+errorMessage(err))
		return
	}
	p := newEditPage(sc)
	p.Reason = up.reason
	reason, reasonErr := readChangeReason(up.reason)
	p.UploadReasonErr = reasonErr

	release, ok := s.workbookSlot(w, r)
	if !ok {
		return
	}
	defer release()
	loaded, ds := workbook.Load(up.name, up.data, sc.lib)
	if loaded != nil {
		// Whose data it is comes first: a workbook of another department
		// or year, or of another framework, says so before anything else
		// found at the same cells.
		ds = append(loaded.Locate(workbookBelongs(loaded.Value, l, sc)), ds...)
		// The department's master data is the administrator's: the data
		// carries the registered name, parent and region, and the upload
		// is told where it differed.
		ds = append(ds, loaded.Locate(loaded.Value.KeepMaster(sc.rec.Master()))...)
	}
	before := sc.res.Total
	if loaded != nil && ds.Err() == nil {
		// Scored and checked for consistency only when it reads without
		// errors, as the command line's import does.
		ev := loaded.Value
		ds = append(ds, loaded.Locate(rescoreWith(sc, ev))...)
		ds = append(ds, loaded.Locate(ev.Consistency())...)
	}
	if loaded == nil && ds.Err() == nil {
		ds.Add(diag.Syntax, "", "文件“%s”不是可读取的填报表", up.name)
	}
	res := workbookFindings(up.name, up.data, ds)
	if reasonErr != "" {
		res.Errors = append([]workbookFinding{{Field: "修改原因", Message: reasonErr}}, res.Errors...)
	}
	if len(res.Errors) > 0 {
		p.Upload = res
		s.renderEdit(w, r, http.StatusUnprocessableEntity, "", p)
		return
	}
	nv, err := s.st.Update(r.Context(), l.DepartmentCode, l.Year, loaded.Value, sc.res, v, u.Username,
		fmt.Sprintf("上传填报表“%s”：%s", up.name, reason))
	if err != nil {
		s.editSaveFailed(w, r, err)
		return
	}
	var warns []string
	for _, f := range res.Warnings {
		warns = append(warns, f.place()+f.Message)
	}
	if nv == v {
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报表“%s”中的数据与现有数据相同，没有修改任何数据。", up.name), warns))
	} else {
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报表“%s”已导入：总分 %s → %s 分，等级 %s。", up.name, before, sc.res.Total, sc.res.Grade), warns))
	}
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// workbookBelongs checks that an uploaded evaluation is this department-year's
// and uses the frameworks it is scored with, which only an import changes.
func workbookBelongs(ev *evaluation.Evaluation, l store.Listing, sc *scored) diag.List {
	var ds diag.List
	if ev.Department.Code != l.DepartmentCode {
		ds.Add(diag.BadValue, "department.code", "填报表的预算单位编码为“%s”，本页是部门 %s（%s）的数据：请上传本部门的填报表", ev.Department.Code, l.DepartmentCode, l.Department)
	}
	if ev.Year != l.Year {
		ds.Add(diag.BadValue, "year", "填报表的年度为 %d，本页是 %d 年度的数据：请上传 %d 年度的填报表", ev.Year, l.Year, l.Year)
	}
	if ev.Framework != sc.res.Framework {
		ds.Add(diag.BadValue, "framework", "填报表使用指标框架“%s”，本年度按“%s”评分；更换指标框架须由管理员重新导入", ev.Framework, sc.res.Framework)
	}
	if len(ev.Projects) > 0 {
		if _, ok := sc.lib.Framework(ev.ProjectFrameworkID()); !ok {
			ds.Add(diag.BadValue, "project_framework", "本年度未按项目指标框架“%s”评分；增加项目或更换项目框架须由管理员重新导入", ev.ProjectFrameworkID())
		}
	}
	return ds
}

// workbookFindings lays out findings about a workbook by sheet, cell, row
// and field; only the first error at a cell is kept, as the reader does.
func workbookFindings(file string, data []byte, ds diag.List) *workbookResult {
	var refs []string
	for _, d := range ds {
		if strings.Contains(d.Path, "!") {
			refs = append(refs, d.Path)
		}
	}
	names := workbook.Fields(data, refs)
	res := &workbookResult{File: file}
	bad := map[string]bool{}
	for _, d := range ds {
		if d.Severity == diag.Info {
			continue
		}
		sheet, cell, _ := strings.Cut(d.Path, "!")
		f := workbookFinding{Sheet: sheet, Cell: cell, Row: strings.TrimLeft(cell, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), Field: names[d.Path], Message: d.Message}
		if d.Severity == diag.Error {
			if d.Path != "" && bad[d.Path] {
				continue
			}
			bad[d.Path] = true
			res.Errors = append(res.Errors, f)
		} else {
			res.Warnings = append(res.Warnings, f)
		}
	}
	return res
}

// place says where a finding is, for a one-line message.
func (f workbookFinding) place() string {
	var b strings.Builder
	if f.Sheet != "" {
		fmt.Fprintf(&b, "工作表“%s”", f.Sheet)
	}
	if f.Cell != "" {
		fmt.Fprintf(&b, "%s", f.Cell)
	}
	if f.Field != "" {
		fmt.Fprintf(&b, "（%s）", f.Field)
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	return b.String()
}
