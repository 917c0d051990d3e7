package store

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// withWorkedExample stores the generated province of withProvince with
// the worked example's budget (560,000.00 yuan for project
// 900001-2024-01) and its ledger.
func withWorkedExample(t *testing.T, dsn string) *Store {
	t.Helper()
	s := withProvinceEdited(t, dsn, func(ev *evaluation.Evaluation) {
		if ev.Department.Code == "900001" {
			ev.Projects[0].Initial = money.Yuan(560_000)
		}
	})
	if _, err := importCSV(t, s, "2024年1-8月.csv", workedLedger); err != nil {
		t.Fatal(err)
	}
	return s
}

// projectWarning finds the July warning of a project.
func projectWarning(t *testing.T, s *Store, project string) *Warning {
	t.Helper()
	ws, _, err := s.Warnings(ctx, WarningFilter{Year: 2024, Month: 7})
	if err != nil {
		t.Fatal(err)
	}
	for i := range ws {
		if ws[i].ProjectCode == project {
			return &ws[i]
		}
	}
	t.Fatalf("no warning for %s among %d", project, len(ws))
	return nil
}

// warningHistory lists the history rows of warnings of 900001's 2024.
func warningHistory(t *testing.T, s *Store) []Change {
	t.Helper()
	hs, err := s.History(ctx, "900001", 2024)
	if err != nil {
		t.Fatal(err)
	}
	var out []Change
	for _, h := range hs {
		if strings.HasPrefix(h.Path, "warnings[") {
			out = append(out, h)
		}
	}
	return out
}

// rulesWithRedOver is the built-in rules with the red level at gap
// points, the same id.
func rulesWithRedOver(t *testing.T, gap int64, version string) *monitor.WarningRules {
	t.Helper()
	b, err := json.Marshal(datafile.DefaultWarnings())
	if err != nil {
		t.Fatal(err)
	}
	var r monitor.WarningRules
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	p := num.Points(gap * 100)
	r.Levels[0].When.GapOver = &p
	r.Version = version
	return &r
}

func TestRefreshWarnings(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withWorkedExample(t, dsn)
		rules := datafile.DefaultWarnings()
		res, err := s.RefreshWarnings(ctx, 2024, 7, rules, "系统")
		if err != nil {
			t.Fatal(err)
		}
		if res.Years != 2 || res.Raised == 0 || res.Updated != 0 || res.Reopened != 0 {
			t.Errorf("first refresh %+v", res)
		}
		w := projectWarning(t, s, "900001-2024-01")
		// The refund counts against July; the voucher exported twice
		// counts once; August's payment is not counted.
		want := "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点（红色：落后超过 20 个百分点）"
		if w.Sentence != want || w.Level != "red" || w.State != workflow.WarningOpen || w.Paid != money.Yuan(174_720) ||
			w.Budget != money.Yuan(560_000) || w.Gap.String() != "27.13" || w.Figures.PaidToDate != money.Yuan(174_720) ||
			w.RulesVersion != rules.Version || len(w.RulesSHA256) != 64 || w.DepartmentCode != "900001" || w.Handling != "暂缓拨款" {
			t.Errorf("warning %+v", w)
		}
		hist := warningHistory(t, s)
		if len(hist) == 0 {
			t.Fatal("no history of the warnings raised")
		}
		stored := count(t, s, "warnings")
		if stored != res.Raised {
			t.Errorf("%d warnings stored, %d raised", stored, res.Raised)
		}

		// Idempotent: the same data again changes nothing.
		again, err := s.RefreshWarnings(ctx, 2024, 7, rules, "系统")
		if err != nil {
			t.Fatal(err)
		}
		if again.Raised != 0 || again.Updated != 0 || again.Reopened != 0 || again.Cleared != 0 {
			t.Errorf("second refresh %+v, want nothing changed", again)
		}
		if n := count(t, s, "warnings"); n != stored {
			t.Errorf("%d warnings after a second refresh, %d before", n, stored)
		}
		if h := warningHistory(t, s); len(h) != len(hist) {
			t.Errorf("%d history rows after a second refresh, %d before", len(h), len(hist))
		}
		if w2 := projectWarning(t, s, "900001-2024-01"); w2.Version != w.Version {
			t.Errorf("version %d after a second refresh, %d before", w2.Version, w.Version)
		}
	})
}

