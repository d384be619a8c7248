package drawflow

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/alert"
	"github.com/firedraw/firedraw/sampling"
	"github.com/firedraw/firedraw/schedule"
	"github.com/firedraw/firedraw/schedule/content"
	"github.com/firedraw/firedraw/schedule/protocol"
	"github.com/firedraw/firedraw/schedule/tlog"
)

// DefaultParties are the parties simulated by default: the fire service,
// the market regulator and a notary.
func DefaultParties() []string { return []string{"fire-service", "market-regulator", "notary"} }

// Beacon is a recorded drand quicknet round used as the late source.
type Beacon struct {
	Round     uint64
	Signature string // 96 hex digits
}

// Inputs describe a draw to run.
type Inputs struct {
	Records *risk.Records
	AsOf    time.Time
	Model   *risk.Model // nil: risk.DefaultModel()
	// Config holds the period's rounds and the planner settings; a zero
	// HistoryStart is set to the assessment's.
	Config   *schedule.Config
	Round    int // index into Config.Rounds
	PeriodID string
	// Parties contribute to the seed; SingleOperator allows one.
	Parties        []string
	SingleOperator bool
	// Secrets are the parties' secrets (hex), one each; nil: read from Rand.
	Secrets []string
	// Dice are the digits rolled in public; "" with no Beacon: 20 digits
	// simulated from Rand.
	Dice string
	// Beacon is a recorded drand round to use as the late source.
	Beacon *Beacon
	// Alerts configures the early-warning rules and Targets the alerts
	// that make targeted inspections; a zero Targets.Since is the as-of
	// time a month earlier (the previous monthly round's).
	Alerts  alert.Config
	Targets content.TargetPolicy
	Rand    io.Reader
	// Step, when not nil, is told each step as it is logged.
	Step func(name, detail string)
}

// Result is everything a run produced.
type Result struct {
	Assessment      *schedule.Assessment
	Pool            *schedule.Pool
	Manifest        *protocol.Manifest
	ManifestBytes   []byte
	Hash            string
	Log             *tlog.Log
	Attempt         *protocol.Attempt
	Seed            sampling.Seed
	Disclosure      *schedule.Disclosure
	DisclosureBytes []byte
	// Alerts are every alert as of the as-of time; Targets the units they
	// make targets (committed in the manifest); Targeted the targeted
	// tasks, logged after the draw.
	Alerts        *alert.Report
	Targets       []schedule.Target
	Targeted      *schedule.TargetedDisclosure
	TargetedBytes []byte
}

// run is the state of one run.
type run struct {
	in  Inputs
	res *Result
	st  *protocol.State
	tl  timeline
}

// Run runs the protocol and returns its outputs, or the first error.
func Run(in Inputs) (*Result, error) {
	r := &run{in: in, res: &Result{Log: &tlog.Log{}}}
	for _, step := range []func() error{r.assess, r.targets, r.plan, r.publishManifest, r.commit, r.reveal, r.lateSource, r.draw, r.targeted} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r.res, nil
}

func (r *run) step(name, format string, a ...any) {
	if r.in.Step != nil {
		r.in.Step(name, fmt.Sprintf(format, a...))
	}
}

func (r *run) assess() error {
	a, err := schedule.Assess(r.in.Records, r.in.AsOf, schedule.AssessConfig{Model: r.in.Model})
	if err != nil {
		return err
	}
	pool, err := schedule.NewPool(r.in.Records.Inspectors)
	if err != nil {
		return fmt.Errorf("inspectors: %w", err)
	}
	if r.in.Config.HistoryStart.IsZero() {
		r.in.Config.HistoryStart = a.HistoryStart
	}
	r.res.Assessment, r.res.Pool = a, pool
	return nil
}

// timeline holds the simulated times of the protocol's steps.
type timeline struct {
	manifest, commit, commitBy, reveal, revealBy, late, draw time.Time
}

