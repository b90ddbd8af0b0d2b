package exporter

import (
	"archive/zip"
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
	"github.com/xuri/excelize/v2"
)

// A list sheet's rows (the Customers sheet: 100,000 customers × 70 columns)
// are most of a workbook's bytes. They are not given to excelize: while the
// workbook is built, each core takes the next chunk of rows, encodes them as
// XML and deflates them on their own, ending with a sync flush, so that the
// chunks join into one deflate stream. When the workbook is saved, excelize
// writes everything else (the sheet's header row, widths, filter, print
// set-up) and the sheet's part is copied with the chunks spliced in before
// </sheetData>. The bytes do not depend on the core count: the chunks are
// fixed runs of rows, joined in order.

// sheetBody is a list sheet's rows from row 2 on, deflated.
type sheetBody struct {
	store  *chunkFile
	chunks []span // raw deflate in store, each ending in a sync flush
	crc    uint32 // CRC-32 of the uncompressed rows
	size   int64  // uncompressed bytes
}

// span is a run of bytes in a chunkFile.
type span struct{ off, n int64 }

// chunkFile keeps a workbook's deflated chunks from when they are made
// until the workbook is saved, on disk: the Customers sheet of 100,000
// customers deflates to about 60 MB, which would otherwise stay in memory
// beside the analysis. It is a temporary file in dir, made at the first
// chunk, that a signal handler removes too (temps); close removes it.
type chunkFile struct {
	dir string
	mu  sync.Mutex
	f   *os.File
	end int64
	err error
}

// chunkFileHook, when set (by a test), is told each chunk file made.
var chunkFileHook func(name string)

func newChunkFile(dir string) *chunkFile { return &chunkFile{dir: dir} }

// spillDir is the folder a workbook written to out keeps its chunks in:
// out's own when it is a file (the disk the workbook goes to), else the
// temporary folder.
func spillDir(out io.Writer) string {
	if f, ok := out.(*os.File); ok && f.Name() != "" {
		return filepath.Dir(f.Name())
	}
	return os.TempDir()
}

// put stores p (safe from several goroutines).
func (c *chunkFile) put(p []byte) (span, error) {
	c.mu.Lock()
	if c.f == nil && c.err == nil {
		if c.f, c.err = temps.create(c.dir); c.err != nil {
			c.err = fmt.Errorf("cannot keep the sheets' rows in %s: %w", c.dir, c.err)
		} else if chunkFileHook != nil {
			chunkFileHook(c.f.Name())
		}
	}
	if c.err != nil {
		c.mu.Unlock()
		return span{}, c.err
	}
	sp := span{c.end, int64(len(p))}
	c.end += sp.n
	c.mu.Unlock()
	_, err := c.f.WriteAt(p, sp.off)
	return sp, err
}

// reader reads a stored span back.
func (c *chunkFile) reader(sp span) io.Reader { return io.NewSectionReader(c.f, sp.off, sp.n) }

// close removes the file.
func (c *chunkFile) close() {
	if c.f != nil {
		name := c.f.Name()
		c.f.Close()
		os.Remove(name)
		temps.remove(name)
		c.f = nil
	}
}

// bodyChunkRows is the rows of a chunk: about a megabyte of the Customers
// sheet, enough for deflate, small enough to share out.
const bodyChunkRows = 256

// deflateLevel is the speed end of deflate: the sheet compresses to within
// a few per cent of the default level, several times faster.
const deflateLevel = flate.BestSpeed

// rowFunc gives the cells of a list sheet's k-th row: in cells, a buffer
// of one nil cell per column that is the caller's again after the row is
// written (one buffer per core, not one slice per row), or in a slice of
// its own.
type rowFunc func(k int, cells []any) []any

