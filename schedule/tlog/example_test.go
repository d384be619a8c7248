package tlog_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/firedraw/firedraw/schedule/canon"
	"github.com/firedraw/firedraw/schedule/tlog"
)

func Example() {
	var l tlog.Log
	t := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	l.Append(tlog.Entry{Time: t, Kind: tlog.KindManifest, Period: "2025", Round: 1, Body: canon.Raw(`{"manifest":"…"}`)})
	l.Append(tlog.Entry{Time: t.Add(time.Hour), Kind: tlog.KindCommitment, Period: "2025", Round: 1, Body: canon.Raw(`{"party":"notary"}`)})
	mirror := l.Head() // a mirror keeps the head it saw

	l.Append(tlog.Entry{Time: t.Add(2 * time.Hour), Kind: tlog.KindReveal, Period: "2025", Round: 1, Body: canon.Raw(`{"party":"notary"}`)})
	var file bytes.Buffer
	l.WriteTo(&file)
	first, _, _ := bytes.Cut(file.Bytes(), []byte("\n"))
	fmt.Println(string(first))

	read, err := tlog.Read(&file, tlog.Limits{})
	fmt.Println(read.Len(), err)
	proof, _ := read.ConsistencyProof(mirror.Size, read.Head().Size)
	fmt.Println("only grew:", tlog.VerifyConsistency(mirror, read.Head(), proof) == nil)
	// Output:
	// {"seq":0,"time":"2025-01-02T09:00:00Z","kind":"manifest","period":"2025","round":1,"prev":"","body":{"manifest":"…"}}
	// 3 <nil>
	// only grew: true
}
