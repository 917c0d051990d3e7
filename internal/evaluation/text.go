package evaluation

import (
	"fmt"
	"sort"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/diag"
)

// The rule for text. Every text a person gives the program — a field of a
// data file, a workbook cell, a web form, a name an administrator types —
// is one of four kinds, and each kind has a rule:
//
//   - TextCode: an identifier (预算单位编码, 指标编码): printable
//     characters only, no spaces, no control or invisible formatting
//     characters.
//   - TextName: a name shown in lists and titles (部门名称, 指标名称): one
//     line, no control characters, no invisible formatting characters
//     (bidirectional controls, zero-width characters, U+200E/U+200F): two
//     names that look the same must be the same.
//   - TextLine: a short text on one line (计量单位, 指标值, 佐证材料): no
//     control characters, no bidirectional embeddings, overrides or
//     isolates (U+202A–U+202E, U+2066–U+2069).
//   - TextParagraph: a paragraph (narratives, reasons, comments): line
//     breaks (LF, CR) and tabs allowed, no other control character, no
//     bidirectional embeddings, overrides or isolates.
//
// Every kind must be valid UTF-8 and is at most its limit in characters
// (Limits). NUL is a control character: no kind allows it, so no text the
// checks pass makes PostgreSQL refuse a write. docs/limits-text.md lists
// the rule and the limits.

// TextKind is the kind of a text field.
type TextKind int

// Text kinds.
const (
	TextCode TextKind = iota + 1
	TextName
	TextLine
	TextParagraph
)

// TextLimits are the maximum lengths of the text kinds, in characters
// (Unicode code points).
type TextLimits struct {
	Code, Name, Line, Paragraph int
}

// DefaultTextLimits are the limits unless configured otherwise: a code 64
// characters, a name 200, a line 1,000, a paragraph 20,000 (a long
// narrative section is a few thousand).
var DefaultTextLimits = TextLimits{Code: 64, Name: 200, Line: 1000, Paragraph: 20000}

// Limits are the limits every check applies. It is configuration: an edge
// may set it once when the program starts, before any check runs; it
// defaults to DefaultTextLimits.
var Limits = DefaultTextLimits

// Limit returns the maximum length of the kind, in characters.
func (k TextKind) Limit() int {
	switch k {
	case TextCode:
		return Limits.Code
	case TextName:
		return Limits.Name
	case TextLine:
		return Limits.Line
	}
	return Limits.Paragraph
}

// tooLongFormat is the wording of a text over its limit.
const tooLongFormat = "过长（%d 个字符，最多 %d 个）"

// CheckText checks s against the rule of its kind. It returns the problem
// in Chinese, without naming the field ("包含控制字符 U+0000"), or "" when
// s is acceptable. An empty text is acceptable: whether a field is
// required is checked elsewhere.
func CheckText(kind TextKind, s string) string {
	msg, _ := checkText(kind, s)
	return msg
}

// checkText is CheckText, telling a text over its limit (long) from one
// with a forbidden character.
func checkText(kind TextKind, s string) (msg string, long bool) {
	// Printable ASCII is fine in every kind but a space in a code: it is
	// passed without decoding (the check runs on every field of every
	// import).
	for i := 0; i < len(s); {
		b := s[i]
		if b >= 0x21 && b < 0x7f || b == ' ' && kind != TextCode {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return "不是有效的 UTF-8 文本", false
		}
		i += size
		// CJK punctuation, kana and ideographs, and full-width forms:
		// fine in every kind.
		if r >= 0x3001 && r <= 0x9FFF || r >= 0xFF01 && r <= 0xFFEF {
			continue
		}
		if p := badRune(kind, r); p != "" {
			return p, false
		}
	}
	// A text is at least as many bytes as characters.
	if max := kind.Limit(); max > 0 && len(s) > max {
		if n := utf8.RuneCountInString(s); n > max {
			return fmt.Sprintf(tooLongFormat, n, max), true
		}
	}
	return "", false
}

// isBidiControl reports whether r is a bidirectional embedding, override
// or isolate (U+202A–U+202E, U+2066–U+2069): characters that make text
// display in another order than it is stored.
func isBidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// badRune says what is wrong with r in a text of the kind, or "".
func badRune(kind TextKind, r rune) string {
	switch {
	case isBidiControl(r):
		return fmt.Sprintf("包含双向文字控制字符 U+%04X（会使显示的文字顺序与实际内容不符）", r)
	case r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029:
		if kind == TextParagraph {
			return ""
		}
		return "不能换行"
	case r == '\t':
		if kind == TextParagraph {
			return ""
		}
		return "不能包含制表符"
	case unicode.IsControl(r):
		return fmt.Sprintf("包含控制字符 U+%04X", r)
	}
	switch kind {
	case TextCode:
		if unicode.IsSpace(r) {
			return "不能包含空格"
		}
		if !unicode.IsPrint(r) {
			return fmt.Sprintf("包含不可见字符 U+%04X", r)
		}
	case TextName:
		if unicode.Is(unicode.Cf, r) {
			return fmt.Sprintf("包含不可见的格式字符 U+%04X", r)
		}
	}
	return ""
}

