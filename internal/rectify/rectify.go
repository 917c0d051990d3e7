// Package rectify holds rectification items (整改事项, docs/cycle.md §2
// tracks, §3.2): a problem found in a department-year — a lost point, a
// review comment, a monitoring warning, or one the finance bureau writes
// by hand — the measure the unit files against it, who is responsible,
// its deadlines (each with the rule that produced it), the evidence of
// the work, and its life from issue to closure (销号). It is pure rules:
// the store keeps the items and computes the due dates on the working-day
// calendar; this package says what an item may hold, who may move it and
// when it is overdue, given the day the caller passes in.
package rectify

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Statuses of an item. 逾期 (overdue) is not a status: it is derived
// from the due dates and the day asked about (Item.Overdue).
const (
	Open       = "open"        // 未整改: issued, the unit has not filed its measure
	InProgress = "in_progress" // 整改中: measure filed, work under way
	Done       = "done"        // 已整改待确认: the unit reports it done, with evidence
	Closed     = "closed"      // 已销号: confirmed (or waived) by the finance bureau
)

// Statuses lists the statuses in order.
var Statuses = []string{Open, InProgress, Done, Closed}

// StatusNames names each status in Chinese.
var StatusNames = map[string]string{Open: "未整改", InProgress: "整改中", Done: "已整改待确认", Closed: "已销号"}

// OverdueName is how an overdue item is marked beside its status.
const OverdueName = "逾期"

// StatusName names a status in Chinese.
func StatusName(s string) string {
	if n, ok := StatusNames[s]; ok {
		return n
	}
	return "未知状态"
}

// Limits on what one item and one department-year may hold.
const (
	MaxItems    = 200 // items per department-year
	MaxEvidence = 20  // evidence entries per item
	MaxLinks    = 20  // source links per item
)

// Link kinds: where an item comes from.
const (
	// LinkDeduction: points lost in the year's score (Scope + Node: the
	// department's tree or a project's, and the indicator or checklist
	// item code), with the trace sentence saying why.
	LinkDeduction = "deduction"
	// LinkReviewComment: a review comment of the year (Ref its id).
	LinkReviewComment = "review_comment"
	// LinkWarning: a monitoring warning of the year (Ref its id).
	LinkWarning = "warning"
)

// LinkKindNames names each link kind in Chinese.
var LinkKindNames = map[string]string{LinkDeduction: "扣分", LinkReviewComment: "复核意见", LinkWarning: "监控预警"}

// ScopeDepartment is the scope of the department's own score tree; a
// project's is "project:CODE".
const ScopeDepartment = "department"

// Link is one source of an item. An item made by hand has none.
type Link struct {
	Kind string `json:"kind"`
	// Scope and Node name a deduction: ScopeDepartment or "project:CODE",
	// and the indicator or checklist item code (B5.6).
	Scope string `json:"scope,omitempty"`
	Node  string `json:"node,omitempty"`
	// ID is the review comment's or the warning's id.
	ID int64 `json:"id,omitempty"`
	// Trace is the sentence of the source saying what was found: the
	// deduction's reason, the comment, the warning's sentence. The store
	// fills it from the source itself.
	Trace string `json:"trace,omitempty"`
	// Points lost, for a deduction (hundredths, as num.Points).
	Lost string `json:"lost,omitempty"`
}

// Ref is the link's key within its kind: "department/B5.6", or the id.
func (l Link) Ref() string {
	if l.Kind == LinkDeduction {
		return l.Scope + "/" + l.Node
	}
	return fmt.Sprint(l.ID)
}

// Describe names the link in Chinese: "扣分 B5.6（部门整体）", "复核意见 #3".
func (l Link) Describe() string {
	switch l.Kind {
	case LinkDeduction:
		where := "部门整体"
		if code, ok := strings.CutPrefix(l.Scope, "project:"); ok {
			where = "项目 " + code
		}
		return fmt.Sprintf("扣分 %s（%s）", l.Node, where)
	case LinkReviewComment:
		return fmt.Sprintf("复核意见 #%d", l.ID)
	case LinkWarning:
		return fmt.Sprintf("监控预警 #%d", l.ID)
	}
	return l.Kind
}

// Evidence is one piece of proof the unit gives that the work is done:
// a description and, optionally, a file name and a reference (a document
// number, an archive location).
type Evidence struct {
	Text    string     `json:"text"`
	File    string     `json:"file,omitempty"`
	Ref     string     `json:"ref,omitempty"`
	AddedBy string     `json:"added_by,omitempty"`
	AddedOn civil.Date `json:"added_on,omitzero"`
}

// Describe is the evidence in one line: "合同备案登记表（备案表.pdf，穗天政办备〔2024〕3号）".
func (e Evidence) Describe() string {
	var extra []string
	for _, s := range []string{e.File, e.Ref} {
		if strings.TrimSpace(s) != "" {
			extra = append(extra, s)
		}
	}
	if len(extra) == 0 {
		return e.Text
	}
	return e.Text + "（" + strings.Join(extra, "，") + "）"
}

