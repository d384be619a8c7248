package alert

import (
	"errors"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// ErrBadConfig is wrapped by every error about a [Config].
var ErrBadConfig = errors.New("bad alert configuration")

// Alert is one rule firing for one unit: every device of the unit that
// meets the rule is in its evidence.
type Alert struct {
	UnitID   string
	Rule     Rule
	Severity Severity
	// From and To bound the time window of the evidence, [From, To): the
	// rule's counting window for counts, or from the start of the oldest
	// episode to asOf for episodes.
	From, To time.Time
	// Count is the number of triggering events (fire, fire-alarm,
	// fault-repeated, electrical-repeated) or of devices (the others).
	Count int
	// First and Last are the times of the first and last triggering
	// events (for episodes: the oldest start and the latest start).
	First, Last time.Time
	// Raised is when the newest evidence met the rule: the latest over
	// the devices of an episode's start plus the rule's duration, or of
	// the last counted event; the latest fire. An alert with Raised
	// after the previous evaluation is new since then.
	Raised time.Time
	// Evidence lists the triggering devices by device ID, or the fires
	// by time for RuleFire.
	Evidence []Evidence
	// Threshold is the rule's duration: its counting window (fire,
	// fire-alarm, fault-repeated, electrical-repeated) or how long the
	// condition lasted at least (the others). MinCount is the number of
	// events per device the rule needs (1 but for the repeat rules).
	// With them, [Alert.Explain] needs no Config.
	Threshold time.Duration
	MinCount  int
}

// Evidence is what one device (or, for RuleFire, one incident) shows.
type Evidence struct {
	DeviceID string // "" for an incident
	// Count is the device's triggering events in the window; 1 for an
	// episode or an incident.
	Count int
	// First and Last are its first and last triggering events; for an
	// episode, its start and its end (the restored event) or asOf if
	// still open.
	First, Last time.Time
	// Open reports an episode still open at asOf.
	Open bool
	// Casualties and Loss (yuan) of a fire incident.
	Casualties int
	Loss       float64
}

// Report is the result of one evaluation.
type Report struct {
	AsOf time.Time
	// Alerts are sorted by unit ID, then rule, at or above the configured
	// minimum severity.
	Alerts []Alert
	// Events and Incidents count the records read; Late and LateIncidents
	// those dated at or after AsOf, which are ignored.
	Events, Late             int
	Incidents, LateIncidents int
}

// AtLeast returns the alerts of r with severity ≥ s, in order.
func (r *Report) AtLeast(s Severity) []Alert {
	var out []Alert
	for _, a := range r.Alerts {
		if a.Severity >= s {
			out = append(out, a)
		}
	}
	return out
}

// Evaluate applies the rules of cfg to the telemetry and incidents dated
// strictly before asOf (as [risk.Extract] does: an event at asOf belongs
// to the next evaluation) and returns the alerts in a deterministic
// order, whatever the order of the inputs. Neither slice is modified.
//
// It returns an error wrapping [ErrBadConfig] for a bad cfg, or a
// *risk.RecordError naming the first event (by index, as Line) with an
// empty unit or device ID or an unknown kind or device type.
//
// Evaluate is [Evaluator.Evaluate] with a fresh Evaluator.
func Evaluate(tel []risk.TelemetryEvent, inc []risk.Incident, asOf time.Time, cfg Config) (*Report, error) {
	e := Evaluator{Config: cfg}
	return e.Evaluate(tel, inc, asOf)
}
