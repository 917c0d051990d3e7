package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Adjustment statuses (目标调整, docs/cycle.md §2 tracks).
const (
	AdjustmentProposed  = "proposed"
	AdjustmentApproved  = "approved"
	AdjustmentRejected  = "rejected"
	AdjustmentWithdrawn = "withdrawn"
)

// AdjustmentStatusNames names the statuses.
var AdjustmentStatusNames = map[string]string{
	AdjustmentProposed: "申请中", AdjustmentApproved: "已批准", AdjustmentRejected: "未批准", AdjustmentWithdrawn: "已撤回",
}

// Adjustment is one 目标调整 of a department-year.
type Adjustment struct {
	Number int
	// Scope is evaluation.ScopeDepartment or a project code.
	Scope    string
	Status   string
	Reason   string
	Proposed *evaluation.DeclaredPart
	// BaseSeq is the baseline the proposal was made on.
	BaseSeq    int
	Proposer   string
	ProposedAt time.Time
	Decider    string
	DecidedAt  time.Time
	Comment    string
}

// MaxAdjustments bounds the 目标调整 of one department-year (every
// proposal counts, whatever became of it), so that the list a page shows
// stays bounded.
const MaxAdjustments = 100

// ProposeAdjustment records actor's proposal (目标调整申请) to change the
// approved targets of one scope of a department-year: proposed is the
// scope's declared part as it should be (shaped as
// evaluation.DeclaredPart.Scope returns it), reason why. Only the
// department's editor proposes, only in the execution stage. The
// proposal is numbered from 1 in the year and recorded in history at
// path "adjustments[N].status"; the year's version does not change. It
// refuses: an actor not the department's editor (apperr.EFORBIDDEN), a
// year not in the execution stage or without a baseline, a missing
// reason, an unknown scope, a year with MaxAdjustments proposals, a proposal of the wrong shape or equal to the
// approved targets, text breaking the text rule (apperr.EINVALID).
func (s *Store) ProposeAdjustment(ctx context.Context, code string, year int, scope string, proposed *evaluation.DeclaredPart, reason string, actor User) (*Adjustment, error) {
	reason, scope = strings.TrimSpace(reason), strings.TrimSpace(scope)
	where := fmt.Sprintf("部门 %s %d 年度目标调整：", code, year)
	if reason == "" {
		return nil, errorf(apperr.EINVALID, "%s请填写调整原因", where)
	}
	if err := checkField(where, "调整原因", evaluation.TextParagraph, reason); err != nil {
		return nil, err
	}
	if scope == "" {
		return nil, errorf(apperr.EINVALID, "%s请选择调整范围（部门整体或项目编码）", where)
	}
	if proposed == nil {
		return nil, errorf(apperr.EINVALID, "%s缺少调整后的绩效目标", where)
	}
	var out *Adjustment
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		if err := checkDepartment(a, code, year); err != nil {
			return err
		}
		if a.Role != workflow.Editor {
			return errorf(apperr.EFORBIDDEN, "%s只有本部门的填报人可以申请目标调整", where)
		}
		if st.stage != workflow.Execution {
			return errorf(apperr.EINVALID, "%s只能在执行监控阶段申请，当前为%s阶段", where, workflow.StageNames[st.stage])
		}
		baselines, err := tx.latestBaselines(ctx, []int64{st.id})
		if err != nil {
			return err
		}
		b, ok := baselines[st.id]
		if !ok {
			return errorf(apperr.EINVALID, "%s该年度没有批复的绩效目标", where)
		}
		current, ok := b.data.Scope(scope)
		if !ok {
			return errorf(apperr.EINVALID, "%s调整范围“%s”不是部门整体，也不是批复的项目编码", where, scope)
		}
		next, err := b.data.Adjust(scope, proposed, 1, reason)
		if err != nil {
			return errorf(apperr.EINVALID, "%s%v", where, err)
		}
		if after, _ := next.Scope(scope); sameDeclared(current, after) {
			return errorf(apperr.EINVALID, "%s调整后的绩效目标与批复的相同", where)
		}
		// The proposal's text is checked as part of a document.
		probe := &evaluation.Evaluation{Department: evaluation.Department{Code: code}, Year: year}
		probe.KeepBaseline(next)
		if err := checkEvaluationText(probe, where); err != nil {
			return err
		}
		data, err := json.Marshal(proposed)
		if err != nil {
			return errorf(apperr.EINVALID, "%s调整后的绩效目标无法编码：%v", where, err)
		}
		var number int
		if err := tx.queryRow(ctx, "SELECT COALESCE(max(number), 0) + 1 FROM target_adjustments WHERE department_year_id = ?", st.id).Scan(&number); err != nil {
			return err
		}
		if number > MaxAdjustments {
			return errorf(apperr.EINVALID, "%s本年度的目标调整申请已达 %d 项上限，请联系财政部门", where, MaxAdjustments)
		}
		now := s.now()
		if _, err := tx.exec(ctx, `INSERT INTO target_adjustments (department_year_id, number, scope, status, reason, proposed, base_seq, proposer, proposed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.id, number, scope, AdjustmentProposed, reason, string(data), b.seq, a.Username, now); err != nil {
			return fmt.Errorf("保存目标调整申请失败：%w", err)
		}
		if err := tx.adjustmentHistory(ctx, st.id, st.version, number, "", AdjustmentProposed, a.Username, reason, now); err != nil {
			return err
		}
		out = &Adjustment{Number: number, Scope: scope, Status: AdjustmentProposed, Reason: reason, Proposed: proposed.Clone(),
			BaseSeq: b.seq, Proposer: a.Username, ProposedAt: now.UTC()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sameDeclared says whether two declared parts are equal.
func sameDeclared(a, b *evaluation.DeclaredPart) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// adjustmentHistory records an adjustment's move.
func (tx *txn) adjustmentHistory(ctx context.Context, id int64, version, number int, from, to, actor, reason string, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
		VALUES (?, ?, ?, ?, 'status', ?, ?, ?, ?)`, id, version, now, actor, fmt.Sprintf("adjustments[%d].status", number), from, to, reason)
	if err != nil {
		return fmt.Errorf("写入修改记录失败：%w", err)
	}
	return nil
}

