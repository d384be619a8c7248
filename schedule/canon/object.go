package canon

import (
	"bytes"
	"reflect"
	"strings"
)

func (d *decoder) enter(depth int, open byte, what string) error {
	if depth >= d.lim.MaxDepth {
		return d.fail(ErrDepth, "nesting deeper than %d", d.lim.MaxDepth)
	}
	if d.peek() != open {
		return d.typeError(what)
	}
	d.pos++
	return nil
}

// object decodes a struct: its fields' keys, exactly, in order.
func (d *decoder) object(v reflect.Value, c *codec, depth int) error {
	if err := d.enter(depth, '{', "an object"); err != nil {
		return err
	}
	for i, f := range c.fields {
		if i > 0 && !d.literal(",") {
			return d.missing(c, i)
		}
		if !bytes.HasPrefix(d.data[d.pos:], f.key) {
			return d.keyError(c, i)
		}
		d.pos += len(f.key)
		d.path = append(d.path, step{key: f.name, index: -1})
		if err := d.value(v.Field(f.index), f.codec, depth+1); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
	}
	if d.peek() == ',' && len(c.fields) > 0 {
		d.pos++
		return d.keyError(c, len(c.fields))
	}
	if !d.literal("}") {
		return d.keyError(c, len(c.fields))
	}
	return nil
}

func (d *decoder) missing(c *codec, i int) error {
	if d.peek() == '}' {
		return d.fail(ErrKeyOrder, "missing key %q", c.fields[i].name)
	}
	return d.unexpected(`"," or "}"`)
}

// keyError explains why the key at pos is not field i's.
func (d *decoder) keyError(c *codec, i int) error {
	if d.peek() == '}' && i < len(c.fields) {
		return d.fail(ErrKeyOrder, "missing key %q", c.fields[i].name)
	}
	if d.peek() != '"' {
		return d.unexpected("a key")
	}
	start := d.pos
	k, err := d.string()
	if err != nil {
		return err
	}
	if i < len(c.fields) && k == c.fields[i].name {
		return d.unexpected(`":"`)
	}
	d.pos = start
	for j, f := range c.fields {
		switch {
		case f.name == k && j < i:
			return d.fail(ErrDuplicateKey, "key %q appears twice", k)
		case f.name == k:
			return d.fail(ErrKeyOrder, "key %q out of order (want %q)", k, c.fields[i].name)
		}
	}
	for _, f := range c.fields {
		if strings.EqualFold(f.name, k) {
			return d.fail(ErrCaseVariantKey, "key %q is not %q", k, f.name)
		}
	}
	return d.fail(ErrUnknownKey, "unknown key %q", k)
}

// array decodes a slice or an array.
func (d *decoder) array(v reflect.Value, c *codec, depth int) error {
	if c.kind == kSlice && d.literal("null") {
		return nil
	}
	if err := d.enter(depth, '[', "an array"); err != nil {
		return err
	}
	if c.kind == kSlice && c.elem.kind == kStruct && c.elem.flat {
		if done, err := d.flatArray(v, c, depth); done {
			return err
		}
	}
	if c.kind == kArray {
		return d.elements(v, c, depth, v.Len())
	}
	return d.elements(v, c, depth, -1)
}

// elements decodes the elements after "[": exactly fixed of them into an
// array, or any number into a slice (fixed < 0).
func (d *decoder) elements(v reflect.Value, c *codec, depth, fixed int) error {
	s := v
	if fixed < 0 {
		s = reflect.MakeSlice(c.typ, 0, 0)
	}
	n := 0
	for !d.literal("]") {
		if n > 0 && !d.literal(",") {
			return d.unexpected(`"," or "]"`)
		}
		if fixed >= 0 && n == fixed {
			return d.fail(ErrType, "more than %d elements", fixed)
		}
		if fixed < 0 && n == s.Cap() {
			grown := reflect.MakeSlice(c.typ, n, max(4, 2*n))
			reflect.Copy(grown, s)
			s = grown
		}
		if fixed < 0 {
			s = s.Slice(0, n+1)
		}
		d.path = append(d.path, step{index: n})
		if err := d.value(s.Index(n), c.elem, depth+1); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
		n++
	}
	if fixed >= 0 && n != fixed {
		d.pos--
		return d.fail(ErrType, "%d elements, want %d", n, fixed)
	}
	if fixed < 0 {
		v.Set(s)
	}
	return nil
}

// mapValue decodes a map: keys in strictly increasing order.
func (d *decoder) mapValue(v reflect.Value, c *codec, depth int) error {
	if d.literal("null") {
		return nil
	}
	if err := d.enter(depth, '{', "an object"); err != nil {
		return err
	}
	m := reflect.MakeMap(c.typ)
	prev := ""
	for n := 0; !d.literal("}"); n++ {
		if n > 0 && !d.literal(",") {
			return d.unexpected(`"," or "}"`)
		}
		start := d.pos
		k, err := d.string()
		if err != nil {
			return err
		}
		if n > 0 && k <= prev {
			d.pos = start
			if k == prev {
				return d.fail(ErrDuplicateKey, "key %q appears twice", k)
			}
			return d.fail(ErrKeyOrder, "key %q after %q (keys are sorted)", k, prev)
		}
		if !d.literal(":") {
			return d.unexpected(`":"`)
		}
		d.path = append(d.path, step{key: k, index: -1})
		e := reflect.New(c.elem.typ).Elem()
		if err := d.value(e, c.elem, depth+1); err != nil {
			return err
		}
		d.path = d.path[:len(d.path)-1]
		m.SetMapIndex(reflect.ValueOf(k).Convert(c.typ.Key()), e)
		prev = k
	}
	v.Set(m)
	return nil
}
