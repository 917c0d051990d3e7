package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// pageTemplate is the layout with one page's content.
type pageTemplate = template.Template

// pageData is what every page template receives.
type pageData struct {
	Title  string
	User   *store.User
	Flash  string
	Error  string
	Status int
	Data   any
	// Tasks is the signed-in user's task count for the navigation (nil:
	// none).
	Tasks *taskBadge
}

// displayZone is where times are shown: China Standard Time.
var displayZone = time.FixedZone("CST", 8*3600)

var funcs = template.FuncMap{
	"statusName": func(s string) string {
		if n, ok := workflow.StatusNames[s]; ok {
			return n
		}
		return s
	},
	"roleName": func(s string) string {
		if n, ok := workflow.RoleNames[s]; ok {
			return n
		}
		return s
	},
	"levelName": func(s string) string { return framework.LevelNames[s] },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(displayZone).Format("2006-01-02 15:04")
	},
	"datetime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"join":     strings.Join,
	"depth": func(d int) string {
		if d > 4 {
			d = 4
		}
		return "depth-" + string(rune('0'+d))
	},
	"statuses": func() []string { return workflow.Statuses },
	"levels":   func() []string { return []string{framework.LevelMet, framework.LevelPartly, framework.LevelNotMet} },
	"describe": describeField,
}

// mustParsePages parses each page template together with the layout.
func mustParsePages() map[string]*pageTemplate {
	// Templates shared by several pages live in files named _*.html,
	// parsed with the layout.
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/_*.html"))
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		out[base] = template.Must(template.Must(layout.Clone()).ParseFS(assets, n))
	}
	return out
}

// render writes a page with the layout. The page is rendered into a
// buffer first, so that a template error gives a clean 500.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, name, title, errMsg string, data any) {
	t, ok := s.pages[name]
	if !ok {
		panic("web: no template " + name)
	}
	pd := pageData{Title: title, User: currentUser(r), Error: errMsg, Status: status, Data: data}
	if pd.User != nil && status < 400 {
		pd.Tasks = s.badge(r, pd.User)
	}
	if r.Method == http.MethodGet {
		pd.Flash = s.takeFlash(w, r)
	}
	s.execute(w, status, t, "layout.html", name, pd)
}

// execute renders the template called name of t into a buffer and writes
// it with the status, or a clean 500 when the template fails (logged as
// logName).
func (s *server) execute(w http.ResponseWriter, status int, t *pageTemplate, name, logName string, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("template", "name", logName, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte("服务器内部错误：页面无法生成"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError writes an error page with a message in Chinese.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	title := map[int]string{
		http.StatusBadRequest:          "请求无效",
		http.StatusUnauthorized:        "请先登录",
		http.StatusForbidden:           "无权操作",
		http.StatusNotFound:            "未找到",
		http.StatusConflict:            "数据已被修改",
		http.StatusUnprocessableEntity: "无法保存",
		http.StatusTooManyRequests:     "请求过于频繁",
		http.StatusInternalServerError: "服务器错误",
		http.StatusServiceUnavailable:  "暂不可用",
	}[status]
	if title == "" {
		title = "出错了"
	}
	s.render(w, r, status, "error", title, msg, nil)
}

// fail answers a store error on a page: its status and Chinese message.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.Code(err)
	if code == apperr.EINTERNAL {
		s.internalError(w, r, err)
		return
	}
	s.renderError(w, r, httpStatus(code), errorMessage(err))
}

const flashCookie = "jixiao_flash"

// setFlash keeps a message for the next page shown.
func (s *server) setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(msg)),
		Path: "/", MaxAge: 60, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the kept message, if any, and clears it.
func (s *server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(b) > 1000 {
		return ""
	}
	return string(b)
}

// reportCSS serves the report renderer's style sheet, for pages that
// embed a report.
func (s *server) reportCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write([]byte(html.Stylesheet()))
}
