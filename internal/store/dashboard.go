package store

import (
	"context"
	"fmt"

	"github.com/jixiao/jixiao/internal/money"
)

// OverviewRow is one department-year as the finance dashboard charts it:
// its listing (with the result after review, Listing.Review), where the
// department sits (region and parent department, as its data file states
// them; empty when it does not) and its final-account spending (支出决算)
// by type.
type OverviewRow struct {
	Listing
	Region, Parent string
	Basic          money.Fen // 基本支出
	Project        money.Fen // 项目支出
}

// Spending is the final-account spending: basic plus project.
func (r OverviewRow) Spending() money.Fen { return money.MustSum(r.Basic, r.Project) }

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
// read transaction and without reading any stored evaluation: the figures
// come from the listing columns and, for region, parent and spending, from
// the summary columns written with the data (summaryOf). The web layer
// builds f as for ListFiltered (store.Visible(user).And(fromRequest)).
// When f names a year in which it selects nothing, Rows is empty and Years
// tells the caller whether any data exists at all.
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
		return tx.summaries(ctx, year, &out)
	})
	if err != nil {
		return Overview{}, fmt.Errorf("读取绩效看板数据失败：%w", err)
	}
	return out, nil
}

// summaries reads the department-years f selects into out.Rows, their
// region, parent and spending from the summary columns every write fills
// (summaryOf).
func (tx *txn) summaries(ctx context.Context, f Filter, out *Overview) error {
	where, args := f.where()
	rows, err := tx.query(ctx, `SELECT `+listingColumns+`, dy.region, dy.parent, dy.basic_spending, dy.project_spending
		FROM department_years dy JOIN departments d ON d.id = dy.department_id`+where+`
		ORDER BY d.code, dy.year`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			sm             OverviewRow
			basic, project int64
		)
		if err := scanListing(rows, &sm.Listing, &sm.Region, &sm.Parent, &basic, &project); err != nil {
			return err
		}
		sm.Basic, sm.Project = money.Fen(basic), money.Fen(project)
		out.Rows = append(out.Rows, sm)
	}
	return rows.Err()
}
