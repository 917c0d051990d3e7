package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Entry is one department-year to import.
type Entry struct {
	// Source says where the entry came from (normally the data file's
	// path); it is stored with the department-year and named in errors.
	Source     string
	Evaluation *evaluation.Evaluation
	// Result is the score the caller computed from Evaluation with
	// Framework and ProjectFramework.
	Result *scoring.Result
	// Framework and ProjectFramework are the frameworks Result was
	// computed with. Their Source (the file's bytes) is pinned with the
	// department-year, so that it can be scored again exactly as it was.
	// ProjectFramework may be nil when the evaluation has no projects.
	Framework, ProjectFramework *framework.Framework
}

// Summary counts what an import did.
type Summary struct {
	Created, Replaced, Unchanged int
}

// ImportOptions say who imports, why, and whether the files may change
// departments' master data.
type ImportOptions struct {
	Actor, Reason string
	// UpdateDepartments lets the entries change the master data (name,
	// parent, region) of departments already stored, each to what the
	// last entry of the department states (a parent or region an entry
	// leaves empty is kept); every change is recorded in department
	// history with Actor and Reason. Without it a stored department's
	// master data is kept and every entry carries it (ImportWith's
	// findings say where an entry differed). Departments not stored are created
	// from their last entry either way. Only the operator's command line
	// sets it (`jixiao import --update-departments`); the web application
	// never does.
	UpdateDepartments bool
}

// Import is ImportWith without changing the master data of stored
// departments.
func (s *Store) Import(ctx context.Context, entries []Entry, actor, reason string) (Summary, error) {
	sum, _, err := s.ImportWith(ctx, entries, ImportOptions{Actor: actor, Reason: reason})
	return sum, err
}

// ImportWith stores entries in one transaction: if any entry fails,
// nothing is stored. A department not stored is created from its last
// entry (code, name, parent, region) and recorded in department history;
// a stored department keeps its master data unless
// opts.UpdateDepartments, and every entry is stored carrying its
// department's master data (evaluation.KeepMaster). Every entry's text is
// checked (evaluation.CheckTexts): a violation is apperr.EINVALID. A
// department-year not yet stored is created at version 1; one stored with
// the same evaluation and the same pinned framework files is left
// untouched; any other is replaced (data, projects, pinned frameworks,
// total and grade), its version incremented, and every changed field
// recorded in history with actor and reason (a changed pinned framework
// file at the paths "framework_file" and "project_framework_file"). A
// creation is recorded as one history row. The status of a replaced
// department-year is kept. Only a department-year with the department
// (draft or returned, workflow.Editable) may be replaced: any other is
// apperr.EFORBIDDEN and nothing is stored. Re-importing it unchanged is allowed
// and writes nothing. An entry replacing a year before the evaluation
// stage needs no Result (its total and grade stay empty); every other
// entry does (apperr.EINVALID). An import keeps a stored year's stage and
// creates years in the evaluation stage.
//
// The findings are warnings about the entries (File is the entry's
// Source): diag.MasterKept for each department name, parent or region an
// entry states otherwise than the registered master data, which was kept
// and stored with the entry instead. An entry replacing a year with
// approved targets (after 批复) carries the latest baseline's declared
// fields, as Update does (UpdateWith): diag.BaselineKept for each one it
// stated otherwise, diag.NotDeclared for each project or indicator in no
// baseline.
func (s *Store) ImportWith(ctx context.Context, entries []Entry, opts ImportOptions) (Summary, diag.List, error) {
	if err := checkField("", "导入人", evaluation.TextName, opts.Actor); err != nil {
		return Summary{}, nil, err
	}
	if err := checkField("", "导入原因", evaluation.TextParagraph, opts.Reason); err != nil {
		return Summary{}, nil, err
	}
	items, pins, err := prepareImport(entries)
	if err != nil {
		return Summary{}, nil, err
	}
	var (
		sum Summary
		ds  diag.List
	)
	err = s.withTx(ctx, func(tx *txn) error {
		var err error
		sum, err = tx.importItems(ctx, items, pins, opts, &ds)
		return err
	})
	if err != nil {
		return Summary{}, nil, err
	}
	return sum, ds, nil
}

