package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// The rules State enforces, as named in its errors (RuleError.Rule).
const (
	RuleOrder           = "entries-in-order"         // seq +1, time non-decreasing
	RuleBody            = "canonical-body"           // body decodes to its canonical bytes
	RuleManifestFile    = "manifest-published"       // the manifest file is known, valid and hashes to the entry
	RuleManifestOnce    = "manifest-once"            // a manifest hash is logged once
	RuleLabel           = "period-and-round"         // the entry's period and round are its manifest's
	RuleOneDraw         = "one-draw-per-round"       // one live attempt and one draw per (period, round)
	RuleManifestTime    = "manifest-before-deadline" // as-of ≤ manifest entry < commitment deadline
	RuleUnknownManifest = "manifest-logged-first"    // every other entry names a manifest logged before it
	RuleAbandoned       = "attempt-live"             // nothing follows an abandon entry
	RuleParty           = "named-party"              // contributors are the manifest's parties
	RuleOncePerParty    = "once-per-party"           // one commitment and one reveal per party
	RuleCommitDeadline  = "commitment-before-deadline"
	RuleCommitOrder     = "commitments-before-reveals"
	RuleRevealDeadline  = "reveal-before-deadline"
	RuleRevealMatches   = "reveal-matches-commitment"
	RuleLateSource      = "late-source-after-reveals" // beacon and dice: planned, once, after the reveal deadline
	RuleBeacon          = "beacon-signature"
	RuleDrawAfter       = "draw-after-randomness" // after the reveal deadline and every late source
	RuleDrawInRound     = "draw-before-round-end"
	RuleSeed            = "seed-derivation" // the draw's seed is the one the log derives
	RuleResults         = "results-after-draw"
	RuleCorrection      = "correction-of-earlier-entry"
	RuleTargeted        = "targeted-after-draw" // once per draw, after it, before the round ends, the manifest's count
)

// BeaconVerifier checks a beacon signature offline and returns the
// round's randomness. schedule/beacon's verifier is the one for drand
// quicknet.
type BeaconVerifier func(chain string, round uint64, signature []byte) (randomness []byte, err error)

// ManifestSource returns the published manifest whose hash is given, or
// an error if it is not known.
type ManifestSource func(hash string) (*Manifest, error)

// Manifests returns a ManifestSource over the given manifests.
func Manifests(ms ...*Manifest) (ManifestSource, error) {
	byHash := make(map[string]*Manifest, len(ms))
	for _, m := range ms {
		h, err := m.Hash()
		if err != nil {
			return nil, err
		}
		byHash[h] = m
	}
	return func(h string) (*Manifest, error) {
		m, ok := byHash[h]
		if !ok {
			return nil, fmt.Errorf("no manifest file with SHA-256 %s", h)
		}
		return m, nil
	}, nil
}

// Attempt is one manifest's way through the protocol: its contributions,
// late sources, draw, and whether it was abandoned.
type Attempt struct {
	Manifest *Manifest
	Hash     string
	Seq      int64 // the manifest entry
	// Commitments and Reveals map a party to its value.
	Commitments map[string]string
	Reveals     map[string]string
	// Beacon is the verified beacon randomness (hex), Dice the digits,
	// logged at BeaconSeq and DiceSeq (0: not yet; entry 0 is always a
	// manifest).
	Beacon, Dice       string
	BeaconSeq, DiceSeq int64
	// Draw is the draw entry's body, at DrawSeq and DrawTime (nil before
	// the draw).
	Draw     *DrawBody
	DrawSeq  int64
	DrawTime time.Time
	// Targeted is the targeted entry's body, at TargetedSeq (nil before
	// it is logged).
	Targeted    *TargetedBody
	TargetedSeq int64
	// Abandoned is set by an abandon entry at AbandonSeq.
	Abandoned  bool
	AbandonSeq int64
	Reason     string
	// ResultsSeq lists the attempt's results entries, in log order.
	ResultsSeq []int64
}

