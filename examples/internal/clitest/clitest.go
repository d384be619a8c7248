// Package clitest holds the scaffolding the example programs' tests share:
// a seeded synthetic city written to a temporary directory, the
// examples/draw binary built once, and the removal of both when the tests
// end.
package clitest

import (
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk/synthcity"
)

var (
	mu   sync.Mutex
	dirs []string
)

// TempDir creates a temporary directory whose name starts with prefix; Main
// removes it after the tests.
func TempDir(prefix string) (string, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	mu.Lock()
	dirs = append(dirs, dir)
	mu.Unlock()
	return dir, nil
}

// Main runs the tests of m and removes the directories made by TempDir; call
// it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	for _, d := range dirs {
		os.RemoveAll(d)
	}
	mu.Unlock()
	os.Exit(code)
}

// Sources are the record files of a city as synthcity writes them, in the
// order of examples/draw's flags.
var Sources = []string{"units", "telemetry", "incidents", "inspections", "credit", "inspectors"}

// City generates the synthetic city of cfg, writes it to dir and returns it
// with the record-file flags (-units dir/units.csv.gz, …) that name its
// files.
func City(dir string, cfg synthcity.Config) (*synthcity.City, []string, error) {
	c, err := synthcity.Generate(cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := c.WriteDir(dir); err != nil {
		return nil, nil, err
	}
	var flags []string
	for _, f := range Sources {
		flags = append(flags, "-"+f, filepath.Join(dir, f+".csv.gz"))
	}
	return c, flags, nil
}

// BuildDraw builds examples/draw into dir from the test of a sibling
// example (whose working directory is its own folder) and returns the
// binary's path.
func BuildDraw(dir string) (string, error) {
	bin := filepath.Join(dir, "draw")
	if out, err := exec.Command("go", "build", "-o", bin, "../draw").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building examples/draw: %v\n%s", err, out)
	}
	return bin, nil
}

// ReadCSV returns every row of the CSV file at path, failing t if it cannot
// be read.
func ReadCSV(t testing.TB, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err, path)
	return rows
}