// RuleByReviewer is the rule of a due date the finance bureau's reviewer
// set by hand instead of the cycle rules' default.
const RuleByReviewer = "reviewer"

// PendingNote is said of a due date that cannot be computed yet: the
// official calendar does not have the year (docs/cycle.md §6).
const PendingNote = "待国务院节假日安排公布后确定"

// Due is a deadline of an item: the date, the rule that produced it (a
// cycle rules deadline key, or RuleByReviewer) and the day it ran from.
// A rule with no date is pending: the calendar lacks the year.
type Due struct {
	Date civil.Date `json:"date,omitzero"`
	Rule string     `json:"rule,omitempty"`
	From civil.Date `json:"from,omitzero"`
}

// Set says a date is known.
func (d Due) Set() bool { return !d.Date.IsZero() }

// Pending says the rule applies but the date is not known yet.
func (d Due) Pending() bool { return d.Rule != "" && d.Date.IsZero() }

// Text is the due date in Chinese, or the pending note, or "".
func (d Due) Text() string {
	switch {
	case d.Set():
		return d.Date.Chinese()
	case d.Pending():
		return PendingNote
	}
	return ""
}

// Basis says how the date was set, for a trace or a page: "整改措施报送，
// 自2024年5月10日次日起算30日（末日为法定休假日的顺延）（默认设置，各地规定不同）".
func (d Due) Basis(rules *cycle.Rules) string {
	if d.Rule == RuleByReviewer {
		return "由财政复核人员确定"
	}
	if rules == nil || d.Rule == "" {
		return ""
	}
	r, ok := rules.Deadlines[d.Rule]
	if !ok {
		return d.Rule
	}
	s := r.Name + "：" + r.Describe()
	if !d.From.IsZero() {
		s = fmt.Sprintf("%s，自%s次日起算%s", r.Name, d.From.Chinese(), r.Describe())
	}
	if r.Default {
		s += "（默认设置，各地规定不同）"
	}
	return s
}

// Item is one rectification item of a department-year (its origin year).
type Item struct {
	ID             int64  `json:"id"`
	DepartmentCode string `json:"department_code"`
	Department     string `json:"department,omitempty"`
	Year           int    `json:"year"`
	Number         int    `json:"number"`
	Problem        string `json:"problem"`
	Measure        string `json:"measure,omitempty"`
	// Unit and Person are the responsible unit (责任单位) and person (责任人).
	Unit   string `json:"unit,omitempty"`
	Person string `json:"person,omitempty"`
	Status string `json:"status"`
	// IssuedOn is the day the item was issued (下达), from which the
	// measures are due; MeasuresFiledOn the day the unit filed its
	// measure, from which completion is due; DoneOn the day it reported
	// the work done; ClosedOn the day it was closed.
	IssuedOn        civil.Date `json:"issued_on"`
	MeasuresDue     Due        `json:"measures_due"`
	MeasuresFiledOn civil.Date `json:"measures_filed_on,omitzero"`
	CompleteDue     Due        `json:"complete_due"`
	DoneOn          civil.Date `json:"done_on,omitzero"`
	ClosedOn        civil.Date `json:"closed_on,omitzero"`
	// Waived says the item was closed without the work (免于整改), with
	// the reason in Comment.
	Waived   bool       `json:"waived,omitempty"`
	Evidence []Evidence `json:"evidence,omitempty"`
	Links    []Link     `json:"links,omitempty"`
	// Comment is the finance bureau's latest word: why it returned the
	// item, why it waived it, or its confirmation.
	Comment   string `json:"comment,omitempty"`
	Confirmer string `json:"confirmer,omitempty"`
	IssuedBy  string `json:"issued_by"`
	Version   int    `json:"version"`
	// IssuedByName and ConfirmerName are the display names of the
	// accounts IssuedBy and Confirmer name (the names as recorded when
	// they are no account), filled in when the items are read.
	IssuedByName  string `json:"-"`
	ConfirmerName string `json:"-"`
}

// StatusName names the item's status in Chinese.
func (it *Item) StatusName() string { return StatusName(it.Status) }

// NextDue is the deadline of the step the item waits for: the measure
// while open, completion while in progress or awaiting confirmation;
// none once closed.
func (it *Item) NextDue() Due {
	switch it.Status {
	case Open:
		return it.MeasuresDue
	case InProgress, Done:
		return it.CompleteDue
	}
	return Due{}
}

