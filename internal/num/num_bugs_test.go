package num

import (
	"math/big"
	"testing"
)

// Bug: ParsePoints rejects an ASCII "%" but not the full-width "％" that
// Chinese input methods type: "95％" is read as 95 points although the
// function's contract is that points never carry a percent sign.
func TestBugParsePointsFullWidthPercent(t *testing.T) {
	for _, s := range []string{"95％", " 9.5％ "} {
		if p, err := ParsePoints(s); err == nil {
			t.Errorf("ParsePoints(%q) = %s, want an error (分值不能带百分号)", s, p)
		}
	}
}

// Bug: MarshalText is documented to print the exact value, but it goes
// through String, which rounds to 4 decimals: 0.00001 is written as "0",
// so a Decimal does not survive a write and read back.
func TestBugDecimalMarshalTextNotExact(t *testing.T) {
	d := DecimalFrac(1, 100000) // 0.00001
	b, _ := d.MarshalText()
	var back Decimal
	if err := back.UnmarshalText(b); err != nil {
		t.Fatal(err)
	}
	if back.Cmp(d) != 0 {
		t.Errorf("MarshalText(0.00001) = %q, reads back as %s: not exact", b, back.Rat().RatString())
	}
}

// Bug: ParseDecimal drops every comma wherever it stands, so "1,5" (a
// decimal comma, or a typo) silently becomes 15 and "12,34" becomes 1234.
// money.Parse rejects thousands separators that do not group by three;
// ParseDecimal should too.
func TestBugParseDecimalMisplacedSeparator(t *testing.T) {
	for _, s := range []string{"1,5", "12,34", "1,2,3"} {
		if d, err := ParseDecimal(s); err == nil {
			t.Errorf("ParseDecimal(%q) = %s, want an error (separators must group by three)", s, d.Rat().RatString())
		}
	}
	// Control: proper grouping still parses.
	if d, err := ParseDecimal("1,234,567.5"); err != nil || d.Rat().Cmp(big.NewRat(2469135, 2)) != 0 {
		t.Errorf("ParseDecimal(1,234,567.5) = %v, %v", d, err)
	}
}
