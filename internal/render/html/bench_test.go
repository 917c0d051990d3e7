package html_test

import (
	"io"
	"testing"

	render "github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

func BenchmarkRender(b *testing.B) {
	d := reporttest.Large()
	if err := render.Render(io.Discard, d); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := render.Render(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
