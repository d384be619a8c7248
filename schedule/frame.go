package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/firedraw/firedraw/risk"
)

// NoDay marks a missing date (no inspection on record).
const NoDay Day = math.MinInt32

// FrameUnit is everything a draw reads about one unit: its stratum
// (level × district), category, annual frequency and inspection history.
type FrameUnit struct {
	ID       string
	District string
	Category risk.Category
	Level    risk.Level
	// Annual is the expected number of random inspections a year, f_k
	// (Policy.Annual); zero means never drawn.
	Annual float64
	// LastRandom is the date of the unit's latest random-draw inspection
	// (NoDay if none).
	LastRandom Day
	// LastVisit is the date of its latest inspection of any reason (NoDay
	// if none).
	LastVisit Day
	// LastLead is the lead (first) inspector of its latest inspection of
	// any reason; he or she may not lead or join its next team.
	LastLead string
	// Other lists the inspections for other reasons (complaint,
	// re-inspection, incident follow-up), by date then ID.
	Other []OtherVisit
}

// OtherVisit is a visit outside the random regime.
type OtherVisit struct {
	InspectionID string
	Date         Day
	// Reason says why the visit took place; it is not hashed (the draw
	// does not read it) and serves the reasons given for π.
	Reason risk.Reason
}

// Frame is the directory a draw runs on, sorted by unit ID. It is the
// "directory" of a disclosure: its Hash is published, and Verify needs
// the same frame. Build it with NewFrame; a Frame is read-only and safe
// for concurrent use.
type Frame struct {
	units []FrameUnit // static fields only; history lives in hist
	index map[string]int32
	// hist holds the history fields of each unit without pointers, so
	// that After copies a million units in a few milliseconds.
	hist  []unitHist
	leads *leadTable

	strata *strataIndex // shared by frames that differ only in history

	static *onceHash // hash of the static part, shared with After frames
	hist1  onceHash  // hash of this frame's history

	open map[int32]OpenTask // units with an open task (WithOpen)
}

type onceHash struct {
	once sync.Once
	hash string
}

// unitHist is a unit's history: last random inspection, last visit and
// the index of its last lead in the frame's lead table (−1: none).
type unitHist struct {
	lastRandom, lastVisit Day
	lead                  int32
}

// leadTable interns lead inspector IDs. It is append-only and shared by
// a frame and the frames After derives from it.
type leadTable struct {
	mu    sync.Mutex
	ids   []string
	index map[string]int32
}

func (t *leadTable) intern(id string) int32 {
	if id == "" {
		return -1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.index[id]; ok {
		return i
	}
	i := int32(len(t.ids))
	t.ids = append(t.ids, id)
	t.index[id] = i
	return i
}

// snapshot returns the IDs interned so far; indices below its length
// stay valid (the table only grows), so it can be read without the lock.
func (t *leadTable) snapshot() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ids
}

