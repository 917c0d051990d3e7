package markdown_test

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t testing.TB, d *report.Document) string {
	t.Helper()
	var b bytes.Buffer
	if err := markdown.Render(&b, d); err != nil {
		t.Fatalf("Render: %v", err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	got := render(t, reporttest.Sample())
	path := filepath.Join("testdata", "sample.md")
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
		t.Errorf("output differs from %s (run go test -update to accept):\n%s", path, diff(string(want), got))
	}
}

// diff shows the first differing line.
func diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\nwant " + quote(w) + "\ngot  " + quote(g)
		}
	}
	return "(no line differs)"
}

func itoa(n int) string { return strconv.Itoa(n) }

func quote(s string) string { return "\"" + s + "\"" }

func TestDeterministicAndOneFinalNewline(t *testing.T) {
	a := render(t, reporttest.Sample())
	b := render(t, reporttest.Sample())
	if a != b {
		t.Fatal("two renders of the same document differ")
	}
	if !strings.HasSuffix(a, "\n") || strings.HasSuffix(a, "\n\n") {
		t.Errorf("output must end with exactly one newline, ends with %q", a[max(len(a)-5, 0):])
	}
	d := &report.Document{Title: "标题", Blocks: []report.Block{
		&report.Paragraph{Runs: []report.Run{{Text: "正文\n\n"}, {Text: " \n", Bold: true}}},
		&report.PageBreak{},
	}}
	if got, want := render(t, d), "# 标题\n\n正文\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := render(t, &report.Document{}); got != "" {
		t.Errorf("empty document gives %q, want nothing", got)
	}
}

func TestSampleStructure(t *testing.T) {
	out := render(t, reporttest.Sample())
	lines := strings.Split(out, "\n")
	if lines[0] != "附件2" {
		t.Errorf("first line %q, want the label", lines[0])
	}
	for _, want := range []string{
		"# 示例区人民政府办公室2023年度部门整体支出绩效自评报告\n",
		"\n## 一、部门基本情况\n",
		"\n### （一）部门职能\n",
		"\n#### 1. 预算编制\n",
		"\n**一是**坚持党建引领，夯实机关基础。**二是**加强作风建设\\<\\&\\>。\n",
		"\n**部门整体支出绩效自评表**\n\n（2023年度）\n\n| 一级指标 |",
		"增幅14.2%。\n\n示例区人民政府办公室\n\n2024年3月15日\n\n**部门整体支出绩效自评表**",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !strings.HasSuffix(out, "注：得分保留两位小数。\n") {
		t.Error("the document does not end with the table's note")
	}
}

// TestSpans checks that merged cells print their text once, in their
// top-left position, and leave the covered positions empty.
func TestSpans(t *testing.T) {
	out := render(t, reporttest.Sample())
	want := "| 一级指标 | 二级指标 | 分值 | 得分 |\n" +
		"| --- | --- | ---: | ---: |\n" +
		"| 管理效率 | 采购管理 | 10 | 9 |\n" +
		"|  | 资产管理 | 10 | 9.5 |\n" +
		"| **总分** |  | 20 | 18.5 |\n"
	if !strings.Contains(out, want) {
		t.Errorf("table not rendered as expected; want\n%s\ngot\n%s", want, out)
	}
}

func TestHeaderRows(t *testing.T) {
	cols := []report.Column{{Width: 1}, {Width: 1}}
	several := &report.Table{Sheet: "a", Columns: cols, Rows: []report.Row{
		{Header: true, Cells: []report.Cell{{Text: "项目", ColSpan: 2}}},
		{Header: true, Cells: []report.Cell{{Text: "名称"}, {Text: "金额"}}},
		{Cells: []report.Cell{{Text: "办公费"}, {Text: "1.00", Align: report.AlignRight}}},
	}}
	none := &report.Table{Sheet: "b", Columns: cols, Rows: []report.Row{
		{Cells: []report.Cell{{Text: "办公费"}, {Text: "1.00"}}},
	}}
	out := render(t, &report.Document{Blocks: []report.Block{several, none}})
	want := "| 项目 |  |\n" +
		"| --- | ---: |\n" +
		"| **名称** | **金额** |\n" +
		"| 办公费 | 1.00 |\n" +
		"\n" +
		"|  |  |\n" +
		"| --- | --- |\n" +
		"| 办公费 | 1.00 |\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestBadTable(t *testing.T) {
	d := reporttest.Sample()
	d.Tables()[0].Rows[1].Cells = append(d.Tables()[0].Rows[1].Cells, report.Cell{Text: "多余"})
	var b bytes.Buffer
	if err := markdown.Render(&b, d); err == nil {
		t.Fatal("Render accepted a row with too many cells")
	}
	if b.Len() != 0 {
		t.Errorf("Render wrote %d bytes before failing", b.Len())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteError(t *testing.T) {
	if err := markdown.Render(failWriter{}, reporttest.Sample()); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("got %v, want the writer's error", err)
	}
}

func TestBoldDelimiters(t *testing.T) {
	for _, c := range []struct {
		runs []report.Run
		want string
	}{
		{[]report.Run{{Text: "一是", Bold: true}, {Text: "坚持"}}, "**一是**坚持"},
		// "**" after a letter and before punctuation cannot open.
		{[]report.Run{{Text: "重点是"}, {Text: "（一）", Bold: true}, {Text: "推进"}}, "重点是<strong>（一）</strong>推进"},
		// ... and before a letter after punctuation cannot close.
		{[]report.Run{{Text: "完成。", Bold: true}, {Text: "下一步"}}, "<strong>完成。</strong>下一步"},
		{[]report.Run{{Text: "完成。", Bold: true}, {Text: "（下一步）"}}, "**完成。**（下一步）"},
		// Blanks move outside the delimiters.
		{[]report.Run{{Text: "a"}, {Text: " b ", Bold: true}, {Text: "c"}}, "a **b** c"},
		// Neighbouring bold runs merge.
		{[]report.Run{{Text: "甲", Bold: true}, {Text: "乙", Bold: true}}, "**甲乙**"},
		{[]report.Run{{Text: "*x*", Bold: true}}, "**\\*x\\***"},
		{[]report.Run{{Text: "前"}, {Text: "*x*", Bold: true}, {Text: "后"}}, "前<strong>\\*x\\*</strong>后"},
	} {
		d := &report.Document{Blocks: []report.Block{&report.Paragraph{Runs: c.runs}}}
		if got := strings.TrimSuffix(render(t, d), "\n"); got != c.want {
			t.Errorf("%v: got %q, want %q", c.runs, got, c.want)
		}
	}
}

const hostile = "<script>alert(1)</script> & *bold* __u__ [a](b) `c` ~~s~~ a|b \\ $x$ &amp; ## end"

func hostileDoc() *report.Document {
	return &report.Document{
		Label: "# 附件",
		Title: "标题 # *假* <b>\n第二行",
		Blocks: []report.Block{
			&report.Heading{Level: 1, Text: "一、" + hostile + " ##"},
			&report.Paragraph{Runs: []report.Run{{Text: hostile}}},
			&report.Paragraph{Runs: []report.Run{{Text: "# 不是标题\n- 不是列表\n+ 也不是\n1. 不是编号\n2) 不是\n> 不是引用\n---\n===\n    不是代码\n```\n| a | b |\n\n"}, {Text: "*强调*", Bold: true}}},
			&report.Table{Sheet: "t", Columns: []report.Column{{}, {}}, Rows: []report.Row{
				{Header: true, Cells: []report.Cell{{Text: "a|b"}, {Text: "<script>"}}},
				{Cells: []report.Cell{{Text: "第一行\n第二行|"}, {Text: "# x\n- y", Bold: true}}},
				{Cells: []report.Cell{{Text: "\\"}, {Text: "\\|"}}},
			}, Notes: []string{"- 注"}},
		},
		Author: "1. 单位",
		Date:   "2024年",
	}
}

var (
	ourMarkup = regexp.MustCompile(`\*\*|</?strong>|<br>`)
	blockLine = regexp.MustCompile(`^(\s|>|[-+*]\s|\d{1,9}[.)](\s|$)|[-=]+\s*$|` + "```|~~~)")
)

// unescaped returns the first Markdown-special character of s not escaped
// by a backslash, or -1.
func unescaped(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '`', '*', '_', '[', ']', '<', '>', '|', '#', '~', '&', '$':
			return i
		}
	}
	return -1
}

