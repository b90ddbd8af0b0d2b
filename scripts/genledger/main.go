// Command genledger writes a seeded synthetic invoice ledger (CSV) for
// benchmarks: go run ./scripts/genledger -rows 1000000 > ledger.csv
package main

import (
	"flag"
	"fmt"
	"os"

	"ledgerlens/internal/ledgergen"
)

func main() {
	rows := flag.Int("rows", 1_000_000, "rows to write")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := ledgergen.WriteCSV(os.Stdout, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genledger:", err)
		os.Exit(1)
	}
}
