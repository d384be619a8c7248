package synthcity_test

import (
	"testing"

	"github.com/firedraw/firedraw/risk/synthcity"
)

// go test ./risk/synthcity -run '^$' -bench Generate -benchtime 3x
func BenchmarkGenerate(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  synthcity.Config
	}{
		{"N=1e5", synthcity.Config{Units: 100_000}},
		{"N=1e5/no-telemetry", synthcity.Config{Units: 100_000, NoTelemetry: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := synthcity.Generate(bc.cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGenerateMillion measures the benchmark-sized city other
// packages use; it is skipped in short mode.
func BenchmarkGenerateMillion(b *testing.B) {
	if testing.Short() {
		b.Skip("1e6 units")
	}
	b.Run("N=1e6/no-telemetry", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := synthcity.Generate(synthcity.Config{Units: 1_000_000, NoTelemetry: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
