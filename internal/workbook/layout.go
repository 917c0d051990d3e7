package workbook

import (
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
)

// ---------------------------------------------------------------------------
// 基本情况: label | 引导语 | 内容 | 填写说明
// ---------------------------------------------------------------------------

var basicCols = []column{
	{key: "label", header: "项目", width: 24, kind: inFixed},
	{key: "lead", header: "引导语", width: 9, kind: inText},
	{key: "value", header: "内容", width: 80, kind: inText},
	{key: "hint", header: "填写说明", width: 40, kind: inNote},
}

type fieldKind int

const (
	fText  fieldKind = iota // one text
	fInt                    // one whole number
	fList                   // one text per row; the label repeats
	fTasks                  // 引导语 and 内容 per row; the label repeats
)

// basicField is one labelled row (or list of rows) of 基本情况.
type basicField struct {
	label string
	path  string
	kind  fieldKind
	hint  string
	rows  int // rows a list gets in an empty workbook

	get func(*evaluation.Evaluation) string
	set func(*evaluation.Evaluation, string)
}

func textField(label, path, hint string, p func(*evaluation.Evaluation) *string) basicField {
	return basicField{label: label, path: path, kind: fText, hint: hint,
		get: func(e *evaluation.Evaluation) string { return *p(e) },
		set: func(e *evaluation.Evaluation, s string) { *p(e) = s }}
}

const (
	labelFunctions  = "部门职能"
	labelTasks      = "重点工作任务"
	labelYear       = "年度"
	labelAuth       = "编制人数"
	labelActual     = "实有人数"
	labelFramework  = "指标框架"
	labelPFramework = "项目评价框架"
	labelDate       = "落款日期"
)

var basicFields = []basicField{
	textField("部门名称", "department.name", "必填：预算单位全称", func(e *evaluation.Evaluation) *string { return &e.Department.Name }),
	textField("部门简称", "department.short_name", "报告中的自称，如“我办”“我局”；不填则用“本部门”", func(e *evaluation.Evaluation) *string { return &e.Department.ShortName }),
	textField("预算单位编码", "department.code", "必填：按预算单位编码原样填写（保留开头的 0）", func(e *evaluation.Evaluation) *string { return &e.Department.Code }),
	textField("上级部门", "department.parent", "", func(e *evaluation.Evaluation) *string { return &e.Department.Parent }),
	textField("地区", "department.region", "如“广州市天河区”", func(e *evaluation.Evaluation) *string { return &e.Department.Region }),
	{label: labelYear, path: "year", kind: fInt, hint: "必填：四位数字，如 2023"},
	textField(labelFramework, "framework", "必填：部门整体评价所用指标框架编号，模板已预填，一般不改", func(e *evaluation.Evaluation) *string { return &e.Framework }),
	textField(labelPFramework, "project_framework", "项目评价所用指标框架编号；不填则为 cn-project-2020", func(e *evaluation.Evaluation) *string { return &e.ProjectFramework }),
	textField("部门整体支出绩效目标", "overall_goal", "必填：年度部门整体支出绩效目标", func(e *evaluation.Evaluation) *string { return &e.OverallGoal }),
	{label: "中长期目标", path: "declaration.long_term_goal", kind: fText, hint: "申报时填写：部门中长期目标（可选）",
		get: func(e *evaluation.Evaluation) string {
			if e.Declaration == nil {
				return ""
			}
			return e.Declaration.LongTermGoal
		},
		set: func(e *evaluation.Evaluation, s string) { declarationOf(e).LongTermGoal = s }},
	{label: labelFunctions, path: "department.functions", kind: fList, rows: 10, hint: "必填：每行一项职能，报告中依次编号"},
	textField("设置机构及人员情况", "department.organisation", "内设机构和下属单位情况（可选）", func(e *evaluation.Evaluation) *string { return &e.Department.Organisation }),
	{label: labelAuth, path: "department.staffing.authorised", kind: fInt, hint: "编制人数（人），与实有人数一并填写"},
	{label: labelActual, path: "department.staffing.actual", kind: fInt, hint: "实有人数（人）"},
	textField("重点工作任务引言", "key_tasks.intro", "任务前的引导句（可选），如“2023年工作任务：”", func(e *evaluation.Evaluation) *string { return &e.KeyTasks.Intro }),
	{label: labelTasks, path: "key_tasks.items", kind: fTasks, rows: 6, hint: "必填：每行一项；“引导语”填“一是”“二是”等（报告中加粗），“内容”填任务"},
	textField("部门整体绩效管理情况", "narrative.management", "报告“部门整体绩效管理情况”段落", func(e *evaluation.Evaluation) *string { return &e.Narrative.Management }),
	textField("自评结论", "narrative.conclusion", "自评结论的开头；得分和等级由程序生成接在其后", func(e *evaluation.Evaluation) *string { return &e.Narrative.Conclusion }),
	textField("绩效目标设定情况", "narrative.target_setting", "整体绩效目标如何设定和监控（可选）", func(e *evaluation.Evaluation) *string { return &e.Narrative.TargetSetting }),
	textField("履职成效", "narrative.achievements", "年度履职成效（履职效能分析）", func(e *evaluation.Evaluation) *string { return &e.Narrative.Achievements }),
	textField("下一步打算", "narrative.outlook", "履职效能分析的结尾（可选）", func(e *evaluation.Evaluation) *string { return &e.Narrative.Outlook }),
	textField("问题引言", "narrative.problems_intro", "“存在的主要问题”一节的引导句（可选）", func(e *evaluation.Evaluation) *string { return &e.Narrative.ProblemsIntro }),
	textField("措施引言", "narrative.measures_intro", "“下一步改进措施”一节的引导句（可选）", func(e *evaluation.Evaluation) *string { return &e.Narrative.MeasuresIntro }),
	textField("附件标识", "report.label", "报告左上角的附件标识，如“附件2”（可选）", func(e *evaluation.Evaluation) *string { return &e.Report.Label }),
	textField(labelDate, "report.date", "落款日期（可选），如“2024年3月15日”", func(e *evaluation.Evaluation) *string { return &e.Report.Date }),
	textField("示例说明", "illustrative", "仅示例数据填写，说明哪些数据为虚构；正式填报请留空", func(e *evaluation.Evaluation) *string { return &e.Illustrative }),
}

