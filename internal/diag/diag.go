// Package diag is the one vocabulary for what is wrong with a data file or
// a framework: a finding has a stable code, a severity, the field path it
// concerns and, once an edge has matched the path to the source, the file
// and line. Every code is documented in docs/checks.md.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Severity of a finding.
type Severity string

const (
	Error   Severity = "error"   // the data cannot be scored or reported as is
	Warning Severity = "warning" // likely a mistake; scoring proceeds
	Info    Severity = "info"    // noted, such as a rounding difference
)

// Label is the severity in the words users read: 错误, 警告, 提示.
func (s Severity) Label() string {
	switch s {
	case Error:
		return "错误"
	case Warning:
		return "警告"
	case Info:
		return "提示"
	}
	return string(s)
}

// Codes. Errors start with E, warnings with W, notes with I. Codes are
// stable: tools and people refer to them; never reuse a retired one.
const (
	Syntax          = "E100" // the file is not valid YAML or JSON
	UnknownField    = "E101" // a field the format does not have
	BadValue        = "E102" // a value of the wrong type or form
	Missing         = "E103" // a required field is absent or empty
	BadChoice       = "E104" // a value outside its allowed set
	Duplicate       = "E105" // a code or name used twice
	PointsSum       = "E110" // parts' points do not add up to their whole
	UnknownRef      = "E111" // a reference to an indicator, item or framework that does not exist
	BadRule         = "E112" // a rule or its parameters are wrong
	ScoreAbove      = "E120" // a score above the points available
	NoReason        = "E121" // points lost without a reason
	NotApplicable   = "E122" // a required indicator marked not applicable
	ComputedItem    = "E123" // an entry for an item the registers decide, without an override reason
	Overruled       = "I142" // a result computed from the registers overruled by the officer, with a reason
	TotalMismatch   = "E140" // parts do not add up to a stated total
	RoundingDiff    = "I141" // parts differ from a stated total only by rounding
	Ignored         = "W101" // something in a workbook the format does not have, ignored
	NoDeviation     = "W130" // a target missed or exceeded without a stated cause
	NoEvidence      = "W131" // points awarded in full with no evidence cited
	ExecutionLow    = "W150" // execution rate below the warning line
	NarrativeAbsent = "W160" // a report paragraph a person should write is empty
	BadText         = "E170" // a text with a character its kind forbids (control, bidirectional, invalid UTF-8)
	TextTooLong     = "E171" // a text longer than its kind allows
	MasterKept      = "W172" // department master data differs from the registered one, which is kept

	// Target quality (绩效目标质量审核), by the rules file's checks.
	QualityOutputs      = "W190" // a project lacks output indicators of a required class
	QualityEffects      = "W191" // a project has too few effect indicators
	QualitySatisfaction = "W192" // a project serving people has no satisfaction indicator
	QualityQuantitative = "W193" // a quantitative indicator without unit or value
	QualityTrivial      = "W194" // a target that cannot fail ("≥0", every indicator "=100%")
	QualityCost         = "W195" // a cost indicator above the project's budget
	QualityMilestones   = "W196" // before year end, a project's quantitative indicator without quarterly milestones
	QualityBelowPrior   = "W197" // a "≥" target below last year's actual, without a remark saying why
	YearEndEarly        = "E184" // a year-end value entered before the evaluation stage
	NotDeclared         = "W182" // an indicator or project that is in no approved baseline
	BaselineKept        = "W183" // a frozen declared field differed in a write; the approved value was kept
	ExanteMissing       = "W186" // a new project from the ex-ante threshold without a concluded, supported ex-ante evaluation
	RectificationOpen   = "W187" // a rectification item of an earlier year not yet closed
	// Ex-ante evaluation (事前绩效评估) records.
	ExanteNotNeeded    = "I210" // the proposal needs no ex-ante evaluation by its kind and amount
	ExanteAssessor     = "E210" // the assessor is not the one the amount requires
	ConclusionNoReason = "E211" // a stated conclusion differs from the score's, without a reason
	ConclusionStated   = "I211" // a stated conclusion differs from the score's, with a reason
	DeclaredFunds      = "E188" // declared funds do not add up to the budget they split
	DeclaredDates      = "E189" // a project period that misses the year, or a plan step that ends before it starts
	Milestones         = "E212" // quarterly milestones on a qualitative indicator, or decreasing for a ≥ indicator

	// Checkpoint reports (绩效目标执行监控), checked by monitor.ValidateCheckpoint.
	CheckpointMonth       = "E230" // checkpoint month outside 1–12
	CheckpointUnknown     = "E231" // a row for a project or indicator not declared, or given twice
	CheckpointNotNumber   = "E232" // progress or expected value of a quantitative indicator not a number
	CheckpointChoice      = "E233" // a cause or likelihood outside its set
	CheckpointNoCause     = "E234" // behind or in doubt without a cause and an explanation
	CheckpointIncomplete  = "E235" // a submission without a declared indicator's or project's entries
	CheckpointSpending    = "E236" // expected full-year spending negative
	CheckpointMilestone   = "W230" // progress behind the milestone due by the checkpoint
	CheckpointContradicts = "W231" // 确定能 while the expected value misses the target
	CheckpointOverBudget  = "W232" // expected full-year spending above the initial budget
	CheckpointOtherCause  = "W233" // cause 其他 ticked without an explanation
)

// Finding is one thing found.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Path     string   `json:"path,omitempty"`
	Message  string   `json:"message"`
}

