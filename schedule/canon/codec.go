package canon

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// kind is how a Go type is encoded.
type kind uint8

const (
	kBool kind = iota
	kInt
	kUint
	kFloat
	kString
	kText // encoding.TextMarshaler / TextUnmarshaler
	kRaw
	kStruct
	kSlice
	kArray
	kMap
	kPointer
)

// field is one struct field: its index and its key as it appears before
// the value (`"name":`).
type field struct {
	name  string
	index int
	key   []byte
	codec *codec
}

// codec describes how to encode and decode one Go type.
type codec struct {
	kind   kind
	typ    reflect.Type
	fields []field // kStruct
	elem   *codec  // kSlice, kArray, kMap, kPointer
	flat   bool    // kStruct: every field is a scalar
	err    error   // the type has no canonical form
}

var (
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	rawType         = reflect.TypeFor[Raw]()
	codecs          sync.Map // reflect.Type → *codec
	buildMu         sync.Mutex
)

// codecOf returns the codec of t, built once.
func codecOf(t reflect.Type) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	building := map[reflect.Type]*codec{}
	c := build(t, building)
	for t, c := range building {
		codecs.Store(t, c)
	}
	return c
}

func build(t reflect.Type, building map[reflect.Type]*codec) *codec {
	if c, ok := codecs.Load(t); ok {
		return c.(*codec)
	}
	if c, ok := building[t]; ok {
		return c // a recursive type: filled in below
	}
	c := &codec{typ: t}
	building[t] = c
	switch {
	case t == rawType:
		c.kind = kRaw
	case t.Implements(textMarshaler) && reflect.PointerTo(t).Implements(textUnmarshaler):
		c.kind = kText
	default:
		buildKind(c, t, building)
	}
	return c
}

func buildKind(c *codec, t reflect.Type, building map[reflect.Type]*codec) {
	switch t.Kind() {
	case reflect.Bool:
		c.kind = kBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.kind = kInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		c.kind = kUint
	case reflect.Float64:
		c.kind = kFloat
	case reflect.String:
		c.kind = kString
	case reflect.Struct:
		c.kind = kStruct
		buildStruct(c, t, building)
	case reflect.Slice:
		c.kind, c.elem = kSlice, build(t.Elem(), building)
	case reflect.Array:
		c.kind, c.elem = kArray, build(t.Elem(), building)
	case reflect.Map:
		c.kind, c.elem = kMap, build(t.Elem(), building)
		if t.Key().Kind() != reflect.String || t.Key().Implements(textMarshaler) {
			c.err = fmt.Errorf("canon: map key type %v (want string): %w", t.Key(), ErrUnsupported)
		}
	case reflect.Pointer:
		c.kind, c.elem = kPointer, build(t.Elem(), building)
	default:
		c.err = fmt.Errorf("canon: type %v: %w", t, ErrUnsupported)
	}
}

func buildStruct(c *codec, t reflect.Type, building map[reflect.Type]*codec) {
	c.flat = true
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if opts != "" {
			c.err = fmt.Errorf("canon: %v.%s: tag option %q: %w", t, f.Name, opts, ErrUnsupported)
		}
		if name == "" {
			name = f.Name
		}
		fc := build(f.Type, building)
		key := appendString(nil, name)
		c.fields = append(c.fields, field{name: name, index: i, key: append(key, ':'), codec: fc})
		if fc.kind > kText {
			c.flat = false
		}
	}
}
