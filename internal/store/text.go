package store

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
)

// Text given to the store that is not part of an evaluation — usernames,
// display names, comments, reasons, department master data, framework
// names — is checked here against the rule of its kind
// (evaluation.CheckText: valid UTF-8, no NUL or other control character
// except line breaks and tabs in a paragraph, no bidirectional controls, a
// maximum length), so that a violation is apperr.EINVALID naming the field and
// never reaches the database (PostgreSQL refuses NUL with an error).
// Evaluations are checked with evaluation.CheckTexts before they are
// written. docs/limits-text.md lists the rule and the limits.

// checkField returns apperr.EINVALID naming the field ("部门名称包含控制字符
// U+0000") when s breaks the rule of kind; prefix, when not empty, says
// whose field it is ("部门 106001 2023 年度：").
func checkField(prefix, field string, kind evaluation.TextKind, s string) error {
	if msg := evaluation.CheckText(kind, s); msg != "" {
		return errorf(apperr.EINVALID, "%s%s%s", prefix, field, msg)
	}
	return nil
}

// checkEvaluationText returns apperr.EINVALID listing the first text findings of
// ev (field path and problem), or nil when its text passes. where names
// the department-year and its source.
func checkEvaluationText(ev *evaluation.Evaluation, where string) error {
	ds := ev.CheckTexts()
	if len(ds) == 0 {
		return nil
	}
	var parts []string
	for i, d := range ds {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("等共 %d 处", len(ds)))
			break
		}
		parts = append(parts, fmt.Sprintf("%s（%s）", d.Message, d.Path))
	}
	return errorf(apperr.EINVALID, "%s的文本有误，未保存任何数据：%s", where, strings.Join(parts, "；"))
}

// storable reports whether s can be sent to either database as text: valid
// UTF-8 without NUL. Lookups by a key that is not (a code from a URL) find
// nothing instead of failing.
func storable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// isBadText reports whether err is PostgreSQL refusing a text value (NUL
// or an invalid byte sequence: SQLSTATE 22021, 22P05). The checks above
// keep such text out; this is the net under them, mapped to apperr.EINVALID.
func isBadText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}
