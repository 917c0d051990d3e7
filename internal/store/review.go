package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// ScopeDepartment is the scope of a review score on the department's own
// leaves; a project's leaves have the scope "project:CODE" (its code) or,
// for a project without a code, "seq:N" (its position from 1, as in
// Record.Evaluation.Projects[N-1]): assess.ProjectScope. Migration 00015
// rewrote the positions ("1", "2", …) stored before.
const ScopeDepartment = assess.ScopeDepartment

// MaxReviewScores bounds the review scores of one department-year.
const MaxReviewScores = 2000

// maxCommentLen bounds a comment, in characters.
const maxCommentLen = 5000

// ReviewScore is the finance bureau's score (复核得分) for one indicator.
type ReviewScore struct {
	Scope         string // ScopeDepartment, "project:CODE" or "seq:N"
	IndicatorCode string
	Score         num.Points
	Reason        string
	ReviewerID    int64
	Reviewer      string // the reviewer's username
	At            time.Time
}

// Comment is a remark on a department-year, or on one of its indicators
// when IndicatorCode is not empty: a department indicator when Scope is
// empty, an indicator of a project when Scope is ProjectScope(its code).
type Comment struct {
	ID            int64
	Scope         string
	IndicatorCode string
	AuthorID      int64
	Author        string // the author's username
	AuthorName    string // the author's display name
	AuthorRole    string // the author's role (workflow.Editor, …)
	At            time.Time
	Body          string
	Resolved      bool
}

// ReviewInput is one review score to set: a leaf of a scope, the score
// and the reason.
type ReviewInput struct {
	Scope, Code string
	Score       num.Points
	Reason      string
}

// MaxReviewInputs bounds the review scores one call of SetReviewScores
// (one web request) sets.
const MaxReviewInputs = 200

// SetReviewScore records a reviewer's score for a leaf of a
// department-year under review (复核中), replacing any earlier one:
// SetReviewScores with one score.
func (s *Store) SetReviewScore(ctx context.Context, code string, year int, scope, indicator string, score num.Points, reason string, actor User) error {
	return s.SetReviewScores(ctx, code, year, []ReviewInput{{Scope: scope, Code: indicator, Score: score, Reason: reason}}, actor)
}

// SetReviewScores records a reviewer's scores for leaves of a
// department-year under review (复核中), replacing earlier ones, in one
// transaction: all or nothing. Only a reviewer may (apperr.EFORBIDDEN
// otherwise), only while the status is under_review (apperr.EFORBIDDEN),
// each always with a reason (apperr.EINVALID). A scope is ScopeDepartment,
// "project:CODE" or "seq:N" naming a project of the year; a code must name
// a leaf of that scope's scored tree — an indicator without children, a
// target (by its code), or a checklist item — that applies, and the score
// lie between 0 and the leaf's points. Every problem of every score is
// listed in one apperr.EINVALID error, each naming scope and code. The
// stored evaluation is scored with its pinned frameworks to know the
// trees. Each score changed is recorded in history as action "update" at
// path "review.SCOPE.CODE", with the old and new score; the
// department-year's version does not change, so review scores do not
// disturb a reviewer's next transition. At most MaxReviewInputs scores a
// call, and MaxReviewScores a year.
func (s *Store) SetReviewScores(ctx context.Context, code string, year int, in []ReviewInput, actor User) error {
	if len(in) > MaxReviewInputs {
		return errorf(apperr.EINVALID, "一次最多保存 %d 项复核得分，本次提交了 %d 项", MaxReviewInputs, len(in))
	}
	return s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		if a.Role != workflow.Reviewer {
			return errorf(apperr.EFORBIDDEN, "只有%s可以填写复核得分，%s %s 不能", workflow.RoleNames[workflow.Reviewer], workflow.RoleNames[a.Role], a.Username)
		}
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		if st.stage != workflow.Evaluation || st.status != workflow.UnderReview {
			return errorf(apperr.EFORBIDDEN, "部门 %s %d 年度当前为%s阶段“%s”，只有年终自评复核中的数据可以填写复核得分", code, year, workflow.StageName(st.stage), workflow.StatusName(st.stage, st.status))
		}
		var problems []string
		var scored *assess.Assessment
		seen := map[string]bool{}
		for i := range in {
			r := &in[i]
			r.Reason = strings.TrimSpace(r.Reason)
			key := r.Scope + "." + r.Code
			if seen[key] {
				problems = append(problems, fmt.Sprintf("部门 %s %d 年度：复核范围 %s 的指标 %s 重复提交", code, year, r.Scope, r.Code))
				continue
			}
			seen[key] = true
			if r.Reason == "" {
				problems = append(problems, fmt.Sprintf("部门 %s %d 年度指标 %s：填写复核得分必须说明理由", code, year, r.Code))
			} else if err := checkField(fmt.Sprintf("部门 %s %d 年度指标 %s：", code, year, r.Code), "复核理由", evaluation.TextParagraph, r.Reason); err != nil {
				problems = append(problems, err.Error())
			}
			if _, _, _, ok := assess.ParseScope(r.Scope); !ok {
				problems = append(problems, fmt.Sprintf("部门 %s %d 年度：复核范围 %q 无效，应为 %s、project:项目编码 或 seq:项目序号", code, year, r.Scope, ScopeDepartment))
				continue
			}
			if scored == nil {
				if scored, err = tx.assessStored(ctx, st.id, nil); err != nil {
					return err
				}
			}
			if err := reviewLeaf(scored.Result, code, year, r.Scope, r.Code, r.Score); err != nil {
				problems = append(problems, err.Error())
			}
		}
		if len(problems) > 0 {
			return errorf(apperr.EINVALID, "%s", strings.Join(problems, "；"))
		}
		any := false
		for _, r := range in {
			changed, err := tx.setReviewScore(ctx, st, a, r, s.now())
			if err != nil {
				return err
			}
			any = any || changed
		}
		if any {
			// The department's or the project's result after review
			// changes with it.
			return tx.refreshReview(ctx, st.id, scored.Result)
		}
		return nil
	})
}

