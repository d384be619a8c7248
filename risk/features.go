package risk

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FeatureConfig configures [Extract]. The zero FeatureConfig is ready to
// use: a one-year half-life, a one-year telemetry window, raw numeric
// attributes and rare categorical levels (under 1 % of units) pooled.
type FeatureConfig struct {
	// HalfLife is the half-life of the time decay applied to violations
	// and incidents: a record dated d before asOf weighs 2^(−d/HalfLife).
	// Zero means 365 days.
	HalfLife time.Duration
	// TelemetryWindow is how far back telemetry events are counted. Zero
	// means 365 days.
	TelemetryWindow time.Duration
	// LogAttrs applies log1p to every numeric unit attribute whose values
	// are all ≥ 0 (floor area, occupants…); the column is then named
	// "attr_log1p_<name>" instead of "attr_<name>".
	LogAttrs bool
	// RareLevelShare pools the levels of a categorical attribute held by
	// fewer than this share of units into one level "other". Zero means
	// 0.01; a negative value disables pooling.
	RareLevelShare float64
	// CodePrefix, if positive, adds one decayed count of violations per
	// code group, a group being the first CodePrefix characters of the
	// violation code (e.g. 4 groups "XF-301" as "XF-3"); the columns are
	// named "hist_code_<group>_decayed" and appended last, in group order.
	CodePrefix int
	// NoDistricts omits the district one-hot columns.
	NoDistricts bool
	// Attrs restricts the unit attributes turned into features to these
	// names. Nil means every attribute; an empty non-nil slice means none.
	Attrs []string
}

func (c FeatureConfig) halfLife() time.Duration {
	if c.HalfLife > 0 {
		return c.HalfLife
	}
	return 365 * 24 * time.Hour
}

func (c FeatureConfig) window() time.Duration {
	if c.TelemetryWindow > 0 {
		return c.TelemetryWindow
	}
	return 365 * 24 * time.Hour
}

func (c FeatureConfig) rareShare() float64 {
	if c.RareLevelShare == 0 {
		return 0.01
	}
	return c.RareLevelShare
}

// Table is a feature table: one row per unit, one named column per
// feature, stored row-major in X (X[i*len(Names)+j] is feature j of unit
// i) so that scoring streams through memory once. A Table is plain data:
// safe for concurrent reads; do not modify it while it is being scored.
type Table struct {
	Names   []string
	UnitIDs []string
	X       []float64
}

// NewTable builds a table from its parts, checking that the shapes agree,
// that names are unique and non-empty and that every value is finite. It
// returns an error wrapping [ErrBadFeature] naming the feature and unit
// of the first non-finite value. The slices are kept, not copied.
func NewTable(names, unitIDs []string, x []float64) (*Table, error) {
	if len(x) != len(names)*len(unitIDs) {
		return nil, fmt.Errorf("risk: table has %d values, want %d units × %d features: %w",
			len(x), len(unitIDs), len(names), ErrFeatureMismatch)
	}
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if n == "" || seen[n] {
			return nil, fmt.Errorf("risk: feature name %q empty or repeated: %w", n, ErrFeatureMismatch)
		}
		seen[n] = true
	}
	t := &Table{Names: names, UnitIDs: unitIDs, X: x}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Validate returns an error wrapping [ErrBadFeature] that names the
// feature and unit of the first NaN or infinite value, or nil.
func (t *Table) Validate() error {
	for k, v := range t.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return t.badValue(k, v)
		}
	}
	return nil
}

func (t *Table) badValue(k int, v float64) error {
	p := len(t.Names)
	i, j := k/p, k%p
	return fmt.Errorf("risk: feature %q of unit %q (row %d): value %v: %w", t.Names[j], t.UnitIDs[i], i, v, ErrBadFeature)
}

// Rows returns the number of units.
func (t *Table) Rows() int { return len(t.UnitIDs) }

// Cols returns the number of features.
func (t *Table) Cols() int { return len(t.Names) }

// At returns feature j of unit i.
func (t *Table) At(i, j int) float64 { return t.X[i*len(t.Names)+j] }

// Row returns the features of unit i. The slice is shared with the table.
func (t *Table) Row(i int) []float64 {
	p := len(t.Names)
	return t.X[i*p : (i+1)*p : (i+1)*p]
}

// Index returns the column of the named feature and whether it exists.
func (t *Table) Index(name string) (int, bool) {
	j := slices.Index(t.Names, name)
	return j, j >= 0
}

