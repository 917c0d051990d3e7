package web

// The administrator's pages (系统管理), under /admin: accounts,
// departments and framework versions. Who may use them is decided by
// canAdminister in access.go; adminOnly applies it to every handler here.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// adminOnly lets a page handler run only for an administrator: anyone not
// signed in is sent to sign in, any other user gets 403.
func (s *server) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if err := canAdminister(currentUser(r)); err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r)
	})
}

// adminFieldError is one problem with a form field. ID is the field's element
// id, which the error list links to; empty for a problem with no one field.
type adminFieldError struct {
	Field, ID, Message string
}

// adminFieldErrors collects the problems of one form.
type adminFieldErrors []adminFieldError

func (fe *adminFieldErrors) add(field, id, format string, a ...any) {
	*fe = append(*fe, adminFieldError{Field: field, ID: id, Message: fmt.Sprintf(format, a...)})
}

// Has reports whether the field with the id has a problem (for
// aria-invalid).
func (fe adminFieldErrors) Has(id string) bool {
	for _, e := range fe {
		if e.ID == id {
			return true
		}
	}
	return false
}

// adminIndex links to the administrator's pages.
func (s *server) adminIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin_index", "系统管理", "", nil)
}

// ---- Accounts ----

// adminRoleOption is a role in the role select.
type adminRoleOption struct{ Value, Name string }

var adminRoleOptions = []adminRoleOption{
	{workflow.Editor, workflow.RoleNames[workflow.Editor]},
	{workflow.Approver, workflow.RoleNames[workflow.Approver]},
	{workflow.Reviewer, workflow.RoleNames[workflow.Reviewer]},
	{workflow.Admin, workflow.RoleNames[workflow.Admin]},
}

// adminUserRow is an account in the list.
type adminUserRow struct {
	store.User
	Department string // the department's name, "" when not stored
	Self       bool   // the signed-in administrator
}

// adminUserForm is what the create form was filled in with (never the
// passwords).
type adminUserForm struct {
	Username, DisplayName, Role, DepartmentCode string
}

type adminUsersData struct {
	Users       []adminUserRow
	Departments []store.Department
	Roles       []adminRoleOption
	Form        adminUserForm
	Errors      adminFieldErrors // of the create form
	// ResetID is the account whose password reset failed with ResetErrors.
	ResetID     int64
	ResetName   string
	ResetErrors adminFieldErrors
	MinPassword int
}

// Limits the store enforces on an account, checked here too so that every
// problem is listed at once.
const (
	adminMaxUsernameLen    = 64
	adminMaxDisplayNameLen = 100
	adminMaxPasswordBytes  = 1024
)

func (s *server) adminUsers(w http.ResponseWriter, r *http.Request) {
	s.adminShowUsers(w, r, http.StatusOK, "", adminUsersData{Form: adminUserForm{Role: workflow.Editor}})
}

