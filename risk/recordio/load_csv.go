package recordio

import (
	"bufio"
	"bytes"
	"fmt"
	"github.com/firedraw/firedraw/risk"
	"io"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// lineReader reads physical lines and counts them.
type lineReader struct {
	br      *bufio.Reader
	lineNo  int    // physical lines read so far
	long    []byte // a line longer than the bufio buffer
	started bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

var utf8BOM = []byte("\xef\xbb\xbf")

// readLine returns the next line without its '\n' (a '\r' before it is
// kept), or io.EOF after the last line. The slice is valid until the next
// call. A UTF-8 byte order mark at the start of the input is dropped.
func (lr *lineReader) readLine() ([]byte, error) {
	b, err := lr.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = lr.br.ReadSlice('\n')
			lr.long = append(lr.long, b...)
		}
		b = lr.long
	}
	switch {
	case err == io.EOF && len(b) > 0:
		// The last line has no newline.
	case err != nil:
		return nil, err
	}
	lr.lineNo++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if !lr.started {
		lr.started = true
		b = bytes.TrimPrefix(b, utf8BOM)
	}
	return b, nil
}

func stripCR(b []byte) ([]byte, bool) {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1], true
	}
	return b, false
}

// csvRowError reports a record that cannot be split into fields; the
// reader has skipped it and can go on.
type csvRowError struct{ msg string }

func (e *csvRowError) Error() string { return e.msg }

// csvReader splits RFC 4180 CSV (comma-separated, '"'-quoted with '""'
// for a quote, quoted fields may span lines, CRLF or LF line ends) into
// fields. Rows without quotes take a fast path that slices the line in
// place. Empty lines are skipped.
type csvReader struct {
	lineReader
	fields  [][]byte
	scratch []byte
	ends    []int
	pending []byte // read by readBlock after its last whole record
}

func newCSVReader(r io.Reader) *csvReader {
	return &csvReader{lineReader: lineReader{br: bufio.NewReaderSize(r, 64<<10)}}
}

// next returns the fields of the next record and the line it starts on.
// The fields are valid until the next call. A malformed record returns a
// *csvRowError; io.EOF marks the end.
func (c *csvReader) next() ([][]byte, int, error) {
	for {
		raw, err := c.readLine()
		if err != nil {
			return nil, 0, err
		}
		body, _ := stripCR(raw)
		if len(body) == 0 {
			continue
		}
		line := c.lineNo
		if bytes.IndexByte(body, '"') >= 0 {
			err := c.splitQuoted(raw)
			return c.fields, line, err
		}
		if !utf8.Valid(body) {
			return nil, line, &csvRowError{"not valid UTF-8"}
		}
		c.fields = c.fields[:0]
		for {
			i := bytes.IndexByte(body, ',')
			if i < 0 {
				c.fields = append(c.fields, body)
				break
			}
			c.fields = append(c.fields, body[:i])
			body = body[i+1:]
		}
		return c.fields, line, nil
	}
}

// splitQuoted splits a record that contains quotes, reading more lines
// while a quoted field is open.
func (c *csvReader) splitQuoted(raw []byte) error {
	c.scratch = c.scratch[:0]
	c.ends = c.ends[:0]
	c.fields = c.fields[:0]
	valid := utf8.Valid(raw)
	line, cr := stripCR(raw)
	pos := 0
	bad := ""
fields:
	for {
		if pos < len(line) && line[pos] == '"' {
			pos++
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					c.scratch = append(c.scratch, line[pos:]...)
					if cr {
						c.scratch = append(c.scratch, '\r')
					}
					c.scratch = append(c.scratch, '\n')
					next, err := c.readLine()
					if err == io.EOF {
						return &csvRowError{"quoted field not closed before the end of the input"}
					}
					if err != nil {
						return err
					}
					valid = valid && utf8.Valid(next)
					line, cr = stripCR(next)
					pos = 0
					continue
				}
				c.scratch = append(c.scratch, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					c.scratch = append(c.scratch, '"')
					pos++
					continue
				}
				break
			}
			c.ends = append(c.ends, len(c.scratch))
			if pos == len(line) {
				break
			}
			if line[pos] != ',' {
				bad = "text after a closing quote"
				break
			}
			pos++
			continue
		}
		i := bytes.IndexByte(line[pos:], ',')
		f := line[pos:]
		if i >= 0 {
			f = line[pos : pos+i]
		}
		if bytes.IndexByte(f, '"') >= 0 {
			bad = "quote in an unquoted field"
			break fields
		}
		c.scratch = append(c.scratch, f...)
		c.ends = append(c.ends, len(c.scratch))
		if i < 0 {
			break
		}
		pos += i + 1
	}
	if bad != "" {
		return &csvRowError{bad}
	}
	if !valid {
		return &csvRowError{"not valid UTF-8"}
	}
	start := 0
	for _, e := range c.ends {
		c.fields = append(c.fields, c.scratch[start:e])
		start = e
	}
	return nil
}

