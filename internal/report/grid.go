package report

import "fmt"

// Placed is a cell with its position in the table grid (0-based).
type Placed struct {
	Cell
	Row, Col int
}

// Slot is one position of the grid: the cell that owns it, and whether the
// position is the cell's top-left corner or a position its span covers.
type Slot struct {
	Cell    *Placed
	Covered bool // true when another cell's span reaches here
}

// Grid places every cell of the table on the grid, resolving row and column
// spans, and returns the grid row by row. It is the one place that
// interprets spans, so that all renderers merge cells alike. It fails when
// a row overflows the columns, a span runs past the last row, or a grid
// position is left empty.
func (t *Table) Grid() ([][]Slot, error) {
	ncol := len(t.Columns)
	if ncol == 0 {
		return nil, fmt.Errorf("table %q: no columns", t.Sheet)
	}
	// The slots and the placed cells are allocated once for the table:
	// a report's project tables hold thousands of cells. placed never
	// grows past its capacity, so the pointers into it stay valid.
	slots := make([]Slot, len(t.Rows)*ncol)
	grid := make([][]Slot, len(t.Rows))
	for i := range grid {
		grid[i] = slots[i*ncol : (i+1)*ncol : (i+1)*ncol]
	}
	cells := 0
	for _, row := range t.Rows {
		cells += len(row.Cells)
	}
	placed := make([]Placed, 0, cells)
	for r, row := range t.Rows {
		c := 0
		for _, cell := range row.Cells {
			for c < ncol && grid[r][c].Cell != nil {
				c++
			}
			cs, rs := cell.Span()
			if c+cs > ncol {
				return nil, fmt.Errorf("table %q row %d: cells need more than %d columns", t.Sheet, r+1, ncol)
			}
			if r+rs > len(t.Rows) {
				return nil, fmt.Errorf("table %q row %d column %d: row span %d runs past the last row", t.Sheet, r+1, c+1, rs)
			}
			placed = append(placed, Placed{Cell: cell, Row: r, Col: c})
			p := &placed[len(placed)-1]
			for dr := range rs {
				for dc := range cs {
					s := &grid[r+dr][c+dc]
					if s.Cell != nil {
						return nil, fmt.Errorf("table %q row %d column %d: cells overlap", t.Sheet, r+dr+1, c+dc+1)
					}
					s.Cell = p
					s.Covered = dr != 0 || dc != 0
				}
			}
			c += cs
		}
	}
	for r := range grid {
		for c := range grid[r] {
			if grid[r][c].Cell == nil {
				return nil, fmt.Errorf("table %q row %d column %d: no cell", t.Sheet, r+1, c+1)
			}
		}
	}
	return grid, nil
}
