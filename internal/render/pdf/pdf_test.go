package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

func TestRenderA4WithText(t *testing.T) {
	if Browser() == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) not installed; CI installs it", tool)
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	f := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(f, buf.Bytes(), 0o644)
	info, _ := exec.Command("pdfinfo", f).Output()
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("page size is not A4:\n%s", info)
	}
	txt, _ := exec.Command("pdftotext", f, "-").Output()
	s := strings.Join(strings.Fields(string(txt)), "")
	for _, w := range []string{"示例区人民政府办公室2023年度部门整体支出绩效自评报告", "部门整体支出绩效自评表", "管理效率"} {
		if !strings.Contains(s, w) {
			t.Errorf("PDF lacks %q", w)
		}
	}
}

func TestNoBrowserIsAClearError(t *testing.T) {
	t.Setenv("JIXIAO_CHROMIUM", "")
	t.Setenv("PATH", t.TempDir())
	err := Render(&bytes.Buffer{}, reporttest.Sample())
	if !errors.Is(err, ErrNoBrowser) {
		t.Errorf("err = %v, want ErrNoBrowser", err)
	}
}

// Every page carries its number centred in the bottom margin: "— n —".
func TestPageNumbersAtTheFoot(t *testing.T) {
	if Browser() == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; CI installs it")
	}
	var buf bytes.Buffer
	if err := Render(&buf, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(f, buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", "-bbox", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	pageRe := regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	wordRe := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>`)
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	pages := strings.Split(string(out), "</page>")
	pages = pages[:len(pages)-1]
	if len(pages) < 2 {
		t.Fatalf("%d pages, want a report of several", len(pages))
	}
	for i, p := range pages {
		m := pageRe.FindStringSubmatch(p)
		if m == nil {
			t.Fatalf("page %d: no size", i+1)
		}
		width, height := num(m[1]), num(m[2])
		// The last line: the words lowest on the page.
		var text string
		var y, left, right float64
		for _, w := range wordRe.FindAllStringSubmatch(p, -1) {
			switch wy := num(w[2]); {
			case wy > y+1:
				y, text, left, right = wy, w[4], num(w[1]), num(w[3])
			case wy > y-1:
				text += w[4]
				left, right = min(left, num(w[1])), max(right, num(w[3]))
			}
		}
		if want := fmt.Sprintf("—%d—", i+1); text != want {
			t.Errorf("page %d ends with %q, want %q", i+1, text, want)
			continue
		}
		if mid := (left + right) / 2; mid < width/2-3 || mid > width/2+3 {
			t.Errorf("page %d: number centred at %.1f pt, page centre %.1f pt", i+1, mid, width/2)
		}
		if bottomMargin := 35 / 25.4 * 72; y < height-bottomMargin {
			t.Errorf("page %d: number at %.1f pt from the top, above the bottom margin", i+1, y)
		}
	}
}

// A long group of rows under one first-level indicator (a cell spanning
// the group's rows) is printed from where the text before it ends, broken
// between rows where the page ends: never a row broken across two pages,
// never a half-empty page because the group was kept whole.
func TestLongGroupBreaksBetweenRows(t *testing.T) {
	if Browser() == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; CI installs it")
	}
	const n = 24
	tbl := &report.Table{Title: "分组表", Columns: []report.Column{{Width: 2}, {Width: 2}, {Width: 6}}}
	tbl.Rows = append(tbl.Rows, report.Row{Header: true, Cells: []report.Cell{{Text: "一级指标"}, {Text: "编号"}, {Text: "说明"}}})
	explain := func(i int) string {
		return fmt.Sprintf("第%02d行说明：", i) + strings.Repeat("指标完成情况及扣分原因", 5)
	}
	for i := 1; i <= n; i++ {
		var cells []report.Cell
		if i == 1 {
			cells = append(cells, report.Cell{Text: "产出指标", RowSpan: n})
		}
		cells = append(cells, report.Cell{Text: fmt.Sprintf("R%02d", i)}, report.Cell{Text: explain(i)})
		tbl.Rows = append(tbl.Rows, report.Row{Cells: cells})
	}
	doc := &report.Document{Title: "分组测试"}
	for range 3 {
		doc.Blocks = append(doc.Blocks, &report.Paragraph{Runs: []report.Run{{Text: strings.Repeat("正文段落用于占据首页的大部分篇幅。", 6)}}})
	}
	doc.Blocks = append(doc.Blocks, tbl)
	var buf bytes.Buffer
	if err := Render(&buf, doc); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "g.pdf")
	os.WriteFile(f, buf.Bytes(), 0o644)
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	for _, p := range strings.Split(string(out), "\f") {
		pages = append(pages, strings.Join(strings.Fields(p), ""))
	}
	if !strings.Contains(pages[0], "R01") {
		t.Errorf("the group does not start on the first page, after the text:\n%s", pages[0])
	}
	for i := 1; i <= n; i++ {
		marker, whole := fmt.Sprintf("第%02d行说明", i), explain(i)
		found := false
		for _, p := range pages {
			if strings.Contains(p, marker) {
				found = true
				if !strings.Contains(p, whole) {
					t.Errorf("row %d is broken across pages", i)
				}
			}
		}
		if !found {
			t.Errorf("row %d missing", i)
		}
	}
}