// DecideAdjustment is the finance bureau's decision on adjustment number
// of a department-year: approve (with a comment or none) or reject (with
// a required comment). Only
// a reviewer decides, only a proposal still pending, only in the
// execution stage. Approval, in one transaction, refuses with
// apperr.ECONFLICT when a baseline was approved since the proposal
// (re-propose on the new one); appends the next baseline (kind
// adjustment); writes the document with the adjusted declared part and
// the adjusted marker on every indicator it changed
// (evaluation.DeclaredPart.Adjust), version + 1, one history row per
// changed field with the reviewer as actor and "目标调整第N号：reason" as
// reason. It returns the year's version after the decision.
func (s *Store) DecideAdjustment(ctx context.Context, code string, year int, number int, approve bool, comment string, actor User) (int, error) {
	comment = strings.TrimSpace(comment)
	where := fmt.Sprintf("部门 %s %d 年度目标调整第%d号：", code, year, number)
	if comment == "" && !approve {
		return 0, errorf(apperr.EINVALID, "%s不予批准时请填写审核意见", where)
	}
	if err := checkField(where, "审核意见", evaluation.TextParagraph, comment); err != nil {
		return 0, err
	}
	var version int
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		version = st.version
		if a.Role != workflow.Reviewer {
			return errorf(apperr.EFORBIDDEN, "%s只有财政部门的复核人可以审核目标调整", where)
		}
		var (
			adjID         int64
			scope, status string
			reason        string
			proposedData  []byte
			baseSeq       int
		)
		err = tx.queryRow(ctx, `SELECT id, scope, status, reason, proposed, base_seq FROM target_adjustments
			WHERE department_year_id = ? AND number = ?`, st.id, number).Scan(&adjID, &scope, &status, &reason, &proposedData, &baseSeq)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(apperr.ENOTFOUND, "%s不存在", where)
		}
		if err != nil {
			return err
		}
		if status != AdjustmentProposed {
			return errorf(apperr.ECONFLICT, "%s已处理（%s），不能再次审核", where, AdjustmentStatusNames[status])
		}
		if st.stage != workflow.Execution {
			return errorf(apperr.EINVALID, "%s只能在执行监控阶段审核，当前为%s阶段", where, workflow.StageNames[st.stage])
		}
		now := s.now()
		to := AdjustmentRejected
		if approve {
			to = AdjustmentApproved
		}
		if _, err := tx.exec(ctx, `UPDATE target_adjustments SET status = ?, decider = ?, decided_at = ?, comment = ? WHERE id = ?`,
			to, a.Username, now, comment, adjID); err != nil {
			return fmt.Errorf("保存目标调整审核结果失败：%w", err)
		}
		if !approve {
			return tx.adjustmentHistory(ctx, st.id, st.version, number, status, to, a.Username, comment, now)
		}
		baselines, err := tx.latestBaselines(ctx, []int64{st.id})
		if err != nil {
			return err
		}
		b := baselines[st.id]
		if b.data == nil || b.seq != baseSeq {
			return errorf(apperr.ECONFLICT, "%s申请后批复的绩效目标已有变更（现为第 %d 版，申请时为第 %d 版），请重新申请", where, b.seq, baseSeq)
		}
		var proposed evaluation.DeclaredPart
		if err := json.Unmarshal(proposedData, &proposed); err != nil {
			return fmt.Errorf("%s申请的绩效目标无法读取：%w", where, err)
		}
		next, err := b.data.Adjust(scope, &proposed, number, reason)
		if err != nil {
			return errorf(apperr.EINVALID, "%s%v", where, err)
		}
		version = st.version + 1
		histReason := adjustmentReason(number, reason)
		if err := tx.adjustmentHistory(ctx, st.id, version, number, status, to, a.Username, comment, now); err != nil {
			return err
		}
		if _, err := tx.appendBaseline(ctx, st.id, version, BaselineAdjustment, adjID, next, a.Username, histReason, now); err != nil {
			return err
		}
		return tx.applyBaseline(ctx, st, next, a.Username, histReason, now)
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// applyBaseline writes the document of a department-year (at st.version,
// not scored: the execution stage) carrying baseline b, at version + 1,
// with one history row per changed field.
func (tx *txn) applyBaseline(ctx context.Context, st dyState, b *evaluation.DeclaredPart, actor, reason string, now time.Time) error {
	var stored []byte
	if err := tx.queryRow(ctx, "SELECT data FROM department_years WHERE id = ?", st.id).Scan(&stored); err != nil {
		return err
	}
	var old, ev evaluation.Evaluation
	if err := json.Unmarshal(stored, &old); err != nil {
		return fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", st.departmentCode, old.Year, err)
	}
	if err := json.Unmarshal(stored, &ev); err != nil {
		return err
	}
	ev.KeepBaseline(b)
	data, err := json.Marshal(&ev)
	if err != nil {
		return err
	}
	args := append([]any{string(data), now}, summaryArgs(&ev)...)
	r, err := tx.exec(ctx, `UPDATE department_years SET data = ?, version = version + 1, updated_at = ?, `+summarySet+`
		WHERE id = ? AND version = ?`, append(args, st.id, st.version)...)
	if err != nil {
		return fmt.Errorf("保存部门 %s %d 年度失败：%w", st.departmentCode, ev.Year, err)
	}
	if n, err := r.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return tx.conflict(ctx, st.id, key{st.departmentCode, ev.Year}, st.version)
	}
	if err := tx.deleteProjects(ctx, []int64{st.id}); err != nil {
		return err
	}
	if err := tx.insertRows(ctx, "projects", projectColumns, appendProjectRows(nil, st.id, &ev, nil)); err != nil {
		return fmt.Errorf("写入项目失败：%w", err)
	}
	history := appendHistoryRows(nil, st.id, st.version+1, now, actor, "update", reason, evaluation.Diff(&old, &ev))
	if err := tx.insertRows(ctx, "history", historyColumns, history); err != nil {
		return fmt.Errorf("写入修改记录失败：%w", err)
	}
	return nil
}

