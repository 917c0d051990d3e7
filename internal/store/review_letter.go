package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/report"
	"github.com/jixiao/jixiao/internal/workflow"
)

// ReviewLetter gathers what the review opinion letter (复核意见书) of a
// department-year in the evaluation stage is built from
// (report.BuildReviewLetter): the year assessed with its review scores
// (Reviewed), the reviewers' comments made since the year entered the
// evaluation stage (each labelled with its indicator, and its project for
// a project's), the day the review was last accepted (AcceptedAt; the
// calendar day in China, UTC+8), the built-in cycle rules and the
// official calendar. issuer signs the letter (empty: 财政部门). Who may
// see it is for the caller to decide.
func (s *Store) ReviewLetter(ctx context.Context, code string, year int, issuer string) (report.ReviewLetterInput, error) {
	a, err := s.Reviewed(ctx, code, year)
	if err != nil {
		return report.ReviewLetterInput{}, err
	}
	in := report.ReviewLetterInput{Evaluation: a.Evaluation, Result: a.Result, Review: a.Review, Rules: s.rules.Cycle, Issuer: issuer}
	cal, err := calendar.Default()
	if err != nil {
		return in, fmt.Errorf("读取工作日日历失败：%w", err)
	}
	in.Calendar = cal
	at, ok, err := s.AcceptedAt(ctx, code, year)
	if err != nil {
		return in, err
	}
	if ok {
		in.Accepted = civil.DateOf(at.In(china))
	}
	since, err := s.evaluationSince(ctx, code, year)
	if err != nil {
		return in, err
	}
	cs, err := s.Comments(ctx, code, year)
	if err != nil {
		return in, err
	}
	if in.Items, err = s.Rectifications(ctx, code, year); err != nil {
		return in, err
	}
	projects := map[string]string{}
	for _, p := range a.Evaluation.Projects {
		projects[ProjectScope(p.Code)] = p.Name
	}
	for _, c := range cs {
		if c.AuthorRole != workflow.Reviewer || c.At.Before(since) {
			continue
		}
		label := ""
		switch {
		case c.IndicatorCode != "" && c.Scope != "":
			label = "项目“" + projects[c.Scope] + "”指标 " + c.IndicatorCode + "："
		case c.IndicatorCode != "":
			label = "指标 " + c.IndicatorCode + "："
		}
		in.Comments = append(in.Comments, label+c.Body)
	}
	return in, nil
}

// china is the time zone the letter's dates are read in.
var china = time.FixedZone("CST", 8*3600)

// evaluationSince is when the department-year last entered the evaluation
// stage (开始年终自评), or the zero time for a year imported in it.
func (s *Store) evaluationSince(ctx context.Context, code string, year int) (time.Time, error) {
	var at time.Time
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		err = tx.queryRow(ctx, `SELECT at FROM history WHERE department_year_id = ? AND action = 'status' AND path = 'stage' AND new_value = ?
			ORDER BY id DESC LIMIT 1`, id, workflow.Evaluation).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return at, err
}