// setReviewScore writes one checked review score and its history row,
// and reports whether it changed anything.
func (tx *txn) setReviewScore(ctx context.Context, st dyState, a User, r ReviewInput, now time.Time) (bool, error) {
	var (
		old       int64
		oldReason string
		had       bool
	)
	err := tx.queryRow(ctx, "SELECT score, reason FROM review_scores WHERE department_year_id = ? AND scope = ? AND indicator_code = ?",
		st.id, r.Scope, r.Code).Scan(&old, &oldReason)
	switch {
	case err == nil:
		had = true
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	if had && num.Points(old) == r.Score && oldReason == r.Reason {
		return false, nil // nothing changed
	}
	if !had {
		var n int
		if err := tx.queryRow(ctx, "SELECT count(*) FROM review_scores WHERE department_year_id = ?", st.id).Scan(&n); err != nil {
			return false, err
		}
		if n >= MaxReviewScores {
			return false, errorf(apperr.EINVALID, "部门 %s 该年度的复核得分已达上限 %d 条", st.departmentCode, MaxReviewScores)
		}
	}
	_, err = tx.exec(ctx, `INSERT INTO review_scores (department_year_id, scope, indicator_code, score, reason, reviewer_id, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (department_year_id, scope, indicator_code)
		DO UPDATE SET score = excluded.score, reason = excluded.reason, reviewer_id = excluded.reviewer_id, at = excluded.at`,
		st.id, r.Scope, r.Code, int64(r.Score), r.Reason, a.ID, now)
	if err != nil {
		return false, fmt.Errorf("保存复核得分失败：%w", err)
	}
	oldValue := ""
	if had {
		oldValue = num.Points(old).String()
	}
	_, err = tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
		VALUES (?, ?, ?, ?, 'update', ?, ?, ?, ?)`, st.id, st.version, now, a.Username, "review."+r.Scope+"."+r.Code, oldValue, r.Score.String(), r.Reason)
	if err != nil {
		return false, fmt.Errorf("写入修改记录失败：%w", err)
	}
	return true, nil
}

// reviewLeaf checks that a review score may be set on the code at the
// scope of the scored tree res: a leaf that applies, the score within its
// points.
func reviewLeaf(res *scoring.Result, code string, year int, scope, indicator string, score num.Points) error {
	tree, name, ok := assess.ScopeTree(res, scope)
	if !ok {
		return errorf(apperr.EINVALID, "部门 %s %d 年度没有复核范围 %q 所指的项目", code, year, scope)
	}
	n := scoring.Leaf(tree, indicator)
	if n == nil {
		if scoring.Find(tree, indicator) != nil {
			return errorf(apperr.EINVALID, "部门 %s %d 年度%s的指标 %s 不是末级指标：复核得分应填在其下级指标或检查项上", code, year, name, indicator)
		}
		return errorf(apperr.EINVALID, "部门 %s %d 年度%s的评分中没有指标或检查项 %q", code, year, name, indicator)
	}
	if n.NotApplicable != "" {
		return errorf(apperr.EINVALID, "部门 %s %d 年度%s的指标 %s %s 不适用（%s），不能填写复核得分", code, year, name, indicator, n.Name, n.NotApplicable)
	}
	if score < 0 || score > n.Points {
		return errorf(apperr.EINVALID, "部门 %s %d 年度%s的指标 %s %s：复核得分 %s 超出范围（0 至 %s 分）", code, year, name, indicator, n.Name, score, n.Points)
	}
	return nil
}

var reviewScoresQuery = hot(`SELECT r.scope, r.indicator_code, r.score, r.reason, r.reviewer_id, u.username, r.at
	FROM review_scores r JOIN users u ON u.id = r.reviewer_id
	WHERE r.department_year_id = ? ORDER BY r.scope, r.indicator_code`)

// ReviewScores returns the review scores of a department-year, by scope
// and indicator code. Who may see them is for the caller to decide.
func (s *Store) ReviewScores(ctx context.Context, code string, year int) ([]ReviewScore, error) {
	var out []ReviewScore
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, reviewScoresQuery, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r ReviewScore
			var score int64
			if err := rows.Scan(&r.Scope, &r.IndicatorCode, &score, &r.Reason, &r.ReviewerID, &r.Reviewer, &r.At); err != nil {
				return err
			}
			r.Score, r.At = num.Points(score), r.At.UTC()
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ScoresOf turns review scores as ReviewScores returns them into the
// pipeline's assess.Scores (assess.Options.Reviews).
func ScoresOf(rs []ReviewScore) assess.Scores {
	if len(rs) == 0 {
		return nil
	}
	out := assess.Scores{}
	for _, r := range rs {
		if out[r.Scope] == nil {
			out[r.Scope] = map[string]assess.Score{}
		}
		out[r.Scope][r.IndicatorCode] = assess.Score{Points: r.Score, Reason: r.Reason, Reviewer: r.Reviewer}
	}
	return out
}

// checkCommenter refuses anyone but a reviewer or a user of the
// department.
func checkCommenter(a User, code string, year int) error {
	switch {
	case a.Role == workflow.Reviewer:
		return nil
	case a.InDepartment():
		return checkDepartment(a, code, year)
	}
	return errorf(apperr.EFORBIDDEN, "%s %s 不能对部门 %s %d 年度发表意见", workflow.RoleNames[a.Role], a.Username, code, year)
}

// commentProject prefixes the scope of a comment on a project's
// indicator.
const commentProject = "project:"

// ProjectScope is the scope of a comment on an indicator of the project
// with the code.
func ProjectScope(code string) string { return commentProject + code }

// ScopeProject returns the project code of a comment scope, and whether
// the scope is a project's.
func ScopeProject(scope string) (string, bool) { return strings.CutPrefix(scope, commentProject) }

// AddComment adds a comment to a department-year, on one indicator when
// indicator is not empty: of the department when scope is empty, of a
// project when scope is ProjectScope(code). A reviewer, or an editor or
// approver of the department, may comment (apperr.EFORBIDDEN otherwise),
// in any status. The store checks the scope's form, not that the project
// or indicator exists (the caller, which shows them, does).
func (s *Store) AddComment(ctx context.Context, code string, year int, scope, indicator, body string, actor User) (Comment, error) {
	body = strings.TrimSpace(body)
	indicator = strings.TrimSpace(indicator)
	scope = strings.TrimSpace(scope)
	var c Comment
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		if err := checkCommenter(a, code, year); err != nil {
			return err
		}
		switch n := utf8.RuneCountInString(body); {
		case n == 0:
			return errorf(apperr.EINVALID, "意见内容不能为空")
		case n > maxCommentLen:
			return errorf(apperr.EINVALID, "意见内容过长（最多 %d 个字符）", maxCommentLen)
		}
		if err := checkField("", "意见内容", evaluation.TextParagraph, body); err != nil {
			return err
		}
		if err := checkField("意见所针对的", "指标编码", evaluation.TextCode, indicator); err != nil {
			return err
		}
		if scope != "" {
			project, ok := ScopeProject(scope)
			if !ok || project == "" {
				return errorf(apperr.EINVALID, "意见所针对的范围 %q 无效，应为空（部门整体）或 %s项目编码", scope, commentProject)
			}
			if err := checkField("意见所针对的", "项目编码", evaluation.TextCode, project); err != nil {
				return err
			}
		}
		c = Comment{Scope: scope, IndicatorCode: indicator, AuthorID: a.ID, Author: a.Username, AuthorName: a.DisplayName, AuthorRole: a.Role, At: s.now(), Body: body}
		return tx.queryRow(ctx, `INSERT INTO review_comments (department_year_id, scope, indicator_code, author_id, at, body, resolved)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, scope, nullString(indicator), a.ID, c.At, body, false).Scan(&c.ID)
	})
	if err != nil {
		return Comment{}, err
	}
	return c, nil
}

