// Package synthcity generates a seeded synthetic city in the record model
// of package risk — units, IoT telemetry, incidents, inspections with
// violations, credit records and inspectors — together with next-year
// outcomes drawn from a latent hazard that the records reflect only partly
// and noisily, so that risk scores can be evaluated against a ground
// truth that is not trivially recoverable.
//
// [Generate] draws a city from a [Config] (zero values are useful: 5,000
// units, 8 districts, as of 2026-01-01); [Default] is the city committed
// in testdata/city (seed [DefaultSeed]); [City.WriteDir] writes it as
// gzip-compressed CSV with the risk writers; [LoadOutcomes] and
// [WriteOutcomesCSV] read and write the ground truth.
//
// # Reproducibility
//
// Every random choice comes from math/rand/v2 PCG streams
// rand.NewPCG(Seed, phase), one per phase (identifiers, units, inspectors,
// inspections, credit, incidents, telemetry, outcomes), consumed in unit
// order; nothing iterates over a map or reads the clock. So the same
// Config gives the same city, NoTelemetry or IoTShare change only the
// telemetry, and the first k units of a city do not depend on Units.
// Written floats are rounded to a few decimals (coordinates 6, hazards 6,
// MPa 2, °C 1). The arithmetic is float64 with the math package, whose
// Exp and Log are exact to within one ulp but may differ in the last bit
// between architectures (and the compiler may fuse multiply-adds on some);
// such a difference can change an output only when a draw or a rounding
// lands within 1e-16 of a boundary, which for the default city has
// probability far below 1e-6. The golden test pins the bytes on amd64.
//
// # Units
//
// A unit's category is drawn with the shares below; its district with
// weights 0.5 + U(0,1) drawn once per district. Names are Chinese and
// composed from the district, an owner's surname or a brand and a
// business ("西湖区老王烧烤店", "滨江瑞丰纺织有限公司"). IDs are 18-character
// unified social credit codes (GB 32100-2015) with valid check characters:
// "91" (company) or "92" (individual business, 60 % of small places and
// shops), a division code 3301xx of the district, an 8-digit organisation
// code from an affine bijection of the unit number (so IDs are unique and
// scattered), its GB 11714 check character and the final check character.
// Coordinates scatter (σ ≈ 2 km) around district centres that ring the city
// centre (30.2741° N, 120.1551° E).
//
//	category           share  area median, σ(log)  floors  built  key     crowded  high-risk  sprinkl.  base  mgmt
//	industrial          8 %     2500 m², 1.0        1–5    2005   area*    0        8 %       35 %     0.4   0
//	warehouse           5 %     3000 m², 0.9        1–3    2008   area*    0        8 %       35 %     0.3  −0.1
//	nine-small-places  38 %      120 m², 0.6        1–3    1998   0.5 %   30 %      0.5 %      3 %     0.5  −0.3
//	street-shop        27 %       80 m², 0.5        1–2    2000   0.2 %   10 %      0.5 %      2 %     0.0  −0.1
//	high-rise           4 %    30000 m², 0.6       18–60   2008   25 %    10 %     10 %       85 %     0.2   0.1
//	underground         2 %     5000 m², 0.8        1–3    2005   20 %    40 %     15 %       60 %     0.5   0
//	crowded-place       4 %     8000 m², 0.9        2–8    2006   35 %   100 %     15 %       60 %     0.3   0
//	hospital            1 %    20000 m², 0.8        3–20   2002   50 %   100 %     10 %       70 %     0.1   0.3
//	school              2 %    12000 m², 0.6        3–6    2003   40 %   100 %      0.5 %     30 %    −0.5   0.3
//	residential         5 %    15000 m², 0.7        6–33   2004    2 %     0        0.5 %     30 %    −0.3   0
//	other               4 %      500 m², 1.0        1–3    1995    2 %     0        0.5 %     10 %    −0.2   0
//
// (*) An industrial unit or warehouse is a key unit when its standardised
// log floor area z_A exceeds 1.4 (the largest 8 %). In the default city 5.6 %
// of units are key units and 2.8 % high-fire-risk units; 65 % are nine-small
// places or street shops.
//
// Free attributes (sorted by name): construction ("reinforced-concrete",
// "brick", "steel", "timber-mixed"; brick and timber are commoner in small
// places and before 1990), floor_area = max(10, median·exp(σ·z_A)) rounded
// to m², floors (skewed to the low end of the range), occupants =
// area/density·exp(0.3·N(0,1)), sprinklers (0/1; +30 points above
// 5,000 m²) and year_built = mean + 10·N(0,1) within [1960, AsOf−1].
//
// # The hazard model
//
// Every unit k has three latent variables that no record states:
//
//	e_k ~ N(0, 0.3²)                                    hidden electrical hazard
//	h_k = base_c + 0.3·z_A + 0.025·(age − 25) − 0.35·sprinklers
//	      + 0.5·high_fire_risk + κ_construction + e_k     physical hazard
//	m_k = mgmt_c + 0.35·key_unit + δ_district + N(0, 1)   management quality (higher is better)
//	ε_k ~ N(0, 0.2²)                                    noise no record reveals
//
// with κ = 0.6 (timber-mixed), 0.2 (brick), 0.1 (steel), 0 (reinforced
// concrete) and δ_district ~ N(0, 0.25²). The true hazard is
//
//	η_k = −2.7 + 1.3·h_k − 0.65·m_k + ε_k,    p_k = logistic(η_k)
//
// (Outcome.Hazard, rounded to 6 decimals; mean about 0.14). Every record
// of the history is drawn from h_k, m_k and e_k but never from ε_k (past
// fires use p̃_k = logistic(η_k − ε_k)); so the attributes reveal h_k but
// not e_k, and the three sources each carry a partial, noisy signal:
//
//   - Telemetry (one year, equipped units only) reveals m_k through fault,
//     offline, shielded, power-fault and pressure-low rates (factor
//     exp(−1.2·m_k + 0.2·N)), e_k through residual-current-high and
//     temperature-high rates (factor exp(1.6·e_k + 0.2·N)), and both
//     through false alarms (factor exp(−0.5·m_k + 0.2·h_k + 0.3·N)).
//     Poorly managed units also restore faults later (mean delay
//     24·exp(−0.7·m_k) h) and more often never (5 %·exp(−0.7·m_k)).
//   - Violations (inspections over HistoryYears) reveal m_k and h_k: a
//     visit finds min(8, Poisson(exp(−0.9 − 1.0·m_k + 0.25·h_k + 0.2·N)))
//     violations, each major with probability logistic(−2 − 0.5·m_k +
//     0.4·h_k) (else general with probability 0.45, else minor), with
//     code group weights evacuation 1 (XF-1xx), fire facilities 1.5
//     (XF-2xx), electrical exp(1.5·e_k) (XF-3xx), management
//     exp(−0.5·m_k) (XF-4xx), separation 0.7 (XF-5xx). Rectification
//     deadlines are 30/20/10 days (minor/general/major); 40 % of minor
//     ones are corrected on the spot; a violation is ever rectified with
//     probability logistic(2.2 + 0.8·m_k), on time with probability
//     logistic(1.5 + m_k) and otherwise 1 + 20·Exp(1) days late, and is
//     open if rectified after AsOf.
//   - Credit (95 % of units) reveals m_k: s = 0.7·m_k + 0.2·N(0,1) gives
//     A (s > 0.5), B (> −0.6), C (> −1.45) or D; a D unit is on the
//     serious-dishonesty list with probability 0.3; penalties ~
//     Poisson(0.4·exp(−0.9·m_k) + [D]); as_of is 1–365 days before AsOf.
//
// Next year's outcomes are Fire ~ Bernoulli(0.1·p_k) and MajorViolation
// ~ Bernoulli(p_k) if Fire, else Bernoulli(0.9·p_k/(1 − 0.1·p_k)), so that
// P(Any) = P(Fire ∨ MajorViolation) = p_k exactly.
//
// On the default city the AUC of the true p_k against Any is 0.783 (0.779
// without ε_k, the ceiling of any model on the records). Five-fold
// cross-validated logistic regressions of package risk (Extract with
// LogAttrs and CodePrefix 4, Fit with Lambda 1e-3 and Log1p; see
// risk/city_eval_test.go) reach 0.747 on all records — 0.954 of the truth
// — against 0.613 on telemetry only, 0.666 on the inspection and incident
// history only, 0.667 on credit only and 0.693 on unit attributes only.
// On 40,000 units, where fitting noise is smaller, a model on all records
// reaches about 0.96 of the truth.
//
// # History
//
// Inspections: a unit is visited Poisson(HistoryYears·r) times on uniform
// days, r = (1.5 if key else 0.7) + 1·high_fire_risk + 0.3·crowded_place,
// times exp(0.2·h_k) (past targeting); 15 % of these have reason "other",
// the rest "random". Complaints add Poisson(HistoryYears·0.05·exp(−0.6·m_k))
// visits, every past fire an "incident" visit 1–14 days later, and 70 % of
// failed visits (any general or major violation) a "reinspection" 1–7 days
// after the last deadline that lists the violations still open. Each visit
// has a team of two distinct inspectors covering the district and
// qualified for the category, without a declared conflict with the unit,
// the lead differing from the previous lead.
//
// Incidents over the history: fires ~ Poisson(HistoryYears·0.1·p̃_k) with a
// loss of 8000·exp(0.5·h_k + 1.2·N(0,1)) yuan (rounded to 100) and
// Poisson(0.03 (+0.05 if crowded)) casualties; false alarms ~
// Poisson(HistoryYears·0.04·exp(−0.6·m_k + 0.4·[IoT])); other call-outs ~
// Poisson(HistoryYears·0.01); uniform times.
//
// # Telemetry
//
// A non-key unit has IoT devices with odds odds(IoTShare)·exp(0.3·m_k)
// (0.9 for key units; IoTShare = 0.55 by default): 55 % of the default
// city's units. Devices: one
// transmission device; 2–12 smoke detectors (by floor area); gas (30 %)
// and heat (20 %) detectors in small places; flame detectors (20 %) in
// industry and warehouses; residual-current and cable-temperature
// monitors where electrical risk is typical (small places, shops,
// industry, warehouses, other; half of the rest); water-pressure and
// water-level sensors, a pump, a controller and manual call points in
// large buildings (high-rise, underground, crowded places, hospitals,
// residential, warehouses, or over 2,000 m²). Each device emits, per
// year, Poisson(2.5·base·factor) events of each kind of its type:
// smoke false-alarm 0.5, fault 0.3, shielded 0.05, offline 0.2; pump
// supervisory 2, fault 0.3, power-fault 0.2; transmission device offline
// 2, power-fault 0.4; water pressure pressure-low 1 (0.02–0.09 MPa);
// residual current residual-current-high 1 (300 + 200·Exp(1) mA); cable
// temperature temperature-high 0.8 (60 + 15·Exp(1) °C); and so on (see
// deviceRates). Fire alarms come at the unit's fire rate 0.1·p̃_k. A
// restored event follows faults, offline, power faults, low pressure and
// shielding unless never restored or after AsOf. The default city has
// 76 events per equipped unit and year.
//
// # Inspectors
//
// The pool (one per 40 units, at least 20) belongs to the district fire
// brigades ("上城区消防救援大队", 85 %; 60 % of them qualified for every
// category, the rest for about half), with joint inspectors of the
// emergency management bureau ("应急管理局": industrial, warehouse, other)
// and market regulation ("市场监管局": small places, shops, crowded
// places). Each covers 1–3 districts, every district is covered by at
// least 4 inspectors and every category by at least 3 of them in every
// district. max_per_round is 20–40; leave is 0–2 blocks of 2–7 days in
// the year after AsOf; 15 % declare conflicts with 1–3 units of their
// districts.
//
// # Performance
//
// Generate runs its phases concurrently. For one million units without
// telemetry it needs about 5 s of CPU (a few seconds of wall time on an
// idle 2-core machine) and 1.8 GB; with telemetry (45 million events,
// counted in a first pass so that they are allocated once) about 40 s of
// CPU and a peak of 6 GB. See BenchmarkGenerate.
//
// # Conventions
//
// A City is plain data; Default returns a shared city that the caller
// must not modify. Generate's only errors are invalid Config fields.
package synthcity
