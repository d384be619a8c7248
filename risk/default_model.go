package risk

// DefaultModel returns the default expert model, for regulators who have
// no outcome labels to fit one yet. It uses only the fixed features of
// [Extract] (no attribute or district columns), so it scores any
// extracted table. Every term is centred at 0, so a contribution is the
// effect relative to a unit with no events, no violations, grade A and no
// flags. Its weights, on the logit scale (a weight of 0.7 doubles the
// odds), encode common inspection practice:
//
//	intercept                                  −3.0   (a unit with nothing on record: about 5 % a year)
//	fire alarms per device-month               bins <0.01 | 0.01–0.05 | ≥0.05        0 | 0.3 | 0.6
//	false alarms per device-month              bins <0.05 | 0.05–0.2 | 0.2–1 | ≥1    0 | 0.1 | 0.3 | 0.5
//	trouble events per device-month            bins <0.05 | 0.05–0.2 | 0.2–1 | ≥1    0 | 0.2 | 0.5 | 0.9
//	residual-current, over-temperature /dev-mo bins <0.05 | 0.05–0.2 | 0.2–1 | ≥1    0 | 0.2 | 0.4 | 0.7
//	share of devices down                      1.0 per unit share
//	mean restore hours                         bins <24 | 24–72 | 72–168 | ≥168      0 | 0.2 | 0.4 | 0.6
//	hours of low water pressure                bins <24 | 24–168 | ≥168              0 | 0.2 | 0.4
//	no IoT devices                             +0.2
//	decayed minor / general / major violations 0.05 / 0.2 / 0.5 each
//	open violations, open major, overdue       0.1, 0.5, 0.3 each
//	share of violations late or overdue        0.5 per unit share
//	last inspection failed                     +0.3
//	days since last inspection                 bins <365 | 365–730 | ≥730            0 | 0.1 | 0.2
//	never inspected                            +0.3
//	decayed fires / false-alarm call-outs      0.7 / 0.2 each
//	credit grade (A=0 … D=3)                   0.3 per grade
//	serious-dishonesty list, penalties         +0.8, 0.15 each
//	no credit record                           +0.1
//	high fire risk, crowded place, key unit    +0.5, +0.2, +0.2
//	category                                   industrial, warehouse +0.3; nine-small-places,
//	                                           underground +0.2; crowded-place, high-rise +0.1;
//	                                           residential −0.2; school −0.3
//
// Each call returns a new Model that the caller may modify.
func DefaultModel() *Model {
	lin := func(f string, c float64) Term { return Term{Feature: f, Coef: c} }
	bins := func(f string, edges, effects []float64) Term { return Term{Feature: f, Edges: edges, Effects: effects} }
	rate := func(k EventKind) string { n, _ := TelemetryRateName(k); return n }
	return &Model{
		Name:      "default expert weights",
		Intercept: -3.0,
		Terms: []Term{
			bins(rate(FireAlarm), []float64{0.01, 0.05}, []float64{0, 0.3, 0.6}),
			bins(rate(FalseAlarm), []float64{0.05, 0.2, 1}, []float64{0, 0.1, 0.3, 0.5}),
			bins(FeatTelTrouble, []float64{0.05, 0.2, 1}, []float64{0, 0.2, 0.5, 0.9}),
			bins(rate(ResidualCurrentHigh), []float64{0.05, 0.2, 1}, []float64{0, 0.2, 0.4, 0.7}),
			bins(rate(TemperatureHigh), []float64{0.05, 0.2, 1}, []float64{0, 0.2, 0.4, 0.7}),
			lin(FeatTelShareDown, 1.0),
			bins(FeatTelRestoreHours, []float64{24, 72, 168}, []float64{0, 0.2, 0.4, 0.6}),
			bins(FeatTelPressureLowH, []float64{24, 168}, []float64{0, 0.2, 0.4}),
			lin(FeatTelMissing, 0.2),
			lin(FeatHistMinor, 0.05),
			lin(FeatHistGeneral, 0.2),
			lin(FeatHistMajor, 0.5),
			lin(FeatHistOpen, 0.1),
			lin(FeatHistOpenMajor, 0.5),
			lin(FeatHistOverdue, 0.3),
			lin(FeatHistLateShare, 0.5),
			lin(FeatHistLastFailed, 0.3),
			bins(FeatHistDaysSince, []float64{365, 730}, []float64{0, 0.1, 0.2}),
			lin(FeatHistMissing, 0.3),
			lin(FeatIncFire, 0.7),
			lin(FeatIncFalseAlarm, 0.2),
			lin(FeatCredGrade, 0.3),
			lin(FeatCredDishonest, 0.8),
			lin(FeatCredPenalties, 0.15),
			lin(FeatCredMissing, 0.1),
			lin(FeatHighFireRisk, 0.5),
			lin(FeatCrowdedPlace, 0.2),
			lin(FeatKeyUnit, 0.2),
			lin(CategoryName(Industrial), 0.3),
			lin(CategoryName(Warehouse), 0.3),
			lin(CategoryName(NineSmallPlaces), 0.2),
			lin(CategoryName(Underground), 0.2),
			lin(CategoryName(CrowdedPlaceCategory), 0.1),
			lin(CategoryName(HighRise), 0.1),
			lin(CategoryName(Residential), -0.2),
			lin(CategoryName(School), -0.3),
		},
	}
}
