package web

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"testing"

	nethtml "golang.org/x/net/html"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// publishReviewed moves department A to review, records a department
// review score 2 points below B4's self-score, and publishes it. It
// returns the total after review computed here, independently of the
// store: the stored evaluation scored again, B4's score replaced.
func publishReviewed(t *testing.T, e *env) num.Points {
	t.Helper()
	ctx := context.Background()
	e.advance(workflow.UnderReview)
	res := scoreStored(t, e, codeA, yearA)
	b4 := scoring.Find(res.Indicators, "B4")
	if b4 == nil || b4.Score < 200 {
		t.Fatalf("B4 of A: %+v", b4)
	}
	if err := e.st.SetReviewScore(ctx, codeA, yearA, "department", "B4", b4.Score-200, "未制定实施细则", e.users[reviewer]); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{workflow.Accepted, workflow.Published} {
		if _, err := e.st.Transition(ctx, codeA, yearA, to, e.users[reviewer], "", e.version(codeA, yearA)); err != nil {
			t.Fatal(err)
		}
	}
	return res.Total - 200
}

// publicRow returns the cells and links of the public list's row of a
// department.
func publicRow(t *testing.T, body, department string) (cells []string, links []string) {
	t.Helper()
	doc, err := nethtml.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range elements(doc, "tr") {
		var row []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == nethtml.ElementNode && (c.Data == "td" || c.Data == "th") {
				row = append(row, text(c))
			}
		}
		if len(row) > 0 && row[0] == department {
			for _, a := range elements(tr, "a") {
				links = append(links, attr(a, "href"))
			}
			return row, links
		}
	}
	t.Fatalf("the public list has no row for %s:\n%s", department, body)
	return nil, nil
}

// The public list shows, for each published year, the self-score, the
// total after review and the grade after review, and links to the
// year's page and its Word, spreadsheet and PDF files; the page shows
// both scores too.
func TestPublicListShowsReview(t *testing.T) {
	e := newEnv(t)
	want := publishReviewed(t, e)
	rec := e.record(codeA, yearA)
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	fw, _ := lib.Framework(rec.Evaluation.Framework)
	grade := fw.Grade(want)

	w := e.get(anon, "/public")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /public: %d", w.Code)
	}
	cells, links := publicRow(t, w.Body.String(), rec.Department)
	if len(cells) != 5 || cells[1] != rec.Total.String() || cells[2] != want.String() || cells[3] != grade {
		t.Errorf("public row %q; want self %s, after review %s, grade %s", cells, rec.Total, want, grade)
	}
	if want == rec.Total {
		t.Fatal("the review changes nothing: the test checks little")
	}
	for _, h := range []string{"复核后得分（分）", "复核后等级"} {
		if !strings.Contains(w.Body.String(), h) {
			t.Errorf("public list lacks the column %s", h)
		}
	}
	base := "/public/" + codeA + "/2023"
	wantLinks := []string{base, base + "/report.docx", base + "/report.xlsx", base + "/report.pdf"}
	if strings.Join(links, " ") != strings.Join(wantLinks, " ") {
		t.Errorf("row links %q, want %q", links, wantLinks)
	}
	// The files behind the links (PDF needs Chromium: its route is
	// tested in download_pdf_test.go).
	for _, l := range wantLinks[:3] {
		if r := e.get(anon, l); r.Code != http.StatusOK {
			t.Errorf("GET %s: %d", l, r.Code)
		}
	}

	// The page: both scores and the grade after review.
	page := e.get(anon, base).Body.String()
	for _, s := range []string{
		"<dt>自评得分</dt><dd><strong>" + rec.Total.String() + "</strong> 分",
		"<dt>复核后得分</dt><dd><strong>" + want.String() + "</strong> 分，等级 <strong>" + grade + "</strong>",
		"复核调整了 1 项指标",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("public page lacks %q", s)
		}
	}
}

// The public list reads the stored result after review and scores
// nothing: a value written into the columns behind the web's back is what
// it shows, and the list leaves the scoring cache empty.
func TestPublicListReadsStoredReview(t *testing.T) {
	e, _, dsn := newPDFEnv(t, pdf.Options{})
	publishReviewed(t, e)
	driver, q := "sqlite", `UPDATE department_years SET review_total = 4321, review_grade = '差', review_count = 7 WHERE year = ?`
	if strings.HasPrefix(dsn, "postgres") {
		driver, q = "pgx", `UPDATE department_years SET review_total = 4321, review_grade = '差', review_count = 7 WHERE year = $1`
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, yearA); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w := e.get(anon, "/public")
		cells, _ := publicRow(t, w.Body.String(), e.record(codeA, yearA).Department)
		if cells[2] != "43.21" || cells[3] != "差" {
			t.Fatalf("public row %q, want the stored 43.21 and 差", cells)
		}
	}
	e.srv.scores.mu.Lock()
	n := len(e.srv.scores.m)
	e.srv.scores.mu.Unlock()
	if n != 0 {
		t.Errorf("the public list scored %d department-years", n)
	}
}
