package schedule

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/schedule")

var (
	testDistricts  = []string{"east", "west", "north"}
	testCategories = []risk.Category{risk.Industrial, risk.StreetShop, risk.School, risk.HighRise}
)

// city builds n units (levels cycling, frequencies by level) and a pool of
// m inspectors, each covering two districts and two or three categories.
func city(n, m int, seed uint64) ([]risk.Unit, []risk.Level, []float64, []risk.Inspector) {
	r := rand.New(rand.NewPCG(seed, 1))
	units := make([]risk.Unit, n)
	levels := make([]risk.Level, n)
	annual := make([]float64, n)
	freq := []float64{0.5, 1, 2, 4}
	for k := range units {
		units[k] = risk.Unit{ID: fmt.Sprintf("U%05d", k), District: testDistricts[r.IntN(3)], Category: testCategories[r.IntN(4)]}
		levels[k] = risk.Level(r.IntN(risk.NumLevels))
		annual[k] = freq[levels[k]]
	}
	insp := make([]risk.Inspector, m)
	for i := range insp {
		insp[i] = risk.Inspector{
			ID:         fmt.Sprintf("I%03d", i),
			Districts:  []string{testDistricts[i%3], testDistricts[(i+1)%3]},
			Categories: []risk.Category{testCategories[i%4], testCategories[(i+1)%4], testCategories[(i+2)%4]},
		}
	}
	return units, levels, annual, insp
}

func testConfig(t *testing.T) *Config {
	t.Helper()
	rs, err := Period(date(2026, 1, 1), 12, Month)
	require.NoError(t, err)
	return &Config{Rounds: rs, Calendar: Calendar{Holidays: []time.Time{date(2026, 1, 1), date(2026, 5, 1)}}}
}

func buildCity(t testing.TB, n, m int, hist []risk.Inspection) (*Frame, *Pool) {
	t.Helper()
	units, levels, annual, insp := city(n, m, 42)
	f, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	return f, p
}

// checkDisclosure checks every invariant of a planned round.
func checkDisclosure(t *testing.T, cfg *Config, f *Frame, p *Pool, d *Disclosure) {
	t.Helper()
	r := cfg.Rounds[d.Round.Number-1]
	require.Len(t, d.all, f.Len(), "every unit has a leaf")
	drawn := 0
	for _, l := range d.all {
		if l.Selected {
			drawn++
		}
		assert.True(t, l.Pi >= 0 && l.Pi <= 1)
		assert.True(t, l.PRN > 0 && l.PRN < 1)
	}
	assert.Equal(t, drawn, len(d.Tasks)+len(d.Excluded))
	for _, s := range d.Strata {
		assert.Less(t, math.Abs(float64(s.Drawn)-s.Expected), 1.0, "stratum %s", s.Key)
	}
	var visits []Visit
	var teams [][]Team
	for i, tk := range d.Tasks {
		if i > 0 {
			assert.Less(t, d.Tasks[i-1].Unit, tk.Unit)
		}
		u, ok := f.Unit(tk.Unit)
		require.True(t, ok)
		assert.True(t, tk.Date >= DayOf(r.Start) && tk.Date < DayOf(r.End), "task date %s outside %s", tk.Date, r)
		assert.True(t, cfg.Calendar.IsWorkingDay(tk.Date.Time()), "task date %s", tk.Date)
		assert.Equal(t, cfg.Calendar.AddWorkingDays(tk.Date.Time(), cfg.resultsDue()), tk.ResultsDue)
		did, err := uuidParse(d.DrawID)
		require.NoError(t, err)
		assert.Equal(t, TaskID(did, tk.Unit).String(), tk.ID)
		visits = append(visits, Visit{UnitID: u.ID, District: u.District, Category: u.Category, LastLead: u.LastLead, Date: tk.Date})
		teams = append(teams, tk.Teams)
	}
	checkTeams(t, p, cfg.Staffing, visits, teams)
}

