package model

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
)

// Masked returns the ledger as a consultant shows it to another audience:
// every customer's id and name replaced by a pseudonym, and attributes
// whose values single customers out (more distinct values than half the
// customers, such as a contact or an e-mail column) replaced the same way.
// The pseudonyms are stable: they are numbered in the order of a hash of
// the real ids, so the same ledger gives the same names in every run,
// whatever the row order. Not in the order of the ids themselves: with ids
// numbered in sequence, a customer's rank would be its real number. The
// transactions are shared with l, which is not changed.
func (l *Ledger) Masked() *Ledger {
	out := *l
	cs := l.Customers
	n := cs.Len()
	order := make([]int, n)
	key := make([]uint64, n)
	for i := range order {
		order[i] = i
		h := fnv.New64a()
		h.Write([]byte("ledgerlens mask\x00" + cs.ID[i]))
		key[i] = h.Sum64()
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(key[a], key[b]); c != 0 {
			return c
		}
		return cmp.Compare(cs.ID[a], cs.ID[b])
	})
	width := len(strconv.Itoa(n))
	id, name := make([]string, n), make([]string, n)
	for rank, c := range order {
		num := fmt.Sprintf("%0*d", width, rank+1)
		id[c], name[c] = "C"+num, "Customer "+num
	}
	out.Customers.ID, out.Customers.Name = id, name
	out.Customers.Attrs = make([]Attribute, len(cs.Attrs))
	for i, a := range cs.Attrs {
		out.Customers.Attrs[i] = a
		if identifying(a.Values) {
			vals := make([]string, n)
			for c, v := range a.Values {
				if v != "" {
					vals[c] = a.Name + " of " + id[c]
				}
			}
			out.Customers.Attrs[i].Values = vals
		}
	}
	return &out
}

// identifying says whether an attribute's values single customers out:
// more distinct values than half the customers.
func identifying(values []string) bool {
	seen := map[string]bool{}
	for _, v := range values {
		if v != "" {
			seen[v] = true
		}
	}
	return len(seen) > len(values)/2
}
