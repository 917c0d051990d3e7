package framework

import (
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
)

// Bug: a qualitative rule may give one level two bands. Validate only
// counts distinct levels (len(seen) == 3), so met/partly/not_met plus a
// second "met" passes, and scoring silently uses the last "met" band.
func TestBugQualitativeDuplicateBandLevel(t *testing.T) {
	f := valid()
	f.Indicators[2].Rule.Bands = []LevelBand{
		{LevelMet, num.DecimalOf(80), num.DecimalOf(100)},
		{LevelPartly, num.DecimalOf(60), num.DecimalOf(80)},
		{LevelNotMet, num.DecimalOf(0), num.DecimalOf(60)},
		{LevelMet, num.DecimalOf(0), num.DecimalOf(10)},
	}
	ds := f.Validate()
	found := false
	for _, d := range ds {
		if d.Severity == diag.Error && (d.Path == "indicators[2].rule.bands[3].level" || d.Path == "indicators[2].rule.bands") {
			found = true
		}
	}
	if !found {
		t.Errorf("duplicate band level met not reported; findings:\n%v", ds)
	}
}
