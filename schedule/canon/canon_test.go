package canon

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// color is a TextMarshaler with one canonical spelling per value.
type color int

func (c color) MarshalText() ([]byte, error) {
	switch c {
	case 0:
		return []byte("red"), nil
	case 1:
		return []byte("green"), nil
	}
	return nil, fmt.Errorf("color %d", int(c))
}

func (c *color) UnmarshalText(b []byte) error {
	switch strings.ToLower(string(b)) { // lenient on purpose: canon must catch "RED"
	case "red":
		*c = 0
	case "green":
		*c = 1
	default:
		return fmt.Errorf("unknown color %q", b)
	}
	return nil
}

type item struct {
	ID    string  `json:"id"`
	Pi    float64 `json:"pi"`
	N     int     `json:"n"`
	On    bool    `json:"on"`
	Color color   `json:"color"`
	Skip  int     `json:"-"`
}

type doc struct {
	Name   string             `json:"name"`
	Count  uint8              `json:"count"`
	Items  []item             `json:"items"`
	Freq   [3]float64         `json:"freq"`
	Tags   map[string]int     `json:"tags"`
	Next   *doc               `json:"next"`
	Body   Raw                `json:"body"`
	Nested [][]int            `json:"nested"`
	Extra  map[string]float64 `json:"extra"`
}

func sample() doc {
	return doc{
		Name:  "a \"quoted\" \\ name \u2028 é",
		Count: 7,
		Items: []item{{ID: "u1", Pi: 0.25, N: -3, On: true, Color: 1}, {ID: "u2", Pi: 1e-7, N: 0}},
		Freq:  [3]float64{0.5, 2, 1e21},
		Tags:  map[string]int{"b": 2, "a": 1, "B": 3},
		Next:  &doc{Name: "inner", Body: Raw(`{"x":[1,true,null,"s"]}`)},
		Body:  Raw(`{"k":0.1}`),
	}
}

func TestMarshalMatchesEncodingJSON(t *testing.T) {
	v := sample()
	got, err := Marshal(&v)
	require.NoError(t, err)
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(&v))
	assert.Equal(t, sb.String(), string(got))
}

func TestRoundTrip(t *testing.T) {
	v := sample()
	b, err := Marshal(&v)
	require.NoError(t, err)
	var back doc
	require.NoError(t, Unmarshal(b, &back, Limits{}))
	assert.Equal(t, v, back)
	again, err := Marshal(&back)
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again))
}

func TestFloat(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{0, "0"}, {math.Copysign(0, -1), "0"}, {1, "1"}, {-2.5, "-2.5"}, {0.1, "0.1"},
		{1e-6, "0.000001"}, {1e-7, "1e-7"}, {1.5e-300, "1.5e-300"}, {1e20, "100000000000000000000"},
		{1e21, "1e+21"}, {math.MaxFloat64, "1.7976931348623157e+308"}, {5e-324, "5e-324"},
	} {
		b, err := AppendFloat(nil, tc.x)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b))
		js, _ := json.Marshal(tc.x)
		if tc.x != 0 {
			assert.Equal(t, string(js), string(b), "as encoding/json")
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := AppendFloat(nil, x)
		assert.ErrorIs(t, err, ErrUnsupported)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
	}{
		{"NaN", struct {
			X float64 `json:"x"`
		}{math.NaN()}},
		{"NUL in string", "a\x00b"},
		{"newline in string", "a\nb"},
		{"DEL", "a\x7f"},
		{"C1 control", "a\u0085"},
		{"invalid UTF-8", "a\xffb"},
		{"bad Raw", Raw(`{"a":1,"a":2}`)},
		{"func", func() {}},
		{"float32", float32(1)},
		{"omitempty", struct {
			X int `json:"x,omitempty"`
		}{}},
		{"bad text", color(9)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Marshal(tc.v)
			assert.ErrorIs(t, err, ErrUnsupported)
		})
	}
}