// ---------------------------------------------------------------------------
// 收支情况: label | 收入类型 | 名称或说明 | 金额或预算数（元） | 实际数（元） | 上年实际数（元） | 填写说明
// ---------------------------------------------------------------------------

var financeCols = []column{
	{key: "label", header: "项目", width: 26, kind: inFixed},
	{key: "kind", header: "收入类型", width: 28, kind: inText},
	{key: "name", header: "名称或说明", width: 40, kind: inText},
	{key: "amount", header: "金额或预算数（元）", width: 20, kind: inMoney},
	{key: "actual", header: "实际数（元）", width: 18, kind: inMoney},
	{key: "prior", header: "上年实际数（元）", width: 18, kind: inMoney},
	{key: "hint", header: "填写说明", width: 36, kind: inNote},
}

type financeKind int

const (
	finSection financeKind = iota // a section title with its own column captions
	finIncome                     // 收入类型 | 名称 | 金额, repeated
	finReason                     // a text in 名称或说明, repeated
	finAmount                     // one amount
	finTriple                     // 预算数 | 实际数 | 上年实际数
)

// financeRow is one labelled row (or list) of 收支情况.
type financeRow struct {
	label    string
	kind     financeKind
	path     string
	hint     string
	captions []string // finSection: captions of columns B to F
	rows     int      // lists: rows in an empty workbook
}

const (
	labelIncome      = "收入"
	labelPriorIncome = "上年收入"
	labelReason      = "收入增减原因"
	labelBasic       = "基本支出"
	labelProject     = "项目支出"
	labelInitial     = "年初预算数"
	labelAdjusted    = "全年预算数"
	labelCarryover   = "年末财政拨款结转和结余"
	labelOverseas    = "因公出国（境）费"
	labelVPurchase   = "公务用车购置费"
	labelVOperation  = "公务用车运行维护费"
	labelReception   = "公务接待费"
	labelPublicFunds = "公用经费"
	labelStatedIn    = "收入合计（报告所列）"
	labelStatedOut   = "支出合计（报告所列）"
	labelDeclLocal   = "申报资金：财政拨款（本级）"
	labelDeclUpper   = "申报资金：财政拨款（上级）"
	labelDeclOwn     = "申报资金：自有资金"
	labelDeclOther   = "申报资金：其他资金"
	labelDeclBasic   = "申报资金：基本支出"
	labelDeclProject = "申报资金：项目支出"
)

