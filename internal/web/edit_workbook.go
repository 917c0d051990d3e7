package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/input"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workbook"
)

// ---------------------------------------------------------------------------
// The workbook round trip
// ---------------------------------------------------------------------------

// downloadWorkbook serves the data-entry workbook filled with the stored
// data, to anyone who may read the department-year.
func (s *server) downloadWorkbook(w http.ResponseWriter, r *http.Request) {
	sc, err := s.load(r.Context(), currentUser(r), r.PathValue("code"), r.PathValue("year"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The workbook shows the registered master data (a department renamed
	// since this year was stored gets its new name), as an upload will
	// carry it.
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	ev.KeepMaster(sc.rec.Master())
	var buf bytes.Buffer
	if err := workbook.Write(&buf, ev, sc.fw, sc.pfw); err != nil {
		s.internalError(w, r, err)
		return
	}
	l := sc.rec.Listing
	name := fmt.Sprintf("%s%d年度绩效自评填报表.xlsx", l.Department, l.Year)
	ascii := fmt.Sprintf("workbook-%s-%d.xlsx", asciiOnly(l.DepartmentCode), l.Year)
	w.Header().Set("Content-Type", contentTypeOf("xlsx"))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q; filename*=UTF-8''%s", ascii, encodeRFC5987(name)))
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes())
}

// workbookUpload is a posted workbook with the form's other fields.
type workbookUpload struct {
	version, reason, name string
	data                  []byte
	hasFile               bool
}

// readWorkbookUpload reads the multipart upload form. On failure it returns the
// status and message to answer.
func readWorkbookUpload(w http.ResponseWriter, r *http.Request) (*workbookUpload, int, string) {
	const textLimit = 64 << 10
	r.Body = http.MaxBytesReader(w, r.Body, maxWorkbookUpload+1<<20)
	tooLarge := fmt.Sprintf("文件过大：填报表不能超过 %s。", maxWorkbookUploadText)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, http.StatusUnprocessableEntity, "请在“上传填报表”表单中选择 .xlsx 文件后提交。"
	}
	up := &workbookUpload{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, http.StatusRequestEntityTooLarge, tooLarge
			}
			return nil, http.StatusBadRequest, "上传的内容无法读取，请重试。"
		}
		limit := int64(textLimit)
		if part.FormName() == "file" {
			limit = maxWorkbookUpload
		}
		data, err := io.ReadAll(io.LimitReader(part, limit+1))
		part.Close()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, http.StatusRequestEntityTooLarge, tooLarge
			}
			return nil, http.StatusBadRequest, "上传的内容无法读取，请重试。"
		}
		if int64(len(data)) > limit {
			if part.FormName() == "file" {
				return nil, http.StatusRequestEntityTooLarge, tooLarge
			}
			return nil, http.StatusUnprocessableEntity, "表单内容过长。"
		}
		switch part.FormName() {
		case "file":
			if up.hasFile {
				return nil, http.StatusUnprocessableEntity, "一次只能上传一个填报表。"
			}
			up.hasFile, up.name, up.data = true, uploadName(part.FileName()), data
		case "version":
			up.version = string(data)
		case "reason":
			up.reason = string(data)
		}
	}
	switch {
	case !up.hasFile || up.name == "" && len(up.data) == 0:
		return nil, http.StatusUnprocessableEntity, "请选择要上传的填报表文件（.xlsx）。"
	case !strings.EqualFold(uploadExt(up.name), ".xlsx"):
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("只能上传 .xlsx 格式的填报表（Excel 工作簿），“%s”不是。", up.name)
	case len(up.data) == 0:
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("文件“%s”是空的。", up.name)
	}
	if msg := evaluation.CheckText(evaluation.TextName, up.name); msg != "" {
		return nil, http.StatusUnprocessableEntity, "填报表的文件名" + msg + "，请重命名文件后再上传。"
	}
	return up, 0, ""
}

// uploadName is the name of an uploaded file without any directory (some
// browsers sent a Windows path), bounded for the history and the pages.
func uploadName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[:60]) + "…" + string(r[len(r)-39:])
	}
	return name
}

// uploadExt is the extension of an uploaded file's name.
func uploadExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

