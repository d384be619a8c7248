package content_test

import (
	"fmt"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/content"
)

func ExamplePolicy_Content() {
	shop := risk.Unit{ID: "92330106MA2H00001X", Category: risk.StreetShop}
	rate, _ := risk.TelemetryRateName(risk.ResidualCurrentHigh)
	pr := &content.Profile{
		Unit:  &shop,
		Level: risk.Low,
		Reasons: []risk.Explanation{{Feature: rate, Value: 0.9, Median: 0, Contribution: 0.7,
			Text: "0.9 high residual-current alarms per device-month, city median 0"}},
		Names: []string{risk.FeatCredGrade, risk.FeatHistOpen, risk.FeatTelMissing},
		Row:   []float64{1, 1, 1},
	}
	var p content.Policy
	c, err := p.Content(pr)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Method, "-", c.MethodEN)
	for _, k := range c.Checks {
		fmt.Println(k.Code, k.Focus, k.WhyEN)
	}
	// Output:
	// document-review - low risk, credit grade B, telemetry not enough for a remote check: document review
	// ELE-1 true residual-current alarms: 0.9 high residual-current alarms per device-month, city median 0
	// REC-1 true open violations: 1 unrectified violations, city median 0
	// RSP-1 false a base item of every check
	// FAC-6 false a base item of every check
	// EVA-1 false a base item of every check
}
