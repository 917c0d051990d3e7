package web

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is the one place that decides who may see and do what.
//
//   - Reading: a department-year is visible to a user exactly when
//     store.Visible(user) selects it (the public: published only; editors
//     and approvers: their department; reviewers and administrators: all).
//     Whatever is not visible answers 404, as if it did not exist.
//   - Acting on visible data: the checks below answer EFORBIDDEN (403).
//     The store checks transitions, review scores and comments again
//     against the account as stored; the score edit is checked only here
//     (store.Update takes no actor), so it must stay strict.

// matches reports whether the filter selects the listing.
func matches(f store.Filter, l store.Listing) bool {
	if f.DepartmentCode != "" && f.DepartmentCode != l.DepartmentCode {
		return false
	}
	if f.Year != 0 && f.Year != l.Year {
		return false
	}
	if f.Stage != "" && f.Stage != l.Stage {
		return false
	}
	if f.Status != nil && !slices.Contains(f.Status, l.Status) {
		return false
	}
	return true
}

// visibleTo reports whether u (nil: the public) may read the listing.
func visibleTo(u *store.User, l store.Listing) bool { return matches(store.Visible(u), l) }

func forbidden(format string, a ...any) *apperr.Error {
	return &apperr.Error{Code: apperr.EFORBIDDEN, Message: fmt.Sprintf(format, a...)}
}

func notFound(code string, year string) *apperr.Error {
	return &apperr.Error{Code: apperr.ENOTFOUND, Message: fmt.Sprintf("未找到部门 %s %s 年度的数据", code, year)}
}

// inOwnDepartment reports whether u is an editor or approver of the
// listing's department.
func inOwnDepartment(u *store.User, l store.Listing) bool {
	return u != nil && !u.Disabled && u.InDepartment() && u.DepartmentCode == l.DepartmentCode
}

// canEdit: the department's editor, while the data is with the department.
func canEdit(u *store.User, l store.Listing) error {
	if !inOwnDepartment(u, l) || u.Role != workflow.Editor {
		return forbidden("只有本部门的%s可以修改自评得分", workflow.RoleNames[workflow.Editor])
	}
	if !l.Scored() {
		// The self-scores are the year-end evaluation's; a year before
		// the evaluation stage has no score to edit.
		return forbidden("当前处于“%s”阶段，年终自评数据在“开始年终自评”后才能在线修改", l.StageName())
	}
	return editableStatus(l)
}

// canEditData: the department's editor may change the data on the edit
// form while it is with the department, the parts docs/cycle.md §4 opens
// in the stage (store.EditableParts): the declaration in the declaration
// stage, the registers in execution (the declared part is frozen and
// changes by 目标调整), the year-end figures in the evaluation stage.
func canEditData(u *store.User, l store.Listing) error {
	if !inOwnDepartment(u, l) || u.Role != workflow.Editor {
		return forbidden("只有本部门的%s可以修改填报数据", workflow.RoleNames[workflow.Editor])
	}
	return editableStatus(l)
}

// canUploadWorkbook: the workbook round trip replaces the whole document,
// so it is offered where a whole part of it is the editor's — not in the
// execution stage, whose registers are edited on the form.
func canUploadWorkbook(u *store.User, l store.Listing) error {
	if err := canEditData(u, l); err != nil {
		return err
	}
	if l.Stage == workflow.Execution {
		return forbidden("当前处于“%s”阶段，申报的绩效目标已批复，台账请在线修改；填报表在“开始年终自评”后才能上传", l.StageName())
	}
	return nil
}

// editableStatus refuses a status in which the department may not change
// the data: only draft or returned data may be changed.
func editableStatus(l store.Listing) error {
	if !workflow.Editable(l.Status) {
		return forbidden("当前状态为“%s”，不能修改；只有草稿或已退回的数据可以修改", l.StatusName())
	}
	return nil
}

