package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/workflow"
)

// yearEndAdd presses an add button of the year-end form and returns the
// page shown, with the form as the browser would post it next.
func yearEndAdd(t *testing.T, e *env, form url.Values, list string) (string, url.Values) {
	t.Helper()
	page := pressAdd(t, e, pathA, form, list)
	if strings.Contains(page, `class="form-errors"`) {
		t.Errorf("adding a blank row to %s shows errors:\n%s", list, firstLines(page[strings.Index(page, `class="form-errors"`):], 20))
	}
	return page, declFormValues(t, page)
}

// TestEditFormLists: on the year-end form the editor adds, changes and
// removes an income line, a problem and a contract in one save, typing
// one amount in 万元; the history has a row per changed field, named in
// Chinese; a stale form is refused.
func TestEditFormLists(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	bev := before.Evaluation
	page := e.get(editorA, pathA+"/edit").Body.String()
	for _, want := range []string{"添加收入来源", "台账：政府采购合同", "添加采购合同", "报告文字", "存在的主要问题", `name="rows.registers.contracts" value="6"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	form := declFormValues(t, page)
	nIn, nProb, nCon := len(bev.Finance.Income), len(bev.Problems), len(bev.Registers.Contracts)

	page, form = yearEndAdd(t, e, form, "finance.income")
	if !strings.Contains(page, fmt.Sprintf(`name="finance.income[%d].kind"`, nIn)) {
		t.Fatal("no blank income line after its add button")
	}
	_, form = yearEndAdd(t, e, form, "finance.income")
	_, form = yearEndAdd(t, e, form, "problems")
	_, form = yearEndAdd(t, e, form, "registers.contracts")

	// The one stored income line goes; two new ones take its place.
	form.Set("remove.finance.income[0]", "1")
	in := fmt.Sprintf("finance.income[%d]", nIn)
	form.Set(in+".kind", "general_public")
	form.Set(in+".amount", "33,073,974.33")
	in = fmt.Sprintf("finance.income[%d]", nIn+1)
	form.Set(in+".kind", "other")
	form.Set(in+".name", "利息收入")
	form.Set(in+".amount", "12,345.67")
	form.Set("finance.stated.income", "") // the printed total is left out
	form.Set("problems[0]", "政府采购合同备案不够及时。")
	form.Set(fmt.Sprintf("problems[%d]", nProb), "新增的问题：资产盘点不够及时。")
	form.Set("remove.problems[1]", "1")
	c := fmt.Sprintf("registers.contracts[%d]", nCon)
	form.Set(c+".number", "THZFB-2023-HT-031")
	form.Set(c+".supplier", "广州某印务有限公司")
	form.Set(c+".amount", "3.5万元")
	form.Set(c+".sme", "true")
	form.Set(c+".awarded", "2023-12-01")
	form.Set(c+".signed", "2023-12-08")
	form.Set(c+".published", "2023-12-11")
	form.Set(c+".filed", "2023-12-15")
	form.Set("registers.contracts[0].supplier", "广州某会展服务有限公司")
	form.Set("remove.registers.contracts[1]", "1")
	form.Set("narrative.outlook", "2024年继续加强资产管理。")
	form.Set("reason", "补录合同和收入")
	w := e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 120))
	}
	after := e.record(codeA, yearA)
	ev := after.Evaluation
	if len(ev.Finance.Income) != nIn+1 || ev.Finance.Income[nIn] != (evaluation.Income{Kind: "other", Name: "利息收入", Amount: 1_234_567}) ||
		ev.Finance.Income[nIn-1] != (evaluation.Income{Kind: "general_public", Amount: 3_307_397_433}) || ev.Finance.Stated.Income != nil {
		t.Errorf("income = %+v", ev.Finance.Income)
	}
	if len(ev.Problems) != nProb || ev.Problems[0] != "政府采购合同备案不够及时。" || ev.Problems[nProb-1] != "新增的问题：资产盘点不够及时。" {
		t.Errorf("problems = %q", ev.Problems)
	}
	cs := ev.Registers.Contracts
	added := evaluation.Contract{Number: "THZFB-2023-HT-031", Supplier: "广州某印务有限公司", Amount: 3_500_000, SME: true,
		Awarded: civil.MustDate(2023, 12, 1), Signed: civil.MustDate(2023, 12, 8), Published: civil.MustDate(2023, 12, 11), Filed: civil.MustDate(2023, 12, 15)}
	if len(cs) != nCon || cs[nCon-1] != added || cs[0].Supplier != "广州某会展服务有限公司" || cs[1] != bev.Registers.Contracts[2] {
		t.Errorf("contracts = %+v", cs)
	}
	if ev.Narrative.Outlook != "2024年继续加强资产管理。" {
		t.Errorf("outlook = %q", ev.Narrative.Outlook)
	}
	// One history row per changed field, each named in Chinese.
	labels := map[string]string{}
	for _, h := range historyAt(t, e, codeA, yearA, after.Version) {
		labels[h.Path] = h.Field(ev)
		if h.Reason != "修改年终自评数据：补录合同和收入" {
			t.Errorf("history reason %q", h.Reason)
		}
	}
	for path, want := range map[string]string{
		fmt.Sprintf("finance.income[%d].name", nIn):              "收入“利息收入”名称",
		fmt.Sprintf("registers.contracts[%d].amount", nCon-1):    "采购合同“THZFB-2023-HT-031”合同金额",
		"registers.contracts[0].supplier":                        "采购合同“THZFB-2023-HT-003”供应商",
		fmt.Sprintf("problems[%d]", nProb-1):                     fmt.Sprintf("存在的主要问题第 %d 条", nProb),
		"narrative.outlook":                                      "下一步打算",
		"finance.stated.income":                                  "收入合计",
		fmt.Sprintf("registers.contracts[%d].filed", nCon-1):     "采购合同“THZFB-2023-HT-031”备案日期",
		fmt.Sprintf("finance.income[%d].amount", nIn):            "收入“利息收入”金额",
		fmt.Sprintf("registers.contracts[%d].published", nCon-1): "采购合同“THZFB-2023-HT-031”公告日期",
		fmt.Sprintf("registers.contracts[%d].number", nCon-1):    "采购合同“THZFB-2023-HT-031”合同编号",
		fmt.Sprintf("registers.contracts[%d].supplier", nCon-1):  "采购合同“THZFB-2023-HT-031”供应商",
		fmt.Sprintf("registers.contracts[%d].awarded", nCon-1):   "采购合同“THZFB-2023-HT-031”中标（成交）通知书日期",
		fmt.Sprintf("registers.contracts[%d].signed", nCon-1):    "采购合同“THZFB-2023-HT-031”签订日期",
		"problems[0]": "存在的主要问题第 1 条",
	} {
		if got, ok := labels[path]; !ok || got != want {
			t.Errorf("history at %s: %q (recorded %v), want %q", path, got, ok, want)
		}
	}
	for path := range labels {
		if strings.HasPrefix(path, "registers.contracts[0].") && path != "registers.contracts[0].supplier" {
			t.Errorf("an unchanged field of contract 1 is in the history: %s", path)
		}
	}

	// The same form again: made from the old version, refused.
	w = e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已被他人修改") {
		t.Fatalf("stale form: %d", w.Code)
	}
	if v := e.version(codeA, yearA); v != after.Version {
		t.Fatal("a stale form was saved")
	}
}

// TestEditFormUnit: the editor chooses 万元; the choice is remembered,
// amounts are shown in 万元 exactly and read in 万元 unless typed with
// a unit; a bad amount names the unit.
func TestEditFormUnit(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	w := e.get(editorA, pathA+"/edit?unit=wan")
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == unitCookie {
			cookie = c
		}
	}
	if cookie == nil || cookie.Value != "wan" {
		t.Fatalf("the choice of unit is not remembered: %v", w.Result().Cookies())
	}
	page := w.Body.String()
	basic := before.Evaluation.Finance.Expenditure.Basic
	for _, want := range []string{`value="` + basic.WanExact() + `"`, "基本支出（万元）", `name="unit" value="wan"`, "改为按元填写"} {
		if !strings.Contains(page, want) {
			t.Errorf("the 万元 form lacks %q", want)
		}
	}
	// Remembered: the next visit without ?unit is in 万元 too.
	again := e.do(req{method: "GET", path: pathA + "/edit", token: e.session(editorA), cookies: []*http.Cookie{cookie}}).Body.String()
	if !strings.Contains(again, "基本支出（万元）") {
		t.Error("the remembered unit is not used")
	}

	form := declFormValues(t, page)
	form.Set("unit", "wan")
	form.Set("finance.expenditure.basic", "2,753.776") // 万元
	form.Set("finance.expenditure.project", "5,548,560.00元")
	form.Set("finance.carryover", "0.0000001")
	form.Set("reason", "按万元核对")
	w = e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "应为万元，最多六位小数") {
		t.Fatalf("an amount finer than a fen: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	form.Set("finance.carryover", "0")
	w = e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	ev := e.record(codeA, yearA).Evaluation
	if ev.Finance.Expenditure.Basic != money.Fen(2_753_776_000) || ev.Finance.Expenditure.Project != money.Fen(554_856_000) {
		t.Errorf("saved basic %s project %s", ev.Finance.Expenditure.Basic, ev.Finance.Expenditure.Project)
	}
}

// TestEditFormRegisterPages: a register longer than a page is shown 50
// records at a time; a save from one page changes and removes records of
// that page and leaves every other record as it was.
func TestEditFormRegisterPages(t *testing.T) {
	e := newEnv(t)
	rec := e.record(codeA, yearA)
	ev, err := cloneEvaluation(rec.Evaluation)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 120 {
		ev.Registers.Assets = append(ev.Registers.Assets, evaluation.Asset{Number: fmt.Sprintf("PG-%03d", i), Name: "办公椅", Value: money.Yuan(300),
			LastInventory: civil.MustDate(2023, 11, 20)})
	}
	u := e.users[editorA]
	sc, err := e.srv.load(context.Background(), &u, codeA, fmt.Sprint(yearA))
	if err != nil {
		t.Fatal(err)
	}
	res := sc.rescore(ev, changeOptions()).Result
	if _, err := e.st.Update(context.Background(), codeA, yearA, ev, res, rec.Version, editorA, "补录资产"); err != nil {
		t.Fatal(err)
	}
	n := len(ev.Registers.Assets)

	page := e.get(editorA, pathA+"/edit").Body.String()
	if !strings.Contains(page, fmt.Sprintf("共 %d 条，本页显示第 1–50 条（第 1 / 3 页）", n)) || strings.Contains(page, `name="registers.assets[50].number"`) {
		t.Fatalf("the first page does not show records 1–50 of %d", n)
	}
	link := regexp.MustCompile(`href="([^"]*page\.registers\.assets=2[^"]*)">下一页`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("no link to the second page")
	}
	href, _, _ := strings.Cut(link[1], "#") // a browser does not send the fragment
	page = e.get(editorA, href).Body.String()
	if !strings.Contains(page, `name="registers.assets[50].number"`) || strings.Contains(page, `name="registers.assets[49].number"`) ||
		!strings.Contains(page, `name="page.registers.assets" value="2"`) {
		t.Fatal("the second page does not show records 51–100")
	}
	form := declFormValues(t, page)
	form.Set("page.registers.assets", "2")
	if len(form) > 2000 {
		t.Errorf("one page posts %d fields", len(form))
	}
	form.Set("registers.assets[60].location", "档案室")
	form.Set("remove.registers.assets[61]", "1")
	form.Set("reason", "盘点")
	w := e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	got := e.record(codeA, yearA).Evaluation.Registers.Assets
	if len(got) != n-1 || got[60].Location != "档案室" || got[61] != ev.Registers.Assets[62] || got[0] != ev.Registers.Assets[0] || got[n-2] != ev.Registers.Assets[n-1] {
		t.Errorf("assets after the save: %d, [60] %+v", len(got), got[60])
	}
}

// TestEditFormLocksApprovedTargets: in the evaluation stage of a year
// whose targets were approved, the declared amounts are shown read-only
// and not read; the year-end fields and the lists stay open.
func TestEditFormLocksApprovedTargets(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	v := e.version(codeA, 2024)
	for _, step := range []struct{ to, user string }{
		{workflow.Submitted, editorA}, {workflow.Approved, approverA}, {workflow.UnderReview, reviewer},
		{workflow.Draft, reviewer}, {workflow.Draft, editorA}, // 批复, then 开始年终自评
	} {
		var err error
		if v, err = e.st.Transition(context.Background(), codeA, 2024, step.to, e.users[step.user], "", v); err != nil {
			t.Fatalf("→ %s by %s: %v", step.to, step.user, err)
		}
	}
	rec := e.record(codeA, 2024)
	if rec.Stage != workflow.Evaluation || !rec.Baselined {
		t.Fatalf("2024 is in %s, baselined %v", rec.Stage, rec.Baselined)
	}
	page := e.get(editorA, declPath+"/edit").Body.String()
	initial := regexp.MustCompile(`<input id="f-finance-budget-initial" [^>]*>`).FindString(page)
	if !strings.Contains(initial, " readonly") || !strings.Contains(page, "已批复的绩效目标和资金，不能在此修改") {
		t.Errorf("the approved initial budget is not read-only: %s", initial)
	}
	if adjusted := regexp.MustCompile(`<input id="f-finance-budget-adjusted" [^>]*>`).FindString(page); strings.Contains(adjusted, "readonly") {
		t.Errorf("the adjusted budget (year-end) is read-only: %s", adjusted)
	}
	if !strings.Contains(page, "添加采购合同") {
		t.Error("the registers are not open in the evaluation stage")
	}
	form := declFormValues(t, page)
	want := rec.Evaluation.Finance.Budget.Initial.String()
	form.Set("finance.budget.initial", "1.00")
	form.Set("reason", "试图修改年初预算")
	w := e.post(editorA, declPath+"/edit", form)
	if body := w.Body.String(); !strings.Contains(body, `id="f-finance-budget-initial" name="finance.budget.initial" type="text" inputmode="decimal" value="`+want+`"`) {
		t.Errorf("a read-only field was read: %d %s", w.Code, regexp.MustCompile(`<input id="f-finance-budget-initial" [^>]*>`).FindString(body))
	}
	if e.record(codeA, 2024).Evaluation.Finance.Budget.Initial.String() != want {
		t.Error("the approved initial budget changed")
	}
}

// TestDeclarationRegisters: the registers are editable in the
// declaration stage too, on the declaration form: a procurement
// intention added there is saved, named in the history.
func TestDeclarationRegisters(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	form := declFormValues(t, e.get(editorA, declPath+"/edit").Body.String())
	form.Set("add", "registers.intentions")
	w := e.post(editorA, declPath+"/edit", form)
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), `class="form-errors"`) {
		t.Fatalf("add an intention: %d", w.Code)
	}
	form = declFormValues(t, w.Body.String())
	n := len(e.record(codeA, 2024).Evaluation.Registers.Intentions)
	r := fmt.Sprintf("registers.intentions[%d]", n)
	form.Set(r+".project", "2024年会议服务采购")
	form.Set(r+".budget", "120万元")
	form.Set(r+".planned_start", "2024-03-01")
	form.Set(r+".published", "2024-01-15")
	form.Set("reason", "公开采购意向")
	w = e.post(editorA, declPath+"/edit", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	rec := e.record(codeA, 2024)
	got := rec.Evaluation.Registers.Intentions
	if len(got) != n+1 || got[n] != (evaluation.Intention{Project: "2024年会议服务采购", Budget: 120_000_000, PlannedStart: civil.MustDate(2024, 3, 1), Published: civil.MustDate(2024, 1, 15)}) {
		t.Errorf("intentions = %+v", got)
	}
	labels := map[string]string{}
	for _, h := range historyAt(t, e, codeA, 2024, rec.Version) {
		labels[h.Path] = h.Field(rec.Evaluation)
	}
	if l := labels[r+".budget"]; l != "采购意向“2024年会议服务采购”预算金额" || len(labels) != 4 {
		t.Errorf("history: %v", labels)
	}
	// In 万元, an amount whose label names no unit gets one.
	page := e.get(editorA, declPath+"/edit?unit=wan").Body.String()
	if !strings.Contains(page, "年度资金总额（年初预算数）（万元）") || !strings.Contains(page, `value="`+rec.Evaluation.Finance.Budget.Initial.WanExact()+`"`) {
		t.Error("the declaration's amounts are not shown in 万元")
	}
}
