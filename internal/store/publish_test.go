package store

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/workflow"
)

// publishStore holds Tianhe (106001, 广州市天河区) and 900100 (same region)
// accepted, 900200 (another region) accepted and 900300 submitted.
func publishStore(t *testing.T, dsn string) (*Store, people) {
	s := open(t, dsn)
	th := exampleEntry(t, tianhePath)
	b := entry(t, variant(t, th.Evaluation, "900100", 0), "b.yaml")
	cv := variant(t, th.Evaluation, "900200", 0)
	cv.Department.Region = "广州市越秀区"
	c := entry(t, cv, "c.yaml")
	d := entry(t, variant(t, th.Evaluation, "900300", 0), "d.yaml")
	mustImport(t, s, []Entry{th, b, c, d}, Summary{Created: 4})
	for _, code := range []string{"106001", "900100", "900200"} {
		setStatus(t, s, code, 2023, workflow.Accepted)
	}
	setStatus(t, s, "900300", 2023, workflow.Submitted)
	return s, mkPeople(t, s, "106001", "900100")
}

func statuses(t *testing.T, s *Store) map[string]string {
	t.Helper()
	ls, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, l := range ls {
		out[l.DepartmentCode] = l.Status
	}
	return out
}

func codes(ys []PublishedYear) []string {
	var out []string
	for _, y := range ys {
		out = append(out, y.Code)
	}
	return out
}

// Batch publication: only a reviewer; a dry run writes nothing; a region
// publishes its accepted years only; each year is moved as the single
// 公开 moves it (version + 1, one history row, files dropped); years in
// other statuses are untouched.
func TestPublishAll(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, p := publishStore(t, dsn)
		before := takeSnapshot(t, s)

		for _, u := range []User{p.editorA, p.approverA, p.admin} {
			if _, err := s.PublishAll(ctx, PublishRequest{Year: 2023}, u); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("publish all by %s: %v, want EFORBIDDEN", fmtUser(u), err)
			}
		}

		dry, err := s.PublishAll(ctx, PublishRequest{Year: 2023, DryRun: true}, p.reviewer)
		if err != nil || !dry.DryRun || len(dry.Failed) != 0 || !reflect.DeepEqual(codes(dry.Years), []string{"106001", "900100", "900200"}) {
			t.Fatalf("dry run: %+v, %v", dry, err)
		}
		if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
			t.Fatalf("a dry run changed the store:\nbefore %+v\nafter  %+v", before, after)
		}

		vBefore := map[string]int{}
		ls, _ := s.List(ctx)
		for _, l := range ls {
			vBefore[l.DepartmentCode] = l.Version
		}
		res, err := s.PublishAll(ctx, PublishRequest{Year: 2023, Region: "广州市天河区", Comment: "批量公开"}, p.reviewer)
		if err != nil || !reflect.DeepEqual(codes(res.Years), []string{"106001", "900100"}) {
			t.Fatalf("region: %+v, %v", res, err)
		}
		want := map[string]string{"106001": workflow.Published, "900100": workflow.Published, "900200": workflow.Accepted, "900300": workflow.Submitted}
		if got := statuses(t, s); !reflect.DeepEqual(got, want) {
			t.Fatalf("statuses %v, want %v", got, want)
		}
		for _, y := range res.Years {
			if y.Version != vBefore[y.Code]+1 {
				t.Errorf("%s: version %d, want %d", y.Code, y.Version, vBefore[y.Code]+1)
			}
			h := historyOf(t, s, y.Code, 2023, "status")
			last := h[len(h)-1]
			if last.Old != workflow.Accepted || last.New != workflow.Published || last.Actor != p.reviewer.Username || last.Reason != "批量公开" || last.Version != y.Version {
				t.Errorf("%s: history %+v", y.Code, last)
			}
		}

		// The rest of the year: 900200 only; 900300 stays submitted.
		res, err = s.PublishAll(ctx, PublishRequest{Year: 2023}, p.reviewer)
		if err != nil || !reflect.DeepEqual(codes(res.Years), []string{"900200"}) {
			t.Fatalf("rest: %+v, %v", res, err)
		}
		// Nothing left: an empty result, not an error.
		res, err = s.PublishAll(ctx, PublishRequest{Year: 2023}, p.reviewer)
		if err != nil || len(res.Years) != 0 {
			t.Fatalf("nothing left: %+v, %v", res, err)
		}
		if got := statuses(t, s); got["900300"] != workflow.Submitted || got["900200"] != workflow.Published {
			t.Errorf("statuses %v", got)
		}
	})
}

// All or nothing: when one year of those confirmed cannot be published,
// none is, and every failure is listed with its reason.
func TestPublishAllOrNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, p := publishStore(t, dsn)
		before := takeSnapshot(t, s)
		res, err := s.PublishAll(ctx, PublishRequest{Year: 2023, Only: []string{"106001", "900300", "999999"}}, p.reviewer)
		if apperr.Code(err) != apperr.ECONFLICT || res == nil || len(res.Years) != 0 || len(res.Failed) != 2 {
			t.Fatalf("%+v, %v; want ECONFLICT listing 2 failures", res, err)
		}
		for _, code := range []string{"900300", "999999"} {
			if !strings.Contains(err.Error(), code) {
				t.Errorf("the error does not name %s: %v", code, err)
			}
		}
		if res.Failed[0].Code != "900300" || !strings.Contains(res.Failed[0].Reason, "已通过") {
			t.Errorf("failure %+v", res.Failed[0])
		}
		if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
			t.Fatal("a refused batch publication changed the store")
		}
		// The confirmed years as shown: published, the others not.
		res, err = s.PublishAll(ctx, PublishRequest{Year: 2023, Only: []string{"900200"}}, p.reviewer)
		if err != nil || !reflect.DeepEqual(codes(res.Years), []string{"900200"}) {
			t.Fatalf("%+v, %v", res, err)
		}
		if got := statuses(t, s); got["106001"] != workflow.Accepted || got["900200"] != workflow.Published {
			t.Errorf("statuses %v", got)
		}
	})
}

func TestCommentCounts(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, p := publishStore(t, dsn)
		for _, body := range []string{"一", "二"} {
			if _, err := s.AddComment(ctx, "106001", 2023, "", "", body, p.reviewer); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddComment(ctx, "900200", 2023, "", "", "三", p.reviewer); err != nil {
			t.Fatal(err)
		}
		got, err := s.CommentCounts(ctx, 2023)
		if err != nil || !reflect.DeepEqual(got, map[string]int{"106001": 2, "900200": 1}) {
			t.Fatalf("%v, %v", got, err)
		}
	})
}
