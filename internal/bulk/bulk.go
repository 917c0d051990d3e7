// Package bulk writes the finance bureau's bundle of one year: every
// department's self-evaluation report in one format, and a summary
// workbook of all of them, streamed into one zip file.
//
// It is an edge beside the command line and the web server: it reads the
// store, runs each stored year through the one assessment pipeline (with
// the framework files pinned with it) and the one report builder, and
// writes the registry's format. Memory stays bounded by the number of
// reports in flight (Options.Workers × 2), never by the number of years.
package bulk

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/render"
	"github.com/jixiao/jixiao/internal/render/docx"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Options say what goes into a bundle.
type Options struct {
	Year int
	// Status keeps the years in these statuses of the evaluation stage;
	// empty keeps every year of the evaluation stage.
	Status []string
	Format render.Format
	// Workers is how many reports are made at once; 0 is GOMAXPROCS.
	Workers int
	// Printer prints PDF (the web server's bounded service); nil uses the
	// process-wide one.
	Printer render.Printer
	// Progress, when set, is called after each report, from one goroutine.
	Progress func(Progress)
	// Issuer and Date sign the results bulletin; either may be empty.
	Issuer, Date string
}

// Progress is how far a bundle has come.
type Progress struct {
	Done, Total int
	Elapsed     time.Duration
}

// Rate is reports per second so far.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// Row is one department-year of the bundle, as its summary lists it.
type Row struct {
	Code, Name, Parent, Region string
	Status                     string // in Chinese
	Listing                    store.Listing
	ExecutionRate              string // "98.12%", or "" when it cannot be computed
	Lost                       int    // indicators (leaves) that lost points
	// File is the report's name in the zip; empty when it could not be
	// made, and Problem says why.
	File    string
	Reused  bool // the published file kept by the store, not rendered again
	Problem string
	// Problems counts the problems the report lists; LostIndicators the
	// department's indicators that lost points (for the bulletin).
	Problems       int
	LostIndicators []report.LostIndicator
}

// Summary is what a bundle holds.
type Summary struct {
	Rows    []Row
	Written int // reports in the zip
	Reused  int // of which published files kept by the store
	Elapsed time.Duration
	start   time.Time
}

// Failed counts the years whose report could not be made.
func (s *Summary) Failed() int { return len(s.Rows) - s.Written }

// SummaryFile is the name of the summary workbook inside the zip.
const SummaryFile = "汇总表.xlsx"

// BulletinFile is the name of the results bulletin inside the zip.
const BulletinFile = "绩效评价结果通报.docx"

// ErrNone is returned when no stored year matches the options.
var ErrNone = errors.New("没有符合条件的部门年度")

