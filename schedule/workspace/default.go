package workspace

import (
	_ "embed" // the default configuration
)

// defaultConfig is config-2026.json, the example configuration of
// calendar year 2026 (testdata/year/config-2026.json holds the same
// bytes; a test checks it).
//
//go:embed config-2026.json
var defaultConfig []byte

// DefaultConfigName is the file name the default configuration is
// written under by init.
const DefaultConfigName = "config-2026.json"

// DefaultConfig returns the bytes of the example configuration of
// calendar year 2026: monthly rounds, independent mode, the default
// policy, teams of two, 20 working days for results, three parties and
// 20 dice digits rolled in public as the late source, and China's 2026 public holidays and
// make-up working days from the State Council's notice
// (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04).
func DefaultConfig() []byte { return append([]byte(nil), defaultConfig...) }
