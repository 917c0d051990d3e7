package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/workflow"
)

// User is an account. Editors and approvers (部门填报人, 部门负责人) belong
// to the department with DepartmentCode; reviewers and administrators
// (财政审核人, 管理员) belong to none, and their DepartmentCode is "".
type User struct {
	ID             int64
	Username       string
	DisplayName    string
	Role           string // workflow.Editor, Approver, Reviewer or Admin
	DepartmentCode string
	CreatedAt      time.Time
	Disabled       bool
	// operator marks the operator at the command line acting in a role
	// without an account (Operator); only this package can set it.
	operator bool
	// Email is where the user's task digest is sent ('' none): set by the
	// user on the account page (SetEmail).
	Email string
}

// Operator is the operator running a command on the server, acting in
// role under name without an account, as the operator's import and
// opening of years do: trusted with the role's moves on any department.
// Only methods that say so accept it (the rectification track).
func Operator(name, role string) User {
	return User{Username: name, DisplayName: name, Role: role, operator: true}
}

// IsOperator says u is the command line's operator (Operator).
func (u *User) IsOperator() bool { return u.operator }

// InDepartment reports whether u is a department user (editor or
// approver).
func (u *User) InDepartment() bool {
	return u.Role == workflow.Editor || u.Role == workflow.Approver
}

const userColumns = `u.id, u.username, u.display_name, u.role, u.department_code, u.created_at, u.disabled, u.email`

func scanUser(row interface{ Scan(...any) error }, u *User, more ...any) error {
	var dept sql.NullString
	dest := append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &dept, &u.CreatedAt, &u.Disabled, &u.Email}, more...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	u.DepartmentCode = dept.String
	u.CreatedAt = u.CreatedAt.UTC()
	return nil
}

// checkUser checks the fields of a new account.
func checkUser(u *User) error {
	switch n := utf8.RuneCountInString(u.Username); {
	case n == 0:
		return errorf(apperr.EINVALID, "用户名不能为空")
	case n > 64:
		return errorf(apperr.EINVALID, "用户名 %q 过长（最多 64 个字符）", u.Username)
	}
	for _, r := range u.Username {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return errorf(apperr.EINVALID, "用户名 %q 不能包含空格或控制字符", u.Username)
		}
	}
	if err := checkField("", "用户名", evaluation.TextCode, u.Username); err != nil {
		return err
	}
	if err := checkField(fmt.Sprintf("用户 %s 的", u.Username), "显示名称", evaluation.TextName, u.DisplayName); err != nil {
		return err
	}
	if utf8.RuneCountInString(u.DisplayName) > 100 {
		return errorf(apperr.EINVALID, "用户 %s 的显示名称过长（最多 100 个字符）", u.Username)
	}
	if err := CheckEmail(u.Email); err != nil {
		return err
	}
	if err := checkField(fmt.Sprintf("用户 %s 的", u.Username), "部门编码", evaluation.TextCode, u.DepartmentCode); err != nil {
		return err
	}
	if strings.TrimSpace(u.DepartmentCode) != u.DepartmentCode {
		return errorf(apperr.EINVALID, "用户 %s 的部门编码 %q 前后有空格", u.Username, u.DepartmentCode)
	}
	switch u.Role {
	case workflow.Editor, workflow.Approver:
		if u.DepartmentCode == "" {
			return errorf(apperr.EINVALID, "用户 %s 是%s，必须指定所属部门编码", u.Username, workflow.RoleNames[u.Role])
		}
	case workflow.Reviewer, workflow.Admin:
		if u.DepartmentCode != "" {
			return errorf(apperr.EINVALID, "用户 %s 是%s，不属于任何部门，不能指定部门编码 %s", u.Username, workflow.RoleNames[u.Role], u.DepartmentCode)
		}
	default:
		return errorf(apperr.EINVALID, "用户 %s 的角色 %q 无效：应为 editor、approver、reviewer 或 admin", u.Username, u.Role)
	}
	return nil
}

