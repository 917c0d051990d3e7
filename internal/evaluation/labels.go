package evaluation

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// fieldLabels names every field of a data file in the words a finance
// officer uses, by the Go type that holds it and the field's name in the
// file. History and messages show these instead of paths.
var fieldLabels = map[string]string{
	"Evaluation.department": "部门", "Evaluation.year": "年度", "Evaluation.framework": "指标框架",
	"Evaluation.weights": "指标分值设置", "Evaluation.project_framework": "项目指标框架", "Evaluation.illustrative": "示例数据说明",
	"Evaluation.key_tasks": "年度重点工作任务", "Evaluation.overall_goal": "部门整体支出绩效目标", "Evaluation.finance": "收支情况",
	"Evaluation.targets": "绩效目标", "Evaluation.scores": "指标评分", "Evaluation.projects": "项目",
	"Evaluation.registers": "台账", "Evaluation.problems": "存在的主要问题", "Evaluation.measures": "下一步改进措施",
	"Evaluation.narrative": "报告文字", "Evaluation.report": "报告设置", "Evaluation.declaration": "部门绩效目标申报",

	"Declaration.long_term_goal": "部门中长期目标", "Declaration.funds": "部门年度资金", "Declaration.basic": "部门年度资金基本支出",
	"Declaration.project":       "部门年度资金项目支出",
	"Funds.appropriation_local": "财政拨款（本级）", "Funds.appropriation_upper": "财政拨款（上级）", "Funds.own": "自有资金",
	"Funds.other":  "其他资金",
	"Period.start": "开始时间", "Period.end": "结束时间",
	"PlanStep.content": "实施内容", "PlanStep.start": "开始时间", "PlanStep.end": "完成时间",
	"Milestones.q1": "第一季度", "Milestones.q2": "第二季度", "Milestones.q3": "第三季度", "Milestones.q4": "第四季度",

	"Department.name": "部门名称", "Department.short_name": "简称", "Department.code": "预算单位编码",
	"Department.parent": "上级部门", "Department.region": "地区", "Department.functions": "部门职能",
	"Department.organisation": "设置机构情况", "Department.staffing": "人员情况",
	"Staffing.authorised": "编制人数", "Staffing.actual": "实有人数",
	"KeyTasks.intro": "导语", "KeyTasks.items": "任务", "Task.lead": "序语", "Task.text": "任务内容",

	"Finance.income": "收入", "Finance.prior_income": "上年决算收入", "Finance.income_change_reasons": "收入增减原因",
	"Finance.expenditure": "决算支出", "Finance.budget": "预算", "Finance.carryover": "年末结转结余",
	"Finance.sangong": "“三公”经费", "Finance.public_funds": "公用经费", "Finance.stated": "报表合计数",
	"Income.kind": "收入类型", "Income.name": "名称", "Income.amount": "金额",
	"Expenditure.basic": "基本支出", "Expenditure.project": "项目支出",
	"Budget.initial": "年初预算数", "Budget.adjusted": "全年预算数",
	"BudgetActual.budget": "预算数", "BudgetActual.actual": "实际支出", "BudgetActual.prior_actual": "上年实际支出",
	"Sangong.overseas": "因公出国（境）费", "Sangong.vehicle_purchase": "公务用车购置费",
	"Sangong.vehicle_operation": "公务用车运行维护费", "Sangong.reception": "公务接待费",
	"StatedTotals.income": "收入合计", "StatedTotals.expenditure": "支出合计",

	"Target.code": "指标编码", "Target.category": "一级指标", "Target.subcategory": "二级指标", "Target.name": "指标名称",
	"Target.unit": "计量单位", "Target.direction": "指标方向", "Target.target": "年度指标值", "Target.actual": "实际完成值",
	"Target.level": "评价等级", "Target.score": "得分", "Target.points": "分值", "Target.deviation": "偏差原因",
	"Target.deductions": "扣分", "Target.evidence": "佐证材料",
	"Target.basis": "取值依据", "Target.milestones": "季度节点值", "Target.remark": "备注",
	"Target.adjusted": "目标调整", "Adjusted.number": "调整编号", "Adjusted.from": "调整前指标值", "Adjusted.reason": "调整原因",
	"AdjustedFrom.direction": "指标方向", "AdjustedFrom.target": "指标值", "AdjustedFrom.unit": "计量单位",
	"Deduction.points": "扣分", "Deduction.reason": "扣分原因", "Deduction.evidence": "佐证材料",

	"Input.not_applicable": "不适用原因", "Input.checklist": "检查项", "Input.level": "评价等级", "Input.score": "得分",
	"Input.target": "目标值", "Input.actual": "实际值", "Input.reason": "原因", "Input.work": "工作情况",
	"Input.evidence": "佐证材料", "Input.deductions": "扣分",
	"ItemCheck.item": "检查项编码", "ItemCheck.passed": "是否通过", "ItemCheck.deduct": "扣分", "ItemCheck.reason": "原因",
	"ItemCheck.evidence": "佐证材料", "ItemCheck.override": "人工调整原因",

	"Project.name": "项目名称", "Project.code": "项目编码", "Project.unit": "实施单位", "Project.initial": "年初预算数",
	"Project.adjusted": "全年预算数", "Project.executed": "全年执行数", "Project.funding": "资金来源",
	"Project.goal": "年度总体目标", "Project.achieved": "实际完成情况", "Project.targets": "绩效指标", "Project.scores": "指标评分",
	"Project.kind": "项目属性", "Project.supervisor": "主管部门", "Project.manager": "项目负责人",
	"Project.period": "项目起止时间", "Project.funds": "年度资金构成", "Project.period_total": "项目总资金",
	"Project.overview": "项目概况", "Project.basis": "立项依据", "Project.plan": "实施进度计划",
	"Project.long_term_goal": "长期目标",
	"Funding.appropriation":  "当年财政拨款", "Funding.carried_over": "上年结转资金", "Funding.other": "其他资金",

	"Narrative.management": "部门整体绩效管理情况", "Narrative.conclusion": "自评结论", "Narrative.target_setting": "目标设定情况",
	"Narrative.achievements": "履职效能分析", "Narrative.outlook": "下一步打算", "Narrative.problems_intro": "问题导语",
	"Narrative.measures_intro": "措施导语",
	"ReportInfo.label":         "附件标注", "ReportInfo.date": "落款日期", "ReportInfo.share_decimals": "占比小数位数",
	"ReportInfo.growth_decimals": "增幅小数位数",

	"Registers.intentions": "采购意向", "Registers.contracts": "采购合同", "Registers.assets": "固定资产", "Registers.disclosures": "信息公开",
	"Intention.project": "采购项目", "Intention.budget": "预算金额", "Intention.planned_start": "预计采购时间", "Intention.published": "公开日期",
	"Contract.number": "合同编号", "Contract.project": "采购项目", "Contract.supplier": "供应商", "Contract.amount": "合同金额",
	"Contract.sme": "是否中小企业", "Contract.awarded": "中标（成交）通知书日期", "Contract.signed": "签订日期",
	"Contract.published": "公告日期", "Contract.filed": "备案日期",
	"Asset.number": "资产编号", "Asset.name": "资产名称", "Asset.category": "资产类别", "Asset.value": "价值",
	"Asset.idle": "是否闲置", "Asset.last_inventory": "最近盘点日期", "Asset.label_missing": "标签缺失",
	"Asset.location": "存放地点", "Asset.transfer_pending": "待调拨",
	"Disclosure.kind": "公开类别", "Disclosure.title": "公开事项", "Disclosure.approved": "批复日期", "Disclosure.published": "公开日期",
}