// csvHeader maps a header to the columns of a spec.
type csvHeader struct {
	n          int   // number of fields
	index      []int // spec column → field, -1 if absent
	extraNames []string
	extraIndex []int // field of each extra column, in extraNames order
}

// readCSVHeader reads and checks the header. Unknown columns are extra
// attribute columns (sorted by name) if the spec allows them, else an
// ErrUnknownField; a missing required column is an ErrMissingColumn.
func readCSVHeader(c *csvReader, s *spec) (*csvHeader, *risk.RecordError) {
	fields, line, err := c.next()
	if err == io.EOF {
		return nil, &risk.RecordError{Line: 1, Column: s.cols[0].name,
			Err: fmt.Errorf("%w: empty input, no header line", risk.ErrMissingColumn)}
	}
	if err != nil {
		if re, ok := err.(*csvRowError); ok {
			return nil, &risk.RecordError{Line: line, Err: fmt.Errorf("%w: header: %s", risk.ErrMalformed, re.msg)}
		}
		return nil, &risk.RecordError{Line: c.lineNo, Err: err}
	}
	h := &csvHeader{n: len(fields), index: make([]int, len(s.cols))}
	for i := range h.index {
		h.index[i] = -1
	}
	seen := map[string]int{}
	type extra struct {
		name string
		i    int
	}
	var extras []extra
	for i, f := range fields {
		name := strings.TrimSpace(string(f))
		if name == "" {
			return nil, &risk.RecordError{Line: line, Err: fmt.Errorf("%w: header: column %d has no name", risk.ErrMalformed, i+1)}
		}
		if j, dup := seen[name]; dup {
			return nil, &risk.RecordError{Line: line, Column: name,
				Err: fmt.Errorf("%w: header: columns %d and %d have the same name", risk.ErrMalformed, j+1, i+1)}
		}
		seen[name] = i
		if k, ok := s.index[name]; ok {
			h.index[k] = i
			continue
		}
		if !s.attrs {
			return nil, &risk.RecordError{Line: line, Column: name,
				Err: fmt.Errorf("%w: header: column %q is not a %s column (want %s)", risk.ErrUnknownField, name, s.kind, s.names())}
		}
		extras = append(extras, extra{name, i})
	}
	for k, col := range s.cols {
		if col.required && h.index[k] < 0 {
			return nil, &risk.RecordError{Line: line, Column: col.name, Err: risk.ErrMissingColumn}
		}
	}
	sort.Slice(extras, func(a, b int) bool { return extras[a].name < extras[b].name })
	for _, e := range extras {
		h.extraNames = append(h.extraNames, e.name)
		h.extraIndex = append(h.extraIndex, e.i)
	}
	return h, nil
}

// newCSVRow returns a row for the columns of h.
func newCSVRow(s *spec, h *csvHeader) *row {
	return &row{spec: s, vals: make([][]byte, len(s.cols)), extra: make([][]byte, len(h.extraNames)),
		extraNames: h.extraNames}
}

// runCSV feeds each CSV record to fn as a row.
func (l *loader) runCSV(r io.Reader, fn func(*row) *risk.RecordError) {
	c := newCSVReader(r)
	h, e := readCSVHeader(c, l.spec)
	if e != nil {
		l.fatal(e)
		return
	}
	l.csvLoop(c, h, newCSVRow(l.spec, h), fn)
}

// csvLoop feeds the records after the header to fn.
func (l *loader) csvLoop(c *csvReader, h *csvHeader, rw *row, fn func(*row) *risk.RecordError) {
	for {
		fields, line, err := c.next()
		if err == io.EOF {
			return
		}
		if err != nil {
			if re, ok := err.(*csvRowError); ok {
				rw.line = line
				clear(rw.vals)
				if !l.reject(rw, &risk.RecordError{Line: line, Err: fmt.Errorf("%w: %s", risk.ErrMalformed, re.msg)}) {
					return
				}
				continue
			}
			l.fatal(&risk.RecordError{Line: c.lineNo, Err: err})
			return
		}
		rw.line = line
		for k, i := range h.index {
			if i >= 0 && i < len(fields) {
				rw.vals[k] = fields[i]
			} else {
				rw.vals[k] = nil
			}
		}
		if len(fields) != h.n {
			if !l.reject(rw, &risk.RecordError{Line: line,
				Err: fmt.Errorf("%w: %d fields, the header has %d", risk.ErrMalformed, len(fields), h.n)}) {
				return
			}
			continue
		}
		for k, i := range h.extraIndex {
			rw.extra[k] = fields[i]
		}
		if e := fn(rw); e != nil && !l.reject(rw, e) || l.err != nil {
			return
		}
	}
}

