package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The approved targets (docs/cycle.md §4, migration 00009). 批复 stores
// baseline 1, the declared part of the year (evaluation.Declared); each
// approved 目标调整 appends the next. Rows are never updated or deleted.
// From the first baseline on, every write of the document (Update,
// Import into the year) keeps the declared fields of the latest one
// (evaluation.KeepBaseline).

// Baseline kinds.
const (
	BaselineApproval   = "approval"
	BaselineAdjustment = "adjustment"
)

// Baseline is one stored baseline of a department-year.
type Baseline struct {
	Seq  int
	Kind string
	// Adjustment is the number of the adjustment that made it; 0 for the
	// approval.
	Adjustment int
	Data       *evaluation.DeclaredPart
	SHA256     string
	Actor      string
	At         time.Time
}

// storedBaseline is the latest baseline of a year, as writes use it.
type storedBaseline struct {
	seq  int
	data *evaluation.DeclaredPart
}

// latestBaselines returns the latest baseline of each department-year of
// ids that has one.
func (tx *txn) latestBaselines(ctx context.Context, ids []int64) (map[int64]storedBaseline, error) {
	out := map[int64]storedBaseline{}
	err := inChunks(ids, func(part []int64) error {
		rows, err := tx.query(ctx, `SELECT b.department_year_id, b.seq, b.data FROM target_baselines b
			WHERE b.department_year_id IN (`+placeholders(len(part))+`)
			AND b.seq = (SELECT max(b2.seq) FROM target_baselines b2 WHERE b2.department_year_id = b.department_year_id)`, anys(part)...)
		if err != nil {
			return fmt.Errorf("读取批复的绩效目标失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id   int64
				b    storedBaseline
				data []byte
			)
			if err := rows.Scan(&id, &b.seq, &data); err != nil {
				return err
			}
			b.data = new(evaluation.DeclaredPart)
			if err := json.Unmarshal(data, b.data); err != nil {
				return fmt.Errorf("批复的绩效目标（第 %d 版）无法读取：%w", b.seq, err)
			}
			out[id] = b
		}
		return rows.Err()
	})
	return out, err
}

// appendBaseline stores d as the next baseline of the department-year
// with id, and records it in history at path "baseline[SEQ]" (action
// status, new value its SHA-256) at the year's version, with actor and
// reason. adjustmentID is 0 for the approval.
func (tx *txn) appendBaseline(ctx context.Context, id int64, version int, kind string, adjustmentID int64, d *evaluation.DeclaredPart, actor, reason string, now time.Time) (int, error) {
	data, err := json.Marshal(d)
	if err != nil {
		return 0, fmt.Errorf("批复的绩效目标无法编码：%w", err)
	}
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	var seq int
	if err := tx.queryRow(ctx, "SELECT COALESCE(max(seq), 0) + 1 FROM target_baselines WHERE department_year_id = ?", id).Scan(&seq); err != nil {
		return 0, err
	}
	var adj any
	if adjustmentID != 0 {
		adj = adjustmentID
	}
	if _, err := tx.exec(ctx, `INSERT INTO target_baselines (department_year_id, seq, kind, adjustment_id, data, sha256, actor, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, seq, kind, adj, string(data), sha, actor, now); err != nil {
		return 0, fmt.Errorf("保存批复的绩效目标失败：%w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO history (department_year_id, version, at, actor, action, path, old_value, new_value, reason)
		VALUES (?, ?, ?, ?, 'status', ?, '', ?, ?)`, id, version, now, actor, fmt.Sprintf("baseline[%d]", seq), sha, reason); err != nil {
		return 0, fmt.Errorf("写入修改记录失败：%w", err)
	}
	return seq, nil
}

// writeApprovalBaseline stores the document of the department-year with
// id as its approved baseline (批复), at the year's version.
func (tx *txn) writeApprovalBaseline(ctx context.Context, id int64, version int, actor, reason string, now time.Time) error {
	var data []byte
	if err := tx.queryRow(ctx, "SELECT data FROM department_years WHERE id = ?", id).Scan(&data); err != nil {
		return err
	}
	var ev evaluation.Evaluation
	if err := json.Unmarshal(data, &ev); err != nil {
		return fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", ev.Department.Code, ev.Year, err)
	}
	_, err := tx.appendBaseline(ctx, id, version, BaselineApproval, 0, evaluation.Declared(&ev), actor, reason, now)
	return err
}

