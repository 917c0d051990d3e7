//go:build race

package workbook

// raceSlowdown is how much slower code runs under the race detector,
// which the read budget allows for (its documentation speaks of 2–20×;
// reading workbooks measured about 4× here).
const raceSlowdown = 5
