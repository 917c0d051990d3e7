package markdown_test

import (
	"io"
	"testing"

	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

func BenchmarkRender(b *testing.B) {
	d := reporttest.Large()
	if err := markdown.Render(io.Discard, d); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := markdown.Render(io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
