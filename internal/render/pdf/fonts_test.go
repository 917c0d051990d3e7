package pdf

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/report/reporttest"
)

func needSubsets(t *testing.T) {
	t.Helper()
	needBrowser(t)
	for _, tool := range []string{"fc-match", "hb-subset", "pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed; CI installs it", tool)
		}
	}
}

// The style sheet's font stacks are read from the style sheet itself.
func TestStylesheetStacks(t *testing.T) {
	stacks := stylesheetStacks()
	if len(stacks) < 3 {
		t.Fatalf("%d font stacks, want the body, heading and title ones at least: %+v", len(stacks), stacks)
	}
	for _, st := range stacks {
		if len(st.families) == 0 || st.generic == "" {
			t.Errorf("stack %+v: want named families then a generic one", st)
		}
		if !strings.Contains(html.Stylesheet(), `"`+st.families[0]+`"`) {
			t.Errorf("family %q is not in the style sheet", st.families[0])
		}
	}
}

// GB 2312's level-1 汉字 and symbols are in the base; level 2 and GBK's
// additions are not.
func TestBaseRunes(t *testing.T) {
	for _, r := range "的一是绩效评价预算（），。、；：“”—…１Ａ" {
		if !baseRunes[r] {
			t.Errorf("%q (U+%04X) is not in the base", r, r)
		}
	}
	for _, r := range "堃珺𠀀" { // 堃 and 珺 are GBK only; U+20000 is beyond the BMP
		if baseRunes[r] {
			t.Errorf("%q (U+%04X) is in the base", r, r)
		}
	}
	if n := len(baseRunes); n < 95+3755+682 || n > 95+3755+750 {
		t.Errorf("%d characters in the base, want ASCII, 3,755 汉字 and the symbols", n)
	}
}

// printWith prints d with a service whose font subsets are on (a fresh
// cache directory) or off (no hb-subset), and returns the PDF and stats.
func printWith(t *testing.T, d *report.Document, subsets bool) ([]byte, Stats) {
	t.Helper()
	s := New(Options{QueueWait: time.Hour})
	defer s.Close()
	s.fonts.cacheDir = t.TempDir()
	if !subsets {
		s.fonts.cutter = filepath.Join(t.TempDir(), "no-hb-subset")
	}
	var buf bytes.Buffer
	if err := s.Render(context.Background(), &buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), s.Stats()
}

// pagesPNG rasterizes every page of the PDF.
func pagesPNG(t *testing.T, pdf []byte) []image.Image {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "d.pdf")
	os.WriteFile(f, pdf, 0o644)
	if out, err := exec.Command("pdftoppm", "-r", "60", "-png", f, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	slices.Sort(names)
	var pages []image.Image
	for _, n := range names {
		r, err := os.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, img)
	}
	return pages
}

// differentPixels counts the pixels that differ between two pages.
func differentPixels(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return a.Bounds().Dx() * a.Bounds().Dy()
	}
	n := 0
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

// withRareCharacters is the sample report with a paragraph of characters
// outside the base subsets (GBK's 堃 and 珺, GB 2312 level 2's 芈 and 邛),
// and paragraphs dense with full-width punctuation, whose spacing comes
// from the fonts' layout features (a subset without them breaks these
// lines at other places).
func withRareCharacters() *report.Document {
	d := reporttest.Sample()
	for range 3 {
		d.Blocks = append(d.Blocks, &report.Paragraph{Runs: []report.Run{{Text: "本单位2024年决算支出1234.56万元，较上年增加210.35万元，增幅17.0%，主要原因是：一是会议（培训）任务增加，相关支出（含差旅）增长；二是“数字政务”平台（二期）上线，运维经费相应增加；三是（境）外交流恢复，《工作方案》要求的调研增多。"}}})
	}
	d.Blocks = append(d.Blocks, &report.Paragraph{Runs: []report.Run{{Text: "联系人：王堃、李珺，芈邛项目负责人。"}, {Text: "复核人：张堃", Bold: true}}})
	return d
}

