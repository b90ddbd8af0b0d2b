package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// A large CSV file's rows are parsed on every core: the text after the
// header is cut into chunks at line ends, the next free goroutine parses a
// chunk into batches, and the batches go to the builder in file order, so
// the ledger is the one reading row by row gives. A line end inside quotes
// does not end a record; a chunk holding a quote (or no line end at all)
// therefore goes, with everything after it, to one goroutine that reads it
// as one stream, as the rows of a small file are read.

// Chunking is a variable so that the tests can cut small texts into many
// chunks and compare with reading row by row.
var (
	chunkBytes   = 1 << 20 // about how much text one chunk holds
	parallelFrom = int64(8 << 20)
)

// csvChunk is a run of whole records: data, or when rest is set, data and
// everything rest yields after it.
type csvChunk struct {
	data []byte
	rest io.Reader
	line int   // the physical line its first record starts on
	done int64 // bytes read when it was cut, for progress
	out  chan *txBatch
}

// chunked says whether a table's data rows are parsed in chunks: a large
// CSV file with cores enough for the builder and two parsing goroutines.
// On two cores the builder and one parsing goroutine already keep both
// busy; chunks measured no faster there (and held more batches in memory).
func chunked(t table) bool {
	ct, ok := t.(*csvTable)
	return ok && ct.size >= parallelFrom && runtime.GOMAXPROCS(0) >= 4
}

// nextRecord reads the next record of r and the line it starts on; a
// record the reader refuses is reported with that line.
func nextRecord(r *csvReader) ([][]byte, int, error) {
	rec, err := r.Read()
	if err == errUnterminated || err == errLongRecord || err == errManyFields {
		return nil, r.recLn, fmt.Errorf("line %d: %w", r.recLn, err)
	}
	return rec, r.recLn, err
}

// parseChunks parses the data rows of t (read up to them) in chunks and
// passes the batches to emit in file order; it stops when emit returns
// false (the builder has stopped) and returns when every goroutine it
// started has.
func (b *builder) parseChunks(t *csvTable, p *plan, s *source, stop <-chan struct{}, emit func(*txBatch) bool, batch func() *txBatch) {
	workers := runtime.GOMAXPROCS(0) - 1 // the builder has a core of its own
	jobs := make(chan *csvChunk, workers)
	order := make(chan *csvChunk, workers)
	spare := make(chan []byte, 2*workers) // chunk buffers parsed and free again
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		cutChunks(t, spare, func(ch *csvChunk) bool {
			for _, c := range []chan *csvChunk{order, jobs} {
				select {
				case c <- ch:
				case <-stop:
					return false
				}
			}
			return true
		})
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			br := bufio.NewReaderSize(nil, 1<<18) // reused for every chunk
			for ch := range jobs {
				b.parseChunk(ch, br, t, p, s, stop, batch)
				select {
				case spare <- ch.data[:0]:
				default:
				}
			}
		}()
	}
	defer wg.Wait()
	for ch := range order {
		for {
			// a chunk that was ordered but never parsed (the builder
			// stopped in between) never closes its batches: stop ends
			// the wait for them
			var bt *txBatch
			var more bool
			select {
			case bt, more = <-ch.out:
			case <-stop:
				return
			}
			if !more {
				break
			}
			if !emit(bt) {
				return
			}
		}
	}
}

// cutChunks reads t's text in chunks that end at a line end and passes them
// to send until the end, a quote or a line longer than a chunk, from where
// one last chunk reads on to the end.
func cutChunks(t *csvTable, spare chan []byte, send func(*csvChunk) bool) {
	br := t.r.r
	line := t.r.line
	var carry []byte
	for {
		var buf []byte
		select {
		case buf = <-spare:
		default:
		}
		if cap(buf) < chunkBytes+len(carry) {
			// room for the usual carried line too, so that buffers come back usable
			buf = make([]byte, 0, chunkBytes+max(len(carry), chunkBytes/4))
		}
		buf = append(buf[:0], carry...)
		n, err := io.ReadFull(br, buf[len(buf):len(buf)+chunkBytes])
		buf = buf[:len(buf)+n]
		done := position(t)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			// a read error: the last chunk meets it where reading row by row would
			send(&csvChunk{data: buf, rest: br, line: line, done: done, out: make(chan *txBatch, 2)})
			return
		}
		end := err != nil
		cut := len(buf)
		if !end {
			cut = bytes.LastIndexByte(buf, '\n') + 1
		}
		if cut == 0 || bytes.IndexByte(buf[:cut], '"') >= 0 {
			// no line end in a whole chunk, or a quote: read on as one stream
			send(&csvChunk{data: buf, rest: br, line: line, done: done, out: make(chan *txBatch, 2)})
			return
		}
		carry = append(carry[:0], buf[cut:]...)
		ch := &csvChunk{data: buf[:cut], line: line, done: done, out: make(chan *txBatch, 2)}
		line += bytes.Count(ch.data, []byte{'\n'})
		if !send(ch) || end {
			return
		}
	}
}

// parseChunk parses a chunk's rows, read through br, into batches on
// ch.out, which it closes.
func (b *builder) parseChunk(ch *csvChunk, br *bufio.Reader, t *csvTable, p *plan, s *source, stop <-chan struct{}, batch func() *txBatch) {
	defer close(ch.out)
	var in io.Reader = bytes.NewReader(ch.data)
	if ch.rest != nil {
		in = io.MultiReader(in, ch.rest)
	}
	br.Reset(in)
	r := newCSVReader(br, t.r.delim)
	r.line = ch.line
	done := func() int64 { return ch.done }
	if ch.rest != nil {
		done = func() int64 { return position(t) } // the rest is read from the file as it goes
	}
	emit := func(bt *txBatch) bool {
		select {
		case ch.out <- bt:
			return true
		case <-stop:
			return false
		}
	}
	b.parseRows(p, s, func() ([][]byte, int, error) { return nextRecord(r) }, r.lines(), done, emit, batch)
}
