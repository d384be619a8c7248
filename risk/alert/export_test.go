package alert

import (
	"time"

	"github.com/firedraw/firedraw/risk"
)

// TakesNumberedPath reports whether e evaluates tel by device numbers.
func TakesNumberedPath(e *Evaluator, tel []risk.TelemetryEvent, asOf time.Time) bool {
	p, err := e.Config.params()
	if err != nil {
		panic(err)
	}
	p.setFrom(asOf.UnixNano())
	return len(tel) > 0 && tel[0].Device != 0 && e.evaluateNumbered(tel, &p, &Report{AsOf: asOf})
}
