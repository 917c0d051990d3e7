package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/bulk"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is the finance bureau's bundle of a year on the web: every
// department's report and the summary workbook in one zip (internal/bulk,
// as `jixiao report --all`). A bundle is a long job: it runs in the
// background, one at a time per server, the page shows its progress, and
// the file is kept for bundleKeep, then deleted.

const (
	// bundleKeep is how long a finished bundle can be downloaded.
	bundleKeep = time.Hour
	// bundleTimeout bounds one bundle's run.
	bundleTimeout = 30 * time.Minute
	// bundlesKept bounds the bundles listed and kept on disk.
	bundlesKept = 8
)

// bundleFormats are the formats offered on the web: Word and spreadsheet,
// made without the browser service, which serves single downloads (PDF
// bundles are made on the command line).
var bundleFormats = []string{"docx", "xlsx"}

// bundleJob is one bundle, running or finished.
type bundleJob struct {
	ID        string
	Year      int
	Format    render.Format
	Statuses  []string
	By        string // who asked for it (display name)
	Started   time.Time
	mu        sync.Mutex
	progress  bulk.Progress
	finished  time.Time
	err       string
	written   int
	reused    int
	failed    []bulk.Row
	path      string
	sizeBytes int64
}

// bundleView is a job as a page shows it.
type bundleView struct {
	ID, FormatName, Statuses, By, Started string
	Year                                  int
	Running                               bool
	Done, Total                           int
	Percent                               int
	Rate                                  string
	Err                                   string
	Written, Reused                       int
	Failed                                []bulk.Row
	Size                                  string
	Expires                               string
}

func (j *bundleJob) view() bundleView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := bundleView{ID: j.ID, Year: j.Year, FormatName: j.Format.Name, By: j.By, Started: j.Started.Local().Format("2006-01-02 15:04:05"),
		Running: j.finished.IsZero(), Done: j.progress.Done, Total: j.progress.Total, Err: j.err,
		Written: j.written, Reused: j.reused, Failed: j.failed}
	names := make([]string, len(j.Statuses))
	for i, s := range j.Statuses {
		names[i] = workflow.StatusNames[s]
	}
	v.Statuses = strings.Join(names, "、")
	if v.Statuses == "" {
		v.Statuses = "年终自评阶段的全部状态"
	}
	if v.Total > 0 {
		v.Percent = v.Done * 100 / v.Total
	}
	v.Rate = fmt.Sprintf("%.0f", j.progress.Rate())
	if !v.Running && j.path != "" {
		v.Size = sizeText(j.sizeBytes)
		v.Expires = j.finished.Add(bundleKeep).Local().Format("15:04")
	}
	return v
}

// bundles holds the server's bundle jobs.
type bundles struct {
	mu      sync.Mutex
	dir     string // made on first use
	jobs    []*bundleJob
	running bool
}

// canBundle: the bundle holds every department's report, so it is the
// finance bureau's: reviewers and administrators.
func canBundle(u *store.User) error { return canSeeDashboard(u) }

type bundlePageData struct {
	Years    []int
	Year     int
	Formats  []render.Format
	Statuses []bundleStatus
	Jobs     []bundleView
	Job      *bundleView // the job a page is about
}

type bundleStatus struct {
	Value, Name string
	Checked     bool
}

// bundlePage shows the form and the bundles kept.
func (s *server) bundlePage(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canBundle(u); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.bundleData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "bundles", "年度报告打包下载", "", d)
}

func (s *server) bundleData(r *http.Request) (*bundlePageData, error) {
	ls, err := s.st.ListFiltered(r.Context(), store.Visible(currentUser(r)).And(store.Filter{Stage: workflow.Evaluation}))
	if err != nil {
		return nil, err
	}
	d := &bundlePageData{}
	for _, l := range ls {
		if !slices.Contains(d.Years, l.Year) {
			d.Years = append(d.Years, l.Year)
		}
	}
	slices.Sort(d.Years)
	if len(d.Years) > 0 {
		d.Year = d.Years[len(d.Years)-1]
	}
	for _, ext := range bundleFormats {
		f, _ := render.Lookup(ext)
		d.Formats = append(d.Formats, f)
	}
	// Accepted and published years by default: their review is over.
	for _, st := range workflow.Statuses {
		d.Statuses = append(d.Statuses, bundleStatus{st, workflow.StatusName(workflow.Evaluation, st), st == workflow.Accepted || st == workflow.Published})
	}
	s.bundles.expire(s.now())
	for _, j := range s.bundles.list() {
		d.Jobs = append(d.Jobs, j.view())
	}
	return d, nil
}