// key names a department-year.
type key struct {
	code string
	year int
}

// pin is a framework file to keep: its bytes, their digest, and its row.
type pin struct {
	fw  *framework.Framework
	sha string
	id  int64
}

// item is an entry being imported.
type item struct {
	Entry
	name      string // Source, or the entry's position when it has none
	key       key
	data      []byte
	fw, pfw   *pin
	action    string // "create", "replace" or "" (unchanged)
	deptID    int64
	dyID      int64
	version   int    // stored version before the import
	stage     string // stored stage
	status    string // stored status
	oldFw     int64
	oldPfw    sql.NullInt64
	changes   []evaluation.Change
	unchanged bool
	baselined bool      // the stored year has approved targets
	kept      diag.List // what keeping the year's approved targets found
}

// prepareImport checks every entry and encodes its evaluation, before any
// database work.
func prepareImport(entries []Entry) ([]*item, []*pin, error) {
	var (
		items = make([]*item, 0, len(entries))
		seen  = map[key]*item{}
		bySHA = map[string]*pin{}
		byPtr = map[*framework.Framework]*pin{}
		pins  []*pin
	)
	pinOf := func(it *item, fw *framework.Framework, what string) (*pin, error) {
		if fw == nil {
			return nil, nil
		}
		if p, ok := byPtr[fw]; ok {
			return p, nil
		}
		if err := checkFrameworkSource(it, fw, what); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(fw.Source)
		sha := hex.EncodeToString(sum[:])
		p, ok := bySHA[sha]
		if !ok {
			p = &pin{fw: fw, sha: sha}
			bySHA[sha] = p
			pins = append(pins, p)
		}
		byPtr[fw] = p
		return p, nil
	}
	for i, e := range entries {
		it := &item{Entry: e, name: e.Source}
		if it.name == "" {
			it.name = fmt.Sprintf("第 %d 项", i+1)
		}
		if err := checkEntry(it); err != nil {
			return nil, nil, err
		}
		it.key = key{e.Evaluation.Department.Code, e.Evaluation.Year}
		if prev, dup := seen[it.key]; dup {
			return nil, nil, errorf(apperr.EINVALID, "部门 %s %d 年度在本次导入中出现了两次：%s 和 %s", it.key.code, it.key.year, prev.name, it.name)
		}
		seen[it.key] = it
		var err error
		if it.fw, err = pinOf(it, e.Framework, "指标框架"); err != nil {
			return nil, nil, err
		}
		if it.pfw, err = pinOf(it, e.ProjectFramework, "项目指标框架"); err != nil {
			return nil, nil, err
		}
		items = append(items, it)
	}
	if err := encodeAll(items); err != nil {
		return nil, nil, err
	}
	return items, pins, nil
}

// encodeAll checks the text of the items' evaluations (the first item
// that breaks the text rule is apperr.EINVALID) and encodes them as JSON, on
// every core: encoding is a large part of an import's work.
func encodeAll(items []*item) error {
	errs := make([]error, len(items))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(items) {
					return
				}
				it := items[i]
				// The text rule is checked here, on every core, with the
				// encoding: it reads every field too.
				if err := checkEvaluationText(it.Evaluation, fmt.Sprintf("部门 %s %d 年度（%s）", it.key.code, it.key.year, it.name)); err != nil {
					errs[i] = err
					continue
				}
				it.data, errs[i] = json.Marshal(it.Evaluation)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		var se *apperr.Error
		if errors.As(err, &se) {
			return err
		}
		if err != nil {
			it := items[i]
			return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）无法编码：%v", it.key.code, it.key.year, it.name, err)
		}
	}
	return nil
}