// ResolveComment marks a comment of a department-year resolved (or not).
// The same users who may comment may resolve.
func (s *Store) ResolveComment(ctx context.Context, code string, year int, commentID int64, resolved bool, actor User) error {
	return s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		if err := checkCommenter(a, code, year); err != nil {
			return err
		}
		return tx.execOne(ctx, errorf(apperr.ENOTFOUND, "部门 %s %d 年度没有编号为 %d 的意见", code, year, commentID),
			"UPDATE review_comments SET resolved = ? WHERE id = ? AND department_year_id = ?", resolved, commentID, id)
	})
}

var commentsQuery = hot(`SELECT c.id, c.scope, c.indicator_code, c.author_id, u.username, u.display_name, u.role, c.at, c.body, c.resolved
	FROM review_comments c JOIN users u ON u.id = c.author_id
	WHERE c.department_year_id = ? ORDER BY c.id`)

// Comments returns the comments on a department-year, oldest first. Who
// may see them is for the caller to decide.
func (s *Store) Comments(ctx context.Context, code string, year int) ([]Comment, error) {
	var out []Comment
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, commentsQuery, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Comment
			var ind sql.NullString
			if err := rows.Scan(&c.ID, &c.Scope, &ind, &c.AuthorID, &c.Author, &c.AuthorName, &c.AuthorRole, &c.At, &c.Body, &c.Resolved); err != nil {
				return err
			}
			c.IndicatorCode, c.At = ind.String, c.At.UTC()
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Reviewed returns the assessment of a stored department-year in the
// evaluation stage with its review scores applied (assess.Assessment's
// Review and ProjectReviews): its stored evaluation scored with its
// pinned frameworks and the records beside it. A year before the
// evaluation stage is apperr.EINVALID. Who may see it is for the caller
// to decide.
func (s *Store) Reviewed(ctx context.Context, code string, year int) (*assess.Assessment, error) {
	var a *assess.Assessment
	err := s.withReadTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		if st.stage != workflow.Evaluation {
			return errorf(apperr.EINVALID, "部门 %s %d 年度当前为%s阶段，尚未年终评价，没有复核结果", code, year, workflow.StageName(st.stage))
		}
		reviews, err := tx.reviewScoresOf(ctx, st.id)
		if err != nil {
			return err
		}
		a, err = tx.assessStored(ctx, st.id, reviews)
		if err == nil && a.Review == nil {
			// No review score: the review changed nothing.
			a.Review = assess.AfterReview(a.Result, a.Weighted, a.ProjectFramework, nil)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// AcceptedAt returns when the finance bureau last accepted the review of
// a department-year (复核通过: the move from under_review to accepted, in
// history), and false when it never did.
func (s *Store) AcceptedAt(ctx context.Context, code string, year int) (time.Time, bool, error) {
	var at time.Time
	found := false
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		err = tx.queryRow(ctx, `SELECT at FROM history WHERE department_year_id = ? AND action = 'status' AND path = 'status'
			AND old_value = ? AND new_value = ? ORDER BY id DESC LIMIT 1`, id, workflow.UnderReview, workflow.Accepted).Scan(&at)
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		return nil
	})
	return at.UTC(), found, err
}
