// Command genledger writes a seeded synthetic invoice ledger (CSV) for
// benchmarks: go run ./scripts/genledger -rows 1000000 > ledger.csv
// With -retail it writes a workbook shaped like Online Retail II instead:
// go run ./scripts/genledger -retail -rows 541909 > retail.xlsx
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
	retail := flag.Bool("retail", false, "write an Online Retail II-shaped workbook (xlsx) instead of a CSV ledger")
	flag.Parse()
	write := ledgergen.WriteCSV
	if *retail {
		write = ledgergen.WriteRetailXLSX
	}
	if err := write(os.Stdout, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genledger:", err)
		os.Exit(1)
	}
}