func TestPlanRound(t *testing.T) {
	cfg := testConfig(t)
	f, p := buildCity(t, 600, 40, nil)
	td := mustDraw(t, cfg, f, p, 2, testSeed(9))
	d := td.d
	checkDisclosure(t, cfg, f, p, d)
	assert.NotEmpty(t, d.Tasks)
	assert.Equal(t, 3, d.Round.Number)
	assert.Equal(t, "2026-03-01", d.Round.First.String())
	assert.Equal(t, "2026-03-31", d.Round.Last.String())
	assert.Equal(t, td.hash, d.Manifest)
	assert.Equal(t, f.Hash(), td.m.Frame.Directory.SHA256)
	assert.Equal(t, p.Hash(), td.m.Frame.Pool.SHA256)
	assert.Equal(t, td.seed.String(), d.Seed, "the seed the log derives")
	assert.Len(t, d.Units, 600, "open mode publishes every leaf")
	assert.Empty(t, d.MerkleRoot, "open mode publishes leaves, not a root")

	// Sealed mode, same seed: the same draw, no leaves, no strata, no π.
	cfg.Sealed = true
	id := drawIdentity{manifest: td.hash, period: "2026"}
	o, err := plan(testConfig(t), f, p, 2, td.seed, id)
	require.NoError(t, err)
	s, err := plan(cfg, f, p, 2, td.seed, id)
	require.NoError(t, err)
	assert.Empty(t, s.Units)
	assert.Empty(t, s.Strata)
	assert.Len(t, s.MerkleRoot, 64)
	require.Len(t, s.Tasks, len(o.Tasks))
	for i := range s.Tasks {
		want := o.Tasks[i]
		want.Pi = 0
		assert.Equal(t, want, s.Tasks[i])
	}
	assert.Equal(t, o.all, s.all)
}

