package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
)

// A declaration not yet evaluated (no actual values) is checked and
// rendered as a declaration with --stage declaration; as a year-end file
// it lacks its actual values; its score is refused with the reason.
func TestDeclarationStageFile(t *testing.T) {
	data, err := os.ReadFile(qinghe)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(qinghe, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	// The next year as opened from this one: targets proposed, no
	// year-end values.
	next, err := datafile.MarshalEvaluation(evaluation.CarryOver(l.Value, l.Value.Year+1))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	decl := filepath.Join(dir, "decl.yaml")
	if err := os.WriteFile(decl, next, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, "check", decl, "--stage", "declaration"); code != 0 || !strings.Contains(out, "✓ 0 个错误") {
		t.Errorf("check --stage declaration: exit %d\n%s", code, out)
	}
	if out, _, code := run(t, "check", decl); code == 0 || !strings.Contains(out, "实际完成值") {
		t.Errorf("check as a year-end file: exit %d\n%s", code, out)
	}
	docx := filepath.Join(dir, "d.docx")
	if _, stderr, code := run(t, "report", decl, "--kind", "declaration", "--stage", "declaration", "-o", docx); code != 0 {
		t.Errorf("declaration report: exit %d %s", code, stderr)
	}
	if st, err := os.Stat(docx); err != nil || st.Size() == 0 {
		t.Errorf("no declaration written: %v", err)
	}
	if _, stderr, code := run(t, "report", decl, "--stage", "declaration", "-o", filepath.Join(dir, "r.docx")); code == 0 || !strings.Contains(stderr, "尚未进入年终自评阶段") {
		t.Errorf("an evaluation report of a declaration: exit %d %s", code, stderr)
	}
	if _, stderr, code := run(t, "check", decl, "--stage", "later"); code != 2 || !strings.Contains(stderr, "未知阶段") {
		t.Errorf("unknown stage: exit %d %s", code, stderr)
	}
}
