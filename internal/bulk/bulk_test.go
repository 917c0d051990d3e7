package bulk_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/bulk"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/cputime"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/input"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
	"github.com/xuri/excelize/v2"
)

// entry runs the assessment pipeline on a department-year, as an import
// does, and returns what the store keeps.
func entry(t testing.TB, lib *datafile.Library, name string, ev *evaluation.Evaluation) store.Entry {
	t.Helper()
	a := assess.Assess(ev, lib, assess.Options{Calendar: calendar.ScoringOptions().Calendar})
	if a.Result == nil {
		t.Fatalf("%s: not scored: %v", name, a.Findings.Errors())
	}
	return store.Entry{Source: name, Evaluation: ev, Result: a.Result, Framework: a.Framework, ProjectFramework: a.ProjectFramework}
}

func fileEntry(t testing.TB, lib *datafile.Library, path string) store.Entry {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := input.Read(path, data)
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	return entry(t, lib, path, l.Value)
}

// newStore is a SQLite store holding the Tianhe example (2023) and n
// generated department-years of 2023.
func newStore(t testing.TB, n int) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	entries := []store.Entry{fileEntry(t, lib, "../../examples/tianhe-gov-office-2023.yaml")}
	if n > 0 {
		for _, ev := range gen.Province(gen.Options{Departments: n, Years: 1, Projects: 5, Seed: 3, FirstYear: 2023}) {
			entries = append(entries, entry(t, lib, ev.Department.Code, ev))
		}
	}
	if _, err := st.Import(ctx, entries, "test", "测试"); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestBundle(t *testing.T) {
	st := newStore(t, 3)
	ctx := context.Background()
	docx, _ := render.Lookup("docx")
	var buf bytes.Buffer
	var calls []bulk.Progress
	sum, err := bulk.Write(ctx, st, bulk.Options{Year: 2023, Format: docx, Workers: 2, Progress: func(p bulk.Progress) { calls = append(calls, p) }}, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Written != 4 || sum.Failed() != 0 || len(calls) != 4 || calls[3].Done != 4 || calls[3].Total != 4 {
		t.Fatalf("written %d, failed %d, progress %+v", sum.Written, sum.Failed(), calls)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if len(names) != 6 || names[4] != bulk.SummaryFile || names[5] != bulk.BulletinFile {
		t.Fatalf("zip holds %v", names)
	}
	// Files sort as the summary does, by department code; each is a Word
	// document of its own department.
	tianhe := "106001-广州市天河区人民政府办公室-2023年度部门整体支出绩效自评报告.docx"
	if names[0] != tianhe {
		t.Errorf("first file %q, want %q", names[0], tianhe)
	}
	for i, f := range zr.File[:4] {
		if i > 0 && f.Name <= names[i-1] {
			t.Errorf("%q after %q: not in code order", f.Name, names[i-1])
		}
		body := documentXML(t, f)
		code := strings.SplitN(f.Name, "-", 2)[0]
		row := sum.Rows[i]
		if row.Code != code || row.File != f.Name || !strings.Contains(body, row.Name) || !strings.Contains(body, "部门整体支出绩效自评报告") {
			t.Errorf("%s: row %+v; document mentions department: %v", f.Name, row, strings.Contains(body, row.Name))
		}
	}

	// Each document is the one a single download makes of the stored year
	// (same pipeline, same model, same renderer), part for part.
	for i, f := range zr.File[:4] {
		row := sum.Rows[i]
		rec, err := st.Get(ctx, row.Code, 2023)
		if err != nil {
			t.Fatal(err)
		}
		lib, err := rec.Library()
		if err != nil {
			t.Fatal(err)
		}
		a := assess.Assess(rec.Evaluation, lib, rec.AssessOptions())
		var single bytes.Buffer
		if err := docx.Render(ctx, &single, report.Build(report.Input{Evaluation: rec.Evaluation, Result: a.Result, Framework: a.Weighted}), nil); err != nil {
			t.Fatal(err)
		}
		sz, err := zip.NewReader(bytes.NewReader(single.Bytes()), int64(single.Len()))
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range sz.File {
			if got, want := partOf(t, f, part.Name), readZipFile(t, part); got != want {
				t.Errorf("%s: %s differs from the single download's", f.Name, part.Name)
			}
		}
	}

	// The summary lists every year with its figures, as numbers.
	sf, err := zr.Open(bulk.SummaryFile)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(sf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[0][0] != "2023年度部门整体支出绩效自评汇总表" || rows[1][6] != "自评得分" {
		t.Fatalf("summary rows %q", rows)
	}
	th := rows[2]
	if th[1] != "106001" || th[2] != "广州市天河区人民政府办公室" || th[6] != "97.00" || th[7] != "优" || th[8] != "未复核" || th[10] != "100.00%" || th[12] != tianhe {
		t.Errorf("Tianhe's summary row %q", th)
	}
	lost := 0
	fmt.Sscan(th[11], &lost)
	if lost == 0 {
		t.Errorf("Tianhe lost 3 points in 采购管理 and 资产管理, the summary counts %q indicators losing points", th[11])
	}
	if typ, _ := x.GetCellType("汇总", "G3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the score is stored as %v, not a number", typ)
	}

	// The bulletin: a Word document of the year, from the same figures.
	bf := zr.File[5]
	body := documentXML(t, bf)
	for _, want := range []string{"关于2023年度部门整体支出绩效评价结果的通报", "2023年度共有4个部门开展部门整体支出绩效自评",
		"106001", "广州市天河区人民政府办公室", "97.00", "采购管理", "资产管理", "30日（末日为法定休假日的顺延）"} {
		if !strings.Contains(body, want) {
			t.Errorf("the bulletin lacks %q", want)
		}
	}
}

// The bulletin counts what the stored years hold: Tianhe's two problems
// and its points lost in 采购管理 and 资产管理 (3 in all), its grade and
// score; grade counts add up to the years.
func TestBulletin(t *testing.T) {
	st := newStore(t, 3)
	doc, sum, err := bulk.Bulletin(context.Background(), st, bulk.Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Rows) != 4 || sum.Written != 0 {
		t.Fatalf("rows %d, written %d", len(sum.Rows), sum.Written)
	}
	th := sum.Rows[0]
	if th.Code != "106001" || th.Problems != 2 {
		t.Fatalf("Tianhe row %+v", th)
	}
	var lostSum int64
	for _, l := range th.LostIndicators {
		lostSum += int64(l.Lost)
	}
	if lostSum != 300 {
		t.Errorf("Tianhe lost %d hundredths over %+v, want 3 points", lostSum, th.LostIndicators)
	}
	var rows [][]string
	var paras []string
	for _, b := range doc.Blocks {
		switch b := b.(type) {
		case *report.Table:
			if b.Sheet == "评价结果" {
				for _, r := range b.Rows[1:] {
					var cs []string
					for _, c := range r.Cells {
						cs = append(cs, c.Text)
					}
					rows = append(rows, cs)
				}
			}
		case *report.Paragraph:
			paras = append(paras, b.Text())
		}
	}
	if len(rows) != 4 {
		t.Fatalf("ranked rows %q", rows)
	}
	found := false
	for _, r := range rows {
		if r[1] == "106001" {
			found = r[3] == "97.00" && r[4] == "优" && r[5] == "未复核"
		}
	}
	if !found {
		t.Errorf("Tianhe's ranked row is missing or wrong: %q", rows)
	}
	text := strings.Join(paras, "\n")
	grades := map[string]int{}
	for _, r := range sum.Rows {
		grades[r.Listing.Grade]++
	}
	var parts []string
	for _, g := range []string{"优", "良", "中", "差"} {
		parts = append(parts, fmt.Sprintf("“%s”%d个", g, grades[g]))
	}
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("the bulletin lacks %q:\n%s", p, text)
		}
	}
	if !strings.Contains(text, "各部门自评报告共列出存在的问题") || !strings.Contains(text, "自收到本通报之日起30日") {
		t.Errorf("problems or deadline missing:\n%s", text)
	}
	if !strings.Contains(text, "尚未下达整改事项") {
		t.Errorf("the bulletin does not say no item was issued:\n%s", text)
	}
	// Tianhe's two problems issued as rectification items: the bulletin
	// counts them by status.
	if _, err := st.IssueFromProblems(context.Background(), "106001", 2023, store.Operator("财政局", workflow.Reviewer), "评价结果反馈"); err != nil {
		t.Fatal(err)
	}
	text = bulletinText(t, st)
	if !strings.Contains(text, "已下达整改事项2项，其中未整改2项") {
		t.Errorf("the bulletin does not count the items:\n%s", text)
	}
	if !strings.Contains(text, "2023年度尚无复核通过的部门年度，未形成结果应用建议") {
		t.Errorf("no year accepted, yet the bulletin does not say so:\n%s", text)
	}
	// Tianhe accepted: its department (优: the total kept) and its nine
	// projects get suggestions, none decided yet.
	acceptYear(t, st, "106001", 2023)
	text = bulletinText(t, st)
	for _, want := range []string{"对复核通过的1个部门年度提出下年度预算安排建议：部门整体保障预算总额1个；项目", "财政部门已对其中0项作出决定，其余10项待定"} {
		if !strings.Contains(text, want) {
			t.Errorf("the bulletin lacks %q:\n%s", want, text)
		}
	}
}

