package store

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/workflow"
)

// A department's master data is the administrator's: neither an import
// without the operator's flag nor an update (an editor's upload or edit)
// changes it; it is kept on every year and the list, the data stored
// carries it, and the import says so.
func TestMasterDataKeptByImportAndUpdate(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		name, parent, region := th.Evaluation.Department.Name, th.Evaluation.Department.Parent, th.Evaluation.Department.Region
		prev := clone(t, th.Evaluation)
		prev.Year = year - 1
		mustImport(t, s, []Entry{th, entry(t, prev, "prev.yaml")}, Summary{Created: 2})
		d, err := s.GetDepartment(ctx, code)
		if err != nil || d.Name != name || d.Parent != parent || d.Region != region || parent == "" || region == "" {
			t.Fatalf("registered from the first import: %+v, %v", d, err)
		}

		// An update (the editor's upload or edit) stating another name,
		// parent and region.
		u := clone(t, th.Evaluation)
		u.Department.Name, u.Department.Parent, u.Department.Region = "冒名部门", "别的主管部门", "别的地区"
		u.Narrative.Conclusion = "改过的结论。"
		if v, err := s.Update(ctx, code, year, u, entry(t, u, "").Result, 1, "editor", "上传填报表"); err != nil || v != 2 {
			t.Fatalf("update: %d, %v", v, err)
		}
		// An import without the flag, of the other year.
		p2 := clone(t, prev)
		p2.Department.Name = "导入改名"
		p2.Narrative.Conclusion = "另一年改过的结论。"
		sum, ds, err := s.ImportWith(ctx, []Entry{entry(t, p2, "p2.yaml")}, ImportOptions{Actor: "operator", Reason: "重新导入"})
		if err != nil || sum != (Summary{Replaced: 1}) {
			t.Fatalf("import: %+v, %v", sum, err)
		}
		if len(ds) != 1 || ds[0].Code != diag.MasterKept || ds[0].Path != "department.name" || ds[0].File != "p2.yaml" || !strings.Contains(ds[0].Message, name) {
			t.Errorf("import findings: %v", ds)
		}
		for _, y := range []int{year - 1, year} {
			r, err := s.Get(ctx, code, y)
			if err != nil {
				t.Fatal(err)
			}
			dep := r.Evaluation.Department
			if r.Department != name || dep.Name != name || dep.Parent != parent || dep.Region != region || r.Parent != parent || r.Region != region {
				t.Errorf("%d: listing %q, stored %q/%q/%q, registered %q/%q", y, r.Department, dep.Name, dep.Parent, dep.Region, r.Parent, r.Region)
			}
			if !strings.HasPrefix(r.Evaluation.Narrative.Conclusion, "改过") && !strings.HasPrefix(r.Evaluation.Narrative.Conclusion, "另一年") {
				t.Errorf("%d: the rest of the data was not stored", y)
			}
		}
		list, err := s.ListFiltered(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			if l.Department != name {
				t.Errorf("list: %+v", l)
			}
		}
		if h, err := s.DepartmentHistory(ctx, code); err != nil || len(h) != 3 || h[0].Field != "create" || h[0].New != name {
			t.Errorf("department history after the first import only: %+v, %v", h, err)
		}
		ov, err := s.Overview(ctx, Filter{Year: year})
		if err != nil || len(ov.Rows) != 1 || ov.Rows[0].Region != region || ov.Rows[0].Parent != parent {
			t.Errorf("dashboard: %+v, %v", ov.Rows, err)
		}
	})
}

// The administrator's change and the operator's flagged import change
// master data, each recorded with who, when, old and new value and why;
// nobody else may.
func TestMasterDataChangedByAdministratorAndOperator(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		old := th.Evaluation.Department
		mustImport(t, s, []Entry{th}, Summary{Created: 1})
		admin := mkUser(t, s, "admin", workflow.Admin, "")
		editor := mkUser(t, s, "ed", workflow.Editor, code)

		m := DepartmentMaster{Code: code, Name: "天河区人民政府办公室（更名）", Parent: old.Parent, Region: "天河新区"}
		if _, err := s.SaveDepartment(ctx, m, editor, "想改名"); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("an editor's change: %v, want apperr.EFORBIDDEN", err)
		}
		if _, err := s.SaveDepartment(ctx, m, admin, "  "); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "原因") {
			t.Errorf("no reason: %v, want apperr.EINVALID naming the reason", err)
		}
		if created, err := s.SaveDepartment(ctx, m, admin, "机构改革更名"); err != nil || created {
			t.Fatalf("rename: %v, %v", created, err)
		}
		h, err := s.DepartmentHistory(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		byField := map[string]DepartmentChange{}
		for _, c := range h {
			byField[c.Field] = c
		}
		if c := byField["name"]; c.Actor != "admin" || c.Old != old.Name || c.New != m.Name || c.Reason != "机构改革更名" || c.At.IsZero() {
			t.Errorf("name change: %+v", c)
		}
		if c := byField["region"]; c.Actor != "admin" || c.Old != old.Region || c.New != "天河新区" {
			t.Errorf("region change: %+v", c)
		}
		if c := byField["create"]; c.Actor != "tester" || c.New != old.Name {
			t.Errorf("creation: %+v", c)
		}
		// The list shows the new name; the stored year keeps its version
		// until its next write, which carries the new master data.
		r, err := s.Get(ctx, code, year)
		if err != nil || r.Department != m.Name || r.Version != 1 || r.Region != "天河新区" {
			t.Errorf("after the rename: %+v, %v", r.Listing, err)
		}

		// The operator's import with the flag.
		ev := clone(t, th.Evaluation)
		ev.Department.Name = "天河区政府办（导入）"
		sum, ds, err := s.ImportWith(ctx, []Entry{entry(t, ev, "new.yaml")}, ImportOptions{Actor: "operator", Reason: "按文件更新", UpdateDepartments: true})
		if err != nil || sum != (Summary{Replaced: 1}) || len(ds) != 0 {
			t.Fatalf("flagged import: %+v, %v, %v", sum, ds, err)
		}
		r, err = s.Get(ctx, code, year)
		if err != nil || r.Department != "天河区政府办（导入）" || r.Evaluation.Department.Name != r.Department || r.Region != old.Region {
			t.Errorf("after the flagged import: %+v, %+v, %v", r.Listing, r.Evaluation.Department, err)
		}
		h, _ = s.DepartmentHistory(ctx, code)
		last := h[len(h)-1]
		if last.Actor != "operator" || last.Reason != "按文件更新" {
			t.Errorf("flagged import history: %+v", h)
		}
	})
}