// adminShowUsers renders the accounts page with d's form state and errors.
func (s *server) adminShowUsers(w http.ResponseWriter, r *http.Request, status int, errMsg string, d adminUsersData) {
	ctx := r.Context()
	users, err := s.st.ListUsers(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	depts, err := s.st.ListDepartments(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	names := map[string]string{}
	for _, dp := range depts {
		names[dp.Code] = dp.Name
	}
	me := currentUser(r)
	for _, u := range users {
		d.Users = append(d.Users, adminUserRow{User: u, Department: names[u.DepartmentCode], Self: me != nil && u.ID == me.ID})
		if u.ID == d.ResetID {
			d.ResetName = u.Username
		}
	}
	d.Departments, d.Roles, d.MinPassword = depts, adminRoleOptions, store.MinPasswordLen
	s.render(w, r, status, "admin_users", "用户管理", errMsg, d)
}

// adminCheckPassword lists the problems of a new password and its
// confirmation; ids are the two fields' element ids.
func adminCheckPassword(fe *adminFieldErrors, password, confirm, id, confirmID string) {
	switch {
	case password == "":
		fe.add("密码", id, "不能为空")
	case utf8.RuneCountInString(password) < store.MinPasswordLen:
		fe.add("密码", id, "至少需要 %d 个字符", store.MinPasswordLen)
	case len(password) > adminMaxPasswordBytes:
		fe.add("密码", id, "过长（最多 %d 字节）", adminMaxPasswordBytes)
	}
	switch {
	case confirm == "":
		fe.add("确认密码", confirmID, "不能为空")
	case confirm != password:
		fe.add("确认密码", confirmID, "与密码不一致")
	}
}

// adminCheckUserForm lists every problem of the create form, as the store
// would find them one at a time, and refuses a department that is not
// stored.
func adminCheckUserForm(f adminUserForm, password, confirm string, depts []store.Department) adminFieldErrors {
	var fe adminFieldErrors
	switch n := utf8.RuneCountInString(f.Username); {
	case n == 0:
		fe.add("用户名", "new-username", "不能为空")
	case n > adminMaxUsernameLen:
		fe.add("用户名", "new-username", "过长（最多 %d 个字符）", adminMaxUsernameLen)
	case strings.IndexFunc(f.Username, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0:
		fe.add("用户名", "new-username", "不能包含空格或控制字符")
	}
	if utf8.RuneCountInString(f.DisplayName) > adminMaxDisplayNameLen {
		fe.add("显示名称", "new-display-name", "过长（最多 %d 个字符）", adminMaxDisplayNameLen)
	}
	role := workflow.RoleNames[f.Role]
	switch f.Role {
	case workflow.Editor, workflow.Approver:
		known := false
		for _, d := range depts {
			known = known || d.Code == f.DepartmentCode
		}
		switch {
		case f.DepartmentCode == "":
			fe.add("所属部门", "new-department", "%s必须选择所属部门", role)
		case !known:
			fe.add("所属部门", "new-department", "部门 %s 不存在：请先在“部门管理”中添加该部门", f.DepartmentCode)
		}
	case workflow.Reviewer, workflow.Admin:
		if f.DepartmentCode != "" {
			fe.add("所属部门", "new-department", "%s不属于任何部门，请选择“不属于任何部门”", role)
		}
	case "":
		fe.add("角色", "new-role", "请选择角色")
	default:
		fe.add("角色", "new-role", "角色 %q 无效", f.Role)
	}
	adminCheckPassword(&fe, password, confirm, "new-password", "new-password2")
	return fe
}

// adminCreateUser creates an account; on any problem the page is shown
// again with every problem listed and nothing created.
func (s *server) adminCreateUser(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := adminUserForm{
		Username:       strings.TrimSpace(r.PostFormValue("username")),
		DisplayName:    strings.TrimSpace(r.PostFormValue("display_name")),
		Role:           r.PostFormValue("role"),
		DepartmentCode: strings.TrimSpace(r.PostFormValue("department")),
	}
	password, confirm := r.PostFormValue("password"), r.PostFormValue("password2")
	depts, err := s.st.ListDepartments(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	fe := adminCheckUserForm(f, password, confirm, depts)
	status := http.StatusUnprocessableEntity
	if len(fe) == 0 {
		u, err := s.st.CreateUser(r.Context(), store.User{Username: f.Username, DisplayName: f.DisplayName, Role: f.Role, DepartmentCode: f.DepartmentCode}, password)
		switch store.ErrorCode(err) {
		case "":
			s.log.Info("user created", "by", currentUser(r).Username, "username", u.Username, "role", u.Role)
			s.setFlash(w, fmt.Sprintf("已创建账号 %s（%s）。", u.Username, workflow.RoleNames[u.Role]))
			http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
			return
		case store.ECONFLICT:
			status = http.StatusConflict
			fe.add("用户名", "new-username", "“%s”已被使用", f.Username)
		case store.EINVALID:
			fe.add("账号", "", "%s", errorMessage(err))
		default:
			s.internalError(w, r, err)
			return
		}
	}
	s.adminShowUsers(w, r, status, "", adminUsersData{Form: f, Errors: fe})
}

// adminTargetUser reads the account named by the path's id; a missing one is
// answered with 404 and ok false.
func (s *server) adminTargetUser(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, "未找到该用户。")
		return store.User{}, false
	}
	u, err := s.st.GetUser(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return store.User{}, false
	}
	return u, true
}

func (s *server) adminDisableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTargetUser(w, r)
	if !ok {
		return
	}
	me := currentUser(r)
	if u.ID == me.ID {
		s.adminShowUsers(w, r, http.StatusForbidden, "不能停用自己的账号：请由另一位管理员操作。", adminUsersData{Form: adminUserForm{Role: workflow.Editor}})
		return
	}
	if err := s.st.DisableUser(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user disabled", "by", me.Username, "username", u.Username)
	s.setFlash(w, fmt.Sprintf("已停用账号 %s，其登录会话已全部结束。", u.Username))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

func (s *server) adminEnableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTargetUser(w, r)
	if !ok {
		return
	}
	if err := s.st.EnableUser(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user enabled", "by", currentUser(r).Username, "username", u.Username)
	s.setFlash(w, fmt.Sprintf("已启用账号 %s。", u.Username))
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// adminSetPassword sets a new password for an account, which ends its
// sessions; an administrator changing their own is signed in again.
func (s *server) adminSetPassword(w http.ResponseWriter, r *http.Request) {
	u, ok := s.adminTargetUser(w, r)
	if !ok {
		return
	}
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	password := r.PostFormValue("password")
	var fe adminFieldErrors
	adminCheckPassword(&fe, password, r.PostFormValue("password2"), fmt.Sprintf("pw-%d", u.ID), fmt.Sprintf("pw2-%d", u.ID))
	if len(fe) == 0 {
		err := s.st.SetPassword(r.Context(), u.ID, password)
		switch store.ErrorCode(err) {
		case "":
		case store.EINVALID:
			fe.add("密码", fmt.Sprintf("pw-%d", u.ID), "%s", errorMessage(err))
		default:
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.adminShowUsers(w, r, http.StatusUnprocessableEntity, "", adminUsersData{Form: adminUserForm{Role: workflow.Editor}, ResetID: u.ID, ResetErrors: fe})
		return
	}
	me := currentUser(r)
	s.log.Info("password set", "by", me.Username, "username", u.Username)
	if u.ID == me.ID {
		token, err := s.st.CreateSession(r.Context(), me.ID, SessionTTL)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		s.setSessionCookie(w, token)
		s.setFlash(w, "已修改您的密码。")
	} else {
		s.setFlash(w, fmt.Sprintf("已重置账号 %s 的密码；其登录会话已全部结束，需用新密码重新登录。", u.Username))
	}
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}

// ---- Departments ----

// A department's master data (code, name, parent department, region) is
// changed here and nowhere else in the web application: an editor's
// upload or edit carries the registered values (store.Update), and every
// change made here is kept in the department's history with the
// administrator, the time, the old and new value and the reason.

// adminDepartmentForm is what the department form holds.
type adminDepartmentForm struct {
	Code, Name, Parent, Region, Reason string
	Existing                           bool // the code is a stored department's: the form changes it
}

type adminDepartmentsData struct {
	Departments []store.Department
	Form        adminDepartmentForm
	Errors      adminFieldErrors
	// History is the changes of the department in the form, newest
	// first, when it is stored.
	History   []store.DepartmentChange
	MaxReason int
}

// adminDepartments lists the departments; ?code=CODE fills the form with
// a stored department, to change it, and shows its history.
func (s *server) adminDepartments(w http.ResponseWriter, r *http.Request) {
	var d adminDepartmentsData
	d.Form.Code = strings.TrimSpace(r.URL.Query().Get("code"))
	s.adminShowDepartments(w, r, http.StatusOK, d, true)
}

// adminShowDepartments renders the departments page; fill puts the stored
// department's master data in the form.
func (s *server) adminShowDepartments(w http.ResponseWriter, r *http.Request, status int, d adminDepartmentsData, fill bool) {
	depts, err := s.st.ListDepartments(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	d.Departments, d.MaxReason = depts, store.MaxReasonLen
	for _, dp := range depts {
		if dp.Code != d.Form.Code {
			continue
		}
		d.Form.Existing = true
		if fill {
			d.Form.Name, d.Form.Parent, d.Form.Region = dp.Name, dp.Parent, dp.Region
		}
		h, err := s.st.DepartmentHistory(r.Context(), dp.Code)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		slices.Reverse(h)
		d.History = h
	}
	s.render(w, r, status, "admin_departments", "部门管理", "", d)
}

// adminSaveDepartment adds a department or changes a stored one's master
// data; a change needs a reason, which the history keeps.
func (s *server) adminSaveDepartment(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	f := adminDepartmentForm{
		Code:   strings.TrimSpace(r.PostFormValue("code")),
		Name:   strings.TrimSpace(r.PostFormValue("name")),
		Parent: strings.TrimSpace(r.PostFormValue("parent")),
		Region: strings.TrimSpace(r.PostFormValue("region")),
		Reason: strings.TrimSpace(r.PostFormValue("reason")),
	}
	var fe adminFieldErrors
	if msg := store.CheckDepartmentCode(f.Code); msg != "" {
		fe.add("部门编码", "dept-code", "%s", msg)
	}
	if msg := store.CheckDepartmentName(f.Name); msg != "" {
		fe.add("部门名称", "dept-name", "%s", msg)
	}
	if msg := store.CheckDepartmentPlace(f.Parent); msg != "" {
		fe.add("主管部门", "dept-parent", "%s", msg)
	}
	if msg := store.CheckDepartmentPlace(f.Region); msg != "" {
		fe.add("所属地区", "dept-region", "%s", msg)
	}
	existing := false
	if len(fe) == 0 {
		if _, err := s.st.GetDepartment(r.Context(), f.Code); err == nil {
			existing = true
		} else if store.ErrorCode(err) != store.ENOTFOUND {
			s.internalError(w, r, err)
			return
		}
	}
	reason := f.Reason
	if reason == "" && !existing && len(fe) == 0 {
		reason = "添加部门"
	}
	if len(fe) == 0 || f.Reason != "" {
		if msg := store.CheckReason(reason); msg != "" {
			if f.Reason == "" {
				msg = "修改已登记部门的信息必须填写原因"
			}
			fe.add("修改原因", "dept-reason", "%s", msg)
		}
	}
	status := http.StatusUnprocessableEntity
	if len(fe) == 0 {
		m := store.DepartmentMaster{Code: f.Code, Name: f.Name, Parent: f.Parent, Region: f.Region}
		created, err := s.st.SaveDepartment(r.Context(), m, *currentUser(r), reason)
		switch code := store.ErrorCode(err); code {
		case "":
			s.log.Info("department saved", "by", currentUser(r).Username, "code", f.Code, "created", created)
			if created {
				s.setFlash(w, fmt.Sprintf("已添加部门 %s（%s）。", f.Code, f.Name))
			} else {
				s.setFlash(w, fmt.Sprintf("已保存部门 %s 的登记信息：%s。修改已记入部门修改记录。", f.Code, f.Name))
			}
			http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
			return
		case store.EINVALID, store.ECONFLICT, store.EFORBIDDEN:
			status = httpStatus(code)
			fe.add("部门", "", "%s", errorMessage(err))
		default:
			s.internalError(w, r, err)
			return
		}
	}
	s.adminShowDepartments(w, r, status, adminDepartmentsData{Form: f, Errors: fe}, false)
}

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
	switch code := store.ErrorCode(err); code {
	case "":
	case store.ECONFLICT, store.EINVALID, store.EFORBIDDEN:
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
	funcs["fwScopeName"] = func(scope string) string {
		switch scope {
		case framework.ScopeDepartment:
			return "部门整体支出"
		case framework.ScopeProject:
			return "项目支出"
		}
		return scope
	}
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
