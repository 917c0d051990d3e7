package calendar

import "github.com/jixiao/jixiao/internal/scoring"

// ScoringOptions returns scoring options that count working-day deadlines
// on the official calendar. The embedded holiday data is checked by this
// package's tests, so failing to load it is a build defect: it panics.
func ScoringOptions() scoring.Options {
	c, err := Default()
	if err != nil {
		panic("calendar: embedded holiday data does not load: " + err.Error())
	}
	return scoring.Options{Calendar: c}
}
