package store

import (
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
)

// AssessOptions are the assessment pipeline's options for the stored year
// as it is: the official working-day calendar, the store's
// target-quality rules (built-in unless Store.SetRules gave others), the year's stage, the records kept beside it
// (Cycle), and Stored (a year checked when it was saved is scored even if
// a check added since finds errors, which are shown). Every edge that
// assesses a stored year as stored starts from these; Library gives the
// frameworks pinned with it.
func (r *Record) AssessOptions() assess.Options {
	rs := r.Rules
	if rs == nil {
		rs = datafile.DefaultRules()
	}
	return assess.Options{Calendar: calendar.ScoringOptions().Calendar, Quality: rs.Quality,
		Stored: true, Stage: r.Stage, Cycle: r.Cycle, Reviews: r.Reviews}
}

// Library is the library of the framework files pinned with the year.
func (r *Record) Library() (*datafile.Library, error) {
	return datafile.PinnedLibrary(r.Framework, r.ProjectFramework)
}
