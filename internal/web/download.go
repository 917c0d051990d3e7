package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/render/pdf"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

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

// allFormats are the downloads offered to those who may see a year: every
// format of the registry.
var allFormats = render.Exts()

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

// serveReport renders a report for this request and serves it (the
// authenticated download: a year that is not published may change at any
// time, so nothing is kept).
func (s *server) serveReport(w http.ResponseWriter, r *http.Request, sc *scored, ext string) {
	if sc.result() == nil {
		// Before the evaluation stage, or before its year-end values are
		// complete, there is no self-evaluation report.
		msg := fmt.Sprintf("部门 %s %d 年度处于“%s”阶段，尚未开始年终自评，没有自评报告", sc.rec.DepartmentCode, sc.rec.Year, sc.rec.StageName())
		if sc.unscored {
			msg = fmt.Sprintf("部门 %s %d 年度的年终自评数据尚未填写完整，暂不能生成自评报告", sc.rec.DepartmentCode, sc.rec.Year)
		}
		s.fail(w, r, &apperr.Error{Code: apperr.ECONFLICT, Message: msg})
		return
	}
	data, err := s.renderFormat(r.Context(), sc, ext)
	if err != nil {
		s.renderFailed(w, r, err)
		return
	}
	l := sc.rec.Listing
	s.setReportHeaders(w, l.Department, l.DepartmentCode, l.Year, ext)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(data)
}

// renderFormat builds the report of a scored department-year and renders
// it as ext, a format of the registry (internal/render) or viewFormat;
// PDF is printed by the server's bounded PDF service, tied to ctx.
func (s *server) renderFormat(ctx context.Context, sc *scored, ext string) ([]byte, error) {
	in := report.Input{Evaluation: sc.rec.Evaluation, Result: sc.res, Framework: sc.fw, Cycle: sc.rec.Cycle}
	if len(sc.rec.Reviews) > 0 {
		// The review beside the self-scores (复核得分), never in their place.
		in.Review = assess.AfterReview(sc.res, sc.fw, sc.pfw, sc.rec.Reviews)
	}
	doc := report.Build(in)
	var buf bytes.Buffer
	var err error
	if ext == viewFormat {
		err = html.RenderFragment(&buf, doc)
	} else {
		f, _ := render.Lookup(ext)
		err = f.Render(ctx, &buf, doc, s.pdf)
	}
	return buf.Bytes(), err
}

// viewFormat is the stored form of the public report page's body: the
// report as an HTML fragment, kept like the downloads so that an
// anonymous visit never renders the report.
const viewFormat = "view"

// contentTypeOf is the content type a stored format is kept with.
func contentTypeOf(ext string) string {
	if ext == viewFormat {
		return "text/html; charset=utf-8"
	}
	f, _ := render.Lookup(ext)
	return f.ContentType
}

// renderFailed answers a failed render: no browser and a full PDF queue
// are 503 (the latter with Retry-After); a client that went away gets
// nothing.
func (s *server) renderFailed(w http.ResponseWriter, r *http.Request, err error) {
	var busy *pdf.BusyError
	switch {
	case errors.Is(err, pdf.ErrNoBrowser):
		s.renderError(w, r, http.StatusServiceUnavailable, pdf.ErrNoBrowser.Error())
	case errors.As(err, &busy):
		w.Header().Set("Retry-After", strconv.Itoa(busy.RetryAfterSeconds()))
		s.renderError(w, r, http.StatusServiceUnavailable, busy.Error())
	case r.Context().Err() != nil:
		s.log.Info("download abandoned by the client", "path", r.URL.Path, "err", err)
	default:
		s.internalError(w, r, err)
	}
}

// setReportHeaders sets the content type and the file name of a report.
func (s *server) setReportHeaders(w http.ResponseWriter, department, code string, year int, ext string) {
	name := fmt.Sprintf("%s%d年度部门整体支出绩效自评报告.%s", department, year, ext)
	attachment(w, contentTypeOf(ext), fmt.Sprintf("report-%s-%d.%s", asciiOnly(code), year, ext), name)
}

// attachment sets the content type and the file name of a download: a
// plain ASCII name and the Chinese one (RFC 5987).
func attachment(w http.ResponseWriter, contentType, ascii, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", ascii, encodeRFC5987(name)))
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
	// Rows carry the self-score and the result after review as the
	// store keeps them with the year (store.Listing.Review): the list
	// scores nothing.
	Rows []store.Listing
}

// publicPath is the public page of a published department-year; its
// files are publicPath/report.EXT.
func publicPath(l store.Listing) string {
	return "/public/" + url.PathEscape(l.DepartmentCode) + "/" + strconv.Itoa(l.Year)
}

