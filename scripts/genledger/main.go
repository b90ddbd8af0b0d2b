// Command genledger writes a seeded synthetic invoice ledger (CSV) for
// benchmarks: go run ./scripts/genledger -rows 1000000 > ledger.csv
// With -retail it writes a workbook shaped like Online Retail II instead:
// go run ./scripts/genledger -retail -rows 541909 > retail.xlsx
// With -one-row-each every row is the only row of a customer of its own.
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
	oneRow := flag.Bool("one-row-each", false, "every row a customer of its own (the most customers for the rows)")
	flag.Parse()
	write := ledgergen.WriteCSV
	switch {
	case *retail:
		write = ledgergen.WriteRetailXLSX
	case *oneRow:
		write = ledgergen.WriteCSVOneRowEach
	}
	if err := write(os.Stdout, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genledger:", err)
		os.Exit(1)
	}
}