// Overdue says the item is not closed and a due date of a step not yet
// taken is before today: the measure not filed by its date, or the work
// not reported done by its completion date. An item reported done and
// waiting for the finance bureau is not overdue: the unit has acted.
func (it *Item) Overdue(today civil.Date) bool {
	switch it.Status {
	case Open:
		return before(it.MeasuresDue, today) || before(it.CompleteDue, today)
	case InProgress:
		return before(it.CompleteDue, today)
	}
	return false
}

func before(d Due, today civil.Date) bool { return d.Set() && d.Date.Before(today) }

// StatusText is the status with 逾期 added when the item is overdue on
// today: "整改中（逾期）".
func (it *Item) StatusText(today civil.Date) string {
	if it.Overdue(today) {
		return it.StatusName() + "（" + OverdueName + "）"
	}
	return it.StatusName()
}

// Draft is what the finance bureau gives to issue an item.
type Draft struct {
	Problem string
	Measure string
	Unit    string
	Person  string
	// CompleteDue, when set, is the completion date the reviewer fixes
	// instead of the default (measures filed + rectification_complete).
	CompleteDue civil.Date
	Links       []Link
}

// problemLimit and the other bounds are those of the text kinds
// (evaluation.TextParagraph, TextName, TextLine).
func textProblem(where, field string, kind evaluation.TextKind, s string) string {
	if msg := evaluation.CheckText(kind, s); msg != "" {
		return fmt.Sprintf("%s%s%s", where, field, msg)
	}
	return ""
}

// ValidateDraft lists every problem of a draft in Chinese, each naming
// where (where is the caller's prefix, "第2项："); none when it may be
// issued. issued is the issue date (a completion date before it is
// refused).
func ValidateDraft(where string, d *Draft, issued civil.Date) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	if strings.TrimSpace(d.Problem) == "" {
		out = append(out, where+"问题描述不能为空")
	}
	add(textProblem(where, "问题描述", evaluation.TextParagraph, d.Problem))
	add(textProblem(where, "整改措施", evaluation.TextParagraph, d.Measure))
	add(textProblem(where, "责任单位", evaluation.TextName, d.Unit))
	add(textProblem(where, "责任人", evaluation.TextName, d.Person))
	if !d.CompleteDue.IsZero() && !issued.IsZero() && d.CompleteDue.Before(issued) {
		out = append(out, fmt.Sprintf("%s整改完成期限%s早于下达日期%s", where, d.CompleteDue.Chinese(), issued.Chinese()))
	}
	out = append(out, ValidateLinks(where, d.Links)...)
	return out
}

// ValidateLinks checks the shape of source links: a known kind, a
// deduction naming its scope and node, a comment or warning its id, no
// link twice, at most MaxLinks.
func ValidateLinks(where string, ls []Link) []string {
	var out []string
	if len(ls) > MaxLinks {
		out = append(out, fmt.Sprintf("%s来源最多 %d 个，实际 %d 个", where, MaxLinks, len(ls)))
	}
	seen := map[string]bool{}
	for i, l := range ls {
		at := fmt.Sprintf("%s来源第 %d 个", where, i+1)
		switch l.Kind {
		case LinkDeduction:
			if l.Scope != ScopeDepartment && !validProjectScope(l.Scope) {
				out = append(out, fmt.Sprintf("%s的范围 %q 无效：应为 department 或 project:项目编码", at, l.Scope))
			}
			if strings.TrimSpace(l.Node) == "" {
				out = append(out, at+"缺少扣分的指标或检查项编码")
			} else if msg := evaluation.CheckText(evaluation.TextCode, l.Node); msg != "" {
				out = append(out, at+"的指标编码"+msg)
			}
		case LinkReviewComment, LinkWarning:
			if l.ID <= 0 {
				out = append(out, fmt.Sprintf("%s（%s）缺少编号", at, LinkKindNames[l.Kind]))
			}
		default:
			out = append(out, fmt.Sprintf("%s的种类 %q 无效：应为 deduction（扣分）、review_comment（复核意见）或 warning（监控预警）", at, l.Kind))
			continue
		}
		key := l.Kind + ":" + l.Ref()
		if seen[key] {
			out = append(out, fmt.Sprintf("%s（%s）重复", at, l.Describe()))
		}
		seen[key] = true
	}
	return out
}

func validProjectScope(s string) bool {
	code, ok := strings.CutPrefix(s, "project:")
	return ok && code != "" && evaluation.CheckText(evaluation.TextCode, code) == ""
}

// ValidateEvidence checks evidence entries: each with a description, the
// text rules, at most MaxEvidence in all (have are the entries already
// on the item).
func ValidateEvidence(where string, have int, es []Evidence) []string {
	var out []string
	if have+len(es) > MaxEvidence {
		out = append(out, fmt.Sprintf("%s佐证材料最多 %d 项，已有 %d 项，又添加 %d 项", where, MaxEvidence, have, len(es)))
	}
	for i, e := range es {
		at := fmt.Sprintf("%s佐证材料第 %d 项", where, i+1)
		if strings.TrimSpace(e.Text) == "" {
			out = append(out, at+"缺少说明")
		}
		for _, f := range []struct {
			name string
			v    string
		}{{"说明", e.Text}, {"文件名", e.File}, {"文号或存放位置", e.Ref}} {
			if msg := evaluation.CheckText(evaluation.TextLine, f.v); msg != "" {
				out = append(out, at+"的"+f.name+msg)
			}
		}
	}
	return out
}

