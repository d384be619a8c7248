package sampling

import "fmt"

// WarningKind is the kind of caveat an estimator attaches to an Estimate
// when the sample is too small for its usual formula. The estimate is
// still returned: small samples are a fact of life, not an error.
type WarningKind uint8

const (
	// LonelyUnit: a part of the sample (a stratum, a round, or a stratum
	// of a round) holds exactly one unit with π < 1, so a fixed-size
	// variance (Deville's, Sen–Yates–Grundy) is undefined there. The part's
	// variance is the Poisson (with-replacement-like) variance
	// (1−π)(x/π)² of its unit instead, with x the unit's contribution
	// centred at the whole sample's estimate — conservative, like R's
	// options(survey.lonely.psu = "adjust").
	LonelyUnit WarningKind = iota + 1
	// NoDegreesOfFreedom: the sample has no more units than parts
	// (DF ≤ 0, e.g. a single unit), so no variance can be estimated; the
	// variance is +Inf, a total's or a mean's interval is (−Inf, +Inf) and
	// a proportion's is [0, 1].
	NoDegreesOfFreedom
	// NoVariation: a proportion estimated as exactly 0 or 1 from units not
	// all taken with certainty, so its estimated variance is 0. Its
	// interval, whatever the method, is the Clopper–Pearson interval for
	// 0 (or n) successes in n trials — the Korn–Graubard interval with the
	// effective sample size set to the actual one (Korn & Graubard 1998).
	NoVariation
	// EmptyDomain: no sampled unit falls in the domain; its mean is NaN.
	EmptyDomain
)

var warningNames = [...]string{
	LonelyUnit:         "one unit with π < 1: Poisson variance used",
	NoDegreesOfFreedom: "no degrees of freedom: variance undefined",
	NoVariation:        "no variation in the sample: Clopper–Pearson interval",
	EmptyDomain:        "no sampled unit in the domain",
}

func (k WarningKind) String() string {
	if k > 0 && int(k) < len(warningNames) {
		return warningNames[k]
	}
	return fmt.Sprintf("WarningKind(%d)", uint8(k))
}

// Warning is one caveat about an Estimate: its kind and the part of the
// sample it concerns ("" for the whole sample, else e.g. "stratum High" or
// "round 3, stratum High").
type Warning struct {
	Kind WarningKind
	Part string
}

// String returns the warning as text, e.g. "stratum High: one unit with
// π < 1: Poisson variance used".
func (w Warning) String() string {
	if w.Part == "" {
		return w.Kind.String()
	}
	return w.Part + ": " + w.Kind.String()
}

// addWarning appends w to ws unless it is there already.
func addWarning(ws []Warning, w Warning) []Warning {
	for _, x := range ws {
		if x == w {
			return ws
		}
	}
	return append(ws, w)
}