func (t *leadTable) name(i int32) string {
	if i < 0 {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ids[i]
}

// full returns unit k with its history fields filled in.
func (f *Frame) full(k int) FrameUnit {
	u := f.units[k]
	h := f.hist[k]
	u.LastRandom, u.LastVisit, u.LastLead = h.lastRandom, h.lastVisit, f.leads.name(h.lead)
	return u
}

// strataIndex groups the units by stratum (level × district), keys sorted.
type strataIndex struct {
	once    sync.Once
	keys    []string
	members [][]int32
	ids     [][]string // the members' IDs
}

// strataOf returns the frame's strata, computed once.
func (f *Frame) strataOf() *strataIndex {
	s := f.strata
	s.once.Do(func() {
		byKey := map[string][]int32{}
		for k := range f.units {
			key := StratumKey(f.units[k].Level, f.units[k].District)
			byKey[key] = append(byKey[key], int32(k))
		}
		s.keys = make([]string, 0, len(byKey))
		for key := range byKey {
			s.keys = append(s.keys, key)
		}
		sort.Strings(s.keys)
		s.members = make([][]int32, len(s.keys))
		s.ids = make([][]string, len(s.keys))
		for i, key := range s.keys {
			s.members[i] = byKey[key]
			s.ids[i] = make([]string, len(s.members[i]))
			for j, k := range s.members[i] {
				s.ids[i][j] = f.units[k].ID
			}
		}
	})
	return s
}

// NewFrame joins units with their levels and annual frequencies (parallel
// slices, as returned by the risk model and Policy.Annual) and
// with the inspection history (any order; inspections of other reasons
// included). The units are copied and sorted by ID, so the frame does not
// depend on input order.
//
// Errors wrap ErrBadInput (and risk.ErrDuplicateID, risk.ErrUnknownUnit
// where they apply) and name the unit or inspection: an empty or
// duplicate unit ID, a level outside Low…High, a frequency that is NaN,
// infinite or negative, an inspection of an unknown unit or without a
// date. NewFrame panics if the slices' lengths differ.
func NewFrame(units []risk.Unit, levels []risk.Level, annual []float64, history []risk.Inspection) (*Frame, error) {
	if len(levels) != len(units) || len(annual) != len(units) {
		panic(fmt.Sprintf("schedule: NewFrame: %d units, %d levels, %d frequencies", len(units), len(levels), len(annual)))
	}
	f := &Frame{units: make([]FrameUnit, len(units)), index: make(map[string]int32, len(units)), strata: &strataIndex{},
		leads: &leadTable{index: map[string]int32{}}, static: &onceHash{}}
	for k := range units {
		u := &units[k]
		if u.ID == "" {
			return nil, fmt.Errorf("schedule: unit %d (%q): empty ID: %w", k, u.Name, ErrBadInput)
		}
		if levels[k] >= risk.Level(risk.NumLevels) {
			return nil, fmt.Errorf("schedule: unit %q: level %v: %w", u.ID, levels[k], ErrBadInput)
		}
		if a := annual[k]; !(a >= 0) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("schedule: unit %q: annual frequency %v: %w", u.ID, a, ErrBadInput)
		}
		f.units[k] = FrameUnit{ID: u.ID, District: u.District, Category: u.Category, Level: levels[k],
			Annual: annual[k], LastRandom: NoDay, LastVisit: NoDay}
	}
	sort.Slice(f.units, func(i, j int) bool { return f.units[i].ID < f.units[j].ID })
	for k := range f.units {
		if k > 0 && f.units[k].ID == f.units[k-1].ID {
			return nil, fmt.Errorf("schedule: unit %q: %w: %w", f.units[k].ID, risk.ErrDuplicateID, ErrBadInput)
		}
		f.index[f.units[k].ID] = int32(k)
	}
	lastID := make(map[int32]string)
	for h := range history {
		in := &history[h]
		k, ok := f.index[in.UnitID]
		if !ok {
			return nil, fmt.Errorf("schedule: inspection %q: unit %q: %w: %w", in.ID, in.UnitID, risk.ErrUnknownUnit, ErrBadInput)
		}
		if in.Date.IsZero() {
			return nil, fmt.Errorf("schedule: inspection %q of unit %q: no date: %w", in.ID, in.UnitID, ErrBadInput)
		}
		fu := &f.units[k]
		d := DayOf(in.Date)
		if in.Reason == risk.RandomDraw {
			fu.LastRandom = max(fu.LastRandom, d)
		} else {
			fu.Other = append(fu.Other, OtherVisit{InspectionID: in.ID, Date: d, Reason: in.Reason})
		}
		// Latest visit; ties by the larger inspection ID, so that the lead
		// does not depend on the order of the history.
		if d > fu.LastVisit || (d == fu.LastVisit && in.ID > lastID[k]) {
			fu.LastVisit = d
			lastID[k] = in.ID
			fu.LastLead = ""
			if len(in.Inspectors) > 0 {
				fu.LastLead = in.Inspectors[0]
			}
		}
	}
	f.hist = make([]unitHist, len(f.units))
	for k := range f.units {
		u := &f.units[k]
		f.hist[k] = unitHist{lastRandom: u.LastRandom, lastVisit: u.LastVisit, lead: f.leads.intern(u.LastLead)}
		u.LastRandom, u.LastVisit, u.LastLead = NoDay, NoDay, ""
	}
	for k := range f.units {
		o := f.units[k].Other
		sort.Slice(o, func(i, j int) bool {
			if o[i].Date != o[j].Date {
				return o[i].Date < o[j].Date
			}
			return o[i].InspectionID < o[j].InspectionID
		})
	}
	return f, nil
}

// Len returns the number of units.
func (f *Frame) Len() int { return len(f.units) }

// Units returns a copy of the units, sorted by ID.
func (f *Frame) Units() []FrameUnit {
	out := make([]FrameUnit, len(f.units))
	for k := range out {
		out[k] = f.full(k)
	}
	return out
}

// Unit returns the unit with the given ID.
func (f *Frame) Unit(id string) (FrameUnit, bool) {
	k, ok := f.index[id]
	if !ok {
		return FrameUnit{}, false
	}
	return f.full(int(k)), true
}

// appendStatic appends the canonical encoding (see the package's
// canonical forms) of the unit's static fields: ID, district, category,
// level, annual frequency.
func (u *FrameUnit) appendStatic(b []byte) []byte {
	b = appendString(b, u.ID)
	b = appendString(b, u.District)
	b = appendString(b, u.Category.String())
	b = appendString(b, u.Level.String())
	return appendFloat(b, u.Annual)
}

