//go:build race

package ledger

// memoryTestRows is how many rows TestStreamingMemoryBounded reads: fewer
// under the race detector, which slows reading about tenfold; still five
// times the 100,000 rows the heap is first measured at.
const memoryTestRows = 500_000
