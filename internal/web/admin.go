package web

// The administrator's pages (系统管理), under /admin: accounts,
// departments and framework versions. Who may use them is decided by
// canAdminister in access.go; adminOnly applies it to every handler. Each
// page has its file: admin_users.go, admin_departments.go and
// admin_frameworks.go.

import (
	"fmt"
	"net/http"
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

// For is the messages of the field with the id, for the text beside it.
func (fe adminFieldErrors) For(id string) string {
	out := ""
	for _, e := range fe {
		if e.ID == id {
			if out != "" {
				out += "；"
			}
			out += fmt.Sprintf("%s：%s", e.Field, e.Message)
		}
	}
	return out
}

// adminIndex links to the administrator's pages.
func (s *server) adminIndex(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin_index", "系统管理", "", nil)
}
