package pubcheck_test

import (
	"strconv"
	"strings"
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

// FuzzChinese feeds problems that quote hostile IDs (quotes, colons,
// brackets, invalid UTF-8) to Chinese: it must never panic, and every
// quoted ID must reach the Chinese text unchanged.
func FuzzChinese(f *testing.F) {
	f.Add(`X": teams [a], want [b]`)
	f.Add(`\"`)
	f.Add("\xff: entry 3")
	f.Fuzz(func(t *testing.T, id string) {
		q := strconv.Quote(id)
		zh := pubcheck.Chinese("in the changed disclosure: task of unit " + q + ": date 2026-01-03, want 2026-01-05")
		if !strings.Contains(zh, q) {
			t.Fatalf("the ID %s is lost: %q", q, zh)
		}
	})
}
