package pdf

import (
	"context"
	"io"
	"testing"

	"github.com/jixiao/jixiao/internal/report/reporttest"
)

// BenchmarkServiceRender prints the sample report with a running browser
// (started before the timer): the cost of one PDF in the web server.
func BenchmarkServiceRender(b *testing.B) {
	if Browser() == "" {
		b.Skip("Chromium not installed; CI installs it")
	}
	s := New(Options{})
	defer s.Close()
	d := reporttest.Sample()
	if err := s.Render(context.Background(), io.Discard, d); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := s.Render(context.Background(), io.Discard, d); err != nil {
			b.Fatal(err)
		}
	}
}