// Two refreshes of the same month at once: each succeeds or is told to
// try again; the warnings are stored once.
func TestRefreshWarningsAtOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withWorkedExample(t, dsn)
		errs := make(chan error, 2)
		for range 2 {
			go func() {
				_, err := s.RefreshWarnings(ctx, 2024, 7, datafile.DefaultWarnings(), "系统")
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil && apperr.Code(err) != apperr.ECONFLICT {
				t.Errorf("concurrent refresh: %v", err)
			}
		}
		res, err := s.RefreshWarnings(ctx, 2024, 7, datafile.DefaultWarnings(), "系统")
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "warnings"); res.Raised != 0 || n == 0 {
			t.Errorf("after concurrent refreshes: %d stored, a third raised %d", n, res.Raised)
		}
		var opened int
		for _, h := range warningHistory(t, s) {
			if h.Old == "" {
				opened++
			}
		}
		if hs, _, _ := s.Warnings(ctx, WarningFilter{Year: 2024, Month: 7, DepartmentCode: "900001"}); opened != len(hs) {
			t.Errorf("%d warnings of 900001 raised in history, %d stored", opened, len(hs))
		}
	})
}

func TestHandleWarning(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withWorkedExample(t, dsn)
		p := mkPeople(t, s, "900001", "900002")
		// Red beyond 30 points: the worked example (27.13) is orange.
		if _, err := s.RefreshWarnings(ctx, 2024, 7, rulesWithRedOver(t, 30, "test-1"), "系统"); err != nil {
			t.Fatal(err)
		}
		w := projectWarning(t, s, "900001-2024-01")
		if w.Level != "orange" {
			t.Fatalf("level %s, want orange", w.Level)
		}
		for _, c := range []struct {
			who     User
			to      string
			comment string
			version int
			code    string
		}{
			{p.editorA, workflow.WarningPassed, "已整改", w.Version, apperr.EFORBIDDEN},
			{p.approverA, workflow.WarningPassed, "已整改", w.Version, apperr.EFORBIDDEN},
			{p.editorB, workflow.WarningResponded, "措施", w.Version, apperr.EFORBIDDEN},
			{p.reviewer, workflow.WarningPassed, "  ", w.Version, apperr.EINVALID},
			{p.reviewer, workflow.WarningPassed, "情况属实", w.Version - 1, apperr.ECONFLICT},
			{p.reviewer, workflow.WarningResponded, "情况属实", w.Version, apperr.EFORBIDDEN},
		} {
			if _, err := s.MoveWarning(ctx, w.ID, c.to, c.comment, c.version, c.who); apperr.Code(err) != c.code {
				t.Errorf("%s → %s: %v, want %s", c.who.Username, c.to, err, c.code)
			}
		}
		// Returned to the department, which answers with its measures;
		// then passed.
		got, err := s.MoveWarning(ctx, w.ID, workflow.WarningReturned, "请说明执行缓慢的原因并提出整改措施", w.Version, p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != workflow.WarningReturned || got.Handler != "reviewer" || got.HandledSeverity != got.Severity {
			t.Errorf("returned: %+v", got)
		}
		got, err = s.MoveWarning(ctx, w.ID, workflow.WarningResponded, "8月完成合同签订并支付首期款", got.Version, p.editorA)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != workflow.WarningResponded || got.Response != "8月完成合同签订并支付首期款" || got.Responder != "editor-a" {
			t.Errorf("responded: %+v", got)
		}
		got, err = s.MoveWarning(ctx, w.ID, workflow.WarningPassed, "措施可行，继续跟踪", got.Version, p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		hist := warningHistory(t, s)
		var moves []string
		for _, h := range hist {
			if h.Path == "warnings["+itoa(w.ID)+"].state" {
				moves = append(moves, h.Old+"→"+h.New+"："+h.Reason)
			}
		}
		wantMoves := []string{
			"→open：触发预警：" + w.Sentence,
			"open→returned：退回：请说明执行缓慢的原因并提出整改措施",
			"returned→responded：反馈整改措施：8月完成合同签订并支付首期款",
			"responded→passed：通过：措施可行，继续跟踪",
		}
		if strings.Join(moves, "\n") != strings.Join(wantMoves, "\n") {
			t.Errorf("history:\n%s\nwant:\n%s", strings.Join(moves, "\n"), strings.Join(wantMoves, "\n"))
		}

		// A handled warning is kept when computed again at its level…
		res, err := s.RefreshWarnings(ctx, 2024, 7, rulesWithRedOver(t, 30, "test-1"), "系统")
		if err != nil {
			t.Fatal(err)
		}
		if k := projectWarning(t, s, "900001-2024-01"); k.State != workflow.WarningPassed || res.Kept == 0 || res.Reopened != 0 {
			t.Errorf("after refresh: state %s, %+v", k.State, res)
		}
		// …and when a refund lowers what was paid, its figures follow
		// while its state stays.
		refund := ledgerHeader + "2024-07-20,900001,900001-2024-01,2010101 行政运行,30227 委托业务费,一般公共预算,-4720.00,PZ-0100,某咨询公司,退回\n"
		if _, err := importCSV(t, s, "退款.csv", refund); err != nil {
			t.Fatal(err)
		}
		res, err = s.RefreshWarnings(ctx, 2024, 7, rulesWithRedOver(t, 30, "test-1"), "系统")
		if err != nil {
			t.Fatal(err)
		}
		k := projectWarning(t, s, "900001-2024-01")
		if k.State != workflow.WarningPassed || k.Paid != money.Yuan(170_000) || k.Rate.String() != "30.36" || res.Updated == 0 {
			t.Errorf("after a refund: state %s, paid %s, rate %s, %+v", k.State, k.Paid, k.Rate, res)
		}
		// Its level rising (red beyond 20 points) reopens it.
		res, err = s.RefreshWarnings(ctx, 2024, 7, rulesWithRedOver(t, 20, "test-2"), "系统")
		if err != nil {
			t.Fatal(err)
		}
		k = projectWarning(t, s, "900001-2024-01")
		if k.State != workflow.WarningOpen || k.Level != "red" || res.Reopened == 0 || k.Comment != "措施可行，继续跟踪" {
			t.Errorf("after the level rose: %+v, %+v", k, res)
		}
		last := warningHistory(t, s)
		if h := last[len(last)-1]; h.Old != workflow.WarningPassed || h.New != workflow.WarningOpen || !strings.Contains(h.Reason, "预警等级升至红色") || h.Actor != "系统" {
			t.Errorf("history of the reopening %+v", h)
		}
	})
}

