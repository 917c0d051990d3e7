package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
)

// OpenRequest asks for a department-year to be opened from an earlier
// year of the same department (docs/cycle.md §5).
type OpenRequest struct {
	Code string
	Year int
	// From is the stored year to carry over from; 0 means Year-1.
	From int
}

// openBatch is how many department-years one lookup query names.
const openBatch = 200

// OpenYears opens department-years in one transaction: if any request
// fails, nothing is stored. Each new year is evaluation.CarryOver of its
// From year (profile, frameworks, weights, goals, targets and projects as
// proposals, open register items, last year's final accounts as the
// prior-year figures), carrying the department's registered master data
// (evaluation.KeepMaster). It is stored in the declaration stage, status
// draft, version 1, with opened_from = From, the framework files pinned
// with From (so the new year is scored as From was), no total and no
// grade, its projects, and one history row: action "create", actor, and
// the reason "由FROM年度开启", followed by reason when one is given.
//
// It refuses with apperr.EINVALID, naming every department and year concerned:
// a year that is already stored, a From year that is not, a From not
// before Year, a request made twice; and an actor or reason that breaks
// the text rule. It returns the requests with From filled in.
func (s *Store) OpenYears(ctx context.Context, reqs []OpenRequest, actor, reason string) ([]OpenRequest, error) {
	reason = strings.TrimSpace(reason)
	if err := checkField("", "开启人", evaluation.TextName, actor); err != nil {
		return nil, err
	}
	if strings.TrimSpace(actor) == "" {
		return nil, errorf(apperr.EINVALID, "开启年度需要填写操作人")
	}
	if err := checkField("", "开启原因", evaluation.TextParagraph, reason); err != nil {
		return nil, err
	}
	if len(reqs) == 0 {
		return nil, errorf(apperr.EINVALID, "没有选择要开启的部门年度")
	}
	out := make([]OpenRequest, len(reqs))
	seen := map[key]bool{}
	var bad []string
	for i, r := range reqs {
		r.Code = strings.TrimSpace(r.Code)
		if r.From == 0 {
			r.From = r.Year - 1
		}
		switch {
		case r.Code == "" || !storable(r.Code):
			bad = append(bad, fmt.Sprintf("第 %d 项的部门编码无效", i+1))
		case r.Year < 2000 || r.Year > 2100:
			bad = append(bad, fmt.Sprintf("部门 %s 的年度 %d 无效（应为 2000 至 2100 之间的整数）", r.Code, r.Year))
		case r.From >= r.Year || r.From < 2000:
			bad = append(bad, fmt.Sprintf("部门 %s %d 年度不能由 %d 年度开启：来源年度应早于开启的年度", r.Code, r.Year, r.From))
		case seen[key{r.Code, r.Year}]:
			bad = append(bad, fmt.Sprintf("部门 %s %d 年度在本次开启中出现了两次", r.Code, r.Year))
		}
		seen[key{r.Code, r.Year}] = true
		out[i] = r
	}
	if len(bad) > 0 {
		return nil, errorf(apperr.EINVALID, "未开启任何年度：%s", strings.Join(bad, "；"))
	}
	err := s.withTx(ctx, func(tx *txn) error { return tx.openYears(ctx, out, actor, reason) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// prevYear is a stored year a new one is opened from.
type prevYear struct {
	deptID int64
	fw     int64
	pfw    sql.NullInt64
	data   []byte
	master evaluation.Master
}

func (tx *txn) openYears(ctx context.Context, reqs []OpenRequest, actor, reason string) error {
	targets := make([]key, len(reqs))
	froms := make([]key, len(reqs))
	for i, r := range reqs {
		targets[i], froms[i] = key{r.Code, r.Year}, key{r.Code, r.From}
	}
	existing := map[key]bool{}
	err := tx.eachYear(ctx, targets, "d.code, dy.year", func(rows *sql.Rows) error {
		var k key
		if err := rows.Scan(&k.code, &k.year); err != nil {
			return err
		}
		existing[k] = true
		return nil
	})
	if err != nil {
		return err
	}
	var bad []string
	for _, k := range targets {
		if existing[k] {
			bad = append(bad, fmt.Sprintf("部门 %s %d 年度已存在", k.code, k.year))
		}
	}
	if len(bad) > 0 {
		return errorf(apperr.EINVALID, "未开启任何年度：%s", strings.Join(bad, "；"))
	}
	prevs := map[key]*prevYear{}
	err = tx.eachYear(ctx, froms, `d.code, dy.year, dy.department_id, dy.framework_version_id, dy.project_framework_version_id, dy.data,
		d.name, d.parent, d.region`, func(rows *sql.Rows) error {
		p := &prevYear{}
		var k key
		if err := rows.Scan(&k.code, &k.year, &p.deptID, &p.fw, &p.pfw, &p.data, &p.master.Name, &p.master.Parent, &p.master.Region); err != nil {
			return err
		}
		prevs[k] = p
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if prevs[key{r.Code, r.From}] == nil {
			bad = append(bad, fmt.Sprintf("部门 %s 没有 %d 年度的数据，不能由其开启 %d 年度", r.Code, r.From, r.Year))
		}
	}
	if len(bad) > 0 {
		return errorf(apperr.EINVALID, "未开启任何年度：%s", strings.Join(bad, "；"))
	}
	stmt, err := tx.prepare(ctx, `INSERT INTO department_years (department_id, year, stage, status, framework_version_id, project_framework_version_id,
		data, total, grade, version, source, created_at, updated_at, opened_from, `+strings.Join(summaryColumns, ", ")+`)
		VALUES (?, ?, 'declaration', 'draft', ?, ?, ?, 0, '', 1, ?, ?, ?, ?, `+placeholders(len(summaryColumns))+`) RETURNING id`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	docs, err := carryAll(reqs, prevs)
	if err != nil {
		return err
	}
	now := tx.store.now()
	var projects, history [][]any
	for i, r := range reqs {
		p, doc := prevs[key{r.Code, r.From}], docs[i]
		var pfw any
		if p.pfw.Valid {
			pfw = p.pfw.Int64
		}
		opened := fmt.Sprintf("由%d年度开启", r.From)
		args := append([]any{p.deptID, r.Year, p.fw, pfw, string(doc.data), opened, now, now, r.From}, summaryArgs(doc.ev)...)
		var id int64
		if err := stmt.QueryRowContext(ctx, args...).Scan(&id); err != nil {
			return fmt.Errorf("写入部门 %s %d 年度失败：%w", r.Code, r.Year, err)
		}
		projects = appendProjectRows(projects, id, doc.ev, nil)
		why := opened
		if reason != "" {
			why += "：" + reason
		}
		history = appendHistoryRows(history, id, 1, now, actor, "create", why, nil)
	}
	if err := tx.insertRows(ctx, "projects", projectColumns, projects); err != nil {
		return fmt.Errorf("写入项目失败：%w", err)
	}
	if err := tx.insertRows(ctx, "history", historyColumns, history); err != nil {
		return fmt.Errorf("写入修改记录失败：%w", err)
	}
	return nil
}

// carried is the document of a year being opened, and its JSON.
type carried struct {
	ev   *evaluation.Evaluation
	data []byte
}

// carryAll makes the documents of the years requested from their
// previous years (evaluation.CarryOver, carrying the master data), checks
// their text and encodes them, on every core: decoding and encoding the
// documents is most of an opening's work. The first failure in request
// order is returned.
func carryAll(reqs []OpenRequest, prevs map[key]*prevYear) ([]carried, error) {
	out := make([]carried, len(reqs))
	errs := make([]error, len(reqs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(reqs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				out[i], errs[i] = carry(reqs[i], prevs[key{reqs[i].Code, reqs[i].From}])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// carry makes one opened year's document from its previous year.
func carry(r OpenRequest, p *prevYear) (carried, error) {
	var prev evaluation.Evaluation
	if err := json.Unmarshal(p.data, &prev); err != nil {
		return carried{}, fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", r.Code, r.From, err)
	}
	ev := evaluation.CarryOver(&prev, r.Year)
	ev.Department.Code = r.Code
	ev.KeepMaster(p.master)
	where := fmt.Sprintf("部门 %s %d 年度", r.Code, r.Year)
	if err := checkEvaluationText(ev, where); err != nil {
		return carried{}, err
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return carried{}, errorf(apperr.EINVALID, "%s的数据无法编码：%v", where, err)
	}
	return carried{ev: ev, data: data}, nil
}

// eachYear runs a query selecting cols for the stored department-years
// among keys, openBatch at a time, and calls fn to scan each row.
func (tx *txn) eachYear(ctx context.Context, keys []key, cols string, fn func(*sql.Rows) error) error {
	for len(keys) > 0 {
		part := keys[:min(len(keys), openBatch)]
		keys = keys[len(part):]
		if err := tx.eachYearPart(ctx, part, cols, fn); err != nil {
			return err
		}
	}
	return nil
}

func (tx *txn) eachYearPart(ctx context.Context, part []key, cols string, fn func(*sql.Rows) error) error {
	{
		conds := make([]string, len(part))
		args := make([]any, 0, 2*len(part))
		for i, k := range part {
			conds[i] = "(d.code = ? AND dy.year = ?)"
			args = append(args, k.code, k.year)
		}
		rows, err := tx.query(ctx, `SELECT `+cols+` FROM department_years dy JOIN departments d ON d.id = dy.department_id
			WHERE `+strings.Join(conds, " OR "), args...)
		if err != nil {
			return fmt.Errorf("读取部门年度失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := fn(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}

// OpenCandidate is a department that may have a year opened: its latest
// stored year is Year-1 and Year is not stored.
type OpenCandidate struct {
	Code, Name string
	// From is the stored year, Year-1.
	From int
	// FromStage and FromStatus are where From stands.
	FromStage, FromStatus string
}

// OpenCandidates lists, by department code, the departments f selects
// that have year-1 stored and year not: the departments a year can be
// opened for.
func (s *Store) OpenCandidates(ctx context.Context, f Filter, year int) ([]OpenCandidate, error) {
	f = f.And(Filter{Year: year - 1})
	if f.Status != nil && len(f.Status) == 0 {
		return nil, nil
	}
	where, args := f.where()
	q := `SELECT d.code, d.name, dy.year, dy.stage, dy.status FROM department_years dy JOIN departments d ON d.id = dy.department_id` + where + `
		AND NOT EXISTS (SELECT 1 FROM department_years n WHERE n.department_id = dy.department_id AND n.year = ?)
		ORDER BY d.code`
	var out []OpenCandidate
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, q, append(args, year)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c OpenCandidate
			if err := rows.Scan(&c.Code, &c.Name, &c.From, &c.FromStage, &c.FromStatus); err != nil {
				return err
			}
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取可开启的部门失败：%w", err)
	}
	return out, nil
}
