package store

import (
	"context"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
)

var ctx = context.Background()

func mustImport(t *testing.T, s *Store, entries []Entry, want Summary) {
	t.Helper()
	got, err := s.Import(ctx, entries, "tester", "test import")
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("import summary %+v, want %+v", got, want)
	}
}

func TestImportCreates(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th, qh := exampleEntry(t, tianhePath), exampleEntry(t, qinghePath)
		mustImport(t, s, []Entry{qh, th}, Summary{Created: 2})
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("listed %d department-years, want 2", len(list))
		}
		for _, l := range list {
			if l.Version != 1 || l.Status != "draft" || l.UpdatedAt.IsZero() {
				t.Errorf("%+v: want version 1, status draft, a time", l)
			}
		}
		r, err := s.Get(ctx, th.Evaluation.Department.Code, th.Evaluation.Year)
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != th.Result.Total || r.Grade != th.Result.Grade || r.Department != th.Evaluation.Department.Name {
			t.Errorf("stored total %v %s %s, want %v %s %s", r.Total, r.Grade, r.Department, th.Result.Total, th.Result.Grade, th.Evaluation.Department.Name)
		}
		h, err := s.History(ctx, th.Evaluation.Department.Code, th.Evaluation.Year)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 1 || h[0].Action != "create" || h[0].Path != "" || h[0].Version != 1 || h[0].Actor != "tester" || h[0].Reason != "test import" {
			t.Errorf("history %+v, want one create row", h)
		}
		if n, want := count(t, s, "projects"), len(th.Evaluation.Projects)+len(qh.Evaluation.Projects); n != want {
			t.Errorf("%d project rows, want %d", n, want)
		}
		// Both examples use gz-dept-2023 and cn-project-2020: each file is
		// kept once.
		if n := count(t, s, "framework_versions"); n != 2 {
			t.Errorf("%d framework versions, want 2", n)
		}
	})
}

func TestReimportUnchangedWritesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		mustImport(t, s, []Entry{exampleEntry(t, tianhePath), exampleEntry(t, qinghePath)}, Summary{Created: 2})
		before := takeSnapshot(t, s)
		// Freshly loaded: equal values, different pointers.
		mustImport(t, s, []Entry{exampleEntry(t, qinghePath), exampleEntry(t, tianhePath)}, Summary{Unchanged: 2})
		after := takeSnapshot(t, s)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("re-import changed the store:\nbefore %+v\nafter  %+v", before, after)
		}
		for _, l := range after.List {
			if l.Version != 1 {
				t.Errorf("%s %d at version %d after an unchanged re-import", l.DepartmentCode, l.Year, l.Version)
			}
		}
	})
}

