package web

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// The lists of the year-end form (edit_rows.go): income lines, the
// report's problems and measures, and the four registers.

var (
	incomeKindOptions     []editOption
	disclosureKindOptions []editOption
	yesNoOptions          = []editOption{{"true", "是"}, {"false", "否"}}
)

func init() {
	for _, k := range evaluation.IncomeKindOrder {
		incomeKindOptions = append(incomeKindOptions, editOption{k, evaluation.IncomeKinds[k]})
	}
	for _, k := range []string{"budget", "final_accounts", "performance"} {
		disclosureKindOptions = append(disclosureKindOptions, editOption{k, evaluation.DisclosureKinds[k]})
	}
}

func yesNoInput(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// rowName is how messages name row i of a list: 采购合同“HT-1”, or by
// its place when it has nothing naming it yet.
func rowName(what string, i int, id string) string {
	if id != "" {
		return what + "“" + id + "”"
	}
	return fmt.Sprintf("%s第 %d 条", what, i+1)
}

// registers returns ev's registers, made when absent.
func registers(ev *evaluation.Evaluation) *evaluation.Registers {
	if ev.Registers == nil {
		ev.Registers = &evaluation.Registers{}
	}
	return ev.Registers
}

// dropEmptyRegisters removes registers left with no record at all.
func dropEmptyRegisters(ev *evaluation.Evaluation) {
	if r := ev.Registers; r != nil && len(r.Intentions)+len(r.Contracts)+len(r.Assets)+len(r.Disclosures) == 0 {
		ev.Registers = nil
	}
}

// paragraphList is a list of paragraphs (the report's problems or
// measures).
func paragraphList(path, title, what, add string, at func(ev *evaluation.Evaluation) *[]string) editList {
	l := editList{Path: path, Title: title, AddLabel: add,
		Note: "每条一段，按顺序印入报告；勾选“删除”的段落在保存时删除。"}
	l.count, l.grow, l.keep = listOf(func(ev *evaluation.Evaluation) []string { return *at(ev) }, at)
	l.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		p := fmt.Sprintf("%s[%d]", path, i)
		g := sec.group(p, fmt.Sprintf("%s第 %d 条", what, i+1), "")
		g.add(editTextField(ekParagraph, p, "内容", fmt.Sprintf("%s第 %d 条", what, i+1), (*at(ev))[i],
			func(ev *evaluation.Evaluation, s string) { (*at(ev))[i] = s }))
	}
	return l
}

// column is one field of a row of a list of records: its key in the
// record, its label, how it is read (kind, options) and where in the
// record it is held.
type column[T any] struct {
	key, label string
	kind       editKind
	options    []editOption
	get        func(r *T) string
	set        func(r *T, v editValue)
}

func textCol[T any](key, label string, at func(r *T) *string) column[T] {
	return column[T]{key: key, label: label, kind: ekText,
		get: func(r *T) string { return *at(r) }, set: func(r *T, v editValue) { *at(r) = v.text }}
}

func choiceCol[T any](key, label string, opts []editOption, at func(r *T) *string) column[T] {
	c := textCol(key, label, at)
	c.kind, c.options = ekChoiceReq, opts
	return c
}

func moneyCol[T any](key, label string, at func(r *T) *money.Fen) column[T] {
	return column[T]{key: key, label: label, kind: ekMoney,
		get: func(r *T) string { return fenInput(*at(r)) }, set: func(r *T, v editValue) { *at(r) = *v.fen }}
}

// dateCol is a date, empty when it has not happened; the section's note
// says how dates are written, so the row stays short.
func dateCol[T any](key, label string, at func(r *T) *civil.Date) column[T] {
	return column[T]{key: key, label: label, kind: ekDate,
		get: func(r *T) string { return dateInput(*at(r)) }, set: func(r *T, v editValue) { *at(r) = v.date }}
}

// boolCol is a 是/否 choice; left empty it is 否.
func boolCol[T any](key, label string, at func(r *T) *bool) column[T] {
	return column[T]{key: key, label: label, kind: ekChoice, options: yesNoOptions,
		get: func(r *T) string { return yesNoInput(*at(r)) }, set: func(r *T, v editValue) { *at(r) = v.text == "true" }}
}

