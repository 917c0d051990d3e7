package pdf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/jixiao/jixiao/internal/render/html"
)

// Why subset fonts. Chromium prints a page by recording it and handing
// the recording, with the fonts it uses, to the part that writes the
// PDF. The CJK fonts a Debian machine has (Noto Serif/Sans CJK) are
// collections of 20–27 MB each, and a report drawn in three of them
// carried some 74 MB of font data per print: that cost far more than
// laying out and drawing the pages.
//
// So the service works out which font file Chromium would use for each
// font stack of the HTML renderer's style sheet (asking fontconfig, as
// Chromium does), cuts from each file a subset of the characters reports
// use (HarfBuzz's hb-subset), and declares the subsets as web fonts under
// the family names the style sheet already asks for. A declared family
// takes precedence over an installed one of the same name, so pages are
// drawn with the same glyphs as before (TestSubsetsLookTheSame compares
// the pixels). The tabs load the subsets from the service's own loopback
// server, once per tab. docs/cycle.md (bulk work, speed) gives the measurements.
//
// Every face has a base subset: printable ASCII and the characters of
// GB 2312, which hold nearly every character a report uses. It is cut
// once and kept in the user's cache directory, keyed by the font file
// (path, face, size, time) and the characters. A document with characters
// outside the base gets a small extra subset of just those, declared with
// their unicode-range so that it serves those characters only.
//
// Without fc-match or hb-subset, or when cutting fails, pages are printed
// with the system fonts: the same PDF, only slower.

// fontStack is one font-family list of the style sheet: its named
// families in order of preference, then a generic family.
type fontStack struct {
	families []string
	generic  string
}

// stylesheetStacks returns the distinct font-family lists of the HTML
// renderer's style sheet.
func stylesheetStacks() []fontStack {
	var stacks []fontStack
	seen := map[string]bool{}
	for _, m := range fontFamilyRe.FindAllStringSubmatch(html.Stylesheet(), -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		var st fontStack
		for _, part := range strings.Split(m[1], ",") {
			part = strings.TrimSpace(part)
			if unq := strings.Trim(part, `"'`); unq != part {
				st.families = append(st.families, unq)
			} else {
				st.generic = part
			}
		}
		stacks = append(stacks, st)
	}
	return stacks
}

var fontFamilyRe = regexp.MustCompile(`font-family:\s*([^;]+);`)

// fontFile is one face of a font file (a collection holds several).
type fontFile struct {
	path  string
	index int
}

// webFont is an @font-face declaration: a family name of the style sheet
// at a weight, drawn from a face of a font file.
type webFont struct {
	family string
	weight int // 400 or 700
	file   fontFile
}

// subsetter resolves the faces, cuts and keeps their subsets, and writes
// the style that declares them. It is safe for concurrent use.
type subsetter struct {
	mu       sync.Mutex
	resolved bool
	fonts    []webFont
	failed   error               // why subsetting is off, once known
	base     map[fontFile]string // face → key of its base subset
	extras   []extraSubsets      // recent extra subsets, newest last
	data     map[string][]byte   // key → subset, for the font server
	made     int                 // subsets cut with hb-subset

	// fc-match, hb-subset and the cache directory; "" looks them up
	// (the cache directory: os.UserCacheDir()/jixiao/fonts).
	matcher, cutter, cacheDir string
}

// extraSubsets are the extra subsets of one set of characters outside
// the base, a key per face.
type extraSubsets struct {
	runes string // the characters, sorted
	keys  map[fontFile]string
}

// keptExtras bounds the extra subsets kept for the renders in progress
// and for documents printed again.
const keptExtras = 8

// font returns a subset by its key, for the font server.
func (s *subsetter) font(key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.data[key]
	return b, ok
}

// cuts is how many subsets hb-subset has cut.
func (s *subsetter) cuts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.made
}

