package datafile

import "testing"

func TestBuiltinFrameworksValidate(t *testing.T) {
	lib, ds := LoadLibrary()
	if len(ds) > 0 {
		t.Fatalf("built-in frameworks have findings:\n%v", ds)
	}
	for _, id := range []string{"gz-dept-2023", "cn-project-2020"} {
		if _, ok := lib.Framework(id); !ok {
			t.Errorf("built-in framework %s missing", id)
		}
	}
}
