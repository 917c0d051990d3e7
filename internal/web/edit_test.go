package web

import (
	"bytes"
	"context"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workbook"
	"github.com/jixiao/jixiao/internal/workflow"
)

// uploadFile posts a workbook through the upload form as the user.
func (e *env) uploadFile(user, path, version, reason, name string, data []byte) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("version", version)
	mw.WriteField("reason", reason)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	hr := httptest.NewRequest("POST", "http://jixiao.example"+path, &body)
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	if tok := e.session(user); tok != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return w
}

// downloadWorkbook fetches a department-year's workbook as the user.
func (e *env) downloadWorkbook(user, path string) []byte {
	e.t.Helper()
	w := e.get(user, path+"/workbook")
	if w.Code != http.StatusOK {
		e.t.Fatalf("GET %s/workbook: %d\n%s", path, w.Code, firstLines(w.Body.String(), 40))
	}
	if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		e.t.Fatalf("workbook Content-Type %q", ct)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
		e.t.Fatalf("workbook Content-Disposition %q", cd)
	}
	return w.Body.Bytes()
}

// flashAfter follows a redirect as the browser would, with the flash
// cookie the response set, and returns the page.
func (e *env) flashAfter(user string, w *httptest.ResponseRecorder) string {
	e.t.Helper()
	if w.Code != http.StatusSeeOther {
		e.t.Fatalf("got %d, want 303\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	page := e.do(req{method: "GET", path: w.Header().Get("Location"), token: e.session(user), cookies: w.Result().Cookies()})
	if page.Code != http.StatusOK {
		e.t.Fatalf("GET %s: %d", w.Header().Get("Location"), page.Code)
	}
	return page.Body.String()
}

// xlsxEdit edits a workbook the way a person would in Excel.
type xlsxEdit struct {
	t *testing.T
	f *excelize.File
}

func openXLSX(t *testing.T, data []byte) *xlsxEdit {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &xlsxEdit{t, f}
}

// cell returns the reference of the cell in the column headed header, in
// the row whose column headed key holds value.
func (s *xlsxEdit) cell(name, key, value, header string) string {
	s.t.Helper()
	rows, err := s.f.GetRows(name)
	if err != nil || len(rows) == 0 {
		s.t.Fatalf("sheet %s: %v", name, err)
	}
	kc, vc := slices.Index(rows[0], key), slices.Index(rows[0], header)
	if kc < 0 || vc < 0 {
		s.t.Fatalf("sheet %s has no column %s or %s: %q", name, key, header, rows[0])
	}
	for i, row := range rows {
		if kc < len(row) && row[kc] == value {
			ref, _ := excelize.CoordinatesToCellName(vc+1, i+1)
			return ref
		}
	}
	s.t.Fatalf("sheet %s: no row with %s = %s", name, key, value)
	return ""
}

func (s *xlsxEdit) set(name, ref, v string) {
	s.t.Helper()
	if err := s.f.SetCellStr(name, ref, v); err != nil {
		s.t.Fatal(err)
	}
}

func (s *xlsxEdit) setNumber(name, ref string, v float64) {
	s.t.Helper()
	if err := s.f.SetCellFloat(name, ref, v, 2, 64); err != nil {
		s.t.Fatal(err)
	}
}

func (s *xlsxEdit) bytes() []byte {
	s.t.Helper()
	var buf bytes.Buffer
	if _, err := s.f.WriteTo(&buf); err != nil {
		s.t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	financeAmountHeader = "金额或预算数（元）"
	rowLabelHeader      = "项目"
)

// executionRateNode finds the department framework's execution-rate
// indicator of a stored department-year: its points and its score now.
func executionRateNode(t *testing.T, e *env, code string, year int) (in *framework.Indicator, score num.Points) {
	t.Helper()
	sc, err := scoreRecord(e.record(code, year), newScores())
	if err != nil {
		t.Fatal(err)
	}
	sc.fw.Walk(func(x *framework.Indicator, _ int) {
		if x.Rule != nil && x.Rule.Kind == framework.KindExecutionRate && in == nil {
			in = x
		}
	})
	if in == nil || in.Rule.Budget != "adjusted" {
		t.Fatalf("no execution-rate indicator on the adjusted budget in %s", sc.fw.ID)
	}
	var walk func(ns []*scoring.Node) bool
	walk = func(ns []*scoring.Node) bool {
		for _, n := range ns {
			if n.Code == in.Code {
				score = n.Score
				return true
			}
			if walk(n.Children) {
				return true
			}
		}
		return false
	}
	if !walk(sc.res.Indicators) {
		t.Fatalf("no node %s in the result", in.Code)
	}
	return in, score
}

// expectedRatePoints is what the framework's standard gives: points ×
// min(expenditure ÷ budget, 100%), to the hundredth, half away from zero.
func expectedRatePoints(points num.Points, expenditure, budget money.Fen) num.Points {
	r := big.NewRat(int64(expenditure), int64(budget))
	if r.Cmp(big.NewRat(1, 1)) > 0 {
		r.SetInt64(1)
	}
	hundredths := new(big.Rat).Mul(r, big.NewRat(int64(points), 1))
	n, d := hundredths.Num(), hundredths.Denom()
	// floor((2n + d) / 2d) rounds half up for non-negative values.
	q := new(big.Int).Add(new(big.Int).Mul(n, big.NewInt(2)), d)
	q.Quo(q, new(big.Int).Mul(d, big.NewInt(2)))
	return num.Points(q.Int64())
}

// historyAt returns the stored history rows of the version that change
// a field (not the row for the action itself).
func historyAt(t *testing.T, e *env, code string, year, version int) []store.Change {
	t.Helper()
	hs, err := e.st.History(context.Background(), code, year)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Change
	for _, h := range hs {
		if h.Version == version && h.Path != "" {
			out = append(out, h)
		}
	}
	return out
}

// TestUploadWorkbook: a workbook exported from another copy of the
// record, with one figure changed, replaces the data: saved with the
// user's reason in the history, the score recomputed.
func TestUploadWorkbook(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)

	// The same data back writes nothing.
	w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "核对", "天河.xlsx", e.downloadWorkbook(editorA, pathA))
	if page := e.flashAfter(editorA, w); !strings.Contains(page, "没有修改任何数据") {
		t.Errorf("unchanged upload: no message saying so")
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("an unchanged workbook changed the version %d → %d", before.Version, v)
	}
	// So does department B's, with its weights, read back by its editor.
	b := e.record(codeB, yearB)
	w = e.uploadFile(editorB, pathB+"/workbook", strconv.Itoa(b.Version), "核对", "青禾.xlsx", e.downloadWorkbook(editorB, pathB))
	if w.Code != http.StatusSeeOther || e.version(codeB, yearB) != b.Version {
		t.Fatalf("B round trip: %d, version %d → %d\n%s", w.Code, b.Version, e.version(codeB, yearB), firstLines(w.Body.String(), 80))
	}

	// Exported from another copy of the record: a workbook someone kept.
	other := newEnv(t)
	wb := openXLSX(t, other.downloadWorkbook(reviewer, pathA))
	adjusted := money.Yuan(41_357_900) // 33,086,320 ÷ 41,357,900 = 80%
	wb.setNumber(workbook.SheetFinance, wb.cell(workbook.SheetFinance, rowLabelHeader, "全年预算数", financeAmountHeader), 41357900)

	in, rateBefore := executionRateNode(t, e, codeA, yearA)
	w = e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "全年预算数按调整批复更正", "天河2023.xlsx", wb.bytes())
	page := e.flashAfter(editorA, w)

	after := e.record(codeA, yearA)
	if after.Version != before.Version+1 {
		t.Fatalf("version %d → %d, want one more", before.Version, after.Version)
	}
	if got := after.Evaluation.Finance.Budget.Adjusted; got != adjusted {
		t.Fatalf("adjusted budget %s, want %s", got, adjusted)
	}
	// Only the execution rate moves: from its score to points × 80%.
	rate := expectedRatePoints(in.Points, before.Evaluation.Finance.Expenditure.Total(), adjusted)
	want := before.Total - rateBefore + rate
	if after.Total != want || want == before.Total {
		t.Fatalf("total %s → %s, want %s (%s %s: %s → %s)", before.Total, after.Total, want, in.Code, in.Name, rateBefore, rate)
	}
	for _, s := range []string{"已导入", "<strong>" + after.Total.String() + "</strong>"} {
		if !strings.Contains(page, s) {
			t.Errorf("workspace after upload lacks %q", s)
		}
	}
	hs := historyAt(t, e, codeA, yearA, after.Version)
	if len(hs) != 1 || hs[0].Path != "finance.budget.adjusted" || hs[0].Old != "33086320.00" || hs[0].New != "41357900.00" ||
		!strings.Contains(hs[0].Reason, "全年预算数按调整批复更正") || hs[0].Actor != editorA {
		t.Fatalf("history of the upload: %+v", hs)
	}
	if hist := e.get(editorA, pathA+"/history").Body.String(); !strings.Contains(hist, "全年预算数按调整批复更正") || !strings.Contains(hist, "41357900.00") {
		t.Errorf("history page lacks the upload")
	}
}

