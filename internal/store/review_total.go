package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// The result after review (Listing.Review) is kept in columns of
// department_years (migration 00006) so that the public list and the
// dashboard read it and never score a year per request. It changes when
// the data changes (Import, Update) and when a department review score
// is set (SetReviewScore); acceptance and publication (Transition) write
// it again, so that what the public reads is computed at publication at
// the latest. It is computed by assess.AfterReview from the year's score
// tree: the tree the writer passes with the data, else the stored
// evaluation scored with its pinned frameworks and the official calendar.

// reviewVersion is the version of the computation the writes store, in
// the column review_version (0: never filled). Raise it when the rule
// changes: Open refills rows below it (backfillReviews).
// Version 2 adds the projects' results after review (projects.review_total,
// review_grade; migration 00020).
const reviewVersion = 2

// selfReviewArgs are the review columns' values for a year without review
// scores that count: its self-score, for INSERT … (review_total,
// review_grade, review_count, review_version); 0 and empty for a year not
// scored yet (before the evaluation stage).
func selfReviewArgs(res *scoring.Result) []any {
	total, grade := resultTotal(res)
	return []any{total, grade, 0, reviewVersion}
}

// reviewColumns are the columns selfReviewArgs fills, in its order.
var reviewColumns = []string{"review_total", "review_grade", "review_count", "review_version"}

// reviewSet is the SET list writing reviewColumns.
var reviewSet = strings.Join(reviewColumns, " = ?, ") + " = ?"

