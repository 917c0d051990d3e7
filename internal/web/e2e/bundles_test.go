package e2e

import (
	"strings"
	"testing"
	"time"
)

// The reviewer bundles a year on the web: starts it, watches its progress
// update in place, and gets the download link when it is done.
func TestBrowserBundle(t *testing.T) {
	s := newSuite(t)
	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.open("/bundles")
	reviewer.checkA11y("bundles")
	reviewer.screenshot("bundles")
	// The seeded years are drafts: include them.
	if !eval[bool](reviewer, `(() => { document.querySelector('input[name="status"][value="draft"]').checked = true; return true })()`) {
		t.Fatal("no draft checkbox")
	}
	reviewer.clickAndLoad(`//button[contains(., "开始打包")]`)
	if !strings.HasPrefix(eval[string](reviewer, `location.pathname`), "/bundles/") {
		t.Fatalf("after starting: %s", reviewer.text())
	}
	var txt string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		txt = reviewer.text()
		if strings.Contains(txt, "下载 zip 文件") {
			break
		}
	}
	if !strings.Contains(txt, "已完成：") || !strings.Contains(txt, "下载 zip 文件") {
		t.Fatalf("the page did not show the finished bundle:\n%s", txt)
	}
	reviewer.checkA11y("bundle")
	reviewer.screenshot("bundle-done")
}