// plan fixes the timeline and builds the manifest.
func (r *run) plan() error {
	if r.in.Round < 0 || r.in.Round >= len(r.in.Config.Rounds) {
		return fmt.Errorf("round %d outside the period's %d rounds", r.in.Round, len(r.in.Config.Rounds))
	}
	start := r.in.Config.Rounds[r.in.Round].Start
	day := 24 * time.Hour
	tl := timeline{manifest: start.Add(-6*day + 9*time.Hour), commit: start.Add(-5*day + 10*time.Hour),
		commitBy: start.Add(-4*day + 12*time.Hour), reveal: start.Add(-3*day + 10*time.Hour),
		revealBy: start.Add(-2*day + 12*time.Hour), late: start.Add(-2*day + 15*time.Hour), draw: start.Add(-day + 9*time.Hour)}
	if b := r.in.Beacon; b != nil {
		at, err := protocol.BeaconTime(protocol.QuicknetChain, b.Round)
		if err != nil {
			return err
		}
		tl = timeline{manifest: at.Add(-3 * day), commit: at.Add(-2 * day), commitBy: at.Add(-day),
			reveal: at.Add(-2 * time.Hour), revealBy: at.Add(-time.Hour), late: at.Add(time.Minute), draw: at.Add(time.Hour)}
	}
	if tl.manifest.Before(r.in.AsOf) {
		return fmt.Errorf("the manifest must be published after the as-of time %s and 6 days before the round starts (%s): draw a later round",
			r.in.AsOf.Format(time.DateOnly), start.Format(time.DateOnly))
	}
	r.tl = tl
	return r.buildManifest()
}

func (r *run) buildManifest() error {
	snap, err := schedule.Snapshot(r.in.Records, r.in.AsOf)
	if err != nil {
		return err
	}
	md, err := schedule.ModelDigest(r.in.Model, risk.FeatureConfig{}, risk.LevelConfig{})
	if err != nil {
		return err
	}
	rp := protocol.Randomness{SingleOperator: r.in.SingleOperator, Parties: r.in.Parties,
		CommitBy: protocol.FormatTime(r.tl.commitBy), RevealBy: protocol.FormatTime(r.tl.revealBy)}
	switch {
	case r.in.Beacon != nil:
		rp.Beacon = protocol.BeaconPlan{Chain: protocol.QuicknetChain, Round: r.in.Beacon.Round,
			Time: protocol.FormatTime(r.tl.late.Add(-time.Minute))}
	case !r.in.SingleOperator || r.in.Dice != "":
		rp.Dice = protocol.DicePlan{At: protocol.FormatTime(r.tl.late), Digits: protocol.MinDiceDigits}
		if r.in.Dice != "" {
			rp.Dice.Digits = len(r.in.Dice)
		}
	}
	a := r.res.Assessment
	tgt, err := schedule.TargetedSection(&schedule.TargetedParams{Alerts: r.in.Alerts, Policy: r.in.Targets, Targets: r.res.Targets}, r.in.AsOf)
	if err != nil {
		return err
	}
	m, err := schedule.NewManifest(r.in.Config, r.in.Round, a.Frame, r.res.Pool, schedule.ManifestParams{
		PeriodID: r.in.PeriodID, AsOf: r.in.AsOf, Records: snap, Model: md, Randomness: rp, Targeted: tgt})
	if err != nil {
		return err
	}
	// Refuse a round some seeds could not staff before anything is logged.
	if err := schedule.CheckStaffing(m, a.Frame, r.res.Pool); err != nil {
		return err
	}
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	r.res.Manifest, r.res.ManifestBytes, r.res.Hash = m, b, protocol.HashBytes(b)
	src, err := protocol.Manifests(m)
	if err != nil {
		return err
	}
	r.st = protocol.NewState(src, protocol.Drand)
	return nil
}