// columnName is a column's label as messages name the field: without
// the unit or the word optional.
var columnName = strings.NewReplacer("（元）", "", "（选填）", "")

// recordList is a list of records shown a row of columns each: what
// names one record in messages ("采购合同"), id what identifies it
// (its number), peek and at as for listOf.
func recordList[T any](path, title, add, note, what string, pageSize int, peek func(ev *evaluation.Evaluation) []T, at func(ev *evaluation.Evaluation) *[]T,
	id func(r *T) string, cols []column[T]) editList {
	l := editList{Path: path, Title: title, AddLabel: add, Note: note, pageSize: pageSize}
	l.count, l.grow, l.keep = listOf(peek, at)
	l.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		r := &peek(ev)[i]
		p := fmt.Sprintf("%s[%d]", path, i)
		name := rowName(what, i, id(r))
		legend := fmt.Sprintf("%s %d", what, i+1)
		g := sec.group(p, legend, "")
		for _, c := range cols {
			f := &editField{Path: p + "." + c.key, Label: c.label, name: name + columnName.Replace(c.label), Kind: c.kind, Value: c.get(r),
				Options: c.options, set: func(ev *evaluation.Evaluation, v editValue) { c.set(&peek(ev)[i], v) }}
			g.add(f)
		}
	}
	return l
}

// registerList is recordList for a register, a page at a time.
func registerList[T any](key, title, add, what string, field func(r *evaluation.Registers) *[]T, id func(r *T) string, cols []column[T]) editList {
	const note = "每页最多显示 50 条；日期格式 YYYY-MM-DD，未发生的留空。勾选“删除”的记录在保存时删除。"
	peek := func(ev *evaluation.Evaluation) []T {
		if ev.Registers == nil {
			return nil
		}
		return *field(ev.Registers)
	}
	at := func(ev *evaluation.Evaluation) *[]T { return field(registers(ev)) }
	return recordList("registers."+key, title, add, note, what, registerPageSize, peek, at, id, cols)
}

// yearEndLists are the lists of the year-end form.
func yearEndLists() []editList {
	type in = evaluation.Income
	income := recordList("finance.income", "收入", "添加收入来源",
		"决算收入，按收入来源逐项填写；名称选填，不填则按收入类型称呼。勾选“删除”的收入来源在保存时删除。", "收入", 0,
		func(ev *evaluation.Evaluation) []in { return ev.Finance.Income }, func(ev *evaluation.Evaluation) *[]in { return &ev.Finance.Income },
		func(r *in) string { return r.Label() }, []column[in]{
			choiceCol("kind", "收入类型", incomeKindOptions, func(r *in) *string { return &r.Kind }),
			textCol("name", "名称（选填）", func(r *in) *string { return &r.Name }),
			moneyCol("amount", "金额（元）", func(r *in) *money.Fen { return &r.Amount }),
		})
	problems := paragraphList("problems", "存在的主要问题", "存在的主要问题", "添加一条问题", func(ev *evaluation.Evaluation) *[]string { return &ev.Problems })
	measures := paragraphList("measures", "下一步改进措施", "下一步改进措施", "添加一条措施", func(ev *evaluation.Evaluation) *[]string { return &ev.Measures })
	return append([]editList{income, problems, measures}, registerLists()...)
}

