package risk_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/firedraw/firedraw/risk"
)

// TestAsOfProperty draws random records around an as-of date and checks
// that lenient AsOf keeps exactly the records not after it, in order,
// counts the others, and that strict AsOf fails exactly when there are
// some.
func TestAsOfProperty(t *testing.T) {
	asOf := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	// day returns a date within 40 days either side of asOf.
	day := func() time.Time { return asOf.AddDate(0, 0, rng.IntN(81)-40) }
	for trial := range 200 {
		rec := &risk.Records{}
		n := rng.IntN(6)
		for i := range n {
			rec.Telemetry = append(rec.Telemetry, risk.TelemetryEvent{UnitID: "U", DeviceID: string(rune('a' + i)), Time: day()})
			rec.Incidents = append(rec.Incidents, risk.Incident{UnitID: "U", Time: day()})
			rec.Inspections = append(rec.Inspections, risk.Inspection{ID: string(rune('A' + i)), UnitID: "U", Date: day()})
			rec.Credit = append(rec.Credit, risk.CreditRecord{UnitID: "U", AsOf: day()})
		}
		future := 0
		for i := range n {
			for _, d := range []time.Time{rec.Telemetry[i].Time, rec.Incidents[i].Time, rec.Inspections[i].Date, rec.Credit[i].AsOf} {
				if d.After(asOf) {
					future++
				}
			}
		}
		before := *rec
		out, rep, err := risk.AsOf(rec, asOf, risk.CheckOptions{Lenient: true})
		require.NoError(t, err)
		assert.Equal(t, before, *rec, "trial %d: rec is not modified", trial)
		assert.Equal(t, future, rep.LeftOut, "trial %d", trial)
		assert.Equal(t, min(future, risk.MaxReported), len(rep.LeftOutFirst), "trial %d", trial)
		assert.Equal(t, 4*n-future, len(out.Telemetry)+len(out.Incidents)+len(out.Inspections)+len(out.Credit), "trial %d", trial)
		for i := range out.Inspections {
			assert.False(t, out.Inspections[i].Date.After(asOf))
			if i > 0 {
				assert.Less(t, out.Inspections[i-1].ID, out.Inspections[i].ID, "order kept")
			}
		}
		if future == 0 {
			assert.Same(t, rec, out, "nothing left out: the same records")
		}
		_, _, err = risk.AsOf(rec, asOf, risk.CheckOptions{})
		if future > 0 {
			assert.ErrorIs(t, err, risk.ErrFuture, "trial %d", trial)
		} else {
			assert.NoError(t, err, "trial %d", trial)
		}
	}
}

// TestAsOfWithoutLocator: without a Locator, errors name the record kind.
func TestAsOfWithoutLocator(t *testing.T) {
	rec := &risk.Records{Credit: []risk.CreditRecord{{UnitID: "U1", AsOf: time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	_, _, err := risk.AsOf(rec, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), risk.CheckOptions{Lenient: true, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	assert.EqualError(t, err, `credit: column "as_of" of record "U1": value "2031-01-01": date after asOf: after today 2026-06-01`)
	assert.PanicsWithValue(t, "risk: AsOf of nil records", func() { _, _, _ = risk.AsOf(nil, time.Time{}, risk.CheckOptions{}) })
}
