package synthcity

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/firedraw/firedraw/risk"
)

// Minimum coverage of the inspector pool: inspectors per district, and
// inspectors per district qualified for each category.
const (
	minPerDistrict = 4
	minPerCategory = 3
)

// pool is the inspector pool plus the indexes the history needs.
type pool struct {
	inspectors []risk.Inspector
	// eligible[d][c] lists the inspectors covering district d and
	// qualified for category c, in pool order.
	eligible [][][]int
	// conflicts maps a unit index to the inspectors who declared a
	// conflict with it.
	conflicts map[int][]int
}

// genInspectors draws the pool. unitsByDistrict lists unit indexes per
// district.
func genInspectors(cfg Config, districts []string, units []risk.Unit, unitsByDistrict [][]int) (*pool, error) {
	r := newRand(cfg.Seed, streamInspectors)
	n, nd := cfg.Inspectors, len(districts)
	nc := len(risk.Categories())
	cover, err := coverDistricts(r, n, nd)
	if err != nil {
		return nil, err
	}
	qual, dept := drawQualifications(r, n, nc, districts)
	qualifyShort(cover, qual, nd, nc)
	return drawPool(r, cfg, districts, units, unitsByDistrict, cover, qual, dept), nil
}

// coverDistricts gives each of n inspectors a home district of nd, fills
// every district up to minPerDistrict and adds random extra districts:
// cover[i][d] reports whether inspector i covers district d.
func coverDistricts(r *rand.Rand, n, nd int) ([][]bool, error) {
	cover := make([][]bool, n) // cover[i][d]
	load := make([]int, n)
	count := make([]int, nd)
	for i := range n {
		cover[i] = make([]bool, nd)
		cover[i][i%nd] = true
		load[i] = 1
		count[i%nd]++
	}
	// Fill every district up to minPerDistrict from the least-loaded
	// inspectors, then give some inspectors a random extra district.
	next := 0
	for d := range nd {
		for count[d] < minPerDistrict {
			best := -1
			for k := range n {
				i := (next + k) % n
				if !cover[i][d] && load[i] < 3 && (best < 0 || load[i] < load[best]) {
					best = i
				}
			}
			if best < 0 {
				return nil, fmt.Errorf("synthcity: %d inspectors cannot cover %d districts %d times each", n, nd, minPerDistrict)
			}
			cover[best][d] = true
			load[best]++
			count[d]++
			next = best + 1
		}
	}
	for i := range n {
		if load[i] < 3 && r.Float64() < 0.3 {
			d := r.IntN(nd)
			if !cover[i][d] {
				cover[i][d] = true
				load[i]++
			}
		}
	}
	return cover, nil
}

// drawQualifications draws the department and the categories of each
// inspector: qual[i][c] reports whether inspector i may inspect category c.
func drawQualifications(r *rand.Rand, n, nc int, districts []string) ([][]bool, []string) {
	nd := len(districts)
	qual := make([][]bool, n) // qual[i][c]
	dept := make([]string, n)
	for i := range n {
		qual[i] = make([]bool, nc)
		home := districts[i%nd]
		switch x := r.Float64(); {
		case x < 0.85:
			dept[i] = home + "消防救援大队"
			all := r.Float64() < 0.6
			some := false
			for c := range nc {
				qual[i][c] = all || r.Float64() < 0.5
				some = some || qual[i][c]
			}
			if !some { // rare (0.4 · 2^−nc), but a pool of 10⁴ meets it: never without a category
				qual[i][i%nc] = true
			}
		case x < 0.95:
			dept[i] = home + "应急管理局"
			for _, c := range []risk.Category{risk.Industrial, risk.Warehouse, risk.OtherCategory} {
				qual[i][c] = true
			}
		default:
			dept[i] = home + "市场监管局"
			for _, c := range []risk.Category{risk.NineSmallPlaces, risk.StreetShop, risk.CrowdedPlaceCategory} {
				qual[i][c] = true
			}
		}
	}
	return qual, dept
}

// qualifyShort makes sure every category has minPerCategory qualified
// inspectors in every district.
func qualifyShort(cover, qual [][]bool, nd, nc int) {
	n := len(cover)
	// Every category needs minPerCategory qualified inspectors in every
	// district: qualify the least-qualified coverers where short.
	nq := make([]int, n)
	for i := range n {
		for c := range nc {
			if qual[i][c] {
				nq[i]++
			}
		}
	}
	for d := range nd {
		for c := range nc {
			have := 0
			for i := range n {
				if cover[i][d] && qual[i][c] {
					have++
				}
			}
			for have < minPerCategory {
				best := -1
				for i := range n {
					if cover[i][d] && !qual[i][c] && (best < 0 || nq[i] < nq[best]) {
						best = i
					}
				}
				qual[best][c] = true // a district has ≥ minPerDistrict > minPerCategory coverers
				nq[best]++
				have++
			}
		}
	}
}

// drawPool builds the inspectors and their eligibility and conflicts.
func drawPool(r *rand.Rand, cfg Config, districts []string, units []risk.Unit, unitsByDistrict [][]int,
	cover, qual [][]bool, dept []string) *pool {
	n, nd, nc := len(cover), len(districts), len(risk.Categories())
	p := &pool{inspectors: make([]risk.Inspector, n), conflicts: map[int][]int{}}
	p.eligible = make([][][]int, nd)
	for d := range nd {
		p.eligible[d] = make([][]int, nc)
	}
	for i := range n {
		in := &p.inspectors[i]
		in.ID = fmt.Sprintf("XF%05d", i+1)
		in.Name = personName(r)
		in.Certificate = fmt.Sprintf("浙%d%06d", division(i%nd), i+1)
		in.Department = dept[i]
		for d := range nd {
			if cover[i][d] {
				in.Districts = append(in.Districts, districts[d])
				for c := range nc {
					if qual[i][c] {
						p.eligible[d][c] = append(p.eligible[d][c], i)
					}
				}
			}
		}
		for c := range nc {
			if qual[i][c] {
				in.Categories = append(in.Categories, risk.Category(c))
			}
		}
		in.MaxPerRound = 20 + r.IntN(21)
		in.Leave = leaveDays(r.IntN(3), func(n int) int { return r.IntN(n) }, cfg.AsOf)
		if r.Float64() < 0.15 {
			k := 1 + r.IntN(3)
			for range k {
				d := r.IntN(nd)
				if !cover[i][d] || len(unitsByDistrict[d]) == 0 {
					continue
				}
				u := unitsByDistrict[d][r.IntN(len(unitsByDistrict[d]))]
				if !slices.Contains(in.Conflicts, units[u].ID) {
					in.Conflicts = append(in.Conflicts, units[u].ID)
					p.conflicts[u] = append(p.conflicts[u], i)
				}
			}
			slices.Sort(in.Conflicts)
		}
	}
	return p
}

// leaveDays returns blocks of 2–7 consecutive leave days in the year after
// asOf, sorted and without repeats.
func leaveDays(blocks int, intN func(int) int, asOf time.Time) []time.Time {
	var days []int
	for range blocks {
		start, n := intN(365), 2+intN(6)
		for k := range n {
			if start+k < 365 {
				days = append(days, start+k)
			}
		}
	}
	if len(days) == 0 {
		return nil
	}
	slices.Sort(days)
	days = slices.Compact(days)
	out := make([]time.Time, len(days))
	for i, d := range days {
		out[i] = asOf.AddDate(0, 0, d)
	}
	return out
}
