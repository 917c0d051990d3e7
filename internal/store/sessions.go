package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jixiao/jixiao/internal/apperr"
)

// Sessions are kept in the database so that every server process sees
// them and a logout is immediate. The token handed to the browser is 32
// random bytes in unpadded URL-safe base64 (43 characters); only its
// SHA-256 is stored, so the table's contents do not let anyone log in.
//
// Times are stored in UTC. In SQLite they are text in one layout, which
// sorts in time order for a fixed offset, so expires_at can be compared in
// SQL.

const (
	sessionTokenBytes = 32
	// sessionTouchInterval is how stale last_seen may be before
	// SessionUser writes it again: most requests only read.
	sessionTouchInterval = time.Minute
)

var tokenEncoding = base64.RawURLEncoding

// tokenHash returns the stored form of a token, or "" if the token cannot
// be one the store made.
func tokenHash(token string) string {
	raw, err := tokenEncoding.DecodeString(token)
	if err != nil || len(raw) != sessionTokenBytes {
		return ""
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func sessionExpired() *apperr.Error {
	return errorf(apperr.EUNAUTHORIZED, "登录已过期，请重新登录")
}

// CreateSession starts a session for the user, valid for ttl, and returns
// its token, to be set in a cookie (Secure, HttpOnly, SameSite). A disabled
// or missing account is apperr.EUNAUTHORIZED.
func (s *Store) CreateSession(ctx context.Context, userID int64, ttl time.Duration) (string, error) {
	if ttl <= 0 {
		return "", errorf(apperr.EINVALID, "会话有效期必须为正")
	}
	raw := make([]byte, sessionTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("生成随机数失败：%w", err)
	}
	token := tokenEncoding.EncodeToString(raw)
	hash := tokenHash(token)
	err := s.withTx(ctx, func(tx *txn) error {
		if _, err := tx.actor(ctx, User{ID: userID}); err != nil {
			return err
		}
		now := s.now().UTC()
		_, err := tx.exec(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen) VALUES (?, ?, ?, ?, ?)",
			hash, userID, now, now.Add(ttl), now)
		return err
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

var sessionUserQuery = hot(`SELECT ` + userColumns + `, se.expires_at, se.last_seen
	FROM sessions se JOIN users u ON u.id = se.user_id WHERE se.token_hash = ?`)

// SessionUser returns the account of the session with the token. An
// unknown or expired token, or a disabled account, is apperr.EUNAUTHORIZED. The
// session's last_seen is written at most once a minute, in a short
// transaction of its own after the read; expiry does not slide.
func (s *Store) SessionUser(ctx context.Context, token string) (User, error) {
	hash := tokenHash(token)
	if hash == "" {
		return User{}, sessionExpired()
	}
	var (
		u        User
		expires  time.Time
		lastSeen time.Time
	)
	now := s.now()
	err := s.withReadTx(ctx, func(tx *txn) error {
		err := scanUser(tx.queryRow(ctx, sessionUserQuery, hash), &u, &expires, &lastSeen)
		if errors.Is(err, sql.ErrNoRows) {
			return sessionExpired()
		}
		return err
	})
	if err != nil {
		return User{}, err
	}
	if !now.Before(expires) || u.Disabled {
		return User{}, sessionExpired()
	}
	if now.Sub(lastSeen) >= sessionTouchInterval {
		err := s.withTx(ctx, func(tx *txn) error {
			_, err := tx.exec(ctx, "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", now, hash)
			return err
		})
		if err != nil {
			return User{}, err
		}
	}
	return u, nil
}

// DeleteSession ends the session with the token (logout). An unknown token
// is not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	hash := tokenHash(token)
	if hash == "" {
		return nil
	}
	return s.withTx(ctx, func(tx *txn) error {
		_, err := tx.exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions that have expired and returns
// how many; the web server calls it now and then.
func (s *Store) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	var n int64
	err := s.withTx(ctx, func(tx *txn) error {
		r, err := tx.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ?", s.now().UTC())
		if err != nil {
			return err
		}
		n, err = r.RowsAffected()
		return err
	})
	return n, err
}