// Actions: the moves of an item, by key (the command line and the web
// name them so).
const (
	ActionFile    = "file"    // 报送整改措施
	ActionDone    = "done"    // 报告整改完成
	ActionConfirm = "confirm" // 确认销号
	ActionReject  = "reject"  // 退回重新整改
	ActionWaive   = "waive"   // 免于整改并销号
)

// Move is one allowed move of an item.
type Move struct {
	Action   string
	From, To string
	Role     string
	// Name is the button and the history's word.
	Name string
	// NeedsComment: the move must say why (a return, a waiver).
	NeedsComment bool
	// NeedsMeasure: the item must have a measure after the move.
	NeedsMeasure bool
	// NeedsEvidence: the item must have evidence after the move.
	NeedsEvidence bool
	// Back: the move takes the item back a step.
	Back bool
}

// Moves are the only moves of an item (docs/cycle.md §2): the reviewer
// issues (Issue), confirms, returns with a comment and waives with a
// reason; the department's editor files the measure and reports the work
// done with evidence.
var Moves = []Move{
	{Action: ActionFile, From: Open, To: InProgress, Role: workflow.Editor, Name: "报送整改措施", NeedsMeasure: true},
	{Action: ActionDone, From: InProgress, To: Done, Role: workflow.Editor, Name: "报告整改完成", NeedsEvidence: true},
	{Action: ActionConfirm, From: Done, To: Closed, Role: workflow.Reviewer, Name: "确认销号"},
	{Action: ActionReject, From: Done, To: InProgress, Role: workflow.Reviewer, Name: "退回重新整改", NeedsComment: true, Back: true},
	{Action: ActionWaive, From: Open, To: Closed, Role: workflow.Reviewer, Name: "免于整改并销号", NeedsComment: true},
	{Action: ActionWaive, From: InProgress, To: Closed, Role: workflow.Reviewer, Name: "免于整改并销号", NeedsComment: true},
	{Action: ActionWaive, From: Done, To: Closed, Role: workflow.Reviewer, Name: "免于整改并销号", NeedsComment: true},
}

// Actions lists the action keys with their Chinese names, in order.
var Actions = []struct{ Key, Name string }{
	{ActionFile, "报送整改措施"}, {ActionDone, "报告整改完成"}, {ActionConfirm, "确认销号"},
	{ActionReject, "退回重新整改"}, {ActionWaive, "免于整改并销号"},
}

// IssueRole is the role that issues items (下达整改).
const IssueRole = workflow.Reviewer

// EditableBy says which fields role may change while the item is in
// status: the reviewer the problem, the responsible unit and person and
// the completion date until the item is closed; the editor the measure
// and the responsible unit and person while the work is open or under
// way.
func EditableBy(role, status string) map[string]bool {
	switch {
	case status == Closed:
		return map[string]bool{}
	case role == workflow.Reviewer:
		return map[string]bool{"problem": true, "unit": true, "person": true, "complete_due": true}
	case role == workflow.Editor && (status == Open || status == InProgress):
		return map[string]bool{"measure": true, "unit": true, "person": true}
	}
	return map[string]bool{}
}

// FindMove returns the move of action from status for role, or an error
// in Chinese saying why it is not allowed.
func FindMove(action, from, role string) (Move, error) {
	known := false
	for _, m := range Moves {
		if m.Action != action {
			continue
		}
		known = true
		if m.From == from && m.Role == role {
			return m, nil
		}
	}
	if !known {
		keys := make([]string, len(Actions))
		for i, a := range Actions {
			keys[i] = a.Key + "（" + a.Name + "）"
		}
		return Move{}, fmt.Errorf("未知的整改操作 %q，可用：%s", action, strings.Join(keys, "、"))
	}
	return Move{}, fmt.Errorf("%s不能对“%s”的整改事项执行“%s”", workflow.RoleNames[role], StatusName(from), ActionName(action))
}

// ActionName names an action in Chinese.
func ActionName(action string) string {
	for _, a := range Actions {
		if a.Key == action {
			return a.Name
		}
	}
	return action
}

// NextMoves lists the moves role may make on an item in status from.
func NextMoves(from, role string) []Move {
	var out []Move
	for _, m := range Moves {
		if m.From == from && m.Role == role {
			out = append(out, m)
		}
	}
	return out
}

// Truncate shortens s to n characters with an ellipsis, for list cells.
func Truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