// startBundle starts a bundle, unless one is running.
func (s *server) startBundle(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canBundle(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	year, ok := parseYear(r.PostFormValue("year"))
	if !ok || year < 2001 || year > 2100 {
		s.fail(w, r, invalid("年度 %q 无效：应为 2001 至 2100 之间的整数", r.PostFormValue("year")))
		return
	}
	ext := r.PostFormValue("format")
	f, ok := render.Lookup(ext)
	if !ok || !slices.Contains(bundleFormats, ext) {
		s.fail(w, r, invalid("打包格式 %q 无效：可选 Word 文档或 Excel 表格", ext))
		return
	}
	var statuses []string
	for _, st := range r.PostForm["status"] {
		if !slices.Contains(workflow.Statuses, st) {
			s.fail(w, r, invalid("状态 %q 无效", st))
			return
		}
		statuses = append(statuses, st)
	}
	if len(statuses) == 0 {
		s.fail(w, r, invalid("请至少选择一种状态"))
		return
	}
	job, err := s.bundles.start(year, f, statuses, displayName(u), s.now())
	if err != nil {
		w.Header().Set("Retry-After", "30")
		s.renderError(w, r, http.StatusServiceUnavailable, err.Error())
		return
	}
	go s.runBundle(job)
	http.Redirect(w, r, "/bundles/"+job.ID, http.StatusSeeOther)
}

// runBundle makes the bundle into a file; the job records how it went.
func (s *server) runBundle(job *bundleJob) {
	defer s.bundles.finish()
	ctx, cancel := context.WithTimeout(context.Background(), bundleTimeout)
	defer cancel()
	fail := func(msg string) {
		job.mu.Lock()
		job.err, job.finished = msg, s.now()
		job.mu.Unlock()
	}
	// A panic here would end the server: it ends the job instead.
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("bundle panicked", "year", job.Year, "panic", p)
			fail("打包失败：内部错误，请联系管理员")
		}
	}()
	dir, err := s.bundles.directory()
	if err != nil {
		s.log.Error("bundle directory", "err", err)
		fail("无法创建临时文件，打包未完成")
		return
	}
	out, err := os.CreateTemp(dir, "bundle-*.zip")
	if err != nil {
		s.log.Error("bundle file", "err", err)
		fail("无法创建临时文件，打包未完成")
		return
	}
	// Half the processors: the server goes on answering everyone else.
	workers := max(1, runtime.GOMAXPROCS(0)/2)
	sum, err := bulk.Write(ctx, s.st, bulk.Options{Year: job.Year, Status: job.Statuses, Format: job.Format, Workers: workers,
		Progress: func(p bulk.Progress) {
			job.mu.Lock()
			job.progress = p
			job.mu.Unlock()
		}}, out)
	size, _ := out.Seek(0, 1)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		switch {
		case err == bulk.ErrNone:
			fail(fmt.Sprintf("%d 年度没有所选状态的部门年度，未生成文件", job.Year))
		case ctx.Err() != nil:
			fail(fmt.Sprintf("打包超过 %d 分钟未完成，已停止", int(bundleTimeout.Minutes())))
		default:
			s.log.Error("bundle", "year", job.Year, "err", err)
			fail("打包失败：" + err.Error())
		}
		return
	}
	job.mu.Lock()
	defer job.mu.Unlock()
	job.path, job.sizeBytes, job.finished = out.Name(), size, s.now()
	job.written, job.reused = sum.Written, sum.Reused
	for _, r := range sum.Rows {
		if r.Problem != "" {
			job.failed = append(job.failed, r)
		}
	}
}