// sections are fields that only group others: a label leaves them out
// when it goes on to a field inside ("全年预算数", not "收支情况预算全年预算数").
var sections = map[string]bool{
	"Evaluation.department": true, "Evaluation.finance": true, "Evaluation.narrative": true,
	"Evaluation.report": true, "Evaluation.registers": true, "Evaluation.declaration": true, "Finance.budget": true,
	"Finance.expenditure": true, "Finance.sangong": true, "Finance.stated": true, "Department.staffing": true,
}

// FieldLabel names a data path ("targets[0].actual",
// "finance.income[1].amount", "scores.B5.checklist[0].passed") in words:
// 绩效目标“政务信息被市级以上刊物采用”实际完成值. An element of a list is
// named by what identifies it (a name, number or title), else by its
// place; a path it cannot follow is returned as it is.
func (e *Evaluation) FieldLabel(path string) string {
	v := reflect.ValueOf(e).Elem()
	var out strings.Builder
	rest := path
	for rest != "" {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v = reflect.New(v.Type().Elem()).Elem()
			} else {
				v = v.Elem()
			}
		}
		switch v.Kind() {
		case reflect.Struct:
			name, tail := nextName(rest)
			f, ok := fieldByYAML(v, name)
			if !ok {
				return path
			}
			key := v.Type().Name() + "." + name
			label := fieldLabels[key]
			if label == "" {
				return path
			}
			if !sections[key] || tail == "" {
				out.WriteString(label)
			}
			v, rest = f, tail
		case reflect.Slice:
			i, tail, ok := nextIndex(rest)
			if !ok {
				return path
			}
			if i < v.Len() {
				v = v.Index(i)
				out.WriteString(elementName(v, i))
			} else {
				out.WriteString(fmt.Sprintf("第 %d 项", i+1))
				v = reflect.New(v.Type().Elem()).Elem()
			}
			rest = tail
		case reflect.Map:
			key, tail := mapKey(v, rest)
			if key == "" {
				return path
			}
			out.WriteString("“" + key + "”")
			mv := v.MapIndex(reflect.ValueOf(key))
			if !mv.IsValid() {
				mv = reflect.New(v.Type().Elem()).Elem()
			}
			v, rest = mv, tail
		default:
			return path
		}
	}
	return out.String()
}

