package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/firedraw/firedraw/examples/internal/cli"
	"github.com/firedraw/firedraw/examples/internal/site"
)

func exitCode(err error, stderr io.Writer) int { return cli.ExitCode("site", err, stderr) }

const usageText = `usage: site -ws WORKSPACE -out SITE [-now TIME] [-wasm FILE]

Writes the static disclosure site of WORKSPACE into SITE: plain HTML, CSS
and JavaScript with the published files beside them, nothing loaded from
another site. The page shows each round's manifest, commitments, reveals,
late source, seed derivation, drawn units and results deadlines, and
verifies everything in the browser with the public tier of verify,
compiled to WebAssembly. Open SITE/index.html from disk or serve SITE.

flags:
`

type options struct {
	ws, out, now, wasm string
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := cli.NewFlagSet("site", usageText, stderr)
	fs.StringVar(&o.ws, "ws", "", "the workspace `DIR` (a period's directory, or examples/draw's -out)")
	fs.StringVar(&o.out, "out", "site", "the site's `DIR` (created if missing)")
	fs.StringVar(&o.now, "now", "", "the `TIME` (RFC 3339) results are overdue at; default: now")
	fs.StringVar(&o.wasm, "wasm", "", "a prebuilt verifier `FILE` (default: built with GOOS=js GOARCH=wasm go build ./examples/site/wasm)")
	if err := cli.Parse(fs, args); err != nil {
		return nil, err
	}
	if o.ws == "" {
		return nil, cli.UsageError(fs, "-ws is required")
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	now := time.Now()
	if o.now != "" {
		if now, err = time.Parse(time.RFC3339, o.now); err != nil {
			return fmt.Errorf("-now: %w", err)
		}
	}
	ws, err := site.Read(o.ws)
	if err != nil {
		return err
	}
	opt := site.Options{Now: now}
	if opt.Wasm, opt.WasmExec, err = verifier(o.wasm); err != nil {
		return err
	}
	if err := site.Write(ws, o.out, opt); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s/index.html: %d round(s), %d log entries; open it from disk or serve %s\n", o.out, len(ws.Rounds), len(ws.Entries), o.out)
	return nil
}

// verifier returns the verifier's WebAssembly (read from path, or built
// with the go command) and the toolchain's wasm_exec.js.
func verifier(path string) (wasm, wasmExec []byte, err error) {
	root, err := goEnv("GOROOT")
	if err != nil {
		return nil, nil, err
	}
	if wasmExec, err = WasmExec(root); err != nil {
		return nil, nil, err
	}
	if path == "" {
		dir, err := os.MkdirTemp("", "site-wasm")
		if err != nil {
			return nil, nil, err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "verify.wasm")
		if err := BuildWasm(path); err != nil {
			return nil, nil, err
		}
	}
	wasm, err = os.ReadFile(path)
	return wasm, wasmExec, err
}

// WasmExec reads wasm_exec.js from a Go root: lib/wasm since Go 1.24,
// misc/wasm before.
func WasmExec(goroot string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"))
	if os.IsNotExist(err) {
		b, err = os.ReadFile(filepath.Join(goroot, "misc", "wasm", "wasm_exec.js"))
	}
	return b, err
}

// BuildWasm builds the verifier into path with the go command.
func BuildWasm(path string) error {
	cmd := exec.Command("go", "build", "-o", path, "github.com/firedraw/firedraw/examples/site/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("building the verifier: %v: %s", err, out)
	}
	return nil
}

func goEnv(key string) (string, error) {
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", key, err)
	}
	return strings.TrimSpace(string(out)), nil
}
