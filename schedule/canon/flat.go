package canon

import (
	"bytes"
	"reflect"
	"runtime"
	"sync"
)

// flatParallel is the array length, in bytes, from which an array of flat
// structs is decoded on every core.
const flatParallel = 1 << 20

// flatArray decodes, on every core, a long array of flat structs whose "["
// has been read. It reports false, having read nothing, when the array is
// short or its end cannot be found; the caller then decodes it in order.
//
// The array is cut at "},{" followed by the first field's key: in canonical
// JSON that sequence occurs only between two elements (a quote inside a
// string is escaped). Each piece is decoded as a list of elements, so the
// pieces decode if and only if the whole does.
func (d *decoder) flatArray(v reflect.Value, c *codec, depth int) (bool, error) {
	w := runtime.GOMAXPROCS(0)
	elem := c.elem
	if w < 2 || len(elem.fields) == 0 || len(d.data)-d.pos < flatParallel {
		return false, nil
	}
	start := d.pos
	end := arrayEnd(d.data, start)
	if end < 0 || end-start < flatParallel {
		return false, nil
	}
	body := d.data[start:end]
	sep := append([]byte("},{"), elem.fields[0].key...)
	cuts := cutPoints(body, sep, w)
	// In canonical JSON the separator occurs only between elements, so
	// counting it sizes the slice exactly; a piece that holds another
	// number of elements is not canonical.
	type piece struct {
		lo, hi, at, n int
		err           *Error
	}
	pieces := make([]piece, len(cuts)-1)
	total := 0
	for k := range pieces {
		lo, hi := cuts[k], cuts[k+1]
		if k+1 < len(pieces) {
			hi-- // the comma between two pieces
		}
		n := bytes.Count(body[lo:hi], sep) + 1
		pieces[k] = piece{lo: lo, hi: hi, at: total, n: n}
		total += n
	}
	out := reflect.MakeSlice(c.typ, total, total)
	var wg sync.WaitGroup
	for k := range pieces {
		p := &pieces[k]
		wg.Go(func() {
			dec := &decoder{data: body[p.lo:p.hi], base: d.base + int64(start+p.lo), lim: d.lim, path: append([]step(nil), d.path...)}
			p.err = dec.run(out.Slice(p.at, p.at+p.n), c.elem, depth)
		})
	}
	wg.Wait()
	for _, p := range pieces {
		if p.err != nil {
			return true, renumber(p.err, len(d.path), p.at)
		}
	}
	v.Set(out)
	d.pos = end + 1
	return true, nil
}

// run decodes all of data, elements separated by commas, into s, which
// must be exactly long enough.
func (d *decoder) run(s reflect.Value, c *codec, depth int) *Error {
	for n := 0; ; n++ {
		if n == s.Len() {
			return d.fail(ErrSyntax, "an element where none can be")
		}
		d.path = append(d.path, step{index: n})
		if err := d.object(s.Index(n), c, depth+1); err != nil {
			return err.(*Error)
		}
		d.path = d.path[:len(d.path)-1]
		if d.pos == len(d.data) {
			if n+1 != s.Len() {
				return d.fail(ErrSyntax, "%d elements where the separators count %d", n+1, s.Len())
			}
			return nil
		}
		if !d.literal(",") {
			return d.unexpected(`","`)
		}
	}
}

// renumber makes the element index of an error in a piece global.
func renumber(e *Error, at, offset int) error {
	if at < len(e.steps) && e.steps[at].index >= 0 {
		e.steps[at].index += offset
		e.Path = pathString(e.steps)
	}
	return e
}

// arrayEnd returns the index of the "]" closing the array whose elements
// start at start, when no element holds an array; −1 if there is none.
func arrayEnd(b []byte, start int) int {
	in := false
	for i := start; i < len(b); i++ {
		switch c := b[i]; {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && c == '[':
			return -1
		case !in && c == ']':
			return i
		}
	}
	return -1
}

// cutPoints splits body into up to w pieces at separators: the returned
// offsets start at 0 and end at len(body); each inner offset is the start
// of an element, just after the comma of a separator.
func cutPoints(body, sep []byte, w int) []int {
	cuts := []int{0}
	for k := 1; k < w; k++ {
		from := max(k*len(body)/w, cuts[len(cuts)-1])
		i := bytes.Index(body[from:], sep)
		if i < 0 {
			break
		}
		cuts = append(cuts, from+i+2)
	}
	return append(cuts, len(body))
}
