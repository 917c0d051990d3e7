package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// dyState is what the workflow needs to know of a department-year.
type dyState struct {
	id             int64
	departmentCode string
	stage          string
	status         string
	version        int
}

// loadState reads a department-year's status and version.
func (tx *txn) loadState(ctx context.Context, code string, year int) (dyState, error) {
	st := dyState{departmentCode: code}
	if !storable(code) {
		return st, notFound(code, year)
	}
	err := tx.queryRow(ctx, `SELECT dy.id, dy.stage, dy.status, dy.version FROM department_years dy JOIN departments d ON d.id = dy.department_id
		WHERE d.code = ? AND dy.year = ?`, code, year).Scan(&st.id, &st.stage, &st.status, &st.version)
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound(code, year)
	}
	return st, err
}

// checkDepartment refuses a department user acting on another department's
// data. Reviewers and administrators belong to no department and pass.
func checkDepartment(u User, code string, year int) error {
	if u.InDepartment() && u.DepartmentCode != code {
		return errorf(apperr.EFORBIDDEN, "%s %s 属于部门 %s，不能处理部门 %s %d 年度的数据", workflow.RoleNames[u.Role], u.Username, u.DepartmentCode, code, year)
	}
	return nil
}

// Transition moves a department-year, read by the caller at
// expectedVersion, to the status to, as actor, and returns the new
// version. The move is looked up in the year's stage (workflow.Find); a
// stage move (批复, 开始年终自评) also changes the stage. The actor is identified by ID: its role and department are read
// from the database in the same transaction (a missing or disabled account
// is apperr.EUNAUTHORIZED). In order, it refuses:
//
//   - a department user (editor, approver) of another department: apperr.EFORBIDDEN;
//   - a stale expectedVersion: apperr.ECONFLICT (checked before the move itself,
//     so that someone who acted on an out-of-date page is told to reload);
//   - a move workflow.Find does not allow for the actor's role: apperr.EFORBIDDEN,
//     with workflow's message;
//   - a move that needs a comment (returning a submission, withdrawing a
//     publication) without one:
//     apperr.EINVALID.
//
// The move is recorded in history as one row: action "status", path
// "status", the old and new status as old and new values, the comment as
// reason and the actor's username as actor; a stage move first adds a row
// at path "stage" with the old and new stage, the same reason and actor. Stored files of the
// department-year's published report (PublishedDocument) are deleted.
// 批复 (declaration → execution) also stores the year's declared part as
// its approved baseline (target_baselines, kind approval) in the same
// transaction, recorded at path "baseline[N]" after the status row.
func (s *Store) Transition(ctx context.Context, code string, year int, to string, actor User, comment string, expectedVersion int) (int, error) {
	comment = strings.TrimSpace(comment)
	var newVersion int
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
		newVersion, err = tx.move(ctx, a, st, year, to, comment, expectedVersion)
		return err
	})
	if err != nil {
		return 0, err
	}
	return newVersion, nil
}

// move is Transition's work once the actor and the department-year's
// state are read: the one way a department-year changes status, used by
// Transition and PublishAll alike.
func (tx *txn) move(ctx context.Context, a User, st dyState, year int, to, comment string, expectedVersion int) (int, error) {
	code := st.departmentCode
	var newVersion int
	err := func() error {
		if st.version != expectedVersion {
			return conflict(code, year, st.version, expectedVersion)
		}
		t, err := workflow.Find(st.stage, st.status, to, a.Role)
		if err != nil {
			return &apperr.Error{Code: apperr.EFORBIDDEN, Message: fmt.Sprintf("部门 %s %d 年度：%v", code, year, err)}
		}
		if t.NeedsComment && comment == "" {
			return errorf(apperr.EINVALID, "部门 %s %d 年度：%s需要填写原因", code, year, t.Action)
		}
		if err := checkField(fmt.Sprintf("部门 %s %d 年度：%s的", code, year, t.Action), "原因", evaluation.TextParagraph, comment); err != nil {
			return err
		}
		now := tx.store.now()
		r, err := tx.exec(ctx, "UPDATE department_years SET stage = ?, status = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
			t.Target(), to, now, st.id, expectedVersion)
		if err != nil {
			return fmt.Errorf("更新部门 %s %d 年度状态失败：%w", code, year, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return tx.conflict(ctx, st.id, key{code, year}, expectedVersion)
		}
		newVersion = expectedVersion + 1
		if to == workflow.Accepted || to == workflow.Published {
			// The review is done: what the public will read is the
			// result after review computed now.
			if err := tx.refreshReview(ctx, st.id, nil); err != nil {
				return err
			}
		}
		// Files stored for the published version are stale now (leaving
		// or re-entering publication changes the version).
		if err := tx.deletePublishedDocuments(ctx, st.id); err != nil {
			return err
		}
		if t.Target() != st.stage {
			_, err = tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
			VALUES (?, ?, ?, ?, 'status', 'stage', ?, ?, ?)`, st.id, newVersion, now, a.Username, st.stage, t.Target(), comment)
			if err != nil {
				return fmt.Errorf("写入修改记录失败：%w", err)
			}
		}
		_, err = tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
			VALUES (?, ?, ?, ?, 'status', 'status', ?, ?, ?)`, st.id, newVersion, now, a.Username, st.status, to, comment)
		if err != nil {
			return fmt.Errorf("写入修改记录失败：%w", err)
		}
		if st.stage == workflow.Declaration && t.Target() == workflow.Execution {
			// 批复: the declared part as it stands is the approved
			// baseline, frozen from now on.
			reason := comment
			if reason == "" {
				reason = t.Action
			}
			return tx.writeApprovalBaseline(ctx, st.id, newVersion, a.Username, reason, now)
		}
		return nil
	}()
	if err != nil {
		return 0, err
	}
	return newVersion, nil
}

// StatusChange is a department-year's latest move into its current
// status.
type StatusChange struct {
	DepartmentCode string
	Year           int
	Change
}

// CurrentStatusChanges returns, for every department-year f selects that
// is now in status to, the latest move into that status (with its reason,
// actor and time), by department code and year. It is one query however
// many department-years there are: a task list shows why each returned
// year came back. A department-year in the status with no such move (put
// there by hand) is left out.
func (s *Store) CurrentStatusChanges(ctx context.Context, f Filter, to string) ([]StatusChange, error) {
	f = f.And(Filter{Status: []string{to}})
	if len(f.Status) == 0 {
		return nil, nil
	}
	where, args := f.where()
	q := `SELECT d.code, dy.year, h.version, h.at, h.actor, COALESCE(NULLIF(u.display_name, ''), h.actor), h.action, h.path, h.old_value, h.new_value, h.reason
		FROM department_years dy JOIN departments d ON d.id = dy.department_id
		JOIN history h ON h.id = (SELECT max(h2.id) FROM history h2
			WHERE h2.department_year_id = dy.id AND h2.path = 'status' AND h2.new_value = ?)
		LEFT JOIN users u ON u.username = h.actor` + where + `
		ORDER BY d.code, dy.year`
	var out []StatusChange
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, q, append([]any{to}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c StatusChange
			if err := rows.Scan(&c.DepartmentCode, &c.Year, &c.Version, &c.At, &c.Actor, &c.ActorName, &c.Action, &c.Path, &c.Old, &c.New, &c.Reason); err != nil {
				return err
			}
			c.At = c.At.UTC()
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取状态变更记录失败：%w", err)
	}
	return out, nil
}
