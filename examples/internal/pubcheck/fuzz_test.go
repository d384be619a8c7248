package pubcheck_test

import (
	"testing"

	"github.com/firedraw/firedraw/examples/internal/pubcheck"
)

// FuzzCheck feeds hostile published files to Check: it must never panic,
// and never say verified for files that differ from the real ones.
func FuzzCheck(f *testing.F) {
	files, _ := published(f, false)
	f.Add(files.Log, files.Rounds[0].Manifest, []byte(`{"format":"x"}`))
	f.Add([]byte("{}\n"), []byte("{}"), []byte("{}"))
	f.Fuzz(func(t *testing.T, log, manifest, disclosure []byte) {
		rep := pubcheck.Check(pubcheck.Files{Log: log, Rounds: []pubcheck.RoundFiles{{Name: "r", Manifest: manifest, Disclosure: disclosure}}})
		if rep.Verified && string(disclosure) != string(files.Rounds[0].Disclosure) {
			t.Fatalf("verified a disclosure that is not the published one")
		}
	})
}