// formatNames name the public downloads for their links.
var formatNames = map[string]string{"docx": "Word 文档", "xlsx": "电子表格", "html": "网页（HTML）", "pdf": "PDF 文件", "md": "Markdown 文本"}

func init() {
	funcs["publicPath"] = publicPath
	funcs["formatName"] = func(ext string) string {
		if n, ok := formatNames[ext]; ok {
			return n
		}
		return ext
	}
}

type publicListData struct {
	Years []publicYear
}

// publicList lists published department-years by year, newest first,
// with their self-score, their total and grade after review and links to
// their files. It reads the listing columns only: no year is scored or
// rendered for the list.
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
	doc, err := s.publishedOnce(r, sc, viewFormat)
	if err != nil {
		s.renderFailed(w, r, err)
		return
	}
	d := publicViewData{
		Listing: l, Base: publicPath(l),
		// The fragment is produced by html/template in render/html, which
		// escapes every text it writes.
		Report:  template.HTML(doc.Data),
		Formats: publicFormats,
	}
	s.render(w, r, http.StatusOK, "public_view", fmt.Sprintf("%s %d 年度绩效自评报告", l.Department, l.Year), "", d)
}

// publicDownload serves a published report's files. A published report
// does not change: each format is rendered once per published version,
// kept in the store (store.PublishedDocument) and served from there with
// its SHA-256 as ETag. A burst of requests for a file not stored yet
// waits for one render (flights).
func (s *server) publicDownload(w http.ResponseWriter, r *http.Request) {
	ext, ok := reportFormat(r.PathValue("file"), publicFormats)
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "页面不存在。")
		return
	}
	code := r.PathValue("code")
	if year, ok := parseYear(r.PathValue("year")); ok {
		d, err := s.st.PublishedDocument(r.Context(), code, year, ext)
		if err != nil {
			s.renderFailed(w, r, err)
			return
		}
		if d != nil {
			s.servePublished(w, r, d.Department, code, year, d)
			return
		}
	}
	sc, ok := s.loadPublic(w, r)
	if !ok {
		return
	}
	d, err := s.publishedOnce(r, sc, ext)
	if err != nil {
		s.renderFailed(w, r, err)
		return
	}
	l := sc.rec.Listing
	s.servePublished(w, r, l.Department, l.DepartmentCode, l.Year, d)
}

// publishedOnce returns a published report's file in format ext, from the
// store, or renders it once for every request waiting for it and keeps it
// with the published version.
func (s *server) publishedOnce(r *http.Request, sc *scored, ext string) (*store.PublishedDocument, error) {
	l := sc.rec.Listing
	key := fmt.Sprintf("%s/%d/%d/%s", l.DepartmentCode, l.Year, l.Version, ext)
	return s.public.do(r.Context(), key, func() (*store.PublishedDocument, error) {
		// The render serves every request waiting for it, so no one
		// request's cancellation stops it; the PDF service's timeout
		// still bounds it.
		ctx := context.WithoutCancel(r.Context())
		// Another request may have stored it since this one looked.
		if d, err := s.st.PublishedDocument(ctx, l.DepartmentCode, l.Year, ext); err != nil || d != nil {
			return d, err
		}
		data, err := s.renderFormat(ctx, sc, ext)
		if err != nil {
			return nil, err
		}
		d, err := s.st.SavePublishedDocument(ctx, l.DepartmentCode, l.Year, l.Version, ext, contentTypeOf(ext), data)
		if err != nil {
			// Serve what was rendered; the next request renders again.
			s.log.Error("storing a published document failed", "code", l.DepartmentCode, "year", l.Year, "format", ext, "err", err)
		}
		if d == nil {
			// Not stored (the year moved meanwhile, or the write failed):
			// serve this request's render only.
			sum := sha256.Sum256(data)
			d = &store.PublishedDocument{Version: l.Version, Format: ext, ContentType: contentTypeOf(ext),
				Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data}
		}
		return d, nil
	})
}

// servePublished serves a stored file of a published report, answering
// conditional requests (If-None-Match) from its SHA-256.
func (s *server) servePublished(w http.ResponseWriter, r *http.Request, department, code string, year int, d *store.PublishedDocument) {
	s.setReportHeaders(w, department, code, year, d.Format)
	w.Header().Set("ETag", `"`+d.SHA256+`"`)
	// A report may be withdrawn from publication: caches ask again.
	w.Header().Set("Cache-Control", "public, no-cache")
	http.ServeContent(w, r, "", d.CreatedAt, bytes.NewReader(d.Data))
}