func (f Finding) String() string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(f.File)
		if f.Line > 0 {
			fmt.Fprintf(&b, ":%d", f.Line)
		}
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%s %s", f.Code, f.Severity.Label())
	if f.Path != "" {
		fmt.Fprintf(&b, " [%s]", f.Path)
	}
	b.WriteString(": ")
	b.WriteString(f.Message)
	return b.String()
}

// List is every finding of a run. As an error it reads as one line per
// finding followed by a count.
type List []Finding

// Add appends a finding whose severity follows from its code's letter.
func (l *List) Add(code, path, format string, a ...any) {
	*l = append(*l, Finding{Code: code, Severity: severityOf(code), Path: path, Message: fmt.Sprintf(format, a...)})
}

func severityOf(code string) Severity {
	switch {
	case strings.HasPrefix(code, "W"):
		return Warning
	case strings.HasPrefix(code, "I"):
		return Info
	}
	return Error
}

// Errors returns only the findings of error severity.
func (l List) Errors() List { return l.filter(func(f Finding) bool { return f.Severity == Error }) }

// WithCode returns only the findings with the code.
func (l List) WithCode(code string) List {
	return l.filter(func(f Finding) bool { return f.Code == code })
}

func (l List) filter(keep func(Finding) bool) List {
	var out List
	for _, f := range l {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// Err returns the list's errors as an error, or nil when there are none.
func (l List) Err() error {
	if e := l.Errors(); len(e) > 0 {
		return e
	}
	return nil
}

// Sort orders findings by file, line, then path, so output is stable.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Path < b.Path
	})
}

func (l List) Error() string {
	var b strings.Builder
	for _, f := range l {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "✗ %d 个错误", len(l.Errors()))
	return b.String()
}

// Prefix returns the list with prefix prepended to every path, for
// findings of a part checked on its own.
func (l List) Prefix(prefix string) List {
	if prefix == "" {
		return l
	}
	out := make(List, len(l))
	for i, f := range l {
		if f.Path == "" {
			f.Path = prefix
		} else if strings.HasPrefix(f.Path, "[") {
			f.Path = prefix + f.Path
		} else {
			f.Path = prefix + "." + f.Path
		}
		out[i] = f
	}
	return out
}

// Documented lists every code with its one-line meaning; docs/checks.md
// must describe each (a test holds it to that).
var Documented = map[string]string{
	Syntax: "文件不是合法的 YAML/JSON", UnknownField: "未知字段", BadValue: "取值类型或格式错误",
	Missing: "缺少必填字段", BadChoice: "取值不在允许范围内", Duplicate: "编码或名称重复",
	PointsSum: "分值合计不符", UnknownRef: "引用的指标、检查项或框架不存在", BadRule: "评分规则或参数错误",
	ScoreAbove: "得分超过分值", NoReason: "扣分未说明原因", NotApplicable: "必评指标被标为不适用",
	ComputedItem: "台账自动评定的检查项被人工填写但未说明调整原因", Overruled: "台账评定结果被人工调整（附原因）",
	TotalMismatch: "分项与合计不符", RoundingDiff: "分项与合计仅有舍入差异",
	Ignored: "工作簿中未知的工作表、列或行已忽略", NoDeviation: "目标未完成或大幅超出但未说明偏差原因", NoEvidence: "满分但未列佐证材料",
	ExecutionLow: "预算执行率低于预警线", NarrativeAbsent: "报告中应由人撰写的段落为空",
	BadText: "文本包含不允许的字符", TextTooLong: "文本超过长度上限", MasterKept: "部门登记信息与系统登记不一致，以系统登记为准",
	QualityOutputs: "项目缺少规定类别的产出指标", QualityEffects: "项目效益指标不足", QualitySatisfaction: "面向服务对象的项目缺少满意度指标",
	QualityQuantitative: "定量指标缺少度量单位或指标值", QualityTrivial: "指标值无法反映绩效（≥0 或全部 =100%）", QualityCost: "成本指标超过项目预算",
	QualityMilestones: "定量指标未设季度节点值", QualityBelowPrior: "“≥”指标值低于上年实际完成值且未说明原因",
	YearEndEarly: "年终自评开始前填写了年终数据",
	NotDeclared:  "指标未经申报（不在批复的绩效目标中）", BaselineKept: "批复的绩效目标与上传数据不一致，以批复为准",
	ExanteMissing:     "新增项目达到金额标准但未取得予以支持的事前绩效评估结论",
	RectificationOpen: "以前年度的整改事项尚未销号",
	ExanteNotNeeded:   "按项目类型和金额无须开展事前绩效评估", ExanteAssessor: "事前绩效评估的评估主体与金额要求不符",
	ConclusionNoReason: "评估结论与得分对应的结论不同且未说明理由", ConclusionStated: "评估结论与得分对应的结论不同（附理由）",
	DeclaredFunds: "申报资金构成与预算数不符", DeclaredDates: "项目起止时间或实施进度计划的日期有误",
	Milestones:      "季度节点值设置有误",
	CheckpointMonth: "监控月份无效", CheckpointUnknown: "监控表填报了未申报或重复的项目、指标",
	CheckpointNotNumber: "定量指标的执行情况或预计完成情况不是数值", CheckpointChoice: "偏差原因或完成可能性不在允许范围内",
	CheckpointNoCause: "进度落后或可能无法完成但未说明偏差原因", CheckpointIncomplete: "提交的监控表缺少必填内容",
	CheckpointSpending: "全年预计执行数为负数", CheckpointMilestone: "执行进度未达到季度节点值",
	CheckpointContradicts: "预计完成情况未达到指标值却选择“确定能”", CheckpointOverBudget: "全年预计执行数超过年初预算数",
	CheckpointOtherCause: "偏差原因选择“其他”但未说明",
}
