package html_test

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"

	render "github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func renderPage(t testing.TB, d *report.Document) string {
	t.Helper()
	var b bytes.Buffer
	if err := render.Render(&b, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

func parse(t testing.TB, s string) *nethtml.Node {
	t.Helper()
	n, err := nethtml.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// find returns the elements named tag under n, in document order.
func find(n *nethtml.Node, tag string) []*nethtml.Node {
	var out []*nethtml.Node
	for d := range n.Descendants() {
		if d.Type == nethtml.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *nethtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text returns the text of n, with a newline for each <br>.
func text(n *nethtml.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		switch {
		case d.Type == nethtml.TextNode:
			b.WriteString(d.Data)
		case d.Type == nethtml.ElementNode && d.Data == "br":
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	got := renderPage(t, reporttest.Sample())
	path := filepath.Join("testdata", "sample.html")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("output differs from %s at line %d (run go test -update to accept):\nwant %q\ngot  %q", path, i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("output differs from %s in length: %d lines, want %d", path, len(gl), len(wl))
	}
}

func TestPage(t *testing.T) {
	out := renderPage(t, reporttest.Sample())
	if !strings.HasPrefix(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n") {
		t.Errorf("page does not start with doctype, html lang and charset:\n%.120s", out)
	}
	doc := parse(t, out)
	if got := text(find(doc, "title")[0]); got != "示例区人民政府办公室2023年度部门整体支出绩效自评报告" {
		t.Errorf("title %q", got)
	}
	viewport := false
	for _, m := range find(doc, "meta") {
		viewport = viewport || attr(m, "name") == "viewport" && strings.Contains(attr(m, "content"), "width=device-width")
	}
	if !viewport {
		t.Error("no viewport meta")
	}
	// Self-contained: no script, no external resource.
	for _, tag := range []string{"script", "link", "img", "iframe", "object", "embed"} {
		if n := len(find(doc, tag)); n > 0 {
			t.Errorf("%d <%s> elements", n, tag)
		}
	}
	for d := range doc.Descendants() {
		for _, a := range d.Attr {
			if a.Key == "src" || a.Key == "href" || strings.HasPrefix(a.Key, "on") {
				t.Errorf("<%s %s=%q>", d.Data, a.Key, a.Val)
			}
		}
	}
	if strings.Contains(render.Stylesheet(), "url(") || strings.Contains(render.Stylesheet(), "@import") {
		t.Error("style sheet loads a resource")
	}

	header := find(doc, "header")
	if len(header) != 1 || text(find(header[0], "p")[0]) != "附件2" || len(find(header[0], "h1")) != 1 {
		t.Error("header lacks the label or the h1 title")
	}
	var headings []string
	for d := range doc.Descendants() {
		if d.Type == nethtml.ElementNode && len(d.Data) == 2 && d.Data[0] == 'h' && d.Data[1] >= '1' && d.Data[1] <= '6' {
			headings = append(headings, d.Data+" "+text(d))
		}
	}
	want := []string{"h1 示例区人民政府办公室2023年度部门整体支出绩效自评报告", "h2 一、部门基本情况", "h3 （一）部门职能", "h4 1. 预算编制"}
	if strings.Join(headings, "|") != strings.Join(want, "|") {
		t.Errorf("headings %q, want %q", headings, want)
	}
	ps := find(doc, "p")
	var strong []string
	for _, s := range find(doc, "strong") {
		strong = append(strong, text(s))
	}
	if strings.Join(strong, "|") != "一是|二是|总分" {
		t.Errorf("strong elements %q", strong)
	}
	if got := text(ps[2]); got != "一是坚持党建引领，夯实机关基础。二是加强作风建设<&>。" {
		t.Errorf("paragraph text %q", got)
	}
	pb := find(doc, "div")
	found := false
	for _, d := range pb {
		found = found || attr(d, "class") == "page-break"
	}
	if !found {
		t.Error("no page break")
	}
	caption := find(doc, "caption")
	if len(caption) != 1 || text(caption[0]) != "部门整体支出绩效自评表（2023年度）" {
		t.Error("table caption lacks title or subtitle")
	}
	for _, th := range find(doc, "th") {
		if attr(th, "scope") != "col" || th.Parent.Parent.Data != "thead" {
			t.Errorf("th %q: scope %q in %s", text(th), attr(th, "scope"), th.Parent.Parent.Data)
		}
	}
	var notes []string
	for _, p := range ps {
		if attr(p, "class") == "note" {
			notes = append(notes, text(p))
		}
	}
	if len(notes) != 1 || notes[0] != "注：得分保留两位小数。" {
		t.Errorf("notes %q", notes)
	}
	// The signature follows the last section and comes before the page
	// break that starts the attached tables.
	var sig *nethtml.Node
	for _, d := range find(doc, "div") {
		if attr(d, "class") == "signature" {
			sig = d
		}
	}
	if sig == nil || text(sig) != "\n示例区人民政府办公室\n2024年3月15日\n" {
		t.Fatalf("no signature block")
	}
	next := sig.NextSibling
	for next != nil && next.Type != nethtml.ElementNode {
		next = next.NextSibling
	}
	if next == nil || attr(next, "class") != "page-break" {
		t.Errorf("the signature is not followed by the page break before the tables")
	}
}

func TestFragment(t *testing.T) {
	var b bytes.Buffer
	if err := render.RenderFragment(&b, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	frag := b.String()
	if !strings.HasPrefix(frag, `<article class="report">`) || !strings.HasSuffix(frag, "</article>\n") {
		t.Errorf("fragment is not one article:\n%s", frag)
	}
	for _, s := range []string{"<html", "<head>", "<body", "<style", "<title"} {
		if strings.Contains(frag, s) {
			t.Errorf("fragment contains %s", s)
		}
	}
	page := renderPage(t, reporttest.Sample())
	if !strings.Contains(page, "<body>\n"+frag+"</body>") {
		t.Error("the page's body is not the fragment")
	}
	if !strings.Contains(page, "<style>\n"+render.Stylesheet()+"</style>") {
		t.Error("the page does not embed Stylesheet")
	}
}

type cellInfo struct {
	tag, text        string
	colspan, rowspan string
}

// TestSpans checks the sample table's cells, their spans, and that every
// row fills the grid, in HTML's table model, exactly.
func TestSpans(t *testing.T) {
	doc := parse(t, renderPage(t, reporttest.Sample()))
	tables := find(doc, "table")
	if len(tables) != 1 {
		t.Fatalf("%d tables", len(tables))
	}
	var got [][]cellInfo
	for _, tr := range find(tables[0], "tr") {
		var row []cellInfo
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == nethtml.ElementNode {
				row = append(row, cellInfo{c.Data, text(c), attr(c, "colspan"), attr(c, "rowspan")})
			}
		}
		got = append(got, row)
	}
	want := [][]cellInfo{
		{{"th", "一级指标", "", ""}, {"th", "二级指标", "", ""}, {"th", "分值", "", ""}, {"th", "得分", "", ""}},
		{{"td", "管理效率", "", "2"}, {"td", "采购管理", "", ""}, {"td", "10", "", ""}, {"td", "9", "", ""}},
		{{"td", "资产管理", "", ""}, {"td", "10", "", ""}, {"td", "9.5", "", ""}},
		{{"td", "总分", "2", ""}, {"td", "20", "", ""}, {"td", "18.5", "", ""}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("row %d: %v, want %v", i+1, got[i], want[i])
			continue
		}
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("row %d cell %d: %v, want %v", i+1, j+1, got[i][j], want[i][j])
			}
		}
	}
	checkFills(t, tables[0], 4)

	classes := map[string]string{}
	for _, c := range append(find(tables[0], "th"), find(tables[0], "td")...) {
		classes[text(c)] = attr(c, "class")
	}
	for cell, class := range map[string]string{"一级指标": "align-center", "管理效率": "align-left", "总分": "align-center", "9.5": "align-right num"} {
		if classes[cell] != class {
			t.Errorf("cell %s: class %q, want %q", cell, classes[cell], class)
		}
	}
	var widths []string
	for _, c := range find(tables[0], "col") {
		widths = append(widths, attr(c, "style"))
	}
	if got, want := strings.Join(widths, ";"), "width: 22.22%;width: 33.33%;width: 22.22%;width: 22.22%"; got != want {
		t.Errorf("column widths %q, want %q", got, want)
	}
}

// checkFills lays the table's cells out as a browser does and checks that
// every row covers exactly ncol columns.
func checkFills(t *testing.T, table *nethtml.Node, ncol int) {
	t.Helper()
	var carried []int // rows still covered, per column
	carried = make([]int, ncol)
	for i, tr := range find(table, "tr") {
		col := 0
		next := make([]int, ncol)
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != nethtml.ElementNode {
				continue
			}
			for col < ncol && carried[col] > 0 {
				next[col] = carried[col] - 1
				col++
			}
			cs, rs := 1, 1
			if v := attr(c, "colspan"); v != "" {
				cs, _ = strconv.Atoi(v)
			}
			if v := attr(c, "rowspan"); v != "" {
				rs, _ = strconv.Atoi(v)
			}
			for k := 0; k < cs; k++ {
				if col >= ncol {
					t.Fatalf("row %d overflows %d columns", i+1, ncol)
				}
				next[col] = rs - 1
				col++
			}
		}
		for col < ncol && carried[col] > 0 {
			next[col] = carried[col] - 1
			col++
		}
		if col != ncol {
			t.Errorf("row %d covers %d columns, want %d", i+1, col, ncol)
		}
		carried = next
	}
}

func TestHeaderRowSpanningIntoBody(t *testing.T) {
	tbl := &report.Table{Sheet: "t", Columns: []report.Column{{Width: 1}, {Width: 1}}, Rows: []report.Row{
		{Header: true, Cells: []report.Cell{{Text: "项目", RowSpan: 2}, {Text: "金额"}}},
		{Cells: []report.Cell{{Text: "1.00"}}},
		{Cells: []report.Cell{{Text: "办公费"}, {Text: "2.00"}}},
	}}
	doc := parse(t, renderPage(t, &report.Document{Blocks: []report.Block{tbl}}))
	if n := len(find(find(doc, "thead")[0], "tr")); n != 2 {
		t.Errorf("thead has %d rows, want 2 so that the row span stays inside it", n)
	}
	checkFills(t, find(doc, "table")[0], 2)
}

const hostile = "<script>alert(1)</script> & *bold* | # x \"q\" 'a' </p></article><table>"

func TestEscaping(t *testing.T) {
	d := &report.Document{
		Label: "<b>附件</b>",
		Title: "</title><script>alert(1)</script>",
		Blocks: []report.Block{
			&report.Heading{Level: 1, Text: "# " + hostile},
			&report.Paragraph{Runs: []report.Run{{Text: hostile + "\n第二行"}, {Text: "&amp;", Bold: true}}},
			&report.Table{
				Title: "<i>表</i>", Sheet: "t", Subtitle: "a & b",
				Columns: []report.Column{{}, {}},
				Rows: []report.Row{
					{Header: true, Cells: []report.Cell{{Text: "</th></tr></thead>"}, {Text: "|"}}},
					{Cells: []report.Cell{{Text: hostile + "\n第二行"}, {Text: "<td>x</td>", Bold: true}}},
				},
				Notes: []string{"</p><script>x</script>"},
			},
		},
		Author: "<script>",
		Date:   "&",
	}
	out := renderPage(t, d)
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Error("raw <script in output")
	}
	doc := parse(t, out)
	counts := map[string]int{}
	for n := range doc.Descendants() {
		if n.Type == nethtml.ElementNode {
			counts[n.Data]++
		}
	}
	for tag, want := range map[string]int{
		"script": 0, "b": 0, "i": 0, "table": 1, "tr": 2, "th": 2, "td": 2,
		"article": 1, "h1": 1, "h2": 1, "p": 5, "strong": 2, "br": 2, "title": 1,
	} {
		if counts[tag] != want {
			t.Errorf("%d <%s> elements, want %d", counts[tag], tag, want)
		}
	}
	if got := text(find(doc, "title")[0]); got != d.Title {
		t.Errorf("title text %q, want %q", got, d.Title)
	}
	if got := text(find(doc, "h2")[0]); got != "# "+hostile {
		t.Errorf("heading text %q", got)
	}
	if got := text(find(doc, "p")[1]); got != hostile+"\n第二行&amp;" {
		t.Errorf("paragraph text %q", got)
	}
	tds := find(doc, "td")
	if got := text(tds[0]); got != hostile+"\n第二行" {
		t.Errorf("cell text %q", got)
	}
	if got := text(tds[1]); got != "<td>x</td>" {
		t.Errorf("cell text %q", got)
	}
	if got := text(find(doc, "caption")[0]); got != "<i>表</i>a & b" {
		t.Errorf("caption text %q", got)
	}
}

func TestBadTable(t *testing.T) {
	d := reporttest.Sample()
	d.Tables()[0].Rows[2].Cells = append(d.Tables()[0].Rows[2].Cells, report.Cell{Text: "多余"})
	var b bytes.Buffer
	if err := render.Render(&b, d); err == nil {
		t.Fatal("Render accepted a row with too many cells")
	}
	if b.Len() != 0 {
		t.Errorf("Render wrote %d bytes before failing", b.Len())
	}
}

func TestStylesheet(t *testing.T) {
	css := render.Stylesheet()
	for _, want := range []string{
		`font-family: "FangSong_GB2312", "仿宋_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", serif;`,
		`font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "Noto Serif CJK SC", serif;
  font-size: 22pt;`,
		`.report h2 {
  font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif;`,
		`.report h3 {
  font-family: "KaiTi_GB2312", "楷体_GB2312", "KaiTi", "STKaiti", serif;`,
		"font-size: 16pt;\n  line-height: 1.8;",
		"text-indent: 2em;",
		"border-collapse: collapse;",
		"border: 1px solid #000;",
		"font-size: 12pt;",
		"max-width: calc(156mm + 40mm);",
		"margin: 0 auto;",
		"@page {\n  size: A4;\n  margin: 37mm 26mm 35mm 28mm;\n}",
		"break-inside: avoid;",
		"display: table-header-group;",
		"break-after: avoid;",
		"break-before: page;",
		".report .signature {\n  margin-top: 2em;\n  padding-right: 2em;\n  text-align: right;",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("style sheet lacks %q", want)
		}
	}
	if strings.Count(css, "{") != strings.Count(css, "}") {
		t.Error("unbalanced braces in the style sheet")
	}
}

