package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// OverviewRow is one department-year as the finance dashboard charts it:
// its listing, where the department sits (region and parent department,
// as its data file states them; empty when it does not), its
// final-account spending (支出决算) by type, and the review scores
// (复核得分) recorded on it, in every scope.
type OverviewRow struct {
	Listing
	Region, Parent string
	Basic          money.Fen // 基本支出
	Project        money.Fen // 项目支出
	Reviews        []ReviewScore
}

// Spending is the final-account spending: basic plus project.
func (r OverviewRow) Spending() money.Fen { return r.Basic + r.Project }

// Overview is one year of the department-years a filter selects.
type Overview struct {
	// Years are the years the filter selects any department-year in,
	// ignoring its year, ascending.
	Years []int
	// Year is the year summarised: the filter's year, or the latest of
	// Years when the filter names none; 0 when nothing is selected.
	Year int
	// Rows are the year's department-years, by department code.
	Rows []OverviewRow
}

// Overview summarises one year of the department-years f selects, in one
// read transaction and without decoding any stored evaluation: the
// figures come from the listing columns and, for region, parent and
// spending, from the stored JSON document by the database's own JSON
// functions. The web layer builds f as for ListFiltered
// (store.Visible(user).And(fromRequest)). When f names a year in which it
// selects nothing, Rows is empty and Years tells the caller whether any
// data exists at all.
func (s *Store) Overview(ctx context.Context, f Filter) (Overview, error) {
	var out Overview
	if f.Status != nil && len(f.Status) == 0 {
		return out, nil
	}
	err := s.withReadTx(ctx, func(tx *txn) error {
		all := f
		all.Year = 0
		where, args := all.where()
		rows, err := tx.query(ctx, `SELECT DISTINCT dy.year FROM department_years dy JOIN departments d ON d.id = dy.department_id`+
			where+` ORDER BY dy.year`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var y int
			if err := rows.Scan(&y); err != nil {
				rows.Close()
				return err
			}
			out.Years = append(out.Years, y)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		out.Year = f.Year
		if out.Year == 0 {
			if len(out.Years) == 0 {
				return nil
			}
			out.Year = out.Years[len(out.Years)-1]
		}
		year := f
		year.Year = out.Year
		if err := tx.summaries(ctx, year, &out); err != nil {
			return err
		}
		return tx.summaryReviews(ctx, year, out.Rows)
	})
	if err != nil {
		return Overview{}, fmt.Errorf("读取绩效看板数据失败：%w", err)
	}
	return out, nil
}

// summaryFields are the JSON fields an OverviewRow reads from the stored
// evaluation, as SQL expressions of each dialect that give text or NULL.
func (s *Store) summaryFields() string {
	if s.dialect == Postgres {
		return `dy.data->'department'->>'region', dy.data->'department'->>'parent',
			dy.data->'finance'->'expenditure'->>'basic', dy.data->'finance'->'expenditure'->>'project'`
	}
	return `json_extract(dy.data, '$.department.region'), json_extract(dy.data, '$.department.parent'),
		json_extract(dy.data, '$.finance.expenditure.basic'), json_extract(dy.data, '$.finance.expenditure.project')`
}

// summaries reads the department-years f selects into out.Rows.
func (tx *txn) summaries(ctx context.Context, f Filter, out *Overview) error {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT `+listingColumns+`, `+tx.store.summaryFields()+`
		FROM department_years dy JOIN departments d ON d.id = dy.department_id`+where+`
		ORDER BY d.code, dy.year`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			sm                             OverviewRow
			region, parent, basic, project sql.NullString
		)
		if err := scanListing(rows, &sm.Listing, &region, &parent, &basic, &project); err != nil {
			return err
		}
		sm.Region, sm.Parent = strings.TrimSpace(region.String), strings.TrimSpace(parent.String)
		if sm.Basic, err = storedAmount(basic); err != nil {
			return fmt.Errorf("部门 %s %d 年度的基本支出 %q 无法读取：%w", sm.DepartmentCode, sm.Year, basic.String, err)
		}
		if sm.Project, err = storedAmount(project); err != nil {
			return fmt.Errorf("部门 %s %d 年度的项目支出 %q 无法读取：%w", sm.DepartmentCode, sm.Year, project.String, err)
		}
		out.Rows = append(out.Rows, sm)
	}
	return rows.Err()
}

// storedAmount reads an amount as the stored JSON writes it (yuan with two
// decimals, money.Fen.MarshalText); missing is zero.
func storedAmount(v sql.NullString) (money.Fen, error) {
	if !v.Valid || v.String == "" {
		return 0, nil
	}
	return money.Parse(v.String)
}

// summaryReviews attaches to each row the review scores recorded on it.
func (tx *txn) summaryReviews(ctx context.Context, f Filter, rows []OverviewRow) error {
	if len(rows) == 0 {
		return nil
	}
	byCode := make(map[string]*OverviewRow, len(rows))
	for i := range rows {
		byCode[rows[i].DepartmentCode] = &rows[i]
	}
	where, args := f.where()
	rs, err := tx.query(ctx, `SELECT d.code, r.scope, r.indicator_code, r.score, r.reason, r.reviewer_id, u.username, r.at
		FROM review_scores r
		JOIN department_years dy ON dy.id = r.department_year_id
		JOIN departments d ON d.id = dy.department_id
		JOIN users u ON u.id = r.reviewer_id`+where+`
		ORDER BY d.code, r.scope, r.indicator_code`, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var (
			code  string
			r     ReviewScore
			score int64
		)
		if err := rs.Scan(&code, &r.Scope, &r.IndicatorCode, &score, &r.Reason, &r.ReviewerID, &r.Reviewer, &r.At); err != nil {
			return err
		}
		r.Score, r.At = num.Points(score), r.At.UTC()
		if sm := byCode[code]; sm != nil {
			sm.Reviews = append(sm.Reviews, r)
		}
	}
	return rs.Err()
}