// declarationOf returns the evaluation's declaration, creating it.
func declarationOf(e *evaluation.Evaluation) *evaluation.Declaration {
	if e.Declaration == nil {
		e.Declaration = &evaluation.Declaration{}
	}
	return e.Declaration
}

var financeRows = []financeRow{
	{label: "一、收入情况", kind: finSection, captions: []string{"收入类型", "收入名称（可选）", "金额（元）", "", ""}},
	{label: labelIncome, kind: finIncome, path: "finance.income", rows: 4, hint: "必填：每个收入来源一行，从下拉列表选择收入类型；名称不填则用收入类型"},
	{label: labelPriorIncome, kind: finAmount, path: "finance.prior_income", hint: "上年决算收入"},
	{label: labelReason, kind: finReason, path: "finance.income_change_reasons", rows: 3, hint: "收入较上年增减的原因，每行一条（可选）"},
	{label: "二、支出和预算", kind: finSection, captions: []string{"", "", "金额（元）", "", ""}},
	{label: labelBasic, kind: finAmount, path: "finance.expenditure.basic", hint: "决算基本支出"},
	{label: labelProject, kind: finAmount, path: "finance.expenditure.project", hint: "决算项目支出"},
	{label: labelInitial, kind: finAmount, path: "finance.budget.initial", hint: "年初预算数"},
	{label: labelAdjusted, kind: finAmount, path: "finance.budget.adjusted", hint: "必填：全年预算数（调整后）"},
	{label: labelCarryover, kind: finAmount, path: "finance.carryover", hint: "年末财政拨款结转和结余；没有填 0"},
	{label: "三、“三公”经费和公用经费", kind: finSection, captions: []string{"", "", "预算数（元）", "实际数（元）", "上年实际数（元）"}},
	{label: labelOverseas, kind: finTriple, path: "finance.sangong.overseas", hint: "“三公”经费四项一并填写；上年实际数可不填"},
	{label: labelVPurchase, kind: finTriple, path: "finance.sangong.vehicle_purchase"},
	{label: labelVOperation, kind: finTriple, path: "finance.sangong.vehicle_operation"},
	{label: labelReception, kind: finTriple, path: "finance.sangong.reception"},
	{label: labelPublicFunds, kind: finTriple, path: "finance.public_funds", hint: "公用经费预算数和实际数"},
	{label: "四、报告所列合计（可选）", kind: finSection, captions: []string{"", "", "金额（元）", "", ""}},
	{label: labelStatedIn, kind: finAmount, path: "finance.stated.income", hint: "报告中印出的收入合计，用于核对分项之和；可填“3308.63万元”"},
	{label: labelStatedOut, kind: finAmount, path: "finance.stated.expenditure", hint: "报告中印出的支出合计"},
	{label: "五、年度资金申报（可选）", kind: finSection, captions: []string{"", "", "金额（元）", "", ""}},
	{label: labelDeclLocal, kind: finAmount, path: "declaration.funds.appropriation_local", hint: "申报时填写：年度资金按来源填写，四项合计须等于年初预算数"},
	{label: labelDeclUpper, kind: finAmount, path: "declaration.funds.appropriation_upper"},
	{label: labelDeclOwn, kind: finAmount, path: "declaration.funds.own"},
	{label: labelDeclOther, kind: finAmount, path: "declaration.funds.other"},
	{label: labelDeclBasic, kind: finAmount, path: "declaration.basic", hint: "年度资金中的基本支出，与项目支出合计须等于年初预算数"},
	{label: labelDeclProject, kind: finAmount, path: "declaration.project"},
}

// ---------------------------------------------------------------------------
// 绩效目标 and 项目绩效指标
// ---------------------------------------------------------------------------

