package calendar

import "github.com/jixiao/jixiao/internal/civil"

// Date is a civil date (civil.Date): year, month and day, no time, no zone.
type Date = civil.Date

// Constructors and parsing, re-exported so callers of this package need
// only it.
var (
	NewDate   = civil.NewDate
	MustDate  = civil.MustDate
	DateOf    = civil.DateOf
	ParseDate = civil.ParseDate
)