// canReview: a reviewer, while the data is under review.
func canReview(u *store.User, l store.Listing) error {
	if u == nil || u.Disabled || u.Role != workflow.Reviewer {
		return forbidden("只有%s可以填写复核得分", workflow.RoleNames[workflow.Reviewer])
	}
	if !l.Scored() || l.Status != workflow.UnderReview {
		return forbidden("当前为%s阶段“%s”，只有年终自评复核中的数据可以填写复核得分", l.StageName(), l.StatusName())
	}
	return nil
}

// canComment: a reviewer, or a user of the department.
func canComment(u *store.User, l store.Listing) error {
	if u != nil && !u.Disabled && (u.Role == workflow.Reviewer || inOwnDepartment(u, l)) {
		return nil
	}
	return forbidden("只有本部门用户和%s可以发表意见", workflow.RoleNames[workflow.Reviewer])
}

// canAdjust: the department's editor, in the execution stage, may
// propose a 目标调整 of the approved targets. The store checks the role,
// department and stage again.
func canAdjust(u *store.User, l store.Listing) error {
	if !inOwnDepartment(u, l) || u.Role != workflow.Editor {
		return forbidden("只有本部门的%s可以申请目标调整", workflow.RoleNames[workflow.Editor])
	}
	if l.Stage != workflow.Execution {
		return forbidden("当前处于“%s”阶段，目标调整只能在“%s”阶段申请", l.StageName(), workflow.StageName(workflow.Execution))
	}
	return nil
}

// canEditExante: who fills an ex-ante evaluation (事前绩效评估) of a
// project of the year — the department's editor when the department
// assesses it, a reviewer when the finance bureau does (assessor, from
// the amount and the ex-ante rules) — while the year is in the
// declaration stage. The store takes the actor's name only, so this and
// canConcludeExante are the checks.
func canEditExante(u *store.User, l store.Listing, assessor string) error {
	if l.Stage != workflow.Declaration {
		return forbidden("事前绩效评估在“目标申报”阶段进行，当前为“%s”阶段", l.StageName())
	}
	if assessor == exante.AssessorFinance {
		if u == nil || u.Disabled || u.Role != workflow.Reviewer {
			return forbidden("该项目由财政部门开展事前绩效评估，只有%s可以填写", workflow.RoleNames[workflow.Reviewer])
		}
		return nil
	}
	if !inOwnDepartment(u, l) || u.Role != workflow.Editor {
		return forbidden("该项目由预算部门开展事前绩效评估，只有本部门的%s可以填写", workflow.RoleNames[workflow.Editor])
	}
	return nil
}

// canDecideAdjustment: a reviewer of the finance bureau, in the execution
// stage, approves or rejects a 目标调整. The store checks the role and
// stage again.
func canDecideAdjustment(u *store.User, l store.Listing) error {
	if u == nil || u.Disabled || u.Role != workflow.Reviewer {
		return forbidden("只有%s可以审核目标调整", workflow.RoleNames[workflow.Reviewer])
	}
	if l.Stage != workflow.Execution {
		return forbidden("当前处于“%s”阶段，目标调整只能在“%s”阶段审核", l.StageName(), workflow.StageName(workflow.Execution))
	}
	return nil
}

// canConcludeExante: who gives (or withdraws) the conclusion — the
// department's approver for a department-level evaluation, a reviewer for
// a finance-level one — in the declaration stage.
func canConcludeExante(u *store.User, l store.Listing, assessor string) error {
	if l.Stage != workflow.Declaration {
		return forbidden("事前绩效评估在“目标申报”阶段进行，当前为“%s”阶段", l.StageName())
	}
	if assessor == exante.AssessorFinance {
		if u == nil || u.Disabled || u.Role != workflow.Reviewer {
			return forbidden("财政部门评估的项目由%s出具评估结论", workflow.RoleNames[workflow.Reviewer])
		}
		return nil
	}
	if !inOwnDepartment(u, l) || u.Role != workflow.Approver {
		return forbidden("预算部门评估的项目由本部门的%s出具评估结论", workflow.RoleNames[workflow.Approver])
	}
	return nil
}

