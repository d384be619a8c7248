package synthcity

import (
	"fmt"
	"time"
)

// DefaultSeed is the seed of [Default], the committed city in
// testdata/city.
const DefaultSeed uint64 = 20260101

// DefaultUnits is the number of units of a zero Config: a county fire
// brigade's directory.
const DefaultUnits = 5000

// Config describes a city to generate. The zero Config is the default
// city's shape (with seed zero); every field documents its zero value.
type Config struct {
	// Units is the number of units; zero means DefaultUnits. At most
	// 100,000,000 (the number of distinct organisation codes).
	Units int
	// Seed seeds every PCG stream (math/rand/v2). Zero is a valid seed.
	Seed uint64
	// AsOf ends the history: inspections, incidents and credit cover the
	// three years before it, telemetry the year before it, and the
	// outcomes the year after it. Zero means 2026-01-01 UTC. It is
	// truncated to a UTC day.
	AsOf time.Time
	// Districts is the number of districts; zero means 8.
	Districts int
	// Inspectors is the size of the inspection pool; zero means one per
	// 40 units, at least 20. It must be at least 4·Districts/3 so that
	// every district is covered by 4 inspectors covering at most 3
	// districts each.
	Inspectors int
	// NoTelemetry skips the telemetry (the slowest and largest part), for
	// fast benchmarks on millions of units. Nothing else changes.
	NoTelemetry bool
	// IoTShare is the probability that an ordinary (non-key) unit of
	// average management has IoT fire devices; key units are equipped
	// with probability about 0.9. Zero means 0.55; it must be in [0, 1].
	IoTShare float64
	// HistoryYears is the length of the inspection, incident and credit
	// history; zero means 3.
	HistoryYears int
}

// normalized returns cfg with every zero field replaced by its default,
// or an error naming the first invalid field.
func (cfg Config) normalized() (Config, error) {
	if cfg.Units == 0 {
		cfg.Units = DefaultUnits
	}
	if cfg.Units < 0 || cfg.Units > maxUnits {
		return cfg, fmt.Errorf("synthcity: Units = %d, want 1..%d", cfg.Units, maxUnits)
	}
	if cfg.AsOf.IsZero() {
		cfg.AsOf = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	y, m, d := cfg.AsOf.UTC().Date()
	cfg.AsOf = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if cfg.Districts == 0 {
		cfg.Districts = 8
	}
	if cfg.Districts < 0 || cfg.Districts > 1000 {
		return cfg, fmt.Errorf("synthcity: Districts = %d, want 1..1000", cfg.Districts)
	}
	if cfg.Inspectors == 0 {
		cfg.Inspectors = max(20, cfg.Units/40)
	}
	if cfg.Inspectors < 0 || 3*cfg.Inspectors < 4*cfg.Districts || cfg.Inspectors < 4 {
		return cfg, fmt.Errorf("synthcity: Inspectors = %d, want at least 4 and at least 4·Districts/3 = %d",
			cfg.Inspectors, (4*cfg.Districts+2)/3)
	}
	if cfg.IoTShare == 0 {
		cfg.IoTShare = 0.55
	}
	if !(cfg.IoTShare >= 0 && cfg.IoTShare <= 1) {
		return cfg, fmt.Errorf("synthcity: IoTShare = %v, want [0, 1]", cfg.IoTShare)
	}
	if cfg.HistoryYears == 0 {
		cfg.HistoryYears = 3
	}
	if cfg.HistoryYears < 0 || cfg.HistoryYears > 50 {
		return cfg, fmt.Errorf("synthcity: HistoryYears = %d, want 1..50", cfg.HistoryYears)
	}
	return cfg, nil
}
