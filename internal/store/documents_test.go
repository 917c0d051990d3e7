package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

func TestPublishedDocuments(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		// One account is enough here: hashing passwords is slow.
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		mustImport(t, s, []Entry{th, entry(t, variant(t, th.Evaluation, "900100", 0), "b.yaml")}, Summary{Created: 2})
		rev := mkUser(t, s, "reviewer", workflow.Reviewer, "")
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		const ct = "application/pdf"
		pdfV1 := []byte("%PDF-1 first version")

		// Not published: nothing is stored or served.
		v := setStatus(t, s, code, year, workflow.Accepted)
		if d, err := s.SavePublishedDocument(ctx, code, year, v, "pdf", ct, pdfV1); err != nil || d != nil {
			t.Fatalf("save while accepted = %v, %v; want nothing saved", d, err)
		}
		if n := count(t, s, "published_documents"); n != 0 {
			t.Fatalf("%d rows stored for an unpublished year", n)
		}

		// Published: stored once, served with size and SHA-256.
		v = setStatus(t, s, code, year, workflow.Published)
		if d, err := s.SavePublishedDocument(ctx, code, year, v, "pdf", ct, pdfV1); err != nil || d == nil {
			t.Fatalf("save = %v, %v", d, err)
		}
		if _, err := s.SavePublishedDocument(ctx, code, year, v, "pdf", ct, []byte("%PDF-1 rendered again")); err != nil {
			t.Fatalf("second save: %v", err)
		}
		d, err := s.PublishedDocument(ctx, code, year, "pdf")
		if err != nil || d == nil {
			t.Fatalf("read = %v, %v", d, err)
		}
		sum := sha256.Sum256(pdfV1)
		if !bytes.Equal(d.Data, pdfV1) || d.Size != int64(len(pdfV1)) || d.SHA256 != hex.EncodeToString(sum[:]) ||
			d.ContentType != ct || d.Version != v || d.Format != "pdf" {
			t.Errorf("read %+v, want the first saved file of version %d", d, v)
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "docx"); d != nil {
			t.Errorf("docx served though only pdf was stored")
		}
		if d, _ := s.PublishedDocument(ctx, "900100", year, "pdf"); d != nil {
			t.Errorf("another department's file served")
		}

		// A save for a version that is not the current one writes nothing.
		if d, err := s.SavePublishedDocument(ctx, code, year, v-1, "docx", "x", []byte("old")); err != nil || d != nil {
			t.Errorf("save for an old version = %v, %v; want nothing saved", d, err)
		}

		// The version changes while published: the stored file of the old
		// version is not served, and saving the new one deletes it.
		if _, err := s.db.Exec(s.rebind(`UPDATE department_years SET version = version + 1 WHERE year = ?
			AND department_id = (SELECT id FROM departments WHERE code = ?)`), year, code); err != nil {
			t.Fatal(err)
		}
		if d, err := s.PublishedDocument(ctx, code, year, "pdf"); err != nil || d != nil {
			t.Fatalf("after a new version read = %+v, %v; want nothing", d, err)
		}
		pdfV2 := []byte("%PDF-1 second version")
		if d, err := s.SavePublishedDocument(ctx, code, year, v+1, "pdf", ct, pdfV2); err != nil || d == nil {
			t.Fatalf("save v2 = %v, %v", d, err)
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "pdf"); d == nil || !bytes.Equal(d.Data, pdfV2) {
			t.Errorf("read %+v, want the second version's file", d)
		}
		if n := count(t, s, "published_documents"); n != 1 {
			t.Errorf("%d rows stored, want only the current version's", n)
		}

		// A transition deletes the stored files: here the year is put back
		// to accepted and published again, which makes a new version.
		v = setStatus(t, s, code, year, workflow.Accepted)
		nv, err := s.Transition(ctx, code, year, workflow.Published, rev, "", v)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "published_documents"); n != 0 {
			t.Errorf("%d rows left after a transition, want 0", n)
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "pdf"); d != nil {
			t.Errorf("file served after a transition")
		}
		if d, err := s.SavePublishedDocument(ctx, code, year, nv, "pdf", ct, pdfV2); err != nil || d == nil {
			t.Fatalf("save after publication = %v, %v", d, err)
		}
	})
}
