package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/store"
)

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
		} else if apperr.Code(err) != apperr.ENOTFOUND {
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
		switch code := apperr.Code(err); code {
		case "":
			s.log.Info("department saved", "by", currentUser(r).Username, "code", f.Code, "created", created)
			if created {
				s.setFlash(w, fmt.Sprintf("已添加部门 %s（%s）。", f.Code, f.Name))
			} else {
				s.setFlash(w, fmt.Sprintf("已保存部门 %s 的登记信息：%s。修改已记入部门修改记录。", f.Code, f.Name))
			}
			http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
			return
		case apperr.EINVALID, apperr.ECONFLICT, apperr.EFORBIDDEN:
			status = httpStatus(code)
			fe.add("部门", "", "%s", errorMessage(err))
		default:
			s.internalError(w, r, err)
			return
		}
	}
	s.adminShowDepartments(w, r, status, adminDepartmentsData{Form: f, Errors: fe}, false)
}
