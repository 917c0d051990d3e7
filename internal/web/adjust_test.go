package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// moveDeclaration makes the moves of the declaration on the web, each as
// the user whose move it is.
func moveDeclaration(t *testing.T, e *env, steps ...[2]string) {
	t.Helper()
	for _, step := range steps {
		form := url.Values{"to": {step[1]}, "version": {strconv.Itoa(e.version(codeA, 2024))}}
		if step[1] == workflow.Returned {
			form.Set("comment", "请按意见修改")
		}
		if w := e.post(step[0], declPath+"/transition", form); w.Code != http.StatusSeeOther {
			t.Fatalf("%s → %s: %d\n%s", step[0], step[1], w.Code, firstLines(w.Body.String(), 60))
		}
	}
}

// approvedDeclaration opens 2024 and takes it through to 批复: the
// execution stage.
func approvedDeclaration(t *testing.T, e *env) {
	t.Helper()
	openDeclaration(t, e)
	moveDeclaration(t, e, [2]string{editorA, workflow.Submitted}, [2]string{approverA, workflow.Approved},
		[2]string{reviewer, workflow.UnderReview}, [2]string{reviewer, workflow.Draft})
	if rec := e.record(codeA, 2024); rec.Stage != workflow.Execution {
		t.Fatalf("after 批复: %s", rec.Stage)
	}
}

// adjustForm is the adjustment form of a scope as its editor gets it,
// as a browser would post it.
func adjustForm(t *testing.T, e *env, scope string) url.Values {
	t.Helper()
	w := e.get(editorA, declPath+"/adjustments/new?scope="+url.QueryEscape(scope))
	if w.Code != http.StatusOK {
		t.Fatalf("adjustment form of %s: %d\n%s", scope, w.Code, firstLines(w.Body.String(), 60))
	}
	v := editFormValues(t, w.Body.String())
	v.Set("scope", scope)
	return v
}

// TestAdjustmentAccess: in the execution stage only the department's
// editor proposes and only the reviewer decides; the approver, another
// department's editor and anonymous users do neither; the reviewer does
// not propose.
func TestAdjustmentAccess(t *testing.T) {
	e := newEnv(t)
	approvedDeclaration(t, e)
	for user, want := range map[string]int{editorA: 200, approverA: 403, reviewer: 403, admin: 403, editorB: 404} {
		if w := e.get(user, declPath+"/adjustments/new?scope=department"); w.Code != want {
			t.Errorf("adjustment form as %s: %d, want %d", user, w.Code, want)
		}
	}
	if w := e.get(anon, declPath+"/adjustments/new"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("adjustment form anonymous: %d %s", w.Code, w.Header().Get("Location"))
	}
	form := adjustForm(t, e, "department")
	form.Set("targets[0].target", "1")
	form.Set("reason", "任务调整")
	for user, want := range map[string]int{approverA: 403, reviewer: 403, admin: 403, editorB: 404} {
		if w := e.post(user, declPath+"/adjustments", form); w.Code != want {
			t.Errorf("proposal by %s: %d, want %d", user, w.Code, want)
		}
	}
	if w := e.post(anon, declPath+"/adjustments", form); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("proposal anonymous: %d", w.Code)
	}
	if adjs, _ := e.st.Adjustments(t.Context(), codeA, 2024); len(adjs) != 0 {
		t.Fatalf("a refused proposal was stored: %+v", adjs)
	}
	if w := e.post(editorA, declPath+"/adjustments", form); w.Code != http.StatusSeeOther {
		t.Fatalf("proposal by the editor: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	decide := url.Values{"decision": {"approve"}, "comment": {"同意"}}
	for user, want := range map[string]int{editorA: 403, approverA: 403, admin: 403, editorB: 404} {
		if w := e.post(user, declPath+"/adjustments/1/decision", decide); w.Code != want {
			t.Errorf("decision by %s: %d, want %d", user, w.Code, want)
		}
	}
	if w := e.post(anon, declPath+"/adjustments/1/decision", decide); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("decision anonymous: %d", w.Code)
	}
	// The page: readable by the department and the bureau, the decision
	// form for the reviewer alone.
	for user, want := range map[string]int{editorA: 200, approverA: 200, reviewer: 200, admin: 200, editorB: 404} {
		w := e.get(user, declPath+"/adjustments/1")
		if w.Code != want {
			t.Errorf("adjustment page as %s: %d, want %d", user, w.Code, want)
		}
		if has := strings.Contains(w.Body.String(), `/adjustments/1/decision"`); has != (user == reviewer) {
			t.Errorf("adjustment page as %s offers the decision: %v", user, has)
		}
	}
	if adjs, _ := e.st.Adjustments(t.Context(), codeA, 2024); len(adjs) != 1 || adjs[0].Status != store.AdjustmentProposed {
		t.Errorf("after refused decisions: %+v", adjs)
	}
}

