//go:build !race

package ledger

// memoryTestRows is how many rows TestStreamingMemoryBounded reads.
const memoryTestRows = 1_000_000
