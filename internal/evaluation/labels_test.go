package evaluation

import (
	"reflect"
	"strings"
	"testing"
)

func TestFieldLabel(t *testing.T) {
	e := base()
	e.Targets = []Target{{Name: "政务信息被市级以上刊物采用"}}
	e.Scores = map[string]Input{"B5": {Checklist: []ItemCheck{{Item: "B5.6"}}}, "A1.2": {}}
	e.Projects = []Project{{Name: "会议保障", Targets: []Target{{Name: "会议场次"}}}}
	e.Registers = &Registers{Contracts: []Contract{{Number: "HT-11"}}}
	for path, want := range map[string]string{
		"targets[0].actual":             "绩效目标“政务信息被市级以上刊物采用”实际完成值",
		"finance.income[1].amount":      "收入“其他收入”金额",
		"finance.budget.adjusted":       "全年预算数",
		"scores.B5.checklist[0].passed": "指标评分“B5”检查项“B5.6”是否通过",
		"scores.A1.2.score":             "指标评分“A1.2”得分",
		"projects[0].targets[0].actual": "项目“会议保障”绩效指标“会议场次”实际完成值",
		"registers.contracts[0].filed":  "采购合同“HT-11”备案日期",
		"targets[5].actual":             "绩效目标第 6 项实际完成值",
		"department.name":               "部门名称",
		"narrative.conclusion":          "自评结论",
		"no.such.field":                 "no.such.field",
		"problems[0]":                   "存在的主要问题第 1 条",
	} {
		if got := e.FieldLabel(path); got != want {
			t.Errorf("FieldLabel(%q) = %q, want %q", path, got, want)
		}
	}
}

// Every field of a data file has a label, so that no history row shows a
// path.
func TestEveryFieldHasALabel(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var missing []string
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() != reflect.TypeFor[Evaluation]().PkgPath() {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				continue
			}
			if fieldLabels[t.Name()+"."+name] == "" {
				missing = append(missing, t.Name()+"."+name)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeFor[Evaluation]())
	if len(missing) > 0 {
		t.Errorf("fields without a label: %v", missing)
	}
}
