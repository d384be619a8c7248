// Package site turns a workspace's published files into a static
// disclosure site: plain HTML, CSS and JavaScript with the published JSON
// files beside them, no server-side code and nothing loaded from another
// site. It opens from disk (file://) and from any static web server.
//
//	ws, err := site.Read(dir)                 // log.jsonl, rounds/NN/{manifest,disclosure}.json, publications/
//	err = site.Write(ws, out, site.Options{Now: now, Wasm: wasm, WasmExec: wasmExec})
//
// A workspace is the directory of a period (log.jsonl at its root, each
// round's files in rounds/NN/) or the output of examples/draw (log.jsonl,
// manifest.json and disclosure.json in one directory: one round).
//
// The pages are rendered here, so they read without JavaScript: per
// round the manifest and its log entry, the parties' commitments and
// reveals, the late source, the seed derivation step by step, the strata,
// the drawn units with team and dates (TasksPerPage a page), the
// exclusions, the results publications with due dates and the overdue
// tasks, and the log's head. Labels are Chinese first; a checkbox (no
// script needed) switches them to English.
//
// The verifier needs JavaScript: verify.js holds the WebAssembly build of
// examples/site/wasm (package pubcheck: the public tier of
// examples/verify) and data.js the published files' bytes, so that the
// page works from file://, where a page cannot fetch its neighbours.
package site