// canOpenYear: the department's editor, for their own department
// (opening its next year, store.OpenYears). The store takes the actor's
// name only, so this and canOpenYears are the checks.
func canOpenYear(u *store.User, code string) error {
	if u == nil || u.Disabled || !u.InDepartment() || u.Role != workflow.Editor || u.DepartmentCode != code {
		return forbidden("只有本部门的%s可以开启本部门的新年度", workflow.RoleNames[workflow.Editor])
	}
	return nil
}

// canOpenYears: a reviewer or an administrator, for many departments at
// once.
func canOpenYears(u *store.User) error {
	if u != nil && !u.Disabled && (u.Role == workflow.Reviewer || u.Role == workflow.Admin) {
		return nil
	}
	return forbidden("只有%s和%s可以为多个部门开启新年度", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[workflow.Admin])
}

// canAdminister: an administrator, for the pages under /admin. The
// store's account and department methods take no actor, so this is the
// only check on them (AddFramework checks the actor again).
func canAdminister(u *store.User) error {
	if u == nil || u.Disabled || u.Role != workflow.Admin {
		return forbidden("只有%s可以进行系统管理", workflow.RoleNames[workflow.Admin])
	}
	return nil
}

// moves lists the transitions u may make on the listing now.
func moves(u *store.User, l store.Listing) []workflow.Transition {
	if u == nil || u.Disabled {
		return nil
	}
	if u.InDepartment() && !inOwnDepartment(u, l) {
		return nil
	}
	return workflow.Next(l.Stage, l.Status, u.Role)
}

// canTransition returns the transition to the status for u, or
// EFORBIDDEN.
func canTransition(u *store.User, l store.Listing, to string) (workflow.Transition, error) {
	for _, t := range moves(u, l) {
		if t.To == to {
			return t, nil
		}
	}
	role := "访客"
	if u != nil {
		role = workflow.RoleNames[u.Role]
	}
	return workflow.Transition{}, forbidden("%s不能将%s阶段“%s”状态的数据改为“%s”", role, l.StageName(), l.StatusName(), workflow.StatusName(l.Stage, to))
}

// canFillCheckpoint: the department's editor, in the execution stage,
// while the report (if stored) is a draft or returned.
func canFillCheckpoint(u *store.User, l store.Listing, r *store.CheckpointReport) error {
	if !inOwnDepartment(u, l) || u.Role != workflow.Editor {
		return forbidden("只有本部门的%s可以填写绩效监控表", workflow.RoleNames[workflow.Editor])
	}
	if l.Stage != workflow.Execution {
		return forbidden("当前处于“%s”阶段，绩效监控表在“执行监控”阶段填写", l.StageName())
	}
	if r != nil && !workflow.Editable(r.Status) {
		return forbidden("绩效监控表当前状态为“%s”，不能修改；只有草稿或已退回的监控表可以修改", r.StatusName())
	}
	return nil
}

// checkpointMoves are the moves u may make on the report.
func checkpointMoves(u *store.User, l store.Listing, r *store.CheckpointReport) []workflow.Transition {
	if r == nil || u == nil || u.Disabled || (u.InDepartment() && !inOwnDepartment(u, l)) {
		return nil
	}
	return workflow.NextCheckpoint(r.Status, u.Role)
}

// scored is a stored department-year scored with its pinned frameworks.
type scored struct {
	rec *store.Record
	lib *datafile.Library
	res *scoring.Result
	fw  *framework.Framework // the department framework, after weights
	pfw *framework.Framework // the project framework, or nil
	ds  diag.List
	// unscored: the year is in the evaluation stage and cannot be scored
	// yet (just moved there by 开始年终自评, its year-end values still
	// empty). res is then an empty placeholder, so that the forms that
	// fill the values in have a "before"; ds says what is missing, and
	// pages show no score (result).
	unscored bool
}

// result is the year's score, or nil when it has none: before the
// evaluation stage, or not yet scorable in it.
func (sc *scored) result() *scoring.Result {
	if sc.unscored {
		return nil
	}
	return sc.res
}

// parseYear reads a year path segment.
func parseYear(s string) (int, bool) {
	y, err := strconv.Atoi(s)
	if err != nil || y < 1900 || y > 9999 || strconv.Itoa(y) != s {
		return 0, false
	}
	return y, true
}