// csvBlockSize is the size of the blocks of rows that runParallelCSV
// hands to its workers; tests make it small.
var csvBlockSize = 1 << 20

// recordsEnd returns the length of the longest prefix of b that holds
// whole records, scanning as csvReader splits: a quote opens a quoted
// field only at the start of a field, a record with a stray quote ends at
// the end of its line. It returns 0 if b holds no whole record.
func recordsEnd(b []byte) int {
	if bytes.IndexByte(b, '"') < 0 {
		return bytes.LastIndexByte(b, '\n') + 1
	}
	end := 0
	fieldStart, inQuote, closed, skip := true, false, false, false
	for i := 0; i < len(b); i++ {
		ch := b[i]
		switch {
		case ch == '\n' && !inQuote:
			end = i + 1
			fieldStart, closed, skip = true, false, false
		case skip:
		case inQuote:
			if ch == '"' {
				if i+1 == len(b) {
					return end // cannot tell an escaped quote yet
				}
				if b[i+1] == '"' {
					i++
				} else {
					inQuote, closed = false, true
				}
			}
		case closed:
			switch {
			case ch == ',':
				fieldStart, closed = true, false
			case ch == '\r' && i+1 < len(b) && b[i+1] == '\n':
			default:
				skip = true // text after a closing quote
			}
		case ch == ',':
			fieldStart = true
		case ch == '"':
			if fieldStart {
				inQuote, fieldStart = true, false
			} else {
				skip = true // a quote in an unquoted field
			}
		default:
			fieldStart = false
		}
	}
	return end
}

// readBlock returns the next block of whole records, about csvBlockSize
// bytes or more, and io.EOF with the last block. The block is read into
// buf (reused if large enough).
func (c *csvReader) readBlock(buf []byte) ([]byte, error) {
	if n := max(csvBlockSize, 2*len(c.pending)); cap(buf) < n {
		buf = make([]byte, 0, n)
	}
	buf = append(buf[:0], c.pending...)
	c.pending = c.pending[:0]
	for {
		n, err := io.ReadFull(c.br, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return buf, io.EOF
		}
		if err != nil {
			return nil, err
		}
		if end := recordsEnd(buf); end > 0 {
			c.pending = append(c.pending, buf[end:]...)
			return buf[:end], nil
		}
		buf = slices.Grow(buf, len(buf)) // one record longer than the block
	}
}

// parsedBlock is what a worker of runParallelCSV makes of a block.
type parsedBlock[T any] struct {
	recs  []T
	lines []int
	errs  []*risk.RecordError // rejected rows in line order
	fatal *risk.RecordError   // the input cannot be read further
}

// runParallelCSV parses the rows of r with parse in worker goroutines,
// a block of rows at a time, and calls commit for each parsed record in
// input order in the calling goroutine. Rejections are merged in line
// order, so results do not depend on the number of workers. Each worker
// has a loader of its own (for interning), passed to parse.
func runParallelCSV[T any](l *loader, r io.Reader, parse func(w *loader, rw *row, v *T) *risk.RecordError,
	commit func(line int, v *T) *risk.RecordError) {
	c := newCSVReader(r)
	h, e := readCSVHeader(c, l.spec)
	if e != nil {
		l.fatal(e)
		return
	}
	var v, zero T
	sequential := func(rw *row) *risk.RecordError {
		v = zero
		if e := parse(l, rw, &v); e != nil {
			return e
		}
		return commit(rw.line, &v)
	}
	workers := min(runtime.GOMAXPROCS(0), 4)
	if workers < 2 {
		l.csvLoop(c, h, newCSVRow(l.spec, h), sequential)
		return
	}
	first, ferr := c.readBlock(nil)
	if ferr == io.EOF { // one block: not worth the goroutines
		bc := newCSVReader(bytes.NewReader(first))
		bc.started, bc.lineNo = true, c.lineNo
		l.csvLoop(bc, h, newCSVRow(l.spec, h), sequential)
		return
	}
	p := &csvPipeline[T]{l: l, c: c, h: h, parse: parse,
		done: make(chan struct{}), jobs: make(chan csvJob[T]),
		freeBlocks: make(chan []byte, 4*workers), freeParsed: make(chan *parsedBlock[T], 4*workers),
		order: make(chan chan *parsedBlock[T], 2*workers)}
	p.wg.Add(1 + workers)
	go p.split(first, ferr)
	for range workers {
		go p.work()
	}
	defer p.wg.Wait()
	defer close(p.done)
	p.merge(commit)
}