// Baselines returns the baselines of a department-year, oldest first;
// none for a year not approved (or imported finished).
func (s *Store) Baselines(ctx context.Context, code string, year int) ([]Baseline, error) {
	var out []Baseline
	err := s.withReadTx(ctx, func(tx *txn) error {
		id, _, err := tx.findDepartmentYear(ctx, code, year)
		if err != nil {
			return err
		}
		rows, err := tx.query(ctx, `SELECT b.seq, b.kind, COALESCE(a.number, 0), b.data, b.sha256, b.actor, b.at
			FROM target_baselines b LEFT JOIN target_adjustments a ON a.id = b.adjustment_id
			WHERE b.department_year_id = ? ORDER BY b.seq`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				b    Baseline
				data []byte
			)
			if err := rows.Scan(&b.Seq, &b.Kind, &b.Adjustment, &data, &b.SHA256, &b.Actor, &b.At); err != nil {
				return err
			}
			b.At = b.At.UTC()
			b.Data = new(evaluation.DeclaredPart)
			if err := json.Unmarshal(data, b.Data); err != nil {
				return fmt.Errorf("批复的绩效目标（第 %d 版）无法读取：%w", b.Seq, err)
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scorePinned scores ev with the framework files content (department)
// and pcon (projects; nil when none) and the year's records c, as a
// stored year is scored.
func scorePinned(ev *evaluation.Evaluation, content, pcon []byte, c *evaluation.Cycle) (*scoring.Result, error) {
	lib, err := datafile.PinnedLibrary(content, pcon)
	if err != nil {
		return nil, fmt.Errorf("部门 %s %d 年度留存的指标框架无法读取：%w", ev.Department.Code, ev.Year, err)
	}
	a := assess.Assess(ev, lib, assess.Options{Calendar: calendar.ScoringOptions().Calendar, Cycle: c, Stored: true})
	if a.Result == nil {
		return nil, errorf(apperr.EINVALID, "部门 %s %d 年度按批复的绩效目标无法评分：%v", ev.Department.Code, ev.Year, a.Findings.Err())
	}
	return a.Result, nil
}

// keepBaseline applies the latest baseline b to ev (a write of a year in
// stage) and returns ev encoded and the findings saying what was kept. When that changed ev
// in the evaluation stage, res no longer scores it: the year is scored
// again with its pinned frameworks (pinned reads them) and the new score
// tree returned; otherwise res.
func keepBaseline(ev *evaluation.Evaluation, b *evaluation.DeclaredPart, stage string, res *scoring.Result, pinned func() ([]byte, []byte, *evaluation.Cycle, error)) (*scoring.Result, []byte, diag.List, error) {
	before, err := json.Marshal(ev)
	if err != nil {
		return nil, nil, nil, err
	}
	found := ev.KeepBaseline(b)
	after, err := json.Marshal(ev)
	if err != nil {
		return nil, nil, nil, err
	}
	if stage != workflow.Evaluation || string(before) == string(after) {
		return res, after, found, nil
	}
	content, pcon, c, err := pinned()
	if err != nil {
		return nil, nil, nil, err
	}
	res, err = scorePinned(ev, content, pcon, c)
	return res, after, found, err
}

// pinnedFrameworks reads the framework files a department-year is scored
// with, and its records (Cycle).
func (tx *txn) pinnedFrameworks(ctx context.Context, id int64) ([]byte, []byte, *evaluation.Cycle, error) {
	var content, pcon []byte
	err := tx.queryRow(ctx, `SELECT f.content, pf.content FROM department_years dy
		JOIN framework_versions f ON f.id = dy.framework_version_id
		LEFT JOIN framework_versions pf ON pf.id = dy.project_framework_version_id
		WHERE dy.id = ?`, id).Scan(&content, &pcon)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil, errorf(apperr.ENOTFOUND, "部门年度数据已被删除")
	}
	if err != nil {
		return nil, nil, nil, err
	}
	c, _, err := tx.cycleOf(ctx, id)
	return content, pcon, c, err
}

// adjustmentReason is the history reason of an approved adjustment.
func adjustmentReason(number int, reason string) string {
	return fmt.Sprintf("目标调整第%d号：%s", number, strings.TrimSpace(reason))
}
