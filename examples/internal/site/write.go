package site

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

//go:embed assets
var assets embed.FS

// Options are what a site needs besides the workspace.
type Options struct {
	// Now is the time the site is built at: results due before it and
	// not covered by the log's results entries are overdue.
	Now time.Time
	// Wasm is the WebAssembly build of examples/site/wasm, WasmExec the
	// wasm_exec.js of the Go release that built it.
	Wasm, WasmExec []byte
}

// ErrOptions reports missing options.
var ErrOptions = errors.New("site: missing option")

// Write writes the site of w into the directory out (created if missing).
func Write(w *Workspace, out string, o Options) error {
	if len(o.Wasm) == 0 || len(o.WasmExec) == 0 {
		return fmt.Errorf("the verifier's WebAssembly and wasm_exec.js are required: %w", ErrOptions)
	}
	t, err := template.New("").Funcs(funcs()).ParseFS(assets, "assets/*.html")
	if err != nil {
		panic("site: templates: " + err.Error())
	}
	views := make([]*roundView, len(w.Rounds))
	for i := range w.Rounds {
		views[i] = view(w, &w.Rounds[i], o.Now)
	}
	steps := []func() error{
		func() error { return publish(w, out) },
		func() error { return writeIndex(t, w, views, out, o.Now) },
		func() error { return writeTaskPages(t, views, out) },
		func() error { return writeData(w, out) },
		func() error { return writeVerifier(o, out) },
		func() error { return copyAsset("assets/site.css", filepath.Join(out, "site.css")) },
		func() error { return copyAsset("assets/site.js", filepath.Join(out, "site.js")) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}
	return nil
}

// funcs are the templates' helpers.
func funcs() template.FuncMap {
	return template.FuncMap{
		"utc":      func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
		"teams":    teamNames,
		"method":   taskMethod,
		"pagesize": func() int { return TasksPerPage },
		"label":    label,
		"reveal": func(v *roundView, party string) string {
			for _, e := range v.Reveals {
				if b := e.Body.(*protocol.RevealBody); b.Party == party {
					return fmt.Sprintf("%s (#%d %s)", b.Secret, e.Entry.Seq, e.Entry.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
				}
			}
			return "—"
		},
		"late": func(b any) string {
			switch b := b.(type) {
			case *protocol.BeaconBody:
				return fmt.Sprintf("drand %s… round %d, randomness %s", b.Chain[:8], b.Round, b.Randomness)
			case *protocol.DiceBody:
				return "dice 骰子 " + b.Digits
			}
			return ""
		},
	}
}

// publish copies the published files beside the pages.
func publish(w *Workspace, out string) error {
	files := map[string][]byte{LogName: w.Log}
	for _, r := range w.Rounds {
		files[r.Name+"/"+ManifestName] = r.ManifestBytes
		if r.DisclosureByte != nil {
			files[r.Name+"/"+DisclosureName] = r.DisclosureByte
		}
		if r.TargetedBytes != nil {
			files[r.Name+"/"+TargetedName] = r.TargetedBytes
		}
	}
	for name, b := range w.Publications {
		files[PublishDir+"/"+name] = b
	}
	for name, b := range w.Abandoned {
		files[name] = b
	}
	for name, b := range files {
		if err := writeFile(filepath.Join(out, filepath.FromSlash(name)), b); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	return nil
}

func copyAsset(name, path string) error {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic("site: asset " + name + ": " + err.Error())
	}
	return writeFile(path, b)
}

// writeIndex renders index.html.
func writeIndex(t *template.Template, w *Workspace, views []*roundView, out string, now time.Time) error {
	var pubs []string
	for name := range w.Publications {
		pubs = append(pubs, name)
	}
	sort.Strings(pubs)
	root := "—"
	if l, err := tlog.Read(bytes.NewReader(w.Log), tlog.Limits{}); err == nil {
		root = l.Head().Root
	}
	var b bytes.Buffer
	err := t.ExecuteTemplate(&b, "index.html", map[string]any{
		"Entries": w.Entries, "Root": root, "Rounds": views, "Publications": pubs, "Now": now,
	})
	if err != nil {
		return fmt.Errorf("site: index.html: %w", err)
	}
	return writeFile(filepath.Join(out, "index.html"), b.Bytes())
}

// writeTaskPages renders each round's task list, TasksPerPage a page.
func writeTaskPages(t *template.Template, views []*roundView, out string) error {
	for _, v := range views {
		d := v.Round.Disclosure
		if d == nil {
			continue
		}
		for p, link := range v.Pages {
			lo, hi := p*TasksPerPage, min((p+1)*TasksPerPage, len(d.Tasks))
			var b bytes.Buffer
			err := t.ExecuteTemplate(&b, "tasks.html", map[string]any{
				"Title": v.Title, "Name": v.Name, "Label": link.Label, "Pages": v.Pages, "Tasks": d.Tasks[lo:hi],
			})
			if err != nil {
				return fmt.Errorf("site: %s: %w", link.Href, err)
			}
			if err := writeFile(filepath.Join(out, filepath.FromSlash(link.Href)), b.Bytes()); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeData writes data.js: the published files' bytes as JavaScript
// strings (window.FIREDRAW_FILES), and the rounds (window.FIREDRAW_ROUNDS),
// for a page opened from file://, which cannot fetch its neighbours.
func writeData(w *Workspace, out string) error {
	files := map[string]string{LogName: string(w.Log)}
	var rounds []string
	for name, b := range w.Abandoned { // the log names them: the verifier replays it against them
		files[name] = string(b)
	}
	for _, r := range w.Rounds {
		if r.DisclosureByte == nil {
			files[r.Name+"/"+ManifestName] = string(r.ManifestBytes) // a round not drawn yet: its manifest is logged
			continue
		}
		rounds = append(rounds, r.Name)
		files[r.Name+"/"+ManifestName] = string(r.ManifestBytes)
		files[r.Name+"/"+DisclosureName] = string(r.DisclosureByte)
		if r.TargetedBytes != nil {
			files[r.Name+"/"+TargetedName] = string(r.TargetedBytes)
		}
	}
	var b bytes.Buffer
	b.WriteString("window.FIREDRAW_FILES=")
	if err := json.NewEncoder(&b).Encode(files); err != nil {
		return fmt.Errorf("site: data.js: %w", err)
	}
	b.WriteString(";window.FIREDRAW_ROUNDS=")
	if err := json.NewEncoder(&b).Encode(rounds); err != nil {
		return fmt.Errorf("site: data.js: %w", err)
	}
	b.WriteString(";\n")
	return writeFile(filepath.Join(out, "data.js"), b.Bytes())
}

// writeVerifier writes the verifier: verify.wasm (for servers), verify.js
// (the same bytes in base64, for file://) and wasm_exec.js.
func writeVerifier(o Options, out string) error {
	var b bytes.Buffer
	b.WriteString("window.FIREDRAW_WASM=\"")
	b.WriteString(base64.StdEncoding.EncodeToString(o.Wasm))
	b.WriteString("\";\n")
	for name, data := range map[string][]byte{"verify.js": b.Bytes(), "verify.wasm": o.Wasm, "wasm_exec.js": o.WasmExec} {
		if err := writeFile(filepath.Join(out, name), data); err != nil {
			return err
		}
	}
	return nil
}
