package store

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

func TestDepartments(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		if ds, err := s.ListDepartments(ctx); err != nil || len(ds) != 0 {
			t.Fatalf("empty store: %+v, %v", ds, err)
		}
		admin := mkUser(t, s, "admin", workflow.Admin, "")
		save := func(code, name string) (bool, error) {
			return s.SaveDepartment(ctx, DepartmentMaster{Code: code, Name: name}, admin, "测试")
		}
		created, err := save("900100", "示例市财政局")
		if err != nil || !created {
			t.Fatalf("add: %v, %v", created, err)
		}
		created, err = save("900100", "示例市财政局（更名）")
		if err != nil || created {
			t.Fatalf("rename: %v, %v", created, err)
		}
		if created, err := save("900100", "示例市财政局（更名）"); err != nil || created {
			t.Fatalf("same name again: %v, %v", created, err)
		}
		for _, c := range []struct{ code, name string }{
			{"", "无编码"}, {"a b", "有空格"}, {strings.Repeat("1", MaxDepartmentCodeLen+1), "过长"},
			{"900200", ""}, {"900200", "   "}, {"900200", " 前有空格"}, {"900200", strings.Repeat("名", MaxDepartmentNameLen+1)},
			{"900200", "控制\x01字符"},
		} {
			if _, err := save(c.code, c.name); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("SaveDepartment(%q, %q): %v, want apperr.EINVALID", c.code, c.name, err)
			}
		}
		// A full-width space inside a name is kept.
		if _, err := save("900300", "示例市　审计局"); err != nil {
			t.Errorf("full-width space in a name: %v", err)
		}

		// An import adds its department; accounts and years are counted.
		if _, err := s.Import(ctx, []Entry{exampleEntry(t, tianhePath)}, "tester", "导入"); err != nil {
			t.Fatal(err)
		}
		mkUser(t, s, "ed", workflow.Editor, "106001")
		mkUser(t, s, "ap", workflow.Approver, "106001")
		mkUser(t, s, "ed2", workflow.Editor, "900100")
		mkUser(t, s, "orphan", workflow.Editor, "555555") // department not stored
		mkUser(t, s, "rv", workflow.Reviewer, "")
		ds, err := s.ListDepartments(ctx)
		if err != nil {
			t.Fatal(err)
		}
		codes := make([]string, len(ds))
		for i, d := range ds {
			codes[i] = d.Code
		}
		if !slices.Equal(codes, []string{"106001", "900100", "900300"}) {
			t.Fatalf("codes %v", codes)
		}
		th, fin := ds[0], ds[1]
		if th.Users != 2 || len(th.Years) != 1 || th.Years[0] != (DepartmentYear{2023, workflow.Draft}) || th.Name == "" {
			t.Errorf("Tianhe: %+v", th)
		}
		if fin.Name != "示例市财政局（更名）" || fin.Users != 1 || len(fin.Years) != 0 {
			t.Errorf("finance bureau: %+v", fin)
		}
		// Renaming does not touch the department's years.
		if _, err := save("106001", "天河区政府办公室"); err != nil {
			t.Fatal(err)
		}
		r, err := s.Get(ctx, "106001", 2023)
		if err != nil || r.Department != "天河区政府办公室" || r.Version != 1 {
			t.Errorf("after rename: %+v, %v", r, err)
		}
	})
}

// withVersion returns a framework file with its version line replaced.
func withVersion(t *testing.T, data []byte, version string) []byte {
	t.Helper()
	const old = "version: \"2023.3\"\n"
	if !strings.Contains(string(data), old) {
		t.Fatalf("framework file has no %q", old)
	}
	return []byte(strings.Replace(string(data), old, "version: \""+version+"\"\n", 1))
}

