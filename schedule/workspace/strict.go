package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxDepth bounds the nesting of a strictly decoded document.
const maxDepth = 32

// keyError is a decoding error at a key path.
type keyError struct {
	path, msg string
}

func (e *keyError) Error() string { return e.path + ": " + e.msg }

// strictDecode decodes one JSON document into v (a pointer to a struct)
// refusing what encoding/json lets through: keys that are not exactly a
// field's tag (encoding/json matches case-insensitively), duplicate keys
// (it keeps the last), null values (it ignores them), invalid UTF-8,
// nesting deeper than maxDepth and trailing data. A hand-written
// configuration need not be canonical (spaces and key order are free),
// so this is not schedule/canon's byte-exact decoder.
func strictDecode(b []byte, v any) error {
	if !utf8.Valid(b) {
		return errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := walk(dec, reflect.TypeOf(v).Elem(), "", 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON object")
	}
	d2 := json.NewDecoder(bytes.NewReader(b))
	d2.DisallowUnknownFields()
	if err := d2.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &keyError{path: te.Field, msg: fmt.Sprintf("a JSON %s where %s is wanted", te.Value, kindName(te.Type))}
		}
		return err
	}
	return nil
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Struct:
		return "an object"
	}
	return t.String()
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// walk reads the next value from dec, checking it against type t.
func walk(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	if depth > maxDepth {
		return &keyError{path: path, msg: fmt.Sprintf("nested deeper than %d", maxDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return &keyError{path: path, msg: syntaxMessage(err)}
	}
	switch tok := tok.(type) {
	case json.Delim:
		switch tok {
		case '{':
			if t.Kind() != reflect.Struct {
				return &keyError{path: path, msg: "an object where " + kindName(t) + " is wanted"}
			}
			return walkObject(dec, t, path, depth)
		case '[':
			if t.Kind() != reflect.Slice {
				return &keyError{path: path, msg: "a list where " + kindName(t) + " is wanted"}
			}
			return walkArray(dec, t.Elem(), path, depth)
		}
	case nil:
		return &keyError{path: path, msg: "null: give a value or leave the key out"}
	}
	return nil // scalar: encoding/json checks its type
}

func walkObject(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return &keyError{path: path, msg: syntaxMessage(err)}
		}
		key := tok.(string) // object keys are strings
		kp := join(path, key)
		ft, ok := fields[key]
		if !ok {
			msg := "unknown key"
			for name := range fields {
				if strings.EqualFold(name, key) {
					msg = fmt.Sprintf("unknown key (keys are case-sensitive: did you mean %q?)", name)
				}
			}
			return &keyError{path: kp, msg: msg}
		}
		if seen[key] {
			return &keyError{path: kp, msg: "key given twice"}
		}
		seen[key] = true
		if err := walk(dec, ft, kp, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // '}'
	return err
}

func walkArray(dec *json.Decoder, elem reflect.Type, path string, depth int) error {
	for i := 0; dec.More(); i++ {
		if err := walk(dec, elem, path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // ']'
	return err
}

func syntaxMessage(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "unexpected end of file"
	}
	return err.Error()
}