var targetCols = []column{
	{key: "code", header: "编码", width: 8, kind: inText},
	{key: "category", header: "一级指标", width: 12, kind: inText, list: categoryNames},
	{key: "subcategory", header: "二级指标", width: 18, kind: inText, list: subcategoryNames()},
	{key: "name", header: "三级指标", width: 32, kind: inText},
	{key: "unit", header: "计量单位", width: 9, kind: inText},
	{key: "direction", header: "指标方向", width: 9, kind: inText, list: directionNames, prompt: "≥ 越大越好；≤ 越小越好；= 等于目标；定性 按评价等级"},
	{key: "target", header: "年度指标值", width: 16, kind: inText},
	{key: "basis", header: "取值依据", width: 10, kind: inText, list: basisNames(), prompt: "申报时填写：指标值依据的标准"},
	{key: "q1", header: "一季度节点值", width: 10, kind: inText, prompt: milestonePrompt},
	{key: "q2", header: "二季度节点值", width: 10, kind: inText, prompt: milestonePrompt},
	{key: "q3", header: "三季度节点值", width: 10, kind: inText, prompt: milestonePrompt},
	{key: "q4", header: "四季度节点值", width: 10, kind: inText, prompt: milestonePrompt},
	{key: "remark", header: "备注", width: 16, kind: inText},
	{key: "actual", header: "实际完成值", width: 16, kind: inText},
	{key: "level", header: "评价等级", width: 10, kind: inText, list: levelNames, prompt: "仅定性指标填写"},
	{key: "score", header: "自评得分", width: 9, kind: inNumber, prompt: "仅定性指标可填，不填取该等级区间上限"},
	{key: "points", header: "分值", width: 7, kind: inNumber, prompt: "不填则同类指标平分"},
	{key: "deviation", header: "偏差原因", width: 32, kind: inText},
	{key: "evidence", header: "佐证材料", width: 32, kind: inText, prompt: "多项用“；”分隔"},
	{key: "ded", header: "酌情扣分", width: 9, kind: inNumber},
	{key: "ded_reason", header: "扣分原因", width: 24, kind: inText},
	{key: "ded_evidence", header: "扣分佐证", width: 24, kind: inText, prompt: "多项用“；”分隔"},
}

// quarterKeys are the keys of the milestone columns.
var quarterKeys = [4]string{"q1", "q2", "q3", "q4"}

// milestonePrompt explains the quarterly milestone columns.
const milestonePrompt = "申报时填写：截至该季度末应达到的累计值；仅定量指标（≥、≤、=）填写，可只填部分季度"

var projectLinkCols = []column{
	{key: "project", header: "项目编码", width: 16, kind: inText, prompt: "填写“项目”表中的项目编码；项目没有编码的填项目名称"},
	{key: "project_name", header: "项目名称", width: 26, kind: inText},
}

var projectTargetCols = append(append([]column{}, projectLinkCols...), targetCols...)

// ---------------------------------------------------------------------------
// 指标评分 and 项目指标评分
// ---------------------------------------------------------------------------

var scoreCols = []column{
	{key: "code", header: "指标编码", width: 9, kind: inText},
	{key: "name", header: "指标名称", width: 18, kind: inFixed},
	{key: "item", header: "检查项编码", width: 10, kind: inText},
	{key: "text", header: "检查内容", width: 44, kind: inFixed},
	{key: "max", header: "分值", width: 7, kind: inFixed},
	{key: "passed", header: "是否通过", width: 9, kind: inText, list: passedNames},
	{key: "deduct", header: "部分扣分", width: 9, kind: inNumber, prompt: "未通过时只扣部分分值的填写扣分；不填扣全部分值"},
	{key: "reason", header: "扣分原因", width: 30, kind: inText},
	{key: "evidence", header: "佐证材料", width: 30, kind: inText, prompt: "多项用“；”分隔"},
	{key: "na", header: "不适用原因", width: 22, kind: inText, prompt: "指标不适用时填写原因，其分值转给同级指标"},
	{key: "score", header: "评定得分", width: 9, kind: inNumber},
	{key: "level", header: "评价等级", width: 10, kind: inText, list: levelNames},
	{key: "work", header: "工作情况", width: 44, kind: inText, prompt: "报告中该指标段落的工作情况"},
	{key: "target", header: "目标值", width: 9, kind: inText},
	{key: "actual", header: "实际值", width: 9, kind: inText},
	{key: "weight", header: "调整分值", width: 9, kind: inNumber, prompt: "按财政部门要求调整该指标分值时填写，同级合计须不变"},
	{key: "ded", header: "酌情扣分", width: 9, kind: inNumber},
	{key: "ded_reason", header: "酌情扣分原因", width: 24, kind: inText},
	{key: "ded_evidence", header: "酌情扣分佐证", width: 24, kind: inText, prompt: "多项用“；”分隔"},
	{key: "override", header: headerOverride, width: 28, kind: inText, prompt: "仅用于“由台账自动评定”的检查项：要改变自动评定结果时，在此说明原因，并填写是否通过等各列"},
}