// bodyRows encodes rows 2 … n+1 into store: row(k) gives the cells of row
// k+2, each with its column's style; every row has rowStyle. row and fit
// are called from several goroutines.
func bodyRows(store *chunkFile, n int, row rowFunc, styles []int, rowStyle int, date1904 bool, fit func(any) any) (*sheetBody, error) {
	chunks := (n + bodyChunkRows - 1) / bodyChunkRows
	type result struct {
		packed span
		crc    uint32
		size   int64
		err    error
	}
	results := make([]result, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), chunks) {
		wg.Go(func() {
			var refs colRefs
			var raw []byte
			cells := make([]any, len(styles))
			var out bytes.Buffer
			zw, _ := flate.NewWriter(&out, deflateLevel)
			for {
				i := int(next.Add(1) - 1)
				if i >= chunks {
					return
				}
				var err error
				raw = raw[:0]
				for k := i * bodyChunkRows; k < min(n, (i+1)*bodyChunkRows) && err == nil; k++ {
					clear(cells)
					raw, err = appendRow(raw, &refs, k+2, row(k, cells), styles, rowStyle, date1904, fit)
				}
				if err != nil {
					results[i].err = err
					continue
				}
				out.Reset()
				zw.Reset(&out)
				zw.Write(raw)
				zw.Flush()
				sp, err := store.put(out.Bytes())
				results[i] = result{sp, crc32.ChecksumIEEE(raw), int64(len(raw)), err}
			}
		})
	}
	wg.Wait()
	body := &sheetBody{store: store, chunks: make([]span, chunks)}
	for i, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		body.chunks[i] = r.packed
		body.crc = crc32Combine(body.crc, r.crc, r.size)
		body.size += r.size
	}
	return body, nil
}

// appendRow appends row r with its cells from column A on.
func appendRow(b []byte, refs *colRefs, r int, cells []any, styles []int, rowStyle int, date1904 bool, fit func(any) any) ([]byte, error) {
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, `" s="`...)
	b = strconv.AppendInt(b, int64(rowStyle), 10)
	b = append(b, `" customFormat="1">`...)
	b, err := appendCells(b, refs, r, 0, cells, styles, date1904, fit)
	if err != nil {
		return nil, err
	}
	return append(b, `</row>`...), nil
}

// newZipWriter is a zip writer that deflates at deflateLevel.
func newZipWriter(w io.Writer) *zip.Writer {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, deflateLevel)
	})
	return zw
}

// deflated is p deflated; final ends the stream, else it ends in a sync
// flush so that more can follow.
func deflated(p []byte, final bool) []byte {
	var out bytes.Buffer
	zw, _ := flate.NewWriter(&out, deflateLevel)
	zw.Write(p)
	if final {
		zw.Close()
	} else {
		zw.Flush()
	}
	return out.Bytes()
}

// saveWorkbook writes f to out with each list sheet's rows spliced in and
// each of the user's sheets (export --into) edited as it is copied.
func saveWorkbook(out io.Writer, f *excelize.File, bodies map[string]*sheetBody, edits map[string]*sheetEdit) error {
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	byPart := map[string]*sheetBody{}
	if len(bodies) > 0 {
		parts, err := sheetParts(zr)
		if err != nil {
			return err
		}
		for name, b := range bodies {
			p, ok := parts[name]
			if !ok {
				return fmt.Errorf("the sheet %q is not in the workbook", name)
			}
			byPart[p] = b
		}
	}
	// excelize's parts come in the order of a map, and so do the image types
	// of [Content_Types].xml: in a fixed order, the same workbook is the
	// same bytes
	files := slices.Clone(zr.File)
	slices.SortFunc(files, func(a, b *zip.File) int {
		rank := func(f *zip.File) int { // the content types first
			if f.Name == contentTypesPart {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.Name, b.Name))
	})
	zw := newZipWriter(out)
	for _, zf := range files {
		var err error
		if zf.Name == contentTypesPart {
			err = copyContentTypes(zw, zf)
		} else if e, ok := edits[zf.Name]; ok {
			delete(edits, zf.Name)
			err = copyEdited(zw, zf, e)
		} else if b, ok := byPart[zf.Name]; ok {
			err = copySpliced(zw, zf, b)
		} else {
			err = zw.Copy(zf)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", zf.Name, err)
		}
	}
	for part := range edits {
		return fmt.Errorf("the sheet %s was not in the copy", part)
	}
	return zw.Close()
}

