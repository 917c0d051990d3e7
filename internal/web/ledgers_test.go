package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// uploadLedger posts a file through the ledger form as the user.
func (e *env) uploadLedger(user, kind, name, data string) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("kind", kind)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write([]byte(data))
	mw.Close()
	hr := httptest.NewRequest("POST", "http://jixiao.example/monitoring/ledgers", &body)
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	if tok := e.session(user); tok != "" {
		hr.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return w
}

// The reviewer uploads a payment ledger and a budget change file; a bad
// file is refused with every problem and nothing stored; only reviewers
// may.
func TestLedgerUpload(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ledgerCSV := "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n" +
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,\"100,000.00\",V1\n" +
		"2023-07-05,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,-10000.00,V2\n"
	for _, u := range []string{editorA, approverA, admin} {
		if w := e.uploadLedger(u, "payments", "p.csv", ledgerCSV); w.Code != http.StatusForbidden {
			t.Errorf("%s uploads: %d, want 403", u, w.Code)
		}
		if w := e.get(u, "/monitoring/ledgers"); w.Code != http.StatusForbidden {
			t.Errorf("%s opens the page: %d, want 403", u, w.Code)
		}
	}
	if w := e.get(reviewer, "/monitoring/ledgers"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "导入支付明细") {
		t.Fatalf("page: %d", w.Code)
	}

	bad := "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n" +
		"2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,十元,V9\n" +
		"2023-03-11,999999,,行政运行,办公费,一般公共预算,5,V10\n"
	w := e.uploadLedger(reviewer, "payments", "错.csv", bad)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "第 2 行") || !strings.Contains(w.Body.String(), "“错.csv”未导入") {
		t.Fatalf("bad file: %d\n%s", w.Code, w.Body)
	}
	if imports, _ := e.st.PaymentImports(ctx); len(imports) != 0 {
		t.Fatalf("a refused file left %d imports", len(imports))
	}

	w = e.uploadLedger(reviewer, "payments", "3-7月.csv", ledgerCSV)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", w.Code, w.Body)
	}
	paid, err := e.st.PaidByMonth(ctx, 2023, "106001")
	if err != nil || len(paid) != 2 {
		t.Fatalf("paid %v, %v", paid, err)
	}
	page := e.do(req{method: "GET", path: "/monitoring/ledgers", token: e.session(reviewer), cookies: w.Result().Cookies()}).Body.String()
	if !strings.Contains(page, "读取 2 条，新增 2 条") || !strings.Contains(page, "3-7月.csv") {
		t.Errorf("after the upload the page lacks the result and the import:\n%s", page)
	}

	changes := "调整日期,预算单位编码,项目编码,调整金额（元）,调整文号\n2023-05-20,106001,THZFB-2023-01,20000,穗天财预〔2023〕8号\n"
	if w := e.uploadLedger(reviewer, "budget", "调整.csv", changes); w.Code != http.StatusSeeOther {
		t.Fatalf("budget changes: %d\n%s", w.Code, w.Body)
	}
	if ch, err := e.st.ChangedByMonth(ctx, 2023, "106001"); err != nil || len(ch) != 1 {
		t.Errorf("changes %v, %v", ch, err)
	}
	if w := e.uploadLedger(reviewer, "other", "x.csv", changes); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown kind: %d", w.Code)
	}
}

// A file over the upload limit is refused whole, named, with the limit
// said; nothing is imported and the next upload is not blocked.
func TestLedgerUploadTooLarge(t *testing.T) {
	e := newEnv(t)
	e.srv.ledgerLimit = 4 << 10
	var b strings.Builder
	b.WriteString("支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n")
	for i := 0; b.Len() < 64<<10+8<<10; i++ {
		fmt.Fprintf(&b, "2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,1.00,V%d\n", i)
	}
	w := e.uploadLedger(reviewer, "payments", "大.csv", b.String())
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "文件超过 4 KB") {
		t.Fatalf("oversize upload: %d\n%s", w.Code, w.Body)
	}
	if imports, _ := e.st.PaymentImports(context.Background()); len(imports) != 0 {
		t.Fatalf("an oversize file left %d imports", len(imports))
	}
	small := "支付日期,预算单位编码,项目编码,功能分类,经济分类,资金性质,金额（元）,支付凭证号\n2023-03-10,106001,THZFB-2023-01,行政运行,办公费,一般公共预算,1.00,V1\n"
	if w := e.uploadLedger(reviewer, "payments", "小.csv", small); w.Code != http.StatusSeeOther {
		t.Fatalf("the next upload: %d\n%s", w.Code, w.Body)
	}
}
