package synthcity

import (
	"math"
	"math/rand/v2"

	"github.com/firedraw/firedraw/risk"
)

// catSpec holds the per-category parameters of the generator; doc.go
// lists them in a table.
type catSpec struct {
	share                float64 // share of units
	areaMedian, areaSig  float64 // floor area lognormal (m²)
	floorsLo, floorsHi   int
	yearMean             float64 // mean year built
	density              float64 // m² per typical occupant
	keyP                 float64 // probability of a key unit (-1: by floor area)
	crowdedP, hfrP       float64 // crowded-place and high-fire-risk flags
	sprinklerP           float64
	base                 float64 // physical hazard of the category
	mgmt                 float64 // management-quality shift
	steel, brick, timber float64 // construction shares (rest: reinforced concrete)
}

var catSpecs = [...]catSpec{
	risk.Industrial:           {0.08, 2500, 1.0, 1, 5, 2005, 40, -1, 0, 0.08, 0.35, 0.4, 0, 0.45, 0.15, 0.05},
	risk.Warehouse:            {0.05, 3000, 0.9, 1, 3, 2008, 150, -1, 0, 0.08, 0.35, 0.3, -0.1, 0.45, 0.15, 0.05},
	risk.NineSmallPlaces:      {0.38, 120, 0.6, 1, 3, 1998, 8, 0.005, 0.3, 0.005, 0.03, 0.5, -0.3, 0.08, 0.35, 0.15},
	risk.StreetShop:           {0.27, 80, 0.5, 1, 2, 2000, 15, 0.002, 0.1, 0.005, 0.02, 0.0, -0.1, 0.08, 0.35, 0.12},
	risk.HighRise:             {0.04, 30000, 0.6, 18, 60, 2008, 25, 0.25, 0.1, 0.10, 0.85, 0.2, 0.1, 0.10, 0.03, 0},
	risk.Underground:          {0.02, 5000, 0.8, 1, 3, 2005, 20, 0.20, 0.4, 0.15, 0.6, 0.5, 0, 0.05, 0.05, 0},
	risk.CrowdedPlaceCategory: {0.04, 8000, 0.9, 2, 8, 2006, 5, 0.35, 1, 0.15, 0.6, 0.3, 0, 0.15, 0.05, 0},
	risk.Hospital:             {0.01, 20000, 0.8, 3, 20, 2002, 30, 0.50, 1, 0.10, 0.7, 0.1, 0.3, 0.05, 0.05, 0},
	risk.School:               {0.02, 12000, 0.6, 3, 6, 2003, 15, 0.40, 1, 0.005, 0.3, -0.5, 0.3, 0.05, 0.08, 0},
	risk.Residential:          {0.05, 15000, 0.7, 6, 33, 2004, 40, 0.02, 0, 0.005, 0.3, -0.3, 0, 0.05, 0.10, 0},
	risk.OtherCategory:        {0.04, 500, 1.0, 1, 3, 1995, 30, 0.02, 0, 0.005, 0.1, -0.2, 0, 0.15, 0.3, 0.15},
}

// keyAreaZ is the standardised log floor area above which an industrial
// unit or a warehouse is a key unit (about the top 8 %).
const keyAreaZ = 1.4

// City centre (WGS-84): the districts ring around it.
const centreLat, centreLon = 30.2741, 120.1551

// latent is the hidden state of a unit; see doc.go.
type latent struct {
	m   float64 // management quality (higher is better)
	h   float64 // physical hazard, including elec
	ele float64 // hidden electrical hazard, part of h
	eps float64 // noise of the true hazard that no record reveals
	iot bool    // the unit has IoT fire devices
	eta float64 // logit of the true hazard
	p   float64 // true hazard
}

// Hazard model coefficients: eta = hazA + hazB·h − hazC·m + eps.
const (
	hazA   = -2.7
	hazB   = 1.3
	hazC   = 0.65
	epsSD  = 0.2
	elecSD = 0.3
)