// appendHistory appends the canonical encoding of the unit's history: ID,
// last random inspection, last visit, last lead, then the list of other
// visits as (inspection ID, date) pairs.
func (u *FrameUnit) appendHistory(b []byte) []byte {
	return appendHistory(b, u.ID, u.LastRandom, u.LastVisit, u.LastLead, u.Other)
}

func appendHistory(b []byte, id string, lastRandom, lastVisit Day, lead string, other []OtherVisit) []byte {
	b = appendString(b, id)
	b = appendDay(b, lastRandom)
	b = appendDay(b, lastVisit)
	b = appendString(b, lead)
	b = appendInt(b, len(other))
	for _, o := range other {
		b = appendString(b, o.InspectionID)
		b = appendDay(b, o.Date)
	}
	return b
}

// hashChunk is the number of units per chunk of the directory hashes.
const hashChunk = 1 << 16

// chunkedHash hashes the encodings of n records: cut into chunks of
// 65,536 records, each chunk's digest is the SHA-256 of its records'
// encodings one after the other; the result is the lowercase hex SHA-256
// of the chunk digests in order. The chunks are hashed in parallel; the
// result does not depend on the number of cores.
func chunkedHash(n int, enc func(b []byte, k int) []byte) string {
	chunks := make([][32]byte, (n+hashChunk-1)/hashChunk)
	parallel(len(chunks)*hashChunk, func(lo, hi int) {
		var buf []byte
		for c := lo / hashChunk; c*hashChunk < hi; c++ {
			if c*hashChunk < lo {
				continue
			}
			h := sha256.New()
			buf = buf[:0]
			for k := c * hashChunk; k < min(n, (c+1)*hashChunk); k++ {
				buf = enc(buf, k)
				if len(buf) >= 1<<16 {
					h.Write(buf)
					buf = buf[:0]
				}
			}
			h.Write(buf)
			h.Sum(chunks[c][:0])
		}
	})
	h := sha256.New()
	for _, c := range chunks {
		h.Write(c[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Hash returns the hash of the canonical directory: the static fields of
// every unit (see appendStatic), in ID order, hashed by chunks (see
// HistoryHash for the inspection history). Two frames with the same
// units have the same hash whatever the input order. It is computed once
// and shared by the frames After derives.
func (f *Frame) Hash() string {
	f.static.once.Do(func() {
		f.static.hash = chunkedHash(len(f.units), func(b []byte, k int) []byte { return f.units[k].appendStatic(b) })
	})
	return f.static.hash
}

// HistoryHash returns the hash of the frame's inspection history: the
// history of every unit (last random inspection, last visit, last lead,
// other visits), in ID order, hashed by chunks of 65,536 units: each
// chunk's SHA-256 over its units' canonical encodings, then the SHA-256
// of the chunk digests. A frame with open tasks (WithOpen) hashes them
// too (see openHash); without any the hash is as it always was.
func (f *Frame) HistoryHash() string {
	f.hist1.once.Do(func() {
		leads := f.leads.snapshot()
		f.hist1.hash = chunkedHash(len(f.units), func(b []byte, k int) []byte {
			u := &f.units[k]
			h := &f.hist[k]
			lead := ""
			if h.lead >= 0 {
				lead = leads[h.lead]
			}
			return appendHistory(b, u.ID, h.lastRandom, h.lastVisit, lead, u.Other)
		})
		if len(f.open) > 0 {
			f.hist1.hash = f.openHash(f.hist1.hash)
		}
	})
	return f.hist1.hash
}

// appendInspector appends an inspector's canonical encoding: the fields
// a draw reads — ID, department, districts, categories, MaxPerRound,
// leave days, conflicts — lists sorted.
func appendInspector(b []byte, in *risk.Inspector) []byte {
	b = appendString(b, in.ID)
	b = appendString(b, in.Department)
	b = appendStrings(b, in.Districts)
	cats := make([]string, len(in.Categories))
	for i, c := range in.Categories {
		cats[i] = c.String()
	}
	b = appendStrings(b, cats)
	b = appendInt(b, in.MaxPerRound)
	leave := leaveSet(in.Leave)
	b = appendInt(b, len(leave))
	for _, d := range leave {
		b = appendDay(b, d)
	}
	return appendStrings(b, in.Conflicts)
}

// Hash returns the lowercase hex SHA-256 of the canonical pool: every
// inspector's canonical encoding in ID order. It is computed once.
func (p *Pool) Hash() string {
	p.hashOnce.Do(func() {
		h := sha256.New()
		var line []byte
		for i := range p.insp {
			line = appendInspector(line[:0], &p.insp[i])
			h.Write(line)
		}
		p.hash = hex.EncodeToString(h.Sum(nil))
	})
	return p.hash
}
