package web

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/ledger"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// This file is the reviewer's upload of treasury payment ledgers
// (国库集中支付明细) and budget changes (预算调整明细), as `jixiao monitor
// import` and `jixiao monitor budget` do: the file is streamed from the
// request into the reader and the store, all or nothing, every problem
// named. One import runs at a time per server.

// maxLedgerUpload bounds an uploaded ledger: a month or a quarter of a
// province's payments. A year's ledger of tens of millions of rows is
// imported on the server with jixiao monitor import.
// Tests lower it (server.ledgerLimit).
const maxLedgerUpload = 512 << 20

// tooLarge is the answer to a file over the limit.
func tooLarge(limit int64) string {
	return fmt.Sprintf("文件超过 %s：请分成几个文件上传，或在服务器上用 jixiao monitor import 导入。", sizeText(limit))
}

// canImportLedgers: the treasury's records are the finance bureau's to
// load: its reviewers.
func canImportLedgers(u *store.User) error {
	if u != nil && !u.Disabled && u.Role == workflow.Reviewer {
		return nil
	}
	return forbidden("只有%s可以导入支付明细和预算调整", workflow.RoleNames[workflow.Reviewer])
}

type ledgersData struct {
	Imports []store.PaymentImportRecord
	Limit   string
	// Result is what the last upload did, in sentences; Problems what
	// refused it, line by line.
	Result   []string
	Problems []string
	File     string
}

// maxImportsListed bounds the import history the page lists.
const maxImportsListed = 50

// ledgersPage shows the upload forms and the latest imports.
func (s *server) ledgersPage(w http.ResponseWriter, r *http.Request) {
	if err := canImportLedgers(currentUser(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.ledgersData(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "ledgers", "导入支付明细和预算调整", "", d)
}

func (s *server) ledgersData(r *http.Request) (*ledgersData, error) {
	imports, err := s.st.PaymentImports(r.Context())
	if err != nil {
		return nil, err
	}
	if len(imports) > maxImportsListed {
		imports = imports[:maxImportsListed]
	}
	return &ledgersData{Imports: imports, Limit: sizeText(s.ledgerLimit)}, nil
}

// uploadLedger imports one uploaded file: a payment ledger or a budget
// change file, by the form's kind, which comes before the file.
func (s *server) uploadLedger(w http.ResponseWriter, r *http.Request) {
	u := currentUser(r)
	if err := canImportLedgers(u); err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.importing.CompareAndSwap(false, true) {
		w.Header().Set("Retry-After", "30")
		s.renderError(w, r, http.StatusServiceUnavailable, "另一个文件正在导入，请稍后再试")
		return
	}
	defer s.importing.Store(false)
	// The file and the small fields of the form beside it.
	r.Body = http.MaxBytesReader(w, r.Body, s.ledgerLimit+64<<10)
	answer := func(status int, file string, result, problems []string) {
		d, err := s.ledgersData(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.File, d.Result, d.Problems = file, result, problems
		msg := ""
		if len(problems) > 0 {
			msg = fmt.Sprintf("“%s”未导入，没有写入任何数据。", file)
		}
		s.render(w, r, status, "ledgers", "导入支付明细和预算调整", msg, d)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		answer(http.StatusUnprocessableEntity, "", nil, []string{"请在表单中选择文件后提交。"})
		return
	}
	kind := ""
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			answer(http.StatusUnprocessableEntity, "", nil, []string{"请选择要导入的文件（CSV 或 .xlsx）。"})
			return
		}
		if err != nil {
			answer(uploadStatus(err), "", nil, []string{uploadReason(err, s.ledgerLimit)})
			return
		}
		switch part.FormName() {
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			kind = strings.TrimSpace(string(b))
			part.Close()
			continue
		case "file":
		default:
			part.Close()
			continue
		}
		name := uploadName(part.FileName())
		if name == "" {
			answer(http.StatusUnprocessableEntity, "", nil, []string{"请选择要导入的文件（CSV 或 .xlsx）。"})
			return
		}
		if msg := evaluation.CheckText(evaluation.TextName, name); msg != "" {
			answer(http.StatusUnprocessableEntity, "", nil, []string{"文件名" + msg + "，请重命名文件后再上传。"})
			return
		}
		var result []string
		switch kind {
		case "payments":
			result, err = s.importPayments(r, part, name, u)
		case "budget":
			result, err = s.importChanges(r, part, name, u)
		default:
			err = invalid("请选择导入的内容：支付明细或预算调整")
		}
		part.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				answer(http.StatusRequestEntityTooLarge, name, nil, []string{tooLarge(s.ledgerLimit)})
				return
			}
			var le *ledger.Error
			var pe *store.PaymentImportError
			if errors.As(err, &le) || errors.As(err, &pe) || apperr.Code(err) == apperr.EINVALID {
				answer(http.StatusUnprocessableEntity, name, nil, strings.Split(errorMessage(err), "\n"))
				return
			}
			s.fail(w, r, err)
			return
		}
		s.setFlash(w, strings.Join(result, ""))
		http.Redirect(w, r, "/monitoring/ledgers", http.StatusSeeOther)
		return
	}
}

// importPayments streams a payment ledger into the store.
func (s *server) importPayments(r *http.Request, part *multipart.Part, name string, u *store.User) ([]string, error) {
	rd, err := ledger.Open(name, part)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	res, err := s.st.ImportPayments(r.Context(), name, rd, u.Username)
	if err != nil {
		return nil, err
	}
	out := []string{fmt.Sprintf("已导入支付明细“%s”（%s）：读取 %d 条，新增 %d 条", name, rd.Format(), res.Rows, res.Added)}
	if res.Skipped() > 0 {
		out = append(out, fmt.Sprintf("，%d 条的支付凭证号已入库或在文件中重复，未重复计入", res.Skipped()))
	}
	if len(res.Earlier) > 0 {
		out = append(out, fmt.Sprintf("；该文件与第 %d 次导入的文件内容相同", res.Earlier[len(res.Earlier)-1]))
	}
	return append(out, "。"), nil
}

// importChanges reads a budget change file and stores it.
func (s *server) importChanges(r *http.Request, part *multipart.Part, name string, u *store.User) ([]string, error) {
	changes, err := ledger.ReadChanges(name, part)
	if err != nil {
		return nil, err
	}
	res, err := s.st.ImportBudgetChanges(r.Context(), name, changes, u.Username)
	if err != nil {
		return nil, err
	}
	out := []string{fmt.Sprintf("已导入预算调整“%s”：读取 %d 条，新增 %d 条", name, res.Rows, res.Added)}
	if n := res.Rows - res.Added; n > 0 {
		out = append(out, fmt.Sprintf("，%d 条（同一文号、单位和项目）已入库，未重复计入", n))
	}
	return append(out, "。"), nil
}

func uploadStatus(err error) int {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func uploadReason(err error, limit int64) string {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return tooLarge(limit)
	}
	return "上传的内容无法读取，请重试。"
}