// checkEntry checks that an entry is complete and consistent: the
// evaluation names a department and year, the result scores it, and the
// frameworks are the ones the evaluation names.
func checkEntry(it *item) error {
	ev := it.Evaluation
	if ev == nil {
		return errorf(apperr.EINVALID, "%s：缺少评价数据", it.name)
	}
	code, year := ev.Department.Code, ev.Year
	if code == "" {
		return errorf(apperr.EINVALID, "%s：部门预算单位编码（department.code）为空", it.name)
	}
	if year <= 0 {
		return errorf(apperr.EINVALID, "%s：部门 %s 的年度（year）无效", it.name, code)
	}
	if err := checkField(it.name+"：", "来源", evaluation.TextLine, it.Source); err != nil {
		return err
	}
	// A missing result is checked once the stage is known (importItems):
	// a year before the evaluation stage is not scored.
	if it.Result != nil && len(it.Result.Projects) != len(ev.Projects) {
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）有 %d 个项目，评分结果却有 %d 个", code, year, it.name, len(ev.Projects), len(it.Result.Projects))
	}
	if it.Framework == nil {
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）缺少所用的指标框架", code, year, it.name)
	}
	if it.Framework.ID != ev.Framework {
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）使用指标框架 %s，提供的却是 %s", code, year, it.name, ev.Framework, it.Framework.ID)
	}
	if len(ev.Projects) > 0 && it.ProjectFramework == nil {
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）有项目，但缺少项目指标框架", code, year, it.name)
	}
	if it.ProjectFramework != nil && it.ProjectFramework.ID != ev.ProjectFrameworkID() {
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）使用项目指标框架 %s，提供的却是 %s", code, year, it.name, ev.ProjectFrameworkID(), it.ProjectFramework.ID)
	}
	return nil
}

// checkFrameworkSource checks that a framework carries its file as text
// both databases can keep.
func checkFrameworkSource(it *item, fw *framework.Framework, what string) error {
	code, year := it.Evaluation.Department.Code, it.Evaluation.Year
	switch {
	case len(fw.Source) == 0:
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）的%s %s 缺少文件内容，无法留存所用版本", code, year, it.name, what, fw.ID)
	case !utf8.Valid(fw.Source) || bytes.IndexByte(fw.Source, 0) >= 0:
		return errorf(apperr.EINVALID, "部门 %s %d 年度（%s）的%s %s 的文件不是 UTF-8 文本", code, year, it.name, what, fw.ID)
	}
	return nil
}

// importItems does the database work of Import, a step for all items at a
// time so that the number of round trips does not grow with the batch.
// The master-data warnings are added to findings.
func (tx *txn) importItems(ctx context.Context, items []*item, pins []*pin, opts ImportOptions, findings *diag.List) (Summary, error) {
	var sum Summary
	if len(items) == 0 {
		return sum, nil
	}
	actor, reason := opts.Actor, opts.Reason
	now := tx.store.now()
	if err := tx.resolvePins(ctx, pins); err != nil {
		return sum, err
	}
	ds, err := tx.resolveDepartments(ctx, items, opts)
	if err != nil {
		return sum, err
	}
	*findings = ds
	if err := tx.loadStored(ctx, items); err != nil {
		return sum, err
	}
	for _, it := range items {
		*findings = append(*findings, it.kept...)
	}
	var creates, replaces []*item
	for _, it := range items {
		// A year before the evaluation stage is not scored: its total and
		// grade stay empty whatever the caller computed. Any other needs
		// its result.
		if it.dyID != 0 && it.stage != workflow.Evaluation {
			it.Result = nil
		} else if it.Result == nil {
			return sum, errorf(apperr.EINVALID, "部门 %s %d 年度（%s）缺少评分结果", it.key.code, it.key.year, it.name)
		}
		switch {
		case it.dyID == 0:
			it.action = "create"
			creates = append(creates, it)
		case it.unchanged:
			sum.Unchanged++
		case !workflow.Editable(it.status):
			return sum, errorf(apperr.EFORBIDDEN, "部门 %s %d 年度（%s）当前状态为“%s”，不能通过导入替换；只有草稿或已退回的数据可以替换，本次导入未保存任何数据",
				it.key.code, it.key.year, it.name, statusName(it.status))
		default:
			it.action = "replace"
			replaces = append(replaces, it)
		}
	}
	sum.Created, sum.Replaced = len(creates), len(replaces)
	if len(creates)+len(replaces) == 0 {
		return sum, nil
	}
	if err := tx.scoreWithRecords(ctx, append(slices.Clip(creates), replaces...)); err != nil {
		return sum, err
	}
	if err := tx.insertPins(ctx, pins); err != nil {
		return sum, err
	}
	if err := tx.insertDepartmentYears(ctx, creates, now); err != nil {
		return sum, err
	}
	if err := tx.replaceDepartmentYears(ctx, replaces, now); err != nil {
		return sum, err
	}
	if err := tx.refreshReplacedReviews(ctx, replaces); err != nil {
		return sum, err
	}
	ids := make([]int64, len(replaces))
	for i, it := range replaces {
		ids[i] = it.dyID
	}
	if err := tx.deleteProjects(ctx, ids); err != nil {
		return sum, err
	}
	var projects, history [][]any
	for _, it := range items {
		if it.action == "" {
			continue
		}
		projects = appendProjectRows(projects, it.dyID, it.Evaluation, it.Result)
		newVersion := it.version + 1
		history = appendHistoryRows(history, it.dyID, newVersion, now, actor, it.action, reason, it.changes)
	}
	if err := tx.insertRows(ctx, "projects", projectColumns, projects); err != nil {
		return sum, fmt.Errorf("写入项目失败：%w", err)
	}
	if err := tx.insertRows(ctx, "history", historyColumns, history); err != nil {
		return sum, fmt.Errorf("写入修改记录失败：%w", err)
	}
	return sum, nil
}