func TestPlanRoundErrors(t *testing.T) {
	f, p := buildCity(t, 300, 30, nil)
	seed := testSeed(9)
	for _, tc := range []struct {
		name  string
		edit  func(cfg *Config) (*Pool, int)
		err   error
		wants []string
	}{
		{"round index", func(cfg *Config) (*Pool, int) { return p, 12 }, ErrBadRound, nil},
		{"overlapping rounds", func(cfg *Config) (*Pool, int) {
			cfg.Rounds[3].Start = date(2026, 3, 15)
			return p, 0
		}, ErrBadRound, []string{"overlaps round 2"}},
		{"not from Period", func(cfg *Config) (*Pool, int) {
			cfg.Rounds = cfg.Rounds[:1]
			cfg.Rounds[0].End = date(2026, 1, 20)
			return p, 0
		}, ErrBadRound, []string{"rounds must come from Period"}},
		{"capacity", func(cfg *Config) (*Pool, int) {
			small, err := NewPool([]risk.Inspector{
				{ID: "a", MaxPerRound: 3, Districts: testDistricts, Categories: testCategories},
				{ID: "b", MaxPerRound: 3, Districts: testDistricts, Categories: testCategories},
			})
			require.NoError(t, err)
			return small, 0
		}, ErrCapacity, []string{"round 0 (2026-01-01..2026-01-31)", "exceed the 6 that the pool can make (2 inspectors, 21 working days"}},
		{"team too large", func(cfg *Config) (*Pool, int) {
			cfg.Staffing.TeamSize = 31
			return p, 0
		}, protocol.ErrManifest, []string{"settings.team_size: 31 outside [1, 16]"}},
		{"pool too small", func(cfg *Config) (*Pool, int) {
			small, err := NewPool([]risk.Inspector{
				{ID: "a", Districts: testDistricts, Categories: testCategories},
				{ID: "b", Districts: testDistricts, Categories: testCategories},
			})
			require.NoError(t, err)
			cfg.Staffing.TeamSize = 3
			return small, 0
		}, ErrPool, []string{"2 inspector(s), fewer than the team size 3"}},
		{"negative due", func(cfg *Config) (*Pool, int) {
			cfg.ResultsDue = -1
			return p, 0
		}, ErrBadInput, nil},
		{"rotation", func(cfg *Config) (*Pool, int) {
			cfg.Mode = Rotation
			return p, 0
		}, protocol.ErrManifest, []string{"only independent rounds are drawn under the protocol"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			pool, round := tc.edit(cfg)
			_, err := draw(cfg, f, pool, round, seed)
			require.ErrorIs(t, err, tc.err)
			for _, w := range tc.wants {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	empty, err := NewFrame(nil, nil, nil, nil)
	require.NoError(t, err)
	_, err = draw(testConfig(t), empty, p, 0, seed)
	assert.ErrorIs(t, err, protocol.ErrManifest, "an empty directory cannot be drawn")

	// The planner refuses inputs other than the manifest's.
	td := mustDraw(t, testConfig(t), f, p, 0, seed)
	g, _ := buildCity(t, 301, 30, nil)
	_, q := buildCity(t, 300, 31, nil)
	for _, tc := range []struct {
		name  string
		frame *Frame
		pool  *Pool
		want  string
	}{
		{"directory", g, p, "the directory given has 301 entries, the manifest fixed 300"},
		{"history", f.After(td.d), p, "the inspection history given hashes to"},
		{"pool", f, q, "the inspector pool given has 31 entries, the manifest fixed 30"},
	} {
		t.Run("manifest "+tc.name, func(t *testing.T) {
			_, err := PlanRound(td.m, tc.frame, tc.pool, td.seed, 0)
			require.ErrorIs(t, err, ErrManifestMismatch)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestPlanRoundOrderIndependent plans the same round from shuffled units,
// history and inspectors: the canonical bytes must not change.
func TestPlanRoundOrderIndependent(t *testing.T) {
	units, levels, annual, insp := city(400, 30, 7)
	hist := []risk.Inspection{
		{ID: "h1", UnitID: "U00003", Date: date(2025, 12, 3), Inspectors: []string{"I001", "I002"}},
		{ID: "h2", UnitID: "U00010", Date: date(2025, 10, 3), Inspectors: []string{"I004", "I002"}},
		{ID: "h3", UnitID: "U00010", Date: date(2026, 1, 13), Inspectors: []string{"I007", "I002"}, Reason: risk.Complaint},
	}
	cfg := testConfig(t)
	cfg.ExcludeVisited = true
	seed := testSeed(3)
	var first []byte
	r := rand.New(rand.NewPCG(5, 5))
	for trial := range 4 {
		if trial > 0 {
			perm := r.Perm(len(units))
			u2, l2, a2 := make([]risk.Unit, len(units)), make([]risk.Level, len(units)), make([]float64, len(units))
			for i, p := range perm {
				u2[i], l2[i], a2[i] = units[p], levels[p], annual[p]
			}
			units, levels, annual = u2, l2, a2
			r.Shuffle(len(insp), func(i, j int) { insp[i], insp[j] = insp[j], insp[i] })
			r.Shuffle(len(hist), func(i, j int) { hist[i], hist[j] = hist[j], hist[i] })
		}
		f, err := NewFrame(units, levels, annual, hist)
		require.NoError(t, err)
		p, err := NewPool(insp)
		require.NoError(t, err)
		b := mustDraw(t, cfg, f, p, 0, seed).bytes
		if trial == 0 {
			first = b
			continue
		}
		assert.True(t, bytes.Equal(first, b), "trial %d differs", trial)
	}
}

// TestPlanPeriodIndependent checks the two promises of independent
// rounds over a year: each unit's inspections average its annual
// frequency and are spaced by the Spacing law; and the next round is not
// a function of what was published before it.
func TestPlanPeriodIndependent(t *testing.T) {
	cfg := testConfig(t)
	f, p := buildCity(t, 3000, 120, nil)
	secrets := make([]string, 12)
	for i := range secrets {
		secrets[i] = testSeed(uint64(100 + i)).String()
	}
	_, ds, err := PlanPeriod(cfg, f, p, testParams(f, p, cfg.Rounds[0].Start), secrets)
	require.NoError(t, err)
	rounds := map[string][]int{}
	for t0, d := range ds {
		checkDisclosure(t, cfg, f, p, d)
		for _, tk := range d.Tasks {
			rounds[tk.Unit] = append(rounds[tk.Unit], t0)
		}
	}
	sum := make([]float64, risk.NumLevels)
	cnt := make([]float64, risk.NumLevels)
	for _, u := range f.Units() {
		sum[u.Level] += float64(len(rounds[u.ID]))
		cnt[u.Level]++
		if pi := u.Annual / 12; pi < 1 {
			lo, hi := NewSpacing(pi, cfg.maxQuiet()).Range()
			rs := rounds[u.ID]
			for i := 1; i < len(rs); i++ {
				g := rs[i] - rs[i-1]
				assert.True(t, g >= lo && g <= hi, "unit %s: gap %d outside [%d, %d]", u.ID, g, lo, hi)
			}
		}
	}
	// Mean yearly count per level against f = 0.5, 1, 2, 4. A unit's count
	// varies by less than ±1.5 around f, so its sd is below 1; 750 units
	// a level give a standard error below 0.037 — tolerance 0.15 (4 se).
	for lv, fr := range []float64{0.5, 1, 2, 4} {
		assert.InDelta(t, fr, sum[lv]/cnt[lv], 0.15, "level %v", risk.Level(lv))
	}

	// Unpredictability: round 5 drawn with another seed (same history,
	// everything about rounds 0–4 published) selects a different set.
	f5 := f
	for _, d := range ds[:5] {
		f5 = f5.After(d)
	}
	d5b := mustDraw(t, cfg, f5, p, 5, testSeed(999)).d
	a, b := unitSet(ds[5]), unitSet(d5b)
	common := 0
	for u := range a {
		if b[u] {
			common++
		}
	}
	// Same π for both draws (they depend on the published history only),
	// hence same expected size; but the sets overlap only by chance.
	assert.InDelta(t, len(a), len(b), float64(len(a))/4)
	assert.Less(t, common, len(a)*3/4, "the selection must depend on the round's own seed")
	// … and that π are a function of the published history: equal leaves π.
	for k := range ds[5].all {
		require.Equal(t, ds[5].all[k].Pi, d5b.all[k].Pi)
	}
}

func unitSet(d *Disclosure) map[string]bool {
	m := map[string]bool{}
	for _, tk := range d.Tasks {
		m[tk.Unit] = true
	}
	return m
}

// TestContinuity: a unit inspected in December with f = 4 (every third
// month on average, gaps 2–4) cannot be drawn in January of the next
// period; one with f = 12 (π = 1) is drawn every round.
func TestContinuity(t *testing.T) {
	units, levels, annual, insp := city(300, 30, 42)
	var hist []risk.Inspection
	for k := range units {
		annual[k] = 4
		hist = append(hist, risk.Inspection{ID: fmt.Sprintf("h%d", k), UnitID: units[k].ID, Date: date(2025, 12, 10), Inspectors: []string{"I000", "I001"}})
	}
	annual[0] = 12
	f, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	d := mustDraw(t, testConfig(t), f, p, 0, testSeed(1)).d
	require.Len(t, d.Tasks, 1)
	assert.Equal(t, units[0].ID, d.Tasks[0].Unit)
	for _, tm := range d.Tasks[0].Teams {
		assert.NotContains(t, tm.Inspectors, "I000", "last lead excluded")
	}
}

func TestExcludeVisited(t *testing.T) {
	units, levels, annual, insp := city(50, 20, 42)
	annual[3] = 12 // π = 1: drawn every round
	hist := []risk.Inspection{{ID: "complaint-7", UnitID: units[3].ID, Date: date(2026, 4, 9), Reason: risk.Complaint, Inspectors: []string{"I005"}}}
	f, err := NewFrame(units, levels, annual, hist)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	cfg := testConfig(t)
	seed := testSeed(4)
	d := mustDraw(t, cfg, f, p, 3, seed).d
	assert.Empty(t, d.Excluded, "exclusion is off by default")
	cfg.ExcludeVisited = true
	d = mustDraw(t, cfg, f, p, 3, seed).d
	require.Len(t, d.Excluded, 1)
	assert.Equal(t, Exclusion{Unit: units[3].ID, Pi: 1, PRN: d.Excluded[0].PRN, Inspection: "complaint-7", Date: DayOf(date(2026, 4, 9))}, d.Excluded[0])
	for _, tk := range d.Tasks {
		assert.NotEqual(t, units[3].ID, tk.Unit)
	}
	checkDisclosure(t, cfg, f, p, d)
}

// TestGolden pins small rounds' canonical disclosures and manifests:
// independent open, and sealed with two departments.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		edit func(cfg *Config, insp []risk.Inspector)
	}{
		{"round.golden.json", func(*Config, []risk.Inspector) {}},
		{"sealed-joint.golden.json", func(cfg *Config, insp []risk.Inspector) {
			cfg.Sealed = true
			cfg.Staffing.Departments = []string{"fire", "market"}
			for i := range insp {
				insp[i].Department = []string{"fire", "market"}[i%2]
			}
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			cfg := testConfig(t)
			units, levels, annual, insp := city(40, 24, 42)
			tc.edit(cfg, insp)
			f, err := NewFrame(units, levels, annual, []risk.Inspection{{ID: "h1", UnitID: "U00001", Date: date(2025, 11, 20), Inspectors: []string{"I003", "I004"}}})
			require.NoError(t, err)
			p, err := NewPool(insp)
			require.NoError(t, err)
			td := mustDraw(t, cfg, f, p, 1, testSeed(2026))
			m, err := td.m.Marshal()
			require.NoError(t, err)
			checkGolden(t, strings.Replace(tc.file, ".golden.json", ".manifest.golden.json", 1), m)
			checkGolden(t, tc.file, td.bytes)
		})
	}
}

// checkGolden compares got with the golden file (rewritten with -update).
func checkGolden(t *testing.T, file string, got []byte) {
	t.Helper()
	path := filepath.Join("..", "testdata", "schedule", file)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	if !bytes.Equal(want, got) {
		i := 0
		for i < min(len(want), len(got)) && want[i] == got[i] {
			i++
		}
		lo := max(0, i-80)
		t.Fatalf("output differs from %s at byte %d (run with -update if intended):\nwant …%s…\ngot  …%s…",
			path, i, want[lo:min(len(want), i+80)], got[lo:min(len(got), i+80)])
	}
}

// TestQuarterly plans a year of independent quarterly rounds: a unit due
// twice a year (π = 1/2, every gap exactly 2 quarters) is inspected in
// alternate quarters, one due 4 times in every quarter.
func TestQuarterly(t *testing.T) {
	rs, err := Period(date(2026, 1, 1), 4, Quarter)
	require.NoError(t, err)
	cfg := &Config{Rounds: rs, Length: Quarter}
	units, levels, annual, insp := city(200, 30, 42)
	for k := range annual {
		annual[k] = []float64{2, 4}[k%2]
	}
	f, err := NewFrame(units, levels, annual, nil)
	require.NoError(t, err)
	p, err := NewPool(insp)
	require.NoError(t, err)
	var secrets []string
	for i := range 4 {
		secrets = append(secrets, testSeed(uint64(300+i)).String())
	}
	ms, ds, err := PlanPeriod(cfg, f, p, testParams(f, p, cfg.Rounds[0].Start), secrets)
	require.NoError(t, err)
	rounds := map[string][]int{}
	for q, d := range ds {
		checkDisclosure(t, cfg, f, p, d)
		assert.Equal(t, "quarter", ms[q].Period.Length)
		for _, tk := range d.Tasks {
			rounds[tk.Unit] = append(rounds[tk.Unit], q)
		}
	}
	for k, u := range units {
		rs := rounds[u.ID]
		if k%2 == 1 {
			assert.Equal(t, []int{0, 1, 2, 3}, rs, u.ID)
			continue
		}
		require.Len(t, rs, 2, u.ID)
		assert.Equal(t, 2, rs[1]-rs[0], u.ID)
	}
}
