package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Ex-ante evaluations (事前绩效评估, docs/cycle.md §2 tracks, migration
// 00011): one record per project code of a department-year, its framework
// file pinned, its score and conclusion kept from the last save. Moves and
// edits are recorded in the year's history at paths "exante[CODE]…"; the
// year's version does not change (a track, like review scores).

// Ex-ante statuses.
const (
	ExanteDraft     = "draft"
	ExanteConcluded = "concluded"
)

// ExanteStatusNames names the statuses.
var ExanteStatusNames = map[string]string{ExanteDraft: "评估中", ExanteConcluded: "已出结论"}

// ExanteEvaluation is one stored ex-ante evaluation.
type ExanteEvaluation struct {
	ID                       int64
	DepartmentCode           string
	Year                     int
	ProjectCode, ProjectName string
	Amount                   money.Fen
	Assessor                 string
	// Framework is the pinned framework file's bytes.
	Framework []byte
	Record    *exante.Evaluation
	// Scored says the last save could be scored: Total and Conclusion
	// are then its score and conclusion.
	Scored     bool
	Total      num.Points
	Conclusion string
	Status     string
	Version    int
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedBy  string
	UpdatedAt  time.Time
	// ConcludedBy and ConcludedAt are set while the status is concluded.
	ConcludedBy string
	ConcludedAt time.Time
}

// StatusName names the status in Chinese.
func (e *ExanteEvaluation) StatusName() string { return ExanteStatusNames[e.Status] }

// ExanteSave is one save of an ex-ante evaluation: the record assessed by
// the one pipeline (exante.Assess), and the version the caller read (0
// creates the record).
type ExanteSave struct {
	Assessment *exante.Assessment
	Version    int
}

// SaveExante stores an ex-ante evaluation of the department-year code,
// year: the record as assessed, its framework file pinned, its total and
// conclusion when it could be scored. A draft may be incomplete (the
// assessment's findings say what is missing); text breaking the text rule,
// a record of another department or year, a missing project code or name,
// an amount not above zero, an unknown assessor or framework are
// apperr.EINVALID. Version 0 creates the record (a project code already
// evaluated in the year is apperr.ECONFLICT); otherwise the record read at
// that version is replaced (stale: apperr.ECONFLICT; concluded: reopen it
// first, apperr.EINVALID). History: path "exante[CODE]" when created,
// "exante[CODE].data" when replaced, old and new value the score. It
// returns the record stored. Who may save is the edge's check
// (web canEditExante); actor and reason are recorded.
func (s *Store) SaveExante(ctx context.Context, code string, year int, in ExanteSave, actor, reason string) (*ExanteEvaluation, error) {
	a := in.Assessment
	if a == nil || a.Evaluation == nil {
		return nil, errorf(apperr.EINVALID, "缺少事前绩效评估记录")
	}
	rec := a.Evaluation
	pcode := strings.TrimSpace(rec.Project.Code)
	where := fmt.Sprintf("部门 %s %d 年度项目 %s 事前绩效评估：", code, year, pcode)
	if err := checkExante(a, code, year, where); err != nil {
		return nil, err
	}
	if err := checkField(where, "操作人", evaluation.TextName, actor); err != nil {
		return nil, err
	}
	if err := checkField(where, "修改原因", evaluation.TextParagraph, reason); err != nil {
		return nil, err
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, errorf(apperr.EINVALID, "%s记录无法编码：%v", where, err)
	}
	sum := sha256.Sum256(a.Framework.Source)
	p := &pin{fw: a.Framework, sha: hex.EncodeToString(sum[:])}
	var total any
	conclusion, score := "", "未评分"
	if a.Result != nil {
		total, conclusion = int64(a.Result.Total), a.Conclusion
		score = fmt.Sprintf("%s 分（%s）", a.Result.Total, framework.ConclusionName(conclusion))
	}
	var id int64
	err = s.withTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		if err := tx.resolvePins(ctx, []*pin{p}); err != nil {
			return err
		}
		if err := tx.insertPins(ctx, []*pin{p}); err != nil {
			return err
		}
		now := s.now()
		old, err := tx.exanteRow(ctx, st.id, pcode)
		if err != nil {
			return err
		}
		switch {
		case in.Version == 0 && old != nil:
			return errorf(apperr.ECONFLICT, "%s该项目已有事前绩效评估记录（第 %d 版），请打开后修改", where, old.Version)
		case in.Version == 0:
			err = tx.queryRow(ctx, `INSERT INTO exante_evaluations (department_year_id, project_code, project_name, amount, assessor,
				framework_version_id, data, total, conclusion, created_by, created_at, updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				st.id, pcode, rec.Project.Name, int64(rec.Project.Amount), rec.Assessor, p.id, string(data), total, conclusion,
				actor, now, actor, now).Scan(&id)
			if err != nil {
				return fmt.Errorf("保存事前绩效评估失败：%w", err)
			}
			if err := tx.exanteHistory(ctx, st.id, st.version, "update", "exante["+pcode+"]", "", score, actor, reason, now); err != nil {
				return err
			}
			return tx.rescoreWithRecords(ctx, st.id, st.stage)
		case old == nil:
			return errorf(apperr.ENOTFOUND, "%s没有该项目的事前绩效评估记录", where)
		case old.Version != in.Version:
			return errorf(apperr.ECONFLICT, "%s记录已被他人修改（当前第 %d 版，您编辑的是第 %d 版），请刷新后重试", where, old.Version, in.Version)
		case old.Status != ExanteDraft:
			return errorf(apperr.EINVALID, "%s已出结论，修改前须先撤回结论", where)
		}
		id = old.ID
		if _, err := tx.exec(ctx, `UPDATE exante_evaluations SET project_name = ?, amount = ?, assessor = ?, framework_version_id = ?,
			data = ?, total = ?, conclusion = ?, version = version + 1, updated_by = ?, updated_at = ? WHERE id = ?`,
			rec.Project.Name, int64(rec.Project.Amount), rec.Assessor, p.id, string(data), total, conclusion, actor, now, id); err != nil {
			return fmt.Errorf("保存事前绩效评估失败：%w", err)
		}
		if err := tx.exanteHistory(ctx, st.id, st.version, "update", "exante["+pcode+"].data", old.scoreText(), score, actor, reason, now); err != nil {
			return err
		}
		return tx.rescoreWithRecords(ctx, st.id, st.stage)
	})
	if err != nil {
		return nil, err
	}
	return s.exanteByID(ctx, code, year, id)
}

// checkExante refuses what a stored record must not be, naming every
// problem at once.
func checkExante(a *exante.Assessment, code string, year int, where string) error {
	rec := a.Evaluation
	var probs []string
	if rec.Department.Code != code || rec.Year != year {
		probs = append(probs, fmt.Sprintf("记录属于部门 %s %d 年度", rec.Department.Code, rec.Year))
	}
	if strings.TrimSpace(rec.Project.Code) == "" || strings.TrimSpace(rec.Project.Name) == "" {
		probs = append(probs, "缺少项目编码或项目名称")
	}
	if rec.Project.Amount <= 0 {
		probs = append(probs, "申请预算金额应大于 0")
	}
	if exante.AssessorNames[rec.Assessor] == "" {
		probs = append(probs, "评估主体应为预算部门或财政部门")
	}
	if a.Framework == nil || len(a.Framework.Source) == 0 {
		probs = append(probs, "未找到事前绩效评估指标框架")
	}
	for _, d := range rec.Validate() {
		if d.Code == diag.BadText || d.Code == diag.TextTooLong {
			probs = append(probs, d.Message)
		}
	}
	if len(probs) > 0 {
		return errorf(apperr.EINVALID, "%s%s", where, strings.Join(probs, "；"))
	}
	return nil
}

// exanteHistory records an ex-ante edit or move in the year's history.
func (tx *txn) exanteHistory(ctx context.Context, id int64, version int, action, path, from, to, actor, reason string, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, version, now, actor, action, path, from, to, reason)
	if err != nil {
		return fmt.Errorf("写入修改记录失败：%w", err)
	}
	return nil
}

// scoreText is the record's score in words, as history keeps it.
func (e *ExanteEvaluation) scoreText() string {
	if !e.Scored {
		return "未评分"
	}
	return fmt.Sprintf("%s 分（%s）", e.Total, framework.ConclusionName(e.Conclusion))
}

// ConcludeExante gives (conclude true) or withdraws (false) the
// conclusion of the ex-ante evaluation of project pcode, read at version.
// Concluding needs a draft that was scored: its conclusion is the one
// stored with its score. Withdrawing needs a concluded record and a
// reason. Both bump the record's version and are recorded in history at
// "exante[CODE].status". Who may conclude is the edge's check (web
// canConcludeExante).
func (s *Store) ConcludeExante(ctx context.Context, code string, year int, pcode string, version int, conclude bool, actor, reason string) (*ExanteEvaluation, error) {
	where := fmt.Sprintf("部门 %s %d 年度项目 %s 事前绩效评估：", code, year, pcode)
	reason = strings.TrimSpace(reason)
	if !conclude && reason == "" {
		return nil, errorf(apperr.EINVALID, "%s撤回结论须说明原因", where)
	}
	if err := checkField(where, "原因", evaluation.TextParagraph, reason); err != nil {
		return nil, err
	}
	var id int64
	err := s.withTx(ctx, func(tx *txn) error {
		st, err := tx.loadState(ctx, code, year)
		if err != nil {
			return err
		}
		old, err := tx.exanteRow(ctx, st.id, pcode)
		switch {
		case err != nil:
			return err
		case old == nil:
			return errorf(apperr.ENOTFOUND, "%s没有该项目的事前绩效评估记录", where)
		case old.Version != version:
			return errorf(apperr.ECONFLICT, "%s记录已被他人修改（当前第 %d 版，您看到的是第 %d 版），请刷新后重试", where, old.Version, version)
		case conclude && old.Status != ExanteDraft:
			return errorf(apperr.EINVALID, "%s已出结论", where)
		case conclude && !old.Scored:
			return errorf(apperr.EINVALID, "%s记录尚不完整、无法评分，不能出具结论；请先补全并保存", where)
		case !conclude && old.Status != ExanteConcluded:
			return errorf(apperr.EINVALID, "%s尚未出具结论，无须撤回", where)
		}
		id = old.ID
		now := s.now()
		to, toName := ExanteConcluded, ExanteStatusNames[ExanteConcluded]+"："+framework.ConclusionName(old.Conclusion)
		var by, at any = actor, now
		if !conclude {
			to, toName, by, at = ExanteDraft, ExanteStatusNames[ExanteDraft], nil, nil
		}
		if _, err := tx.exec(ctx, `UPDATE exante_evaluations SET status = ?, version = version + 1, concluded_by = ?, concluded_at = ?,
			updated_by = ?, updated_at = ? WHERE id = ?`, to, by, at, actor, now, id); err != nil {
			return fmt.Errorf("保存事前绩效评估结论失败：%w", err)
		}
		from := ExanteStatusNames[old.Status]
		if old.Status == ExanteConcluded {
			from += "：" + framework.ConclusionName(old.Conclusion)
		}
		if err := tx.exanteHistory(ctx, st.id, st.version, "status", "exante["+pcode+"].status", from, toName, actor, reason, now); err != nil {
			return err
		}
		return tx.rescoreWithRecords(ctx, st.id, st.stage)
	})
	if err != nil {
		return nil, err
	}
	return s.exanteByID(ctx, code, year, id)
}

const exanteColumns = `e.id, e.project_code, e.project_name, e.amount, e.assessor, f.content, e.data, e.total, e.conclusion,
	e.status, e.version, e.created_by, e.created_at, e.updated_by, e.updated_at, COALESCE(e.concluded_by, ''), e.concluded_at`

func scanExante(row interface{ Scan(...any) error }) (*ExanteEvaluation, error) {
	var (
		e         ExanteEvaluation
		amount    int64
		data      []byte
		total     sql.NullInt64
		concluded sql.NullTime
	)
	if err := row.Scan(&e.ID, &e.ProjectCode, &e.ProjectName, &amount, &e.Assessor, &e.Framework, &data, &total, &e.Conclusion,
		&e.Status, &e.Version, &e.CreatedBy, &e.CreatedAt, &e.UpdatedBy, &e.UpdatedAt, &e.ConcludedBy, &concluded); err != nil {
		return nil, err
	}
	e.Amount, e.Scored, e.Total = money.Fen(amount), total.Valid, num.Points(total.Int64)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if concluded.Valid {
		e.ConcludedAt = concluded.Time.UTC()
	}
	e.Record = new(exante.Evaluation)
	if err := json.Unmarshal(data, e.Record); err != nil {
		return nil, fmt.Errorf("项目 %s 的事前绩效评估记录无法读取：%w", e.ProjectCode, err)
	}
	return &e, nil
}

// exanteRow reads the record of project pcode of the department-year id,
// nil when there is none.
func (tx *txn) exanteRow(ctx context.Context, id int64, pcode string) (*ExanteEvaluation, error) {
	e, err := scanExante(tx.queryRow(ctx, `SELECT `+exanteColumns+` FROM exante_evaluations e
		JOIN framework_versions f ON f.id = e.framework_version_id WHERE e.department_year_id = ? AND e.project_code = ?`, id, pcode))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return e, err
}

func (s *Store) exanteByID(ctx context.Context, code string, year int, id int64) (*ExanteEvaluation, error) {
	var out *ExanteEvaluation
	err := s.withReadTx(ctx, func(tx *txn) error {
		var err error
		out, err = scanExante(tx.queryRow(ctx, `SELECT `+exanteColumns+` FROM exante_evaluations e
			JOIN framework_versions f ON f.id = e.framework_version_id WHERE e.id = ?`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	out.DepartmentCode, out.Year = code, year
	return out, nil
}

// ExanteEvaluations lists the ex-ante evaluations of a department-year by
// project code.
func (s *Store) ExanteEvaluations(ctx context.Context, code string, year int) ([]*ExanteEvaluation, error) {
	var out []*ExanteEvaluation
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		out, err = tx.exanteRows(ctx, id)
		return err
	})
	for _, e := range out {
		e.DepartmentCode, e.Year = code, year
	}
	return out, err
}

func (tx *txn) exanteRows(ctx context.Context, id int64) ([]*ExanteEvaluation, error) {
	rows, err := tx.query(ctx, `SELECT `+exanteColumns+` FROM exante_evaluations e
		JOIN framework_versions f ON f.id = e.framework_version_id WHERE e.department_year_id = ? ORDER BY e.project_code`, id)
	if err != nil {
		return nil, fmt.Errorf("读取事前绩效评估失败：%w", err)
	}
	defer rows.Close()
	var out []*ExanteEvaluation
	for rows.Next() {
		e, err := scanExante(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExanteEvaluation reads the ex-ante evaluation of project pcode of a
// department-year; apperr.ENOTFOUND when there is none.
func (s *Store) ExanteEvaluation(ctx context.Context, code string, year int, pcode string) (*ExanteEvaluation, error) {
	var out *ExanteEvaluation
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		out, err = tx.exanteRow(ctx, id, pcode)
		if err == nil && out == nil {
			err = errorf(apperr.ENOTFOUND, "部门 %s %d 年度没有项目 %s 的事前绩效评估记录", code, year, pcode)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	out.DepartmentCode, out.Year = code, year
	return out, nil
}

// cycleOf builds the facts the assessment pipeline reads beside the
// department-year id (assess.Options.Cycle): its ex-ante evaluations
// under the store's ex-ante rules (rules/exante-default.yaml unless
// Store.SetRules gave others), its monitoring records when it was opened
// here, the rectification items of its department's earlier years, and
// a stamp that changes
// whenever they do (a cache of scores keys on it).
// A year not stored yet (id 0) has no records.
func (tx *txn) cycleOf(ctx context.Context, id int64) (*evaluation.Cycle, string, error) {
	var openedFrom int
	if id != 0 {
		if err := tx.queryRow(ctx, `SELECT COALESCE(opened_from, 0) FROM department_years WHERE id = ?`, id).Scan(&openedFrom); err != nil {
			return nil, "", err
		}
	}
	return tx.cycleFor(ctx, id, openedFrom)
}

var exanteOfQuery = hot(`SELECT id, project_code, project_name, status, conclusion, total, version FROM exante_evaluations
		WHERE department_year_id = ? ORDER BY id`)

// cycleFor is cycleOf for a year whose opened_from the caller has read.
func (tx *txn) cycleFor(ctx context.Context, id int64, openedFrom int) (*evaluation.Cycle, string, error) {
	r := tx.store.rules.Exante
	c := &evaluation.Cycle{Exante: map[string]evaluation.ExanteRecord{}, ExanteFrom: r.DepartmentFrom, ExanteFinanceFrom: r.FinanceFrom, ExanteDefault: r.Default}
	if id == 0 {
		return c, "", nil
	}
	rows, err := tx.query(ctx, exanteOfQuery, id)
	if err != nil {
		return nil, "", fmt.Errorf("读取事前绩效评估失败：%w", err)
	}
	defer rows.Close()
	var stamp strings.Builder
	for rows.Next() {
		var (
			x       evaluation.ExanteRecord
			code    string
			status  string
			total   sql.NullInt64
			version int
		)
		if err := rows.Scan(&x.ID, &code, &x.Name, &status, &x.Conclusion, &total, &version); err != nil {
			return nil, "", err
		}
		x.Concluded = status == ExanteConcluded
		x.Total = num.Points(total.Int64).String()
		c.Exante[code] = x
		fmt.Fprintf(&stamp, "%d.%d;", x.ID, version)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	rows.Close()
	rect, rstamp, err := tx.rectificationOf(ctx, id)
	if err != nil {
		return nil, "", err
	}
	c.Rectification = rect
	stamp.WriteString(rstamp)
	if openedFrom > 0 {
		// The year ran its execution stage here: its monitoring records
		// decide the monitoring item.
		m, mstamp, err := tx.monitoringOf(ctx, id)
		if err != nil {
			return nil, "", err
		}
		c.Monitoring = m
		stamp.WriteString(mstamp)
	}
	return c, stamp.String(), nil
}

// chinaTime is the zone a submission's date is taken in (Beijing time).
var chinaTime = time.FixedZone("CST", 8*3600)

// monitoringOf reads the year's checkpoint reports (with the date each
// was first submitted, from history) and execution warnings, for the
// monitoring item of 绩效管理, and a stamp that changes when they do.
func (tx *txn) monitoringOf(ctx context.Context, id int64) (*evaluation.Monitoring, string, error) {
	m := &evaluation.Monitoring{}
	var stamp strings.Builder
	submitted := map[int]civil.Date{}
	hrows, err := tx.query(ctx, `SELECT path, at FROM history WHERE department_year_id = ? AND path LIKE 'monitoring[%].status' AND new_value = ? ORDER BY id`, id, workflow.Submitted)
	if err != nil {
		return nil, "", err
	}
	for hrows.Next() {
		var path string
		var at time.Time
		if err := hrows.Scan(&path, &at); err != nil {
			hrows.Close()
			return nil, "", err
		}
		month, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "monitoring["), "].status"))
		if err != nil {
			continue
		}
		if _, ok := submitted[month]; !ok {
			submitted[month] = civil.DateOf(at.In(chinaTime))
		}
	}
	if err := hrows.Err(); err != nil {
		hrows.Close()
		return nil, "", err
	}
	hrows.Close()
	crows, err := tx.query(ctx, `SELECT `+tx.checkpointColumns()+` FROM monitoring_reports WHERE department_year_id = ? ORDER BY month`, id)
	if err != nil {
		return nil, "", err
	}
	for crows.Next() {
		r, err := scanCheckpoint(crows)
		if err != nil {
			crows.Close()
			return nil, "", err
		}
		m.Checkpoints = append(m.Checkpoints, evaluation.CheckpointRecord{Month: r.Month, Accepted: r.Status == workflow.Accepted,
			Status: workflow.StatusName(workflow.Checkpoint, r.Status), Due: r.DueOn, Submitted: submitted[r.Month]})
		fmt.Fprintf(&stamp, "m%d.%d;", r.Month, r.Version)
	}
	if err := crows.Err(); err != nil {
		crows.Close()
		return nil, "", err
	}
	crows.Close()
	wrows, err := tx.query(ctx, `SELECT id, month, project_code, level_name, state, version FROM warnings WHERE department_year_id = ? ORDER BY month, id`, id)
	if err != nil {
		return nil, "", err
	}
	defer wrows.Close()
	for wrows.Next() {
		var w evaluation.WarningRecord
		var state string
		var version int
		if err := wrows.Scan(&w.ID, &w.Month, &w.ProjectCode, &w.Level, &state, &version); err != nil {
			return nil, "", err
		}
		w.Handled = state == workflow.WarningPassed || state == workflow.WarningDismissed || state == workflow.WarningCleared
		w.State = workflow.WarningStateName(state)
		m.Warnings = append(m.Warnings, w)
		fmt.Fprintf(&stamp, "w%d.%d;", w.ID, version)
	}
	return m, stamp.String(), wrows.Err()
}

// priorActuals reads the actual values of the year a year was opened from
// (evaluation.PriorActualsOf), for the target-quality check that compares
// declared targets with them (W197), and a stamp that changes with that
// year's version. A year no longer stored gives none.
func (tx *txn) priorActuals(ctx context.Context, code string, from int) (map[string]string, string, error) {
	var data []byte
	var version int
	err := tx.queryRow(ctx, `SELECT dy.data, dy.version FROM department_years dy JOIN departments d ON d.id = dy.department_id
		WHERE d.code = ? AND dy.year = ?`, code, from).Scan(&data, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var prev evaluation.Evaluation
	if err := json.Unmarshal(data, &prev); err != nil {
		return nil, "", fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", code, from, err)
	}
	return evaluation.PriorActualsOf(&prev), fmt.Sprintf("prior.%d.%d;", from, version), nil
}

// scoreWithRecords scores again, with the records kept beside their
// years (cycleOf), the items whose score the records decide: those with a
// new project from the ex-ante threshold, or with monitoring records. The caller scored the file
// without them; the total stored must be the one every page shows.
func (tx *txn) scoreWithRecords(ctx context.Context, items []*item) error {
	for _, it := range items {
		if it.Result == nil || it.fw == nil {
			continue
		}
		c, _, err := tx.cycleOf(ctx, it.dyID)
		if err != nil {
			return err
		}
		if len(c.ExanteNeeds(it.Evaluation)) == 0 && c.Monitoring == nil && len(c.Rectification.Previous()) == 0 {
			continue
		}
		var pcon []byte
		if it.pfw != nil {
			pcon = it.pfw.fw.Source
		}
		if it.Result, err = scorePinned(it.Evaluation, it.fw.fw.Source, pcon, c); err != nil {
			return err
		}
	}
	return nil
}

// rescoreWithRecords writes the total, grade and result after review of
// the department-year id again after one of its records changed (an
// ex-ante evaluation, a checkpoint report, a warning),
// when it is in the evaluation stage (before it, nothing is scored); the
// year's version does not change. A stored year that cannot be scored
// keeps what it has: the record is saved all the same.
func (tx *txn) rescoreWithRecords(ctx context.Context, id int64, stage string) error {
	if stage != workflow.Evaluation {
		return nil
	}
	var data []byte
	if err := tx.queryRow(ctx, "SELECT data FROM department_years WHERE id = ?", id).Scan(&data); err != nil {
		return err
	}
	var ev evaluation.Evaluation
	if err := json.Unmarshal(data, &ev); err != nil {
		return fmt.Errorf("部门年度已保存的数据无法读取：%w", err)
	}
	content, pcon, c, err := tx.pinnedFrameworks(ctx, id)
	if err != nil {
		return err
	}
	res, err := scorePinned(&ev, content, pcon, c)
	if apperr.Code(err) == apperr.EINVALID {
		return nil
	}
	if err != nil {
		return err
	}
	total, grade := resultTotal(res)
	if _, err := tx.exec(ctx, "UPDATE department_years SET total = ?, grade = ? WHERE id = ?", total, grade, id); err != nil {
		return fmt.Errorf("保存得分失败：%w", err)
	}
	return tx.refreshReview(ctx, id, res)
}