// embed returns page with its fonts declared as subsets served under
// prefix (the font server's path), or page itself and the reason when
// subsets are unavailable (the caller prints page as it is).
func (s *subsetter) embed(ctx context.Context, page []byte, prefix string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.resolved {
		s.resolved = true
		s.fonts, s.failed = s.resolve(ctx)
		if s.failed == nil {
			s.failed = s.cutBase(ctx)
		}
	}
	if s.failed != nil {
		return page, s.failed
	}
	head := bytes.Index(page, []byte("</head>"))
	if len(s.fonts) == 0 || head < 0 {
		return page, nil
	}
	var outside []rune
	for r := range pageRunes(page) {
		if !baseRunes[r] {
			outside = append(outside, r)
		}
	}
	slices.Sort(outside)
	var extra *extraSubsets
	if len(outside) > 0 {
		var err error
		if extra, err = s.cutExtra(ctx, outside); err != nil {
			return page, err
		}
	}
	var css strings.Builder
	css.WriteString("<style>\n")
	for _, f := range s.fonts {
		declare(&css, f, prefix+s.base[f.file], "")
		if extra != nil {
			declare(&css, f, prefix+extra.keys[f.file], unicodeRange(outside))
		}
	}
	css.WriteString("</style>\n")
	out := make([]byte, 0, len(page)+css.Len())
	out = append(out, page[:head]...)
	out = append(out, css.String()...)
	return append(out, page[head:]...), nil
}

// declare writes an @font-face rule. Of two rules of one family and
// weight, the later wins for the characters of its unicode-range, so an
// extra subset is declared after the base one.
func declare(css *strings.Builder, f webFont, url, ranges string) {
	fmt.Fprintf(css, "@font-face { font-family: \"%s\"; font-weight: %d; font-display: block; src: url(%s) format(\"opentype\");%s }\n",
		strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(f.family), f.weight, url, ranges)
}

// unicodeRange is the unicode-range descriptor of the characters.
func unicodeRange(runes []rune) string {
	var b strings.Builder
	b.WriteString(" unicode-range: ")
	for i, r := range runes {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "U+%X", r)
	}
	b.WriteByte(';')
	return b.String()
}

// pageRunes is every character of the page outside ASCII.
func pageRunes(page []byte) map[rune]bool {
	set := make(map[rune]bool, 1024)
	for i := 0; i < len(page); {
		if page[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(page[i:])
		i += n
		if r != utf8.RuneError {
			set[r] = true
		}
	}
	return set
}

// baseRunes are the characters of every base subset: printable ASCII and
// of GB 2312 (GB 2312-1980《信息交换用汉字编码字符集·基本集》) the symbols
// (rows 1–9) and the 3,755 汉字 of level 1 (rows 16–55, the commonly used
// ones), decoded from its code table. Level 2's rarer 3,008 汉字 are left
// to extra subsets: a font's print cost grows with the glyphs it holds.
var baseRunes = func() map[rune]bool {
	set := map[rune]bool{}
	for r := rune(0x20); r < 0x7f; r++ {
		set[r] = true
	}
	dec := simplifiedchinese.GBK.NewDecoder()
	buf := make([]byte, 8)
	for hi := 0xA1; hi <= 0xD7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			dec.Reset()
			n, _, err := dec.Transform(buf, []byte{byte(hi), byte(lo)}, true)
			if err != nil {
				continue
			}
			if r, _ := utf8.DecodeRune(buf[:n]); r != utf8.RuneError && r >= 0x80 {
				set[r] = true
			}
		}
	}
	return set
}()

