package synthcity

import (
	"sync"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// City is a generated city: its records up to AsOf and the ground truth
// of the year after.
type City struct {
	risk.Records
	// AsOf is the end of the history and the start of the outcome year.
	AsOf time.Time
	// Outcomes holds one outcome per unit, in the order of Units.
	Outcomes []Outcome
}

// Outcome is the ground truth of one unit for the year AsOf .. AsOf+1y.
type Outcome struct {
	UnitID string
	// Hazard is the latent true probability of an adverse outcome (Any)
	// next year, rounded to 6 decimals.
	Hazard float64
	// Fire reports a fire incident next year.
	Fire bool
	// MajorViolation reports that an inspection next year would find a
	// major violation.
	MajorViolation bool
	// Any is Fire || MajorViolation, the default label for evaluating a
	// model.
	Any bool
}

// Generate draws a city from cfg. Its only errors are invalid Config
// fields. The same Config gives the same city on every run.
func Generate(cfg Config) (*City, error) {
	cfg, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	districts := districtNames(cfg.Districts)
	units, lat, err := genUnits(cfg, districts)
	if err != nil {
		return nil, err
	}
	districtIdx := make(map[string]int, len(districts))
	for d, name := range districts {
		districtIdx[name] = d
	}
	byDistrict := make([][]int, len(districts))
	for i := range units {
		d := districtIdx[units[i].District]
		byDistrict[d] = append(byDistrict[d], i)
	}
	p, err := genInspectors(cfg, districts, units, byDistrict)
	if err != nil {
		return nil, err
	}
	start := cfg.AsOf.AddDate(-cfg.HistoryYears, 0, 0)
	c := &City{AsOf: cfg.AsOf}
	c.Units = units
	c.Inspectors = p.inspectors
	// Each phase draws from its own stream, so they run concurrently
	// without changing a single draw.
	var wg sync.WaitGroup
	wg.Go(func() {
		c.Incidents = genIncidents(cfg, units, lat, start)
		fires := make([][]time.Time, len(units))
		for k, j := 0, 0; k < len(c.Incidents); k++ {
			for units[j].ID != c.Incidents[k].UnitID {
				j++
			}
			if c.Incidents[k].Type == risk.Fire {
				fires[j] = append(fires[j], c.Incidents[k].Time)
			}
		}
		c.Inspections = genInspections(cfg, units, lat, districtIdx, p, fires, start)
	})
	wg.Go(func() { c.Credit = genCredit(cfg, units, lat) })
	if !cfg.NoTelemetry {
		wg.Go(func() { c.Telemetry = genTelemetry(cfg, units, lat) })
	}
	c.Outcomes = genOutcomes(cfg, units, lat)
	wg.Wait()
	return c, nil
}

// genOutcomes draws next year's fires and major violations so that
// P(Any) = p, P(Fire) = fireShare·p.
func genOutcomes(cfg Config, units []risk.Unit, lat []latent) []Outcome {
	r := newRand(cfg.Seed, streamOutcomes)
	out := make([]Outcome, len(units))
	for i := range units {
		p := lat[i].p
		o := &out[i]
		o.UnitID = units[i].ID
		o.Hazard = p
		o.Fire = r.Float64() < fireShare*p
		if o.Fire {
			o.MajorViolation = r.Float64() < p
		} else {
			o.MajorViolation = r.Float64() < p*(1-fireShare)/(1-fireShare*p)
		}
		o.Any = o.Fire || o.MajorViolation
	}
	return out
}

var (
	defaultOnce sync.Once
	defaultCity *City
)

// Default returns the default city, Generate(Config{Seed: DefaultSeed}),
// the one committed in testdata/city. It is generated once and shared:
// the caller must not modify it (copy the slices first).
func Default() *City {
	defaultOnce.Do(func() {
		c, err := Generate(Config{Seed: DefaultSeed})
		if err != nil {
			panic("synthcity: default city: " + err.Error())
		}
		defaultCity = c
	})
	return defaultCity
}