// TestEscaping feeds text full of Markdown syntax through every kind of
// block and checks that only the renderer's own markup is left unescaped.
func TestEscaping(t *testing.T) {
	out := render(t, hostileDoc())
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var headings, tableLines int
	for i, line := range lines {
		if strings.HasPrefix(line, "#") {
			headings++
			line = strings.TrimLeft(line, "#")
			if !strings.HasPrefix(line, " ") {
				t.Errorf("line %d: %q is not an ATX heading", i+1, lines[i])
			}
			line = line[1:]
		}
		if blockLine.MatchString(line) {
			t.Errorf("line %d: %q starts a block", i+1, line)
		}
		if strings.HasPrefix(line, "|") {
			tableLines++
			cells := splitCells(line)
			if len(cells) != 2 {
				t.Errorf("line %d: %q has %d cells, want 2", i+1, line, len(cells))
			}
			for _, c := range cells {
				if c == "---" {
					continue
				}
				if j := unescaped(ourMarkup.ReplaceAllString(c, "")); j >= 0 {
					t.Errorf("line %d: cell %q: unescaped %q", i+1, c, c[j])
				}
			}
			continue
		}
		if j := unescaped(ourMarkup.ReplaceAllString(line, "")); j >= 0 {
			t.Errorf("line %d: %q: unescaped %q at %d", i+1, lines[i], line[j], j)
		}
	}
	if headings != 2 {
		t.Errorf("got %d heading lines, want 2 (title and heading)", headings)
	}
	if tableLines != 4 {
		t.Errorf("got %d table lines, want 4", tableLines)
	}
	if strings.Contains(out, "<script>") {
		t.Error("raw <script> in output")
	}
	for _, want := range []string{
		"\\# 附件\n",
		"# 标题 \\# \\*假\\* \\<b\\> 第二行\n",
		"\\*bold\\*",
		"\\&amp;",
		"\\# 不是标题\\\n\\- 不是列表\\\n\\+ 也不是\\\n1\\. 不是编号\\\n2\\) 不是\\\n\\> 不是引用\\\n\\---\\\n\\===\\\n不是代码\\\n\\`\\`\\`\\\n\\| a \\| b \\|\\\n\\\n**\\*强调\\***\n",
		"| 第一行<br>第二行\\| | **\\# x**<br>**- y** |",
		"| \\\\ | \\\\\\| |",
		"\n\\- 注\n",
		"\n1\\. 单位\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// splitCells splits a pipe table row at its unescaped pipes, as GFM does.
func splitCells(line string) []string {
	var cells []string
	start := 1
	for i := 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, strings.TrimSpace(line[start:i]))
			start = i + 1
		}
	}
	return cells
}