// uploadWorkbook replaces the department-year's data with an uploaded
// workbook, when it reads without errors and belongs to this
// department-year.
func (s *server) uploadWorkbook(w http.ResponseWriter, r *http.Request) {
	u, sc, ok := s.loadEditable(w, r, false)
	if !ok {
		return
	}
	if err := canUploadWorkbook(u, sc.rec.Listing); err != nil {
		s.refuse(w, r, err, nil)
		return
	}
	l := sc.rec.Listing
	up, status, msg := readWorkbookUpload(w, r)
	if msg != "" {
		s.editAgain(w, r, status, msg)
		return
	}
	v, err := strconv.Atoi(strings.TrimSpace(up.version))
	if err != nil || v < 1 {
		s.editAgain(w, r, http.StatusUnprocessableEntity, "表单缺少数据版本，请刷新页面后重试。")
		return
	}
	if err := checkVersion(l, v); err != nil {
		s.editAgain(w, r, http.StatusConflict, "填报表未导入："+errorMessage(err))
		return
	}
	p := newEditPage(sc, r.Form, requestUnit(w, r))
	p.Reason = up.reason
	reason, reasonErr := readChangeReason(up.reason)
	p.UploadReasonErr = reasonErr

	release, ok := s.workbookSlot(w, r)
	if !ok {
		return
	}
	defer release()
	// Any data file the command line reads is read here too, by its
	// content: a workbook, or YAML and JSON.
	loaded, ds := input.Read(up.name, up.data)
	var before num.Points
	if sc.res != nil {
		before = sc.res.Total
	}
	if loaded != nil {
		// Whose data it is comes first: a workbook of another department
		// or year, or of another framework, says so before anything else
		// found at the same cells.
		ds = append(loaded.Locate(workbookBelongs(loaded.Value, l, sc)), ds...)
		// Scored only when it reads without errors, as the command line's
		// import does; checked either way, so every problem shows at once.
		opts := changeOptions()
		if !l.Scored() {
			opts = declarationOptions()
		}
		opts.ReadErrors = ds.Err() != nil
		ds = append(ds, loaded.Locate(sc.rescore(loaded.Value, opts).Findings)...)
		// The department's master data is the administrator's: the data
		// carries the registered name, parent and region, and the upload
		// is told where it differed (what it held was checked above, so
		// bad text there is still refused).
		ds = append(ds, loaded.Locate(loaded.Value.KeepMaster(sc.rec.Master()))...)
	}
	if loaded == nil && ds.Err() == nil {
		ds.Add(diag.Syntax, "", "文件“%s”不是可读取的填报表", up.name)
	}
	res := workbookFindings(up.name, up.data, ds)
	if reasonErr != "" {
		res.Errors = append([]workbookFinding{{Field: "修改原因", Message: reasonErr}}, res.Errors...)
	}
	if len(res.Errors) > 0 {
		p.Upload = res
		s.renderEdit(w, r, http.StatusUnprocessableEntity, "", p)
		return
	}
	nv, err := s.st.Update(r.Context(), l.DepartmentCode, l.Year, loaded.Value, sc.res, v, u.Username,
		fmt.Sprintf("上传填报表“%s”：%s", up.name, reason))
	if err != nil {
		s.editSaveFailed(w, r, err)
		return
	}
	var warns []string
	for _, f := range res.Warnings {
		warns = append(warns, f.place()+f.Message)
	}
	switch {
	case nv == v:
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报表“%s”中的数据与现有数据相同，没有修改任何数据。", up.name), warns))
	case !l.Scored():
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报表“%s”已导入，绩效目标申报已更新。", up.name), warns))
	default:
		s.setFlash(w, flashWithWarnings(fmt.Sprintf("填报表“%s”已导入：总分 %s → %s 分，等级 %s。", up.name, before, sc.res.Total, sc.res.Grade), warns))
	}
	http.Redirect(w, r, evaluationPath(l), http.StatusSeeOther)
}

// workbookBelongs checks that an uploaded evaluation is this department-year's
// and uses the frameworks it is scored with, which only an import changes.
func workbookBelongs(ev *evaluation.Evaluation, l store.Listing, sc *scored) diag.List {
	var ds diag.List
	if ev.Department.Code != l.DepartmentCode {
		ds.Add(diag.BadValue, "department.code", "填报表的预算单位编码为“%s”，本页是部门 %s（%s）的数据：请上传本部门的填报表", ev.Department.Code, l.DepartmentCode, l.Department)
	}
	if ev.Year != l.Year {
		ds.Add(diag.BadValue, "year", "填报表的年度为 %d，本页是 %d 年度的数据：请上传 %d 年度的填报表", ev.Year, l.Year, l.Year)
	}
	if fw := sc.rec.Evaluation.Framework; ev.Framework != fw {
		ds.Add(diag.BadValue, "framework", "填报表使用指标框架“%s”，本年度按“%s”评分；更换指标框架须由管理员重新导入", ev.Framework, fw)
	}
	if len(ev.Projects) > 0 {
		if _, ok := sc.lib.Framework(ev.ProjectFrameworkID()); !ok {
			ds.Add(diag.BadValue, "project_framework", "本年度未按项目指标框架“%s”评分；增加项目或更换项目框架须由管理员重新导入", ev.ProjectFrameworkID())
		}
	}
	return ds
}

// workbookFindings lays out findings about a workbook by sheet, cell, row
// and field; only the first error at a cell is kept, as the reader does.
func workbookFindings(file string, data []byte, ds diag.List) *workbookResult {
	var refs []string
	for _, d := range ds {
		if strings.Contains(d.Path, "!") {
			refs = append(refs, d.Path)
		}
	}
	names := workbook.Fields(data, refs)
	res := &workbookResult{File: file}
	bad := map[string]bool{}
	for _, d := range ds {
		if d.Severity == diag.Info {
			continue
		}
		sheet, cell, _ := strings.Cut(d.Path, "!")
		f := workbookFinding{Sheet: sheet, Cell: cell, Row: strings.TrimLeft(cell, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), Field: names[d.Path], Message: d.Message}
		if d.Severity == diag.Error {
			if d.Path != "" && bad[d.Path] {
				continue
			}
			bad[d.Path] = true
			res.Errors = append(res.Errors, f)
		} else {
			res.Warnings = append(res.Warnings, f)
		}
	}
	return res
}

// place says where a finding is, for a one-line message.
func (f workbookFinding) place() string {
	var b strings.Builder
	if f.Sheet != "" {
		fmt.Fprintf(&b, "工作表“%s”", f.Sheet)
	}
	if f.Cell != "" {
		fmt.Fprintf(&b, "%s", f.Cell)
	}
	if f.Field != "" {
		fmt.Fprintf(&b, "（%s）", f.Field)
	}
	if b.Len() > 0 {
		b.WriteString("：")
	}
	return b.String()
}
