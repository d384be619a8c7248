package schedule

import (
	"encoding/hex"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBinaryEncoding(t *testing.T) {
	var b []byte
	b = appendString(b, "ab")
	b = appendFloat(b, math.Copysign(0, -1))
	b = appendFloat(b, 0.5)
	b = appendDay(b, DayOf(date(1970, 1, 3)))
	b = appendDay(b, NoDay)
	b = appendInt(b, -2)
	b = appendBool(b, true)
	b = appendStrings(b, []string{"y", "x"})
	assert.Equal(t, "00000002"+"6162"+
		"0000000000000000"+"3fe0000000000000"+
		"00000002"+"80000000"+
		"fffffffffffffffe"+"01"+
		"00000002"+"00000001"+"78"+"00000001"+"79", hex.EncodeToString(b))
}