// nextName splits "a.b[0]" into "a" and ".b[0]"-less rest "b[0]".
func nextName(p string) (string, string) {
	p = strings.TrimPrefix(p, ".")
	i := strings.IndexAny(p, ".[")
	if i < 0 {
		return p, ""
	}
	return p[:i], strings.TrimPrefix(p[i:], ".")
}

// nextIndex reads "[3]" at the start of p.
func nextIndex(p string) (int, string, bool) {
	if !strings.HasPrefix(p, "[") {
		return 0, "", false
	}
	j := strings.IndexByte(p, ']')
	if j < 0 {
		return 0, "", false
	}
	i, err := strconv.Atoi(p[1:j])
	if err != nil || i < 0 {
		return 0, "", false
	}
	return i, strings.TrimPrefix(p[j+1:], "."), true
}

// mapKey finds the longest key of the map that p starts with, followed by
// the end, "." or "[" (indicator codes may hold dots: "A1.2").
func mapKey(m reflect.Value, p string) (string, string) {
	best := ""
	for _, k := range m.MapKeys() {
		s := k.String()
		if strings.HasPrefix(p, s) && len(s) > len(best) && (len(p) == len(s) || p[len(s)] == '.' || p[len(s)] == '[') {
			best = s
		}
	}
	if best == "" {
		// A key no longer present: take the first segment.
		best, _ = nextName(p)
	}
	return best, strings.TrimPrefix(p[len(best):], ".")
}

func fieldByYAML(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// elementName names a list element by what identifies it.
func elementName(v reflect.Value, i int) string {
	if in, ok := v.Interface().(Income); ok {
		return "“" + in.Label() + "”"
	}
	if v.Kind() == reflect.String {
		return fmt.Sprintf("第 %d 条", i+1)
	}
	if v.Kind() == reflect.Struct {
		for _, f := range []string{"Name", "Number", "Title", "Project", "Item", "Code", "Content"} {
			if fv := v.FieldByName(f); fv.IsValid() && fv.Kind() == reflect.String && fv.String() != "" {
				return "“" + fv.String() + "”"
			}
		}
	}
	return fmt.Sprintf("第 %d 项", i+1)
}