var (
	ruleRE  = regexp.MustCompile(`(?s)([^{}]+)\{([^{}]*)\}`)
	colorRE = regexp.MustCompile(`(?m)^\s*(color|background(?:-color)?):\s*(#[0-9a-fA-F]{3,6})\s*;`)
)

// TestContrast checks WCAG 2.1 AA (4.5:1) for every text colour of the
// style sheet against every background colour a text can stand on: the
// paper and any background a rule sets (the desk behind the paper carries
// no text).
func TestContrast(t *testing.T) {
	fgs := map[string]bool{}
	bgs := map[string]bool{"#fff": true}
	for _, rule := range ruleRE.FindAllStringSubmatch(render.Stylesheet(), -1) {
		selector := strings.TrimSpace(rule[1])
		for _, m := range colorRE.FindAllStringSubmatch(rule[2], -1) {
			switch {
			case m[1] == "color":
				fgs[m[2]] = true
			case selector != "html":
				bgs[m[2]] = true
			}
		}
	}
	if len(fgs) < 2 || len(bgs) < 2 {
		t.Fatalf("found text colours %v and backgrounds %v: the test no longer reads the style sheet", fgs, bgs)
	}
	for fg := range fgs {
		for bg := range bgs {
			if r := contrast(t, fg, bg); r < 4.5 {
				t.Errorf("%s on %s: contrast %.2f:1, below 4.5:1", fg, bg, r)
			}
		}
	}
	// The formula itself.
	if r := contrast(t, "#767676", "#fff"); math.Abs(r-4.54) > 0.01 {
		t.Errorf("contrast(#767676, #fff) = %.3f, want 4.54", r)
	}
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func luminance(t *testing.T, hex string) float64 {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil || len(h) != 6 {
		t.Fatalf("bad colour %q", hex)
	}
	var l [3]float64
	for i := range l {
		c := float64(v>>(16-8*i)&0xff) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}
