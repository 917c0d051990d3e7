package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/store"
)

// The tasks page lists the user's own tasks, overdue first with how late,
// and every signed-in page counts them in the navigation; a user with
// none is told so and has no count.
func TestTasksPage(t *testing.T) {
	e := newEnv(t)
	due, _ := civil.ParseDate("2024-04-30")
	if _, err := e.st.SetCycleDateAs(context.Background(), store.CycleDate{Year: yearA, Key: cycle.EvaluationDue, Date: due, Reason: "年度通知"}, "op"); err != nil {
		t.Fatal(err)
	}
	w := e.get(editorA, "/tasks")
	body := w.Body.String()
	for _, want := range []string{"<h1>待办事项</h1>", "截至 2024年5月1日，您共有 1 项待办事项，其中 <strong>1 项已逾期</strong>",
		`<tr class="overdue">`, "已逾期 1 日", `<time datetime="2024-04-30">2024年4月30日</time>`, "绩效自评报送截止日期",
		`<a href="` + pathA + `">提交 2023 年度绩效自评</a>`, "绩效自评",
		`<span class="badge badge-overdue" aria-hidden="true">1</span><span class="visually-hidden">（1 项，其中 1 项已逾期）</span>`} {
		if w.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("editor A's tasks: %d, lacks %s", w.Code, want)
		}
	}
	if strings.Contains(body, codeB) {
		t.Error("editor A sees department B's task")
	}
	body = e.get(editorB, "/tasks").Body.String()
	if !strings.Contains(body, "无截止日期") || !strings.Contains(body, pathB) || strings.Contains(body, pathA+`"`) {
		t.Errorf("editor B's tasks:\n%s", firstLines(body, 80))
	}
	body = e.get(reviewer, "/tasks").Body.String()
	if !strings.Contains(body, "目前没有需要您处理的事项") || strings.Contains(body, `class="badge`) {
		t.Errorf("reviewer's tasks:\n%s", firstLines(body, 80))
	}
	// The count is on other pages too, and follows the year once the
	// page is counted again.
	if body := e.get(editorA, "/departments").Body.String(); !strings.Contains(body, `<a href="/tasks">待办事项 <span class="badge badge-overdue"`) {
		t.Error("the navigation of another page has no count")
	}
	e.advance("submitted")
	if body := e.get(editorA, "/tasks").Body.String(); !strings.Contains(body, "您共有 0 项待办事项") || strings.Contains(body, `class="badge`) {
		t.Errorf("after submitting:\n%s", firstLines(body, 80))
	}
	if body := e.get(approverA, "/tasks").Body.String(); !strings.Contains(body, "审批 2023 年度绩效自评并报送财政") {
		t.Errorf("approver A after the submission:\n%s", firstLines(body, 80))
	}
}

// The account page keeps the user's e-mail address for reminders: a bad
// one is refused beside the field with the entry kept, an empty one
// clears it.
func TestAccountEmail(t *testing.T) {
	e := newEnv(t)
	w := e.post(editorA, "/account/email", url.Values{"email": {"bad address"}})
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "电子邮箱地址") || !strings.Contains(body, `aria-invalid="true" aria-describedby="account-email-err"`) || !strings.Contains(body, `value="bad address"`) {
		t.Fatalf("bad address: %d\n%s", w.Code, firstLines(body, 120))
	}
	if w := e.post(editorA, "/account/email", url.Values{"email": {"tianhe@example.gov.cn"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d", w.Code)
	}
	u, err := e.st.GetUser(context.Background(), e.users[editorA].ID)
	if err != nil || u.Email != "tianhe@example.gov.cn" {
		t.Fatalf("stored %+v, %v", u, err)
	}
	if body := e.get(editorA, "/account").Body.String(); !strings.Contains(body, `value="tianhe@example.gov.cn"`) {
		t.Error("the account page does not show the address")
	}
	if w := e.post(editorA, "/account/email", url.Values{"email": {""}}); w.Code != http.StatusSeeOther {
		t.Fatalf("clear: %d", w.Code)
	}
	if u, _ := e.st.GetUser(context.Background(), u.ID); u.Email != "" {
		t.Errorf("not cleared: %q", u.Email)
	}
}
