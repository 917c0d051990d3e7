package framework

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
)

// Conclusions of an ex-ante evaluation (评估结论), best first. Only a
// proposal concluded 予以支持 goes forward with the budget request as it
// is; 调整后予以支持 goes forward once adjusted. An ex-ante framework's
// grade bands carry exactly these names, in this order, so the score
// thresholds are data in the framework file.
const (
	ConclusionSupport  = "support"          // 予以支持
	ConclusionAdjusted = "support_adjusted" // 调整后予以支持
	ConclusionReject   = "reject"           // 不予支持
)

// Conclusions lists the conclusions with their Chinese names, best first.
var Conclusions = []struct{ Code, Name string }{
	{ConclusionSupport, "予以支持"},
	{ConclusionAdjusted, "调整后予以支持"},
	{ConclusionReject, "不予支持"},
}

// ConclusionName is the Chinese name of a conclusion code, or "".
func ConclusionName(code string) string {
	for _, c := range Conclusions {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

// ConclusionCode is the code of a conclusion's Chinese name, or "".
func ConclusionCode(name string) string {
	for _, c := range Conclusions {
		if c.Name == name {
			return c.Code
		}
	}
	return ""
}

// ExanteKinds are the rule kinds an ex-ante framework may use: the ones
// scored from the assessor's entries alone. A proposal has no accounts,
// registers or year-end targets, so rules that read them cannot apply.
var ExanteKinds = []string{KindQualitative, KindChecklist, KindManual}

// validateExante checks what an ex-ante framework needs beyond any
// framework: rules the assessor's entries can score, and grade bands that
// are the three conclusions.
func (f *Framework) validateExante() diag.List {
	var ps diag.List
	var walk func(ins []*Indicator, path string)
	walk = func(ins []*Indicator, path string) {
		for i, in := range ins {
			if in == nil {
				continue
			}
			p := fmt.Sprintf("%s[%d]", path, i)
			walk(in.Children, p+".children")
			if in.Rule == nil {
				continue
			}
			if !slices.Contains(ExanteKinds, in.Rule.Kind) {
				ps.Add(diag.BadRule, p+".rule.kind", "事前绩效评估框架的指标只能用 %s 规则（按评估人填写评分），%s 不能使用 %s", strings.Join(ExanteKinds, "、"), in.Code, in.Rule.Kind)
				continue
			}
			for j, it := range in.Rule.Items {
				if it.Check != nil {
					ps.Add(diag.BadRule, fmt.Sprintf("%s.rule.items[%d].check", p, j), "事前绩效评估没有台账，检查项 %s 不能按台账评定", it.Code)
				}
			}
		}
	}
	walk(f.Indicators, "indicators")
	names := make([]string, len(Conclusions))
	for i, c := range Conclusions {
		names[i] = c.Name
	}
	ok := len(f.Grades) == len(Conclusions)
	for i := 0; ok && i < len(f.Grades); i++ {
		ok = f.Grades[i].Name == names[i]
	}
	if !ok {
		ps.Add(diag.BadChoice, "grades", "事前绩效评估框架的等级应依次为 %s 三个评估结论，各设分数下限", strings.Join(names, "、"))
	}
	return ps
}