// TestReject: every non-canonical variant of a valid document is refused,
// with the sentinel, the byte offset and the key path.
func TestReject(t *testing.T) {
	good := `{"name":"n","count":1,"items":[{"id":"u1","pi":0.5,"n":1,"on":false,"color":"red"}],"freq":[0,0,0],"tags":null,"next":null,"body":{},"nested":null,"extra":null}`
	var v doc
	require.NoError(t, Unmarshal([]byte(good+"\n"), &v, Limits{}))
	for _, tc := range []struct {
		name, from, to string
		kind           error
		path           string
	}{
		{"duplicate key", `"count":1,`, `"count":1,"count":1,`, ErrDuplicateKey, ""},
		{"case-variant key", `"count":1,`, `"Count":1,`, ErrCaseVariantKey, ""},
		{"case-variant nested key", `{"id"`, `{"ID"`, ErrCaseVariantKey, "items[0]"},
		{"unknown key", `"count":1,`, `"count":1,"evil":1,`, ErrUnknownKey, ""},
		{"unknown trailing key", `"extra":null}`, `"extra":null,"z":1}`, ErrUnknownKey, ""},
		{"missing key", `,"extra":null`, ``, ErrKeyOrder, ""},
		{"keys out of order", `"name":"n","count":1`, `"count":1,"name":"n"`, ErrKeyOrder, ""},
		{"leading zeros", `"pi":0.5`, `"pi":00.5`, ErrNumber, "items[0].pi"},
		{"no leading zero", `"pi":0.5`, `"pi":.5`, ErrNumber, "items[0].pi"},
		{"trailing zero", `"pi":0.5`, `"pi":0.50`, ErrNumber, "items[0].pi"},
		{"exponent", `"pi":0.5`, `"pi":5e-1`, ErrNumber, "items[0].pi"},
		{"1e0", `"freq":[0,`, `"freq":[1e0,`, ErrNumber, "freq[0]"},
		{"1.0", `"freq":[0,`, `"freq":[1.0,`, ErrNumber, "freq[0]"},
		{"minus zero float", `"freq":[0,`, `"freq":[-0,`, ErrNumber, "freq[0]"},
		{"minus zero int", `"n":1`, `"n":-0`, ErrNumber, "items[0].n"},
		{"plus", `"n":1`, `"n":+1`, ErrNumber, "items[0].n"},
		{"int with fraction", `"n":1`, `"n":1.5`, ErrNumber, "items[0].n"},
		{"int out of range", `"count":1`, `"count":256`, ErrNumber, "count"},
		{"negative uint", `"count":1`, `"count":-1`, ErrNumber, "count"},
		{"huge float", `"freq":[0,`, `"freq":[1e999,`, ErrNumber, "freq[0]"},
		{"NUL", `"id":"u1"`, "\"id\":\"u\x001\"", ErrString, "items[0].id"},
		{"tab", `"id":"u1"`, "\"id\":\"u\t1\"", ErrString, "items[0].id"},
		{"escaped NUL", `"id":"u1"`, `"id":"u\u00001"`, ErrString, "items[0].id"},
		{"escaped letter", `"id":"u1"`, `"id":"\u00751"`, ErrString, "items[0].id"},
		{"escaped slash", `"id":"u1"`, `"id":"u\/1"`, ErrString, "items[0].id"},
		{"raw U+2028", `"id":"u1"`, "\"id\":\"u\u20281\"", ErrString, "items[0].id"},
		{"invalid UTF-8", `"id":"u1"`, "\"id\":\"u\xff1\"", ErrString, "items[0].id"},
		{"overlong UTF-8", `"id":"u1"`, "\"id\":\"u\xc0\xaf\"", ErrString, "items[0].id"},
		{"C1 control", `"id":"u1"`, "\"id\":\"u\u0085\"", ErrString, "items[0].id"},
		{"text not canonical", `"color":"red"`, `"color":"RED"`, ErrString, "items[0].color"},
		{"text unknown", `"color":"red"`, `"color":"blue"`, ErrType, "items[0].color"},
		{"space", `"count":1`, `"count": 1`, ErrSyntax, "count"},
		{"string for number", `"count":1`, `"count":"1"`, ErrType, "count"},
		{"short array", `"freq":[0,0,0]`, `"freq":[0,0]`, ErrType, "freq"},
		{"long array", `"freq":[0,0,0]`, `"freq":[0,0,0,0]`, ErrType, "freq"},
		{"unsorted map", `"tags":null`, `"tags":{"b":1,"a":2}`, ErrKeyOrder, "tags"},
		{"duplicate map key", `"tags":null`, `"tags":{"a":1,"a":2}`, ErrDuplicateKey, "tags"},
		{"raw duplicate", `"body":{}`, `"body":{"a":1,"a":1}`, ErrDuplicateKey, "body"},
		{"raw case variant", `"body":{}`, `"body":{"a":1,"A":1}`, ErrCaseVariantKey, "body"},
		{"raw number", `"body":{}`, `"body":[1.50]`, ErrNumber, "body[0]"},
		{"trailing comma", `"count":1,`, `"count":1,,`, ErrSyntax, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Contains(t, good, tc.from)
			in := strings.Replace(good, tc.from, tc.to, 1) + "\n"
			err := Unmarshal([]byte(in), &v, Limits{})
			require.ErrorIs(t, err, tc.kind)
			require.ErrorIs(t, err, ErrNotCanonical)
			var e *Error
			require.True(t, errors.As(err, &e))
			assert.Equal(t, tc.path, e.Path)
			at := strings.Index(good, tc.from) // the change starts here
			assert.True(t, e.Offset >= int64(at) && e.Offset < int64(len(in)), "offset %d, change at %d", e.Offset, at)
		})
	}
}

