package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// openError is a failure to open or connect to the database, worded in
// Chinese for the person who named it (the command line, the server's
// start). The driver's own text, which is English, stays behind Unwrap
// for logs.
type openError struct {
	msg string
	err error
}

func (e *openError) Error() string { return e.msg }
func (e *openError) Unwrap() error { return e.err }

// connectError explains why the database named by dsn could not be
// opened: the server is down or unknown, the user or database does not
// exist, the password is wrong, the file is not a database.
func connectError(dialect, dsn string, err error) error {
	where := "SQLite 数据库文件 " + sqlitePath(dsn)
	if dialect == Postgres {
		where = "PostgreSQL 数据库 " + redact(dsn)
	}
	return &openError{msg: fmt.Sprintf("无法打开 %s：%s", where, connectReason(dialect, err)), err: err}
}

func connectReason(dialect string, err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return "用户名或密码错误，或该用户无权登录（认证失败）"
		case "3D000":
			return "数据库不存在，请先在服务器上创建"
		case "42501":
			return "该用户没有所需的权限"
		case "53300":
			return "数据库服务器连接数已满，请稍后重试"
		case "57P03":
			return "数据库服务器正在启动或关闭，请稍后重试"
		}
		return "数据库服务器拒绝了连接（SQLSTATE " + pe.Code + "）"
	}
	var le *sqlite.Error
	if errors.As(err, &le) {
		switch le.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return "该文件不是 SQLite 数据库"
		case sqlite3.SQLITE_CANTOPEN:
			return "无法打开该文件（所在目录不存在，或没有读写权限）"
		case sqlite3.SQLITE_READONLY:
			return "文件只读，无法写入"
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return "数据库正被其他程序锁定，请稍后重试"
		case sqlite3.SQLITE_CORRUPT:
			return "数据库文件已损坏"
		case sqlite3.SQLITE_FULL:
			return "磁盘空间不足"
		case sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return "没有访问权限"
		}
		return "SQLite 报告错误（代码 " + fmt.Sprint(le.Code()) + "）"
	}
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "连接被拒绝：请确认 PostgreSQL 已启动，地址和端口正确"
	case errors.As(err, &dnsErr):
		return "找不到数据库服务器主机 " + dnsErr.Name
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return "连接数据库服务器超时"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "网络不通，无法到达数据库服务器"
	}
	if dialect == Postgres && strings.Contains(err.Error(), "cannot parse") {
		return "连接地址格式有误（应为 postgres://用户:密码@主机:端口/数据库）"
	}
	if dialect == Postgres && strings.Contains(err.Error(), "tls") {
		return "加密连接（TLS/SSL）失败：请核对 sslmode 参数"
	}
	return "连接失败（详细原因已写入日志）"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// sqlitePath is the file of a SQLite data source, without its parameters.
func sqlitePath(source string) string {
	p, _, _ := strings.Cut(source, "?")
	return p
}