// log appends an entry to the log and checks it against the protocol.
func (r *run) log(at time.Time, kind protocol.Kind, body any) (tlog.Entry, error) {
	b, err := protocol.MarshalBody(body)
	if err != nil {
		return tlog.Entry{}, err
	}
	m := r.res.Manifest
	e, err := r.res.Log.Append(tlog.Entry{Time: at.UTC(), Kind: kind, Period: m.Period.ID, Round: m.Round.Number, Body: b})
	if err != nil {
		return tlog.Entry{}, err
	}
	return e, r.st.Apply(protocol.EntryOf(e))
}

func (r *run) publishManifest() error {
	e, err := r.log(r.tl.manifest, protocol.KindManifest, &protocol.ManifestBody{Manifest: r.res.Hash})
	if err != nil {
		return err
	}
	m := r.res.Manifest
	r.step("manifest", "sha256 %s — as of %s, %d units, %d inspectors, round %d of %s (%s..%s); log entry %d at %s",
		r.res.Hash, m.AsOf, m.Frame.Directory.Count, m.Frame.Pool.Count, m.Round.Number, m.Period.ID, m.Round.First, m.Round.Last,
		e.Seq, protocol.FormatTime(e.Time))
	r.step("targets", "%d units with a %s-or-worse alert of rules %s raised since %s, committed before any randomness: targets sha256 %s",
		m.Targeted.Targets.Count, m.Targeted.MinSeverity, strings.Join(m.Targeted.Rules, ","), m.Targeted.Since, m.Targeted.Targets.SHA256)
	return nil
}

func (r *run) commit() error {
	if r.in.Secrets == nil {
		for range r.in.Parties {
			s, err := protocol.NewSecret(r.in.Rand)
			if err != nil {
				return err
			}
			r.in.Secrets = append(r.in.Secrets, s)
		}
	}
	if len(r.in.Secrets) != len(r.in.Parties) {
		return fmt.Errorf("%d secrets for %d parties", len(r.in.Secrets), len(r.in.Parties))
	}
	for i, p := range r.in.Parties {
		c, err := protocol.Commit(r.res.Hash, p, r.in.Secrets[i])
		if err != nil {
			return fmt.Errorf("party %q: %w", p, err)
		}
		if _, err := r.log(r.tl.commit.Add(time.Duration(i)*time.Minute), protocol.KindCommitment,
			&protocol.CommitmentBody{Manifest: r.res.Hash, Party: p, Commitment: c}); err != nil {
			return err
		}
		r.step("commit", "%-17s H(secret) = %s", p, c)
	}
	r.step("deadline", "commitments close at %s (before the round starts)", r.res.Manifest.Randomness.CommitBy)
	return nil
}

func (r *run) reveal() error {
	for i, p := range r.in.Parties {
		if _, err := r.log(r.tl.reveal.Add(time.Duration(i)*time.Minute), protocol.KindReveal,
			&protocol.RevealBody{Manifest: r.res.Hash, Party: p, Secret: r.in.Secrets[i]}); err != nil {
			return err
		}
		r.step("reveal", "%-17s secret = %s (matches its commitment)", p, r.in.Secrets[i])
	}
	r.step("deadline", "reveals close at %s", r.res.Manifest.Randomness.RevealBy)
	return nil
}

func (r *run) lateSource() error {
	rp := r.res.Manifest.Randomness
	switch {
	case rp.HasBeacon():
		if _, err := r.log(r.tl.late, protocol.KindBeacon, &protocol.BeaconBody{Manifest: r.res.Hash, Chain: rp.Beacon.Chain,
			Round: rp.Beacon.Round, Signature: r.in.Beacon.Signature, Randomness: beaconRandomness(r.in.Beacon.Signature)}); err != nil {
			return err
		}
		r.step("beacon", "drand quicknet round %d (emitted %s): BLS signature verified offline", rp.Beacon.Round, rp.Beacon.Time)
	case rp.HasDice():
		dice := r.in.Dice
		if dice == "" {
			var err error
			if dice, err = rollDice(r.in.Rand, rp.Dice.Digits); err != nil {
				return err
			}
		}
		if _, err := r.log(r.tl.late, protocol.KindDice, &protocol.DiceBody{Manifest: r.res.Hash, Digits: dice}); err != nil {
			return err
		}
		r.step("dice", "%s rolled in public at %s (simulated unless given with -dice)", dice, rp.Dice.At)
	}
	return nil
}