var uploadFindingItem = regexp.MustCompile(`(?s)<li>工作表“([^”]+)” 第 (\d+) 行（单元格 ([A-Z]+\d+)）[^<]*</li>`)

// TestUploadWorkbookErrors: a workbook with several mistakes is refused
// with every one of them, each at its xlsxEdit, cell and field, and nothing
// is saved.
func TestUploadWorkbookErrors(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	wb := openXLSX(t, e.downloadWorkbook(editorA, pathA))
	type mistake struct{ xlsxEdit, cell, field, text string }
	var ms []mistake
	add := func(xlsxEdit, cell, v, field, text string) {
		wb.set(xlsxEdit, cell, v)
		ms = append(ms, mistake{xlsxEdit, cell, field, text})
	}
	add(workbook.SheetBasic, wb.cell(workbook.SheetBasic, rowLabelHeader, "部门名称", "内容"), "", "部门名称", "部门名称")
	add(workbook.SheetFinance, wb.cell(workbook.SheetFinance, rowLabelHeader, "全年预算数", financeAmountHeader), "三千三百万", "全年预算数 · 金额（元）", "三千三百万")
	add(workbook.SheetTargets, wb.cell(workbook.SheetTargets, "编码", "T2", "指标方向"), "大于", "指标方向", "大于")
	add(workbook.SheetTargets, wb.cell(workbook.SheetTargets, "编码", "T4", "实际完成值"), "约九成", "实际完成值", "约九成")

	w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "更正", "天河.xlsx", wb.bytes())
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("workbook with mistakes: %d, want 422\n%s", w.Code, firstLines(body, 80))
	}
	if !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "发现 4 处错误") {
		t.Errorf("no alert counting the 4 errors")
	}
	items := uploadFindingItem.FindAllStringSubmatch(body, -1)
	for _, m := range ms {
		found := false
		for _, it := range items {
			_, row, _ := excelize.SplitCellName(m.cell)
			if it[1] == m.xlsxEdit && it[3] == m.cell && it[2] == strconv.Itoa(row) &&
				strings.Contains(it[0], "“"+m.field+"”") && strings.Contains(it[0], m.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("no finding at %s!%s naming %s and %q in:\n%q", m.xlsxEdit, m.cell, m.field, m.text, items)
		}
	}
	if after := e.record(codeA, yearA); after.Version != before.Version || after.Total != before.Total || after.Evaluation.Department.Name != before.Evaluation.Department.Name {
		t.Fatalf("a refused workbook changed the record: version %d → %d", before.Version, after.Version)
	}
	// The reason is required, even for a workbook without mistakes.
	w = e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), " ", "天河.xlsx", e.downloadWorkbook(editorA, pathA))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "请填写修改原因") ||
		!strings.Contains(w.Body.String(), `aria-describedby="upload-reason-err"`) {
		t.Errorf("upload without a reason: %d", w.Code)
	}
	// Not a workbook, not .xlsx, too large.
	for _, c := range []struct {
		name   string
		data   []byte
		status int
		text   string
	}{
		{"天河.xlsx", []byte("PK not really"), http.StatusUnprocessableEntity, "内容不是 Excel 工作簿"},
		{"天河.xls", []byte("old format"), http.StatusUnprocessableEntity, "只能上传 .xlsx"},
		{"天河.xlsx", nil, http.StatusUnprocessableEntity, "是空的"},
		{"天河.xlsx", make([]byte, maxWorkbookUpload+1), http.StatusRequestEntityTooLarge, "不能超过 10 MiB"},
	} {
		w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "更正", c.name, c.data)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.text) {
			t.Errorf("%s (%d bytes): %d, want %d with %q\n%s", c.name, len(c.data), w.Code, c.status, c.text, firstLines(w.Body.String(), 60))
		}
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("version %d → %d", before.Version, v)
	}
}

