package web

import (
	"github.com/jixiao/jixiao/internal/store"
)

// This file lets the department's editor change a department-year's data
// other than scores, while the data is with the department (canEdit):
//
//   - the data-entry workbook round trip: GET …/workbook downloads the
//     workbook filled with the stored data, POST …/workbook replaces the
//     data with an uploaded one;
//   - the form at …/edit for every part the editor may change in the
//     year's stage (store.EditableParts; the others shown read-only): in
//     the evaluation stage the budget and final-account figures, income
//     lines, the outcome of every performance target, the report's
//     paragraphs, problems and measures, and the registers; in the
//     declaration stage the declaration and the registers; in execution
//     the registers alone.
//
// Both check everything before saving anything, show every problem at
// once, rescore with the pinned frameworks and save through store.Update
// with the version the user read and the user's reason, which the history
// keeps.
//
// The work is split by action: edit_form.go is the form's model (fields,
// labels, how values are read), edit_rows.go the lists of rows (add,
// remove, pages) and the unit amounts are typed in, edit_lists.go the
// year-end form's lists, edit_declare.go the declaration, edit_save.go
// shows the form, previews and saves it, edit_workbook.go downloads and
// uploads the workbook.

// maxWorkbookUpload bounds an uploaded workbook.
const maxWorkbookUpload = 10 << 20

// maxWorkbookUploadText is the wording of maxWorkbookUpload on the pages.
const maxWorkbookUploadText = "10 MiB"

// maxDataForm bounds the edit form's body: every figure and every
// target's explanation, percent-encoded (nine bytes a Chinese character).
const maxDataForm = 2 << 20

// maxChangeReason bounds a reason for a change, in characters.
const maxChangeReason = 500

func init() {
	// For the workspace: whether to offer the editor's data forms.
	funcs["mayEditData"] = func(u *store.User, l store.Listing) bool { return mayEditData(u, l) == nil }
	funcs["mayUploadWorkbook"] = func(u *store.User, l store.Listing) bool { return canUploadWorkbook(u, l) == nil }
	funcs["workbookUploadLimit"] = func() string { return maxWorkbookUploadText }
}

// mayEditData is who may change the data: canEditData.
func mayEditData(u *store.User, l store.Listing) error { return canEditData(u, l) }
