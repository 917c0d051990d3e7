package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/rectify"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Rectification items (整改事项, docs/cycle.md §2 tracks, migration 00016):
// rows beside the department-year the problem was found in (the origin
// year), numbered within it, each with its own status (rectify.Moves) and
// version. Due dates are computed when the event that starts them is
// stored, on the official working-day calendar under the built-in cycle
// rules (rules/cycle-default.yaml): measures due from the issue, completion
// due from the filing of the measure unless the reviewer set a date. A
// year the calendar lacks leaves the date empty (rectify.PendingNote).
// Every change is a history row of the origin year at rectification[N]…;
// the year's version does not change. The next year's B4.5 and W187 read
// the items (cycleFor), and a change rescores the next year when it is in
// the evaluation stage.

// RectificationEdit changes fields of an item; nil leaves a field alone.
// Who may change which field is rectify.EditableBy.
type RectificationEdit struct {
	Problem, Measure, Unit, Person *string
	// CompleteDue sets the completion date by hand (the reviewer); a zero
	// date goes back to the rule's date.
	CompleteDue *civil.Date
}

// RectificationMove is what a move carries: the reviewer's comment (a
// return or a waiver needs one), the measure filed (file: defaults to
// the item's measure) and the evidence added (done: at least one in all).
type RectificationMove struct {
	Comment  string
	Measure  string
	Evidence []rectify.Evidence
}

// RectificationFilter selects items for the finance bureau's list.
type RectificationFilter struct {
	// Year is the origin year; 0 any.
	Year int
	// Department is a department code; "" any.
	Department string
	// Status is one of rectify.Statuses; "" any.
	Status string
	// Overdue keeps only the items overdue today.
	Overdue bool
	// Offset and Limit page the list (Limit at most MaxRectificationPage;
	// 0 is DefaultRectificationPage).
	Offset, Limit int
}

// Page sizes of the bureau's list.
const (
	DefaultRectificationPage = 100
	MaxRectificationPage     = 500
)

// Today is the day in Beijing time by the store's clock: the day overdue
// is judged on.
func (s *Store) Today() civil.Date { return civil.DateOf(s.now().In(chinaTime)) }

// rectifyActor identifies the actor of a rectification: an account (read
// in the transaction; a department user of another department refused)
// or the command line's Operator.
func (tx *txn) rectifyActor(ctx context.Context, actor User, code string, year int) (User, error) {
	if actor.operator {
		if actor.Role != workflow.Reviewer && actor.Role != workflow.Editor {
			return User{}, errorf(apperr.EFORBIDDEN, "操作人只能以财政审核人或部门填报人的身份处理整改事项")
		}
		if strings.TrimSpace(actor.Username) == "" {
			return User{}, errorf(apperr.EINVALID, "缺少操作人")
		}
		if err := checkField("", "操作人", evaluation.TextName, actor.Username); err != nil {
			return User{}, err
		}
		return actor, nil
	}
	a, err := tx.actor(ctx, actor)
	if err != nil {
		return a, err
	}
	return a, checkDepartment(a, code, year)
}

// dueOf computes the due date of the cycle rule key for an event on
// start: pending (no date) when the calendar does not have the year yet.
func (s *Store) dueOf(key string, start civil.Date) (rectify.Due, error) {
	d := rectify.Due{Rule: key, From: start}
	cal, err := calendar.Default()
	if err != nil {
		return d, err
	}
	date, err := s.rules.Cycle.Due(key, start, cal)
	if errors.Is(err, calendar.ErrUnknownYear) {
		return d, nil
	}
	if err != nil {
		return d, err
	}
	d.Date = date
	return d, nil
}

// CycleRules are the cycle rules the store computes deadlines with, for
// pages that explain a due date (rectify.Due.Basis).
func (s *Store) CycleRules() *cycle.Rules { return s.rules.Cycle }

// dateCol reads a nullable DATE column as text (” when NULL) on both
// engines.
func (tx *txn) dateCol(col string) string { return dateColFor(tx.store.dialect, col) }

func dateColFor(dialect, col string) string {
	if dialect == Postgres {
		return "COALESCE(to_char(" + col + ", 'YYYY-MM-DD'), '')"
	}
	return "COALESCE(" + col + ", '')"
}