// Printed with font subsets the report looks exactly as it does with the
// system fonts, page by page and pixel by pixel, characters outside the
// base included, and its text is the same.
func TestSubsetsLookTheSame(t *testing.T) {
	needSubsets(t)
	d := withRareCharacters()
	with, st := printWith(t, d, true)
	if st.FontError != "" {
		t.Fatalf("subsets were not used: %s", st.FontError)
	}
	// One base subset per face and an extra one per face for 堃珺芈邛.
	if st.FontSubsets < 4 {
		t.Errorf("%d subsets cut, want the base and the extra ones of each face", st.FontSubsets)
	}
	without, st0 := printWith(t, d, false)
	if st0.FontError == "" || st0.FontSubsets != 0 {
		t.Fatalf("the service without hb-subset cut subsets: %+v", st0)
	}
	a, b := pagesPNG(t, with), pagesPNG(t, without)
	if len(a) != len(b) {
		t.Fatalf("%d pages with subsets, %d without", len(a), len(b))
	}
	for i := range a {
		if n := differentPixels(a[i], b[i]); n != 0 {
			t.Errorf("page %d: %d pixels differ", i+1, n)
		}
	}
	if ta, tb := pdfText(t, with), pdfText(t, without); ta != tb {
		t.Errorf("the text differs:\nwith subsets: %s\nwithout: %s", ta, tb)
	} else if !strings.Contains(ta, "王堃、李珺，芈邛") {
		t.Errorf("the rare characters are not in the text: %s", ta)
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "t.pdf")
	os.WriteFile(f, pdf, 0o644)
	out, err := exec.Command("pdftotext", f, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

// The base subsets are cut once: a second service finds them in the
// cache directory, and the extra ones of a document printed again are
// kept.
func TestSubsetsAreKept(t *testing.T) {
	needSubsets(t)
	cache := t.TempDir()
	run := func() Stats {
		s := New(Options{QueueWait: time.Hour})
		defer s.Close()
		s.fonts.cacheDir = cache
		for range 3 {
			if err := s.Render(context.Background(), io.Discard, withRareCharacters()); err != nil {
				t.Fatal(err)
			}
		}
		return s.Stats()
	}
	first, second := run(), run()
	if first.FontSubsets == 0 || first.FontError != "" {
		t.Fatalf("first service: %+v, want subsets cut", first)
	}
	// The second cuts only the extra subsets, once for its three renders.
	if second.FontSubsets >= first.FontSubsets {
		t.Errorf("second service cut %d subsets, the first %d: the base ones were not kept", second.FontSubsets, first.FontSubsets)
	}
	files, _ := os.ReadDir(cache)
	if len(files) == 0 {
		t.Error("nothing in the cache directory")
	}
}

// When hb-subset cannot cut, the PDF is still made, with the system
// fonts, and the stats say why.
func TestNoSubsetterPrintsWithSystemFonts(t *testing.T) {
	needBrowser(t)
	s := New(Options{QueueWait: time.Hour})
	defer s.Close()
	s.fonts.cacheDir = t.TempDir()
	s.fonts.cutter = filepath.Join(t.TempDir(), "hb-subset")
	var buf bytes.Buffer
	if err := s.Render(context.Background(), &buf, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if st := s.Stats(); !strings.Contains(st.FontError, "hb-subset") || st.FontSubsets != 0 {
		t.Errorf("stats = %+v, want the failing hb-subset named", st)
	}
}

// A machine without fontconfig's fc-match or HarfBuzz's hb-subset is told
// which package to install.
func TestMissingToolsAreNamed(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var s subsetter
	_, err := s.resolve(context.Background())
	if err == nil || !strings.Contains(err.Error(), "hb-subset") || !strings.Contains(err.Error(), "libharfbuzz-bin") {
		t.Errorf("err = %v, want hb-subset and its package named", err)
	}
}

// The font server answers only its blank page and the subsets it holds,
// and only on the loopback interface.
func TestFontServer(t *testing.T) {
	var fonts subsetter
	fonts.data = map[string][]byte{"k.otf": []byte("OTTO")}
	srv, err := startFontServer(&fonts)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	if !strings.HasPrefix(srv.origin, "http://127.0.0.1:") {
		t.Errorf("origin %s is not on the loopback interface", srv.origin)
	}
	for path, want := range map[string]int{
		blankPath:                 200,
		fontsPath + "k.otf":       200,
		fontsPath + "other.otf":   404,
		fontsPath + "..%2Fk.otf":  404,
		"/":                       404,
		"/etc/passwd":             404,
		fontsPath + "k.otf/extra": 404,
	} {
		resp, err := http.Get(srv.origin + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if path == fontsPath+"k.otf" && string(body) != "OTTO" {
			t.Errorf("GET %s: %q", path, body)
		}
	}
}

// Documents printed one after another reuse the service's tabs.
func TestTabsAreReused(t *testing.T) {
	needBrowser(t)
	s := New(Options{Pages: 2, QueueWait: time.Hour})
	defer s.Close()
	for range 5 {
		if err := s.Render(context.Background(), io.Discard, reporttest.Sample()); err != nil {
			t.Fatal(err)
		}
	}
	if st := s.Stats(); st.Tabs != 1 || st.Renders != 5 {
		t.Errorf("stats = %+v, want 5 renders in 1 tab", st)
	}
}