// An open warning that no longer fires is cleared, and raised again when
// it fires again.
func TestWarningCleared(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withWorkedExample(t, dsn)
		rules := datafile.DefaultWarnings()
		if _, err := s.RefreshWarnings(ctx, 2024, 7, rules, "系统"); err != nil {
			t.Fatal(err)
		}
		w := projectWarning(t, s, "900001-2024-01")
		red := func() int {
			counts, _, err := s.WarningCounts(ctx, 2024, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range counts {
				if c.Level == "red" {
					return c.Count
				}
			}
			return 0
		}
		before := red()
		catchUp := ledgerHeader + "2024-07-25,900001,900001-2024-01,2010101 行政运行,30227 委托业务费,一般公共预算,200000.00,PZ-0200,某咨询公司,\n"
		if _, err := importCSV(t, s, "补付.csv", catchUp); err != nil {
			t.Fatal(err)
		}
		res, err := s.RefreshWarnings(ctx, 2024, 7, rules, "系统")
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetWarning(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != workflow.WarningCleared || res.Cleared == 0 {
			t.Errorf("after catching up: %s, %+v", got.State, res)
		}
		if after := red(); after != before-1 {
			t.Errorf("%d red warnings counted after one was cleared, %d before", after, before)
		}
		// Fired again (a payment withdrawn is a refund): open again.
		if _, err := importCSV(t, s, "冲回.csv", strings.ReplaceAll(catchUp, "200000.00,PZ-0200", "-200000.00,PZ-0201")); err != nil {
			t.Fatal(err)
		}
		if res, err = s.RefreshWarnings(ctx, 2024, 7, rules, "系统"); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.GetWarning(ctx, w.ID); got.State != workflow.WarningOpen || res.Reopened != 1 || red() != before {
			t.Errorf("fired again: %s, %+v", got.State, res)
		}
	})
}

// The payments behind a warning: the unit's project up to the end of
// the month, paged, with their number and sum.
func TestWarningPayments(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := withWorkedExample(t, dsn)
		if _, err := s.RefreshWarnings(ctx, 2024, 7, datafile.DefaultWarnings(), "系统"); err != nil {
			t.Fatal(err)
		}
		w := projectWarning(t, s, "900001-2024-01")
		rows, total, sum, err := s.WarningPayments(ctx, w, 0, 2)
		if err != nil {
			t.Fatal(err)
		}
		if total != 5 || sum != money.Yuan(174_720) || len(rows) != 2 || rows[0].Voucher != "PZ-0001" || rows[1].Voucher != "PZ-0002" {
			t.Errorf("first page: %d rows of %d, sum %s: %+v", len(rows), total, sum, rows)
		}
		rows, _, _, err = s.WarningPayments(ctx, w, 4, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Voucher != "PZ-0005" || rows[0].Amount != money.Yuan(-3_280) || rows[0].PaidOn.String() != "2024-07-31" {
			t.Errorf("last page: %+v", rows)
		}
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
