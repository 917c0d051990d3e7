package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/workflow"
)

// MaxPublish bounds the department-years one batch publication moves (in
// one transaction); a larger province publishes region by region.
const MaxPublish = 5000

// PublishRequest says which accepted department-years to publish: every
// year of the evaluation stage accepted (已通过) in Year, of Region when
// set (departments' region, as master data holds it).
type PublishRequest struct {
	Year   int
	Region string
	// Comment is the history row's reason (may be empty, as for the
	// single 公开).
	Comment string
	// DryRun runs every move and rolls them all back: the result says
	// what would be published and what would fail; nothing is written.
	DryRun bool
	// Only, when set, publishes these department codes only (each must
	// be accepted in Year): the web's confirm step sends the years it
	// showed, so a year accepted since is not published unseen.
	Only []string
}

// PublishedYear is one department-year a batch publication moved.
type PublishedYear struct {
	Code, Department, Region string
	Version                  int // the version after publication
}

// PublishFailure is one department-year a batch publication could not
// move, and why.
type PublishFailure struct {
	Code, Department string
	Reason           string
}

// PublishResult is what a batch publication did or, dry, would do.
type PublishResult struct {
	Years  []PublishedYear
	Failed []PublishFailure
	DryRun bool
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// PublishAll publishes every accepted department-year the request
// selects, as actor, in one transaction: all or nothing. Each year is
// moved exactly as Transition moves one (accepted → published: the
// result after review refreshed, stored files dropped, one history row
// per year, its version + 1). When any year cannot be moved, nothing is
// published: the result lists every failure with its reason and the error
// (apperr.ECONFLICT) names them all. More than MaxPublish years is
// apperr.EINVALID before anything is moved. No accepted year is not an
// error: the result is empty. A dry run does everything and rolls back.
func (s *Store) PublishAll(ctx context.Context, req PublishRequest, actor User) (*PublishResult, error) {
	req.Comment = strings.TrimSpace(req.Comment)
	res := &PublishResult{DryRun: req.DryRun}
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		if a.Role != workflow.Reviewer {
			return errorf(apperr.EFORBIDDEN, "只有%s可以公开部门年度，%s %s 不能批量公开", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[a.Role], a.Username)
		}
		q := `SELECT dy.id, d.code, d.name, d.region, dy.stage, dy.status, dy.version
			FROM department_years dy JOIN departments d ON d.id = dy.department_id
			WHERE dy.year = ? AND dy.stage = ? AND dy.status = ?`
		args := []any{req.Year, workflow.Evaluation, workflow.Accepted}
		if req.Region != "" {
			q += " AND d.region = ?"
			args = append(args, req.Region)
		}
		q += " ORDER BY d.code"
		if s.dialect == Postgres {
			q += " FOR UPDATE OF dy"
		}
		type cand struct {
			st         dyState
			name, regn string
		}
		var cands []cand
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c cand
			if err := rows.Scan(&c.st.id, &c.st.departmentCode, &c.name, &c.regn, &c.st.stage, &c.st.status, &c.st.version); err != nil {
				rows.Close()
				return err
			}
			cands = append(cands, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if req.Only != nil {
			want := map[string]bool{}
			for _, c := range req.Only {
				want[c] = true
			}
			kept := cands[:0]
			for _, c := range cands {
				if want[c.st.departmentCode] {
					kept = append(kept, c)
					delete(want, c.st.departmentCode)
				}
			}
			cands = kept
			// A year shown for confirmation and no longer accepted (or
			// never selected) is a failure: nothing is published unseen.
			for _, code := range req.Only {
				if want[code] {
					res.Failed = append(res.Failed, PublishFailure{Code: code, Department: tx.departmentName(ctx, code),
						Reason: fmt.Sprintf("%d 年度不是“已通过”状态或不在所选范围内", req.Year)})
					delete(want, code)
				}
			}
		}
		if len(cands) > MaxPublish {
			return errorf(apperr.EINVALID, "%d 年度有 %d 个已通过的部门年度，一次最多公开 %d 个：请按地区分批公开", req.Year, len(cands), MaxPublish)
		}
		for _, c := range cands {
			if err := ctx.Err(); err != nil {
				return err
			}
			// Each year in a savepoint: a failing year is rolled back
			// alone so that every failure can be listed; any failure
			// then rolls the whole transaction back.
			if _, err := tx.exec(ctx, "SAVEPOINT publish_one"); err != nil {
				return err
			}
			v, err := tx.move(ctx, a, c.st, req.Year, workflow.Published, req.Comment, c.st.version)
			if err != nil {
				if _, rerr := tx.exec(ctx, "ROLLBACK TO SAVEPOINT publish_one"); rerr != nil {
					return rerr
				}
				if ctx.Err() != nil {
					return ctx.Err()
				}
				res.Failed = append(res.Failed, PublishFailure{Code: c.st.departmentCode, Department: c.name, Reason: err.Error()})
				continue
			}
			if _, err := tx.exec(ctx, "RELEASE SAVEPOINT publish_one"); err != nil {
				return err
			}
			res.Years = append(res.Years, PublishedYear{Code: c.st.departmentCode, Department: c.name, Region: c.regn, Version: v})
		}
		if len(res.Failed) > 0 {
			return publishFailed(req.Year, res.Failed)
		}
		if req.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		if len(res.Failed) > 0 {
			res.Years = nil
			return res, err
		}
		return nil, err
	}
	return res, nil
}

func publishFailed(year int, fs []PublishFailure) error {
	var b strings.Builder
	fmt.Fprintf(&b, "批量公开未执行，%d 年度没有任何部门年度被公开：以下 %d 个部门年度不能公开", year, len(fs))
	for _, f := range fs {
		fmt.Fprintf(&b, "\n  %s %s：%s", f.Code, f.Department, f.Reason)
	}
	return &apperr.Error{Code: apperr.ECONFLICT, Message: b.String()}
}

// departmentName is a department's name, or "" when there is none.
func (tx *txn) departmentName(ctx context.Context, code string) string {
	var name string
	if err := tx.queryRow(ctx, "SELECT name FROM departments WHERE code = ?", code).Scan(&name); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	return name
}

// UserByName returns the account with the username (apperr.ENOTFOUND when
// there is none): the command line acts as a named account.
func (s *Store) UserByName(ctx context.Context, username string) (User, error) {
	var u User
	err := s.withReadTx(ctx, func(tx *txn) error {
		err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.username = ?`, username), &u)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(apperr.ENOTFOUND, "用户 %s 不存在", username)
		}
		return err
	})
	return u, err
}

// CommentCounts counts the finance bureau's comments (by reviewers) on
// each department-year of a year, by department code, in one query.
func (s *Store) CommentCounts(ctx context.Context, year int) (map[string]int, error) {
	out := map[string]int{}
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT d.code, count(*) FROM review_comments c
			JOIN department_years dy ON dy.id = c.department_year_id
			JOIN departments d ON d.id = dy.department_id
			JOIN users u ON u.id = c.author_id
			WHERE dy.year = ? AND u.role = ? GROUP BY d.code`, year, workflow.Reviewer)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var n int
			if err := rows.Scan(&code, &n); err != nil {
				return err
			}
			out[code] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取 %d 年度的复核意见数失败：%w", year, err)
	}
	return out, nil
}
