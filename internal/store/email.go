package store

import (
	"context"
	"net/mail"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
)

// maxEmailLen bounds an e-mail address (RFC 5321: 254 octets in a path).
const maxEmailLen = 254

// CheckEmail checks an e-mail address as a user gives it: empty (none),
// or one bare address (name@example.cn, no display name, no spaces or line
// breaks) of at most 254 bytes. Errors are apperr.EINVALID in Chinese.
func CheckEmail(email string) error {
	if email == "" {
		return nil
	}
	if len(email) > maxEmailLen {
		return errorf(apperr.EINVALID, "电子邮箱地址过长（最多 %d 个字节）", maxEmailLen)
	}
	if strings.ContainsAny(email, " \t\r\n<>\"") || !storable(email) {
		return errorf(apperr.EINVALID, "电子邮箱地址 %q 无效：不能包含空格、换行、尖括号或引号", email)
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		return errorf(apperr.EINVALID, "电子邮箱地址 %q 无效：应形如 name@example.gov.cn", email)
	}
	return nil
}

// SetEmail sets (or, with "", clears) the e-mail address of the account
// id, where its task digest is sent. An invalid address is
// apperr.EINVALID; a missing or disabled account apperr.ENOTFOUND.
func (s *Store) SetEmail(ctx context.Context, id int64, email string) error {
	email = strings.TrimSpace(email)
	if err := CheckEmail(email); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *txn) error {
		return tx.execOne(ctx, errorf(apperr.ENOTFOUND, "未找到编号为 %d 的用户", id), "UPDATE users SET email = ? WHERE id = ? AND NOT disabled", email, id)
	})
}
