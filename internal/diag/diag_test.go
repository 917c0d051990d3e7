package diag

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every code the program can emit is documented in docs/checks.md, and
// every code documented there is one the program knows.
func TestEveryCodeDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/checks.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| ([EWI]\d{3}) \|`).FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for code := range Documented {
		if !documented[code] {
			t.Errorf("code %s is not documented in docs/checks.md", code)
		}
	}
	for code := range documented {
		if _, ok := Documented[code]; !ok {
			t.Errorf("docs/checks.md documents %s, which the program does not know", code)
		}
	}
}

func TestListError(t *testing.T) {
	var l List
	l.Add(Missing, "department.name", "缺少%s", "部门名称")
	l.Add(NoDeviation, "targets[0].deviation", "未说明")
	l[0].File, l[0].Line = "a.yaml", 3
	if l.Err() == nil {
		t.Fatal("a list with an error must be an error")
	}
	got := l.Err().Error()
	if !strings.Contains(got, "a.yaml:3: E103 错误 [department.name]: 缺少部门名称") || !strings.Contains(got, "✗ 1 个错误") {
		t.Errorf("error text:\n%s", got)
	}
	if strings.Contains(got, "W130") {
		t.Error("Err must hold only errors")
	}
	if (List{l[1]}).Err() != nil {
		t.Error("warnings alone are not an error")
	}
	p := l.Prefix("projects[1]")
	if p[0].Path != "projects[1].department.name" {
		t.Errorf("prefix: %q", p[0].Path)
	}
}