func TestRejectDocument(t *testing.T) {
	var v item
	good := `{"id":"u","pi":0.5,"n":1,"on":true,"color":"red"}`
	for _, tc := range []struct {
		name string
		in   string
		lim  Limits
		kind error
	}{
		{"no newline", good, Limits{}, ErrSyntax},
		{"two newlines", good + "\n\n", Limits{}, ErrTrailing},
		{"trailing value", good + "{}\n", Limits{}, ErrTrailing},
		{"CRLF", good + "\r\n", Limits{}, ErrTrailing},
		{"leading space", " " + good + "\n", Limits{}, ErrSyntax},
		{"too large", good + "\n", Limits{MaxBytes: 10}, ErrTooLarge},
		{"empty", "", Limits{}, ErrSyntax},
		{"null", "null\n", Limits{}, ErrType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, Unmarshal([]byte(tc.in), &v, tc.lim), tc.kind)
		})
	}
	require.NoError(t, Unmarshal([]byte(good+"\n"), &v, Limits{}))
	assert.Panics(t, func() { _ = Unmarshal([]byte(good+"\n"), v, Limits{}) })
}

func TestDepth(t *testing.T) {
	deep := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	require.NoError(t, Valid(deep(MaxDepth), Limits{}))
	assert.ErrorIs(t, Valid(deep(MaxDepth+1), Limits{}), ErrDepth)
	assert.ErrorIs(t, Valid(deep(5), Limits{MaxDepth: 4}), ErrDepth)
	assert.ErrorIs(t, Valid(deep(100000), Limits{}), ErrDepth)

	type node struct {
		Next *node `json:"next"`
	}
	var n node
	in := strings.Repeat(`{"next":`, 40) + "null" + strings.Repeat("}", 40) + "\n"
	assert.ErrorIs(t, Unmarshal([]byte(in), &n, Limits{}), ErrDepth)
}

func TestErrorMessage(t *testing.T) {
	var v doc
	in := `{"name":"n","count":1,"items":[{"id":"u1","pi":00.5`
	err := Unmarshal([]byte(in+"\n"), &v, Limits{})
	require.Error(t, err)
	require.Equal(t, 47, strings.Index(in, "00.5"))
	assert.Equal(t, `canon: byte 47 (items[0].pi): "00.5" is written 0.5 in canonical form: non-canonical number: canon: not canonical JSON`, err.Error())
}

// leaf mirrors a disclosure's unit leaf: a flat struct.
type leaf struct {
	ID       string  `json:"id"`
	Level    string  `json:"level"`
	Pi       float64 `json:"pi"`
	PRN      float64 `json:"prn"`
	Selected bool    `json:"selected"`
}

type leaves struct {
	Units []leaf `json:"units"`
}

func makeLeaves(n int) leaves {
	ls := leaves{Units: make([]leaf, n)}
	for i := range ls.Units {
		ls.Units[i] = leaf{ID: fmt.Sprintf("U%07d", i), Level: []string{"low", "medium", "high"}[i%3],
			Pi: 1 / float64(i%97+2), PRN: float64(i) / float64(n), Selected: i%11 == 0}
	}
	return ls
}

// TestFlatParallel: a long array of flat structs, decoded in pieces, gives
// the same value, and an error in a late piece names the global index.
func TestFlatParallel(t *testing.T) {
	ls := makeLeaves(30000) // about 2.4 MB, above flatParallel
	b, err := Marshal(&ls)
	require.NoError(t, err)
	require.Greater(t, len(b), 2*flatParallel)
	lim := Limits{MaxBytes: 1 << 30}
	var back leaves
	require.NoError(t, Unmarshal(b, &back, lim))
	assert.Equal(t, ls, back)

	at := strings.Index(string(b), `"id":"U0029999"`)
	at += strings.Index(string(b[at:]), `"pi":`) + len(`"pi":`)
	bad := string(b[:at]) + "0" + string(b[at:]) // a leading zero
	err = Unmarshal([]byte(bad), &back, lim)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "units[29999].pi", e.Path)
	assert.ErrorIs(t, err, ErrNumber)
	assert.Equal(t, int64(at), e.Offset)

	dup := strings.Replace(string(b), `{"id":"U0020000","level"`, `{"id":"U0020000","id":"x","level"`, 1)
	err = Unmarshal([]byte(dup), &back, lim)
	require.ErrorAs(t, err, &e)
	assert.ErrorIs(t, err, ErrDuplicateKey)
	assert.Equal(t, "units[20000]", e.Path)
}

// TestGoldens: the disclosures written before this package are canonical.
func TestGoldens(t *testing.T) {
	for _, name := range []string{"round", "sealed-joint"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("../../testdata/schedule/" + name + ".golden.json")
			require.NoError(t, err)
			require.NoError(t, Valid(b[:len(b)-1], Limits{MaxBytes: 1 << 30}))
		})
	}
}

func TestValid(t *testing.T) {
	for _, ok := range []string{`0`, `-1.5`, `"x"`, `[]`, `{}`, `{"a":[1,{"b":null}],"B2":true}`, `1e-7`} {
		assert.NoError(t, Valid([]byte(ok), Limits{}), ok)
	}
	for _, bad := range []string{``, `01`, `{"a":1,}`, `[1,]`, `{"a" :1}`, `"\x01"`, `tru`, `{"a":1}x`, `{"é":1,"É":2}`} {
		assert.ErrorIs(t, Valid([]byte(bad), Limits{}), ErrNotCanonical, bad)
	}
}
