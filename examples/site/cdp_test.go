package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// browser drives a headless chromium over the DevTools protocol on a
// pipe (--remote-debugging-pipe: commands on the child's fd 3, replies
// and events on its fd 4, each message ending in a NUL byte), so no
// websocket client is needed.
type browser struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	session string

	mu       sync.Mutex
	next     int
	pending  map[int]chan cdpMessage
	problems []string // console errors, exceptions and error log entries
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// chromiumFlags are the flags the brief fixes for a headless chromium
// run as root in CI.
func chromiumFlags(userDataDir string) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + userDataDir, "--remote-debugging-pipe", "about:blank"}
}

// startBrowser starts chromium and attaches to a new page.
func startBrowser(t testing.TB, chromium string) *browser {
	t.Helper()
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{in: cmdW, pending: map[int]chan cdpMessage{}}
	b.cmd = exec.Command(chromium, chromiumFlags(t.TempDir())...)
	b.cmd.ExtraFiles = []*os.File{cmdR, outW} // fd 3, fd 4
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmdR.Close()
	outW.Close()
	go b.read(outR)
	t.Cleanup(b.close)
	var target struct {
		TargetID string `json:"targetId"`
	}
	b.must(t, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct {
		SessionID string `json:"sessionId"`
	}
	b.must(t, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	for _, m := range []string{"Runtime.enable", "Log.enable", "Page.enable"} {
		b.must(t, b.session, m, map[string]any{}, nil)
	}
	b.must(t, b.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": 1000, "height": 1300, "deviceScaleFactor": 1, "mobile": false}, nil)
	return b
}

// read dispatches the browser's messages: replies to their callers,
// error events into problems.
func (b *browser) read(r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if ch, ok := b.pending[m.ID]; ok && m.ID != 0 {
			delete(b.pending, m.ID)
			ch <- m
		} else if p := eventProblem(m); p != "" {
			b.problems = append(b.problems, p)
		}
		b.mu.Unlock()
	}
}

// eventProblem returns what an error event says ("" for other events).
func eventProblem(m cdpMessage) string {
	var p struct {
		Type             string                `json:"type"`
		Args             []struct{ Value any } `json:"args"`
		ExceptionDetails struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
		Entry struct {
			Level, Text, URL string
		} `json:"entry"`
	}
	_ = json.Unmarshal(m.Params, &p)
	switch {
	case m.Method == "Runtime.consoleAPICalled" && (p.Type == "error" || p.Type == "assert"):
		return fmt.Sprintf("console.%s: %v", p.Type, p.Args)
	case m.Method == "Runtime.exceptionThrown":
		return "exception: " + p.ExceptionDetails.Text + " " + p.ExceptionDetails.Exception.Description
	case m.Method == "Log.entryAdded" && p.Entry.Level == "error":
		return "log: " + p.Entry.Text + " " + p.Entry.URL
	}
	return ""
}

// call sends a command and waits for its reply.
func (b *browser) call(session, method string, params any, result any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	p, _ := json.Marshal(params)
	msg, _ := json.Marshal(cdpMessage{ID: id, Method: method, Params: p, SessionID: session})
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		return err
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		if result != nil {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-time.After(2 * time.Minute): // a generous bound for a loaded 2-core machine
		return errors.New(method + ": no reply from chromium")
	}
}

func (b *browser) must(t testing.TB, session, method string, params, result any) {
	t.Helper()
	if err := b.call(session, method, params, result); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and returns its
// value as a string.
func (b *browser) eval(t testing.TB, expr string) string {
	t.Helper()
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
	}
	b.must(t, b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r)
	if r.Result.Value == nil {
		return ""
	}
	return fmt.Sprint(r.Result.Value)
}

// screenshot writes a PNG of the viewport to path.
func (b *browser) screenshot(t testing.TB, path string) {
	t.Helper()
	var r struct {
		Data string `json:"data"`
	}
	b.must(t, b.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &r)
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// errors returns the console errors seen so far.
func (b *browser) errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.problems...)
}

func (b *browser) close() {
	msg, _ := json.Marshal(cdpMessage{ID: -1, Method: "Browser.close", Params: json.RawMessage("{}")})
	_, _ = b.in.Write(append(msg, 0)) // no wait for a reply: chromium exits
	done := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = b.cmd.Process.Kill()
		<-done
	}
	b.in.Close()
}