// Write writes the bundle of opts.Year to w as a zip: one report per
// department-year (in the order of department codes) and SummaryFile. A
// year whose report cannot be made is listed in the summary with the
// reason, and the rest are written. It stops at the first failure to
// write or when ctx ends.
func Write(ctx context.Context, st *store.Store, opts Options, w io.Writer) (*Summary, error) {
	zw := zip.NewWriter(w)
	sum, err := run(ctx, st, opts, true, func(r Row, data []byte) error {
		return writeEntry(zw, r.File, data, method(opts.Format))
	})
	if err != nil {
		return nil, err
	}
	sw, err := zw.CreateHeader(&zip.FileHeader{Name: SummaryFile, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return nil, err
	}
	if err := writeSummary(sw, opts, sum); err != nil {
		return nil, fmt.Errorf("%s无法写入：%w", SummaryFile, err)
	}
	bulletin, err := buildBulletin(ctx, st, opts, sum)
	if err != nil {
		return nil, err
	}
	bw, err := zw.CreateHeader(&zip.FileHeader{Name: BulletinFile, Method: zip.Store, Modified: time.Now()})
	if err != nil {
		return nil, err
	}
	if err := docx.Render(bw, bulletin); err != nil {
		return nil, fmt.Errorf("%s无法写入：%w", BulletinFile, err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum.Elapsed = time.Since(sum.start)
	return sum, nil
}

// Bulletin makes the results bulletin of the department-years opts
// selects, as the bundle holds it, without making their reports.
func Bulletin(ctx context.Context, st *store.Store, opts Options) (*report.Document, *Summary, error) {
	sum, err := run(ctx, st, opts, false, nil)
	if err != nil {
		return nil, nil, err
	}
	doc, err := buildBulletin(ctx, st, opts, sum)
	if err != nil {
		return nil, nil, err
	}
	sum.Elapsed = time.Since(sum.start)
	return doc, sum, nil
}

// buildBulletin writes the bulletin of the bundle's rows with what the
// store counts beside them: review comments, rectification items and the
// results suggestions of the year.
func buildBulletin(ctx context.Context, st *store.Store, opts Options, sum *Summary) (*report.Document, error) {
	comments, err := st.CommentCounts(ctx, opts.Year)
	if err != nil {
		return nil, err
	}
	rect, err := rectificationCounts(ctx, st, opts.Year)
	if err != nil {
		return nil, err
	}
	res, err := resultsSummary(ctx, st, opts.Year)
	if err != nil {
		return nil, err
	}
	return report.BuildBulletin(bulletinInput(opts, sum, comments, st.Rules().Cycle, rect, res)), nil
}

// run assesses every department-year opts selects, in workers, and gives
// each made report to emit in department-code order (with render false,
// none is rendered and emit is not called).
func run(ctx context.Context, st *store.Store, opts Options, rendering bool, emit func(Row, []byte) error) (*Summary, error) {
	start := time.Now()
	f := store.Filter{Year: opts.Year, Stage: workflow.Evaluation, Status: opts.Status}
	list, err := st.ListFiltered(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNone
	}
	slices.SortFunc(list, func(a, b store.Listing) int { return strings.Compare(a.DepartmentCode, b.DepartmentCode) })

	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Workers take years in order; a window of tokens bounds how far
	// they run ahead of the writer, which writes in order.
	type made struct {
		i    int
		row  Row
		data []byte
		buf  *bytes.Buffer // holding data, back to the pool once written
	}
	window := make(chan struct{}, 2*workers)
	results := make(chan made, 2*workers)
	jobs := make(chan int)
	libs := newLibraries()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				row, data, buf := makeOne(ctx, st, libs, list[i], opts, rendering)
				select {
				case results <- made{i, row, data, buf}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() {
		defer close(jobs)
		for i := range list {
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	sum := &Summary{Rows: make([]Row, len(list)), start: start}
	pending := map[int]made{}
	next := 0
	var werr error
	for m := range results {
		if werr != nil {
			continue // drain
		}
		pending[m.i] = m
		for {
			p, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if p.data != nil {
				if err := emit(p.row, p.data); err != nil {
					werr = err
					cancel()
					break
				}
				sum.Written++
				if p.row.Reused {
					sum.Reused++
				}
			}
			if p.buf != nil {
				buffers.Put(p.buf)
			}
			sum.Rows[next] = p.row
			next++
			<-window
			if opts.Progress != nil {
				opts.Progress(Progress{Done: next, Total: len(list), Elapsed: time.Since(start)})
			}
		}
	}
	if werr != nil {
		return nil, werr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if next != len(list) {
		return nil, fmt.Errorf("汇总中断：%d 个部门年度中只完成 %d 个", len(list), next)
	}
	return sum, nil
}

// method is how a report is kept in the zip: Word, spreadsheet and PDF
// files are compressed already and are stored as they are.
func method(f render.Format) uint16 {
	switch f.Ext {
	case "docx", "xlsx", "pdf":
		return zip.Store
	}
	return zip.Deflate
}

func writeEntry(zw *zip.Writer, name string, data []byte, method uint16) error {
	ew, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = ew.Write(data)
	return err
}

// FileName is a report's name inside the bundle: the department's code
// first, so the files sort as the summary does.
func FileName(l store.Listing, f render.Format) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 0x20 {
			return '_'
		}
		return r
	}, l.Department)
	return fmt.Sprintf("%s-%s-%d年度部门整体支出绩效自评报告.%s", l.DepartmentCode, name, l.Year, f.Ext)
}

// makeOne makes one year's report: the file published for the year's
// version when the store keeps one in the format, else the stored year
// assessed and rendered.
// buffers hold rendered reports on their way to the zip.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func makeOne(ctx context.Context, st *store.Store, libs *libraries, l store.Listing, opts Options, rendering bool) (Row, []byte, *bytes.Buffer) {
	row := Row{Code: l.DepartmentCode, Name: l.Department, Listing: l, Status: l.StatusName()}
	rec, err := st.Get(ctx, l.DepartmentCode, l.Year)
	if err != nil {
		row.Problem = "读取失败：" + err.Error()
		return row, nil, nil
	}
	row.Parent, row.Region = rec.Parent, rec.Region
	for _, p := range rec.Evaluation.Problems {
		if strings.TrimSpace(p) != "" {
			row.Problems++
		}
	}
	if m, err := rec.Evaluation.Measure("execution_rate"); err == nil {
		row.ExecutionRate = money.Decimal(m.Value, 2) + "%"
	}
	lib, err := libs.get(rec)
	if err != nil {
		row.Problem = err.Error()
		return row, nil, nil
	}
	// The target-quality checks are left out: a report does not print
	// their findings.
	ao := rec.AssessOptions()
	ao.Quality = nil
	a := assess.Assess(rec.Evaluation, lib, ao)
	if a.Result == nil {
		row.Problem = "无法计分：" + firstError(a)
		return row, nil, nil
	}
	row.LostIndicators = lostIndicators(a.Result.Indicators)
	row.Lost = lost(a)
	if !rendering {
		return row, nil, nil
	}
	row.File = FileName(l, opts.Format)
	if l.Status == workflow.Published {
		if doc, err := st.PublishedDocument(ctx, l.DepartmentCode, l.Year, opts.Format.Ext); err == nil && doc != nil {
			row.Reused = true
			return row, doc.Data, nil
		}
	}
	doc := report.Build(report.Input{Evaluation: rec.Evaluation, Result: a.Result, Framework: a.Weighted, Review: a.Review, Cycle: rec.Cycle})
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	if err := opts.Format.Render(ctx, buf, doc, opts.Printer); err != nil {
		buffers.Put(buf)
		row.File, row.Problem = "", "生成失败："+err.Error()
		return row, nil, nil
	}
	return row, buf.Bytes(), buf
}

func firstError(a *assess.Assessment) string {
	if errs := a.Findings.Errors(); len(errs) > 0 {
		return errs[0].Message
	}
	return "数据不完整"
}

// lost counts the scored leaves that lost points, department and projects.
func lost(a *assess.Assessment) int {
	n := 0
	var walk func(ns []*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, x := range ns {
			if len(x.Children) == 0 {
				if x.NotApplicable == "" && x.Lost() > 0 {
					n++
				}
				continue
			}
			walk(x.Children)
		}
	}
	walk(a.Result.Indicators)
	for _, p := range a.Result.Projects {
		walk(p.Indicators)
	}
	return n
}

// libraries keeps the framework library of each pinned pair of framework
// files: the years of a province share a few, and building one parses
// and validates the files.
type libraries struct {
	mu sync.Mutex
	m  map[string]*libEntry
}

type libEntry struct {
	once sync.Once
	lib  *datafile.Library
	err  error
}

func newLibraries() *libraries { return &libraries{m: map[string]*libEntry{}} }

func (c *libraries) get(rec *store.Record) (*datafile.Library, error) {
	h := sha256.New()
	h.Write(rec.Framework)
	h.Write([]byte{0})
	h.Write(rec.ProjectFramework)
	k := string(h.Sum(nil))
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		e = &libEntry{}
		c.m[k] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.lib, e.err = rec.Library()
		if e.err != nil {
			e.err = fmt.Errorf("留存的指标框架无法读取：%w", e.err)
		}
	})
	return e.lib, e.err
}
