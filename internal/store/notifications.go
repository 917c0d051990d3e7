package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jixiao/jixiao/internal/civil"
)

// Notification states (notifications_sent.state, migration 00018).
const (
	notifySending = "sending"
	notifySent    = "sent"
)

// ClaimLease is how long a claim of a message being sent holds: a
// 'sending' row older than this (its process died mid-send) is claimed
// again.
const ClaimLease = time.Hour

// maxRecipients bounds the accounts one notification run reads.
const maxRecipients = 20000

// Recipients returns the enabled accounts with an e-mail address, by id,
// at most 20,000.
func (s *Store) Recipients(ctx context.Context) ([]User, error) {
	var out []User
	err := s.withReadTx(ctx, func(tx *txn) error {
		rows, err := tx.query(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email <> '' AND NOT u.disabled ORDER BY u.id LIMIT ?`, maxRecipients)
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
		return nil, fmt.Errorf("读取邮件收件人失败：%w", err)
	}
	return out, nil
}

// dueText is a task's due date as notifications_sent keys it (” none).
func dueText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Unsent returns the tasks of ts not yet sent (nor being sent) to the
// user, for a (user, task, due) never recorded: what a run would send.
// A task whose due date moved is new.
func (s *Store) Unsent(ctx context.Context, userID int64, ts []Task) ([]Task, error) {
	var out []Task
	err := s.withReadTx(ctx, func(tx *txn) error {
		for _, t := range ts {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notifications_sent WHERE user_id = ? AND task = ? AND due_on = ?`, userID, t.Key, dueText(t.Due)).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				out = append(out, t)
			}
		}
		return nil
	})
	return out, err
}

// ClaimNotifications decides, in one transaction, which of ts are to be
// sent to the user now: those with no row yet (and those whose claim
// lapsed, ClaimLease), each recorded as being sent. Two runs at once
// cannot claim the same task. The caller sends the claimed tasks and then
// calls FinishNotifications, whatever happened.
func (s *Store) ClaimNotifications(ctx context.Context, userID int64, ts []Task) ([]Task, error) {
	var out []Task
	now := s.now()
	err := s.withTx(ctx, func(tx *txn) error {
		if _, err := tx.exec(ctx, `DELETE FROM notifications_sent WHERE user_id = ? AND state = ? AND claimed_at < ?`, userID, notifySending, now.Add(-ClaimLease)); err != nil {
			return err
		}
		for _, t := range ts {
			r, err := tx.exec(ctx, `INSERT INTO notifications_sent (user_id, task, due_on, state, claimed_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (user_id, task, due_on) DO NOTHING`, userID, t.Key, dueText(t.Due), notifySending, now)
			if err != nil {
				return err
			}
			if n, err := r.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				out = append(out, t)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("记录待发送的提醒失败：%w", err)
	}
	return out, nil
}

// FinishNotifications ends a claim: sent, the rows are kept as sent (never
// sent again); not sent, they are deleted, so the next run tries again
// (nothing unsent stays recorded).
func (s *Store) FinishNotifications(ctx context.Context, userID int64, ts []Task, sent bool) error {
	now := s.now()
	err := s.withTx(ctx, func(tx *txn) error {
		for _, t := range ts {
			var err error
			if sent {
				_, err = tx.exec(ctx, `UPDATE notifications_sent SET state = ?, sent_at = ? WHERE user_id = ? AND task = ? AND due_on = ? AND state = ?`,
					notifySent, now, userID, t.Key, dueText(t.Due), notifySending)
			} else {
				_, err = tx.exec(ctx, `DELETE FROM notifications_sent WHERE user_id = ? AND task = ? AND due_on = ? AND state = ?`,
					userID, t.Key, dueText(t.Due), notifySending)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("记录提醒发送结果失败：%w", err)
	}
	return nil
}
