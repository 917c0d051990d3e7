package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// apiError is the body of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, apiError{apiErrorBody{Code: code, Message: msg}})
}

// apiFail answers a store error: status by httpStatus, the one mapping.
func (s *server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.Code(err)
	if code == apperr.EINTERNAL {
		s.internalError(w, r, err)
		return
	}
	writeAPIError(w, httpStatus(code), code, errorMessage(err))
}

// apiSignedIn lets an API handler run only with a session: 401 otherwise.
func (s *server) apiSignedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r) == nil {
			writeAPIError(w, http.StatusUnauthorized, apperr.EUNAUTHORIZED, "请先登录")
			return
		}
		h(w, r)
	}
}

// apiListing is one department-year in the API.
type apiListing struct {
	DepartmentCode string     `json:"department_code"`
	Department     string     `json:"department"`
	Year           int        `json:"year"`
	Status         string     `json:"status"`
	StatusName     string     `json:"status_name"`
	Total          num.Points `json:"total"`
	Grade          string     `json:"grade"`
	// ReviewTotal and ReviewGrade are the result after the finance
	// bureau's review (复核后得分), as stored with the year; the
	// self-score's until a review score changes it.
	ReviewTotal num.Points `json:"review_total"`
	ReviewGrade string     `json:"review_grade"`
	Version     int        `json:"version"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func toAPI(l store.Listing) apiListing {
	return apiListing{l.DepartmentCode, l.Department, l.Year, l.Status, workflow.StatusNames[l.Status], l.Total, l.Grade, l.Review.Total, l.Review.Grade, l.Version, l.UpdatedAt}
}

func (s *server) apiList(w http.ResponseWriter, r *http.Request) {
	var req store.Filter
	q := r.URL.Query()
	if t := q.Get("year"); t != "" {
		y, ok := parseYear(t)
		if !ok {
			writeAPIError(w, http.StatusUnprocessableEntity, apperr.EINVALID, "年度参数无效")
			return
		}
		req.Year = y
	}
	if st := q.Get("status"); st != "" {
		if workflow.StatusNames[st] == "" {
			writeAPIError(w, http.StatusUnprocessableEntity, apperr.EINVALID, "状态参数无效")
			return
		}
		req.Status = []string{st}
	}
	ls, err := s.st.ListFiltered(r.Context(), store.Visible(currentUser(r)).And(req))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := make([]apiListing, 0, len(ls))
	for _, l := range ls {
		out = append(out, toAPI(l))
	}
	writeJSON(w, http.StatusOK, map[string]any{"evaluations": out})
}

// apiEvaluation is a department-year with its score tree, as `jixiao
// score --format json` prints it.
type apiEvaluation struct {
	apiListing
	Moves []apiMove       `json:"moves"`
	Score *scoring.Result `json:"score"`
}

type apiMove struct {
	To           string `json:"to"`
	Action       string `json:"action"`
	NeedsComment bool   `json:"needs_comment"`
}

func (s *server) apiGet(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := apiEvaluation{apiListing: toAPI(sc.rec.Listing), Moves: []apiMove{}, Score: sc.result()}
	for _, t := range moves(u, sc.rec.Listing) {
		out.Moves = append(out.Moves, apiMove{t.To, t.Action, t.NeedsComment})
	}
	writeJSON(w, http.StatusOK, out)
}

type apiTransitionRequest struct {
	To      string `json:"to"`
	Version int    `json:"version"`
	Comment string `json:"comment"`
}

func (s *server) apiTransition(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	sc, err := s.load(r.Context(), u, r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	var req apiTransitionRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeAPIError(w, http.StatusUnprocessableEntity, apperr.EINVALID, "请求体应为 JSON：{\"to\": 状态, \"version\": 版本, \"comment\": 意见}")
		return
	}
	if req.Version < 1 {
		writeAPIError(w, http.StatusUnprocessableEntity, apperr.EINVALID, "缺少数据版本 version")
		return
	}
	if _, err := s.doTransition(r, u, sc.rec.Listing, req.To, strconv.Itoa(req.Version), req.Comment); err != nil {
		s.apiFail(w, r, err)
		return
	}
	l := sc.rec.Listing
	rec, err := s.st.Get(r.Context(), l.DepartmentCode, l.Year)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAPI(rec.Listing))
}

func (s *server) apiOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(b)
}
