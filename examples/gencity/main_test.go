package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk/synthcity"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	err := run([]string{"-out", dir, "-units", "300", "-seed", "5", "-asof", "2025-07-01"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Contains(t, stdout.String(), "300 units")
	for _, name := range synthcity.FileNames() {
		fi, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Positive(t, fi.Size(), name)
	}
	f, err := os.Open(filepath.Join(dir, synthcity.OutcomesFile))
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	outcomes, err := synthcity.LoadOutcomes(zr, synthcity.OutcomesFile)
	require.NoError(t, err)
	assert.Len(t, outcomes, 300)
}

func TestRunNoTelemetry(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	require.NoError(t, run([]string{"-out", dir, "-units", "100", "-no-telemetry"}, &stdout, &stderr))
	assert.Contains(t, stdout.String(), " 0 telemetry events")
}

func TestRunErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no out", []string{"-units", "10"}, "-out is required"},
		{"bad units", []string{"-out", "x", "-units", "0"}, "-units 0"},
		{"bad date", []string{"-out", "x", "-asof", "2026-13-01"}, "-asof"},
		{"unknown flag", []string{"-out", "x", "-bogus"}, "bogus"},
		{"extra argument", []string{"-out", "x", "extra"}, "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(tc.args, &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error()+stderr.String(), tc.want)
			assert.Empty(t, stdout.String())
		})
	}
}

func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run([]string{"-h"}, &stdout, &stderr)
	require.True(t, errors.Is(err, flag.ErrHelp))
	assert.Contains(t, stderr.String(), "usage: gencity")
}