// dateArg is a date for a nullable DATE column.
func dateArg(d civil.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func (tx *txn) rectifyColumns() string { return rectifyColumnsFor(tx.store.dialect) }

func rectifyColumnsFor(dialect string) string {
	cols := []string{"ri.id", "d.code", "d.name", "dy.year", "ri.number", "ri.problem", "ri.measure", "ri.unit", "ri.person", "ri.status"}
	for _, c := range []string{"ri.issued_on", "ri.measures_due", "ri.measures_due_from", "ri.measures_filed_on", "ri.complete_due", "ri.complete_due_from", "ri.done_on", "ri.closed_on"} {
		cols = append(cols, dateColFor(dialect, c))
	}
	cols = append(cols, "ri.measures_due_rule", "ri.complete_due_rule", "ri.waived", "ri.evidence", "ri.comment", "ri.confirmer", "ri.issued_by", "ri.version", "ri.department_year_id",
		// The people by their display names where they are accounts.
		"COALESCE(NULLIF(ui.display_name, ''), ri.issued_by)", "COALESCE(NULLIF(uc.display_name, ''), ri.confirmer)")
	return strings.Join(cols, ", ")
}

const rectifyFrom = ` FROM rectification_items ri JOIN department_years dy ON dy.id = ri.department_year_id JOIN departments d ON d.id = dy.department_id
	LEFT JOIN users ui ON ui.username = ri.issued_by LEFT JOIN users uc ON uc.username = ri.confirmer AND ri.confirmer <> ''`

// rectRow is an item with the department-year it belongs to.
type rectRow struct {
	rectify.Item
	dyID int64
}

func scanRectification(row interface{ Scan(...any) error }, more ...any) (*rectRow, error) {
	var (
		r        rectRow
		dates    [8]string
		evidence []byte
	)
	dest := []any{&r.ID, &r.DepartmentCode, &r.Department, &r.Year, &r.Number, &r.Problem, &r.Measure, &r.Unit, &r.Person, &r.Status}
	for i := range dates {
		dest = append(dest, &dates[i])
	}
	dest = append(dest, &r.MeasuresDue.Rule, &r.CompleteDue.Rule, &r.Waived, &evidence, &r.Comment, &r.Confirmer, &r.IssuedBy, &r.Version, &r.dyID,
		&r.IssuedByName, &r.ConfirmerName)
	if err := row.Scan(append(dest, more...)...); err != nil {
		return nil, err
	}
	var parsed [8]civil.Date
	for i, s := range dates {
		if s == "" {
			continue
		}
		// SQLite may hand back a timestamp text for a DATE column.
		d, err := civil.ParseDate(s[:min(len(s), 10)])
		if err != nil {
			return nil, fmt.Errorf("整改事项的日期 %q 无法读取：%w", s, err)
		}
		parsed[i] = d
	}
	r.IssuedOn, r.MeasuresDue.Date, r.MeasuresDue.From, r.MeasuresFiledOn = parsed[0], parsed[1], parsed[2], parsed[3]
	r.CompleteDue.Date, r.CompleteDue.From, r.DoneOn, r.ClosedOn = parsed[4], parsed[5], parsed[6], parsed[7]
	if len(evidence) > 0 {
		if err := json.Unmarshal(evidence, &r.Evidence); err != nil {
			return nil, fmt.Errorf("整改事项的佐证材料无法读取：%w", err)
		}
	}
	return &r, nil
}

// loadLinks fills the links of items, in the order they were given.
func (tx *txn) loadLinks(ctx context.Context, items []*rectRow) error {
	if len(items) == 0 {
		return nil
	}
	byID := map[int64]*rectRow{}
	args := make([]any, len(items))
	for i, it := range items {
		byID[it.ID] = it
		args[i] = it.ID
	}
	rows, err := tx.query(ctx, `SELECT item_id, kind, scope, node, source_id, trace, lost FROM rectification_links
		WHERE item_id IN (`+placeholders(len(items))+`) ORDER BY item_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var l rectify.Link
		if err := rows.Scan(&id, &l.Kind, &l.Scope, &l.Node, &l.ID, &l.Trace, &l.Lost); err != nil {
			return err
		}
		if it := byID[id]; it != nil {
			it.Links = append(it.Links, l)
		}
	}
	return rows.Err()
}

// rectifications reads the items of a department-year id (number 0: all,
// by number), with their links.
func (tx *txn) rectifications(ctx context.Context, id int64, number int) ([]*rectRow, error) {
	q := "SELECT " + tx.rectifyColumns() + rectifyFrom + " WHERE ri.department_year_id = ?"
	args := []any{id}
	if number > 0 {
		q += " AND ri.number = ?"
		args = append(args, number)
	}
	out, err := tx.rectRows(ctx, q+" ORDER BY ri.number", args...)
	if err != nil {
		return nil, err
	}
	return out, tx.loadLinks(ctx, out)
}

// rectRows runs q (selecting rectifyColumns) and scans its rows, without
// their links.
func (tx *txn) rectRows(ctx context.Context, q string, args ...any) ([]*rectRow, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*rectRow
	for rows.Next() {
		r, err := scanRectification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func rectItems(rs []*rectRow) []rectify.Item {
	out := make([]rectify.Item, len(rs))
	for i, r := range rs {
		out[i] = r.Item
	}
	return out
}

// Rectifications lists the items of a department-year (its origin
// year), by number.
func (s *Store) Rectifications(ctx context.Context, code string, year int) ([]rectify.Item, error) {
	var out []rectify.Item
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		rs, err := tx.rectifications(ctx, st.id, 0)
		out = rectItems(rs)
		return err
	})
	return out, err
}

// Rectification reads item number of a department-year; apperr.ENOTFOUND
// when there is none.
func (s *Store) Rectification(ctx context.Context, code string, year, number int) (*rectify.Item, error) {
	var out *rectify.Item
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		r, err := tx.rectification(ctx, st.id, code, year, number)
		if err == nil {
			out = &r.Item
		}
		return err
	})
	return out, err
}

func (tx *txn) rectification(ctx context.Context, id int64, code string, year, number int) (*rectRow, error) {
	if number < 1 {
		return nil, errorf(apperr.ENOTFOUND, "部门 %s %d 年度没有第 %d 号整改事项", code, year, number)
	}
	rs, err := tx.rectifications(ctx, id, number)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, errorf(apperr.ENOTFOUND, "部门 %s %d 年度没有第 %d 号整改事项", code, year, number)
	}
	return rs[0], nil
}

// lostPointsOf scores a stored year in the evaluation stage with its
// pinned frameworks and the records beside it, and lists its lost points.
func (tx *txn) lostPointsOf(ctx context.Context, st dyState, code string, year int) (*evaluation.Evaluation, []rectify.LostPoint, *rectify.Suggestions, error) {
	if st.stage != workflow.Evaluation {
		return nil, nil, nil, errorf(apperr.EINVALID, "部门 %s %d 年度处于%s阶段，尚未评分，没有扣分可以关联", code, year, workflow.StageName(st.stage))
	}
	ev, err := tx.evaluation(ctx, st.id, code, year)
	if err != nil {
		return nil, nil, nil, err
	}
	content, pcon, c, err := tx.pinnedFrameworks(ctx, st.id)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := scorePinned(ev, content, pcon, c)
	if err != nil {
		return nil, nil, nil, err
	}
	sg := rectify.Suggest(ev, res)
	return ev, sg.Lost, sg, nil
}

// RectificationSuggestions matches a scored year's problems (三、存在的
// 主要问题) with its lost points and measures (rectify.Suggest), for the
// reviewer to issue items from. The year must be in the evaluation stage.
func (s *Store) RectificationSuggestions(ctx context.Context, code string, year int) (*rectify.Suggestions, error) {
	var out *rectify.Suggestions
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		_, _, out, err = tx.lostPointsOf(ctx, st, code, year)
		return err
	})
	return out, err
}

// IssueFromProblems issues one item per problem of a scored year, linked
// to the lost points its text names and with the measure it matches
// (RectificationSuggestions); problems already issued as items are
// skipped. A year without problems, or whose problems are all issued, is
// apperr.EINVALID.
func (s *Store) IssueFromProblems(ctx context.Context, code string, year int, actor User, reason string) ([]rectify.Item, error) {
	sg, err := s.RectificationSuggestions(ctx, code, year)
	if err != nil {
		return nil, err
	}
	if len(sg.Problems) == 0 {
		return nil, errorf(apperr.EINVALID, "部门 %s %d 年度没有填写存在的主要问题，无法据此下达整改事项", code, year)
	}
	have, err := s.Rectifications(ctx, code, year)
	if err != nil {
		return nil, err
	}
	issued := map[string]bool{}
	for _, it := range have {
		issued[strings.TrimSpace(it.Problem)] = true
	}
	var drafts []rectify.Draft
	for _, d := range sg.Drafts() {
		if !issued[strings.TrimSpace(d.Problem)] {
			drafts = append(drafts, d)
		}
	}
	if len(drafts) == 0 {
		return nil, errorf(apperr.EINVALID, "部门 %s %d 年度存在的主要问题均已下达整改事项（共 %d 项）", code, year, len(have))
	}
	return s.IssueRectifications(ctx, code, year, drafts, actor, reason)
}

// IssueRectifications issues items for a department-year (下达整改), all
// or none: only the finance bureau's reviewer (or the operator acting as
// one). Every problem of every draft is listed at once (apperr.EINVALID):
// the text rules, a problem already issued for the year, a deduction link
// naming no lost point of the year's score, a review comment or warning
// of another year. The links' sentences are taken from their sources.
// Each item is numbered after the year's last, issued today with its
// measures due (measures_filed) computed now, and its completion date the
// reviewer's when set. History: one create row per item at
// rectification[N].
func (s *Store) IssueRectifications(ctx context.Context, code string, year int, drafts []rectify.Draft, actor User, reason string) ([]rectify.Item, error) {
	where := fmt.Sprintf("部门 %s %d 年度下达整改事项：", code, year)
	if len(drafts) == 0 {
		return nil, errorf(apperr.EINVALID, "%s没有要下达的整改事项", where)
	}
	if len(drafts) > rectify.MaxItems {
		return nil, errorf(apperr.EINVALID, "%s一次最多下达 %d 项，实际 %d 项", where, rectify.MaxItems, len(drafts))
	}
	reason = strings.TrimSpace(reason)
	today := s.Today()
	var msgs []string
	if m := evaluation.CheckText(evaluation.TextParagraph, reason); m != "" {
		msgs = append(msgs, "原因"+m)
	}
	seen := map[string]int{}
	for i := range drafts {
		d := &drafts[i]
		d.Problem, d.Measure, d.Unit, d.Person = strings.TrimSpace(d.Problem), strings.TrimSpace(d.Measure), strings.TrimSpace(d.Unit), strings.TrimSpace(d.Person)
		at := fmt.Sprintf("第 %d 项：", i+1)
		msgs = append(msgs, rectify.ValidateDraft(at, d, today)...)
		if j, ok := seen[d.Problem]; ok && d.Problem != "" {
			msgs = append(msgs, fmt.Sprintf("%s问题与第 %d 项相同", at, j+1))
		}
		seen[d.Problem] = i
	}
	if len(msgs) > 0 {
		return nil, errorf(apperr.EINVALID, "%s%s", where, strings.Join(msgs, "；"))
	}
	var out []rectify.Item
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.rectifyActor(ctx, actor, code, year)
		if err != nil {
			return err
		}
		if a.Role != rectify.IssueRole {
			return errorf(apperr.EFORBIDDEN, "%s只有财政审核人可以下达整改事项", where)
		}
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		have, err := tx.rectifications(ctx, st.id, 0)
		if err != nil {
			return err
		}
		if len(have)+len(drafts) > rectify.MaxItems {
			return errorf(apperr.EINVALID, "%s每个部门年度最多 %d 项整改事项，已有 %d 项，又下达 %d 项", where, rectify.MaxItems, len(have), len(drafts))
		}
		last := 0
		existing := map[string]int{}
		for _, h := range have {
			existing[strings.TrimSpace(h.Problem)] = h.Number
			last = max(last, h.Number)
		}
		var msgs []string
		var lost map[string]rectify.LostPoint
		var lostErr error
		for i := range drafts {
			d := &drafts[i]
			at := fmt.Sprintf("第 %d 项：", i+1)
			if n, ok := existing[d.Problem]; ok {
				msgs = append(msgs, fmt.Sprintf("%s该问题已作为第 %d 号整改事项下达", at, n))
			}
			for j := range d.Links {
				l := &d.Links[j]
				lat := fmt.Sprintf("%s来源第 %d 个（%s）", at, j+1, l.Describe())
				switch l.Kind {
				case rectify.LinkDeduction:
					if lost == nil && lostErr == nil {
						var lps []rectify.LostPoint
						_, lps, _, lostErr = tx.lostPointsOf(ctx, st, code, year)
						lost = map[string]rectify.LostPoint{}
						for _, lp := range lps {
							lost[lp.Scope+"/"+lp.Node] = lp
						}
					}
					if lostErr != nil {
						msgs = append(msgs, lat+"："+lostErr.Error())
						continue
					}
					lp, ok := lost[l.Ref()]
					if !ok {
						msgs = append(msgs, lat+"：本年度评分中该指标或检查项没有扣分")
						continue
					}
					l.Trace, l.Lost = lp.Reason, lp.Lost.String()
				case rectify.LinkReviewComment:
					err := tx.queryRow(ctx, `SELECT body FROM review_comments WHERE id = ? AND department_year_id = ?`, l.ID, st.id).Scan(&l.Trace)
					if errors.Is(err, sql.ErrNoRows) {
						msgs = append(msgs, lat+"：本年度没有该复核意见")
					} else if err != nil {
						return err
					}
				case rectify.LinkWarning:
					err := tx.queryRow(ctx, `SELECT sentence FROM warnings WHERE id = ? AND department_year_id = ?`, l.ID, st.id).Scan(&l.Trace)
					if errors.Is(err, sql.ErrNoRows) {
						msgs = append(msgs, lat+"：本年度没有该监控预警")
					} else if err != nil {
						return err
					}
				}
			}
		}
		if len(msgs) > 0 {
			return errorf(apperr.EINVALID, "%s%s", where, strings.Join(msgs, "；"))
		}
		measuresDue, err := s.dueOf(cycle.MeasuresFiled, today)
		if err != nil {
			return err
		}
		now := s.now()
		ids := make([]int64, len(drafts))
		for i, d := range drafts {
			number := last + 1 + i
			complete := rectify.Due{}
			if !d.CompleteDue.IsZero() {
				complete = rectify.Due{Date: d.CompleteDue, Rule: rectify.RuleByReviewer}
			}
			err := tx.queryRow(ctx, `INSERT INTO rectification_items (department_year_id, number, problem, measure, unit, person, status,
				issued_on, measures_due, measures_due_rule, measures_due_from, complete_due, complete_due_rule, evidence,
				issued_by, created_at, updated_by, updated_at, version)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, 1) RETURNING id`,
				st.id, number, d.Problem, d.Measure, d.Unit, d.Person, rectify.Open,
				today.String(), dateArg(measuresDue.Date), measuresDue.Rule, dateArg(measuresDue.From), dateArg(complete.Date), complete.Rule,
				a.Username, now, a.Username, now).Scan(&ids[i])
			if err != nil {
				if isUniqueViolation(err) {
					return errorf(apperr.ECONFLICT, "%s他人同时下达了整改事项，请刷新后重试", where)
				}
				return fmt.Errorf("保存整改事项失败：%w", err)
			}
			for j, l := range d.Links {
				if _, err := tx.exec(ctx, `INSERT INTO rectification_links (item_id, kind, ref, scope, node, source_id, trace, lost, position)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ids[i], l.Kind, l.Ref(), l.Scope, l.Node, l.ID, l.Trace, l.Lost, j); err != nil {
					return fmt.Errorf("保存整改事项来源失败：%w", err)
				}
			}
			why := "下达整改事项"
			if reason != "" {
				why += "：" + reason
			}
			if err := tx.rectifyHistory(ctx, st, "create", fmt.Sprintf("rectification[%d]", number), "", d.Problem, a.Username, why, now); err != nil {
				return err
			}
		}
		rs, err := tx.rectifications(ctx, st.id, 0)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Number > last {
				out = append(out, r.Item)
			}
		}
		return tx.rescoreNext(ctx, st.id)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *txn) rectifyHistory(ctx context.Context, st dyState, action, path, old, new, actor, reason string, now time.Time) error {
	if _, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.id, st.version, now, actor, action, path, old, new, reason); err != nil {
		return fmt.Errorf("写入修改记录失败：%w", err)
	}
	return nil
}