// genUnits draws the directory and every unit's latent state.
func genUnits(cfg Config, districts []string) ([]risk.Unit, []latent, error) {
	ids := newRand(cfg.Seed, streamIDs)
	// An affine bijection of [0, maxUnits) turns unit numbers into
	// distinct, scattered organisation codes.
	mul := uint64(ids.IntN(maxUnits/10))*10 + []uint64{1, 3, 7, 9}[ids.IntN(4)]
	add := uint64(ids.IntN(maxUnits))
	geo := drawDistricts(ids, len(districts))
	shares := make([]float64, len(catSpecs))
	for c, s := range catSpecs {
		shares[c] = s.share
	}
	year := cfg.AsOf.Year()

	r := newRand(cfg.Seed, streamUnits)
	units := make([]risk.Unit, cfg.Units)
	lat := make([]latent, cfg.Units)
	attrs := make([]risk.Attr, 6*cfg.Units)
	for i := range units {
		c := risk.Category(pick(r, shares))
		s := &catSpecs[c]
		d := pick(r, geo.weight)
		u := &units[i]
		u.Category = c
		u.District = districts[d]
		u.Name = unitName(r, c, u.District)
		individual := (c == risk.NineSmallPlaces || c == risk.StreetShop) && r.Float64() < 0.6
		u.ID = uscc(individual, division(d), (mul*uint64(i)+add)%maxUnits)

		zArea := r.NormFloat64()
		area := math.Max(10, math.Round(s.areaMedian*math.Exp(s.areaSig*zArea)))
		floors := s.floorsLo + int(float64(s.floorsHi-s.floorsLo+1)*r.Float64()*r.Float64())
		built := int(math.Round(s.yearMean + 10*r.NormFloat64()))
		built = min(max(built, 1960), year-1)
		age := float64(year - built)
		occupants := math.Max(1, math.Round(area/s.density*math.Exp(0.3*r.NormFloat64())))
		cons := "reinforced-concrete"
		switch x := r.Float64(); {
		case x < s.steel:
			cons = "steel"
		case x < s.steel+s.brick:
			cons = "brick"
		case x < s.steel+s.brick+s.timber:
			cons = "timber-mixed"
		}
		if built < 1990 && cons == "reinforced-concrete" && r.Float64() < 0.4 {
			cons = "brick"
		}
		sprinklerP := s.sprinklerP
		if area > 5000 {
			sprinklerP += 0.3
		}
		sprinklers := r.Float64() < sprinklerP
		if s.keyP < 0 {
			u.KeyUnit = zArea > keyAreaZ
		} else {
			u.KeyUnit = r.Float64() < s.keyP
		}
		u.CrowdedPlace = r.Float64() < s.crowdedP
		u.HighFireRisk = r.Float64() < s.hfrP
		u.HasLocation = true
		u.Lat = round(geo.lat[d]+0.02*r.NormFloat64(), 6)
		u.Lon = round(geo.lon[d]+0.025*r.NormFloat64(), 6)

		a := attrs[6*i : 6*i+6 : 6*i+6]
		a[0] = risk.Attr{Name: "construction", Text: cons}
		a[1] = risk.Attr{Name: "floor_area", Numeric: true, Num: area}
		a[2] = risk.Attr{Name: "floors", Numeric: true, Num: float64(floors)}
		a[3] = risk.Attr{Name: "occupants", Numeric: true, Num: occupants}
		a[4] = risk.Attr{Name: "sprinklers", Numeric: true, Num: b2f(sprinklers)}
		a[5] = risk.Attr{Name: "year_built", Numeric: true, Num: float64(built)}
		u.Attrs = a

		drawLatent(r, cfg, s, u, &lat[i], zArea, age, sprinklers, cons, geo.effect[d])
	}
	return units, lat, nil
}

// districtGeo holds each district's management effect, centre and share
// of units.
type districtGeo struct{ effect, lat, lon, weight []float64 }

// drawDistricts places nd districts around the city centre.
func drawDistricts(ids *rand.Rand, nd int) districtGeo {
	g := districtGeo{make([]float64, nd), make([]float64, nd), make([]float64, nd), make([]float64, nd)}
	for d := range nd {
		g.effect[d] = 0.25 * ids.NormFloat64()
		ang := 2 * math.Pi * (float64(d) + 0.3*ids.Float64()) / float64(nd)
		rad := 0.03 + 0.12*ids.Float64()
		if d == 0 {
			rad = 0
		}
		g.lat[d] = centreLat + rad*math.Sin(ang)
		g.lon[d] = centreLon + rad*math.Cos(ang)
		g.weight[d] = 0.5 + ids.Float64()
	}
	return g
}

// drawLatent draws the latent state l of unit u of category spec s.
func drawLatent(r *rand.Rand, cfg Config, s *catSpec, u *risk.Unit, l *latent, zArea, age float64, sprinklers bool, cons string, distEffect float64) {
	l.ele = elecSD * r.NormFloat64()
	h := s.base + 0.3*zArea + 0.025*(age-25) - 0.35*b2f(sprinklers) + 0.5*b2f(u.HighFireRisk) + l.ele
	switch cons {
	case "timber-mixed":
		h += 0.6
	case "brick":
		h += 0.2
	case "steel":
		h += 0.1
	}
	l.h = h
	l.m = s.mgmt + 0.35*b2f(u.KeyUnit) + distEffect + r.NormFloat64()
	l.eps = epsSD * r.NormFloat64()
	l.eta = hazA + hazB*l.h - hazC*l.m + l.eps
	l.p = round(logistic(l.eta), 6)
	iotP := cfg.IoTShare
	if u.KeyUnit {
		iotP = 0.9
	}
	l.iot = r.Float64() < clamp(iotP*math.Exp(0.3*l.m)/(1-iotP+iotP*math.Exp(0.3*l.m)), 0, 1)
}

// division returns the administrative division code of district d.
func division(d int) int {
	n := d + 2
	return 330000 + 100*(1+n/100) + n%100
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