// Col returns a copy of the named column and whether it exists.
func (t *Table) Col(name string) ([]float64, bool) {
	j, ok := t.Index(name)
	if !ok {
		return nil, false
	}
	p := len(t.Names)
	out := make([]float64, t.Rows())
	for i := range out {
		out[i] = t.X[i*p+j]
	}
	return out, true
}

// Select returns a new table holding only the named columns, in the order
// given. It returns an error wrapping [ErrFeatureMismatch] naming the
// first missing feature.
func (t *Table) Select(names ...string) (*Table, error) {
	idx := make([]int, len(names))
	for k, n := range names {
		j, ok := t.Index(n)
		if !ok {
			return nil, fmt.Errorf("risk: feature %q not in table: %w", n, ErrFeatureMismatch)
		}
		idx[k] = j
	}
	p, q := t.Cols(), len(names)
	x := make([]float64, t.Rows()*q)
	for i := range t.UnitIDs {
		for k, j := range idx {
			x[i*q+k] = t.X[i*p+j]
		}
	}
	return &Table{Names: slices.Clone(names), UnitIDs: t.UnitIDs, X: x}, nil
}

// SubsetRows returns a new table holding the given rows, in order.
func (t *Table) SubsetRows(rows []int) *Table {
	p := t.Cols()
	ids := make([]string, len(rows))
	x := make([]float64, len(rows)*p)
	for k, i := range rows {
		ids[k] = t.UnitIDs[i]
		copy(x[k*p:(k+1)*p], t.X[i*p:(i+1)*p])
	}
	return &Table{Names: t.Names, UnitIDs: ids, X: x}
}

// Source prefixes of the feature names produced by [Extract]. Every
// feature name starts with one of them, so that a caller can select the
// columns of one source with [SourceColumns].
const (
	PrefixTelemetry = "tel_"
	PrefixHistory   = "hist_"
	PrefixIncidents = "inc_"
	PrefixCredit    = "cred_"
	PrefixFlags     = "flag_"
	PrefixCategory  = "cat_"
	PrefixDistrict  = "dist_"
	PrefixAttr      = "attr_"
)

