package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/report/reporttest"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// executionYear opens department A's 2024 from 2023 and takes it through
// the declaration to 批复 in the store; it returns the year's path.
func executionYear(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	if _, err := e.st.OpenYears(ctx, []store.OpenRequest{{Code: codeA, Year: 2024}}, "operator", ""); err != nil {
		t.Fatal(err)
	}
	// A quarterly milestone on the first ≥ project indicator with a number.
	ev := e.record(codeA, 2024).Evaluation
	set := false
	for i := range ev.Projects {
		for j := range ev.Projects[i].Targets {
			tg := &ev.Projects[i].Targets[j]
			if _, err := strconv.ParseFloat(tg.Target, 64); err == nil && tg.Direction == ">=" && !set {
				tg.Milestones = &evaluation.Milestones{Q2: tg.Target, Q4: tg.Target}
				set = true
			}
		}
	}
	if _, err := e.st.Update(ctx, codeA, 2024, ev, nil, e.version(codeA, 2024), editorA, "设置季度节点值"); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ to, user string }{
		{workflow.Submitted, editorA}, {workflow.Approved, approverA}, {workflow.UnderReview, reviewer}, {workflow.Draft, reviewer},
	} {
		if _, err := e.st.Transition(ctx, codeA, 2024, step.to, e.users[step.user], "", e.version(codeA, 2024)); err != nil {
			t.Fatalf("→ %s: %v", step.to, err)
		}
	}
	return "/evaluations/" + codeA + "/2024"
}

// checkpointForm fills every declared row of the year for July: on
// track, except the first project indicator with a milestone, which is
// behind it with a cause and an explanation when withCause.
func checkpointForm(t *testing.T, e *env, version int, withCause bool) (url.Values, string) {
	t.Helper()
	ev := e.record(codeA, 2024).Evaluation
	form := url.Values{"version": {strconv.Itoa(version)}}
	behind := ""
	for i, r := range monitor.Rows(ev, &monitor.Checkpoint{Month: 7}) {
		k := func(f string) string { return fmt.Sprintf("r%d.%s", i, f) }
		form.Set(k("key"), r.Project+"/"+r.Target.Code)
		form.Set(k("to_date"), r.Target.Target)
		form.Set(k("expected"), r.Target.Target)
		form.Set(k("likelihood"), monitor.Certain)
		if r.Milestone != "" {
			form.Set(k("to_date"), r.Milestone)
		}
		if behind == "" && r.Project != "" && r.Milestone != "" && r.Target.Direction == ">=" {
			behind = r.Target.Name
			form.Set(k("to_date"), "0")
			if withCause {
				form[k("causes")] = []string{monitor.CauseFunds, monitor.CauseOther}
				form.Set(k("explanation"), "上级资金7月下旬到位")
				form.Set(k("measures"), "8月起加快实施")
			}
		}
	}
	n := 0
	for _, p := range ev.Projects {
		if p.Code != "" {
			form.Set(fmt.Sprintf("p%d.expected", n), p.Initial.String())
			n++
		}
	}
	return form, behind
}

