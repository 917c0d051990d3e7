package evaluation

import (
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
)

// Master is a department's master data (部门登记信息) as the system has
// registered it: its name, its parent department (主管部门) and its
// region (所属地区). Only an administrator, or the operator importing with
// an explicit flag, changes it; a department's data file or workbook
// carries it but does not change it (docs/architecture.md).
type Master struct {
	Name, Parent, Region string
}

// MasterOf is the master data an evaluation states: its department's
// name, parent and region, trimmed.
func MasterOf(e *Evaluation) Master {
	d := e.Department
	return Master{Name: strings.TrimSpace(d.Name), Parent: strings.TrimSpace(d.Parent), Region: strings.TrimSpace(d.Region)}
}

// KeepMaster makes the evaluation carry the registered master data m: its
// department's name, parent and region become m's. For each field the
// evaluation stated otherwise (a field it left empty is filled in
// silently) it returns a warning MasterKept at the field's path naming the
// registered value.
func (e *Evaluation) KeepMaster(m Master) diag.List {
	var ds diag.List
	for _, f := range []struct {
		path, what string
		field      *string
		registered string
	}{
		{"department.name", "部门名称", &e.Department.Name, m.Name},
		{"department.parent", "主管部门", &e.Department.Parent, m.Parent},
		{"department.region", "所属地区", &e.Department.Region, m.Region},
	} {
		given := strings.TrimSpace(*f.field)
		if given != "" && given != f.registered {
			shown := "“" + f.registered + "”"
			if f.registered == "" {
				shown = "（未登记）"
			}
			ds.Add(diag.MasterKept, f.path, "%s“%s”与系统登记的%s不一致，以系统登记为准；如需更改请联系管理员", f.what, given, shown)
		}
		*f.field = f.registered
	}
	return ds
}
