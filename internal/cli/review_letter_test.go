package cli

import (
	"archive/zip"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// jixiao review-letter writes the 复核意见书 of a stored year: before
// acceptance it says the deadline runs from acceptance; after it, the
// changed project indicator with its reason, the reviewer's comment and
// the measures deadline. The report of the year shows 复核得分.
func TestReviewLetterCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "j.db")
	t.Setenv("JIXIAO_DB", db)
	if out, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s %s", out, errs)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]store.User{}
	for _, u := range []store.User{{Username: "ed", Role: workflow.Editor, DepartmentCode: "106001"}, {Username: "ap", Role: workflow.Approver, DepartmentCode: "106001"}, {Username: "rv", Role: workflow.Reviewer}} {
		if users[u.Role], err = st.CreateUser(ctx, u, "a-long-password-1"); err != nil {
			t.Fatal(err)
		}
	}
	rec, err := st.Get(ctx, "106001", 2023)
	if err != nil {
		t.Fatal(err)
	}
	v := rec.Version
	for _, m := range []struct{ to, role string }{{workflow.Submitted, workflow.Editor}, {workflow.Approved, workflow.Approver}, {workflow.UnderReview, workflow.Reviewer}} {
		if v, err = st.Transition(ctx, "106001", 2023, m.to, users[m.role], "", v); err != nil {
			t.Fatal(err)
		}
	}
	p := rec.Evaluation.Projects[1]
	if err := st.SetReviewScore(ctx, "106001", 2023, store.ProjectScope(p.Code), "P1", 500, "执行数含预付款，应予剔除", users[workflow.Reviewer]); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddComment(ctx, "106001", 2023, "", "B5", "政府采购合同未按规定备案", users[workflow.Reviewer]); err != nil {
		t.Fatal(err)
	}
	letter := filepath.Join(dir, "letter.docx")
	if out, errs, code := run(t, "review-letter", "106001", "2023", "-o", letter); code != 0 {
		t.Fatalf("review-letter: %s %s", out, errs)
	}
	if s := docxText(t, letter); !strings.Contains(s, "复核尚未通过") {
		t.Errorf("letter before acceptance:\n%s", s)
	}
	if _, err := st.Transition(ctx, "106001", 2023, workflow.Accepted, users[workflow.Reviewer], "", v); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out, errs, code := run(t, "review-letter", "106001", "2023", "--issuer", "天河区财政局", "-o", letter); code != 0 {
		t.Fatalf("review-letter: %s %s", out, errs)
	}
	s := docxText(t, letter)
	for _, want := range []string{"广州市天河区人民政府办公室：", p.Name, "执行数含预付款，应予剔除", "政府采购合同未按规定备案", "整改措施报送天河区财政局", "天河区财政局"} {
		if !strings.Contains(s, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
	if strings.Contains(s, "复核尚未通过") {
		t.Error("an accepted review's letter says it is not accepted")
	}
	rep := filepath.Join(dir, "report.docx")
	if out, errs, code := run(t, "report", "106001", "2023", "-o", rep); code != 0 {
		t.Fatalf("report: %s %s", out, errs)
	}
	if s := docxText(t, rep); !strings.Contains(s, "复核得分") || !strings.Contains(s, "执行数含预付款") {
		t.Error("the stored year's report does not show the review")
	}
	if _, errs, code := run(t, "review-letter", "106001"); code != 2 || !strings.Contains(errs, "用法") {
		t.Errorf("usage: %d %s", code, errs)
	}
}

// docxText is the text of a Word file's body.
func docxText(t *testing.T, path string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	return zipText(t, &zr.Reader, "word/document.xml")
}