// The department fills in July's report, the live check names what is
// missing, the save keeps it with a version, the report goes through the
// department and the finance bureau, and the tables download; only those
// who may see the year see the report, only its editor fills it in.
func TestCheckpointRoundTrip(t *testing.T) {
	e := newEnv(t)
	base := executionYear(t, e) + "/monitoring/7"

	if ws := e.get(editorA, "/evaluations/"+codeA+"/2024").Body.String(); !strings.Contains(ws, `href="`+base+`">填报绩效监控表（1—7月）`) {
		t.Errorf("the workspace offers no July report:\n%s", firstLines(ws, 80))
	}
	w := e.get(editorA, base)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `name="r0.key"`) || !strings.Contains(w.Body.String(), "未填写") {
		t.Fatalf("editor's form: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	if !strings.Contains(w.Body.String(), "报送截止 2024年8月31日") {
		t.Errorf("no due date on the page")
	}
	for user, want := range map[string]int{editorB: 404, approverB: 404, reviewer: 200, approverA: 200} {
		if w := e.get(user, base); w.Code != want || (w.Code == 200 && strings.Contains(w.Body.String(), `name="r0.key"`)) {
			t.Errorf("%s: %d, want %d without a form", user, w.Code, want)
		}
	}
	if w := e.get(anon, base); w.Code == 200 {
		t.Errorf("anonymous: %d", w.Code)
	}
	if w := e.get(editorA, executionYear2(base, "13")); w.Code != 404 {
		t.Errorf("month 13: %d", w.Code)
	}

	// The live check: behind the milestone without a cause.
	form, behind := checkpointForm(t, e, 0, false)
	if behind == "" {
		t.Fatal("no project indicator with a milestone in the opened year")
	}
	w = e.do(req{method: "POST", path: base + "/check", form: form, token: e.session(editorA), header: map[string]string{"HX-Request": "true"}})
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "W230") || !strings.Contains(body, "E234") || !strings.Contains(body, behind) || strings.Contains(body, "<html") {
		t.Errorf("check: %d\n%s", w.Code, body)
	}
	if w := e.post(approverA, base, form); w.Code != 403 {
		t.Errorf("approver saving: %d", w.Code)
	}
	if w := e.post(editorB, base, form); w.Code != 404 {
		t.Errorf("other department saving: %d", w.Code)
	}
	bad, _ := checkpointForm(t, e, 0, true)
	bad.Set("p0.expected", "十万")
	if w := e.post(editorA, base, bad); w.Code != 422 || !strings.Contains(w.Body.String(), "全年预计执行数") {
		t.Errorf("bad amount: %d", w.Code)
	}
	bad, _ = checkpointForm(t, e, 0, true)
	bad.Set("r0.key", "X/Y")
	if w := e.post(editorA, base, bad); w.Code != 409 {
		t.Errorf("a form of other targets: %d", w.Code)
	}

	// Saved as a draft without the cause; submitting it is refused.
	if w := e.post(editorA, base, form); w.Code != 303 {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
	rep, err := e.st.Checkpoint(context.Background(), codeA, 2024, 7)
	if err != nil || rep.Version != 1 || rep.Status != workflow.Draft {
		t.Fatalf("stored %+v %v", rep, err)
	}
	// The saved draft's page shows the problems beside the row they are about.
	if page := e.get(editorA, base).Body.String(); !strings.Contains(page, `<p class="field-error">E234 `) || !strings.Contains(page, "未达到第二季度末节点值，请选择偏差原因并说明") {
		t.Errorf("draft page without the row's problems:\n%s", firstLines(page, 80))
	}
	move := func(user, to, comment string, want int) string {
		t.Helper()
		rep, _ := e.st.Checkpoint(context.Background(), codeA, 2024, 7)
		w := e.post(user, base+"/transition", url.Values{"to": {to}, "version": {strconv.Itoa(rep.Version)}, "comment": {comment}})
		if w.Code != want {
			t.Fatalf("%s → %s: %d, want %d\n%s", user, to, w.Code, want, firstLines(w.Body.String(), 60))
		}
		return w.Body.String()
	}
	if body := move(editorA, workflow.Submitted, "", 422); !strings.Contains(body, "E234") {
		t.Errorf("incomplete submission:\n%s", firstLines(body, 60))
	}
	// A stale version conflicts; the cause is added.
	if w := e.post(editorA, base, form); w.Code != 409 {
		t.Errorf("stale save: %d", w.Code)
	}
	form, _ = checkpointForm(t, e, 1, true)
	if w := e.post(editorA, base, form); w.Code != 303 {
		t.Fatalf("save 2: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
	move(editorA, workflow.Submitted, "", 303)
	if w := e.post(editorA, base, form); w.Code != 403 {
		t.Errorf("saving a submitted report: %d", w.Code)
	}
	move(reviewer, workflow.Accepted, "", 403)
	move(approverA, workflow.Approved, "", 303)
	move(reviewer, workflow.UnderReview, "", 303)
	if body := move(reviewer, workflow.Returned, "", 422); !strings.Contains(body, "需要填写原因") {
		t.Errorf("return without a reason:\n%s", firstLines(body, 60))
	}
	move(reviewer, workflow.Returned, "请补充纠偏措施的时间安排", 303)
	if body := e.get(editorA, base).Body.String(); !strings.Contains(body, "请补充纠偏措施的时间安排") || !strings.Contains(body, `name="r0.key"`) {
		t.Errorf("returned report:\n%s", firstLines(body, 60))
	}
	move(editorA, workflow.Submitted, "", 303)
	move(approverA, workflow.Approved, "", 303)
	move(reviewer, workflow.UnderReview, "", 303)
	move(reviewer, workflow.Accepted, "", 303)
	if page := e.get(reviewer, base).Body.String(); !strings.Contains(page, "已通过") || !strings.Contains(page, "上级资金7月下旬到位") {
		t.Errorf("accepted report page:\n%s", firstLines(page, 80))
	}

	// The tables, as Word and as a spreadsheet.
	for _, ext := range []string{"docx", "xlsx"} {
		w := e.get(approverA, base+"/table."+ext)
		if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "monitoring-"+codeA+"-2024-07."+ext) {
			t.Fatalf("%s: %d %v", ext, w.Code, w.Header())
		}
		text := reporttest.MustOfficeText(t, w.Body.Bytes())
		for _, want := range []string{"项目支出绩效目标执行监控表", behind, "上级资金7月下旬到位", "经费保障、其他"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", ext, want)
			}
		}
	}
	if w := e.get(editorB, base+"/table.docx"); w.Code != 404 {
		t.Errorf("other department's download: %d", w.Code)
	}
	if w := e.get(editorA, base+"/table.exe"); w.Code != 404 {
		t.Errorf("unknown format: %d", w.Code)
	}
	// The workspace links the report; the history names its moves.
	if ws := e.get(editorA, "/evaluations/"+codeA+"/2024").Body.String(); !strings.Contains(ws, base) || !strings.Contains(ws, "绩效监控表（1—7月，已通过）") || strings.Contains(ws, "填报绩效监控表") {
		t.Errorf("the workspace's link to the report:\n%s", firstLines(ws, 80))
	}
}

func executionYear2(base, month string) string { return strings.TrimSuffix(base, "/7") + "/" + month }
