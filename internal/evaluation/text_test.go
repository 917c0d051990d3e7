package evaluation

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
)

func TestCheckTextKinds(t *testing.T) {
	long := func(n int) string { return strings.Repeat("字", n) }
	for _, c := range []struct {
		kind TextKind
		s    string
		want string // part of the problem; "" for none
	}{
		{TextCode, "001-A.1", ""},
		{TextCode, "00 1", "空格"},
		{TextCode, "001\u200b", "不可见字符 U+200B"},
		{TextCode, "001\u202e", "双向文字控制字符 U+202E"},
		{TextCode, long(64), ""},
		{TextCode, long(65), "过长（65 个字符，最多 64 个）"},
		{TextName, "广州市天河区 人民政府办公室", ""},
		{TextName, "办公室\x00", "控制字符 U+0000"},
		{TextName, "办公室\n", "不能换行"},
		{TextName, "办公室\u2028", "不能换行"},
		{TextName, "办公室\t", "制表符"},
		{TextName, "\u202e室公办", "U+202E"},
		{TextName, "办公\u2067室", "U+2067"},
		{TextName, "办公室\u200f", "格式字符 U+200F"},
		{TextName, "<script>alert(1)</script>", ""}, // escaped on output, not refused
		{TextName, long(200), ""},
		{TextName, long(201), "过长"},
		{TextName, "\xff\xfe", "UTF-8"},
		{TextLine, "≥ 98%", ""},
		{TextLine, "a\u200fb", ""},
		{TextLine, "a\u202db", "U+202D"},
		{TextLine, "a\rb", "不能换行"},
		{TextLine, "a\x7fb", "U+007F"},
		{TextLine, "a\u0085b", "U+0085"},
		{TextParagraph, "第一段\n第二段\r\n\t第三段", ""},
		{TextParagraph, "段落\x00", "U+0000"},
		{TextParagraph, "段落\x1b[31m", "U+001B"},
		{TextParagraph, "段落\u2066", "U+2066"},
		{TextParagraph, long(20000), ""},
		{TextParagraph, long(20001), "过长"},
	} {
		got := CheckText(c.kind, c.s)
		switch {
		case c.want == "" && got != "":
			t.Errorf("CheckText(%d, %q) = %q, want none", c.kind, c.s, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("CheckText(%d, %q) = %q, want %q", c.kind, c.s, got, c.want)
		}
	}
}

func TestCheckTextLimitsAreConfiguration(t *testing.T) {
	defer func() { Limits = DefaultTextLimits }()
	Limits.Name = 3
	if CheckText(TextName, "四个字符") == "" {
		t.Error("a configured name limit of 3 must refuse 4 characters")
	}
}

// Validate refuses a forbidden character or an over-long text in every
// kind of field, at the field's path and naming it.
func TestValidateText(t *testing.T) {
	for _, c := range []struct {
		path, what, code string
		set              func(e *Evaluation)
	}{
		{"department.name", "部门名称", diag.BadText, func(e *Evaluation) { e.Department.Name = "区政府办\x00" }},
		{"department.name", "部门名称", diag.BadText, func(e *Evaluation) { e.Department.Name = "\u202e办府政区" }},
		{"department.name", "部门名称", diag.BadText, func(e *Evaluation) { e.Department.Name = "区政府办\n财政局" }},
		{"department.name", "部门名称", diag.TextTooLong, func(e *Evaluation) { e.Department.Name = strings.Repeat("办", 201) }},
		{"department.code", "预算单位编码", diag.BadText, func(e *Evaluation) { e.Department.Code = "001\u202e" }},
		{"targets[0].name", "指标名称", diag.BadText, func(e *Evaluation) { e.Targets[0].Name = "办件量\x00" }},
		{"targets[0].name", "指标名称", diag.BadText, func(e *Evaluation) { e.Targets[0].Name = "办件\u202e量" }},
		{"targets[0].name", "指标名称", diag.BadText, func(e *Evaluation) { e.Targets[0].Name = "办件\n量" }},
		{"targets[0].name", "指标名称", diag.TextTooLong, func(e *Evaluation) { e.Targets[0].Name = strings.Repeat("量", 201) }},
		{"targets[0].deviation", "偏差原因", diag.BadText, func(e *Evaluation) { e.Targets[0].Deviation = "原因\x00" }},
		{"narrative.achievements", "履职效能分析", diag.BadText, func(e *Evaluation) { e.Narrative.Achievements = "成效\x00显著" }},
		{"narrative.achievements", "履职效能分析", diag.BadText, func(e *Evaluation) { e.Narrative.Achievements = "成效\u2066显著" }},
		{"narrative.achievements", "履职效能分析", diag.TextTooLong, func(e *Evaluation) { e.Narrative.Achievements = strings.Repeat("成", 20001) }},
		{"scores.B5.reason", "评分理由", diag.BadText, func(e *Evaluation) { e.Scores = map[string]Input{"B5": {Reason: "理由\x07"}} }},
		{"scores.B5\u202e", "评分的指标编码", diag.BadText, func(e *Evaluation) { e.Scores = map[string]Input{"B5\u202e": {}} }},
		{"projects[0].targets[0].name", "指标名称", diag.BadText, func(e *Evaluation) {
			e.Projects = []Project{{Name: "项目", Targets: []Target{{Name: "a\x00", Category: "output", Direction: "qualitative", Target: "好", Level: "met"}}}}
		}},
		{"registers.contracts[0].supplier", "供应商", diag.BadText, func(e *Evaluation) {
			e.Registers = &Registers{Contracts: []Contract{{Number: "1", Supplier: "公司\u202e"}}}
		}},
	} {
		e := base()
		e.Targets = []Target{{Name: "办件量", Category: "output", Direction: ">=", Target: "1", Actual: "1"}}
		if ds := e.Validate(); ds.Err() != nil {
			t.Fatalf("base is not valid: %v", ds)
		}
		c.set(e)
		ds := e.Validate()
		var hit *diag.Finding
		for i, d := range ds {
			if d.Path == c.path && d.Code == c.code {
				hit = &ds[i]
			}
		}
		if hit == nil {
			t.Errorf("%s: no %s finding in %v", c.path, c.code, ds)
			continue
		}
		if hit.Severity != diag.Error || !strings.Contains(hit.Message, c.what) {
			t.Errorf("%s: %s %q should be an error naming %s", c.path, hit.Severity, hit.Message, c.what)
		}
	}
}

func TestKeepMaster(t *testing.T) {
	e := base()
	e.Department.Parent = "区政府"
	m := Master{Name: "广州市天河区人民政府办公室", Parent: "区政府", Region: "天河区"}
	ds := e.KeepMaster(m)
	if len(ds) != 1 || ds[0].Path != "department.name" || ds[0].Code != diag.MasterKept || ds[0].Severity != diag.Warning ||
		!strings.Contains(ds[0].Message, "“区政府办”") || !strings.Contains(ds[0].Message, "“广州市天河区人民政府办公室”") ||
		!strings.Contains(ds[0].Message, "以系统登记为准") {
		t.Errorf("findings: %v", ds)
	}
	if got := MasterOf(e); got != m {
		t.Errorf("evaluation carries %+v, want %+v", got, m)
	}
	if ds := e.KeepMaster(m); len(ds) != 0 {
		t.Errorf("the same master data again: %v", ds)
	}
	e.Department.Region = "越秀区"
	if ds := e.KeepMaster(Master{Name: m.Name, Parent: m.Parent}); len(ds) != 1 || !strings.Contains(ds[0].Message, "（未登记）") || e.Department.Region != "" {
		t.Errorf("an unregistered region: %v, region %q", ds, e.Department.Region)
	}
}
