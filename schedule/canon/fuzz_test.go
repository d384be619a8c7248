package canon

import (
	"bytes"
	"fmt"
	"testing"
)

// FuzzCanon: Unmarshal never panics, and whatever it accepts re-encodes to
// the same bytes; Valid accepts every canonical encoding.
func FuzzCanon(f *testing.F) {
	v := sample()
	b, _ := Marshal(&v)
	f.Add(b)
	f.Add([]byte(`{"name":"n","count":1,"items":[{"id":"u1","pi":0.5,"n":1,"on":false,"color":"red"}],"freq":[0,0,0],"tags":{"a":1},"next":null,"body":{"a":[1e-7]},"nested":[[1],[]],"extra":{}}` + "\n"))
	f.Add([]byte(`{"name":"n","Name":"m"}` + "\n"))
	f.Add([]byte("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n"))
	f.Add([]byte(`{"pi":00.5}` + "\n"))
	lim := Limits{MaxBytes: 1 << 16}
	f.Fuzz(func(t *testing.T, in []byte) {
		var d doc
		if err := Unmarshal(in, &d, lim); err == nil {
			out, err := Marshal(&d)
			if err != nil {
				t.Fatalf("accepted %q but cannot re-encode it: %v", in, err)
			}
			if !bytes.Equal(out, in) {
				t.Fatalf("accepted %q, re-encodes as %q", in, out)
			}
		}
		if len(in) > 0 {
			var r Raw
			doc := append(bytes.Clone(in), '\n')
			if err := Unmarshal(doc, &r, lim); err == nil {
				out, _ := Marshal(r)
				if !bytes.Equal(out, doc) {
					t.Fatalf("raw %q re-encodes as %q", doc, out)
				}
			}
		}
	})
}

// BenchmarkUnmarshalLeaves decodes an array of N flat leaves, as in a
// disclosure of N units (the 1e6 case is about 80 MB).
func BenchmarkUnmarshalLeaves(b *testing.B) {
	for _, n := range []int{1e4, 1e6} {
		ls := makeLeaves(n)
		data, err := Marshal(&ls)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("N=1e%d", len(fmt.Sprint(n))-1), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var back leaves
				if err := Unmarshal(data, &back, Limits{MaxBytes: 1 << 30}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarshalLeaves encodes an array of N flat leaves.
func BenchmarkMarshalLeaves(b *testing.B) {
	ls := makeLeaves(1e6)
	b.Run("N=1e6", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Marshal(&ls); err != nil {
				b.Fatal(err)
			}
		}
	})
}
