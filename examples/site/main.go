// Command site turns a workspace's published files into a static
// disclosure site that verifies itself in the reader's browser.
//
//	go run ./examples/site -ws WORKSPACE -out SITE
//
// WORKSPACE is a period's directory (log.jsonl, rounds/NN/manifest.json,
// disclosure.json and targeted.json, publications/) or the -out directory of
// examples/draw. SITE receives index.html, the task pages, site.css,
// site.js, data.js (the published files' bytes, for file://), verify.js
// and verify.wasm (the verifier, GOOS=js GOARCH=wasm build of
// ./examples/site/wasm), wasm_exec.js (copied from $(go env GOROOT)/lib/wasm)
// and the published files themselves. Copy SITE to any static web server,
// or open SITE/index.html from disk.
package main

import "os"

func main() { os.Exit(exitCode(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr)) }
