package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jixiao/jixiao/internal/workflow"
)

// PublishedDocument is a file of a published report (docx, xlsx, html,
// pdf), rendered once and kept with the version of the department-year it
// was rendered from (migration 00004). A published report does not change,
// so the public download serves these bytes instead of rendering again.
type PublishedDocument struct {
	Department  string // the department's name, as PublishedDocument reads it
	Version     int
	Format      string
	ContentType string
	Size        int64
	SHA256      string // hex
	Data        []byte
	CreatedAt   time.Time
}

var publishedDocumentQuery = hot(`SELECT d.name, dy.status, p.version, p.content_type, p.size, p.sha256, p.data, p.created_at
	FROM department_years dy JOIN departments d ON d.id = dy.department_id
	JOIN published_documents p ON p.department_year_id = dy.id AND p.version = dy.version
	WHERE d.code = ? AND dy.year = ? AND p.format = ?`)

// PublishedDocument returns the stored file in format of a department-year
// that is published, rendered from its current version. It returns nil
// (and no error) when there is none: the department-year does not exist,
// is not published, or the file was not stored yet for this version. A
// file stored for an older version is never returned.
func (s *Store) PublishedDocument(ctx context.Context, code string, year int, format string) (*PublishedDocument, error) {
	var d PublishedDocument
	var status string
	err := s.withReadTx(ctx, func(tx *txn) error {
		return tx.queryRow(ctx, publishedDocumentQuery, code, year, format).
			Scan(&d.Department, &status, &d.Version, &d.ContentType, &d.Size, &d.SHA256, &d.Data, &d.CreatedAt)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取部门 %s %d 年度已公开的 %s 文件失败：%w", code, year, format, err)
	}
	if !workflow.Public(status) {
		return nil, nil
	}
	d.Format = format
	return &d, nil
}

// SavePublishedDocument keeps a file rendered from version of a
// department-year, if the department-year is still published at that
// version; otherwise it writes nothing and returns nil. A file already
// stored for the version and format is kept (the first writer wins: the
// same version renders the same report). Files of other versions of the
// department-year are deleted.
func (s *Store) SavePublishedDocument(ctx context.Context, code string, year, version int, format, contentType string, data []byte) (*PublishedDocument, error) {
	sum := sha256.Sum256(data)
	d := &PublishedDocument{Version: version, Format: format, ContentType: contentType, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Data: data, CreatedAt: s.now()}
	saved := false
	err := s.withTx(ctx, func(tx *txn) error {
		q := `SELECT dy.id, dy.status, dy.version FROM department_years dy JOIN departments d ON d.id = dy.department_id
			WHERE d.code = ? AND dy.year = ?`
		if s.dialect == Postgres {
			// Hold the row against a concurrent Transition until this
			// commits: the transition then deletes what is written here.
			q += " FOR SHARE OF dy"
		}
		var id int64
		var status string
		var current int
		err := tx.queryRow(ctx, q, code, year).Scan(&id, &status, &current)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if !workflow.Public(status) || current != version {
			return nil
		}
		if _, err := tx.exec(ctx, "DELETE FROM published_documents WHERE department_year_id = ? AND version <> ?", id, version); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO published_documents (department_year_id, version, format, content_type, size, sha256, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (department_year_id, version, format) DO NOTHING`,
			id, version, format, contentType, d.Size, d.SHA256, data, d.CreatedAt)
		saved = err == nil
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("保存部门 %s %d 年度已公开的 %s 文件失败：%w", code, year, format, err)
	}
	if !saved {
		return nil, nil
	}
	return d, nil
}

// deletePublishedDocuments drops every stored file of a department-year;
// Transition calls it, since a moved department-year's version changes.
func (tx *txn) deletePublishedDocuments(ctx context.Context, id int64) error {
	if _, err := tx.exec(ctx, "DELETE FROM published_documents WHERE department_year_id = ?", id); err != nil {
		return fmt.Errorf("删除已公开的报告文件失败：%w", err)
	}
	return nil
}
