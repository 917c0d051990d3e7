package web

import (
	"fmt"

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

// yesNoField is a 是/否 choice; left empty it is 否.
func yesNoField(path, label, name string, b bool, set func(ev *evaluation.Evaluation, b bool)) *editField {
	f := editTextField(ekChoice, path, label, name, yesNoInput(b), func(ev *evaluation.Evaluation, s string) { set(ev, s == "true") })
	f.Options = yesNoOptions
	return f
}

// rowName is how messages name row i of a list: 采购合同“HT-1”, or by
// its place when it has nothing naming it yet.
func rowName(what string, i int, id string) string {
	if id != "" {
		return what + "“" + id + "”"
	}
	return fmt.Sprintf("%s第 %d 条", what, i+1)
}

// regDate is a date of a register record; the section's note says how
// dates are written, so the row stays short.
func regDate(path, label, name string, d civil.Date, set func(ev *evaluation.Evaluation, d civil.Date)) *editField {
	f := declDate(path, label, name, d, set)
	f.Hint = ""
	return f
}

// registers returns ev's registers, made when absent.
func registers(ev *evaluation.Evaluation) *evaluation.Registers {
	if ev.Registers == nil {
		ev.Registers = &evaluation.Registers{}
	}
	return ev.Registers
}

// registerList makes the row operations of a register.
func registerList[T any](field func(r *evaluation.Registers) *[]T) (func(*evaluation.Evaluation) int, func(*evaluation.Evaluation), func(*evaluation.Evaluation, []int)) {
	return listOf(func(ev *evaluation.Evaluation) []T {
		if ev.Registers == nil {
			return nil
		}
		return *field(ev.Registers)
	}, func(ev *evaluation.Evaluation) *[]T { return field(registers(ev)) })
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

// yearEndLists are the lists of the year-end form.
func yearEndLists() []editList {
	income := editList{Path: "finance.income", Title: "收入", AddLabel: "添加收入来源",
		Note: "决算收入，按收入来源逐项填写；名称选填，不填则按收入类型称呼。勾选“删除”的收入来源在保存时删除。"}
	income.count, income.grow, income.keep = listOf(func(ev *evaluation.Evaluation) []evaluation.Income { return ev.Finance.Income },
		func(ev *evaluation.Evaluation) *[]evaluation.Income { return &ev.Finance.Income })
	income.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		in := ev.Finance.Income[i]
		p := fmt.Sprintf("finance.income[%d]", i)
		name := rowName("收入", i, in.Label())
		legend := fmt.Sprintf("收入 %d", i+1)
		if in.Label() != "" {
			legend += "：" + in.Label()
		}
		at := func(ev *evaluation.Evaluation) *evaluation.Income { return &ev.Finance.Income[i] }
		g := sec.group(p, legend, "")
		g.add(declChoice(ekChoiceReq, p+".kind", "收入类型", name+"收入类型", in.Kind, incomeKindOptions,
			func(ev *evaluation.Evaluation, s string) { at(ev).Kind = s }))
		g.add(editTextField(ekText, p+".name", "名称（选填）", name+"名称", in.Name,
			func(ev *evaluation.Evaluation, s string) { at(ev).Name = s }))
		g.add(editMoneyField(ekMoney, p+".amount", "金额（元）", name+"金额", fenInput(in.Amount),
			func(ev *evaluation.Evaluation, v *money.Fen) { at(ev).Amount = *v }))
	}

	problems := paragraphList("problems", "存在的主要问题", "存在的主要问题", "添加一条问题", func(ev *evaluation.Evaluation) *[]string { return &ev.Problems })
	measures := paragraphList("measures", "下一步改进措施", "下一步改进措施", "添加一条措施", func(ev *evaluation.Evaluation) *[]string { return &ev.Measures })
	return append([]editList{income, problems, measures}, registerLists()...)
}

// registerLists are the four registers, a page at a time.
func registerLists() []editList {
	const note = "每页最多显示 50 条；日期格式 YYYY-MM-DD，未发生的留空。勾选“删除”的记录在保存时删除。"
	intentions := editList{Path: "registers.intentions", Title: "台账：政府采购意向", AddLabel: "添加采购意向", Note: note, pageSize: registerPageSize}
	intentions.count, intentions.grow, intentions.keep = registerList(func(r *evaluation.Registers) *[]evaluation.Intention { return &r.Intentions })
	intentions.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		r := ev.Registers.Intentions[i]
		p := fmt.Sprintf("registers.intentions[%d]", i)
		name := rowName("采购意向", i, r.Project)
		at := func(ev *evaluation.Evaluation) *evaluation.Intention { return &ev.Registers.Intentions[i] }
		g := sec.group(p, fmt.Sprintf("采购意向 %d", i+1), "")
		g.add(editTextField(ekText, p+".project", "采购项目", name+"采购项目", r.Project,
			func(ev *evaluation.Evaluation, s string) { at(ev).Project = s }))
		g.add(editMoneyField(ekMoney, p+".budget", "预算金额（元）", name+"预算金额", fenInput(r.Budget),
			func(ev *evaluation.Evaluation, v *money.Fen) { at(ev).Budget = *v }))
		g.add(regDate(p+".planned_start", "预计采购时间", name+"预计采购时间", r.PlannedStart,
			func(ev *evaluation.Evaluation, d civil.Date) { at(ev).PlannedStart = d }))
		g.add(regDate(p+".published", "意向公开日期", name+"意向公开日期", r.Published,
			func(ev *evaluation.Evaluation, d civil.Date) { at(ev).Published = d }))
	}

	contracts := editList{Path: "registers.contracts", Title: "台账：政府采购合同", AddLabel: "添加采购合同", Note: note, pageSize: registerPageSize}
	contracts.count, contracts.grow, contracts.keep = registerList(func(r *evaluation.Registers) *[]evaluation.Contract { return &r.Contracts })
	contracts.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		r := ev.Registers.Contracts[i]
		p := fmt.Sprintf("registers.contracts[%d]", i)
		name := rowName("采购合同", i, r.Number)
		at := func(ev *evaluation.Evaluation) *evaluation.Contract { return &ev.Registers.Contracts[i] }
		g := sec.group(p, fmt.Sprintf("采购合同 %d", i+1), "")
		g.add(editTextField(ekText, p+".number", "合同编号", name+"合同编号", r.Number,
			func(ev *evaluation.Evaluation, s string) { at(ev).Number = s }))
		g.add(editTextField(ekText, p+".project", "采购项目（选填）", name+"采购项目", r.Project,
			func(ev *evaluation.Evaluation, s string) { at(ev).Project = s }))
		g.add(editTextField(ekText, p+".supplier", "供应商", name+"供应商", r.Supplier,
			func(ev *evaluation.Evaluation, s string) { at(ev).Supplier = s }))
		g.add(editMoneyField(ekMoney, p+".amount", "合同金额（元）", name+"合同金额", fenInput(r.Amount),
			func(ev *evaluation.Evaluation, v *money.Fen) { at(ev).Amount = *v }))
		g.add(yesNoField(p+".sme", "是否中小企业", name+"是否中小企业", r.SME,
			func(ev *evaluation.Evaluation, b bool) { at(ev).SME = b }))
		for _, d := range []struct {
			key, label string
			get        civil.Date
			set        func(c *evaluation.Contract, d civil.Date)
		}{
			{"awarded", "中标（成交）通知书日期", r.Awarded, func(c *evaluation.Contract, d civil.Date) { c.Awarded = d }},
			{"signed", "签订日期", r.Signed, func(c *evaluation.Contract, d civil.Date) { c.Signed = d }},
			{"published", "合同公告日期", r.Published, func(c *evaluation.Contract, d civil.Date) { c.Published = d }},
			{"filed", "备案日期", r.Filed, func(c *evaluation.Contract, d civil.Date) { c.Filed = d }},
		} {
			g.add(regDate(p+"."+d.key, d.label, name+d.label, d.get,
				func(ev *evaluation.Evaluation, x civil.Date) { d.set(at(ev), x) }))
		}
	}

	assets := editList{Path: "registers.assets", Title: "台账：固定资产", AddLabel: "添加固定资产", Note: note, pageSize: registerPageSize}
	assets.count, assets.grow, assets.keep = registerList(func(r *evaluation.Registers) *[]evaluation.Asset { return &r.Assets })
	assets.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		r := ev.Registers.Assets[i]
		p := fmt.Sprintf("registers.assets[%d]", i)
		name := rowName("固定资产", i, r.Number)
		at := func(ev *evaluation.Evaluation) *evaluation.Asset { return &ev.Registers.Assets[i] }
		g := sec.group(p, fmt.Sprintf("固定资产 %d", i+1), "")
		g.add(editTextField(ekText, p+".number", "资产编号", name+"资产编号", r.Number,
			func(ev *evaluation.Evaluation, s string) { at(ev).Number = s }))
		g.add(editTextField(ekText, p+".name", "资产名称", name+"资产名称", r.Name,
			func(ev *evaluation.Evaluation, s string) { at(ev).Name = s }))
		g.add(editTextField(ekText, p+".category", "资产类别（选填）", name+"资产类别", r.Category,
			func(ev *evaluation.Evaluation, s string) { at(ev).Category = s }))
		g.add(editMoneyField(ekMoney, p+".value", "价值（元）", name+"价值", fenInput(r.Value),
			func(ev *evaluation.Evaluation, v *money.Fen) { at(ev).Value = *v }))
		g.add(regDate(p+".last_inventory", "最近盘点日期", name+"最近盘点日期", r.LastInventory,
			func(ev *evaluation.Evaluation, d civil.Date) { at(ev).LastInventory = d }))
		g.add(editTextField(ekText, p+".location", "存放地点（选填）", name+"存放地点", r.Location,
			func(ev *evaluation.Evaluation, s string) { at(ev).Location = s }))
		g.add(yesNoField(p+".idle", "是否闲置", name+"是否闲置", r.Idle,
			func(ev *evaluation.Evaluation, b bool) { at(ev).Idle = b }))
		g.add(yesNoField(p+".label_missing", "标签缺失", name+"标签缺失", r.LabelMissing,
			func(ev *evaluation.Evaluation, b bool) { at(ev).LabelMissing = b }))
		g.add(yesNoField(p+".transfer_pending", "待调拨", name+"待调拨", r.TransferPending,
			func(ev *evaluation.Evaluation, b bool) { at(ev).TransferPending = b }))
	}

	disclosures := editList{Path: "registers.disclosures", Title: "台账：信息公开", AddLabel: "添加信息公开记录", Note: note, pageSize: registerPageSize}
	disclosures.count, disclosures.grow, disclosures.keep = registerList(func(r *evaluation.Registers) *[]evaluation.Disclosure { return &r.Disclosures })
	disclosures.row = func(sec *editSection, ev *evaluation.Evaluation, i int) {
		r := ev.Registers.Disclosures[i]
		p := fmt.Sprintf("registers.disclosures[%d]", i)
		name := rowName("信息公开", i, r.Title)
		at := func(ev *evaluation.Evaluation) *evaluation.Disclosure { return &ev.Registers.Disclosures[i] }
		g := sec.group(p, fmt.Sprintf("信息公开 %d", i+1), "")
		g.add(declChoice(ekChoiceReq, p+".kind", "公开类别", name+"公开类别", r.Kind, disclosureKindOptions,
			func(ev *evaluation.Evaluation, s string) { at(ev).Kind = s }))
		g.add(editTextField(ekText, p+".title", "公开事项（选填）", name+"公开事项", r.Title,
			func(ev *evaluation.Evaluation, s string) { at(ev).Title = s }))
		g.add(regDate(p+".approved", "批复日期", name+"批复日期", r.Approved,
			func(ev *evaluation.Evaluation, d civil.Date) { at(ev).Approved = d }))
		g.add(regDate(p+".published", "公开日期", name+"公开日期", r.Published,
			func(ev *evaluation.Evaluation, d civil.Date) { at(ev).Published = d }))
	}
	return []editList{intentions, contracts, assets, disclosures}
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