func TestAddFramework(t *testing.T) {
	builtin, err := os.ReadFile("../../frameworks/gz-dept-2023.yaml")
	if err != nil {
		t.Fatal(err)
	}
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		if _, err := s.Import(ctx, []Entry{exampleEntry(t, tianhePath)}, "tester", "导入"); err != nil {
			t.Fatal(err)
		}
		admin := mkUser(t, s, "admin", workflow.Admin, "")
		editor := mkUser(t, s, "ed", workflow.Editor, "106001")
		list, err := s.ListFrameworkVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].FrameworkID != "cn-project-2020" || list[1].FrameworkID != "gz-dept-2023" {
			t.Fatalf("pinned by the import: %+v", list)
		}
		if u := list[0].Uses; len(u) != 1 || u[0] != (FrameworkUse{"106001", u[0].Department, 2023, true}) || u[0].Department == "" {
			t.Errorf("project framework uses: %+v", u)
		}
		if u := list[1].Uses; len(u) != 1 || u[0].Project || u[0].Year != 2023 {
			t.Errorf("department framework uses: %+v", u)
		}
		if list[1].Content != nil {
			t.Errorf("the list carries content")
		}

		next := withVersion(t, builtin, "2099.1")
		v, err := s.AddFramework(ctx, next, admin)
		if err != nil {
			t.Fatal(err)
		}
		if v.ID == 0 || v.FrameworkID != "gz-dept-2023" || v.Version != "2099.1" || len(v.SHA256) != 64 || string(v.Content) != string(next) {
			t.Errorf("added %+v", v)
		}
		got, err := s.GetFrameworkVersion(ctx, v.ID)
		if err != nil || string(got.Content) != string(next) || got.SHA256 != v.SHA256 || len(got.Uses) != 0 {
			t.Errorf("GetFrameworkVersion = %+v, %v", got, err)
		}
		if got, err := s.GetFrameworkVersion(ctx, list[1].ID); err != nil || len(got.Uses) != 1 || string(got.Content) != string(builtin) {
			t.Errorf("pinned version: %+v, %v", got.Uses, err)
		}
		if _, err := s.GetFrameworkVersion(ctx, 99999); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("missing version: %v", err)
		}
		n := count(t, s, "framework_versions")
		if n != 3 {
			t.Fatalf("%d framework versions, want 3", n)
		}

		for _, c := range []struct {
			name    string
			content []byte
			actor   User
			code    string
			msg     string
		}{
			{"same bytes again", next, admin, apperr.ECONFLICT, "无需重复上传"},
			{"same bytes as pinned by import", builtin, admin, apperr.ECONFLICT, "无需重复上传"},
			{"same id and version, other bytes", append([]byte("# 修改\n"), next...), admin, apperr.ECONFLICT, "提高版本号"},
			{"broken", []byte("id: x\nname: 坏框架\nversion: \"1\"\nscope: nowhere\ntotal: 100\nindicators: []\nbogus: 1\n"), admin, apperr.EINVALID, "有误"},
			{"not YAML", []byte("id: [\n"), admin, apperr.EINVALID, "有误"},
			{"empty", nil, admin, apperr.EINVALID, "为空"},
			{"not UTF-8", []byte("id: \xff\xfe\n"), admin, apperr.EINVALID, "UTF-8"},
			{"too large", make([]byte, MaxFrameworkBytes+1), admin, apperr.EINVALID, "过大"},
			{"editor", withVersion(t, builtin, "2099.2"), editor, apperr.EFORBIDDEN, "管理员"},
			{"no actor", withVersion(t, builtin, "2099.3"), User{}, apperr.EUNAUTHORIZED, ""},
		} {
			_, err := s.AddFramework(ctx, c.content, c.actor)
			if apperr.Code(err) != c.code || !strings.Contains(errString(err), c.msg) {
				t.Errorf("%s: %v (%s), want %s with %q", c.name, err, apperr.Code(err), c.code, c.msg)
			}
		}
		if err := s.DisableUser(ctx, admin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddFramework(ctx, withVersion(t, builtin, "2099.4"), admin); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("disabled administrator: %v", err)
		}
		if got := count(t, s, "framework_versions"); got != n {
			t.Errorf("refused additions stored something: %d rows, want %d", got, n)
		}

		// An import scored with a file already added pins its row.
		fw, ds := datafile.Framework("next.yaml", next)
		if ds.Err() != nil {
			t.Fatal(ds)
		}
		pfw, _ := library(t).Framework("cn-project-2020")
		ev := loadExample(t, qinghePath)
		res, ds := scoring.ScoreWith(ev, datafile.NewLibrary(fw, pfw), calendar.ScoringOptions())
		if ds.Err() != nil {
			t.Fatal(ds)
		}
		e := Entry{Source: qinghePath, Evaluation: ev, Result: res, Framework: fw}
		if len(ev.Projects) > 0 {
			e.ProjectFramework = pfw
		}
		if _, err := s.Import(ctx, []Entry{e}, "tester", "按新版本导入"); err != nil {
			t.Fatal(err)
		}
		if got := count(t, s, "framework_versions"); got != n {
			t.Errorf("the import stored the added file again: %d rows, want %d", got, n)
		}
		list, err = s.ListFrameworkVersions(ctx)
		if err != nil || len(list) != 3 || list[2].ID != v.ID || list[2].Version != "2099.1" {
			t.Fatalf("list after adding: %+v, %v", list, err)
		}
		if u := list[2].Uses; len(u) != 1 || u[0].DepartmentCode != ev.Department.Code || u[0].Year != ev.Year || u[0].Project {
			t.Errorf("uses of the added version: %+v", u)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
