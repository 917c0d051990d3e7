package cli

import (
	"context"
	"io"
	"testing"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// BenchmarkScore measures loading-free scoring of one department-year with
// its projects.
func BenchmarkScore(b *testing.B) {
	s, err := load(tianhe, "", workflow.Evaluation)
	if err != nil || s.findings.Err() != nil {
		b.Fatal(err, s.findings)
	}
	lib := libraryFor(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := scoring.ScoreWith(s.ev, lib, calendar.ScoringOptions()); ds.Err() != nil {
			b.Fatal(ds)
		}
	}
}

// BenchmarkReport measures scoring plus building and rendering the whole
// report in each format: one op is one department-year.
func BenchmarkReport(b *testing.B) {
	s, err := load(tianhe, "", workflow.Evaluation)
	if err != nil || s.findings.Err() != nil {
		b.Fatal(err, s.findings)
	}
	lib := libraryFor(b)
	for _, f := range []string{"md", "html", "docx", "xlsx"} {
		rf, _ := render.Lookup(f)
		b.Run(f, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res := assess.Assess(s.ev, lib, assessOptions()).Result
				doc := report.Build(report.Input{Evaluation: s.ev, Result: res, Framework: s.fw})
				if err := rf.Render(context.Background(), io.Discard, doc, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkProvinceDocx scores and writes the Word report of department-
// years on every available core at once, as a bureau's batch run does;
// ns/op is the wall time per department-year across all cores.
func BenchmarkProvinceDocx(b *testing.B) {
	s, err := load(tianhe, "", workflow.Evaluation)
	if err != nil || s.findings.Err() != nil {
		b.Fatal(err, s.findings)
	}
	lib := libraryFor(b)
	docxFormat, _ := render.Lookup("docx")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			res := assess.Assess(s.ev, lib, assessOptions()).Result
			doc := report.Build(report.Input{Evaluation: s.ev, Result: res, Framework: s.fw})
			if err := docxFormat.Render(context.Background(), io.Discard, doc, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