// headerOverride heads the column of ItemCheck.Override.
const headerOverride = "调整原因（override）"

var projectScoreCols = func() []column {
	out := append([]column{}, projectLinkCols...)
	for _, c := range scoreCols {
		if c.key != "weight" {
			out = append(out, c)
		}
	}
	return out
}()

// ---------------------------------------------------------------------------
// 项目, 问题与措施
// ---------------------------------------------------------------------------

var projectCols = []column{
	{key: "name", header: "项目名称", width: 30, kind: inText},
	{key: "code", header: "项目编码", width: 16, kind: inText},
	{key: "unit", header: "实施单位", width: 20, kind: inText},
	{key: "initial", header: "年初预算数（元）", width: 17, kind: inMoney},
	{key: "adjusted", header: "全年预算数（元）", width: 17, kind: inMoney},
	{key: "executed", header: "全年执行数（元）", width: 17, kind: inMoney},
	{key: "appropriation", header: "当年财政拨款（元）", width: 17, kind: inMoney},
	{key: "carried", header: "上年结转资金（元）", width: 17, kind: inMoney},
	{key: "other", header: "其他资金（元）", width: 17, kind: inMoney},
	{key: "goal", header: "预期目标", width: 40, kind: inText},
	{key: "achieved", header: "实际完成情况", width: 40, kind: inText},
}

// 项目申报: a project's declared fields (项目支出绩效目标申报表), one row a
// project, linked to 项目 by code or name; 实施进度计划: its steps, one
// row a step.
var declarationCols = append(append([]column{}, projectLinkCols...),
	column{key: "kind", header: "项目属性", width: 9, kind: inText, list: kindNames},
	column{key: "supervisor", header: "主管部门", width: 20, kind: inText, prompt: "不填则为本部门"},
	column{key: "manager", header: "项目负责人", width: 10, kind: inText, prompt: "只填姓名，不填电话"},
	column{key: "start", header: "项目开始时间", width: 13, kind: inDate, prompt: "项目起止时间须包含本年度"},
	column{key: "end", header: "项目结束时间", width: 13, kind: inDate, prompt: "项目结束时间；未定的留空"},
	column{key: "period_total", header: "项目总资金（元）", width: 17, kind: inMoney, prompt: "项目整个实施期的资金总额"},
	column{key: "local", header: "财政拨款本级（元）", width: 17, kind: inMoney, prompt: fundsPrompt},
	column{key: "upper", header: "财政拨款上级（元）", width: 17, kind: inMoney, prompt: fundsPrompt},
	column{key: "own", header: "自有资金（元）", width: 15, kind: inMoney, prompt: fundsPrompt},
	column{key: "other", header: "其他资金（元）", width: 15, kind: inMoney, prompt: fundsPrompt},
	column{key: "overview", header: "项目概况", width: 40, kind: inText},
	column{key: "basis", header: "立项依据", width: 40, kind: inText},
	column{key: "long_term_goal", header: "长期目标", width: 40, kind: inText, prompt: "项目整个实施期的目标；年度目标填在“项目”表的“预期目标”"},
)

// fundsPrompt explains the four columns of declared funds.
const fundsPrompt = "本年度资金按来源填写，四项合计须等于“项目”表的年初预算数"

var planCols = append(append([]column{}, projectLinkCols...),
	column{key: "content", header: "实施内容", width: 40, kind: inText},
	column{key: "start", header: "开始时间", width: 13, kind: inDate, prompt: "填写日期，如 2024-03-01"},
	column{key: "end", header: "完成时间", width: 13, kind: inDate, prompt: "填写日期，如 2024-05-31；完成时间不早于开始时间"},
)

