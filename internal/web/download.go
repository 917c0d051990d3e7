package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/render/docx"
	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/render/markdown"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/render/xlsx"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// format is a report download.
type format struct {
	render      func(io.Writer, *report.Document) error
	contentType string
}

var formats = map[string]format{
	"html": {html.Render, "text/html; charset=utf-8"},
	"docx": {docx.Render, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
	"xlsx": {xlsx.Render, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	"md":   {markdown.Render, "text/markdown; charset=utf-8"},
	"pdf":  {pdf.Render, "application/pdf"},
}

// publicFormats are the downloads offered to the public.
var publicFormats = []string{"docx", "xlsx", "html", "pdf"}

// reportFormat reads "report.EXT" and returns EXT if it is offered.
func reportFormat(file string, allowed []string) (string, bool) {
	ext, ok := strings.CutPrefix(file, "report.")
	if !ok {
		return "", false
	}
	for _, a := range allowed {
		if a == ext {
			return ext, true
		}
	}
	return "", false
}

var allFormats = []string{"docx", "xlsx", "html", "md", "pdf"}

// download serves a report of a department-year the user may see.
func (s *server) download(w http.ResponseWriter, r *http.Request) {
	ext, ok := reportFormat(r.PathValue("file"), allFormats)
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "页面不存在。")
		return
	}
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveReport(w, r, sc, ext)
}

func (s *server) serveReport(w http.ResponseWriter, r *http.Request, sc *scored, ext string) {
	f := formats[ext]
	if ext == "pdf" && pdf.Browser() == "" {
		s.renderError(w, r, http.StatusServiceUnavailable, pdf.ErrNoBrowser.Error())
		return
	}
	doc := report.Build(report.Input{Evaluation: sc.rec.Evaluation, Result: sc.res, Framework: sc.fw})
	var buf bytes.Buffer
	if err := f.render(&buf, doc); err != nil {
		if errors.Is(err, pdf.ErrNoBrowser) {
			s.renderError(w, r, http.StatusServiceUnavailable, pdf.ErrNoBrowser.Error())
			return
		}
		s.internalError(w, r, err)
		return
	}
	l := sc.rec.Listing
	name := fmt.Sprintf("%s%d年度部门整体支出绩效自评报告.%s", l.Department, l.Year, ext)
	ascii := fmt.Sprintf("report-%s-%d.%s", asciiOnly(l.DepartmentCode), l.Year, ext)
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", ascii, encodeRFC5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

// asciiOnly keeps letters, digits, '-' and '_' for the plain filename.
func asciiOnly(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 128 && (c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// encodeRFC5987 percent-encodes a filename for filename* (RFC 8187).
func encodeRFC5987(s string) string {
	const keep = "!#$&+-.^_`|~"
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.IndexByte(keep, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

type publicYear struct {
	Year int
	Rows []store.Listing
}

type publicListData struct {
	Years []publicYear
}

// publicList lists published department-years by year, newest first.
func (s *server) publicList(w http.ResponseWriter, r *http.Request) {
	ls, err := s.st.ListFiltered(r.Context(), store.Visible(nil))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var d publicListData
	byYear := map[int]int{}
	for _, l := range ls {
		i, ok := byYear[l.Year]
		if !ok {
			i = len(d.Years)
			byYear[l.Year] = i
			d.Years = append(d.Years, publicYear{Year: l.Year})
		}
		d.Years[i].Rows = append(d.Years[i].Rows, l)
	}
	// The listing is by department, then year: show the newest year first.
	slices.SortStableFunc(d.Years, func(a, b publicYear) int { return b.Year - a.Year })
	s.render(w, r, http.StatusOK, "public", "绩效自评结果公开", "", d)
}

type publicViewData struct {
	Listing store.Listing
	Base    string
	Report  template.HTML
	Formats []string
}

// loadPublic reads a published department-year; anything else is 404.
func (s *server) loadPublic(w http.ResponseWriter, r *http.Request) (*scored, bool) {
	sc, err := s.load(r.Context(), nil, r.PathValue("code"), r.PathValue("year"))
	if err == nil && !workflow.Public(sc.rec.Status) {
		err = notFound(r.PathValue("code"), r.PathValue("year"))
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return sc, true
}

// publicView shows a published report.
func (s *server) publicView(w http.ResponseWriter, r *http.Request) {
	sc, ok := s.loadPublic(w, r)
	if !ok {
		return
	}
	l := sc.rec.Listing
	doc := report.Build(report.Input{Evaluation: sc.rec.Evaluation, Result: sc.res, Framework: sc.fw})
	var buf bytes.Buffer
	if err := html.RenderFragment(&buf, doc); err != nil {
		s.internalError(w, r, err)
		return
	}
	d := publicViewData{
		Listing: l, Base: "/public/" + url.PathEscape(l.DepartmentCode) + "/" + strconv.Itoa(l.Year),
		// The fragment is produced by html/template in render/html, which
		// escapes every text it writes.
		Report:  template.HTML(buf.String()),
		Formats: publicFormats,
	}
	s.render(w, r, http.StatusOK, "public_view", fmt.Sprintf("%s %d 年度绩效自评报告", l.Department, l.Year), "", d)
}

// publicDownload serves a published report's files.
func (s *server) publicDownload(w http.ResponseWriter, r *http.Request) {
	ext, ok := reportFormat(r.PathValue("file"), publicFormats)
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "页面不存在。")
		return
	}
	sc, ok := s.loadPublic(w, r)
	if !ok {
		return
	}
	s.serveReport(w, r, sc, ext)
}
