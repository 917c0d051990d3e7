package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The operator's path on the Tianhe example: suggestions name the lost
// points each problem matches, issue --from-problems makes two items
// linked to B5.6 and B6.5/B6.6, the list is an aligned table (and JSON),
// the department's and the bureau's moves run as the operator, every
// misuse is refused in Chinese.
func TestRectifyCommands(t *testing.T) {
	t.Setenv("JIXIAO_DB", filepath.Join(t.TempDir(), "j.db"))
	t.Setenv("JIXIAO_USER", "王审核")
	if _, stderr, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	out, stderr, code := run(t, "rectify", "suggest", "106001", "2023")
	if code != 0 || !strings.Contains(out, "问题 1：政府采购合同备案") || !strings.Contains(out, "对应失分：B5.6") ||
		!strings.Contains(out, "对应失分：B6.5") || !strings.Contains(out, "对应失分：B6.6") || !strings.Contains(out, "T3 政务信息被市级以上刊物采用") {
		t.Fatalf("suggest: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := run(t, "rectify", "issue", "106001", "2023"); code != 2 || !strings.Contains(stderr, "--from-problems 或 --problem") {
		t.Errorf("issue without a source: %d %s", code, stderr)
	}
	out, stderr, code = run(t, "rectify", "issue", "106001", "2023", "--from-problems")
	if code != 0 || !strings.Contains(out, "下达 2023 年度整改事项 2 项") || !strings.Contains(out, "扣分 B6.5（部门整体）、扣分 B6.6（部门整体）") {
		t.Fatalf("issue: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := run(t, "rectify", "issue", "106001", "2023", "--from-problems"); code != 1 || !strings.Contains(stderr, "均已下达") {
		t.Errorf("issuing twice: %d %s", code, stderr)
	}
	if _, stderr, code := run(t, "rectify", "issue", "106001", "2023", "--problem", "x", "--due", "明年"); code != 2 || !strings.Contains(stderr, "--due 的值 \"明年\" 无效") {
		t.Errorf("bad due: %d %s", code, stderr)
	}
	out, _, code = run(t, "rectify", "list", "106001", "2023")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "编号") || !strings.HasPrefix(lines[1], "2023-1") || !strings.Contains(lines[3], "共 2 项") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	// Columns line up by display width: 状态 starts at the same column on every row.
	col := displayWidth(lines[0][:strings.Index(lines[0], "状态")])
	for _, l := range lines[1:3] {
		if i := strings.Index(l, "未整改"); i < 0 || displayWidth(l[:i]) != col {
			t.Errorf("status column misaligned:\n%s", out)
		}
	}
	if _, stderr, code := run(t, "rectify", "list", "106001", "2022"); code == 0 || !strings.Contains(stderr, "2022") {
		t.Errorf("a year not stored: %d %s", code, stderr)
	}

	if _, stderr, code := run(t, "rectify", "move", "106001", "2023", "1", "close"); code != 1 || !strings.Contains(stderr, "未知的整改操作") {
		t.Errorf("unknown action: %d %s", code, stderr)
	}
	if _, stderr, code := run(t, "rectify", "move", "106001", "2023", "1", "confirm"); code != 1 || !strings.Contains(stderr, "不能对“未整改”的整改事项执行“确认销号”") {
		t.Errorf("confirming an open item: %d %s", code, stderr)
	}
	for _, step := range [][]string{
		{"1", "file", "--measure", "建立合同备案台账"},
		{"1", "done", "--evidence", "合同备案登记表|备案表.pdf|穗天办备〔2024〕3号"},
		{"1", "confirm", "--comment", "同意销号"},
	} {
		args := append([]string{"rectify", "move", "106001", "2023"}, step...)
		if out, stderr, code := run(t, args...); code != 0 || !strings.Contains(out, "✓") {
			t.Fatalf("%v: exit %d %s%s", step, code, out, stderr)
		}
	}
	if _, stderr, code := run(t, "rectify", "move", "106001", "2023", "2", "reject"); code != 1 {
		t.Errorf("rejecting an open item: %d %s", code, stderr)
	}
	if _, stderr, code := run(t, "rectify", "move", "106001", "2023", "2", "waive"); code != 1 || !strings.Contains(stderr, "须填写意见或理由") {
		t.Errorf("waiving without a reason: %d %s", code, stderr)
	}

	out, _, code = run(t, "rectify", "list", "--format", "json")
	var got struct {
		Total int `json:"total"`
		Items []struct {
			Number     int    `json:"number"`
			Status     string `json:"status"`
			StatusName string `json:"status_name"`
			Evidence   []struct {
				Text, File, Ref string
			} `json:"evidence"`
			Links []struct {
				Kind, Scope, Node, Trace string
			} `json:"links"`
		} `json:"items"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.Total != 2 {
		t.Fatalf("list json: exit %d\n%s", code, out)
	}
	// Both items, with their statuses in Chinese, evidence and sources.
	byNumber := map[int]string{}
	for _, it := range got.Items {
		byNumber[it.Number] = it.StatusName
	}
	if byNumber[1] != "已销号" || byNumber[2] != "未整改" {
		t.Errorf("statuses %v", byNumber)
	}
	for _, it := range got.Items {
		if it.Number == 1 && (len(it.Evidence) != 1 || it.Evidence[0].Ref != "穗天办备〔2024〕3号" || it.Links[0].Node != "B5.6" || it.Links[0].Trace == "") {
			t.Errorf("item 1 %+v", it)
		}
	}
	out, _, _ = run(t, "history", "106001", "2023")
	for _, w := range []string{"整改事项第1号状态：\"已整改待确认\" → \"已销号\"", "王审核：确认销号：同意销号", "整改事项第1号佐证材料"} {
		if !strings.Contains(out, w) {
			t.Errorf("history lacks %q:\n%s", w, out)
		}
	}
	// The next year opens; its rectification list is its own (none).
	if _, stderr, code := run(t, "year", "open", "106001", "2024"); code != 0 {
		t.Fatal(stderr)
	}
	if out, _, code := run(t, "rectify", "list", "106001", "2024"); code != 0 || !strings.Contains(out, "没有整改事项") {
		t.Errorf("2024 list: %d %s", code, out)
	}
}
