package canon_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type party struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
}

func Example() {
	b, _ := canon.Marshal(&party{Name: "notary", Weight: 0.5})
	fmt.Print(string(b))

	var p party
	err := canon.Unmarshal([]byte(`{"name":"notary","weight":0.5,"Name":"operator"}`+"\n"), &p, canon.Limits{})
	fmt.Println(err)
	fmt.Println(errors.Is(err, canon.ErrUnknownKey), errors.Is(err, canon.ErrNotCanonical))
	// Output:
	// {"name":"notary","weight":0.5}
	// canon: byte 30: key "Name" is not "name": case-variant key: canon: not canonical JSON
	// false true
}

func ExampleAppendFloat() {
	for _, x := range []float64{0.5, 1, 1e-7, 1e21, 123456.789} {
		b, _ := canon.AppendFloat(nil, x)
		fmt.Println(string(b))
	}
	// Output:
	// 0.5
	// 1
	// 1e-7
	// 1e+21
	// 123456.789
}

// TestDisclosureGoldens: today's disclosures decode through canon into
// schedule.Disclosure and re-encode to the same bytes.
func TestDisclosureGoldens(t *testing.T) {
	for _, name := range []string{"round", "sealed-joint"} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile("../../testdata/schedule/" + name + ".golden.json")
			require.NoError(t, err)
			var d schedule.Disclosure
			require.NoError(t, canon.Unmarshal(b, &d, canon.Limits{MaxBytes: 1 << 30}))
			again, err := canon.Marshal(&d)
			require.NoError(t, err)
			assert.Equal(t, string(b), string(again))
			old, err := d.MarshalCanonical()
			require.NoError(t, err)
			assert.Equal(t, string(b), string(old), "as schedule writes it")
		})
	}
}