// Defaulted lists the parties that did not reveal, in manifest order.
func (a *Attempt) Defaulted() []string {
	var out []string
	for _, p := range a.Manifest.Randomness.Parties {
		if _, ok := a.Reveals[p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// SeedInputs returns the inputs of the seed as the log holds them.
func (a *Attempt) SeedInputs() SeedInputs {
	in := SeedInputs{Manifest: a.Hash, Beacon: a.Beacon, Dice: a.Dice}
	for _, p := range a.Manifest.Randomness.Parties {
		in.Parties = append(in.Parties, Contribution{Party: p, Secret: a.Reveals[p]})
	}
	return in
}

// Seed derives the seed from the log (DeriveSeed of SeedInputs).
func (a *Attempt) Seed() (sampling.Seed, error) { return DeriveSeed(a.SeedInputs()) }

type roundKey struct {
	period string
	round  int
}

// State replays a log and enforces the protocol's order and dates. Feed
// it every entry, in order, with Apply; the first broken rule is
// returned as a *RuleError naming the entry and the rule. A State is not
// safe for concurrent use.
type State struct {
	manifests ManifestSource
	beacon    BeaconVerifier
	next      int64
	last      time.Time
	attempts  map[string]*Attempt
	rounds    map[roundKey][]*Attempt
}

// NewState returns an empty State that resolves manifest hashes with
// manifests and checks beacon signatures with beacon; a nil beacon
// refuses every beacon entry (a value cannot be trusted unchecked).
func NewState(manifests ManifestSource, beacon BeaconVerifier) *State {
	if manifests == nil {
		panic("protocol: NewState with a nil ManifestSource")
	}
	return &State{manifests: manifests, beacon: beacon, attempts: map[string]*Attempt{}, rounds: map[roundKey][]*Attempt{}}
}

// Attempt returns the attempt of the manifest with the given hash.
func (s *State) Attempt(manifestHash string) (*Attempt, bool) {
	a, ok := s.attempts[manifestHash]
	return a, ok
}

// Attempts returns every attempt at a round, in log order: at most the
// last one is live, the others were abandoned.
func (s *State) Attempts(period string, round int) []*Attempt {
	return slices.Clone(s.rounds[roundKey{period, round}])
}

// Apply checks one entry against the rules and records it.
func (s *State) Apply(e Entry) error {
	fail := func(rule, format string, args ...any) error {
		return &RuleError{Seq: e.Seq, Kind: e.Kind, Rule: rule, Why: fmt.Sprintf(format, args...)}
	}
	if e.Seq != s.next {
		return fail(RuleOrder, "sequence number %d, want %d", e.Seq, s.next)
	}
	if e.Time.Before(s.last) {
		return fail(RuleOrder, "time %s before the previous entry's %s", FormatTime(e.Time), FormatTime(s.last))
	}
	if e.Kind == tlog.KindAlert {
		s.next++ // not a step of the draw protocol
		s.last = e.Time
		return nil
	}
	body, err := ParseBody(e.Kind, e.Body)
	if err != nil {
		return &RuleError{Seq: e.Seq, Kind: e.Kind, Rule: RuleBody, Why: "the body is not canonical", Err: err}
	}
	if e.Kind == KindManifest {
		err = s.applyManifest(e, body.(*ManifestBody))
	} else {
		err = s.applyStep(e, body)
	}
	if err != nil {
		return err
	}
	s.next++
	s.last = e.Time
	return nil
}

// Replay applies every entry in order and returns the first error.
func (s *State) Replay(entries []Entry) error {
	for _, e := range entries {
		if err := s.Apply(e); err != nil {
			return err
		}
	}
	return nil
}

func (s *State) applyManifest(e Entry, b *ManifestBody) error {
	fail := func(rule string, err error, format string, args ...any) error {
		return &RuleError{Seq: e.Seq, Kind: e.Kind, Rule: rule, Why: fmt.Sprintf(format, args...), Err: err}
	}
	if _, dup := s.attempts[b.Manifest]; dup {
		return fail(RuleManifestOnce, nil, "manifest %s is already in the log", b.Manifest)
	}
	m, err := s.manifests(b.Manifest)
	if err != nil {
		return fail(RuleManifestFile, err, "manifest %s", b.Manifest)
	}
	if h, err := m.Hash(); err != nil || h != b.Manifest {
		return fail(RuleManifestFile, err, "the manifest file hashes to %s, not to %s", h, b.Manifest)
	}
	if err := m.Validate(); err != nil {
		return fail(RuleManifestFile, err, "manifest %s", b.Manifest)
	}
	if e.Period != m.Period.ID || e.Round != m.Round.Number {
		return fail(RuleLabel, nil, "entry for period %q round %d, manifest for period %q round %d",
			e.Period, e.Round, m.Period.ID, m.Round.Number)
	}
	commitBy, _ := m.Deadlines()
	if e.Time.Before(m.AsOfTime()) || !e.Time.Before(commitBy) {
		return fail(RuleManifestTime, nil, "logged at %s: a manifest is logged after its snapshot (%s) and before the commitment deadline %s",
			FormatTime(e.Time), m.AsOf, m.Randomness.CommitBy)
	}
	key := roundKey{e.Period, e.Round}
	for _, prev := range s.rounds[key] {
		if !prev.Abandoned {
			return fail(RuleOneDraw, nil, "period %q round %d already has the live attempt of manifest %s (entry %d): abandon it first, in the log",
				e.Period, e.Round, prev.Hash, prev.Seq)
		}
	}
	a := &Attempt{Manifest: m, Hash: b.Manifest, Seq: e.Seq, Commitments: map[string]string{}, Reveals: map[string]string{}}
	s.attempts[b.Manifest] = a
	s.rounds[key] = append(s.rounds[key], a)
	return nil
}

// applyStep checks an entry that names an already logged manifest.
func (s *State) applyStep(e Entry, body any) error {
	h := manifestOf(body)
	a, ok := s.attempts[h]
	if !ok {
		return &RuleError{Seq: e.Seq, Kind: e.Kind, Rule: RuleUnknownManifest, Why: fmt.Sprintf("manifest %s is not in the log before this entry", h)}
	}
	if e.Period != a.Manifest.Period.ID || e.Round != a.Manifest.Round.Number {
		return &RuleError{Seq: e.Seq, Kind: e.Kind, Rule: RuleLabel, Why: fmt.Sprintf("entry for period %q round %d, its manifest is for period %q round %d",
			e.Period, e.Round, a.Manifest.Period.ID, a.Manifest.Round.Number)}
	}
	if a.Abandoned && e.Kind != KindCorrection {
		return &RuleError{Seq: e.Seq, Kind: e.Kind, Rule: RuleAbandoned, Why: fmt.Sprintf("manifest %s was abandoned at entry %d", h, a.AbandonSeq)}
	}
	step := stepper{s: s, e: e, a: a}
	switch b := body.(type) {
	case *CommitmentBody:
		return step.commitment(b)
	case *RevealBody:
		return step.reveal(b)
	case *BeaconBody:
		return step.beacon(b)
	case *DiceBody:
		return step.dice(b)
	case *DrawBody:
		return step.draw(b)
	case *AbandonBody:
		return step.abandon(b)
	case *ResultsBody:
		return step.results(b)
	case *CorrectionBody:
		return step.correction(b)
	case *TargetedBody:
		return step.targeted(b)
	}
	panic(fmt.Sprintf("protocol: body of type %T", body))
}

// stepper checks one entry of an attempt.
type stepper struct {
	s *State
	e Entry
	a *Attempt
}

func (t *stepper) fail(rule string, err error, format string, args ...any) error {
	return &RuleError{Seq: t.e.Seq, Kind: t.e.Kind, Rule: rule, Why: fmt.Sprintf(format, args...), Err: err}
}

func (t *stepper) party(p string) error {
	if !slices.Contains(t.a.Manifest.Randomness.Parties, p) {
		return t.fail(RuleParty, nil, "%q is not a party of manifest %s (parties %q)", p, t.a.Hash, t.a.Manifest.Randomness.Parties)
	}
	return nil
}

func (t *stepper) commitment(b *CommitmentBody) error {
	if err := t.party(b.Party); err != nil {
		return err
	}
	commitBy, _ := t.a.Manifest.Deadlines()
	switch {
	case t.a.Commitments[b.Party] != "":
		return t.fail(RuleOncePerParty, nil, "%q has already committed", b.Party)
	case len(t.a.Reveals) > 0:
		return t.fail(RuleCommitOrder, nil, "%q commits after a secret was revealed", b.Party)
	case t.e.Time.After(commitBy):
		return t.fail(RuleCommitDeadline, nil, "%q commits at %s, after the commitment deadline %s (the round starts %s)",
			b.Party, FormatTime(t.e.Time), t.a.Manifest.Randomness.CommitBy, t.a.Manifest.Round.First)
	}
	if err := checkHex("commitment", b.Commitment, 32); err != nil {
		return t.fail(RuleCommitDeadline, err, "%q commits to a malformed value", b.Party)
	}
	t.a.Commitments[b.Party] = b.Commitment
	return nil
}

func (t *stepper) reveal(b *RevealBody) error {
	if err := t.party(b.Party); err != nil {
		return err
	}
	commitBy, revealBy := t.a.Manifest.Deadlines()
	c := t.a.Commitments[b.Party]
	switch {
	case c == "":
		return t.fail(RuleCommitOrder, nil, "%q reveals without a commitment", b.Party)
	case t.a.Reveals[b.Party] != "":
		return t.fail(RuleOncePerParty, nil, "%q has already revealed", b.Party)
	case len(t.a.Commitments) < len(t.a.Manifest.Randomness.Parties) && !t.e.Time.After(commitBy):
		return t.fail(RuleCommitOrder, nil, "%q reveals at %s, before every party has committed or the commitment deadline %s has passed",
			b.Party, FormatTime(t.e.Time), t.a.Manifest.Randomness.CommitBy)
	case t.e.Time.After(revealBy):
		return t.fail(RuleRevealDeadline, nil, "%q reveals at %s, after the reveal deadline %s: it is defaulted",
			b.Party, FormatTime(t.e.Time), t.a.Manifest.Randomness.RevealBy)
	}
	if err := CheckReveal(t.a.Hash, b.Party, b.Secret, c); err != nil {
		return t.fail(RuleRevealMatches, err, "the secret of %q", b.Party)
	}
	t.a.Reveals[b.Party] = b.Secret
	return nil
}

// late checks what beacon and dice entries share: planned, once, after
// the reveal deadline and not before the planned time.
func (t *stepper) late(planned bool, seen int64, planTime string) error {
	_, revealBy := t.a.Manifest.Deadlines()
	at, _ := ParseTime(planTime)
	switch {
	case !planned:
		return t.fail(RuleLateSource, nil, "manifest %s plans no %s", t.a.Hash, t.e.Kind)
	case seen != 0:
		return t.fail(RuleLateSource, nil, "a second %s entry (the first is entry %d)", t.e.Kind, seen)
	case !t.e.Time.After(revealBy) || t.e.Time.Before(at):
		return t.fail(RuleLateSource, nil, "logged at %s: it must follow the reveal deadline %s and its planned time %s",
			FormatTime(t.e.Time), t.a.Manifest.Randomness.RevealBy, planTime)
	case t.a.Draw != nil:
		return t.fail(RuleLateSource, nil, "logged after the draw (entry %d)", t.a.DrawSeq)
	}
	return nil
}

func (t *stepper) beacon(b *BeaconBody) error {
	plan := t.a.Manifest.Randomness.Beacon
	if err := t.late(plan.Chain != "", t.a.BeaconSeq, plan.Time); err != nil {
		return err
	}
	if b.Chain != plan.Chain || b.Round != plan.Round {
		return t.fail(RuleBeacon, nil, "chain %s round %d, but the manifest names chain %s round %d", b.Chain, b.Round, plan.Chain, plan.Round)
	}
	sig, err := hex.DecodeString(b.Signature)
	if err != nil || len(sig) == 0 || len(sig) > 256 || hex.EncodeToString(sig) != b.Signature {
		return t.fail(RuleBeacon, err, "signature %.80q is not lowercase hex of at most 256 bytes", b.Signature)
	}
	if t.s.beacon == nil {
		return t.fail(RuleBeacon, nil, "no beacon verifier: a beacon value is never taken on trust")
	}
	r, err := t.s.beacon(b.Chain, b.Round, sig)
	if err != nil {
		return t.fail(RuleBeacon, err, "round %d's signature does not verify", b.Round)
	}
	if hex.EncodeToString(r) != b.Randomness {
		return t.fail(RuleBeacon, nil, "randomness %s, but the signature gives %x", b.Randomness, r)
	}
	t.a.Beacon, t.a.BeaconSeq = b.Randomness, t.e.Seq
	return nil
}

func (t *stepper) dice(b *DiceBody) error {
	plan := t.a.Manifest.Randomness.Dice
	if err := t.late(plan.Digits != 0, t.a.DiceSeq, plan.At); err != nil {
		return err
	}
	if b.Digits == "" {
		return t.fail(RuleLateSource, nil, "no digits")
	}
	if err := CheckDice(b.Digits, plan.Digits); err != nil {
		return t.fail(RuleLateSource, err, "the dice roll")
	}
	t.a.Dice, t.a.DiceSeq = b.Digits, t.e.Seq
	return nil
}

func (t *stepper) draw(b *DrawBody) error {
	m := t.a.Manifest
	_, revealBy := m.Deadlines()
	switch {
	case t.a.Draw != nil:
		return t.fail(RuleOneDraw, nil, "manifest %s was drawn at entry %d already: a second draw of a round is refused", t.a.Hash, t.a.DrawSeq)
	case !t.e.Time.After(revealBy):
		return t.fail(RuleDrawAfter, nil, "drawn at %s, not after the reveal deadline %s", FormatTime(t.e.Time), m.Randomness.RevealBy)
	case m.Randomness.HasBeacon() && t.a.Beacon == "":
		return t.fail(RuleDrawAfter, nil, "drawn before the beacon round %d is logged", m.Randomness.Beacon.Round)
	case m.Randomness.HasDice() && t.a.Dice == "":
		return t.fail(RuleDrawAfter, nil, "drawn before the dice roll is logged")
	case !t.e.Time.Before(m.RoundEnd()):
		return t.fail(RuleDrawInRound, nil, "drawn at %s, after the round's last day %s", FormatTime(t.e.Time), m.Round.Last)
	}
	if len(t.a.Reveals) == 0 && !m.Randomness.HasBeacon() && !m.Randomness.HasDice() {
		return t.fail(RuleDrawAfter, nil, "no secret was revealed and no late source is planned: the seed would be public")
	}
	seed, err := t.a.Seed()
	if err != nil {
		return t.fail(RuleSeed, err, "deriving the seed")
	}
	if b.Seed != seed.String() {
		return t.fail(RuleSeed, nil, "seed %s, but the log's contributions derive %s", b.Seed, seed)
	}
	if err := checkHex("disclosure_sha256", b.Disclosure, sha256.Size); err != nil {
		return t.fail(RuleSeed, err, "the disclosure hash")
	}
	t.a.Draw, t.a.DrawSeq, t.a.DrawTime = b, t.e.Seq, t.e.Time
	return nil
}

func (t *stepper) abandon(b *AbandonBody) error {
	if err := checkName("reason", b.Reason, 1024); err != nil {
		return t.fail(RuleAbandoned, err, "an abandon entry gives its reason")
	}
	t.a.Abandoned, t.a.AbandonSeq, t.a.Reason = true, t.e.Seq, b.Reason
	return nil
}

func (t *stepper) results(b *ResultsBody) error {
	switch {
	case t.a.Draw == nil:
		return t.fail(RuleResults, nil, "results of manifest %s before its draw", t.a.Hash)
	case t.e.Time.Before(t.a.Manifest.RoundFirst()):
		return t.fail(RuleResults, nil, "results logged at %s, before the round's first visit day %s", FormatTime(t.e.Time), t.a.Manifest.Round.First)
	case b.Count < 0 || b.Count > MaxRecords:
		return t.fail(RuleResults, nil, "count %d outside [0, %d]", b.Count, int64(MaxRecords))
	}
	if err := checkHex("results_sha256", b.Results, sha256.Size); err != nil {
		return t.fail(RuleResults, err, "the results hash")
	}
	t.a.ResultsSeq = append(t.a.ResultsSeq, t.e.Seq)
	return nil
}

func (t *stepper) correction(b *CorrectionBody) error {
	if b.Of < t.a.Seq || b.Of >= t.e.Seq {
		return t.fail(RuleCorrection, nil, "corrects entry %d, which is not an entry of manifest %s's attempt before this one", b.Of, t.a.Hash)
	}
	if err := checkName("reason", b.Reason, 1024); err != nil {
		return t.fail(RuleCorrection, err, "a correction gives its reason")
	}
	if b.Task == "" && b.Field == "" && b.Value == "" {
		return nil
	}
	if !slices.Contains(t.a.ResultsSeq, b.Of) {
		return t.fail(RuleCorrection, nil, "corrects task %q of entry %d, which is not a results entry of manifest %s", b.Task, b.Of, t.a.Hash)
	}
	for _, f := range []struct{ name, v string }{{"task", b.Task}, {"field", b.Field}, {"value", b.Value}} {
		if err := checkName(f.name, f.v, 1024); err != nil {
			return t.fail(RuleCorrection, err, "a correction of a result names the task, the field and the corrected value")
		}
	}
	return nil
}

// targeted checks a targeted entry: once, after its manifest's draw and
// before the round ends, with the number of targets the manifest fixed.
func (t *stepper) targeted(b *TargetedBody) error {
	m := t.a.Manifest
	switch {
	case t.a.Draw == nil:
		return t.fail(RuleTargeted, nil, "targeted tasks of manifest %s before its draw: they are staffed after the random tasks, under the round's seed", t.a.Hash)
	case t.a.Targeted != nil:
		return t.fail(RuleTargeted, nil, "manifest %s has its targeted entry at %d already", t.a.Hash, t.a.TargetedSeq)
	case !t.e.Time.Before(m.RoundEnd()):
		return t.fail(RuleTargeted, nil, "logged at %s, after the round's last day %s", FormatTime(t.e.Time), m.Round.Last)
	case b.Count != m.Targeted.Targets.Count:
		return t.fail(RuleTargeted, nil, "%d targeted tasks, but the manifest fixed %d targets", b.Count, m.Targeted.Targets.Count)
	}
	if err := checkHex("targeted_sha256", b.Targeted, sha256.Size); err != nil {
		return t.fail(RuleTargeted, err, "the targeted disclosure's hash")
	}
	t.a.Targeted, t.a.TargetedSeq = b, t.e.Seq
	return nil
}