// beaconRandomness is SHA-256 of the signature, hex ("" if not hex: the
// log then refuses the entry and says why).
func beaconRandomness(sig string) string {
	b, err := hex.DecodeString(sig)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// rollDice simulates n ten-sided dice, without modulo bias.
func rollDice(rd io.Reader, n int) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for b.Len() < n {
		if _, err := io.ReadFull(rd, buf); err != nil {
			return "", fmt.Errorf("dice: %w", err)
		}
		if buf[0] < 250 {
			b.WriteByte('0' + buf[0]%10)
		}
	}
	return b.String(), nil
}

func (r *run) draw() error {
	a, ok := r.st.Attempt(r.res.Hash)
	if !ok {
		return errors.New("the log holds no attempt for the manifest")
	}
	seed, err := a.Seed()
	if err != nil {
		return err
	}
	r.step("seed", "SHA-256(manifest ‖ secrets ‖ late source) = %s", seed)
	d, err := schedule.PlanRound(r.res.Manifest, r.res.Assessment.Frame, r.res.Pool, seed, a.Seq)
	if err != nil {
		return err
	}
	b, err := d.MarshalCanonical()
	if err != nil {
		return err
	}
	e, err := r.log(r.tl.draw, protocol.KindDraw, &protocol.DrawBody{Manifest: r.res.Hash, Seed: seed.String(), Disclosure: protocol.HashBytes(b)})
	if err != nil {
		return err
	}
	r.step("draw", "%d tasks, %d excluded; disclosure sha256 %s, log entry %d", len(d.Tasks), len(d.Excluded), protocol.HashBytes(b), e.Seq)
	r.res.Attempt, r.res.Seed, r.res.Disclosure, r.res.DisclosureBytes = a, seed, d, b
	return nil
}

// targets evaluates the alerts as of the as-of time and turns those the
// target policy selects into targets, before the manifest fixes them.
func (r *run) targets() error {
	if r.in.Targets.Since.IsZero() {
		r.in.Targets.Since = r.in.AsOf.AddDate(0, -1, 0)
	}
	rep, err := alert.Evaluate(r.in.Records.Telemetry, r.in.Records.Incidents, r.in.AsOf, r.in.Alerts)
	if err != nil {
		return err
	}
	ts, err := r.res.Assessment.Targets(r.in.Records.Units, rep, &r.in.Targets, nil)
	if err != nil {
		return err
	}
	if r.in.Config.Sealed {
		ts = schedule.SealedTargets(ts)
	}
	r.res.Alerts, r.res.Targets = rep, ts
	return nil
}

// targeted plans the targeted tasks under the round's seed, after the
// random draw, and logs their disclosure's hash.
func (r *run) targeted() error {
	res := r.res
	td, err := schedule.PlanTargeted(res.Manifest, res.Assessment.Frame, res.Pool, res.Seed, res.Disclosure, res.Targets)
	if err != nil {
		return err
	}
	b, err := td.MarshalCanonical()
	if err != nil {
		return err
	}
	e, err := r.log(r.tl.draw.Add(time.Minute), protocol.KindTargeted,
		&protocol.TargetedBody{Manifest: res.Hash, Targeted: protocol.HashBytes(b), Count: int64(len(td.Tasks))})
	if err != nil {
		return err
	}
	merged := 0
	for _, t := range td.Tasks {
		if t.RandomTask != "" {
			merged++
		}
	}
	r.step("targeted", "%d targeted tasks outside the random draw (%d of them visited by their random task), staffed under the round's seed; sha256 %s, log entry %d",
		len(td.Tasks), merged, protocol.HashBytes(b), e.Seq)
	a, _ := r.st.Attempt(res.Hash)
	res.Attempt, res.Targeted, res.TargetedBytes = a, td, b
	return nil
}