// registerLists are the four registers, a page at a time.
func registerLists() []editList {
	type (
		it = evaluation.Intention
		ct = evaluation.Contract
		as = evaluation.Asset
		ds = evaluation.Disclosure
	)
	return []editList{
		registerList("intentions", "台账：政府采购意向", "添加采购意向", "采购意向",
			func(r *evaluation.Registers) *[]it { return &r.Intentions }, func(r *it) string { return r.Project }, []column[it]{
				textCol("project", "采购项目", func(r *it) *string { return &r.Project }),
				moneyCol("budget", "预算金额（元）", func(r *it) *money.Fen { return &r.Budget }),
				dateCol("planned_start", "预计采购时间", func(r *it) *civil.Date { return &r.PlannedStart }),
				dateCol("published", "意向公开日期", func(r *it) *civil.Date { return &r.Published }),
			}),
		registerList("contracts", "台账：政府采购合同", "添加采购合同", "采购合同",
			func(r *evaluation.Registers) *[]ct { return &r.Contracts }, func(r *ct) string { return r.Number }, []column[ct]{
				textCol("number", "合同编号", func(r *ct) *string { return &r.Number }),
				textCol("project", "采购项目（选填）", func(r *ct) *string { return &r.Project }),
				textCol("supplier", "供应商", func(r *ct) *string { return &r.Supplier }),
				moneyCol("amount", "合同金额（元）", func(r *ct) *money.Fen { return &r.Amount }),
				boolCol("sme", "是否中小企业", func(r *ct) *bool { return &r.SME }),
				dateCol("awarded", "中标（成交）通知书日期", func(r *ct) *civil.Date { return &r.Awarded }),
				dateCol("signed", "签订日期", func(r *ct) *civil.Date { return &r.Signed }),
				dateCol("published", "合同公告日期", func(r *ct) *civil.Date { return &r.Published }),
				dateCol("filed", "备案日期", func(r *ct) *civil.Date { return &r.Filed }),
			}),
		registerList("assets", "台账：固定资产", "添加固定资产", "固定资产",
			func(r *evaluation.Registers) *[]as { return &r.Assets }, func(r *as) string { return r.Number }, []column[as]{
				textCol("number", "资产编号", func(r *as) *string { return &r.Number }),
				textCol("name", "资产名称", func(r *as) *string { return &r.Name }),
				textCol("category", "资产类别（选填）", func(r *as) *string { return &r.Category }),
				moneyCol("value", "价值（元）", func(r *as) *money.Fen { return &r.Value }),
				dateCol("last_inventory", "最近盘点日期", func(r *as) *civil.Date { return &r.LastInventory }),
				textCol("location", "存放地点（选填）", func(r *as) *string { return &r.Location }),
				boolCol("idle", "是否闲置", func(r *as) *bool { return &r.Idle }),
				boolCol("label_missing", "标签缺失", func(r *as) *bool { return &r.LabelMissing }),
				boolCol("transfer_pending", "待调拨", func(r *as) *bool { return &r.TransferPending }),
			}),
		registerList("disclosures", "台账：信息公开", "添加信息公开记录", "信息公开",
			func(r *evaluation.Registers) *[]ds { return &r.Disclosures }, func(r *ds) string { return r.Title }, []column[ds]{
				choiceCol("kind", "公开类别", disclosureKindOptions, func(r *ds) *string { return &r.Kind }),
				textCol("title", "公开事项（选填）", func(r *ds) *string { return &r.Title }),
				dateCol("approved", "批复日期", func(r *ds) *civil.Date { return &r.Approved }),
				dateCol("published", "公开日期", func(r *ds) *civil.Date { return &r.Published }),
			}),
	}
}

// narrativeGroup adds the report's paragraphs that only a person writes.
func narrativeGroup(sec *editSection, n evaluation.Narrative) {
	g := sec.group("narrative", "报告文字", "每项为报告中的一段文字；留空的部分由系统生成的文字代替或在检查中提示。")
	for _, f := range []struct {
		key, label, value string
		set               func(n *evaluation.Narrative, s string)
	}{
		{"management", "部门整体绩效管理情况", n.Management, func(n *evaluation.Narrative, s string) { n.Management = s }},
		{"target_setting", "目标设定情况", n.TargetSetting, func(n *evaluation.Narrative, s string) { n.TargetSetting = s }},
		{"achievements", "履职效能分析", n.Achievements, func(n *evaluation.Narrative, s string) { n.Achievements = s }},
		{"outlook", "下一步打算", n.Outlook, func(n *evaluation.Narrative, s string) { n.Outlook = s }},
		{"conclusion", "自评结论", n.Conclusion, func(n *evaluation.Narrative, s string) { n.Conclusion = s }},
		{"problems_intro", "存在问题导语", n.ProblemsIntro, func(n *evaluation.Narrative, s string) { n.ProblemsIntro = s }},
		{"measures_intro", "改进措施导语", n.MeasuresIntro, func(n *evaluation.Narrative, s string) { n.MeasuresIntro = s }},
	} {
		g.add(editTextField(ekParagraph, "narrative."+f.key, f.label, "报告文字“"+f.label+"”", f.value,
			func(ev *evaluation.Evaluation, s string) { f.set(&ev.Narrative, s) }))
	}
}