// checkPassword checks a new password's length.
func checkPassword(password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLen {
		return errorf(apperr.EINVALID, "密码至少需要 %d 个字符", MinPasswordLen)
	}
	if len(password) > maxPasswordBytes {
		return errorf(apperr.EINVALID, "密码过长（最多 %d 字节）", maxPasswordBytes)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateUser creates an account with the password (at least
// MinPasswordLen characters) and returns it with its ID. A username
// already taken is apperr.ECONFLICT; invalid fields are apperr.EINVALID. The department
// code is not checked against stored departments: accounts may be created
// before the department's first import.
func (s *Store) CreateUser(ctx context.Context, u User, password string) (User, error) {
	u.ID, u.Disabled = 0, false
	if err := checkUser(&u); err != nil {
		return User{}, err
	}
	if err := checkPassword(password); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	u.CreatedAt = s.now()
	err = s.withTx(ctx, func(tx *txn) error {
		err := tx.queryRow(ctx, `INSERT INTO users (username, display_name, role, department_code, password_hash, created_at, disabled, email)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.DisplayName, u.Role, nullString(u.DepartmentCode), hash, u.CreatedAt, false, u.Email).Scan(&u.ID)
		if isUniqueViolation(err) {
			return &apperr.Error{Code: apperr.ECONFLICT, Message: fmt.Sprintf("用户名 %s 已被使用", u.Username), Err: err}
		}
		if err != nil {
			return fmt.Errorf("创建用户 %s 失败：%w", u.Username, err)
		}
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// unauthorized is the one answer to a failed login, whichever part was
// wrong.
func unauthorized() *apperr.Error { return errorf(apperr.EUNAUTHORIZED, "用户名或密码错误") }

// Authenticate returns the account with the username if password is its
// password. An unknown username and a wrong password give the same
// apperr.EUNAUTHORIZED error, and take as long: for an unknown username a dummy
// hash is verified. A disabled account with the right password is
// apperr.EUNAUTHORIZED too, with a message saying it is disabled.
func (s *Store) Authenticate(ctx context.Context, username, password string) (User, error) {
	var (
		u     User
		hash  string
		found bool
	)
	err := s.withReadTx(ctx, func(tx *txn) error {
		if !storable(username) {
			// Text the database cannot compare (NUL) is no account's
			// name: the same answer, after the same work, as an
			// unknown username.
			return nil
		}
		err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE u.username = ?`, username), &u, &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("读取用户失败：%w", err)
	}
	if !found || len(password) > maxPasswordBytes {
		dummy, err := dummyHash()
		if err != nil {
			return User{}, err
		}
		if _, err := verifyPassword(ctx, dummy, password); err != nil {
			return User{}, err
		}
		return User{}, unauthorized()
	}
	ok, err := verifyPassword(ctx, hash, password)
	if err != nil {
		return User{}, fmt.Errorf("用户 %s 的密码哈希无法读取：%w", username, err)
	}
	if !ok {
		return User{}, unauthorized()
	}
	if u.Disabled {
		return User{}, errorf(apperr.EUNAUTHORIZED, "账号 %s 已停用，请联系管理员", username)
	}
	return u, nil
}

// GetUser returns the account with the id.
func (s *Store) GetUser(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.withReadTx(ctx, func(tx *txn) error {
		var err error
		u, err = tx.user(ctx, id)
		return err
	})
	return u, err
}

func (tx *txn) user(ctx context.Context, id int64) (User, error) {
	var u User
	err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = ?`, id), &u)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, errorf(apperr.ENOTFOUND, "未找到编号为 %d 的用户", id)
	}
	return u, err
}

// actor reads the account acting, by its ID, in the transaction that acts:
// its role and department are the stored ones, not those of a User value
// the caller may have kept since login. A missing or disabled account is
// apperr.EUNAUTHORIZED.
func (tx *txn) actor(ctx context.Context, a User) (User, error) {
	if a.ID == 0 {
		return User{}, errorf(apperr.EUNAUTHORIZED, "请先登录")
	}
	u, err := tx.user(ctx, a.ID)
	if apperr.Code(err) == apperr.ENOTFOUND {
		return User{}, errorf(apperr.EUNAUTHORIZED, "账号不存在，请重新登录")
	}
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, errorf(apperr.EUNAUTHORIZED, "账号 %s 已停用", u.Username)
	}
	return u, nil
}

// ListUsers returns every account, by username.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var out []User
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users u ORDER BY u.username`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var u User
			if err := scanUser(rows, &u); err != nil {
				return err
			}
			out = append(out, u)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("读取用户列表失败：%w", err)
	}
	return out, nil
}

// UserRow is an account in the administrator's list, with the registered
// name of its department ("" when none is registered).
type UserRow struct {
	User
	DepartmentName string
}

// UserSearch is a page of accounts found, and how many were found in all.
type UserSearch struct {
	Users []UserRow
	Total int
}

// likePattern is a LIKE pattern matching text that contains q, compared in
// lower case, with LIKE's wildcards in q taken literally (escaped with \).
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// userSearchWhere selects the accounts whose username, display name,
// department code or registered department name contains the pattern,
// case-insensitively (ASCII letters on SQLite, whose LOWER folds only
// those; Chinese has no case).
const userSearchWhere = ` FROM users u LEFT JOIN departments d ON d.code = u.department_code
	WHERE ? = '' OR LOWER(u.username) LIKE ? ESCAPE '\' OR LOWER(u.display_name) LIKE ? ESCAPE '\'
		OR LOWER(COALESCE(u.department_code, '')) LIKE ? ESCAPE '\' OR LOWER(COALESCE(d.name, '')) LIKE ? ESCAPE '\'`

// SearchUsers returns the accounts whose username, display name,
// department code or department name contains q (every account when q is
// blank), case-insensitively, by username: limit of them after skipping
// offset, and how many there are in all. The database filters and pages;
// the count and the page are read in one transaction.
func (s *Store) SearchUsers(ctx context.Context, q string, limit, offset int) (UserSearch, error) {
	q = strings.TrimSpace(q)
	if limit <= 0 || offset < 0 {
		return UserSearch{}, errorf(apperr.EINVALID, "分页参数无效")
	}
	if !storable(q) {
		return UserSearch{}, nil // text no account has (NUL)
	}
	pat := likePattern(q)
	args := []any{q, pat, pat, pat, pat}
	var out UserSearch
	err := s.withReadTx(ctx, func(tx *txn) error {
		if err := tx.queryRow(ctx, `SELECT COUNT(*)`+userSearchWhere, args...).Scan(&out.Total); err != nil {
			return err
		}
		if offset >= out.Total {
			return nil
		}
		rows, err := tx.query(ctx, `SELECT `+userColumns+`, COALESCE(d.name, '')`+userSearchWhere+`
			ORDER BY u.username, u.id LIMIT ? OFFSET ?`, append(args, limit, offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r UserRow
			if err := scanUser(rows, &r.User, &r.DepartmentName); err != nil {
				return err
			}
			out.Users = append(out.Users, r)
		}
		return rows.Err()
	})
	if err != nil {
		return UserSearch{}, fmt.Errorf("查询用户失败：%w", err)
	}
	return out, nil
}

// SetPassword sets a new password for the account and ends all its
// sessions (the web layer logs the user in again if the change was their
// own).
func (s *Store) SetPassword(ctx context.Context, id int64, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *txn) error {
		if err := tx.execOne(ctx, errorf(apperr.ENOTFOUND, "未找到编号为 %d 的用户", id), "UPDATE users SET password_hash = ? WHERE id = ?", hash, id); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
		return err
	})
}

// ChangePassword sets a new password for the account if current is its
// password now, and ends all its sessions (the web layer signs the user
// in again with a new one). A wrong current password is apperr.EUNAUTHORIZED
// ("当前密码不正确"); a password changed meanwhile by someone else is
// apperr.ECONFLICT; a new password too short or too long is apperr.EINVALID.
func (s *Store) ChangePassword(ctx context.Context, id int64, current, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	var hash string
	err := s.withReadTx(ctx, func(tx *txn) error {
		err := tx.queryRow(ctx, "SELECT password_hash FROM users WHERE id = ? AND NOT disabled", id).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(apperr.EUNAUTHORIZED, "账号不存在或已停用，请重新登录")
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(current) > maxPasswordBytes {
		return errorf(apperr.EUNAUTHORIZED, "当前密码不正确")
	}
	ok, err := verifyPassword(ctx, hash, current)
	if err != nil {
		return fmt.Errorf("编号为 %d 的用户的密码哈希无法读取：%w", id, err)
	}
	if !ok {
		return errorf(apperr.EUNAUTHORIZED, "当前密码不正确")
	}
	next, err := hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *txn) error {
		// Only over the hash just verified: a change made meanwhile
		// (by an administrator, or in another tab) is not overwritten.
		if err := tx.execOne(ctx, errorf(apperr.ECONFLICT, "密码已在别处被修改，请重新登录后再试"),
			"UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ? AND NOT disabled", next, id, hash); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
		return err
	})
}

// DisableUser disables the account and ends its sessions; it can no longer
// log in or act. Accounts are never deleted: history, review scores and
// comments name them.
func (s *Store) DisableUser(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *txn) error {
		if err := tx.execOne(ctx, errorf(apperr.ENOTFOUND, "未找到编号为 %d 的用户", id), "UPDATE users SET disabled = ? WHERE id = ?", true, id); err != nil {
			return err
		}
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id)
		return err
	})
}

// EnableUser enables a disabled account again.
func (s *Store) EnableUser(ctx context.Context, id int64) error {
	return s.withTx(ctx, func(tx *txn) error {
		return tx.execOne(ctx, errorf(apperr.ENOTFOUND, "未找到编号为 %d 的用户", id), "UPDATE users SET disabled = ? WHERE id = ?", false, id)
	})
}

// execOne runs a statement that must change a row, and returns missing if
// it changed none.
func (tx *txn) execOne(ctx context.Context, missing error, q string, args ...any) error {
	r, err := tx.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := r.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}