// resolve finds, for every font stack of the style sheet and each weight,
// the face fontconfig gives for the first family in the stack that is
// installed, or for the generic family when none is; each becomes a web
// font under the stack's family name it stands for.
func (s *subsetter) resolve(ctx context.Context) ([]webFont, error) {
	if s.matcher == "" {
		s.matcher, _ = exec.LookPath("fc-match")
	}
	if s.cutter == "" {
		s.cutter, _ = exec.LookPath("hb-subset")
	}
	if s.matcher == "" || s.cutter == "" {
		return nil, fmt.Errorf("未安装 fc-match（fontconfig）或 hb-subset（HarfBuzz，Debian 软件包 libharfbuzz-bin），PDF 使用完整的系统字体，生成较慢")
	}
	var fonts []webFont
	declared := map[string]bool{}
	for _, st := range stacksFor() {
		if len(st.families) == 0 {
			continue
		}
		for _, weight := range []int{400, 700} {
			family, file, ok, err := s.match(ctx, st, weight)
			if err != nil {
				return nil, err
			}
			key := family + "/" + strconv.Itoa(weight)
			if !ok || declared[key] {
				continue
			}
			if weight == 700 {
				// A family with no bold face: Chromium thickens the
				// regular one, as it does with the installed font.
				if i := slices.IndexFunc(fonts, func(w webFont) bool { return w.family == family && w.weight == 400 }); i >= 0 && fonts[i].file == file {
					continue
				}
			}
			declared[key] = true
			fonts = append(fonts, webFont{family: family, weight: weight, file: file})
		}
	}
	return fonts, nil
}

// stacksFor is the style sheet's font stacks; a variable for tests.
var stacksFor = stylesheetStacks

// match asks fontconfig for the stack's first installed family at the
// weight. It returns the family name to declare (the installed one, or
// when only the generic family is installed, the stack's last named
// family, which then stands for it) and the face.
func (s *subsetter) match(ctx context.Context, st fontStack, weight int) (string, fontFile, bool, error) {
	fcWeight := "regular"
	if weight == 700 {
		fcWeight = "bold"
	}
	for _, fam := range st.families {
		names, file, err := s.fcMatch(ctx, fam+":lang=zh-cn:weight="+fcWeight)
		if err != nil {
			return "", fontFile{}, false, err
		}
		if slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, fam) }) {
			return fam, file, true, nil
		}
	}
	if st.generic == "" {
		return "", fontFile{}, false, nil
	}
	_, file, err := s.fcMatch(ctx, st.generic+":lang=zh-cn:weight="+fcWeight)
	if err != nil {
		return "", fontFile{}, false, err
	}
	return st.families[len(st.families)-1], file, true, nil
}

// fcMatch runs fc-match on a fontconfig pattern and returns the family
// names and the face of the font it chose.
func (s *subsetter) fcMatch(ctx context.Context, pattern string) ([]string, fontFile, error) {
	out, err := exec.CommandContext(ctx, s.matcher, "-f", "%{family}\n%{file}\n%{index}\n", pattern).Output()
	if err != nil {
		return nil, fontFile{}, fmt.Errorf("fc-match %q 失败：%w", pattern, err)
	}
	lines := strings.Split(string(out), "\n")
	if len(lines) < 3 || lines[1] == "" {
		return nil, fontFile{}, fmt.Errorf("fc-match %q 的输出无法识别：%q", pattern, out)
	}
	index, err := strconv.Atoi(strings.TrimSpace(lines[2]))
	if err != nil {
		return nil, fontFile{}, fmt.Errorf("fc-match %q 的输出无法识别：%q", pattern, out)
	}
	var names []string
	for _, n := range strings.Split(strings.ReplaceAll(lines[0], `\,`, "\x00"), ",") {
		names = append(names, strings.TrimSpace(strings.ReplaceAll(n, "\x00", ",")))
	}
	return names, fontFile{path: lines[1], index: index}, nil
}

// cutBase makes (or finds in the cache) the base subset of every face,
// two faces at a time.
func (s *subsetter) cutBase(ctx context.Context) error {
	runes := make([]rune, 0, len(baseRunes))
	for r := range baseRunes {
		runes = append(runes, r)
	}
	slices.Sort(runes)
	var faces []fontFile
	for _, f := range s.fonts {
		if !slices.Contains(faces, f.file) {
			faces = append(faces, f.file)
		}
	}
	type result struct {
		key  string
		data []byte
		cut  bool
		err  error
	}
	results := make([]result, len(faces))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for i, face := range faces {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var r result
			r.key, r.data, r.cut, r.err = s.subset(ctx, face, runes, true)
			results[i] = r
		})
	}
	wg.Wait()
	s.base = map[fontFile]string{}
	s.data = map[string][]byte{}
	for i, face := range faces {
		r := results[i]
		if r.err != nil {
			return r.err
		}
		if r.cut {
			s.made++
		}
		s.base[face] = r.key
		s.data[r.key] = r.data
	}
	return nil
}