func TestImportChangedReplaces(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		mustImport(t, s, []Entry{th}, Summary{Created: 1})

		ev := clone(t, th.Evaluation)
		oldConclusion, oldExecuted := ev.Narrative.Conclusion, ev.Projects[0].Executed
		ev.Narrative.Conclusion = "修改后的结论。"
		ev.Projects[0].Executed -= money.Fen(100000)
		registered := ev.Department.Name
		ev.Department.Name = "天河区政府办（改名）"
		changed := entry(t, ev, "changed.yaml")
		mustImport(t, s, []Entry{changed}, Summary{Replaced: 1})
		// The name the file states is not the registered one, which is
		// kept and carried by the stored data (master data).
		if ev.Department.Name != registered {
			t.Errorf("the entry carries %q, want the registered %q", ev.Department.Name, registered)
		}

		code, year := ev.Department.Code, ev.Year
		r, err := s.Get(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		if r.Version != 2 || r.Source != "changed.yaml" || r.Department != registered {
			t.Errorf("after replace: version %d source %q department %q", r.Version, r.Source, r.Department)
		}
		if !reflect.DeepEqual(r.Evaluation, ev) {
			t.Error("stored evaluation differs from the replacement")
		}
		h, err := s.History(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		byPath := map[string]Change{}
		for _, c := range h[1:] {
			if c.Action != "replace" || c.Version != 2 || c.Reason != "test import" {
				t.Errorf("history row %+v: want action replace, version 2, the reason", c)
			}
			byPath[c.Path] = c
		}
		if c := byPath[""]; c.Action != "replace" {
			t.Errorf("no row for the replace action itself: %+v", h)
		}
		if c := byPath["narrative.conclusion"]; c.Old != oldConclusion || c.New != "修改后的结论。" {
			t.Errorf("narrative.conclusion change %+v", c)
		}
		if c := byPath["projects[0].executed"]; c.Old != oldExecuted.String() || c.New != ev.Projects[0].Executed.String() {
			t.Errorf("projects[0].executed change %+v, want %s → %s", c, oldExecuted, ev.Projects[0].Executed)
		}
		if c, ok := byPath["department.name"]; ok {
			t.Errorf("department.name change %+v: the registered name is kept", c)
		}
		if len(byPath) != 3 {
			t.Errorf("history names %d paths, want 3 (action, 2 fields): %+v", len(byPath), h)
		}
		// Projects were rewritten, not appended.
		if n := count(t, s, "projects"); n != len(ev.Projects) {
			t.Errorf("%d project rows, want %d", n, len(ev.Projects))
		}
		var executed int64
		if err := s.db.QueryRow(s.rebind("SELECT executed FROM projects WHERE seq = 1")).Scan(&executed); err != nil {
			t.Fatal(err)
		}
		if money.Fen(executed) != ev.Projects[0].Executed {
			t.Errorf("project 1 executed %d, want %d", executed, ev.Projects[0].Executed)
		}
	})
}

// A changed framework file (same id) replaces the department-year and the
// history names the pinned file that changed.
func TestImportNewFrameworkFileReplaces(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		mustImport(t, s, []Entry{th}, Summary{Created: 1})
		fw := *th.Framework
		fw.Source = append(append([]byte(nil), fw.Source...), "\n# 修订说明\n"...)
		again := th
		again.Framework = &fw
		mustImport(t, s, []Entry{again}, Summary{Replaced: 1})
		r, err := s.Get(ctx, th.Evaluation.Department.Code, th.Evaluation.Year)
		if err != nil {
			t.Fatal(err)
		}
		if string(r.Framework) != string(fw.Source) {
			t.Error("the new framework file is not the pinned one")
		}
		h, _ := s.History(ctx, th.Evaluation.Department.Code, th.Evaluation.Year)
		var found bool
		for _, c := range h {
			if c.Path == "framework_file" && strings.HasPrefix(c.Old, fw.ID) && c.Old != c.New {
				found = true
			}
		}
		if !found {
			t.Errorf("no framework_file change in history %+v", h)
		}
		if n := count(t, s, "framework_versions"); n != 3 {
			t.Errorf("%d framework versions, want 3 (old and new department framework, project framework)", n)
		}
	})
}

