package importer

import "hash/maphash"

// idTable finds a customer's index by id. It is an open-addressing table of
// (hash tag, index) pairs, eight bytes a slot, over ids the builder keeps: a
// lookup reads one slot and the id it confirms, where a map of strings reads
// a control word, a slot and the key.
type idTable struct {
	seed  maphash.Seed
	slots []idSlot // tag 0: empty
	n     int
}

type idSlot struct {
	tag uint32
	c   int32
}

func newIDTable() *idTable {
	return &idTable{seed: maphash.MakeSeed(), slots: make([]idSlot, 1024)}
}

func (t *idTable) hash(id []byte) uint64 { return maphash.Bytes(t.seed, id) }

// find returns the index of id, whose hash is h, among ids; -1 and the slot
// to insert at when it is not there.
func (t *idTable) find(id []byte, h uint64, ids []custText) (int32, int) {
	mask := len(t.slots) - 1
	tag := uint32(h>>32) | 1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.tag == 0 {
			return -1, i
		}
		if s.tag == tag && ids[s.c].id == string(id) {
			return s.c, i
		}
	}
}

// insert puts index c, whose id hashes to h, at slot i (from find).
func (t *idTable) insert(i int, h uint64, c int32, ids []custText) {
	t.slots[i] = idSlot{tag: uint32(h>>32) | 1, c: c}
	t.n++
	if 2*t.n > len(t.slots) {
		t.grow(ids)
	}
}

// grow doubles the table, placing every index again.
func (t *idTable) grow(ids []custText) {
	old := t.slots
	t.slots = make([]idSlot, 2*len(old))
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.tag == 0 {
			continue
		}
		h := maphash.String(t.seed, ids[s.c].id)
		i := int(h) & mask
		for t.slots[i].tag != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}