// Text outside evaluations is checked at the store: a violation is
// apperr.EINVALID naming the field, on both backends (PostgreSQL would refuse a
// NUL with an internal error), and nothing is written.
func TestStoreTextBoundary(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		mustImport(t, s, []Entry{th}, Summary{Created: 1})
		admin := mkUser(t, s, "admin", workflow.Admin, "")
		editor := mkUser(t, s, "ed", workflow.Editor, code)
		invalid := func(what, field string, err error) {
			t.Helper()
			if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), field) {
				t.Errorf("%s: %v, want apperr.EINVALID naming %s", what, err, field)
			}
		}
		for _, bad := range []string{"名称\x00", "\u202e名称", "名\n称", strings.Repeat("名", 201)} {
			_, err := s.SaveDepartment(ctx, DepartmentMaster{Code: code, Name: bad}, admin, "理由")
			invalid("department name "+bad[:3], "名称", err)
			_, err = s.SaveDepartment(ctx, DepartmentMaster{Code: code, Name: "名称", Region: bad}, admin, "理由")
			invalid("department region", "所属地区", err)
		}
		_, err := s.SaveDepartment(ctx, DepartmentMaster{Code: code, Name: "名称"}, admin, "理由\x00")
		invalid("department reason", "原因", err)
		_, err = s.CreateUser(ctx, User{Username: "u\x00", Role: workflow.Reviewer}, testPassword)
		invalid("username", "用户名", err)
		_, err = s.CreateUser(ctx, User{Username: "u1", DisplayName: "显示\u202e名", Role: workflow.Reviewer}, testPassword)
		invalid("display name", "显示名称", err)
		_, err = s.AddComment(ctx, code, year, "", "", "意见\x00", editor)
		invalid("comment", "意见内容", err)
		_, err = s.Transition(ctx, code, year, workflow.Submitted, editor, "说明\x00", 1)
		invalid("transition reason", "原因", err)
		ev := clone(t, th.Evaluation)
		ev.Targets[0].Name = "指标\x00"
		_, err = s.Update(ctx, code, year, ev, entry(t, th.Evaluation, "").Result, 1, "ed", "改")
		invalid("indicator name", "指标名称", err)
		ev = clone(t, th.Evaluation)
		ev.Narrative.Achievements = "成效\x00"
		_, err = s.Import(ctx, []Entry{entry(t, ev, "bad.yaml")}, "tester", "导入")
		invalid("narrative", "履职效能分析", err)
		// Lookups by text no database can hold find nothing.
		if _, err := s.Get(ctx, "106\x00001", year); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("Get with NUL: %v", err)
		}
		if _, err := s.Authenticate(ctx, "ad\x00min", testPassword); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("Authenticate with NUL: %v", err)
		}
		// Nothing was written.
		r, err := s.Get(ctx, code, year)
		if err != nil || r.Version != 1 || r.Status != workflow.Draft || r.Department != th.Evaluation.Department.Name {
			t.Errorf("after the refusals: %+v, %v", r.Listing, err)
		}
		if n := count(t, s, "review_comments"); n != 0 {
			t.Errorf("%d comments", n)
		}
		if n := count(t, s, "users"); n != 2 {
			t.Errorf("%d users", n)
		}
	})
}

// A department stored before migration 00005 gets its parent and region
// from its latest year when the store opens.
func TestMasterFilledAtOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		mustImport(t, s, []Entry{th}, Summary{Created: 1})
		if _, err := s.db.Exec(`UPDATE departments SET parent = '', region = '', master_filled = FALSE`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = open(t, dsn)
		d, err := s.GetDepartment(ctx, th.Evaluation.Department.Code)
		if err != nil || d.Parent != th.Evaluation.Department.Parent || d.Region != th.Evaluation.Department.Region {
			t.Errorf("filled: %+v, %v", d, err)
		}
	})
}