// TestUploadOtherDepartment: a workbook whose department code or year is
// not the page's is refused, saying which cell and why.
func TestUploadOtherDepartment(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	// Department B's workbook uploaded on A's page.
	w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "更正", "青禾.xlsx", e.downloadWorkbook(reviewer, pathB))
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "请上传本部门的填报表") || !strings.Contains(body, codeB) {
		t.Fatalf("B's workbook on A: %d\n%s", w.Code, firstLines(body, 80))
	}
	// A's workbook with the code or the year changed.
	for _, c := range []struct{ label, value, text string }{
		{"预算单位编码", "106002", "请上传本部门的填报表"},
		{"年度", "2024", "请上传 2023 年度的填报表"},
	} {
		wb := openXLSX(t, e.downloadWorkbook(editorA, pathA))
		ref := wb.cell(workbook.SheetBasic, rowLabelHeader, c.label, "内容")
		wb.set(workbook.SheetBasic, ref, c.value)
		w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "更正", "天河.xlsx", wb.bytes())
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, c.text) || !strings.Contains(body, "（单元格 "+ref+"）") {
			t.Errorf("%s %s: %d\n%s", c.label, c.value, w.Code, firstLines(body, 80))
		}
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("version %d → %d", before.Version, v)
	}
}

// TestUploadStale: an upload made from an older version is refused with
// 409 and a message; the other change stays.
func TestUploadStale(t *testing.T) {
	e := newEnv(t)
	stale := strconv.Itoa(e.version(codeA, yearA))
	data := e.downloadWorkbook(editorA, pathA)
	// Someone else saves a change meanwhile.
	w := e.post(editorA, pathA+"/scores/B4", url.Values{"item": {"B4.2"}, "outcome": {"failed"}, "deduct": {"1"}, "reason": {"目标不够细化"}, "version": {stale}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("score edit: %d", w.Code)
	}
	mid := e.record(codeA, yearA)
	w = e.uploadFile(editorA, pathA+"/workbook", stale, "更正", "天河.xlsx", data)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已被他人修改") {
		t.Fatalf("stale upload: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	if got := pageVersion(t, w.Body.String()); got != strconv.Itoa(mid.Version) {
		t.Errorf("conflict page carries version %s, want the current %d", got, mid.Version)
	}
	if after := e.record(codeA, yearA); after.Version != mid.Version || after.Total != mid.Total {
		t.Fatalf("stale upload saved: version %d → %d", mid.Version, after.Version)
	}
}

// TestDataEditAuthorization uploads a real workbook and posts the edit
// form as every role: only the department's editor, in draft or
// returned, may change the data (TestAuthorization covers the routes as
// such).
func TestDataEditAuthorization(t *testing.T) {
	seed := newEnv(t)
	data := seed.downloadWorkbook(editorA, pathA)
	for _, c := range []struct {
		status string
		want   map[string]int
	}{
		{workflow.Draft, every(403, editorA, 303, editorB, 404, anon, login)},
		{workflow.Submitted, every(403, editorB, 404, anon, login)},
		{workflow.Returned, every(403, editorA, 303, editorB, 404, anon, login)},
		{workflow.Published, every(403, editorB, 404, anon, login)},
	} {
		for _, action := range []string{"upload", "edit"} {
			for _, role := range roles {
				t.Run(c.status+"/"+action+"/"+role, func(t *testing.T) {
					e := newEnv(t)
					if c.status == workflow.Returned {
						e.advance(workflow.Submitted)
						rec := e.record(codeA, yearA)
						if _, err := e.st.Transition(context.Background(), codeA, yearA, workflow.Returned, e.users[approverA], "请补充", rec.Version); err != nil {
							t.Fatal(err)
						}
					} else if c.status != workflow.Draft {
						e.advance(c.status)
					}
					before := e.record(codeA, yearA)
					// One figure changed, so that what is allowed saves.
					var w *httptest.ResponseRecorder
					if action == "upload" {
						wb := openXLSX(t, data)
						wb.setNumber(workbook.SheetFinance, wb.cell(workbook.SheetFinance, rowLabelHeader, "年初预算数", financeAmountHeader), 30000000)
						w = e.uploadFile(role, pathA+"/workbook", strconv.Itoa(before.Version), "更正年初预算数", "天河.xlsx", wb.bytes())
					} else {
						w = e.post(role, pathA+"/edit", url.Values{"version": {strconv.Itoa(before.Version)},
							"finance.budget.initial": {"30,000,000.00"}, "reason": {"更正年初预算数"}})
					}
					want := c.want[role]
					if want == login {
						if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
							t.Fatalf("anonymous %s: %d %s", action, w.Code, w.Header().Get("Location"))
						}
					} else if w.Code != want {
						t.Fatalf("%s as %s in %s: %d, want %d\n%s", action, role, c.status, w.Code, want, firstLines(w.Body.String(), 60))
					}
					after := e.record(codeA, yearA)
					if saved := after.Version != before.Version; saved != (want == 303) {
						t.Fatalf("%s as %s in %s: saved = %v", action, role, c.status, saved)
					}
					if want == 303 && after.Evaluation.Finance.Budget.Initial != money.Yuan(30_000_000) {
						t.Fatalf("initial budget %s", after.Evaluation.Finance.Budget.Initial)
					}
				})
			}
		}
	}
}