// installFailingTrigger makes the database itself refuse a project named
// name, so that an import fails halfway through its writes.
func installFailingTrigger(t *testing.T, s *Store, name string) {
	t.Helper()
	var stmts []string
	if s.Dialect() == Postgres {
		stmts = []string{
			`CREATE FUNCTION refuse_project() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.name = '` + name + `' THEN RAISE EXCEPTION 'refused project'; END IF; RETURN NEW; END $$`,
			`CREATE TRIGGER refuse_project BEFORE INSERT ON projects FOR EACH ROW EXECUTE FUNCTION refuse_project()`,
		}
	} else {
		stmts = []string{`CREATE TRIGGER refuse_project BEFORE INSERT ON projects WHEN NEW.name = '` + name + `'
			BEGIN SELECT RAISE(ABORT, 'refused project'); END`}
	}
	for _, q := range stmts {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFailedImportLeavesStoreAsBefore(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th, qh := exampleEntry(t, tianhePath), exampleEntry(t, qinghePath)
		mustImport(t, s, []Entry{th, qh}, Summary{Created: 2})
		before := takeSnapshot(t, s)

		// The first entry replaces a stored department-year; the second
		// creates a department; the third fails.
		changed := clone(t, th.Evaluation)
		changed.Narrative.Conclusion = "不应保存的修改。"
		changed.Department.Name = "不应保存的名称"
		replace := entry(t, changed, "replace.yaml")
		create := entry(t, variant(t, qh.Evaluation, "900001", 0), "new.yaml")

		t.Run("duplicate department-year", func(t *testing.T) {
			dup := entry(t, variant(t, qh.Evaluation, "900001", 0), "dup.yaml")
			_, err := s.Import(ctx, []Entry{replace, create, dup}, "tester", "")
			if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "new.yaml") || !strings.Contains(err.Error(), "dup.yaml") ||
				!strings.Contains(err.Error(), "900001") {
				t.Errorf("error %v (%s), want apperr.EINVALID naming both sources and the department", err, apperr.Code(err))
			}
			if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
				t.Errorf("failed import changed the store:\nbefore %+v\nafter  %+v", before, after)
			}
		})

		t.Run("database refuses a row", func(t *testing.T) {
			installFailingTrigger(t, s, "拒收项目")
			bad := variant(t, qh.Evaluation, "900002", 0)
			bad.Projects[len(bad.Projects)-1].Name = "拒收项目"
			_, err := s.Import(ctx, []Entry{replace, create, entry(t, bad, "bad.yaml")}, "tester", "")
			if err == nil || !strings.Contains(err.Error(), "refused project") {
				t.Fatalf("error %v, want the trigger's", err)
			}
			if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
				t.Errorf("failed import changed the store:\nbefore %+v\nafter  %+v", before, after)
			}
			// Without the refused entry, the same batch goes through.
			mustImport(t, s, []Entry{replace, create}, Summary{Created: 1, Replaced: 1})
		})

		t.Run("invalid entry", func(t *testing.T) {
			noFw := create
			noFw.Framework = &framework.Framework{ID: create.Framework.ID}
			_, err := s.Import(ctx, []Entry{noFw}, "tester", "")
			if apperr.Code(err) != apperr.EINVALID {
				t.Errorf("framework without its file: %v, want apperr.EINVALID", err)
			}
			noCode := entry(t, variant(t, qh.Evaluation, "", 0), "nocode.yaml")
			if _, err := s.Import(ctx, []Entry{noCode}, "tester", ""); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("empty department code: %v, want apperr.EINVALID", err)
			}
		})
	})
}

func TestGetReturnsWhatWasImported(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th, qh := exampleEntry(t, tianhePath), exampleEntry(t, qinghePath)
		mustImport(t, s, []Entry{th, qh}, Summary{Created: 2})
		for _, e := range []Entry{th, qh} {
			r, err := s.Get(ctx, e.Evaluation.Department.Code, e.Evaluation.Year)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.Evaluation, e.Evaluation) {
				t.Errorf("%s: stored evaluation differs from the imported one", e.Source)
			}
			if string(r.Framework) != string(e.Framework.Source) || string(r.ProjectFramework) != string(e.ProjectFramework.Source) {
				t.Errorf("%s: pinned framework bytes differ", e.Source)
			}
			if r.Source != e.Source || r.Version != 1 {
				t.Errorf("%s: source %q version %d", e.Source, r.Source, r.Version)
			}
		}
		_, err := s.Get(ctx, "999999", 2023)
		if apperr.Code(err) != apperr.ENOTFOUND || !strings.Contains(err.Error(), "999999") {
			t.Errorf("missing department-year: %v, want apperr.ENOTFOUND naming it", err)
		}
		if _, err := s.History(ctx, "999999", 2023); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("history of a missing department-year: %v, want apperr.ENOTFOUND", err)
		}
	})
}