// Adjustments returns the adjustments of a department-year, by number.
func (s *Store) Adjustments(ctx context.Context, code string, year int) ([]Adjustment, error) {
	var out []Adjustment
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT number, scope, status, reason, proposed, base_seq, proposer, proposed_at,
			COALESCE(decider, ''), decided_at, comment FROM target_adjustments WHERE department_year_id = ? ORDER BY number`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				a       Adjustment
				data    []byte
				decided sql.NullTime
			)
			if err := rows.Scan(&a.Number, &a.Scope, &a.Status, &a.Reason, &data, &a.BaseSeq, &a.Proposer, &a.ProposedAt, &a.Decider, &decided, &a.Comment); err != nil {
				return err
			}
			a.ProposedAt = a.ProposedAt.UTC()
			if decided.Valid {
				a.DecidedAt = decided.Time.UTC()
			}
			a.Proposed = new(evaluation.DeclaredPart)
			if err := json.Unmarshal(data, a.Proposed); err != nil {
				return fmt.Errorf("目标调整第%d号无法读取：%w", a.Number, err)
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PendingAdjustment is a 目标调整 waiting for the finance bureau's
// decision, with the department-year it belongs to.
type PendingAdjustment struct {
	Listing
	Number     int
	Scope      string
	Reason     string
	Proposer   string
	ProposedAt time.Time
}

// maxPendingAdjustments bounds a task list of pending adjustments.
const maxPendingAdjustments = 500

// PendingAdjustments returns the adjustments still proposed of the
// department-years f selects (build f with Visible, as for ListFiltered),
// oldest first, at most 500.
func (s *Store) PendingAdjustments(ctx context.Context, f Filter) ([]PendingAdjustment, error) {
	if f.Status != nil && len(f.Status) == 0 {
		return nil, nil
	}
	where, args := f.where()
	if where == "" {
		where = " WHERE"
	} else {
		where += " AND"
	}
	q := `SELECT ` + listingColumns + `, a.number, a.scope, a.reason, a.proposer, a.proposed_at
		FROM target_adjustments a JOIN department_years dy ON dy.id = a.department_year_id JOIN departments d ON d.id = dy.department_id` +
		where + ` a.status = ? ORDER BY a.proposed_at, d.code, dy.year, a.number LIMIT ` + fmt.Sprint(maxPendingAdjustments)
	args = append(args, AdjustmentProposed)
	var out []PendingAdjustment
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p PendingAdjustment
			if err := scanListing(rows, &p.Listing, &p.Number, &p.Scope, &p.Reason, &p.Proposer, &p.ProposedAt); err != nil {
				return err
			}
			p.ProposedAt = p.ProposedAt.UTC()
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