// bulletinText is the paragraphs of the 2023 bulletin, a line each.
func bulletinText(t *testing.T, st *store.Store) string {
	t.Helper()
	doc, _, err := bulk.Bulletin(context.Background(), st, bulk.Options{Year: 2023})
	if err != nil {
		t.Fatal(err)
	}
	var paras []string
	for _, b := range doc.Blocks {
		if p, ok := b.(*report.Paragraph); ok {
			paras = append(paras, p.Text())
		}
	}
	return strings.Join(paras, "\n")
}

// acceptYear walks a department-year to accepted as its people would.
func acceptYear(t *testing.T, st *store.Store, code string, year int) {
	t.Helper()
	ctx := context.Background()
	users := map[string]store.User{}
	for _, role := range []string{workflow.Editor, workflow.Approver, workflow.Reviewer} {
		dept := code
		if role == workflow.Reviewer {
			dept = ""
		}
		u, err := st.CreateUser(ctx, store.User{Username: role + code, DisplayName: role, Role: role, DepartmentCode: dept}, "a-long-password-1")
		if err != nil {
			t.Fatal(err)
		}
		users[role] = u
	}
	rec, err := st.Get(ctx, code, year)
	if err != nil {
		t.Fatal(err)
	}
	v := rec.Version
	for _, m := range []struct{ to, role string }{{workflow.Submitted, workflow.Editor}, {workflow.Approved, workflow.Approver},
		{workflow.UnderReview, workflow.Reviewer}, {workflow.Accepted, workflow.Reviewer}} {
		if v, err = st.Transition(ctx, code, year, m.to, users[m.role], "", v); err != nil {
			t.Fatal(m.to, err)
		}
	}
}