// editFormValues is the edit page's form as a browser would post it: every
// input with the value it shows.
func editFormValues(t *testing.T, page string) url.Values {
	t.Helper()
	start := strings.Index(page, `class="edit-data"`)
	if start < 0 {
		t.Fatalf("no edit form in:\n%s", firstLines(page, 60))
	}
	form := page[start:]
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input id="[^"]*" name="([^"]+)" type="(?:text|date)"[^>]* value="([^"]*)"`).FindAllStringSubmatch(form, -1) {
		v.Set(unescapeAttr(m[1]), unescapeAttr(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		v.Set(unescapeAttr(m[1]), unescapeAttr(m[2]))
	}
	for _, m := range regexp.MustCompile(`(?s)<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(form, -1) {
		sel := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(m[2])
		if sel != nil {
			v.Set(unescapeAttr(m[1]), unescapeAttr(sel[1]))
		}
	}
	v.Set("version", pageVersion(t, form))
	return v
}

func unescapeAttr(s string) string {
	return strings.NewReplacer("&#43;", "+", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&amp;", "&").Replace(s)
}

// TestEditFormErrors: two bad fields are both reported, by their Chinese
// names, on the fields and in one alert; what was entered is shown again
// and nothing is saved.
func TestEditFormErrors(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	page := e.get(editorA, pathA+"/edit")
	if page.Code != http.StatusOK {
		t.Fatalf("edit page: %d", page.Code)
	}
	form := editFormValues(t, page.Body.String())
	if form.Get("finance.budget.adjusted") != "33086320.00" || form.Get("targets[3].actual") != "98.6" {
		t.Fatalf("the form does not show the current values: %v", form)
	}
	form.Set("finance.budget.adjusted", "33086320.005")
	form.Set("targets[3].actual", "约九成")
	form.Set("reason", "更正")
	w := e.post(editorA, pathA+"/edit", form)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad fields: %d, want 422\n%s", w.Code, firstLines(body, 80))
	}
	alert := body[strings.Index(body, `<div class="form-errors" role="alert">`):]
	alert = alert[:strings.Index(alert, "</div>")]
	for _, want := range []string{
		"全年预算数（调整预算）：金额格式不正确（应为元，最多两位小数）",
		"绩效目标“T4 督查督办事项按期办结率”实际完成值：",
		"约九成",
		"精度超过 1 分",
		"2 处问题",
	} {
		if !strings.Contains(alert, want) {
			t.Errorf("alert lacks %q:\n%s", want, alert)
		}
	}
	for _, id := range []string{"f-finance-budget-adjusted", "f-targets-3-actual"} {
		re := regexp.MustCompile(`<input id="` + id + `"[^>]* aria-invalid="true" aria-describedby="` + id + `-err"`)
		if !re.MatchString(body) || !strings.Contains(body, `<span id="`+id+`-err" class="field-error">`) || !strings.Contains(alert, `href="#`+id+`"`) {
			t.Errorf("field %s is not marked invalid and described by its error", id)
		}
	}
	if !strings.Contains(body, `value="33086320.005"`) || !strings.Contains(body, `value="约九成"`) || !strings.Contains(body, ">更正</textarea>") {
		t.Errorf("the entered values are not shown again")
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("a refused form was saved: version %d → %d", before.Version, v)
	}

	// The consistency checks run too: expenditure changed, the stated
	// total left as it was, is an error at the stated total.
	form = editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("finance.expenditure.basic", "20,000,000.00")
	form.Set("reason", "更正")
	w = e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "支出合计（报告所列）：支出合计") ||
		!strings.Contains(w.Body.String(), `id="f-finance-stated-expenditure-err"`) {
		t.Fatalf("inconsistent totals: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	// No reason, a negative amount, a level not offered.
	form = editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("finance.carryover", "-1")
	form.Set("finance.income[0].amount", "")
	w = e.post(editorA, pathA+"/edit", form)
	for _, want := range []string{"修改原因：请填写修改原因", "年末财政拨款结转和结余：金额不能为负数", "收入“一般公共预算财政拨款收入”金额：请填写金额", "3 处问题"} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("lacks %q", want)
		}
	}
	// Scoring runs too: B7.2 needs the public funds, which cannot go.
	form = editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	for _, k := range []string{"budget", "actual", "prior_actual"} {
		form.Set("finance.public_funds."+k, "")
	}
	form.Set("reason", "公用经费不再填报")
	w = e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "缺少公用经费数据") {
		t.Errorf("public funds removed: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("version %d → %d", before.Version, v)
	}
}

// TestEditFormSaves: spending less lowers the execution rate, and the
// total by exactly what the framework's standard gives; the change is in
// the history with the reason.
func TestEditFormSaves(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	in, rateBefore := executionRateNode(t, e, codeA, yearA)
	fin := before.Evaluation.Finance
	// Basic expenditure 20% of the budget lower, the stated total with it.
	cut := money.Fen(int64(fin.Budget.Adjusted) / 5)
	basic := fin.Expenditure.Basic - cut
	total := basic + fin.Expenditure.Project

	form := editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("finance.expenditure.basic", basic.YuanText())
	form.Set("finance.stated.expenditure", total.YuanText())
	form.Set("targets[2].actual", "85")
	// Far above its target without a cause: a warning, which does not
	// keep the change from being saved (T1 is at 100% already).
	form.Set("targets[0].actual", "3500")
	// Clearing the optional stated income removes it alone.
	form.Set("finance.stated.income", "")
	form.Set("reason", "决算批复后更正基本支出")
	w := e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != pathA {
		t.Fatalf("save: %d %s\n%s", w.Code, w.Header().Get("Location"), firstLines(w.Body.String(), 80))
	}
	page := e.flashAfter(editorA, w)

	after := e.record(codeA, yearA)
	ev := after.Evaluation
	if ev.Finance.Expenditure.Basic != basic || ev.Finance.Stated == nil || *ev.Finance.Stated.Expenditure != total ||
		ev.Finance.Stated.Income != nil || ev.Targets[2].Actual != "85" || ev.Targets[0].Actual != "3500" {
		t.Fatalf("saved data: basic %s, stated %+v, T3 actual %q", ev.Finance.Expenditure.Basic, ev.Finance.Stated, ev.Targets[2].Actual)
	}
	// The execution rate falls to 80%; T3 (100 wanted, 5 points) rises
	// from 80 to 85, which the targets rule pays proportionally.
	rate := expectedRatePoints(in.Points, total, fin.Budget.Adjusted)
	t3 := before.Evaluation.Targets[2]
	t3Points := *t3.Points
	t3Before := expectedRatePoints(t3Points, money.Fen(80), money.Fen(100))
	t3After := expectedRatePoints(t3Points, money.Fen(85), money.Fen(100))
	want := before.Total - rateBefore + rate - t3Before + t3After
	if after.Total != want {
		t.Fatalf("total %s → %s, want %s (%s: %s → %s; T3: %s → %s)", before.Total, after.Total, want, in.Code, rateBefore, rate, t3Before, t3After)
	}
	for _, s := range []string{"填报数据已保存", "请注意 1 条提示", "五成以上", "<strong>" + after.Total.String() + "</strong>", "<strong>" + after.Grade + "</strong>"} {
		if !strings.Contains(page, s) {
			t.Errorf("workspace after the edit lacks %q", s)
		}
	}
	paths := map[string]bool{}
	for _, h := range historyAt(t, e, codeA, yearA, after.Version) {
		paths[h.Path] = true
		if h.Reason != "修改年终自评数据：决算批复后更正基本支出" || h.Actor != editorA {
			t.Errorf("history row %+v", h)
		}
	}
	changed := []string{"finance.expenditure.basic", "finance.stated.expenditure", "finance.stated.income", "targets[0].actual", "targets[2].actual"}
	for _, p := range changed {
		if !paths[p] {
			t.Errorf("history lacks %s: %v", p, paths)
		}
	}
	if len(paths) != len(changed) {
		t.Errorf("history has %d changed fields, want %d: %v", len(paths), len(changed), paths)
	}
	// The edit page shows the warning on the field it is about.
	if body := e.get(editorA, pathA+"/edit").Body.String(); !strings.Contains(body, `id="f-targets-0-deviation-warn"`) {
		t.Errorf("the edit page does not show the warning on T1's deviation")
	}

	// A stale form is refused with 409 and saves nothing.
	form.Set("finance.expenditure.basic", fin.Expenditure.Basic.YuanText())
	w = e.post(editorA, pathA+"/edit", form)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已被他人修改") {
		t.Fatalf("stale form: %d", w.Code)
	}
	if v := e.version(codeA, yearA); v != after.Version {
		t.Fatalf("stale form saved")
	}
}

// TestEditPages checks the markup of the new pages and the workspace's
// editor section: labels, no inline script or style, alerts.
func TestEditPages(t *testing.T) {
	e := newEnv(t)
	bad := editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	bad.Set("finance.budget.initial", "x")
	wb := openXLSX(t, e.downloadWorkbook(editorA, pathA))
	wb.set(workbook.SheetTargets, wb.cell(workbook.SheetTargets, "编码", "T4", "实际完成值"), "约九成")
	pages := map[string]*httptest.ResponseRecorder{
		"workspace":     e.get(editorA, pathA),
		"edit":          e.get(editorA, pathA+"/edit"),
		"edit B":        e.get(editorB, pathB+"/edit"),
		"edit errors":   e.post(editorA, pathA+"/edit", bad),
		"upload errors": e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(e.version(codeA, yearA)), "", "天河.xlsx", wb.bytes()),
	}
	for name, w := range pages {
		body := w.Body.String()
		if strings.Contains(body, "style=") || hasInlineScript(body) || strings.Contains(body, "<th>") {
			t.Errorf("%s: inline style or script, or a heading without scope", name)
		}
		for _, id := range idsOf(body) {
			if !strings.Contains(body, `for="`+id+`"`) {
				t.Errorf("%s: field %s has no label", name, id)
			}
		}
		for _, m := range regexp.MustCompile(`aria-describedby="([^"]+)"`).FindAllStringSubmatch(body, -1) {
			for _, id := range strings.Fields(m[1]) {
				if !strings.Contains(body, `id="`+id+`"`) {
					t.Errorf("%s: aria-describedby names %s, which is not on the page", name, id)
				}
			}
		}
		if strings.Contains(name, "errors") && (w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `role="alert"`)) {
			t.Errorf("%s: %d without an alert", name, w.Code)
		}
	}
	ws := pages["workspace"].Body.String()
	for _, s := range []string{`href="` + pathA + `/edit"`, `href="` + pathA + `/workbook"`, `enctype="multipart/form-data"`, "下载填报表", "上传填报表"} {
		if !strings.Contains(ws, s) {
			t.Errorf("editor's workspace lacks %s", s)
		}
	}
	// Others see neither.
	for _, u := range []string{approverA, reviewer} {
		if body := e.get(u, pathA).Body.String(); strings.Contains(body, pathA+"/edit") || strings.Contains(body, "上传填报表") {
			t.Errorf("%s's workspace offers the data forms", u)
		}
	}
	upload := pages["upload errors"].Body.String()
	for _, s := range []string{"请填写修改原因", "实际完成值", "约九成"} {
		if !strings.Contains(upload, s) {
			t.Errorf("upload errors page lacks %q", s)
		}
	}
	// Qinghe's page has its projects' budgets.
	if body := pages["edit B"].Body.String(); pages["edit B"].Code != http.StatusOK || !strings.Contains(body, "项目预算执行") {
		t.Errorf("edit page of B: %d", pages["edit B"].Code)
	}
}