// csvJob is a block of rows for a worker of runParallelCSV.
type csvJob[T any] struct {
	block []byte
	line  int // lines before the block
	res   chan *parsedBlock[T]
}

// csvPipeline is the state of runParallelCSV: a splitter goroutine cuts
// the input into blocks, workers parse them, and the caller merges the
// results in input order. Buffers go round: block bytes from workers
// back to the splitter, parsed blocks from the merge back to the workers.
type csvPipeline[T any] struct {
	l          *loader
	c          *csvReader
	h          *csvHeader
	parse      func(w *loader, rw *row, v *T) *risk.RecordError
	wg         sync.WaitGroup
	done       chan struct{}
	jobs       chan csvJob[T]
	freeBlocks chan []byte
	freeParsed chan *parsedBlock[T]
	order      chan chan *parsedBlock[T]
}

// split sends the blocks of the input, starting with block first (read
// with error ferr), to the workers and their result channels, in order,
// to the merge.
func (p *csvPipeline[T]) split(first []byte, ferr error) {
	defer p.wg.Done()
	defer close(p.order)
	defer close(p.jobs)
	line := p.c.lineNo // the header's lines
	block, err := first, ferr
	for {
		if len(block) > 0 {
			res := make(chan *parsedBlock[T], 1)
			select {
			case p.jobs <- csvJob[T]{block, line, res}:
			case <-p.done:
				return
			}
			select {
			case p.order <- res:
			case <-p.done:
				return
			}
			line += bytes.Count(block, []byte{'\n'})
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			res := make(chan *parsedBlock[T], 1)
			res <- &parsedBlock[T]{fatal: &risk.RecordError{Source: p.l.opt.Source, Line: line + 1, Err: err}}
			select {
			case p.order <- res:
			case <-p.done:
			}
			return
		}
		var buf []byte
		select {
		case buf = <-p.freeBlocks:
		default:
		}
		block, err = p.c.readBlock(buf)
	}
}

// work parses blocks until the jobs run out.
func (p *csvPipeline[T]) work() {
	defer p.wg.Done()
	w := newLoader(p.l.opt, p.l.spec)
	w.opt.Lenient = true // the merge decides what stops
	rw := newCSVRow(p.l.spec, p.h)
	var br bytes.Reader
	bc := newCSVReader(&br)
	bc.started = true
	var zero T
	for j := range p.jobs {
		br.Reset(j.block)
		bc.br.Reset(&br)
		bc.lineNo = j.line
		var pb *parsedBlock[T]
		select {
		case pb = <-p.freeParsed:
		default:
			pb = &parsedBlock[T]{}
		}
		w.rejected, w.err = nil, nil
		w.csvLoop(bc, p.h, rw, func(rw *row) *risk.RecordError {
			pb.recs = append(pb.recs, zero)
			if e := p.parse(w, rw, &pb.recs[len(pb.recs)-1]); e != nil {
				pb.recs = pb.recs[:len(pb.recs)-1]
				return e
			}
			pb.lines = append(pb.lines, rw.line)
			return nil
		})
		pb.errs = w.rejected
		if w.err != nil {
			pb.fatal = w.err.(*risk.RecordError)
		}
		select { // the rows are parsed into strings: reuse the bytes
		case p.freeBlocks <- j.block[:0]:
		default:
		}
		j.res <- pb
	}
}

// merge commits the parsed records and keeps the rejections of every
// block, in input order, until the end or the first error that stops.
func (p *csvPipeline[T]) merge(commit func(line int, v *T) *risk.RecordError) {
	l := p.l
	for res := range p.order {
		pb := <-res
		i, k := 0, 0
		for i < len(pb.recs) || k < len(pb.errs) {
			if k < len(pb.errs) && (i == len(pb.recs) || pb.errs[k].Line < pb.lines[i]) {
				if !l.keep(pb.errs[k]) {
					return
				}
				k++
				continue
			}
			if e := commit(pb.lines[i], &pb.recs[i]); e != nil {
				e.Source = l.opt.Source
				e.Line = pb.lines[i]
				if !l.keep(e) {
					return
				}
			}
			if l.err != nil {
				return
			}
			i++
		}
		if pb.fatal != nil {
			l.err = pb.fatal
			return
		}
		clear(pb.recs) // drop references to strings for the collector
		pb.recs, pb.lines, pb.errs = pb.recs[:0], pb.lines[:0], nil
		select {
		case p.freeParsed <- pb:
		default:
		}
	}
}
