//go:build !race

package workbook

// raceSlowdown: without the race detector the read budget is as stated.
const raceSlowdown = 1