// load reads the department-year for u (nil: the public). What u may not
// see is ENOTFOUND, like what does not exist.
func (s *server) load(ctx context.Context, u *store.User, code, yearText string) (*scored, error) {
	year, ok := parseYear(yearText)
	if !ok || code == "" {
		return nil, notFound(code, yearText)
	}
	rec, err := s.st.Get(ctx, code, year)
	if err != nil {
		return nil, err
	}
	if !visibleTo(u, rec.Listing) {
		return nil, notFound(code, yearText)
	}
	return scoreRecord(rec, s.scores)
}

// scoreRecord scores a record with the framework files pinned with it,
// never the current ones.
func scoreRecord(rec *store.Record, cache *scores) (*scored, error) {
	lib, err := rec.Library()
	if err != nil {
		return nil, fmt.Errorf("部门 %s %d 年度留存的指标框架无法读取：%w", rec.DepartmentCode, rec.Year, err)
	}
	sc := &scored{rec: rec, lib: lib}
	key := scoreKey{rec.DepartmentCode, rec.Year, rec.Version, rec.UpdatedAt.UnixNano(), rec.CycleStamp}
	if c, ok := cache.get(key); ok {
		sc.res, sc.ds, sc.fw, sc.pfw, sc.unscored = c.res, c.ds, c.fw, c.pfw, c.unscored
		return sc, nil
	}
	if a := sc.rescore(rec.Evaluation, storedOptions()); a.Result == nil && rec.Scored() {
		sc.unscored, sc.ds, sc.fw, sc.pfw = true, a.Findings, a.Weighted, a.ProjectFramework
		sc.res = &scoring.Result{Framework: rec.Evaluation.Framework}
		if a.Weighted != nil {
			sc.res.FrameworkName, sc.res.FrameworkVersion, sc.res.Points = a.Weighted.Name, a.Weighted.Version, a.Weighted.Total
		}
	}
	cache.put(key, sc)
	return sc, nil
}

// scoreKey names one stored version of a department-year: every change
// to its data or status bumps the version, and every change to the
// records beside it (ex-ante evaluations) its cycle stamp, so a score
// computed for a key stays right for as long as the key exists.
type scoreKey struct {
	code    string
	year    int
	version int
	updated int64
	cycle   string
}

// scores caches scoring results, which are read-only once made: showing a
// year is mostly reading it, and rescoring on every request was a fifth of
// the workspace's CPU.
type scores struct {
	mu sync.Mutex
	m  map[scoreKey]*scored
}

// maxCachedScores bounds the cache; when full it starts afresh, which is
// simple and, at this size, rare.
const maxCachedScores = 4096

func newScores() *scores { return &scores{m: map[scoreKey]*scored{}} }

func (c *scores) get(k scoreKey) (*scored, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *scores) put(k scoreKey, v *scored) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedScores {
		c.m = map[scoreKey]*scored{}
	}
	c.m[k] = &scored{res: v.res, ds: v.ds, fw: v.fw, pfw: v.pfw, unscored: v.unscored}
}

// storedOptions are the pipeline's options for a stored year: the
// official working-day calendar, the built-in target-quality rules, and a year that was checked when it was
// saved is scored even if a check added since finds errors in it (they
// are shown).
func storedOptions() assess.Options {
	return assess.Options{Calendar: calendar.ScoringOptions().Calendar, Quality: datafile.DefaultQuality(), Stored: true}
}

// changeOptions are the pipeline's options for data a user has just
// changed: errors stop scoring. The target-quality checks are not among
// them: the year-end forms change actual values, not the targets, and
// the workspace shows those findings (storedOptions) to the editor and
// the reviewer.
func changeOptions() assess.Options {
	return assess.Options{Calendar: calendar.ScoringOptions().Calendar}
}

