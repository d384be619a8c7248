//go:build js && wasm

// Command wasm is the disclosure page's verifier: package pubcheck (the
// public tier of examples/verify) compiled to WebAssembly. It defines a
// global object firedraw with two functions, each returning a Promise of
// a JSON string:
//
//	firedraw.verify(files, rounds) // files: {"log.jsonl": text, "rounds/01/manifest.json": text, …}; rounds: ["rounds/01", …]
//	firedraw.proof(round, line)    // a sealed unit's proof line, after verify
//
// Every other file of files named …/manifest.json (an abandoned attempt,
// a round not drawn yet) is given to the verifier too: the log names it.
//
// Build: GOOS=js GOARCH=wasm go build -o verify.wasm ./examples/site/wasm
package main

import (
	"encoding/json"
	"strings"
	"syscall/js"

	"github.com/firedraw/firedraw/examples/internal/pubcheck"
)

// last is the last verification's report: proofs are checked against
// the disclosures it tied to the log.
var last *pubcheck.Report

func main() {
	api := js.Global().Get("Object").New()
	api.Set("verify", js.FuncOf(verify))
	api.Set("proof", js.FuncOf(proof))
	js.Global().Set("firedraw", api)
	select {}
}

// promise runs fn in a goroutine and returns a Promise of its result.
func promise(fn func() string) js.Value {
	return js.Global().Get("Promise").New(js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve := args[0]
		go func() { resolve.Invoke(fn()) }()
		return nil
	}))
}

func verify(_ js.Value, args []js.Value) any {
	files, rounds := args[0], args[1]
	f := pubcheck.Files{Log: []byte(files.Get("log.jsonl").String())}
	drawn := map[string]bool{}
	for i := 0; i < rounds.Length(); i++ {
		name := rounds.Index(i).String()
		drawn[name+"/manifest.json"] = true
		rf := pubcheck.RoundFiles{
			Name:       name,
			Manifest:   []byte(files.Get(name + "/manifest.json").String()),
			Disclosure: []byte(files.Get(name + "/disclosure.json").String()),
		}
		if t := files.Get(name + "/targeted.json"); t.Type() == js.TypeString {
			rf.Targeted = []byte(t.String())
		}
		f.Rounds = append(f.Rounds, rf)
	}
	keys := js.Global().Get("Object").Call("keys", files)
	for i := 0; i < keys.Length(); i++ {
		if k := keys.Index(i).String(); strings.HasSuffix(k, "/manifest.json") && !drawn[k] {
			f.Manifests = append(f.Manifests, []byte(files.Get(k).String()))
		}
	}
	return promise(func() string {
		last = pubcheck.Check(f)
		b, _ := json.Marshal(last)
		return string(b)
	})
}

func proof(_ js.Value, args []js.Value) any {
	round, line := args[0].String(), []byte(args[1].String())
	return promise(func() string {
		var out any
		if last == nil {
			out = map[string]string{"error": "run the verification first"}
		} else if r, err := last.CheckProof(round, line); err != nil {
			out = map[string]string{"error": err.Error()}
		} else {
			out = r
		}
		b, _ := json.Marshal(out)
		return string(b)
	})
}
