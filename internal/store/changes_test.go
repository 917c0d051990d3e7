package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

const changeHeader = "调整日期,预算单位编码,项目编码,调整金额（元）,调整文号,调整原因\n"

// importChanges reads a budget change CSV and imports it.
func importChanges(t *testing.T, s *Store, name, data string) (*ChangeImport, error) {
	t.Helper()
	cs, err := ledger.ReadChanges(name, strings.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s.ImportBudgetChanges(context.Background(), name, cs, "财政局李四")
}

// The worked example with a budget change: 40,000.00 yuan added to the
// project in June makes its July budget 600,000.00, so the 174,720.00 paid
// is 29.12% of it; a cut of basic expenditure in August is not in force at
// the end of July. Re-importing adds nothing; unknown codes and a change
// given twice refuse the file.
func TestBudgetChanges(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := withProvince(t, dsn)
		if _, err := importCSV(t, s, "支付.csv", workedLedger); err != nil {
			t.Fatal(err)
		}
		changes := changeHeader +
			"2024-06-15,900001,900001-2024-01,40000.00,示财预〔2024〕12号,追加会议经费\n" +
			"2024-08-20,900001,,-100000,示财预〔2024〕30号,\n"
		res, err := importChanges(t, s, "调整.csv", changes)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rows != 2 || res.Added != 2 || len(res.Years) != 1 || res.Years[0] != 2024 {
			t.Errorf("import %+v", res)
		}
		if again, err := importChanges(t, s, "调整（重发）.csv", changes); err != nil || again.Added != 0 {
			t.Errorf("re-import: %+v, %v; want nothing added", again, err)
		}
		paid, err := s.PaidByMonth(ctx, 2024, "900001")
		if err != nil {
			t.Fatal(err)
		}
		changed, err := s.ChangedByMonth(ctx, 2024, "900001")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := s.Get(ctx, "900001", 2024)
		if err != nil {
			t.Fatal(err)
		}
		ev := rec.Evaluation
		var projectInitial money.Fen // as stored, before the worked example's 560,000.00 is set
		for i := range ev.Projects {
			if ev.Projects[i].Code == "900001-2024-01" {
				projectInitial = ev.Projects[i].Initial
				ev.Projects[i].Initial = money.Yuan(560_000)
			}
		}
		st, err := monitor.StatusWith(ev, paid, changed, 8, monitor.Schedule{})
		if err != nil {
			t.Fatal(err)
		}
		var line *monitor.Line
		for i := range st.Projects {
			if st.Projects[i].Code == "900001-2024-01" {
				line = &st.Projects[i]
			}
		}
		if line == nil {
			t.Fatal("no line for the project")
		}
		jun, jul := line.Months[5], line.Months[6]
		if jun.Adjusted != money.Yuan(600_000) || jul.Adjusted != money.Yuan(600_000) || jul.Initial != money.Yuan(560_000) || jul.Rate.String() != "29.12" {
			t.Errorf("June budget %s, July budget %s (initial %s), July rate %s; want 600000.00, 600000.00 (560000.00), 29.12", jun.Adjusted, jul.Adjusted, jul.Initial, jul.Rate)
		}
		if may := line.Months[4]; may.Adjusted != money.Yuan(560_000) {
			t.Errorf("May budget %s, want the initial 560000.00", may.Adjusted)
		}
		whole := st.Whole.Months
		init := ev.Finance.Budget.Initial
		if whole[6].Adjusted != init+money.Yuan(40_000) || whole[7].Adjusted != init+money.Yuan(40_000)-money.Yuan(100_000) {
			t.Errorf("the unit's budget in July %s and August %s; initial %s", whole[6].Adjusted, whole[7].Adjusted, init)
		}

		// The warnings of the province are measured against the same budgets.
		if _, err := s.RefreshWarnings(ctx, 2024, 7, datafile.DefaultWarnings(), "测试"); err != nil {
			t.Fatal(err)
		}
		ws, _, err := s.Warnings(ctx, WarningFilter{Year: 2024, Month: 7, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var budgets []string
		for _, w := range ws {
			if w.DepartmentCode == "900001" {
				budgets = append(budgets, w.ProjectCode+"="+w.Budget.String())
			}
		}
		wantProject := "900001-2024-01=" + (projectInitial + money.Yuan(40_000)).String()
		wantWhole := "=" + (init + money.Yuan(40_000)).String()
		if !slices.Contains(budgets, wantProject) || !slices.Contains(budgets, wantWhole) {
			t.Errorf("warnings of unit 900001 with budgets %v; want %s and %s", budgets, wantProject, wantWhole)
		}

		_, err = importChanges(t, s, "错.csv", changeHeader+
			"2024-06-15,999999,,1000,示财预〔2024〕40号,\n"+
			"2024-06-15,900001,P-X,1000,示财预〔2024〕41号,\n")
		var pe *PaymentImportError
		if !errors.As(err, &pe) || pe.UnknownTotal != 2 || apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("unknown codes: %v", err)
		}
		_, err = importChanges(t, s, "重.csv", changeHeader+
			"2024-06-15,900001,,1000,示财预〔2024〕50号,\n"+
			"2024-06-16,900001,,2000,示财预〔2024〕50号,\n")
		if err == nil || !strings.Contains(err.Error(), "第 3 行与第 2 行") {
			t.Fatalf("a change twice: %v", err)
		}
		if n := count(t, s, "budget_changes"); n != 2 {
			t.Errorf("%d changes stored, want 2", n)
		}
	})
}