// rescore runs the assessment pipeline on ev with the pinned frameworks,
// for the stored year's stage, with the records the store keeps beside
// it (store.Record.Cycle): every page that assesses a stored year comes
// here. When ev can be scored, sc takes the
// result, the frameworks and the findings; otherwise sc is as it was and
// the assessment's findings say why. Before the evaluation stage nothing
// is scored: sc takes the frameworks and findings, and no result.
func (sc *scored) rescore(ev *evaluation.Evaluation, opts assess.Options) *assess.Assessment {
	opts.Stage, opts.Cycle = sc.rec.Stage, sc.rec.Cycle
	if opts.Quality != nil && sc.rec.Rules != nil {
		// The store's quality rules (built-in unless configured).
		opts.Quality = sc.rec.Rules.Quality
	}
	a := assess.Assess(ev, sc.lib, opts)
	if a.Result != nil || !assess.Scored(opts.Stage) {
		sc.res, sc.ds, sc.fw, sc.pfw = a.Result, a.Findings, a.Weighted, a.ProjectFramework
	}
	return a
}

// canPublishAll: publishing is the reviewer's move (workflow: accepted →
// published), so is publishing many at once.
func canPublishAll(u *store.User) error {
	if u != nil && !u.Disabled && u.Role == workflow.Reviewer {
		return nil
	}
	return forbidden("只有%s可以批量公开部门年度", workflow.RoleNames[workflow.Reviewer])
}

// canSeeDashboard: the finance dashboard compares every department, so it
// is the finance bureau's page: reviewers and administrators. Department
// users are refused (403) rather than shown their own department alone.
func canSeeDashboard(u *store.User) error {
	if u != nil && !u.Disabled && (u.Role == workflow.Reviewer || u.Role == workflow.Admin) {
		return nil
	}
	return forbidden("财政绩效看板仅供%s和%s查看", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[workflow.Admin])
}

// canSeeMonitoring: the province view of execution warnings compares
// every department: reviewers and administrators, as the dashboard.
func canSeeMonitoring(u *store.User) error {
	if u != nil && !u.Disabled && (u.Role == workflow.Reviewer || u.Role == workflow.Admin) {
		return nil
	}
	return forbidden("执行监控预警汇总仅供%s和%s查看", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[workflow.Admin])
}

// canRefreshWarnings: computing the warnings of a whole year is the
// finance bureau's reviewer's (it reads every payment of the year).
func canRefreshWarnings(u *store.User) error {
	if u != nil && !u.Disabled && u.Role == workflow.Reviewer {
		return nil
	}
	return forbidden("只有%s可以重新计算预警", workflow.RoleNames[workflow.Reviewer])
}

// canSeeWarning: reviewers and administrators see every warning, a
// department's users their department's; the public none.
func canSeeWarning(u *store.User, w *store.Warning) error {
	switch {
	case u == nil || u.Disabled:
	case u.InDepartment() && u.DepartmentCode == w.DepartmentCode:
		return nil
	case !u.InDepartment():
		return nil
	}
	return forbidden("不能查看该预警")
}

// warningMoves lists the moves u may make on a warning now: the
// reviewer's handling, the department editor's answer to a returned
// warning (the store checks both again with the account as stored).
func warningMoves(u *store.User, w *store.Warning) []workflow.WarningMove {
	if canSeeWarning(u, w) != nil || u.Role == workflow.Admin {
		return nil
	}
	return workflow.NextWarningMoves(w.State, u.Role)
}

// canSeeResults: the results applied to the budget (结果应用) of every
// department are the finance bureau's: reviewers and administrators.
func canSeeResults(u *store.User) error {
	if u != nil && !u.Disabled && (u.Role == workflow.Reviewer || u.Role == workflow.Admin) {
		return nil
	}
	return forbidden("结果应用仅供%s和%s查看", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[workflow.Admin])
}

// canDecideResults: only the finance bureau's reviewer decides how a
// result is applied (the store checks the role again).
func canDecideResults(u *store.User) error {
	if u != nil && !u.Disabled && u.Role == workflow.Reviewer {
		return nil
	}
	return forbidden("只有%s可以决定结果应用", workflow.RoleNames[workflow.Reviewer])
}