// rescoreNext scores again the department's next year after an item of
// the year id changed, when it is in the evaluation stage: its B4.5 reads
// these items.
func (tx *txn) rescoreNext(ctx context.Context, id int64) error {
	var next int64
	var stage string
	err := tx.queryRow(ctx, `SELECT n.id, n.stage FROM department_years n JOIN department_years c
		ON c.department_id = n.department_id AND n.year = c.year + 1 WHERE c.id = ?`, id).Scan(&next, &stage)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return tx.rescoreWithRecords(ctx, next, stage)
}

// lockedItem reads item number of a department-year for a change by
// actor at expectedVersion.
func (tx *txn) lockedItem(ctx context.Context, code string, year, number, expectedVersion int, actor User) (User, dyState, *rectRow, string, error) {
	where := fmt.Sprintf("部门 %s %d 年度第 %d 号整改事项：", code, year, number)
	a, err := tx.rectifyActor(ctx, actor, code, year)
	if err != nil {
		return a, dyState{}, nil, where, err
	}
	st, err := tx.loadState(ctx, code, year)
	if err != nil {
		return a, st, nil, where, err
	}
	r, err := tx.rectification(ctx, st.id, code, year, number)
	if err != nil {
		return a, st, nil, where, err
	}
	if r.Version != expectedVersion {
		return a, st, nil, where, errorf(apperr.ECONFLICT, "%s已被他人修改（当前版本 %d，您编辑的版本 %d），请刷新后重试", where, r.Version, expectedVersion)
	}
	return a, st, r, where, nil
}