// cutExtra returns the extra subsets of the characters, cutting them
// unless a recent document had the same ones.
func (s *subsetter) cutExtra(ctx context.Context, runes []rune) (*extraSubsets, error) {
	id := string(runes)
	for i := range s.extras {
		if s.extras[i].runes == id {
			return &s.extras[i], nil
		}
	}
	ex := extraSubsets{runes: id, keys: map[fontFile]string{}}
	for face := range s.base {
		key, data, _, err := s.subset(ctx, face, runes, false)
		if err != nil {
			return nil, err
		}
		s.made++
		ex.keys[face] = key
		s.data[key] = data
	}
	if len(s.extras) == keptExtras {
		for _, key := range s.extras[0].keys {
			delete(s.data, key)
		}
		s.extras = slices.Delete(s.extras, 0, 1)
	}
	s.extras = append(s.extras, ex)
	return &s.extras[len(s.extras)-1], nil
}

// subset returns the subset of the face holding the characters, and its
// key: a hash of the font file's identity and the characters. With cache
// the subset is looked for in, and written to, the cache directory; cut
// says whether hb-subset ran.
func (s *subsetter) subset(ctx context.Context, face fontFile, runes []rune, cache bool) (key string, data []byte, cut bool, err error) {
	st, err := os.Stat(face.path)
	if err != nil {
		return "", nil, false, fmt.Errorf("无法读取字体文件：%w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00%s", face.path, face.index, st.Size(), st.ModTime().UnixNano(), string(runes))
	key = hex.EncodeToString(h.Sum(nil)[:16]) + ".otf"
	dir := s.cacheDir
	if dir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(d, "jixiao", "fonts")
		}
	}
	if cache && dir != "" {
		if data, err := os.ReadFile(filepath.Join(dir, key)); err == nil && len(data) > 0 {
			return key, data, false, nil
		}
	}
	tmp, err := os.MkdirTemp("", "jixiao-font-")
	if err != nil {
		return "", nil, false, err
	}
	defer os.RemoveAll(tmp)
	var list strings.Builder
	for i, r := range runes {
		if i > 0 {
			list.WriteByte(',')
		}
		fmt.Fprintf(&list, "%X", r)
	}
	unicodes := filepath.Join(tmp, "unicodes.txt")
	out := filepath.Join(tmp, key)
	if err := os.WriteFile(unicodes, []byte(list.String()), 0o600); err != nil {
		return "", nil, false, err
	}
	// Every layout feature is kept: Chromium spaces CJK punctuation with
	// them, and without them lines break at other places.
	cmd := exec.CommandContext(ctx, s.cutter, "--font-file="+face.path, "--face-index="+strconv.Itoa(face.index),
		"--layout-features=*", "--unicodes-file="+unicodes, "--output-file="+out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", nil, false, fmt.Errorf("hb-subset 截取字体 %s 失败：%v %s", face.path, err, bytes.TrimSpace(msg))
	}
	if data, err = os.ReadFile(out); err != nil {
		return "", nil, false, err
	}
	if cache && dir != "" && os.MkdirAll(dir, 0o755) == nil {
		// Written aside and renamed, so that a reader never sees half.
		if f, err := os.CreateTemp(dir, ".font-"); err == nil {
			_, werr := f.Write(data)
			if cerr := f.Close(); werr == nil && cerr == nil {
				os.Rename(f.Name(), filepath.Join(dir, key))
			}
			os.Remove(f.Name())
		}
	}
	return key, data, true, nil
}
