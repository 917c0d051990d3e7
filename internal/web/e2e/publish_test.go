package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The reviewer publishes the accepted years at once: the page lists them,
// the confirmation box is required, and the year is then public.
func TestBrowserPublishAll(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	ctx := context.Background()
	us, err := s.st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]store.User{}
	for _, u := range us {
		byName[u.Username] = u
	}
	for _, step := range []struct{ to, user string }{
		{workflow.Submitted, "editor-a"}, {workflow.Approved, "approver-a"}, {workflow.UnderReview, "reviewer"}, {workflow.Accepted, "reviewer"},
	} {
		rec, err := s.st.Get(ctx, codeA, yearA)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.st.Transition(ctx, codeA, yearA, step.to, byName[step.user], "", rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.open("/publish")
	reviewer.checkA11y("publish")
	reviewer.screenshot("publish")
	if txt := reviewer.text(); !strings.Contains(txt, "公开以上 1 个部门年度") || !strings.Contains(txt, codeA) {
		t.Fatalf("the list:\n%s", txt)
	}
	// The confirmation box is required: the browser does not send the form.
	reviewer.do(chromedp.Click(`//button[contains(., "公开以上")]`))
	if rec, _ := s.st.Get(ctx, codeA, yearA); rec.Status != workflow.Accepted {
		t.Fatalf("published without confirmation: %s", rec.Status)
	}
	if !eval[bool](reviewer, `(() => { document.querySelector('input[name="confirm"]').checked = true; return true })()`) {
		t.Fatal("no confirmation box")
	}
	reviewer.clickAndLoad(`//button[contains(., "公开以上")]`)
	if txt := reviewer.text(); !strings.Contains(txt, "已公开 1 个部门年度") {
		t.Fatalf("after publishing:\n%s", txt)
	}
	reviewer.checkA11y("publish-done")
	reviewer.screenshot("publish-done")
	if rec, _ := s.st.Get(ctx, codeA, yearA); rec.Status != workflow.Published {
		t.Errorf("status %s after publishing", rec.Status)
	}
}