// TestEditQualitativeTarget: a qualitative target's level and score are
// edited through the select and the optional score; a score outside the
// level's band is refused on its field.
func TestEditQualitativeTarget(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeB, yearB)
	t3 := before.Evaluation.Targets[2]
	if t3.Direction != framework.Qualitative || t3.Level != framework.LevelPartly || t3.Score == nil || t3.Points == nil {
		t.Fatalf("Qinghe's T3 is no longer a partly met qualitative target with a score: %+v", t3)
	}
	page := e.get(editorB, pathB+"/edit").Body.String()
	form := editFormValues(t, page)
	if form.Get("targets[2].level") != framework.LevelPartly || form.Get("targets[2].score") != t3.Score.String() {
		t.Fatalf("the form does not show T3's level and score: %q %q", form.Get("targets[2].level"), form.Get("targets[2].score"))
	}
	if !regexp.MustCompile(`<label for="f-targets-2-level">评价等级</label>\s*<select id="f-targets-2-level" name="targets\[2\].level" required`).MatchString(page) {
		t.Errorf("T3's level is not a labelled select")
	}

	// A level not offered, and a score above the partly band.
	form.Set("targets[2].level", "excellent")
	form.Set("reason", "更正")
	w := e.post(editorB, pathB+"/edit", form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "评价等级：请从列表中选择评价等级") {
		t.Fatalf("unknown level: %d", w.Code)
	}
	form.Set("targets[2].level", framework.LevelPartly)
	form.Set("targets[2].score", "6.9")
	w = e.post(editorB, pathB+"/edit", form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="f-targets-2-score-err"`) {
		t.Fatalf("score outside the band: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	if v := e.version(codeB, yearB); v != before.Version {
		t.Fatalf("version %d → %d", before.Version, v)
	}

	// Met, with the score left to the level: the target's full points.
	form.Set("targets[2].level", framework.LevelMet)
	form.Set("targets[2].score", "")
	w = e.post(editorB, pathB+"/edit", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("met: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	after := e.record(codeB, yearB)
	if got := after.Evaluation.Targets[2]; got.Level != framework.LevelMet || got.Score != nil {
		t.Fatalf("saved T3: level %q score %v", got.Level, got.Score)
	}
	if want := before.Total - *t3.Score + *t3.Points; after.Total != want {
		t.Fatalf("total %s → %s, want %s (T3 %s → %s)", before.Total, after.Total, want, t3.Score, t3.Points)
	}
}