func TestUpdateOptimisticLock(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		mustImport(t, s, []Entry{th}, Summary{Created: 1})
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year

		ev := clone(t, th.Evaluation)
		ev.Narrative.Outlook = "下一年度展望。"
		ev.Projects[1].Executed += 5000
		e := entry(t, ev, "")
		v, err := s.Update(ctx, code, year, ev, e.Result, 1, "officer", "补充展望")
		if err != nil || v != 2 {
			t.Fatalf("update: version %d, %v", v, err)
		}
		h, _ := s.History(ctx, code, year)
		paths := map[string]bool{}
		for _, c := range h {
			if c.Action == "update" {
				paths[c.Path] = true
				if c.Actor != "officer" || c.Reason != "补充展望" || c.Version != 2 {
					t.Errorf("update history row %+v", c)
				}
			}
		}
		if !paths[""] || !paths["narrative.outlook"] || !paths["projects[1].executed"] || len(paths) != 3 {
			t.Errorf("update history paths %v", paths)
		}
		before := takeSnapshot(t, s)

		stale := clone(t, th.Evaluation)
		stale.Narrative.Outlook = "过时的修改。"
		_, err = s.Update(ctx, code, year, stale, entry(t, stale, "").Result, 1, "other", "")
		if apperr.Code(err) != apperr.ECONFLICT || !strings.Contains(err.Error(), "当前版本 2") || !strings.Contains(err.Error(), code) {
			t.Errorf("stale update: %v, want apperr.ECONFLICT naming the versions", err)
		}
		if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
			t.Error("a rejected update changed the store")
		}
		r, _ := s.Get(ctx, code, year)
		if !reflect.DeepEqual(r.Evaluation, ev) || r.Version != 2 {
			t.Error("stored data is not the first update")
		}

		if _, err := s.Update(ctx, "999999", year, stale, e.Result, 2, "", ""); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("update of another department's data: %v, want apperr.EINVALID", err)
		}
		other := variant(t, stale, "999999", 0)
		if _, err := s.Update(ctx, "999999", year, other, e.Result, 2, "", ""); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("update of a missing department-year: %v, want apperr.ENOTFOUND", err)
		}
		// The same data again writes nothing.
		if v, err := s.Update(ctx, code, year, ev, e.Result, 2, "", ""); err != nil || v != 2 {
			t.Errorf("unchanged update: version %d, %v", v, err)
		}
		if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
			t.Error("an unchanged update changed the store")
		}
	})
}

func TestConcurrentUpdatesOneWins(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		mustImport(t, s, []Entry{th}, Summary{Created: 1})
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		const rounds = 8
		for round := 1; round <= rounds; round++ {
			var evs [2]Entry
			for i := range evs {
				ev := clone(t, th.Evaluation)
				ev.Narrative.Outlook = fmt.Sprintf("第 %d 轮，写入者 %d", round, i)
				evs[i] = entry(t, ev, "")
			}
			var (
				wg       sync.WaitGroup
				start    = make(chan struct{})
				versions [2]int
				errs     [2]error
			)
			for i := range evs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					versions[i], errs[i] = s.Update(ctx, code, year, evs[i].Evaluation, evs[i].Result, round, fmt.Sprint("writer", i), "")
				}()
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch apperr.Code(err) {
				case "":
					if winner >= 0 {
						t.Fatalf("round %d: both writers succeeded", round)
					}
					winner = i
					if versions[i] != round+1 {
						t.Errorf("round %d: winner got version %d", round, versions[i])
					}
				case apperr.ECONFLICT:
				default:
					t.Fatalf("round %d: writer %d: %v", round, i, err)
				}
			}
			if winner < 0 {
				t.Fatalf("round %d: no writer succeeded: %v", round, errs)
			}
			r, err := s.Get(ctx, code, year)
			if err != nil {
				t.Fatal(err)
			}
			if r.Version != round+1 || !reflect.DeepEqual(r.Evaluation, evs[winner].Evaluation) {
				t.Fatalf("round %d: stored version %d, outlook %q; want the winner's", round, r.Version, r.Evaluation.Narrative.Outlook)
			}
		}
		h, _ := s.History(ctx, code, year)
		actions := 0
		for _, c := range h {
			if c.Action == "update" && c.Path == "" {
				actions++
			}
		}
		if actions != rounds {
			t.Errorf("%d update actions in history, want %d", actions, rounds)
		}
	})
}

func TestListOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		qh := loadExample(t, qinghePath)
		var entries []Entry
		for _, k := range []struct {
			code string
			year int
		}{{"300", 2024}, {"100", 2025}, {"200", 2024}, {"100", 2023}, {"300", 2022}, {"100", 2024}} {
			entries = append(entries, entry(t, variant(t, qh, k.code, k.year), fmt.Sprint(k.code, "-", k.year)))
		}
		mustImport(t, s, entries, Summary{Created: len(entries)})
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range list {
			got = append(got, fmt.Sprint(l.DepartmentCode, "-", l.Year))
		}
		want := []string{"100-2023", "100-2024", "100-2025", "200-2024", "300-2022", "300-2024"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("list order %v, want %v", got, want)
		}
		if n := count(t, s, "departments"); n != 3 {
			t.Errorf("%d departments, want 3", n)
		}
	})
}

func TestMigrationsIdempotent(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		mustImport(t, s, []Entry{exampleEntry(t, tianhePath)}, Summary{Created: 1})
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		s.Close()
		s = open(t, dsn)
		if list, err := s.List(ctx); err != nil || len(list) != 1 {
			t.Fatalf("after reopening: %v, %v", list, err)
		}
		files, err := fs.Glob(migrations, "migrations/"+s.Dialect()+"/*.sql")
		if err != nil || len(files) < 2 {
			t.Fatalf("migration files %v, %v", files, err)
		}
		var n int
		if err := s.db.QueryRow("SELECT count(*) FROM goose_db_version WHERE version_id > 0").Scan(&n); err != nil || n != len(files) {
			t.Errorf("%d applied migrations recorded, want %d (%v)", n, len(files), err)
		}
	})
}

func TestParseDSN(t *testing.T) {
	for _, c := range []struct{ dsn, dialect, source string }{
		{"", SQLite, "./jixiao.db?"},
		{"data/x.db", SQLite, "data/x.db?"},
		{"sqlite:/var/lib/jixiao.db", SQLite, "/var/lib/jixiao.db?"},
		{"sqlite:x.db?_pragma=cache_size(-20000)", SQLite, "x.db?"},
		{"postgres://u@h/db", Postgres, "postgres://u@h/db"},
		{"postgresql://u@h/db", Postgres, "postgresql://u@h/db"},
	} {
		d, _, src, err := parseDSN(c.dsn)
		if err != nil || d != c.dialect || !strings.HasPrefix(src, c.source) {
			t.Errorf("parseDSN(%q) = %s %q %v", c.dsn, d, src, err)
		}
		if d == SQLite && !strings.Contains(src, "journal_mode(WAL)") {
			t.Errorf("parseDSN(%q): no WAL in %q", c.dsn, src)
		}
	}
	if _, _, _, err := parseDSN("mysql://u:secret@h/db"); apperr.Code(err) != apperr.EINVALID || strings.Contains(err.Error(), "secret") {
		t.Errorf("mysql DSN: %v, want apperr.EINVALID without the password", err)
	}
	s := open(t, "sqlite:"+t.TempDir()+"/p.db")
	if s.Dialect() != SQLite {
		t.Errorf("dialect %s", s.Dialect())
	}
	for _, pragma := range []struct {
		name, want string
	}{{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"synchronous", "1"}, {"busy_timeout", "10000"}} {
		// Every pooled connection gets the settings: hold several at once.
		conns := make([]interface{ Close() error }, 3)
		for i := range conns {
			c, err := s.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns[i] = c
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma.name).Scan(&got); err != nil || got != pragma.want {
				t.Errorf("connection %d: %s = %q, want %q (%v)", i, pragma.name, got, pragma.want, err)
			}
		}
		for _, c := range conns {
			c.Close()
		}
	}
}

func TestErrors(t *testing.T) {
	wrapped := fmt.Errorf("context: %w", notFound("106001", 2023))
	if apperr.Code(wrapped) != apperr.ENOTFOUND {
		t.Error("the store's not-found error is not apperr.ENOTFOUND")
	}
	if msg := conflict("106001", 2023, 3, 2).Error(); msg != "部门 106001 2023 年度的数据已被他人修改（当前版本 3，您编辑的版本 2），请刷新后重试" {
		t.Errorf("conflict message %q", msg)
	}
}