// reviewScoresOf returns every review score of the department-year with
// id, by scope and code, with reason and reviewer.
func (tx *txn) reviewScoresOf(ctx context.Context, id int64) (assess.Scores, error) {
	rows, err := tx.query(ctx, reviewScoresQuery, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var rs []ReviewScore
	for rows.Next() {
		var r ReviewScore
		var score int64
		if err := rows.Scan(&r.Scope, &r.IndicatorCode, &score, &r.Reason, &r.ReviewerID, &r.Reviewer, &r.At); err != nil {
			return nil, err
		}
		r.Score = num.Points(score)
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ScoresOf(rs), nil
}

// refreshReview computes and writes the result after review of the
// department-year with id, whose total and grade columns already hold its
// self-score. res is its score tree when the caller has it (a write of
// the data); nil scores the stored evaluation, which only happens when
// department review scores exist.
func (tx *txn) refreshReview(ctx context.Context, id int64, res *scoring.Result) error {
	reviews, err := tx.reviewScoresOf(ctx, id)
	if err != nil {
		return err
	}
	var r *assess.Review
	if len(reviews) > 0 {
		if r, err = tx.reviewOf(ctx, id, res, reviews); err != nil {
			return err
		}
	}
	if err := tx.refreshProjectReviews(ctx, id, r); err != nil {
		return err
	}
	if r == nil || r.Counted == 0 {
		_, err = tx.exec(ctx, `UPDATE department_years SET review_total = total, review_grade = grade, review_count = 0, review_version = ?
			WHERE id = ?`, reviewVersion, id)
	} else {
		_, err = tx.exec(ctx, `UPDATE department_years SET review_total = ?, review_grade = ?, review_count = ?, review_version = ?
			WHERE id = ?`, int64(r.Total), r.Grade, r.Counted, reviewVersion, id)
	}
	if err != nil {
		return fmt.Errorf("保存复核后得分失败：%w", err)
	}
	return nil
}

// refreshProjectReviews writes each project's total and grade after
// review where a review score of the project counts, and clears them
// elsewhere (r nil: no review at all).
func (tx *txn) refreshProjectReviews(ctx context.Context, id int64, r *assess.Review) error {
	if _, err := tx.exec(ctx, `UPDATE projects SET review_total = 0, review_grade = '' WHERE department_year_id = ?`, id); err != nil {
		return fmt.Errorf("保存项目复核后得分失败：%w", err)
	}
	if r == nil {
		return nil
	}
	for i, p := range r.Projects {
		if p.Counted == 0 {
			continue
		}
		// Projects are numbered from 1 in the order of the document,
		// as r.Projects are.
		if _, err := tx.exec(ctx, `UPDATE projects SET review_total = ?, review_grade = ? WHERE department_year_id = ? AND seq = ?`,
			int64(p.ReviewTotal), p.Grade, id, i+1); err != nil {
			return fmt.Errorf("保存项目复核后得分失败：%w", err)
		}
	}
	return nil
}

// reviewOf applies reviews to the department-year with id: to res, or to
// its stored evaluation scored with its pinned frameworks. The grades
// follow the pinned frameworks' bands.
func (tx *txn) reviewOf(ctx context.Context, id int64, res *scoring.Result, reviews assess.Scores) (*assess.Review, error) {
	if res != nil {
		content, pcon, _, err := tx.pinnedFrameworks(ctx, id)
		if err != nil {
			return nil, err
		}
		lib, err := datafile.PinnedLibrary(content, pcon)
		if err != nil {
			return nil, fmt.Errorf("部门年度留存的指标框架无法读取：%w", err)
		}
		fw, _ := lib.Framework(res.Framework)
		var pfw *framework.Framework
		if len(res.Projects) > 0 {
			pfw, _ = lib.Framework(res.Projects[0].Framework)
		}
		return assess.AfterReview(res, fw, pfw, reviews), nil
	}
	a, err := tx.assessStored(ctx, id, reviews)
	if err != nil {
		return nil, err
	}
	if a.Review == nil {
		return &assess.Review{Total: a.Result.Total, Grade: a.Result.Grade}, nil
	}
	return a.Review, nil
}

// assessStored runs the pipeline on the stored evaluation of the
// department-year with id, with its pinned frameworks, the records beside
// it, the official calendar and the review scores given. A stored year
// was checked when it was saved: a check added since does not stop it
// being scored (assess.Options.Stored); a year that cannot be scored is
// an error naming it.
func (tx *txn) assessStored(ctx context.Context, id int64, reviews assess.Scores) (*assess.Assessment, error) {
	var (
		code          string
		year          int
		data          []byte
		content, pcon []byte
	)
	err := tx.queryRow(ctx, `SELECT d.code, dy.year, dy.data, f.content, pf.content
		FROM department_years dy
		JOIN departments d ON d.id = dy.department_id
		JOIN framework_versions f ON f.id = dy.framework_version_id
		LEFT JOIN framework_versions pf ON pf.id = dy.project_framework_version_id
		WHERE dy.id = ?`, id).Scan(&code, &year, &data, &content, &pcon)
	if err != nil {
		return nil, err
	}
	lib, err := datafile.PinnedLibrary(content, pcon)
	if err != nil {
		return nil, fmt.Errorf("部门 %s %d 年度留存的指标框架无法读取：%w", code, year, err)
	}
	var ev evaluation.Evaluation
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", code, year, err)
	}
	c, _, err := tx.cycleOf(ctx, id)
	if err != nil {
		return nil, err
	}
	a := assess.Assess(&ev, lib, assess.Options{Calendar: calendar.ScoringOptions().Calendar, Reviews: reviews, Cycle: c, Stored: true})
	if a.Result == nil {
		return nil, fmt.Errorf("部门 %s %d 年度无法评分，不能计算复核后得分：%v", code, year, a.Findings.Err())
	}
	return a, nil
}

// reviewBatch is how many department-years backfillReviews refills in one
// transaction.
const reviewBatch = 100

// backfillReviews fills the result after review of every department-year
// below reviewVersion: migration 00006 fills those without department
// review scores; the others are scored here, once. Each batch is a
// transaction of its own, so an interrupted backfill keeps what it did.
// A year that cannot be scored is an error naming it, and the store does
// not open.
func (s *Store) backfillReviews(ctx context.Context) error {
	for {
		var done bool
		err := s.withTx(ctx, func(tx *txn) error {
			rs, err := tx.query(ctx, `SELECT id FROM department_years WHERE review_version < ? ORDER BY id LIMIT ?`, reviewVersion, reviewBatch)
			if err != nil {
				return err
			}
			var ids []int64
			for rs.Next() {
				var id int64
				if err := rs.Scan(&id); err != nil {
					rs.Close()
					return err
				}
				ids = append(ids, id)
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return err
			}
			done = len(ids) == 0
			for _, id := range ids {
				if err := tx.refreshReview(ctx, id, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("补全复核后得分失败：%w", err)
		}
		if done {
			return nil
		}
	}
}