// bundleStatus shows one bundle: the page, or (for htmx polling) the part
// that shows its progress.
func (s *server) bundleStatus(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canBundle(u); err != nil {
		s.fail(w, r, err)
		return
	}
	job := s.bundles.get(r.PathValue("id"))
	if job == nil {
		s.fail(w, r, &apperr.Error{Code: apperr.ENOTFOUND, Message: fmt.Sprintf("打包任务不存在或已过期（文件保留 %d 分钟）", int(bundleKeep.Minutes()))})
		return
	}
	v := job.view()
	if r.Header.Get("HX-Request") == "true" {
		s.renderFragment(w, http.StatusOK, "bundles", "bundle-progress", v)
		return
	}
	d, err := s.bundleData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Job = &v
	s.render(w, r, http.StatusOK, "bundles", "年度报告打包下载", "", d)
}

// bundleDownload sends a finished bundle.
func (s *server) bundleDownload(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canBundle(u); err != nil {
		s.fail(w, r, err)
		return
	}
	job := s.bundles.get(r.PathValue("id"))
	if job == nil {
		s.fail(w, r, &apperr.Error{Code: apperr.ENOTFOUND, Message: fmt.Sprintf("打包任务不存在或已过期（文件保留 %d 分钟）", int(bundleKeep.Minutes()))})
		return
	}
	job.mu.Lock()
	path, year, ext := job.path, job.Year, job.Format.Ext
	job.mu.Unlock()
	if path == "" {
		s.fail(w, r, &apperr.Error{Code: apperr.ENOTFOUND, Message: "打包尚未完成或未生成文件"})
		return
	}
	f, err := os.Open(path)
	if err != nil {
		s.fail(w, r, &apperr.Error{Code: apperr.ENOTFOUND, Message: "打包文件已过期"})
		return
	}
	defer f.Close()
	name := fmt.Sprintf("%d年度部门整体支出绩效自评报告（%s）.zip", year, formatWord(ext))
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", fmt.Sprintf("reports-%d-%s.zip", year, ext), encodeRFC5987(name)))
	http.ServeContent(w, r, "", time.Time{}, f)
}

// sizeText is a file's size as people read it.
func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MB", n>>20)
	}
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

func formatWord(ext string) string {
	if ext == "xlsx" {
		return "Excel"
	}
	return "Word"
}

// start records a new job, unless one is running.
func (b *bundles) start(year int, f render.Format, statuses []string, by string, now time.Time) (*bundleJob, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.running {
		return nil, fmt.Errorf("已有一个打包任务在进行，请等它完成后再试")
	}
	var id [12]byte
	rand.Read(id[:])
	job := &bundleJob{ID: hex.EncodeToString(id[:]), Year: year, Format: f, Statuses: statuses, By: by, Started: now}
	b.running = true
	b.jobs = append([]*bundleJob{job}, b.jobs...)
	for len(b.jobs) > bundlesKept {
		old := b.jobs[len(b.jobs)-1]
		b.jobs = b.jobs[:len(b.jobs)-1]
		old.remove()
	}
	return job, nil
}

func (b *bundles) finish() {
	b.mu.Lock()
	b.running = false
	b.mu.Unlock()
}

func (b *bundles) directory() (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dir == "" {
		d, err := os.MkdirTemp("", "jixiao-bundles-")
		if err != nil {
			return "", err
		}
		b.dir = d
	}
	return b.dir, nil
}

func (b *bundles) get(id string) *bundleJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, j := range b.jobs {
		if j.ID == id {
			return j
		}
	}
	return nil
}

func (b *bundles) list() []*bundleJob {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.jobs)
}

// expire drops the jobs finished more than bundleKeep ago, with their files.
func (b *bundles) expire(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.jobs = slices.DeleteFunc(b.jobs, func(j *bundleJob) bool {
		j.mu.Lock()
		old := !j.finished.IsZero() && now.Sub(j.finished) > bundleKeep
		j.mu.Unlock()
		if old {
			j.remove()
		}
		return old
	})
}

func (j *bundleJob) remove() {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.path != "" {
		os.Remove(j.path)
		j.path = ""
	}
}

func displayName(u *store.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Username
}
