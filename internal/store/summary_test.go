package store

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// wantSummary is what Overview must show of ev, computed from the
// evaluation here rather than by summaryOf.
type wantSummary struct {
	region, parent string
	basic, project money.Fen
}

func summaryFrom(ev *evaluation.Evaluation) wantSummary {
	return wantSummary{
		region:  strings.TrimSpace(ev.Department.Region),
		parent:  strings.TrimSpace(ev.Department.Parent),
		basic:   ev.Finance.Expenditure.Basic,
		project: ev.Finance.Expenditure.Project,
	}
}

// checkOverview checks that Overview of year has exactly the department
// codes of want, each with its summary.
func checkOverview(t *testing.T, s *Store, year int, want map[string]wantSummary) {
	t.Helper()
	ov, err := s.Overview(ctx, Filter{Year: year})
	if err != nil {
		t.Fatal(err)
	}
	if len(ov.Rows) != len(want) {
		t.Fatalf("overview of %d: %d rows, want %d", year, len(ov.Rows), len(want))
	}
	for _, r := range ov.Rows {
		w, ok := want[r.DepartmentCode]
		if !ok {
			t.Errorf("overview of %d: unexpected row %s", year, r.DepartmentCode)
			continue
		}
		got := wantSummary{r.Region, r.Parent, r.Basic, r.Project}
		if got != w {
			t.Errorf("%s %d: summary %+v, want %+v", r.DepartmentCode, year, got, w)
		}
	}
}

// summaryVersions returns the summary_version of every department-year.
func summaryVersions(t *testing.T, s *Store) []int {
	t.Helper()
	rows, err := s.db.Query("SELECT summary_version FROM department_years ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkSummaryVersions(t *testing.T, s *Store) {
	t.Helper()
	vs := summaryVersions(t, s)
	if len(vs) == 0 {
		t.Fatal("no department-years")
	}
	for _, v := range vs {
		if v != summaryVersion {
			t.Errorf("summary versions %v, want all %d", vs, summaryVersion)
			return
		}
	}
}

func TestSummaryWrittenWithData(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		// B: padded region and parent (stored trimmed), its own spending.
		b := variant(t, th.Evaluation, "900100", 0)
		b.Department.Region, b.Department.Parent = "  示例市另一区 ", "  示例市财政局"
		b.Finance.Expenditure.Basic, b.Finance.Expenditure.Project = money.Yuan(321)+5, money.Yuan(12345)+67
		// C: no region, no parent, no spending.
		c := variant(t, th.Evaluation, "900200", 0)
		c.Department.Region, c.Department.Parent = "", ""
		c.Finance.Expenditure.Basic, c.Finance.Expenditure.Project = 0, 0
		mustImport(t, s, []Entry{th, entry(t, b, "b.yaml"), entry(t, c, "c.yaml")}, Summary{Created: 3})
		want := map[string]wantSummary{code: summaryFrom(th.Evaluation), "900100": summaryFrom(b), "900200": summaryFrom(c)}
		if w := want["900100"]; w.region != "示例市另一区" || w.parent != "示例市财政局" {
			t.Fatalf("test data: %+v", w)
		}
		if w := want[code]; w.region == "" || w.parent == "" || w.basic == 0 {
			t.Fatalf("the example's region, parent and spending are missing: %+v", w)
		}
		checkOverview(t, s, year, want)
		checkSummaryVersions(t, s)

		// Update: new spending; the region and parent it states are not the
		// registered ones, which are kept (master data).
		u := clone(t, th.Evaluation)
		u.Department.Region, u.Department.Parent = "示例市新区", "示例市人民政府 "
		u.Finance.Expenditure.Basic += money.Yuan(1000)
		u.Finance.Expenditure.Project = money.Yuan(777) + 1
		if v, err := s.Update(ctx, code, year, u, entry(t, u, "").Result, 1, "officer", "更正支出"); err != nil || v != 2 {
			t.Fatalf("update: version %d, %v", v, err)
		}
		w := summaryFrom(u)
		w.region, w.parent = want[code].region, want[code].parent
		want[code] = w
		checkOverview(t, s, year, want)

		// The operator's re-import changing B's spending and region (with
		// UpdateDepartments) replaces them; C unchanged keeps its own.
		b2 := clone(t, b)
		b2.Department.Region = "示例市第三区"
		b2.Finance.Expenditure.Basic, b2.Finance.Expenditure.Project = money.Yuan(9)+99, money.Yuan(88888)
		sum, _, err := s.ImportWith(ctx, []Entry{entry(t, b2, "b2.yaml"), entry(t, c, "c.yaml")}, ImportOptions{Actor: "operator", Reason: "区划调整", UpdateDepartments: true})
		if err != nil || sum != (Summary{Replaced: 1, Unchanged: 1}) {
			t.Fatalf("import: %+v, %v", sum, err)
		}
		want["900100"] = summaryFrom(b2)
		checkOverview(t, s, year, want)
		checkSummaryVersions(t, s)
	})
}

func TestSummaryBackfilledAtOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		th := exampleEntry(t, tianhePath)
		year := th.Evaluation.Year
		b := variant(t, th.Evaluation, "900100", 0)
		b.Department.Region = " 示例市另一区"
		b.Finance.Expenditure.Basic, b.Finance.Expenditure.Project = money.Yuan(4321), money.Yuan(1)+1
		// More department-years than one backfill batch.
		entries := []Entry{th, entry(t, b, "b.yaml")}
		want := map[string]wantSummary{th.Evaluation.Department.Code: summaryFrom(th.Evaluation), "900100": summaryFrom(b)}
		n := summaryBatch + 7
		if testing.Short() {
			n = 3
		}
		for i := range n {
			v := variant(t, th.Evaluation, fmt.Sprintf("91%04d", i), 0)
			v.Finance.Expenditure.Basic = money.Yuan(int64(i))
			entries = append(entries, entry(t, v, ""))
			want[v.Department.Code] = summaryFrom(v)
		}
		mustImport(t, s, entries, Summary{Created: len(entries)})
		checkOverview(t, s, year, want)

		// As a database stored before migration 00003 holds them.
		if _, err := s.db.Exec(`UPDATE department_years SET region = '', parent = '', basic_spending = 0, project_spending = 0, summary_version = 0`); err != nil {
			t.Fatal(err)
		}
		ov, err := s.Overview(ctx, Filter{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ov.Rows {
			if r.Region != "" || r.Basic != 0 {
				t.Fatalf("reset did not reset %s: %+v", r.DepartmentCode, r)
			}
		}
		s.Close()

		s, err = Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		checkOverview(t, s, year, want)
		checkSummaryVersions(t, s)

		// A stored document that cannot be decoded stops the store from
		// opening, naming the department-year.
		if _, err := s.db.Exec(s.rebind(`UPDATE department_years SET summary_version = 0, data = ?
			WHERE department_id = (SELECT id FROM departments WHERE code = ?)`), `{"year": "not a number"}`, "900100"); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if bad, err := Open(ctx, dsn); err == nil {
			bad.Close()
			t.Fatal("opened a store with an undecodable document")
		} else if !strings.Contains(err.Error(), "900100") || !strings.Contains(err.Error(), strconv.Itoa(year)) {
			t.Errorf("error %q does not name the department-year", err)
		}
	})
}
