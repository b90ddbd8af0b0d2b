package model

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// orderCache memoises argsorts by the content of the key vector. Stage 2
// sorts the same vectors again and again (revenue, margin, R, F, M) while the
// user changes an unrelated parameter; sorting 100,000 values costs ~10 ms,
// hashing and comparing them well under one.
type orderCache struct {
	mu      sync.Mutex
	entries []orderEntry
}

type orderEntry struct {
	id    string // what the key was computed from, "" when unknown
	hash  uint64
	key   []float64
	order []int32
}

const orderCacheSize = 32

func hashFloats(v []float64) uint64 {
	h := uint64(14695981039346656037)
	for _, x := range v {
		h ^= math.Float64bits(x)
		h *= 1099511628211
	}
	return h
}

// argsort returns the customers ordered by key ascending, ties by customer
// id (idRank is each customer's position in id order). id names what the key
// was computed from ("F/365/documents"); a known id is checked by comparing
// the values, which is cheaper than hashing them. Callers must not modify
// the result.
func (oc *orderCache) argsort(id string, key []float64, idRank []int32) []int32 {
	return oc.lookup(id, key, false, idRank)
}

// desc returns the order by key descending, ties by id ascending.
func (oc *orderCache) desc(id string, key []float64, idRank []int32) []int32 {
	return oc.lookup(id, key, true, idRank)
}

func (oc *orderCache) lookup(id string, key []float64, negate bool, idRank []int32) []int32 {
	if negate {
		id = "desc:" + id
	}
	same := func(e orderEntry) bool {
		if len(e.key) != len(key) {
			return false
		}
		for i, v := range key {
			if negate {
				v = -v
			}
			if e.key[i] != v && !(e.key[i] == 0 && v == 0) {
				return false
			}
		}
		return true
	}
	oc.mu.Lock()
	if id != "" && id != "desc:" {
		for _, e := range oc.entries {
			if e.id == id && same(e) {
				oc.mu.Unlock()
				return e.order
			}
		}
	}
	oc.mu.Unlock()
	k := key
	if negate {
		k = make([]float64, len(key))
		for i, v := range key {
			k[i] = -v
		}
	}
	h := hashFloats(k)
	oc.mu.Lock()
	for _, e := range oc.entries {
		if e.hash == h && slices.Equal(e.key, k) {
			oc.mu.Unlock()
			return e.order
		}
	}
	oc.mu.Unlock()
	order := make([]int32, len(k))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(x, y int32) int {
		if c := cmp.Compare(k[x], k[y]); c != 0 {
			return c
		}
		return cmp.Compare(idRank[x], idRank[y])
	})
	oc.mu.Lock()
	if len(oc.entries) >= orderCacheSize {
		oc.entries = oc.entries[1:]
	}
	oc.entries = append(oc.entries, orderEntry{id, h, slices.Clone(k), order})
	oc.mu.Unlock()
	return order
}