// checkTexts checks every text field of the evaluation against the rule
// of its kind: a finding BadText (a forbidden character) or TextTooLong
// at the field's path, naming the field.
func (e *Evaluation) checkTexts() diag.List {
	c := &textChecker{}
	d := e.Department
	c.check("department.name", "部门名称", TextName, d.Name)
	c.check("department.short_name", "部门简称", TextName, d.ShortName)
	c.check("department.code", "预算单位编码", TextCode, d.Code)
	c.check("department.parent", "主管部门", TextName, d.Parent)
	c.check("department.region", "所属地区", TextName, d.Region)
	c.list("department.functions", "部门职能", TextLine, d.Functions)
	c.check("department.organisation", "机构设置及人员情况", TextParagraph, d.Organisation)
	c.check("framework", "指标框架编号", TextCode, e.Framework)
	c.check("project_framework", "项目指标框架编号", TextCode, e.ProjectFramework)
	for _, k := range sortedKeys(e.Weights) {
		c.check("weights."+k, "权重的指标编码", TextCode, k)
	}
	c.check("illustrative", "示例说明", TextParagraph, e.Illustrative)
	c.check("key_tasks.intro", "重点工作任务引言", TextParagraph, e.KeyTasks.Intro)
	for i, t := range e.KeyTasks.Items {
		p := index("key_tasks.items", i)
		c.checkAt(p, "lead", "任务要点", TextLine, t.Lead)
		c.checkAt(p, "text", "任务内容", TextParagraph, t.Text)
	}
	c.check("overall_goal", "部门整体支出绩效目标", TextParagraph, e.OverallGoal)
	if d := e.Declaration; d != nil {
		c.check("declaration.long_term_goal", "中长期目标", TextParagraph, d.LongTermGoal)
	}
	f := e.Finance
	for i, in := range f.Income {
		p := index("finance.income", i)
		c.checkAt(p, "kind", "收入类型", TextCode, in.Kind)
		c.checkAt(p, "name", "收入名称", TextName, in.Name)
	}
	c.list("finance.income_change_reasons", "收入变动原因", TextParagraph, f.IncomeChangeReasons)
	c.targets("targets", e.Targets)
	c.scores("scores", e.Scores)
	for i, p := range e.Projects {
		pp := index("projects", i)
		c.checkAt(pp, "name", "项目名称", TextName, p.Name)
		c.checkAt(pp, "code", "项目编码", TextCode, p.Code)
		c.checkAt(pp, "unit", "实施单位", TextName, p.Unit)
		c.checkAt(pp, "goal", "项目绩效目标", TextParagraph, p.Goal)
		c.checkAt(pp, "achieved", "项目目标完成情况", TextParagraph, p.Achieved)
		c.checkAt(pp, "kind", "项目属性", TextCode, p.Kind)
		c.checkAt(pp, "supervisor", "主管部门", TextName, p.Supervisor)
		c.checkAt(pp, "manager", "项目负责人", TextName, p.Manager)
		c.checkAt(pp, "overview", "项目概况", TextParagraph, p.Overview)
		c.checkAt(pp, "basis", "立项依据", TextParagraph, p.Basis)
		c.checkAt(pp, "long_term_goal", "长期目标", TextParagraph, p.LongTermGoal)
		for k, s := range p.Plan {
			c.checkAt(index(pp+".plan", k), "content", "实施内容", TextLine, s.Content)
		}
		c.targets(pp+".targets", p.Targets)
		c.scores(pp+".scores", p.Scores)
	}
	if r := e.Registers; r != nil {
		for i, in := range r.Intentions {
			c.checkAt(index("registers.intentions", i), "project", "采购项目名称", TextName, in.Project)
		}
		for i, k := range r.Contracts {
			p := index("registers.contracts", i)
			c.checkAt(p, "number", "合同编号", TextName, k.Number)
			c.checkAt(p, "project", "合同项目名称", TextName, k.Project)
			c.checkAt(p, "supplier", "供应商", TextName, k.Supplier)
		}
		for i, a := range r.Assets {
			p := index("registers.assets", i)
			c.checkAt(p, "number", "资产编号", TextName, a.Number)
			c.checkAt(p, "name", "资产名称", TextName, a.Name)
			c.checkAt(p, "category", "资产类别", TextName, a.Category)
			c.checkAt(p, "location", "存放地点", TextLine, a.Location)
		}
		for i, d := range r.Disclosures {
			p := index("registers.disclosures", i)
			c.checkAt(p, "kind", "公开类别", TextCode, d.Kind)
			c.checkAt(p, "title", "公开标题", TextLine, d.Title)
		}
	}
	c.list("problems", "存在的问题", TextParagraph, e.Problems)
	c.list("measures", "改进措施", TextParagraph, e.Measures)
	n := e.Narrative
	c.check("narrative.management", "部门整体绩效管理情况", TextParagraph, n.Management)
	c.check("narrative.conclusion", "自评结论", TextParagraph, n.Conclusion)
	c.check("narrative.target_setting", "绩效目标设定情况", TextParagraph, n.TargetSetting)
	c.check("narrative.achievements", "履职效能分析", TextParagraph, n.Achievements)
	c.check("narrative.outlook", "下一步工作展望", TextParagraph, n.Outlook)
	c.check("narrative.problems_intro", "存在问题引言", TextParagraph, n.ProblemsIntro)
	c.check("narrative.measures_intro", "改进措施引言", TextParagraph, n.MeasuresIntro)
	c.check("report.label", "报告附件标识", TextLine, e.Report.Label)
	c.check("report.date", "落款日期", TextLine, e.Report.Date)
	return c.ds
}

