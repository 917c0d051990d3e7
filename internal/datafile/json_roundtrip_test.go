package datafile

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
)

// An evaluation written with encoding/json (as the store keeps it) reads
// back equal, and reads back equal through the data-file loader too.
func TestEvaluationJSONRoundTrip(t *testing.T) {
	for _, path := range []string{"../../examples/tianhe-gov-office-2023.yaml", "../../examples/qinghe-health-2024.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		l, ds := Evaluation(path, data)
		if ds.Err() != nil {
			t.Fatal(ds)
		}
		js, err := json.Marshal(l.Value)
		if err != nil {
			t.Fatal(err)
		}
		var back evaluation.Evaluation
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !reflect.DeepEqual(*l.Value, back) {
			t.Errorf("%s: encoding/json round trip changed the evaluation", path)
		}
		l2, ds := Evaluation("x.json", js)
		if ds.Err() != nil {
			t.Fatalf("%s as JSON: %v", path, ds)
		}
		if !reflect.DeepEqual(*l.Value, *l2.Value) {
			t.Errorf("%s: JSON read by the loader differs", path)
		}
	}
}