const contentTypesPart = "[Content_Types].xml"

// contentTypes is the package's [Content_Types].xml.
type contentTypes struct {
	XMLName   xml.Name     `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`
	Defaults  []ctDefault  `xml:"Default"`
	Overrides []ctOverride `xml:"Override"`
}

type ctDefault struct {
	Extension   string `xml:",attr"`
	ContentType string `xml:",attr"`
}

type ctOverride struct {
	PartName    string `xml:",attr"`
	ContentType string `xml:",attr"`
}

// copyContentTypes copies [Content_Types].xml with its entries sorted.
func copyContentTypes(zw *zip.Writer, zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	var ct contentTypes
	err = xml.NewDecoder(rc).Decode(&ct)
	rc.Close()
	if err != nil {
		return err
	}
	slices.SortFunc(ct.Defaults, func(a, b ctDefault) int { return strings.Compare(a.Extension, b.Extension) })
	slices.SortFunc(ct.Overrides, func(a, b ctOverride) int { return strings.Compare(a.PartName, b.PartName) })
	out, err := xml.Marshal(ct)
	if err != nil {
		return err
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func copyEdited(zw *zip.Writer, zf *zip.File, e *sheetEdit) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	wc, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
	if err != nil {
		return err
	}
	return e.apply(wc, rc)
}

// copySpliced writes the sheet part zf with body before its </sheetData>.
func copySpliced(zw *zip.Writer, zf *zip.File, body *sheetBody) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	x, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	at := bytes.LastIndex(x, []byte("</sheetData>"))
	if at < 0 {
		return fmt.Errorf("no sheetData to put the rows in")
	}
	head, tail := x[:at], x[at:]
	zhead, ztail := deflated(head, false), deflated(tail, true)
	crc := crc32Combine(crc32.ChecksumIEEE(head), body.crc, body.size)
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	packed := int64(len(zhead) + len(ztail))
	for _, c := range body.chunks {
		packed += c.n
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified, CRC32: crc,
		CompressedSize64: uint64(packed), UncompressedSize64: uint64(int64(len(x)) + body.size)})
	if err != nil {
		return err
	}
	if _, err := w.Write(zhead); err != nil {
		return err
	}
	for _, c := range body.chunks {
		if _, err := io.Copy(w, body.store.reader(c)); err != nil {
			return err
		}
	}
	_, err = w.Write(ztail)
	return err
}

// sheetParts maps each sheet's name to its part in the archive, from the
// workbook and its relationships.
func sheetParts(zr *zip.Reader) (map[string]string, error) {
	read := func(name string, v any) error {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, err := zf.Open()
				if err != nil {
					return err
				}
				defer rc.Close()
				return xml.NewDecoder(rc).Decode(v)
			}
		}
		return fmt.Errorf("no %s in the workbook", name)
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := read("xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	if err := read("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	target := map[string]string{}
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	parts := map[string]string{}
	for _, s := range wb.Sheets {
		parts[s.Name] = target[s.ID]
	}
	return parts, nil
}

// crc32Combine is the CRC-32 of a‖b from crcA, crcB and len(b) (zlib's
// crc32_combine: b's length in zeros is shifted through crcA by squaring
// the operator of one zero bit).
func crc32Combine(crcA, crcB uint32, lenB int64) uint32 {
	if lenB <= 0 {
		return crcA
	}
	var even, odd [32]uint32
	odd[0] = 0xedb88320 // the reflected polynomial: one zero bit
	row := uint32(1)
	for i := 1; i < 32; i++ {
		odd[i] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four
	for {
		gf2Square(&even, &odd) // one zero byte, then 4, 16 …
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[32]uint32, vec uint32) uint32 {
	var sum uint32
	for i := 0; vec != 0; i, vec = i+1, vec>>1 {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
	}
	return sum
}

func gf2Square(square, mat *[32]uint32) {
	for n := range 32 {
		square[n] = gf2Times(mat, mat[n])
	}
}
