package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Department is a department (预算单位) as an administrator sees it: its
// code and name, how many accounts belong to it, and the years stored for
// it.
type Department struct {
	Code  string
	Name  string
	Users int // accounts (enabled or not) with this department code
	Years []DepartmentYear
}

// DepartmentYear is one stored year of a department and its status.
type DepartmentYear struct {
	Year   int
	Status string
}

// Limits on a department's fields.
const (
	MaxDepartmentCodeLen = 64
	MaxDepartmentNameLen = 200
)

// CheckDepartmentCode checks a department code given by hand: not empty,
// at most MaxDepartmentCodeLen characters, no spaces or control
// characters. It returns the problem in Chinese, without naming the field,
// or "".
func CheckDepartmentCode(code string) string {
	switch n := utf8.RuneCountInString(code); {
	case n == 0:
		return "不能为空"
	case n > MaxDepartmentCodeLen:
		return fmt.Sprintf("过长（最多 %d 个字符）", MaxDepartmentCodeLen)
	}
	for _, r := range code {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return "不能包含空格或控制字符"
		}
	}
	return ""
}

// CheckDepartmentName checks a department name: not empty or blank, no
// spaces around it, at most MaxDepartmentNameLen characters. It returns
// the problem in Chinese, without naming the field, or "".
func CheckDepartmentName(name string) string {
	switch {
	case strings.TrimSpace(name) == "":
		return "不能为空"
	case strings.TrimSpace(name) != name:
		return "前后不能有空格"
	case utf8.RuneCountInString(name) > MaxDepartmentNameLen:
		return fmt.Sprintf("过长（最多 %d 个字符）", MaxDepartmentNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "不能包含控制字符"
		}
	}
	return ""
}

// ListDepartments returns every stored department by code, with the number
// of accounts that name its code and its stored years (oldest first) with
// their status.
func (s *Store) ListDepartments(ctx context.Context) ([]Department, error) {
	var out []Department
	err := s.withReadTx(ctx, func(tx *txn) error {
		var err error
		out, err = tx.departments(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("读取部门列表失败：%w", err)
	}
	return out, nil
}

func (tx *txn) departments(ctx context.Context) ([]Department, error) {
	var out []Department
	byCode := map[string]int{}
	rows, err := tx.query(ctx, `SELECT d.code, d.name,
		(SELECT count(*) FROM users u WHERE u.department_code = d.code)
		FROM departments d ORDER BY d.code`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d Department
		if err := rows.Scan(&d.Code, &d.Name, &d.Users); err != nil {
			rows.Close()
			return nil, err
		}
		byCode[d.Code] = len(out)
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The rows are closed before the next query: a PostgreSQL connection
	// serves one result at a time.
	rows, err = tx.query(ctx, `SELECT d.code, dy.year, dy.status
		FROM department_years dy JOIN departments d ON d.id = dy.department_id
		ORDER BY d.code, dy.year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var y DepartmentYear
		if err := rows.Scan(&code, &y.Year, &y.Status); err != nil {
			return nil, err
		}
		if i, ok := byCode[code]; ok {
			out[i].Years = append(out[i].Years, y)
		}
	}
	return out, rows.Err()
}

// SaveDepartment creates the department with the code, or renames it if
// it is stored, and reports whether it was created. Invalid fields are
// EINVALID (see CheckDepartmentCode and CheckDepartmentName). An import
// names the department again from its data file.
func (s *Store) SaveDepartment(ctx context.Context, code, name string) (created bool, err error) {
	if msg := CheckDepartmentCode(code); msg != "" {
		return false, errorf(EINVALID, "部门编码%s", msg)
	}
	if msg := CheckDepartmentName(name); msg != "" {
		return false, errorf(EINVALID, "部门 %s 的名称%s", code, msg)
	}
	err = s.withTx(ctx, func(tx *txn) error {
		var id int64
		var stored string
		err := tx.queryRow(ctx, "SELECT id, name FROM departments WHERE code = ?", code).Scan(&id, &stored)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err := tx.exec(ctx, "INSERT INTO departments (code, name) VALUES (?, ?)", code, name)
			if isUniqueViolation(err) {
				return &Error{Code: ECONFLICT, Message: fmt.Sprintf("部门 %s 刚被其他操作创建，请刷新后重试", code), err: err}
			}
			if err != nil {
				return fmt.Errorf("创建部门 %s 失败：%w", code, err)
			}
			created = true
			return nil
		case err != nil:
			return err
		case stored == name:
			return nil
		}
		if _, err := tx.exec(ctx, "UPDATE departments SET name = ? WHERE id = ?", name, id); err != nil {
			return fmt.Errorf("更新部门 %s 名称失败：%w", code, err)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return created, nil
}