// Only the years in the statuses asked for are bundled; none is an error
// that says so, and nothing is written.
func TestBundleStatus(t *testing.T) {
	st := newStore(t, 0)
	md, _ := render.Lookup("md")
	var buf bytes.Buffer
	_, err := bulk.Write(context.Background(), st, bulk.Options{Year: 2023, Format: md, Status: []string{workflow.Published}}, &buf)
	if err != bulk.ErrNone || buf.Len() != 0 {
		t.Fatalf("error %v, %d bytes written; want ErrNone and nothing", err, buf.Len())
	}
	sum, err := bulk.Write(context.Background(), st, bulk.Options{Year: 2023, Format: md, Status: []string{workflow.Draft}}, &buf)
	if err != nil || sum.Written != 1 {
		t.Fatalf("drafts: %v, %+v", err, sum)
	}
}

// partOf is one part of a Word document held in the bundle.
func partOf(t *testing.T, f *zip.File, name string) string {
	t.Helper()
	data := []byte(readZipFile(t, f))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range zr.File {
		if p.Name == name {
			return readZipFile(t, p)
		}
	}
	t.Fatalf("%s has no %s", f.Name, name)
	return ""
}

func readZipFile(t *testing.T, f *zip.File) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func documentXML(t *testing.T, f *zip.File) string {
	t.Helper()
	data := []byte(readZipFile(t, f))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s is not a Word document: %v", f.Name, err)
	}
	d, err := zr.Open("word/document.xml")
	if err != nil {
		t.Fatalf("%s has no word/document.xml: %v", f.Name, err)
	}
	defer d.Close()
	body, _ := io.ReadAll(d)
	return string(body)
}

// BenchmarkBundle makes the Word bundle of N generated department-years
// (JIXIAO_BENCH_N, default 300) of 20 projects each, into io.Discard.
// Issue 13's goal: at least 500 department-years a second on two cores.
func BenchmarkBundle(b *testing.B) {
	n := 300
	if v := os.Getenv("JIXIAO_BENCH_N"); v != "" {
		fmt.Sscan(v, &n)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	lib, _ := datafile.LoadLibrary()
	var entries []store.Entry
	for _, ev := range gen.Province(gen.Options{Departments: n, Years: 1, Projects: 20, Seed: 5, FirstYear: 2024}) {
		entries = append(entries, entry(b, lib, ev.Department.Code, ev))
	}
	if _, err := st.Import(ctx, entries, "bench", ""); err != nil {
		b.Fatal(err)
	}
	docx, _ := render.Lookup("docx")
	b.ResetTimer()
	startCPU := cputime.Used()
	for b.Loop() {
		sum, err := bulk.Write(ctx, st, bulk.Options{Year: 2024, Format: docx}, io.Discard)
		if err != nil || sum.Written != n {
			b.Fatalf("%v, %d written", err, sum.Written)
		}
	}
	// On a machine shared with other work the wall rate understates what
	// two free cores do; the CPU time per department-year does not.
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "dy/s")
	b.ReportMetric((cputime.Used()-startCPU).Seconds()*1000/float64(n*b.N), "cpu_ms/dy")
}