var issueCols = []column{
	{key: "type", header: "类型", width: 12, kind: inText, list: issueNames},
	{key: "text", header: "内容", width: 110, kind: inText},
}

// ---------------------------------------------------------------------------
// Registers (台账): 采购意向, 采购合同, 固定资产, 信息公开
// ---------------------------------------------------------------------------

const datePrompt = "填写日期，如 2023-06-09；尚未发生或不详的留空"

const yesNoPrompt = "选择“是”或“否”；不填视为“否”"

var intentionCols = []column{
	{key: "project", header: "项目名称", width: 30, kind: inText},
	{key: "budget", header: "预算金额（元）", width: 17, kind: inMoney},
	{key: "planned", header: "预计采购时间", width: 14, kind: inDate, prompt: "预计开始采购的日期，如 2023-06-09"},
	{key: "published", header: "意向公开日期", width: 14, kind: inDate, prompt: datePrompt},
}

var contractCols = []column{
	{key: "number", header: "合同编号", width: 20, kind: inText},
	{key: "project", header: "采购项目", width: 28, kind: inText},
	{key: "supplier", header: "供应商", width: 28, kind: inText},
	{key: "amount", header: "合同金额（元）", width: 17, kind: inMoney},
	{key: "sme", header: "是否中小企业", width: 10, kind: inText, list: yesNoNames, prompt: yesNoPrompt},
	{key: "awarded", header: "中标（成交）通知书发出日期", width: 16, kind: inDate, prompt: datePrompt},
	{key: "signed", header: "合同签订日期", width: 14, kind: inDate, prompt: datePrompt},
	{key: "published", header: "合同公告日期", width: 14, kind: inDate, prompt: datePrompt},
	{key: "filed", header: "合同备案日期", width: 14, kind: inDate, prompt: datePrompt},
}

var assetCols = []column{
	{key: "number", header: "资产编号", width: 18, kind: inText},
	{key: "name", header: "资产名称", width: 26, kind: inText},
	{key: "category", header: "资产类别", width: 14, kind: inText},
	{key: "value", header: "价值（元）", width: 16, kind: inMoney},
	{key: "idle", header: "是否闲置", width: 9, kind: inText, list: yesNoNames, prompt: yesNoPrompt},
	{key: "inventory", header: "最近盘点日期", width: 14, kind: inDate, prompt: datePrompt},
	{key: "label_missing", header: "标签缺失", width: 9, kind: inText, list: yesNoNames, prompt: yesNoPrompt},
	{key: "location", header: "存放地点", width: 24, kind: inText},
	{key: "transfer", header: "待调拨", width: 9, kind: inText, list: yesNoNames, prompt: "应调拨给其他单位而尚未调拨的选“是”；不填视为“否”"},
}

var disclosureCols = []column{
	{key: "kind", header: "公开类别", width: 12, kind: inText, list: disclosureNames()},
	{key: "title", header: "标题", width: 36, kind: inText},
	{key: "approved", header: "批复日期", width: 14, kind: inDate, prompt: datePrompt},
	{key: "published", header: "公开日期", width: 14, kind: inDate, prompt: datePrompt},
}

// checkSheet names the register sheet a framework check is decided from.
func checkSheet(c *framework.Check) string {
	switch c.Kind {
	case framework.CheckIntentionLead:
		return SheetIntentions
	case framework.CheckContractSigning, framework.CheckContractPublication, framework.CheckContractFiling, framework.CheckSMEShare:
		return SheetContracts
	case framework.CheckAssetInventory, framework.CheckAssetLabels, framework.CheckAssetTransfers, framework.CheckAssetUtilisation:
		return SheetAssets
	case framework.CheckDisclosure:
		return SheetDisclosures
	}
	return ""
}

// checkNote is added to the 检查内容 of an item the registers decide.
func checkNote(c *framework.Check) string {
	if s := checkSheet(c); s != "" {
		return "【由台账自动评定，依据“" + s + "”表】"
	}
	return "【由台账自动评定】"
}