// chunk is how many values one IN (…) list holds.
const chunk = 500

// inChunks calls fn with successive slices of at most chunk values.
func inChunks[T any](vals []T, fn func([]T) error) error {
	for len(vals) > 0 {
		n := min(len(vals), chunk)
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

func anys[T any](vals []T) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// resolvePins finds the rows of framework files already stored.
func (tx *txn) resolvePins(ctx context.Context, pins []*pin) error {
	bySHA := map[string]*pin{}
	shas := make([]string, len(pins))
	for i, p := range pins {
		bySHA[p.sha] = p
		shas[i] = p.sha
	}
	return inChunks(shas, func(part []string) error {
		rows, err := tx.query(ctx, "SELECT id, sha256 FROM framework_versions WHERE sha256 IN ("+placeholders(len(part))+")", anys(part)...)
		if err != nil {
			return fmt.Errorf("读取指标框架版本失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var sha string
			if err := rows.Scan(&id, &sha); err != nil {
				return err
			}
			bySHA[sha].id = id
		}
		return rows.Err()
	})
}

// insertPins stores the framework files not stored yet.
func (tx *txn) insertPins(ctx context.Context, pins []*pin) error {
	for _, p := range pins {
		if p.id != 0 {
			continue
		}
		err := tx.queryRow(ctx, "INSERT INTO framework_versions (framework_id, version, sha256, content) VALUES (?, ?, ?, ?) RETURNING id",
			p.fw.ID, p.fw.Version, p.sha, string(p.fw.Source)).Scan(&p.id)
		if err != nil {
			return fmt.Errorf("保存指标框架 %s 失败：%w", p.fw.ID, err)
		}
	}
	return nil
}

// resolveDepartments finds each item's department by code, creating the
// departments not stored yet from their last entry and, with
// opts.UpdateDepartments, changing the master data of stored ones to
// their last entry's. Then every item is made to carry its department's
// master data (re-encoded where that changed it), and the warnings of
// those that differed are returned.
func (tx *txn) resolveDepartments(ctx context.Context, items []*item, opts ImportOptions) (diag.List, error) {
	given := map[string]DepartmentMaster{}
	var codes []string
	for _, it := range items {
		if _, ok := given[it.key.code]; !ok {
			codes = append(codes, it.key.code)
		}
		m := evaluation.MasterOf(it.Evaluation)
		given[it.key.code] = DepartmentMaster{Code: it.key.code, Name: m.Name, Parent: m.Parent, Region: m.Region}
	}
	ids := map[string]int64{}
	stored := map[string]DepartmentMaster{}
	err := inChunks(codes, func(part []string) error {
		rows, err := tx.query(ctx, "SELECT id, code, name, parent, region FROM departments WHERE code IN ("+placeholders(len(part))+")", anys(part)...)
		if err != nil {
			return fmt.Errorf("读取部门失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var m DepartmentMaster
			if err := rows.Scan(&id, &m.Code, &m.Name, &m.Parent, &m.Region); err != nil {
				return err
			}
			ids[m.Code], stored[m.Code] = id, m
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(opts.Reason)
	if reason == "" {
		reason = "导入数据"
	}
	var missing []DepartmentMaster
	for _, code := range codes {
		g := given[code]
		if _, ok := ids[code]; !ok {
			if msg := CheckDepartmentName(g.Name); msg != "" {
				return nil, errorf(apperr.EINVALID, "部门 %s 尚未登记，导入时创建该部门需要部门名称：名称%s", code, msg)
			}
			missing = append(missing, g)
			stored[code] = g
			continue
		}
		if !opts.UpdateDepartments {
			continue
		}
		if err := g.check(); err != nil {
			return nil, err
		}
		if _, err := tx.saveMaster(ctx, g, opts.Actor, reason, false); err != nil {
			return nil, err
		}
		if err := tx.queryRow(ctx, "SELECT name, parent, region FROM departments WHERE id = ?", ids[code]).Scan(&g.Name, &g.Parent, &g.Region); err != nil {
			return nil, err
		}
		stored[code] = g
	}
	if len(missing) > 0 {
		created, err := tx.createDepartments(ctx, missing, opts.Actor, reason)
		if err != nil {
			return nil, err
		}
		for code, id := range created {
			ids[code] = id
		}
	}
	var ds diag.List
	for _, it := range items {
		it.deptID = ids[it.key.code]
		m := stored[it.key.code]
		d := &it.Evaluation.Department
		before := [3]string{d.Name, d.Parent, d.Region}
		found := it.Evaluation.KeepMaster(evaluation.Master{Name: m.Name, Parent: m.Parent, Region: m.Region})
		for _, f := range found {
			f.File = it.name
			ds = append(ds, f)
		}
		if before != [3]string{d.Name, d.Parent, d.Region} {
			data, err := json.Marshal(it.Evaluation)
			if err != nil {
				return nil, errorf(apperr.EINVALID, "部门 %s %d 年度（%s）无法编码：%v", it.key.code, it.key.year, it.name, err)
			}
			it.data = data
		}
	}
	return ds, nil
}

// loadStored finds the items' department-years already stored and decides
// which are unchanged: same evaluation, same pinned framework files. For
// the others it computes the changes to record.
func (tx *txn) loadStored(ctx context.Context, items []*item) error {
	byKey := map[key]*item{}
	var deptIDs []int64
	seenDept := map[int64]bool{}
	for _, it := range items {
		byKey[it.key] = it
		if !seenDept[it.deptID] {
			seenDept[it.deptID] = true
			deptIDs = append(deptIDs, it.deptID)
		}
	}
	byID := map[int64]*item{}
	var ids []int64
	err := inChunks(deptIDs, func(part []int64) error {
		rows, err := tx.query(ctx, `SELECT d.code, dy.year, dy.id, dy.version, dy.stage, dy.status, dy.framework_version_id, dy.project_framework_version_id
			FROM department_years dy JOIN departments d ON d.id = dy.department_id
			WHERE dy.department_id IN (`+placeholders(len(part))+")", anys(part)...)
		if err != nil {
			return fmt.Errorf("读取已有数据失败：%w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k key
			var id, fw int64
			var version int
			var stage, status string
			var pfw sql.NullInt64
			if err := rows.Scan(&k.code, &k.year, &id, &version, &stage, &status, &fw, &pfw); err != nil {
				return err
			}
			if it := byKey[k]; it != nil {
				it.dyID, it.version, it.stage, it.status, it.oldFw, it.oldPfw = id, version, stage, status, fw, pfw
				byID[id] = it
				ids = append(ids, id)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	if err := tx.keepBaselines(ctx, ids, byID); err != nil {
		return err
	}
	// Documents are read a chunk at a time, compared and dropped. The
	// comparison may query too, so the rows are closed first (a
	// PostgreSQL connection serves one result at a time).
	return inChunks(ids, func(part []int64) error {
		docs, err := tx.documents(ctx, part)
		if err != nil {
			return err
		}
		for id, data := range docs {
			if err := tx.compare(ctx, byID[id], data); err != nil {
				return err
			}
		}
		return nil
	})
}

// keepBaselines makes the items replacing years with approved targets
// carry their latest baseline (keepBaseline, scored again where that
// changed a year in the evaluation stage); the warnings are kept with the
// item.
func (tx *txn) keepBaselines(ctx context.Context, ids []int64, byID map[int64]*item) error {
	baselines, err := tx.latestBaselines(ctx, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		b, ok := baselines[id]
		if !ok {
			continue
		}
		it := byID[id]
		it.baselined = true
		pinned := func() ([]byte, []byte, *evaluation.Cycle, error) {
			var pcon []byte
			if it.pfw != nil {
				pcon = it.pfw.fw.Source
			}
			c, _, err := tx.cycleOf(ctx, id)
			return it.fw.fw.Source, pcon, c, err
		}
		res, data, found, err := keepBaseline(it.Evaluation, b.data, it.stage, it.Result, pinned)
		if err != nil {
			return err
		}
		it.Result, it.data = res, data
		for _, f := range found {
			f.File = it.name
			it.kept = append(it.kept, f)
		}
	}
	return nil
}

// documents reads the stored evaluations of department-years.
func (tx *txn) documents(ctx context.Context, ids []int64) (map[int64][]byte, error) {
	rows, err := tx.query(ctx, "SELECT id, data FROM department_years WHERE id IN ("+placeholders(len(ids))+")", anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("读取已有数据失败：%w", err)
	}
	defer rows.Close()
	docs := make(map[int64][]byte, len(ids))
	for rows.Next() {
		var id int64
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, err
		}
		docs[id] = data
	}
	return docs, rows.Err()
}

// compare decides whether an item differs from what is stored, and if it
// does lists the changes.
func (tx *txn) compare(ctx context.Context, it *item, stored []byte) error {
	samePins := it.oldFw == it.fw.id && it.oldPfw.Valid == (it.pfw != nil) && (it.pfw == nil || it.oldPfw.Int64 == it.pfw.id)
	if samePins && bytes.Equal(stored, it.data) {
		it.unchanged = true
		return nil
	}
	// PostgreSQL hands JSONB back in its own layout: decode and encode
	// again to compare like with like.
	var old evaluation.Evaluation
	if err := json.Unmarshal(stored, &old); err != nil {
		return fmt.Errorf("部门 %s %d 年度已保存的数据无法读取：%w", it.key.code, it.key.year, err)
	}
	again, err := json.Marshal(&old)
	if err != nil {
		return err
	}
	if samePins && bytes.Equal(again, it.data) {
		it.unchanged = true
		return nil
	}
	it.changes = evaluation.Diff(&old, it.Evaluation)
	if samePins && len(it.changes) == 0 {
		// The documents differ only where nothing is recorded (an empty
		// list against an absent one, as a year opened by CarryOver and
		// exported to YAML has it): no field changed, so nothing is
		// written and the history gets no empty row.
		it.unchanged = true
		return nil
	}
	// A year with the department may be replaced only in the parts its
	// editor may change now; an import may also change the fixed part (a
	// newer framework) and, when asked, the master data. Other statuses
	// are refused with their own message (importItems).
	if workflow.Editable(it.status) {
		if err := refuseFrozen(it.key.code, it.key.year, it.stage, it.status, it.baselined, &old, it.Evaluation, it.changes,
			workflow.PartFixed, workflow.PartMaster); err != nil {
			return err
		}
	}
	if !samePins {
		pinChanges, err := tx.pinChanges(ctx, it)
		if err != nil {
			return err
		}
		it.changes = append(it.changes, pinChanges...)
	}
	return nil
}

// pinChanges records a change of pinned framework file as changes at the
// paths "framework_file" and "project_framework_file", valued
// "ID VERSION sha256:DIGEST".
func (tx *txn) pinChanges(ctx context.Context, it *item) ([]evaluation.Change, error) {
	describe := func(id int64) (string, error) {
		var fwID, version, sha string
		err := tx.queryRow(ctx, "SELECT framework_id, version, sha256 FROM framework_versions WHERE id = ?", id).Scan(&fwID, &version, &sha)
		if err != nil {
			return "", fmt.Errorf("读取指标框架版本失败：%w", err)
		}
		return pinLabel(fwID, version, sha), nil
	}
	var out []evaluation.Change
	if it.oldFw != it.fw.id {
		old, err := describe(it.oldFw)
		if err != nil {
			return nil, err
		}
		out = append(out, evaluation.Change{Path: "framework_file", Old: old, New: pinLabel(it.fw.fw.ID, it.fw.fw.Version, it.fw.sha)})
	}
	var old, new string
	if it.oldPfw.Valid {
		var err error
		if old, err = describe(it.oldPfw.Int64); err != nil {
			return nil, err
		}
	}
	if it.pfw != nil {
		new = pinLabel(it.pfw.fw.ID, it.pfw.fw.Version, it.pfw.sha)
	}
	if old != new {
		out = append(out, evaluation.Change{Path: "project_framework_file", Old: old, New: new})
	}
	return out, nil
}

func pinLabel(id, version, sha string) string {
	return fmt.Sprintf("%s %s sha256:%s", id, version, sha)
}

func pinID(p *pin) any {
	if p == nil {
		return nil
	}
	return p.id
}

// insertDepartmentYears creates department-years at version 1, with their
// dashboard summary (summaryOf) and, as a new year has no review scores,
// their self-score as the result after review.
func (tx *txn) insertDepartmentYears(ctx context.Context, items []*item, now time.Time) error {
	if len(items) == 0 {
		return nil
	}
	if tx.store.dialect == Postgres {
		// Take the ids first, then send every row in one COPY.
		rows, err := tx.query(ctx, "SELECT nextval(pg_get_serial_sequence('department_years', 'id')) FROM generate_series(1, ?)", len(items))
		if err != nil {
			return fmt.Errorf("分配编号失败：%w", err)
		}
		i := 0
		for rows.Next() {
			if err := rows.Scan(&items[i].dyID); err != nil {
				rows.Close()
				return err
			}
			i++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		data := make([][]any, len(items))
		for i, it := range items {
			total, grade := resultTotal(it.Result)
			data[i] = append([]any{it.dyID, it.deptID, it.key.year, it.fw.id, pinID(it.pfw), string(it.data),
				total, grade, 1, it.Source, now, now}, append(summaryArgs(it.Evaluation), selfReviewArgs(it.Result)...)...)
		}
		cols := append([]string{"id", "department_id", "year", "framework_version_id", "project_framework_version_id", "data",
			"total", "grade", "version", "source", "created_at", "updated_at"}, append(slices.Clone(summaryColumns), reviewColumns...)...)
		if err := tx.copyFrom(ctx, "department_years", cols, data); err != nil {
			return fmt.Errorf("写入部门年度数据失败：%w", err)
		}
		return nil
	}
	stmt, err := tx.prepare(ctx, `INSERT INTO department_years (department_id, year, framework_version_id, project_framework_version_id,
		data, total, grade, version, source, created_at, updated_at, `+strings.Join(summaryColumns, ", ")+`, `+strings.Join(reviewColumns, ", ")+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, `+placeholders(len(summaryColumns)+len(reviewColumns))+`)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, it := range items {
		total, grade := resultTotal(it.Result)
		res, err := stmt.ExecContext(ctx, append([]any{it.deptID, it.key.year, it.fw.id, pinID(it.pfw), string(it.data),
			total, grade, it.Source, now, now}, append(summaryArgs(it.Evaluation), selfReviewArgs(it.Result)...)...)...)
		if err != nil {
			return fmt.Errorf("写入部门 %s %d 年度（%s）失败：%w", it.key.code, it.key.year, it.name, err)
		}
		if it.dyID, err = res.LastInsertId(); err != nil {
			return err
		}
	}
	return nil
}

// replaceDepartmentYears overwrites department-years and their dashboard
// summary (summaryOf), each only if its version is still the one read.
func (tx *txn) replaceDepartmentYears(ctx context.Context, items []*item, now time.Time) error {
	if len(items) == 0 {
		return nil
	}
	stmt, err := tx.prepare(ctx, `UPDATE department_years SET framework_version_id = ?, project_framework_version_id = ?,
		data = ?, total = ?, grade = ?, version = version + 1, source = ?, updated_at = ?, `+summarySet+`, `+reviewSet+`
		WHERE id = ? AND version = ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for _, it := range items {
		total, grade := resultTotal(it.Result)
		args := []any{it.fw.id, pinID(it.pfw), string(it.data), total, grade, it.Source, now}
		args = append(append(append(args, summaryArgs(it.Evaluation)...), selfReviewArgs(it.Result)...), it.dyID, it.version)
		res, err := stmt.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("替换部门 %s %d 年度（%s）失败：%w", it.key.code, it.key.year, it.name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return tx.conflict(ctx, it.dyID, it.key, it.version)
		}
	}
	return nil
}

// refreshReplacedReviews writes the result after review of replaced
// department-years: their new self-score, or, for those with department
// review scores (a year returned after review), the new score tree with
// the review scores applied (refreshReview).
func (tx *txn) refreshReplacedReviews(ctx context.Context, items []*item) error {
	byID := make(map[int64]*item, len(items))
	ids := make([]int64, 0, len(items))
	for _, it := range items {
		byID[it.dyID] = it
		ids = append(ids, it.dyID)
	}
	var reviewed []int64
	err := inChunks(ids, func(part []int64) error {
		rows, err := tx.query(ctx, "SELECT DISTINCT department_year_id FROM review_scores WHERE scope = ? AND department_year_id IN ("+
			placeholders(len(part))+")", append([]any{ScopeDepartment}, anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			reviewed = append(reviewed, id)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("读取复核得分失败：%w", err)
	}
	for _, id := range reviewed {
		if err := tx.refreshReview(ctx, id, byID[id].Result); err != nil {
			return err
		}
	}
	return nil
}

// conflict reports that the department-year with id is no longer at the
// expected version.
func (tx *txn) conflict(ctx context.Context, id int64, k key, expected int) error {
	var current int
	if err := tx.queryRow(ctx, "SELECT version FROM department_years WHERE id = ?", id).Scan(&current); err != nil {
		return errorf(apperr.ECONFLICT, "部门 %s %d 年度的数据已被他人修改或删除（您编辑的版本 %d），请刷新后重试", k.code, k.year, expected)
	}
	return conflict(k.code, k.year, current, expected)
}

// deleteProjects removes the projects of department-years.
func (tx *txn) deleteProjects(ctx context.Context, ids []int64) error {
	return inChunks(ids, func(part []int64) error {
		if _, err := tx.exec(ctx, "DELETE FROM projects WHERE department_year_id IN ("+placeholders(len(part))+")", anys(part)...); err != nil {
			return fmt.Errorf("删除旧项目失败：%w", err)
		}
		return nil
	})
}

var projectColumns = []string{"department_year_id", "seq", "code", "name", "initial", "adjusted", "executed", "total", "grade", "kind"}

// appendProjectRows adds a department-year's projects, numbered from 1,
// with their scores (0 and empty when res is nil: a year before the
// evaluation stage).
func appendProjectRows(rows [][]any, dyID int64, ev *evaluation.Evaluation, res *scoring.Result) [][]any {
	for i, p := range ev.Projects {
		var total int64
		var grade string
		if res != nil {
			total, grade = int64(res.Projects[i].Total), res.Projects[i].Grade
		}
		rows = append(rows, []any{dyID, i + 1, p.Code, p.Name, int64(p.Initial), int64(p.Adjusted), int64(p.Executed), total, grade, p.Kind})
	}
	return rows
}

// resultTotal is the total and grade to store for res: 0 and empty when
// there is no result (a year before the evaluation stage).
func resultTotal(res *scoring.Result) (int64, string) {
	if res == nil {
		return 0, ""
	}
	return int64(res.Total), res.Grade
}

var historyColumns = []string{"department_year_id", "version", "at", "actor", "action", "path", "old_value", "new_value", "reason"}

// appendHistoryRows adds the row of the action itself (empty path) and one
// row per changed field.
func appendHistoryRows(rows [][]any, dyID int64, version int, at time.Time, actor, action, reason string, changes []evaluation.Change) [][]any {
	rows = append(rows, []any{dyID, version, at, actor, action, "", "", "", reason})
	for _, c := range changes {
		rows = append(rows, []any{dyID, version, at, actor, action, c.Path, c.Old, c.New, reason})
	}
	return rows
}
