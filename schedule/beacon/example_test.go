package beacon_test

import (
	"encoding/hex"
	"fmt"
	"time"

	"github.com/firedraw/firedraw/schedule/beacon"
)

func Example() {
	ch := beacon.Quicknet()
	// The manifest names the first round after the reveal deadline.
	deadline := time.Date(2023, 8, 23, 16, 0, 0, 0, time.UTC)
	round := ch.RoundAt(deadline) + 1
	fmt.Println(round, ch.TimeOf(round).Format(time.RFC3339))

	// Later anyone checks the published round 1000, offline.
	sig, _ := beacon.ParseSignature("b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39")
	r, err := ch.Verify(1000, sig)
	fmt.Println(hex.EncodeToString(r[:]), err)
	_, err = ch.Verify(1001, sig)
	fmt.Println(err != nil)
	// Output:
	// 1013 2023-08-23T16:00:03Z
	// fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd <nil>
	// true
}