// bump writes the item's new version, refusing a concurrent change.
func (tx *txn) bumpItem(ctx context.Context, r *rectRow, where, set string, args ...any) error {
	args = append(args, r.ID, r.Version)
	res, err := tx.exec(ctx, "UPDATE rectification_items SET "+set+", version = version + 1 WHERE id = ? AND version = ?", args...)
	if err != nil {
		return fmt.Errorf("保存整改事项失败：%w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return errorf(apperr.ECONFLICT, "%s已被他人修改，请刷新后重试", where)
	}
	return nil
}

// rectifyFieldNames name the editable fields in Chinese.
var rectifyFieldNames = map[string]string{
	"problem": "问题描述", "measure": "整改措施", "unit": "责任单位", "person": "责任人", "complete_due": "整改完成期限",
	"measures_due": "整改措施报送期限", "status": "状态", "evidence": "佐证材料", "": "",
}

// EditRectification changes fields of an item read at expectedVersion:
// the reviewer the problem, the responsible unit and person and the
// completion date, the department's editor the measure and the
// responsible unit and person while the work is open or under way
// (rectify.EditableBy); a field the actor may not change is
// apperr.EFORBIDDEN naming it. A completion date set by the reviewer
// replaces the rule's (a zero date goes back to it). One history row per
// changed field at rectification[N].FIELD.
func (s *Store) EditRectification(ctx context.Context, code string, year, number int, e RectificationEdit, expectedVersion int, actor User, reason string) (*rectify.Item, error) {
	var out *rectify.Item
	err := s.withTx(ctx, func(tx *txn) error {
		a, st, r, where, err := tx.lockedItem(ctx, code, year, number, expectedVersion, actor)
		if err != nil {
			return err
		}
		if err := checkField(where, "修改原因", evaluation.TextParagraph, reason); err != nil {
			return err
		}
		allowed := rectify.EditableBy(a.Role, r.Status)
		type change struct{ field, old, new string }
		var changes []change
		var forbidden, msgs []string
		text := func(field string, p *string, cur *string, kind evaluation.TextKind) {
			if p == nil || strings.TrimSpace(*p) == *cur {
				return
			}
			v := strings.TrimSpace(*p)
			if !allowed[field] {
				forbidden = append(forbidden, rectifyFieldNames[field])
				return
			}
			if m := evaluation.CheckText(kind, v); m != "" {
				msgs = append(msgs, rectifyFieldNames[field]+m)
			}
			if field == "problem" && v == "" {
				msgs = append(msgs, "问题描述不能为空")
			}
			changes = append(changes, change{field, *cur, v})
			*cur = v
		}
		text("problem", e.Problem, &r.Problem, evaluation.TextParagraph)
		text("measure", e.Measure, &r.Measure, evaluation.TextParagraph)
		text("unit", e.Unit, &r.Unit, evaluation.TextName)
		text("person", e.Person, &r.Person, evaluation.TextName)
		if e.CompleteDue != nil {
			next := rectify.Due{Date: *e.CompleteDue, Rule: rectify.RuleByReviewer}
			if e.CompleteDue.IsZero() {
				next = rectify.Due{}
				if !r.MeasuresFiledOn.IsZero() {
					if next, err = s.dueOf(cycle.RectificationComplete, r.MeasuresFiledOn); err != nil {
						return err
					}
				}
			}
			if next != r.CompleteDue {
				switch {
				case !allowed["complete_due"]:
					forbidden = append(forbidden, rectifyFieldNames["complete_due"])
				case next.Set() && next.Date.Before(r.IssuedOn):
					msgs = append(msgs, fmt.Sprintf("整改完成期限%s早于下达日期%s", next.Date.Chinese(), r.IssuedOn.Chinese()))
				default:
					changes = append(changes, change{"complete_due", r.CompleteDue.Text(), next.Text()})
					r.CompleteDue = next
				}
			}
		}
		if len(forbidden) > 0 {
			return errorf(apperr.EFORBIDDEN, "%s%s不能修改“%s”的整改事项的%s", where, workflow.RoleNames[a.Role], r.StatusName(), strings.Join(forbidden, "、"))
		}
		if len(msgs) > 0 {
			return errorf(apperr.EINVALID, "%s%s", where, strings.Join(msgs, "；"))
		}
		if len(changes) == 0 {
			return errorf(apperr.EINVALID, "%s没有修改任何内容", where)
		}
		now := s.now()
		if err := tx.bumpItem(ctx, r, where, "problem = ?, measure = ?, unit = ?, person = ?, complete_due = ?, complete_due_rule = ?, complete_due_from = ?, updated_by = ?, updated_at = ?",
			r.Problem, r.Measure, r.Unit, r.Person, dateArg(r.CompleteDue.Date), r.CompleteDue.Rule, dateArg(r.CompleteDue.From), a.Username, now); err != nil {
			return err
		}
		for _, c := range changes {
			if err := tx.rectifyHistory(ctx, st, "update", fmt.Sprintf("rectification[%d].%s", number, c.field), c.old, c.new, a.Username, strings.TrimSpace(reason), now); err != nil {
				return err
			}
		}
		rr, err := tx.rectification(ctx, st.id, code, year, number)
		if err != nil {
			return err
		}
		out = &rr.Item
		return tx.rescoreNext(ctx, st.id)
	})
	return out, err
}

// MoveRectification moves an item read at expectedVersion by action
// (rectify.Moves, for the actor's role): the editor files the measure
// (file; completion then falls due under rectification_complete unless
// the reviewer set a date) and reports the work done with evidence
// (done); the reviewer confirms (confirm), returns with a comment
// (reject) or waives with a reason (waive). A move not allowed is
// apperr.EFORBIDDEN; a missing comment, measure or evidence
// apperr.EINVALID, every problem listed. History: rectification[N].status
// (reason "动作：意见"), and rectification[N].measure / .evidence when the
// move changed them.
func (s *Store) MoveRectification(ctx context.Context, code string, year, number int, action string, in RectificationMove, expectedVersion int, actor User) (*rectify.Item, error) {
	var out *rectify.Item
	err := s.withTx(ctx, func(tx *txn) error {
		a, st, r, where, err := tx.lockedItem(ctx, code, year, number, expectedVersion, actor)
		if err != nil {
			return err
		}
		mv, err := rectify.FindMove(action, r.Status, a.Role)
		if err != nil {
			return errorf(apperr.EFORBIDDEN, "%s%v", where, err)
		}
		comment := strings.TrimSpace(in.Comment)
		measure := strings.TrimSpace(in.Measure)
		var msgs []string
		if mv.NeedsComment && comment == "" {
			msgs = append(msgs, mv.Name+"须填写意见或理由")
		}
		if m := evaluation.CheckText(evaluation.TextParagraph, comment); m != "" {
			msgs = append(msgs, "意见"+m)
		}
		if measure != "" && !mv.NeedsMeasure {
			msgs = append(msgs, "整改措施只能在报送整改措施时填写")
		}
		if m := evaluation.CheckText(evaluation.TextParagraph, measure); m != "" {
			msgs = append(msgs, "整改措施"+m)
		}
		if mv.NeedsMeasure && measure == "" && strings.TrimSpace(r.Measure) == "" {
			msgs = append(msgs, "报送整改措施须填写整改措施")
		}
		if len(in.Evidence) > 0 && !mv.NeedsEvidence {
			msgs = append(msgs, "佐证材料只能在报告整改完成时提交")
		}
		msgs = append(msgs, rectify.ValidateEvidence("", len(r.Evidence), in.Evidence)...)
		if mv.NeedsEvidence && len(r.Evidence)+len(in.Evidence) == 0 {
			msgs = append(msgs, "报告整改完成须附佐证材料")
		}
		if len(msgs) > 0 {
			return errorf(apperr.EINVALID, "%s%s", where, strings.Join(msgs, "；"))
		}
		today, now := s.Today(), s.now()
		old := r.Item
		r.Status = mv.To
		switch action {
		case rectify.ActionFile:
			if measure != "" {
				r.Measure = measure
			}
			r.MeasuresFiledOn = today
			if r.CompleteDue.Rule != rectify.RuleByReviewer {
				if r.CompleteDue, err = s.dueOf(cycle.RectificationComplete, today); err != nil {
					return err
				}
			}
		case rectify.ActionDone:
			for _, e := range in.Evidence {
				e.Text, e.File, e.Ref = strings.TrimSpace(e.Text), strings.TrimSpace(e.File), strings.TrimSpace(e.Ref)
				e.AddedBy, e.AddedOn = a.Username, today
				r.Evidence = append(r.Evidence, e)
			}
			r.DoneOn = today
		case rectify.ActionReject:
			r.DoneOn = civil.Date{}
		case rectify.ActionConfirm, rectify.ActionWaive:
			r.ClosedOn, r.Confirmer, r.Waived = today, a.Username, action == rectify.ActionWaive
		}
		if a.Role == workflow.Reviewer && comment != "" {
			r.Comment = comment
		}
		evidence, err := json.Marshal(r.Evidence)
		if err != nil {
			return err
		}
		if r.Evidence == nil {
			evidence = []byte("[]")
		}
		if err := tx.bumpItem(ctx, r, where, `status = ?, measure = ?, measures_filed_on = ?, complete_due = ?, complete_due_rule = ?, complete_due_from = ?,
			done_on = ?, closed_on = ?, waived = ?, evidence = ?, comment = ?, confirmer = ?, updated_by = ?, updated_at = ?`,
			r.Status, r.Measure, dateArg(r.MeasuresFiledOn), dateArg(r.CompleteDue.Date), r.CompleteDue.Rule, dateArg(r.CompleteDue.From),
			dateArg(r.DoneOn), dateArg(r.ClosedOn), r.Waived, string(evidence), r.Comment, r.Confirmer, a.Username, now); err != nil {
			return err
		}
		why := mv.Name
		if comment != "" {
			why += "：" + comment
		}
		p := fmt.Sprintf("rectification[%d]", number)
		if r.Measure != old.Measure {
			if err := tx.rectifyHistory(ctx, st, "update", p+".measure", old.Measure, r.Measure, a.Username, why, now); err != nil {
				return err
			}
		}
		if len(r.Evidence) != len(old.Evidence) {
			var added []string
			for _, e := range r.Evidence[len(old.Evidence):] {
				added = append(added, e.Describe())
			}
			if err := tx.rectifyHistory(ctx, st, "update", p+".evidence", "", strings.Join(added, "；"), a.Username, why, now); err != nil {
				return err
			}
		}
		if err := tx.rectifyHistory(ctx, st, "status", p+".status", old.Status, r.Status, a.Username, why, now); err != nil {
			return err
		}
		rr, err := tx.rectification(ctx, st.id, code, year, number)
		if err != nil {
			return err
		}
		out = &rr.Item
		return tx.rescoreNext(ctx, st.id)
	})
	return out, err
}

// overdueSQL is true for an item overdue on the day given twice as a
// parameter (rectify.Item.Overdue).
const overdueSQL = `((ri.status = 'open' AND (ri.measures_due < ? OR ri.complete_due < ?)) OR (ri.status = 'in_progress' AND ri.complete_due < ?))`

// nextDueSQL is the due date of the step the item waits for (rectify.Item.NextDue).
const nextDueSQL = `(CASE ri.status WHEN 'open' THEN ri.measures_due WHEN 'closed' THEN NULL ELSE ri.complete_due END)`

// BureauRectifications lists items for the finance bureau: overdue today
// first, then by the due date of the step each waits for (undated last),
// then by department, year and number; filtered and paged (at most
// MaxRectificationPage). It returns the page and the number of items the
// filter selects.
func (s *Store) BureauRectifications(ctx context.Context, f RectificationFilter) ([]rectify.Item, int, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultRectificationPage
	}
	if f.Limit > MaxRectificationPage {
		return nil, 0, errorf(apperr.EINVALID, "每页最多 %d 项，实际请求 %d 项", MaxRectificationPage, f.Limit)
	}
	if f.Offset < 0 || f.Offset > 1_000_000 {
		return nil, 0, errorf(apperr.EINVALID, "分页起点 %d 无效", f.Offset)
	}
	if f.Status != "" {
		if _, ok := rectify.StatusNames[f.Status]; !ok {
			return nil, 0, errorf(apperr.EINVALID, "整改状态 %q 无效：应为 %s", f.Status, strings.Join(rectify.Statuses, "、"))
		}
	}
	today := s.Today().String()
	var conds []string
	var args []any
	if f.Year != 0 {
		conds, args = append(conds, "dy.year = ?"), append(args, f.Year)
	}
	if f.Department != "" {
		if !storable(f.Department) {
			return nil, 0, nil
		}
		conds, args = append(conds, "d.code = ?"), append(args, f.Department)
	}
	if f.Status != "" {
		conds, args = append(conds, "ri.status = ?"), append(args, f.Status)
	}
	if f.Overdue {
		conds, args = append(conds, overdueSQL), append(args, today, today, today)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var out []rectify.Item
	total := 0
	err := s.withReadTx(ctx, func(tx *txn) error {
		if err := tx.queryRow(ctx, "SELECT COUNT(*)"+rectifyFrom+where, args...).Scan(&total); err != nil {
			return err
		}
		q := "SELECT " + tx.rectifyColumns() + rectifyFrom + where + " ORDER BY CASE WHEN " + overdueSQL + " THEN 0 ELSE 1 END, " +
			nextDueSQL + " IS NULL, " + nextDueSQL + ", d.code, dy.year, ri.number LIMIT ? OFFSET ?"
		qargs := append(append(append([]any{}, args...), today, today, today), f.Limit, f.Offset)
		rs, err := tx.rectRows(ctx, q, qargs...)
		if err != nil {
			return err
		}
		if err := tx.loadLinks(ctx, rs); err != nil {
			return err
		}
		out = rectItems(rs)
		return nil
	})
	return out, total, err
}

var rectificationOfQuery = hotFor(func(dialect string) string {
	return "SELECT " + rectifyColumnsFor(dialect) + ", cur.year" + rectifyFrom +
		` JOIN department_years cur ON cur.department_id = dy.department_id AND cur.id = ?
		WHERE dy.year < cur.year AND (dy.year = cur.year - 1 OR ri.status <> 'closed') ORDER BY dy.year, ri.number`
})

// rectificationOf reads, for the department-year id, the rectification
// items of its department's earlier years that the year's assessment
// reads (evaluation.Rectification): every item of the year before and
// the open items of older years, judged overdue on today; nil when there
// are none. The stamp changes with any item, and daily while any is open.
func (tx *txn) rectificationOf(ctx context.Context, id int64) (*evaluation.Rectification, string, error) {
	rows, err := tx.query(ctx, rectificationOfQuery(tx.store.dialect), id)
	if err != nil {
		return nil, "", fmt.Errorf("读取以前年度整改事项失败：%w", err)
	}
	defer rows.Close()
	today := civil.DateOf(tx.store.now().In(chinaTime))
	var out *evaluation.Rectification
	var stamp strings.Builder
	open := false
	for rows.Next() {
		var cur int
		r, err := scanRectification(rows, &cur)
		if err != nil {
			return nil, "", err
		}
		if out == nil {
			out = &evaluation.Rectification{Year: cur - 1, AsOf: today}
		}
		out.Items = append(out.Items, recordOf(&r.Item, today))
		open = open || r.Status != rectify.Closed
		fmt.Fprintf(&stamp, "r%d.%d;", r.ID, r.Version)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if open {
		stamp.WriteString("asof" + today.String() + ";")
	}
	return out, stamp.String(), nil
}

// recordOf is what the assessment reads of an item.
func recordOf(it *rectify.Item, today civil.Date) evaluation.RectificationRecord {
	return evaluation.RectificationRecord{
		Year: it.Year, Number: it.Number, Problem: it.Problem, Measure: it.Measure,
		Status: it.Status, StatusName: it.StatusName(), Closed: it.Status == rectify.Closed, Waived: it.Waived,
		Overdue: it.Overdue(today), IssuedOn: it.IssuedOn, MeasuresDue: it.MeasuresDue.Text(), CompleteDue: it.CompleteDue.Text(),
		ClosedOn: it.ClosedOn,
	}
}

// rectificationLabel names a rectification history path
// ("rectification[2].status"): 整改事项第2号状态.
func rectificationLabel(path string) string {
	n, rest, ok := strings.Cut(strings.TrimPrefix(path, "rectification["), "]")
	if _, err := strconv.Atoi(n); !ok || err != nil {
		return path
	}
	name, known := rectifyFieldNames[strings.TrimPrefix(rest, ".")]
	if !known || (rest != "" && !strings.HasPrefix(rest, ".")) {
		return path
	}
	return "整改事项第" + n + "号" + name
}

// FillPendingDues computes the due dates left pending because the
// working-day calendar lacked their year (docs/cycle.md §6), now that it
// may have it: each one found is written with a history row of the
// origin year (actor "jixiao"); one still unknown stays pending. It
// returns how many dates were filled. `jixiao migrate` and the server's
// start run it.
func (s *Store) FillPendingDues(ctx context.Context) (int, error) {
	filled := 0
	err := s.withTx(ctx, func(tx *txn) error {
		rs, err := tx.rectRows(ctx, "SELECT "+tx.rectifyColumns()+rectifyFrom+
			` WHERE (ri.measures_due IS NULL AND ri.measures_due_rule <> '') OR
			(ri.complete_due IS NULL AND ri.complete_due_rule <> '' AND ri.complete_due_rule <> ?) ORDER BY ri.id LIMIT 10000`, rectify.RuleByReviewer)
		if err != nil {
			return err
		}
		now := s.now()
		for _, r := range rs {
			var version int
			if err := tx.queryRow(ctx, "SELECT version FROM department_years WHERE id = ?", r.dyID).Scan(&version); err != nil {
				return err
			}
			st := dyState{id: r.dyID, version: version}
			for _, f := range []struct {
				col, field string
				due        rectify.Due
			}{{"measures_due", "measures_due", r.MeasuresDue}, {"complete_due", "complete_due", r.CompleteDue}} {
				if !f.due.Pending() || f.due.Rule == rectify.RuleByReviewer || f.due.From.IsZero() {
					continue
				}
				d, err := s.dueOf(f.due.Rule, f.due.From)
				if err != nil {
					return err
				}
				if !d.Set() {
					continue
				}
				if _, err := tx.exec(ctx, "UPDATE rectification_items SET "+f.col+" = ? WHERE id = ?", d.Date.String(), r.ID); err != nil {
					return fmt.Errorf("保存整改期限失败：%w", err)
				}
				label := map[string]string{"measures_due": "整改措施报送期限", "complete_due": "整改完成期限"}[f.field]
				if err := tx.rectifyHistory(ctx, st, "update", fmt.Sprintf("rectification[%d].%s", r.Number, f.field), rectify.PendingNote, d.Date.Chinese(),
					"jixiao", "国务院节假日安排已收录，确定"+label, now); err != nil {
					return err
				}
				filled++
			}
		}
		return nil
	})
	return filled, err
}

// RectificationCounts counts the rectification items issued from year's
// evaluations by status, and those overdue today (rectify.Item.Overdue),
// for the results bulletin.
func (s *Store) RectificationCounts(ctx context.Context, year int) (byStatus map[string]int, overdue int, err error) {
	byStatus = map[string]int{}
	today := s.Today().String()
	err = s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT ri.status, COUNT(*), SUM(CASE WHEN `+overdueSQL+` THEN 1 ELSE 0 END)
			FROM rectification_items ri JOIN department_years dy ON dy.id = ri.department_year_id
			WHERE dy.year = ? GROUP BY ri.status`, today, today, today, year)
		if err != nil {
			return fmt.Errorf("读取整改事项失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var st string
			var n, o int
			if err := rows.Scan(&st, &n, &o); err != nil {
				return err
			}
			byStatus[st] = n
			overdue += o
		}
		return rows.Err()
	})
	return byStatus, overdue, err
}
