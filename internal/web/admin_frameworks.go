package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/store"
)

// ---- Frameworks ----

// maxFrameworkUpload bounds an uploaded framework file.
const maxFrameworkUpload = store.MaxFrameworkBytes

// adminLibraryRow is a framework the program loads from files.
type adminLibraryRow struct {
	*framework.Framework
	SHA256   string
	StoredID int64 // the stored version with the same bytes, or 0
}

// adminStoredRow is a stored framework version with the first of its uses.
type adminStoredRow struct {
	store.FrameworkVersion
	Shown []store.FrameworkUse
	More  int
}

// adminUsesShown is how many uses the list shows per version.
const adminUsesShown = 12

type adminFrameworksData struct {
	Library         []adminLibraryRow
	LibraryFindings diag.List
	Stored          []adminStoredRow
	// The upload that failed: its file name, its findings and other
	// problems.
	FileName string
	Findings diag.List
	Errors   adminFieldErrors
	MaxSize  string
}

func (s *server) adminFrameworks(w http.ResponseWriter, r *http.Request) {
	s.adminShowFrameworks(w, r, http.StatusOK, adminFrameworksData{})
}

func (s *server) adminShowFrameworks(w http.ResponseWriter, r *http.Request, status int, d adminFrameworksData) {
	stored, err := s.st.ListFrameworkVersions(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	bySHA := map[string]int64{}
	for _, v := range stored {
		bySHA[v.SHA256] = v.ID
		row := adminStoredRow{FrameworkVersion: v, Shown: v.Uses}
		if len(row.Shown) > adminUsesShown {
			row.Shown, row.More = row.Shown[:adminUsesShown], len(v.Uses)-adminUsesShown
		}
		d.Stored = append(d.Stored, row)
	}
	lib, ds := datafile.LoadLibrary(s.fwDirs...)
	for _, f := range lib.All() {
		sha := adminSHA256(f.Source)
		d.Library = append(d.Library, adminLibraryRow{Framework: f, SHA256: sha, StoredID: bySHA[sha]})
	}
	ds.Sort()
	d.LibraryFindings = ds
	d.MaxSize = fmt.Sprintf("%d MiB", maxFrameworkUpload>>20)
	s.render(w, r, status, "admin_frameworks", "指标框架管理", "", d)
}

func adminSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// readFrameworkUpload reads the uploaded framework file: its name and bytes, or
// the status and problem to show.
func readFrameworkUpload(w http.ResponseWriter, r *http.Request) (name string, data []byte, status int, problem string) {
	const room = 64 << 10 // the multipart envelope and other fields
	r.Body = http.MaxBytesReader(w, r.Body, maxFrameworkUpload+room)
	tooLarge := fmt.Sprintf("文件超过 %d MiB 上限", maxFrameworkUpload>>20)
	if err := r.ParseMultipartForm(maxFrameworkUpload + room); err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return "", nil, http.StatusRequestEntityTooLarge, tooLarge
		case errors.Is(err, http.ErrNotMultipart):
			return "", nil, http.StatusUnprocessableEntity, "请选择要上传的指标框架文件"
		}
		return "", nil, http.StatusBadRequest, "上传的表单无法读取，请重新选择文件后提交"
	}
	defer r.MultipartForm.RemoveAll()
	f, fh, err := r.FormFile("file")
	if err != nil {
		return "", nil, http.StatusUnprocessableEntity, "请选择要上传的指标框架文件"
	}
	defer f.Close()
	name = filepath.Base(strings.ReplaceAll(fh.Filename, `\`, "/"))
	if name == "." || name == "/" {
		name = "上传的文件"
	}
	if msg := evaluation.CheckText(evaluation.TextName, name); msg != "" {
		return "上传的文件", nil, http.StatusUnprocessableEntity, "文件名" + msg + "，请重命名文件后再上传"
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
	default:
		return name, nil, http.StatusUnprocessableEntity, "只接受 .yaml、.yml 或 .json 文件"
	}
	if fh.Size > maxFrameworkUpload {
		return name, nil, http.StatusRequestEntityTooLarge, tooLarge
	}
	data, err = io.ReadAll(io.LimitReader(f, maxFrameworkUpload+1))
	switch {
	case err != nil:
		return name, nil, http.StatusBadRequest, "文件无法读取，请重新上传"
	case len(data) > maxFrameworkUpload:
		return name, nil, http.StatusRequestEntityTooLarge, tooLarge
	case len(bytes.TrimSpace(data)) == 0:
		return name, nil, http.StatusUnprocessableEntity, "文件为空"
	case !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0:
		return name, nil, http.StatusUnprocessableEntity, "文件不是 UTF-8 编码的文本"
	}
	return name, data, 0, ""
}

// adminUploadFramework checks an uploaded framework file as `jixiao
// framework check` does and, when it has no errors, keeps it as a new
// framework version. Every finding is listed when it has errors.
func (s *server) adminUploadFramework(w http.ResponseWriter, r *http.Request) {
	name, data, status, problem := readFrameworkUpload(w, r)
	d := adminFrameworksData{FileName: name}
	if problem != "" {
		d.Errors.add("文件", "framework-file", "%s", problem)
		s.adminShowFrameworks(w, r, status, d)
		return
	}
	fw, ds := datafile.Framework(name, data)
	ds.Sort()
	if fw == nil || ds.Err() != nil {
		d.Findings = ds
		s.adminShowFrameworks(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	lib, _ := datafile.LoadLibrary(s.fwDirs...)
	if cur, ok := lib.Framework(fw.ID); ok && cur.Version == fw.Version && !bytes.Equal(cur.Source, data) {
		d.Errors.add("文件", "framework-file", "指标框架 %s 版本 %s 与%s的同版本文件内容不同：修改框架后请提高版本号（version）再上传",
			fw.ID, fw.Version, frameworkOriginName(cur.Origin))
		s.adminShowFrameworks(w, r, http.StatusConflict, d)
		return
	}
	v, err := s.st.AddFramework(r.Context(), data, *currentUser(r))
	switch code := apperr.Code(err); code {
	case "":
	case apperr.ECONFLICT, apperr.EINVALID, apperr.EFORBIDDEN:
		d.Errors.add("文件", "framework-file", "%s", errorMessage(err))
		s.adminShowFrameworks(w, r, httpStatus(code), d)
		return
	default:
		s.fail(w, r, err)
		return
	}
	s.log.Info("framework added", "by", currentUser(r).Username, "framework", v.FrameworkID, "version", v.Version, "sha256", v.SHA256)
	msg := fmt.Sprintf("已保存指标框架 %s 版本 %s（编号 %d）。", v.FrameworkID, v.Version, v.ID)
	if n := len(ds); n > 0 {
		msg += fmt.Sprintf("检查发现 %d 条警告或提示，可用 jixiao framework check 查看。", n)
	}
	s.setFlash(w, msg)
	http.Redirect(w, r, "/admin/frameworks", http.StatusSeeOther)
}

// frameworkOriginName describes where a library framework came from.
func frameworkOriginName(origin string) string {
	if origin == datafile.BuiltinOrigin {
		return "内置框架"
	}
	return "框架文件 " + origin + " 中"
}

// adminIndicatorRow is one indicator of a framework's tree.
type adminIndicatorRow struct {
	*framework.Indicator
	Depth int
}

type adminFrameworkData struct {
	Version    store.FrameworkVersion
	Framework  *framework.Framework
	Findings   diag.List
	Indicators []adminIndicatorRow
}

// adminFramework shows a stored framework version read-only: its
// indicator tree and the department-years that use it.
func (s *server) adminFramework(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, "未找到该指标框架版本。")
		return
	}
	v, err := s.st.GetFrameworkVersion(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := adminFrameworkData{Version: v}
	fw, ds := datafile.PinnedFramework(v.Content)
	d.Findings = ds
	if fw != nil && ds.Err() == nil {
		d.Framework = fw
		fw.Walk(func(in *framework.Indicator, depth int) {
			d.Indicators = append(d.Indicators, adminIndicatorRow{Indicator: in, Depth: depth - 1})
		})
	}
	s.render(w, r, http.StatusOK, "admin_framework", fmt.Sprintf("指标框架 %s 版本 %s", v.FrameworkID, v.Version), "", d)
}

// adminRuleKindNames are the rule kinds in Chinese, for the indicator tree.
var adminRuleKindNames = map[string]string{
	framework.KindTargets:       "绩效目标完成情况",
	framework.KindExecutionRate: "预算执行率",
	framework.KindRatio:         "实际值与目标值之比",
	framework.KindThreshold:     "限值扣分",
	framework.KindChecklist:     "检查清单",
	framework.KindQualitative:   "定性评价",
	framework.KindManual:        "人工评分",
}

func init() {
	funcs["canAdminister"] = func(u *store.User) bool { return canAdminister(u) == nil }
	funcs["deptFieldName"] = func(field string) string {
		if n, ok := store.DepartmentFieldNames[field]; ok {
			return n
		}
		return field
	}
	funcs["fwScopeName"] = framework.ScopeName
	funcs["fwRuleKindName"] = func(kind string) string {
		if n, ok := adminRuleKindNames[kind]; ok {
			return n
		}
		return kind
	}
	funcs["fwUsePath"] = func(u store.FrameworkUse) string {
		return evaluationPath(store.Listing{DepartmentCode: u.DepartmentCode, Year: u.Year})
	}
	funcs["fwShortSHA"] = func(sha string) string {
		if len(sha) > 12 {
			return sha[:12]
		}
		return sha
	}
}