// CheckTexts returns the findings of the text rule alone (a subset of
// Validate's), for an edge that stores an evaluation it did not validate
// itself.
func (e *Evaluation) CheckTexts() diag.List { return e.checkTexts() }

// textChecker collects the findings of checkTexts.
type textChecker struct{ ds diag.List }

func (c *textChecker) check(path, what string, kind TextKind, s string) {
	c.checkAt(path, "", what, kind, s)
}

// checkAt checks a field at prefix.field (prefix alone when field is
// empty); the path is only built for a finding.
func (c *textChecker) checkAt(prefix, field, what string, kind TextKind, s string) {
	if s == "" {
		return
	}
	msg, long := checkText(kind, s)
	if msg == "" {
		return
	}
	path := prefix
	if field != "" {
		path += "." + field
	}
	if long {
		c.ds.Add(diag.TextTooLong, path, "%s%s", what, msg)
	} else {
		c.ds.Add(diag.BadText, path, "%s%s", what, msg)
	}
}

func (c *textChecker) list(path, what string, kind TextKind, ss []string) {
	for i, s := range ss {
		if msg, _ := checkText(kind, s); msg != "" {
			c.check(index(path, i), what, kind, s)
		}
	}
}

// index is path[i].
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (c *textChecker) evidence(prefix string, ss []string) {
	if len(ss) > 0 {
		c.list(prefix+".evidence", "佐证材料", TextLine, ss)
	}
}

func (c *textChecker) deductions(prefix string, ds []Deduction) {
	for i, d := range ds {
		p := index(prefix+".deductions", i)
		c.checkAt(p, "reason", "扣分原因", TextParagraph, d.Reason)
		c.evidence(p, d.Evidence)
	}
}

func (c *textChecker) targets(path string, ts []Target) {
	for i, t := range ts {
		p := index(path, i)
		c.checkAt(p, "code", "指标编码", TextCode, t.Code)
		c.checkAt(p, "category", "指标类别", TextLine, t.Category)
		c.checkAt(p, "subcategory", "二级指标", TextLine, t.Subcategory)
		c.checkAt(p, "name", "指标名称", TextName, t.Name)
		c.checkAt(p, "unit", "计量单位", TextLine, t.Unit)
		c.checkAt(p, "direction", "指标方向", TextLine, t.Direction)
		c.checkAt(p, "target", "指标值", TextLine, t.Target)
		c.checkAt(p, "actual", "实际完成值", TextLine, t.Actual)
		c.checkAt(p, "level", "评价等级", TextLine, t.Level)
		c.checkAt(p, "deviation", "偏差原因分析及改进措施", TextParagraph, t.Deviation)
		c.checkAt(p, "basis", "取值依据", TextCode, t.Basis)
		c.checkAt(p, "remark", "备注", TextLine, t.Remark)
		if m := t.Milestones; m != nil {
			for q, v := range m.Quarters() {
				c.checkAt(p+".milestones", "q"+strconv.Itoa(q+1), "季度节点值", TextLine, v)
			}
		}
		c.deductions(p, t.Deductions)
		c.evidence(p, t.Evidence)
	}
}

func (c *textChecker) scores(path string, scores map[string]Input) {
	for _, code := range sortedKeys(scores) {
		in := scores[code]
		p := path + "." + code
		c.check(p, "评分的指标编码", TextCode, code)
		c.checkAt(p, "not_applicable", "不适用原因", TextParagraph, in.NotApplicable)
		c.checkAt(p, "level", "评价等级", TextLine, in.Level)
		c.checkAt(p, "reason", "评分理由", TextParagraph, in.Reason)
		c.checkAt(p, "work", "工作开展情况", TextParagraph, in.Work)
		c.evidence(p, in.Evidence)
		c.deductions(p, in.Deductions)
		for i, it := range in.Checklist {
			q := index(p+".checklist", i)
			c.checkAt(q, "item", "检查项编码", TextCode, it.Item)
			c.checkAt(q, "reason", "检查项说明", TextParagraph, it.Reason)
			c.checkAt(q, "override", "调整原因", TextParagraph, it.Override)
			c.evidence(q, it.Evidence)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