// TestAdjustmentOnWeb: the editor proposes a change of one department
// target with a reason (a missing reason and an unchanged proposal are
// refused on the form); the reviewer sees it in the task list and on the
// workspace, sees the field before and after, rejects only with a
// comment, approves; the target is adjusted with its marker and history
// says so. A proposal made on a baseline since replaced cannot be
// approved: the reviewer is told to reject it and have it re-proposed.
func TestAdjustmentOnWeb(t *testing.T) {
	e := newEnv(t)
	approvedDeclaration(t, e)
	rec := e.record(codeA, 2024)
	old := rec.Evaluation.Targets[0]
	ws := e.get(editorA, declPath).Body.String()
	if !strings.Contains(ws, "申请目标调整") || !strings.Contains(ws, `value="department"`) {
		t.Fatalf("the editor's workspace offers no adjustment:\n%s", firstLines(ws, 100))
	}

	form := adjustForm(t, e, "department")
	if _, ok := form["targets[0].code"]; ok {
		t.Error("the adjustment form lets codes change")
	}
	same := cloneValues(form)
	same.Set("reason", "没有变化")
	if w := e.post(editorA, declPath+"/adjustments", same); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "与批复的相同") {
		t.Errorf("unchanged proposal: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	form.Set("targets[0].target", "1")
	if w := e.post(editorA, declPath+"/adjustments", form); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "调整原因：请填写调整原因") {
		t.Errorf("proposal without a reason: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	form.Set("reason", "上级任务调减")
	w := e.post(editorA, declPath+"/adjustments", form)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != declPath+"/adjustments/1" {
		t.Fatalf("proposal: %d %s\n%s", w.Code, w.Header().Get("Location"), firstLines(w.Body.String(), 80))
	}
	if e.version(codeA, 2024) != rec.Version {
		t.Error("a proposal changed the year's version")
	}

	home := e.get(reviewer, "/").Body.String()
	if !strings.Contains(home, "待审核的目标调整") || !strings.Contains(home, declPath+"/adjustments/1") || !strings.Contains(home, "上级任务调减") {
		t.Errorf("the reviewer's task list lacks the adjustment:\n%s", firstLines(home, 120))
	}
	if home := e.get(editorB, "/").Body.String(); strings.Contains(home, "待审核的目标调整") {
		t.Error("another department's editor sees the pending adjustment")
	}
	ws = e.get(reviewer, declPath).Body.String()
	if !strings.Contains(ws, "第1号") || !strings.Contains(ws, "申请中") || !strings.Contains(ws, "上级任务调减") || !strings.Contains(ws, "部门整体") {
		t.Errorf("the workspace does not list the adjustment:\n%s", firstLines(ws, 200))
	}
	page := e.get(reviewer, declPath+"/adjustments/1").Body.String()
	label := "绩效目标“" + old.Name + "”指标值"
	row := regexp.MustCompile(`<tr><th scope="row">([^<]*)</th><td class="old">([^<]*)</td><td class="new">([^<]*)</td></tr>`).FindAllStringSubmatch(page, -1)
	wantOld, wantNew := "≥"+old.Target+old.Unit, "≥1"+old.Unit
	if len(row) != 1 || row[0][1] != label || row[0][2] != wantOld || row[0][3] != wantNew {
		t.Errorf("comparison rows %q, want one %q %q → %q", row, label, wantOld, wantNew)
	}

	w = e.post(reviewer, declPath+"/adjustments/1/decision", url.Values{"decision": {"reject"}, "comment": {" "}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "不予批准时请填写审核意见") {
		t.Errorf("reject without a comment: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	w = e.post(reviewer, declPath+"/adjustments/1/decision", url.Values{"decision": {"approve"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	rec = e.record(codeA, 2024)
	got := rec.Evaluation.Targets[0]
	if got.Target != "1" || got.Adjusted == nil || got.Adjusted.Number != 1 || got.Adjusted.From == nil || got.Adjusted.From.Target != old.Target {
		t.Errorf("adjusted target %+v %+v", got, got.Adjusted)
	}
	hist := e.get(editorA, declPath+"/history").Body.String()
	for _, want := range []string{"目标调整第1号状态", "已批准", "目标调整第1号：上级任务调减", "绩效目标“" + old.Name + "”年度指标值"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	if ws := e.get(editorA, declPath).Body.String(); !strings.Contains(ws, "经第1号目标调整，原为") || !strings.Contains(ws, "已批准") {
		t.Errorf("the workspace does not show the adjusted target")
	}

	// Two proposals on the same baseline: once one is approved the other
	// is stale.
	for i, v := range []string{"2", "3"} {
		f := adjustForm(t, e, "department")
		f.Set("targets[0].target", v)
		f.Set("reason", "第"+strconv.Itoa(i+2)+"次调整")
		if w := e.post(editorA, declPath+"/adjustments", f); w.Code != http.StatusSeeOther {
			t.Fatalf("proposal %d: %d\n%s", i+2, w.Code, firstLines(w.Body.String(), 60))
		}
	}
	if w := e.post(reviewer, declPath+"/adjustments/2/decision", url.Values{"decision": {"approve"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("approve 2: %d", w.Code)
	}
	if page := e.get(reviewer, declPath+"/adjustments/3").Body.String(); !strings.Contains(page, "本申请不能再批准") {
		t.Error("the stale proposal is not marked")
	}
	w = e.post(reviewer, declPath+"/adjustments/3/decision", url.Values{"decision": {"approve"}})
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "请重新申请") || !strings.Contains(w.Body.String(), "不予批准") {
		t.Errorf("stale approval: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	if w := e.post(reviewer, declPath+"/adjustments/3/decision", url.Values{"decision": {"reject"}, "comment": {"请按现行目标重新申请"}}); w.Code != http.StatusSeeOther {
		t.Errorf("reject 3: %d", w.Code)
	}
	if got := e.record(codeA, 2024).Evaluation.Targets[0].Target; got != "2" {
		t.Errorf("target after 2 approved and 3 rejected: %s", got)
	}
}

// TestDeclarationIndicatorComments: the reviewer comments on one project
// indicator of a declaration under review and returns it; the editor sees
// the comment beside that indicator on the workspace and in the
// declaration form, and nowhere else.
func TestDeclarationIndicatorComments(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	moveDeclaration(t, e, [2]string{editorA, workflow.Submitted}, [2]string{approverA, workflow.Approved}, [2]string{reviewer, workflow.UnderReview})
	rec := e.record(codeA, 2024)
	var pcode, tcode, tname string
	for _, p := range rec.Evaluation.Projects {
		if p.Code != "" && len(p.Targets) > 1 {
			pcode, tcode, tname = p.Code, p.Targets[1].Code, p.Targets[1].Name
			break
		}
	}
	if pcode == "" {
		t.Fatal("no project with codes and two indicators")
	}
	ws := e.get(reviewer, declPath).Body.String()
	key := "project:" + pcode + "#" + tcode
	if !strings.Contains(ws, `<option value="`+key+`">`) {
		t.Fatalf("the comment form does not offer %s:\n%s", key, firstLines(ws, 200))
	}
	if w := e.post(reviewer, declPath+"/comments", url.Values{"target": {"project:" + pcode + "#NOPE"}, "body": {"x"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("comment on an unknown indicator: %d", w.Code)
	}
	body := "指标值偏低，请按上年实际完成值调整"
	if w := e.post(reviewer, declPath+"/comments", url.Values{"target": {key}, "body": {body}}); w.Code != http.StatusSeeOther {
		t.Fatalf("comment: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	cs, _ := e.st.Comments(t.Context(), codeA, 2024)
	if len(cs) != 1 || cs[0].Scope != store.ProjectScope(pcode) || cs[0].IndicatorCode != tcode {
		t.Fatalf("comments %+v", cs)
	}
	moveDeclaration(t, e, [2]string{reviewer, workflow.Returned})

	ws = e.get(editorA, declPath).Body.String()
	anchor := editFieldID("decl-", store.ProjectScope(pcode)+"-"+tcode)
	row := regexp.MustCompile(`(?s)<tr id="` + anchor + `">.*?</tr>`).FindString(ws)
	if !strings.Contains(row, body) || !strings.Contains(row, tname) {
		t.Errorf("the indicator's row lacks the comment: %q", row)
	}
	if strings.Count(ws, body) != 2 { // beside the indicator and in the list of comments
		t.Errorf("the comment shows %d times on the workspace", strings.Count(ws, body))
	}
	if !strings.Contains(ws, `href="#`+anchor+`"`) {
		t.Error("the return notice does not link to the commented indicator")
	}
	form := e.get(editorA, declPath+"/edit").Body.String()
	fs := regexp.MustCompile(`(?s)<fieldset id="g-projects-\d+-targets-\d+"[^>]*>\s*<legend>[^<]*` + regexp.QuoteMeta(tcode+" "+tname) + `</legend>.*?</fieldset>`).FindString(form)
	if !strings.Contains(fs, body) {
		t.Errorf("the declaration form does not show the comment beside the indicator:\n%s", fs)
	}
	if strings.Count(form, body) != 1 {
		t.Errorf("the comment shows %d times in the form", strings.Count(form, body))
	}
}

// The comparison names every changed field in words; an indicator's
// value, direction and unit make one row with the whole value.
func TestDeclaredChanges(t *testing.T) {
	before := &evaluation.DeclaredPart{Projects: []evaluation.Project{{Code: "P1", Name: "会议保障", Goal: "保障会议", Targets: []evaluation.Target{
		{Code: "T1", Name: "保障场次", Category: "output", Direction: ">=", Target: "150", Unit: "场"},
		{Code: "T2", Name: "会务差错", Category: "output", Direction: "<=", Target: "0", Unit: "次"},
	}}}}
	after := before.Clone()
	p := &after.Projects[0]
	p.Goal = "保障重大会议"
	p.Targets[0].Target, p.Targets[0].Unit, p.Targets[0].Direction = "140", "次", "="
	p.Targets[1].Category = "effect"
	p.Targets[0].Adjusted = &evaluation.Adjusted{Number: 1} // markers are not compared
	got := declaredChanges(before, after)
	want := []fieldChange{
		{"项目“会议保障”年度总体目标", "保障会议", "保障重大会议"},
		{"项目“会议保障”绩效指标“保障场次”指标值", "≥150场", "140次"},
		{"项目“会议保障”绩效指标“会务差错”一级指标", "产出指标", "效益指标"},
	}
	if len(got) != len(want) {
		t.Fatalf("changes %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("change %d: %q, want %q", i, got[i], want[i])
		}
	}
}
