package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// FrameworkVersion is a framework file kept in the database: pinned by an
// import to the department-years scored with it, or added by an
// administrator.
type FrameworkVersion struct {
	ID          int64
	FrameworkID string
	Version     string
	SHA256      string // of Content, hex
	// Content is the file's bytes; ListFrameworkVersions leaves it nil.
	Content []byte
	// Uses are the department-years scored with this file, by department
	// code and year.
	Uses []FrameworkUse
}

// FrameworkUse is a department-year that pins a framework version.
type FrameworkUse struct {
	DepartmentCode string
	Department     string
	Year           int
	// Project is true when the version is pinned as the project
	// framework (项目支出), false for the department framework.
	Project bool
}

// MaxFrameworkBytes bounds a framework file added with AddFramework.
const MaxFrameworkBytes = 2 << 20

// AddFramework validates a framework file (as datafile.Framework does for
// `jixiao framework check`) and keeps its bytes as a new framework
// version, which it returns. The actor must be an enabled administrator
// (apperr.EUNAUTHORIZED, apperr.EFORBIDDEN). Refused, with nothing stored:
//
//   - an empty, oversized or non-UTF-8 file, or one with errors: apperr.EINVALID
//     (the message names the first errors; callers that show every
//     finding check the file themselves first);
//   - a file with the same bytes as a stored version: apperr.ECONFLICT;
//   - a file with the id and version of a stored version but other bytes:
//     apperr.ECONFLICT (a changed framework needs a new version).
func (s *Store) AddFramework(ctx context.Context, content []byte, actor User) (FrameworkVersion, error) {
	switch {
	case len(content) == 0:
		return FrameworkVersion{}, errorf(apperr.EINVALID, "指标框架文件为空")
	case len(content) > MaxFrameworkBytes:
		return FrameworkVersion{}, errorf(apperr.EINVALID, "指标框架文件过大（最多 %d 字节）", MaxFrameworkBytes)
	case !utf8.Valid(content) || bytes.IndexByte(content, 0) >= 0:
		return FrameworkVersion{}, errorf(apperr.EINVALID, "指标框架文件不是 UTF-8 文本")
	}
	fw, ds := datafile.Framework("上传的指标框架", content)
	if fw == nil || ds.Err() != nil {
		errs := ds.Errors()
		var lines []string
		for i, f := range errs {
			if i == 3 {
				lines = append(lines, fmt.Sprintf("等共 %d 个错误", len(errs)))
				break
			}
			lines = append(lines, f.String())
		}
		return FrameworkVersion{}, errorf(apperr.EINVALID, "指标框架文件有误，未保存：%s", strings.Join(lines, "；"))
	}
	for _, f := range []struct {
		name string
		kind evaluation.TextKind
		v    string
	}{{"编号（id）", evaluation.TextCode, fw.ID}, {"版本（version）", evaluation.TextCode, fw.Version}, {"名称（name）", evaluation.TextName, fw.Name}} {
		if err := checkField("指标框架的", f.name, f.kind, f.v); err != nil {
			return FrameworkVersion{}, err
		}
	}
	sum := sha256.Sum256(content)
	v := FrameworkVersion{FrameworkID: fw.ID, Version: fw.Version, SHA256: hex.EncodeToString(sum[:]), Content: content}
	err := s.withTx(ctx, func(tx *txn) error {
		a, err := tx.actor(ctx, actor)
		if err != nil {
			return err
		}
		if a.Role != workflow.Admin {
			return errorf(apperr.EFORBIDDEN, "只有%s可以添加指标框架", workflow.RoleNames[workflow.Admin])
		}
		var id int64
		var fwID, version string
		err = tx.queryRow(ctx, "SELECT id, framework_id, version FROM framework_versions WHERE sha256 = ?", v.SHA256).Scan(&id, &fwID, &version)
		switch {
		case err == nil:
			return duplicateFramework(id, fwID, version, nil)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		err = tx.queryRow(ctx, "SELECT id FROM framework_versions WHERE framework_id = ? AND version = ? ORDER BY id LIMIT 1", v.FrameworkID, v.Version).Scan(&id)
		switch {
		case err == nil:
			return errorf(apperr.ECONFLICT, "指标框架 %s 版本 %s 已保存过（编号 %d），内容与此文件不同：修改框架后请提高版本号（version）再上传", v.FrameworkID, v.Version, id)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		err = tx.queryRow(ctx, "INSERT INTO framework_versions (framework_id, version, sha256, content) VALUES (?, ?, ?, ?) RETURNING id",
			v.FrameworkID, v.Version, v.SHA256, string(content)).Scan(&v.ID)
		if isUniqueViolation(err) {
			return duplicateFramework(0, v.FrameworkID, v.Version, err)
		}
		if err != nil {
			return fmt.Errorf("保存指标框架 %s 失败：%w", v.FrameworkID, err)
		}
		return nil
	})
	if err != nil {
		return FrameworkVersion{}, err
	}
	return v, nil
}

func duplicateFramework(id int64, fwID, version string, cause error) *apperr.Error {
	msg := fmt.Sprintf("内容完全相同的文件已保存为指标框架 %s 版本 %s", fwID, version)
	if id != 0 {
		msg = fmt.Sprintf("内容完全相同的文件已保存为指标框架 %s 版本 %s（编号 %d），无需重复上传", fwID, version, id)
	}
	return &apperr.Error{Code: apperr.ECONFLICT, Message: msg, Err: cause}
}

// ListFrameworkVersions returns every stored framework version, by
// framework id and then in the order stored, with the department-years
// that use each; Content is left nil.
func (s *Store) ListFrameworkVersions(ctx context.Context) ([]FrameworkVersion, error) {
	var out []FrameworkVersion
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, "SELECT id, framework_id, version, sha256 FROM framework_versions ORDER BY framework_id, id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var v FrameworkVersion
			if err := rows.Scan(&v.ID, &v.FrameworkID, &v.Version, &v.SHA256); err != nil {
				rows.Close()
				return err
			}
			out = append(out, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		byID := map[int64]*FrameworkVersion{}
		for i := range out {
			byID[out[i].ID] = &out[i]
		}
		return tx.frameworkUses(ctx, byID, 0)
	})
	if err != nil {
		return nil, fmt.Errorf("读取指标框架版本失败：%w", err)
	}
	return out, nil
}

// GetFrameworkVersion returns the stored framework version with the id,
// with its content and uses.
func (s *Store) GetFrameworkVersion(ctx context.Context, id int64) (FrameworkVersion, error) {
	v := FrameworkVersion{ID: id}
	err := s.withReadTx(ctx, func(tx *txn) error {
		var content string
		err := tx.queryRow(ctx, "SELECT framework_id, version, sha256, content FROM framework_versions WHERE id = ?", id).
			Scan(&v.FrameworkID, &v.Version, &v.SHA256, &content)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(apperr.ENOTFOUND, "未找到编号为 %d 的指标框架版本", id)
		}
		if err != nil {
			return err
		}
		v.Content = []byte(content)
		return tx.frameworkUses(ctx, map[int64]*FrameworkVersion{id: &v}, id)
	})
	if err != nil {
		return FrameworkVersion{}, err
	}
	return v, nil
}

// frameworkUses fills in the uses of the versions in byID; only is the one
// version asked for, or 0 for all.
func (tx *txn) frameworkUses(ctx context.Context, byID map[int64]*FrameworkVersion, only int64) error {
	q := `SELECT dy.framework_version_id, dy.project_framework_version_id, d.code, d.name, dy.year
		FROM department_years dy JOIN departments d ON d.id = dy.department_id`
	var args []any
	if only != 0 {
		q += " WHERE dy.framework_version_id = ? OR dy.project_framework_version_id = ?"
		args = []any{only, only}
	}
	rows, err := tx.query(ctx, q+" ORDER BY d.code, dy.year", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var fw int64
		var pfw sql.NullInt64
		var u FrameworkUse
		if err := rows.Scan(&fw, &pfw, &u.DepartmentCode, &u.Department, &u.Year); err != nil {
			return err
		}
		if v := byID[fw]; v != nil {
			v.Uses = append(v.Uses, u)
		}
		if pfw.Valid {
			if v := byID[pfw.Int64]; v != nil {
				p := u
				p.Project = true
				v.Uses = append(v.Uses, p)
			}
		}
	}
	return rows.Err()
}