// SourceColumns returns the names in t that start with any of the given
// prefixes, in table order.
func SourceColumns(t *Table, prefixes ...string) []string {
	var out []string
	for _, n := range t.Names {
		for _, p := range prefixes {
			if strings.HasPrefix(n, p) {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// telemetryKinds lists the event kinds counted per device-month, with
// their column stems.
var telemetryKinds = []struct {
	kind EventKind
	stem string
}{
	{FireAlarm, "fire_alarm"}, {FalseAlarm, "false_alarm"}, {Fault, "fault"}, {Shielded, "shielded"},
	{Supervisory, "supervisory"}, {Offline, "offline"}, {PowerFault, "power_fault"},
	{PressureLow, "pressure_low"}, {ResidualCurrentHigh, "residual_current_high"},
	{TemperatureHigh, "temperature_high"},
}

// Fixed feature names. Rates are per device-month over the telemetry
// window; decayed counts weigh each record 2^(−age/HalfLife).
const (
	FeatTelMissing      = "tel_missing"                  // 1 if the unit reported no telemetry event before asOf (no devices)
	FeatTelDevices      = "tel_devices"                  // distinct device IDs seen before asOf
	FeatTelShareDown    = "tel_share_devices_down"       // share of devices offline or faulty (unrestored) at asOf
	FeatTelTrouble      = "tel_trouble_per_device_month" // fault, power-fault, shielded, offline and pressure-low events together
	FeatTelRestoreHours = "tel_mean_restore_hours"       // mean hours from a fault to its restored event
	FeatTelPressureLowH = "tel_pressure_low_hours"       // hours of low water pressure in the window
	FeatHistMissing     = "hist_missing"                 // 1 if never inspected before asOf
	FeatHistMinor       = "hist_minor_decayed"           // decayed count of minor violations
	FeatHistGeneral     = "hist_general_decayed"         // decayed count of general violations
	FeatHistMajor       = "hist_major_decayed"           // decayed count of major violations
	FeatHistOpen        = "hist_open"                    // violations still unrectified at asOf
	FeatHistOpenMajor   = "hist_open_major"              // major violations still unrectified at asOf
	FeatHistOverdue     = "hist_overdue"                 // open violations whose deadline has passed
	FeatHistDaysSince   = "hist_days_since_inspection"
	FeatHistLastFailed  = "hist_last_failed"               // 1 if the last inspection failed
	FeatHistInspections = "hist_inspections_decayed"       // decayed count of inspections, any reason
	FeatHistComplaints  = "hist_complaints_decayed"        // decayed count of complaint-driven inspections
	FeatHistViolPerInsp = "hist_violations_per_inspection" // violations found per inspection
	FeatHistMajorShare  = "hist_major_share"               // share of violations that were major
	FeatHistLateShare   = "hist_late_share"                // share of violations with a deadline fixed late or overdue
	FeatIncFire         = "inc_fire_decayed"
	FeatIncFalseAlarm   = "inc_false_alarm_decayed"
	FeatCredMissing     = "cred_missing"   // 1 if no credit record before asOf
	FeatCredGrade       = "cred_grade"     // 0 = A … 3 = D, latest record
	FeatCredDishonest   = "cred_dishonest" // serious-dishonesty list
	FeatCredPenalties   = "cred_penalties"
	FeatKeyUnit         = "flag_key_unit"
	FeatCrowdedPlace    = "flag_crowded_place"
	FeatHighFireRisk    = "flag_high_fire_risk"
)

// TelemetryRateName returns the feature name of the per-device-month rate
// of an event kind, e.g. "tel_fault_per_device_month", and false for
// kinds that have no rate column (Restored).
func TelemetryRateName(k EventKind) (string, bool) {
	for _, tk := range telemetryKinds {
		if tk.kind == k {
			return PrefixTelemetry + tk.stem + "_per_device_month", true
		}
	}
	return "", false
}

// CategoryName returns the one-hot feature name of a category, e.g.
// "cat_street-shop".
func CategoryName(c Category) string { return PrefixCategory + c.String() }

// fixedNames returns the names of the columns that do not depend on the
// data, in table order.
func fixedNames() []string {
	names := []string{FeatTelMissing, FeatTelDevices}
	for _, tk := range telemetryKinds {
		n, _ := TelemetryRateName(tk.kind)
		names = append(names, n)
	}
	names = append(names, FeatTelTrouble, FeatTelShareDown, FeatTelRestoreHours, FeatTelPressureLowH,
		FeatHistMissing, FeatHistMinor, FeatHistGeneral, FeatHistMajor, FeatHistOpen, FeatHistOpenMajor,
		FeatHistOverdue, FeatHistDaysSince, FeatHistLastFailed,
		FeatHistInspections, FeatHistComplaints, FeatHistViolPerInsp, FeatHistMajorShare, FeatHistLateShare,
		FeatIncFire, FeatIncFalseAlarm,
		FeatCredMissing, FeatCredGrade, FeatCredDishonest, FeatCredPenalties,
		FeatKeyUnit, FeatCrowdedPlace, FeatHighFireRisk)
	for _, c := range Categories() {
		names = append(names, CategoryName(c))
	}
	return names
}

// Column offsets of the fixed features.
const (
	colTelMissing = 0
	colTelDevices = 1
	colTelRate0   = 2
)

var (
	colTelTrouble   = colTelRate0 + len(telemetryKinds)
	colTelShareDown = colTelTrouble + 1
	colTelRestore   = colTelShareDown + 1
	colTelPressure  = colTelShareDown + 2
	colHistMissing  = colTelShareDown + 3
	colHistMinor    = colHistMissing + 1 // + severity
	colHistOpen     = colHistMissing + 4
	colHistOpenMaj  = colHistMissing + 5
	colHistOverdue  = colHistMissing + 6
	colHistDays     = colHistMissing + 7
	colHistLastFail = colHistMissing + 8
	colHistInsp     = colHistMissing + 9
	colHistCompl    = colHistMissing + 10
	colHistVPI      = colHistMissing + 11
	colHistMajShare = colHistMissing + 12
	colHistLate     = colHistMissing + 13
	colIncFire      = colHistMissing + 14
	colIncFalse     = colIncFire + 1
	colCredMissing  = colIncFire + 2
	colCredGrade    = colCredMissing + 1
	colCredDishon   = colCredMissing + 2
	colCredPen      = colCredMissing + 3
	colKey          = colCredMissing + 4
	colCrowded      = colKey + 1
	colHighRisk     = colKey + 2
	colCat0         = colKey + 3
	numFixed        = colCat0 + int(numCategories)
)

// Extract computes one row of features per unit of rec.Units (in that
// order) from the records dated strictly before asOf; later records are
// ignored, so that adding them changes nothing (no leakage from the
// future). A violation counts as open at asOf unless it was rectified
// strictly before asOf.
//
// Columns, in order (see the Feat* constants):
//
//   - telemetry: tel_missing; tel_devices (distinct device IDs seen);
//     tel_<kind>_per_device_month for fire alarms, false alarms, faults,
//     shielded, supervisory, offline, power faults, pressure-low,
//     residual-current-high and temperature-high events in the window
//     [asOf−TelemetryWindow, asOf), divided by the capable devices × the
//     months observed. The capable devices are the unit's devices of the
//     device types that reported this kind anywhere in the input before
//     asOf (so residual-current alarms are counted per residual-current
//     monitor, not diluted by smoke detectors); the rate is 0 without a
//     capable device. Months run from the later of the window start and
//     the unit's first event to asOf, at least one month of 365.25/12
//     days;
//     tel_trouble_per_device_month (fault, power-fault, shielded, offline
//     and pressure-low events together); tel_share_devices_down (share of
//     devices whose last fault-type or offline event has no later restored
//     event); tel_mean_restore_hours (mean hours from the first
//     fault-type event of an episode — fault, power fault, shielded or
//     offline — to the device's next restored event, over the restored
//     episodes started in the window; episodes never restored show in
//     tel_share_devices_down instead); tel_pressure_low_hours (hours in
//     the window between a pressure-low event and the device's next
//     restored event). A restored event closes every open episode of its
//     device. Events of one device are paired in time order, ties broken
//     by kind, whatever the input order.
//   - violation history: decayed counts of violations by severity; open,
//     open major and overdue (open past a deadline before asOf) violations,
//     each code counted once per unit because every re-inspection lists
//     the violations still open again; days since the last inspection;
//     whether it failed (a failure wins a tie of dates); decayed counts of
//     inspections and of complaint visits; violations per inspection,
//     share of major violations, share of violations with a past deadline
//     rectified late or still open. Findings of re-inspections (Reason
//     Reinspection) are not new findings: they count only as open or
//     overdue. With CodePrefix, decayed counts per code group.
//   - incidents: decayed counts of fires and false alarms. Incidents are an
//     event log: no incident means none happened, so they have no missing
//     indicator.
//   - credit, from the latest record (ties: the worst grade, any dishonest
//     flag, the most penalties): grade 0 (A) … 3 (D), dishonesty flag,
//     penalties.
//   - unit flags (key unit, crowded place, high fire risk) and one column
//     per category (one-hot, every category, so that the names do not
//     depend on the data); unless NoDistricts, one column per district
//     "dist_<name>" ("dist_none" for an empty district, rare ones pooled
//     as "dist_other").
//   - attributes (sorted by name): numeric ones as "attr_<name>" (or
//     "attr_log1p_<name>"), categorical ones one-hot as
//     "attr_<name>=<level>" with rare levels pooled as
//     "attr_<name>=other"; an attribute missing for some unit adds a
//     column "attr_<name>_missing", and its value is then the median of
//     the units that have it (numeric) or all zeros (categorical).
//
// Missing sources: a unit with no telemetry (no devices), no inspection
// or no credit record has the indicator tel_missing, hist_missing or
// cred_missing set to 1 and every other feature of that source set to the
// neutral value 0. A unit with only attributes and incidents therefore
// still gets a complete row.
//
// Extract returns a *RecordError wrapping [ErrDuplicateID] or
// [ErrUnknownUnit] for a duplicate unit or a record of an unknown unit (at
// any date), or [ErrBadEnum] for an out-of-range event kind, device type,
// severity or grade, and an error wrapping [ErrBadFeature] naming the unit and attribute of
// a non-finite numeric attribute. It does not modify rec. Telemetry is
// aggregated by 2 goroutines; the result does not depend on their
// scheduling.
func Extract(rec *Records, asOf time.Time, cfg FeatureConfig) (*Table, error) {
	index, ids, err := indexUnits(rec.Units)
	if err != nil {
		return nil, err
	}
	ex, err := newExtractor(rec, index, asOf, cfg)
	if err != nil {
		return nil, err
	}
	tel, err := aggregateTelemetry(rec.Telemetry, rec.Units, index, asOf, cfg.window())
	if err != nil {
		return nil, err
	}
	tel.fill(ex.x, ex.p)
	hist := newHistory(ex.n)
	if err := ex.inspections(hist); err != nil {
		return nil, err
	}
	ex.openViolations(hist)
	ex.codeGroups(hist)
	ex.historyRatios(hist)
	if err := ex.incidents(); err != nil {
		return nil, err
	}
	if err := ex.credit(); err != nil {
		return nil, err
	}
	ex.unitColumns()
	return &Table{Names: ex.names, UnitIDs: ids, X: ex.x}, nil
}

// indexUnits maps each unit ID to its row, rejecting empty and repeated
// IDs.
func indexUnits(units []Unit) (map[string]int32, []string, error) {
	index := make(map[string]int32, len(units))
	ids := make([]string, len(units))
	for i := range units {
		id := units[i].ID
		if id == "" {
			return nil, nil, &RecordError{Source: "units", Column: "id", Err: ErrMissingValue}
		}
		if _, dup := index[id]; dup {
			return nil, nil, &RecordError{Source: "units", Column: "id", RecordID: id, Value: id, Err: ErrDuplicateID}
		}
		index[id] = int32(i)
		ids[i] = id
	}
	return index, ids, nil
}

// extractor holds the table being built by [Extract]: x is n × p, row
// major, with the columns names.
type extractor struct {
	rec      *Records
	cfg      FeatureConfig
	index    map[string]int32
	asOf     time.Time
	asOfN    int64
	halfLife float64
	n, p     int
	names    []string
	x        []float64
	attrs    []*attrPlan
	attrBase int       // first attribute column
	dist     *attrPlan // nil with NoDistricts
	credSeen []bool    // a credit record before asOf was found
}

// newExtractor plans the columns (fixed, districts, attributes) and
// allocates the table.
func newExtractor(rec *Records, index map[string]int32, asOf time.Time, cfg FeatureConfig) (*extractor, error) {
	attrs, err := planAttrs(rec.Units, cfg)
	if err != nil {
		return nil, err
	}
	ex := &extractor{rec: rec, cfg: cfg, index: index, asOf: asOf, asOfN: asOf.UnixNano(),
		halfLife: float64(cfg.halfLife()), n: len(rec.Units), names: fixedNames(), attrs: attrs}
	if !cfg.NoDistricts {
		ex.dist = planDistricts(rec.Units, cfg.rareShare())
		for _, l := range ex.dist.levels {
			ex.names = append(ex.names, PrefixDistrict+l)
		}
		if ex.dist.other {
			ex.names = append(ex.names, PrefixDistrict+"other")
		}
	}
	ex.attrBase = len(ex.names)
	for _, a := range attrs {
		ex.names = append(ex.names, a.columns()...)
	}
	ex.p = len(ex.names)
	ex.x = make([]float64, ex.n*ex.p)
	return ex, nil
}

// decay returns the weight of a record dated t: 1/2 per half-life
// before asOf.
func (ex *extractor) decay(t time.Time) float64 {
	return math.Exp2(-float64(ex.asOfN-t.UnixNano()) / ex.halfLife)
}

// row returns the features of unit u.
func (ex *extractor) row(u int) []float64 { return ex.x[u*ex.p : (u+1)*ex.p] }

// lookup returns the row of the unit with the given ID, or an
// ErrUnknownUnit naming the source.
func (ex *extractor) lookup(source, id string) (int, error) {
	u, ok := ex.index[id]
	if !ok {
		return 0, &RecordError{Source: source, Column: "unit_id", RecordID: id, Value: id, Err: ErrUnknownUnit}
	}
	return int(u), nil
}

// history is the state of the violation-history columns while the
// inspections are read.
type history struct {
	inspected []bool  // an inspection before asOf was found
	last      []int64 // date of the last inspection
	counts    []histCount
	openSet   map[openKey]uint8
	anon      []openViol // open violations without a code, then all
	codeCols  map[string]int
}

type histCount struct{ insp, viol, major, due, late int32 }

type openKey struct {
	unit int32
	code string
}

type openViol struct {
	unit  int32
	flags uint8 // 1 open, 2 major, 4 overdue
}

func newHistory(n int) *history {
	return &history{inspected: make([]bool, n), last: make([]int64, n), counts: make([]histCount, n), openSet: map[openKey]uint8{}}
}

// inspections adds every inspection before asOf to the history columns
// and to h.
func (ex *extractor) inspections(h *history) error {
	if ex.cfg.CodePrefix > 0 {
		h.codeCols = map[string]int{}
	}
	for i := range ex.rec.Inspections {
		in := &ex.rec.Inspections[i]
		u, err := ex.lookup("inspections", in.UnitID)
		if err != nil {
			return err
		}
		if !in.Date.Before(ex.asOf) {
			continue
		}
		row := ex.row(u)
		dn := in.Date.UnixNano()
		failed := boolF(in.Result == Fail)
		switch {
		case !h.inspected[u] || dn > h.last[u]:
			h.last[u] = dn
			row[colHistLastFail] = failed
		case dn == h.last[u]:
			row[colHistLastFail] = max(row[colHistLastFail], failed)
		}
		h.inspected[u] = true
		w := ex.decay(in.Date)
		row[colHistInsp] += w
		if in.Reason == Complaint {
			row[colHistCompl] += w
		}
		// Re-inspections list the violations still open: they count as
		// open or overdue but not as new findings per visit.
		first := in.Reason != Reinspection
		if first {
			h.counts[u].insp++
		}
		for _, v := range in.Violations {
			if err := ex.violation(h, u, in, v, w, first); err != nil {
				return err
			}
		}
	}
	return nil
}

// violation adds violation v of inspection in (weight w; first unless a
// re-inspection) of unit u.
func (ex *extractor) violation(h *history, u int, in *Inspection, v Violation, w float64, first bool) error {
	if v.Severity >= numSeverities {
		return &RecordError{Source: "inspections", Column: "severity", RecordID: in.UnitID,
			Value: v.Severity.String(), Err: ErrBadEnum}
	}
	open := v.Rectified.IsZero() || !v.Rectified.Before(ex.asOf)
	overdue := !v.Deadline.IsZero() && v.Deadline.Before(ex.asOf)
	if open {
		// The same open violation is listed again by every
		// re-inspection: count each code once per unit.
		var f uint8 = 1
		if v.Severity == Major {
			f |= 2
		}
		if overdue {
			f |= 4
		}
		if v.Code == "" {
			h.anon = append(h.anon, openViol{int32(u), f})
		} else {
			h.openSet[openKey{int32(u), v.Code}] |= f
		}
	}
	if !first {
		return nil
	}
	ex.x[u*ex.p+colHistMinor+int(v.Severity)] += w
	c := &h.counts[u]
	c.viol++
	if v.Severity == Major {
		c.major++
	}
	if overdue {
		c.due++
		if open || v.Rectified.After(v.Deadline) {
			c.late++
		}
	}
	if h.codeCols != nil {
		h.codeCols[codeGroup(v.Code, ex.cfg.CodePrefix)] = 0
	}
	return nil
}

// openViolations counts the open, open major and overdue violations.
func (ex *extractor) openViolations(h *history) {
	for k, f := range h.openSet {
		h.anon = append(h.anon, openViol{k.unit, f})
	}
	for _, o := range h.anon {
		row := ex.row(int(o.unit))
		row[colHistOpen]++
		if o.flags&2 != 0 {
			row[colHistOpenMaj]++
		}
		if o.flags&4 != 0 {
			row[colHistOverdue]++
		}
	}
}

// codeGroups appends one decayed-count column per violation code group
// after the attributes, widening the table.
func (ex *extractor) codeGroups(h *history) {
	codes := make([]string, 0, len(h.codeCols))
	for g := range h.codeCols {
		codes = append(codes, g)
	}
	if len(codes) == 0 {
		return
	}
	sort.Strings(codes)
	codeBase := len(ex.names)
	for k, g := range codes {
		h.codeCols[g] = codeBase + k
		ex.names = append(ex.names, PrefixHistory+"code_"+g+"_decayed")
	}
	p := len(ex.names)
	wide := make([]float64, ex.n*p)
	for u := 0; u < ex.n; u++ {
		copy(wide[u*p:u*p+codeBase], ex.x[u*codeBase:(u+1)*codeBase])
	}
	ex.x, ex.p = wide, p
	for i := range ex.rec.Inspections {
		in := &ex.rec.Inspections[i]
		if !in.Date.Before(ex.asOf) || in.Reason == Reinspection {
			continue
		}
		u := int(ex.index[in.UnitID])
		w := ex.decay(in.Date)
		for _, v := range in.Violations {
			ex.x[u*p+h.codeCols[codeGroup(v.Code, ex.cfg.CodePrefix)]] += w
		}
	}
}

// historyRatios sets the missing indicator, the days since the last
// inspection and the per-inspection ratios.
func (ex *extractor) historyRatios(h *history) {
	for u := 0; u < ex.n; u++ {
		row := ex.row(u)
		if !h.inspected[u] {
			row[colHistMissing] = 1
			continue
		}
		c := h.counts[u]
		row[colHistDays] = float64(ex.asOfN-h.last[u]) / float64(24*time.Hour)
		if c.insp > 0 {
			row[colHistVPI] = float64(c.viol) / float64(c.insp)
		}
		if c.viol > 0 {
			row[colHistMajShare] = float64(c.major) / float64(c.viol)
		}
		if c.due > 0 {
			row[colHistLate] = float64(c.late) / float64(c.due)
		}
	}
}

// incidents adds the decayed counts of fires and false alarms.
func (ex *extractor) incidents() error {
	for i := range ex.rec.Incidents {
		in := &ex.rec.Incidents[i]
		u, err := ex.lookup("incidents", in.UnitID)
		if err != nil {
			return err
		}
		if !in.Time.Before(ex.asOf) {
			continue
		}
		switch in.Type {
		case Fire:
			ex.x[u*ex.p+colIncFire] += ex.decay(in.Time)
		case FalseAlarmIncident:
			ex.x[u*ex.p+colIncFalse] += ex.decay(in.Time)
		}
	}
	return nil
}

// credit sets the credit columns from each unit's latest record strictly
// before asOf.
func (ex *extractor) credit() error {
	credT := make([]int64, ex.n)
	ex.credSeen = make([]bool, ex.n)
	for i := range ex.rec.Credit {
		c := &ex.rec.Credit[i]
		u, err := ex.lookup("credit", c.UnitID)
		if err != nil {
			return err
		}
		if !c.AsOf.Before(ex.asOf) {
			continue
		}
		if c.Grade >= numGrades {
			return &RecordError{Source: "credit", Column: "grade", RecordID: c.UnitID, Value: c.Grade.String(), Err: ErrBadEnum}
		}
		row := ex.row(u)
		tn := c.AsOf.UnixNano()
		g, d, pen := float64(c.Grade), boolF(c.Dishonest), float64(c.Penalties)
		switch {
		case !ex.credSeen[u] || tn > credT[u]:
			ex.credSeen[u], credT[u] = true, tn
			row[colCredGrade], row[colCredDishon], row[colCredPen] = g, d, pen
		case tn == credT[u]:
			row[colCredGrade] = max(row[colCredGrade], g)
			row[colCredDishon] = max(row[colCredDishon], d)
			row[colCredPen] = max(row[colCredPen], pen)
		}
	}
	return nil
}

// unitColumns sets the credit missing indicator, the unit flags, the
// category, the district and the attributes.
func (ex *extractor) unitColumns() {
	for u := range ex.rec.Units {
		un := &ex.rec.Units[u]
		row := ex.row(u)
		row[colCredMissing] = boolF(!ex.credSeen[u])
		row[colKey] = boolF(un.KeyUnit)
		row[colCrowded] = boolF(un.CrowdedPlace)
		row[colHighRisk] = boolF(un.HighFireRisk)
		if un.Category < numCategories {
			row[colCat0+int(un.Category)] = 1
		}
		if ex.dist != nil {
			k, ok := ex.dist.level[districtLevel(un.District)]
			if !ok {
				k = len(ex.dist.levels)
			}
			row[numFixed+k] = 1
		}
		col := ex.attrBase
		for _, a := range ex.attrs {
			a.fill(un, row[col:col+a.width()])
			col += a.width()
		}
	}
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// codeGroup returns the group of a violation code: its first n bytes.
func codeGroup(code string, n int) string {
	if len(code) > n {
		return code[:n]
	}
	return code
}

func districtLevel(d string) string {
	if d == "" {
		return "none"
	}
	return d
}

// planDistricts returns the district levels, rare ones pooled.
func planDistricts(units []Unit, rare float64) *attrPlan {
	count := map[string]int{}
	for i := range units {
		count[districtLevel(units[i].District)]++
	}
	lv := make([]string, 0, len(count))
	for l := range count {
		lv = append(lv, l)
	}
	sort.Strings(lv)
	a := &attrPlan{level: map[string]int{}}
	for _, l := range lv {
		if rare > 0 && float64(count[l]) < rare*float64(len(units)) {
			a.other = true
			continue
		}
		a.level[l] = len(a.levels)
		a.levels = append(a.levels, l)
	}
	return a
}

// attrPlan describes how one unit attribute becomes columns.
type attrPlan struct {
	name    string
	numeric bool
	log     bool
	missing bool    // some unit lacks it: add an indicator
	median  float64 // numeric fill value for missing
	levels  []string
	other   bool // rare levels pooled into "other"
	level   map[string]int
}

func (a *attrPlan) width() int {
	w := 1
	if !a.numeric {
		w = len(a.levels) + boolI(a.other)
	}
	return w + boolI(a.missing)
}

func boolI(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (a *attrPlan) columns() []string {
	var out []string
	switch {
	case a.numeric && a.log:
		out = append(out, PrefixAttr+"log1p_"+a.name)
	case a.numeric:
		out = append(out, PrefixAttr+a.name)
	default:
		for _, l := range a.levels {
			out = append(out, PrefixAttr+a.name+"="+l)
		}
		if a.other {
			out = append(out, PrefixAttr+a.name+"=other")
		}
	}
	if a.missing {
		out = append(out, PrefixAttr+a.name+"_missing")
	}
	return out
}

func attrText(v Attr) string {
	if v.Numeric {
		return strconv.FormatFloat(v.Num, 'g', -1, 64)
	}
	return v.Text
}

func (a *attrPlan) fill(u *Unit, dst []float64) {
	v, ok := u.Attr(a.name)
	if !ok {
		if a.numeric {
			dst[0] = a.median
		}
		dst[len(dst)-1] = 1
		return
	}
	if a.numeric {
		dst[0] = v.Num
		if a.log {
			dst[0] = math.Log1p(v.Num)
		}
		return
	}
	k, ok := a.level[attrText(v)]
	if !ok {
		k = len(a.levels) // pooled
	}
	dst[k] = 1
}

// planAttrs decides the attribute columns from every unit's attributes.
func planAttrs(units []Unit, cfg FeatureConfig) ([]*attrPlan, error) {
	type stat struct {
		count   int
		numeric bool
		nonNeg  bool
		nums    []float64
		levels  map[string]int
	}
	stats := map[string]*stat{}
	var want map[string]bool
	if cfg.Attrs != nil {
		want = map[string]bool{}
		for _, a := range cfg.Attrs {
			want[a] = true
		}
	}
	for i := range units {
		for _, a := range units[i].Attrs {
			if want != nil && !want[a.Name] {
				continue
			}
			s := stats[a.Name]
			if s == nil {
				s = &stat{numeric: true, nonNeg: true, levels: map[string]int{}}
				stats[a.Name] = s
			}
			s.count++
			if a.Numeric {
				if math.IsNaN(a.Num) || math.IsInf(a.Num, 0) {
					return nil, fmt.Errorf("risk: attribute %q of unit %q: value %v: %w", a.Name, units[i].ID, a.Num, ErrBadFeature)
				}
				s.nums = append(s.nums, a.Num)
				s.nonNeg = s.nonNeg && a.Num >= 0
			} else {
				s.numeric = false
			}
			s.levels[attrText(a)]++
		}
	}
	keys := make([]string, 0, len(stats))
	for k := range stats {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rare := cfg.rareShare()
	var out []*attrPlan
	for _, k := range keys {
		s := stats[k]
		a := &attrPlan{name: k, numeric: s.numeric, missing: s.count < len(units)}
		if s.numeric {
			a.log = cfg.LogAttrs && s.nonNeg
			vals := s.nums
			if a.log {
				for i, v := range vals {
					vals[i] = math.Log1p(v)
				}
			}
			a.median = medianOf(vals)
		} else {
			a.level = map[string]int{}
			lv := make([]string, 0, len(s.levels))
			for l := range s.levels {
				lv = append(lv, l)
			}
			sort.Strings(lv)
			for _, l := range lv {
				if rare > 0 && float64(s.levels[l]) < rare*float64(len(units)) {
					a.other = true
					continue
				}
				a.level[l] = len(a.levels)
				a.levels = append(a.levels, l)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// median returns the median of v (mean of the middle two for even
// lengths), reordering v; 0 for an empty slice.
func medianOf(v []float64) float64 {
	n := len(v)
	if n == 0 {
		return 0
	}
	hi := selectKth(v, n/2)
	if n%2 == 1 {
		return hi
	}
	lo := v[0]
	for _, w := range v[:n/2] {
		lo = max(lo, w)
	}
	return (lo + hi) / 2
}

// quickselect reorders v so that v[k] is the k-th smallest value, values
// before it are ≤ and values after it are ≥, and returns v[k]
// (Hoare's FIND, with median-of-three pivots).
func selectKth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}
