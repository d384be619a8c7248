package train

import (
	"fmt"
	"math"

	"github.com/firedraw/firedraw/risk"
	"github.com/firedraw/firedraw/risk/internal/par"

	"gonum.org/v1/gonum/optimize"
)

// FitConfig configures [Fit]. The zero FitConfig fits an unregularised
// linear-logistic model with equal class weights.
type FitConfig struct {
	// Lambda is the L2 penalty on the standardised coefficients: Fit
	// minimises mean weighted log-loss + Lambda/2·Σβ². Zero means no
	// penalty, and then separable data are an error; it must be ≥ 0.
	Lambda float64
	// ClassWeights weighs the negative (index 0) and positive (index 1)
	// units in the log-loss; a zero entry means 1. Entries must be ≥ 0.
	ClassWeights [2]float64
	// Bins, if ≥ 2, replaces every feature with more than two distinct
	// values by at most Bins quantile bins ([QuantileEdges]) learned on
	// the training table, each with its own effect (a generalised additive
	// model). The bins are coded cumulatively (x ≥ edge), so the penalty
	// falls on the jumps between adjacent bins and smooths the effect.
	// Zero (or 1) means linear terms.
	Bins int
	// Log1p gives every feature whose training values are all ≥ 0 and take
	// more than two distinct values (counts, rates, durations) the
	// transform log(1+x) (Term.Transform), before any binning.
	Log1p bool
	// MaxIter caps the L-BFGS iterations; zero means 1000.
	MaxIter int
	// GradTol is the convergence threshold on the infinity norm of the
	// gradient of the objective; zero means 1e-7.
	GradTol float64
}

// FitInfo reports how a fit went.
type FitInfo struct {
	// Iterations and Evaluations count L-BFGS major iterations and
	// objective evaluations.
	Iterations, Evaluations int
	// Objective is the penalised objective at the solution and LogLoss
	// its mean weighted log-loss part.
	Objective, LogLoss float64
	// GradNorm is the infinity norm of the gradient at the solution.
	GradNorm float64
	// Status is gonum/optimize's termination status.
	Status string
	// Constant lists the features that were constant in the training
	// table; their coefficient is 0.
	Constant []string
}

// Fit fits an L2-regularised logistic regression of y on the features of
// t with L-BFGS (gonum.org/v1/gonum/optimize; Nocedal & Wright 2006,
// ch. 7). Features are standardised inside (mean 0, standard deviation
// 1); the returned [Model] is on the original scale, each linear term
// centred on the training mean so that contributions are relative to the
// average unit. Binned terms (cfg.Bins) have effects centred the same way.
// Fit is deterministic: partial sums are combined in a fixed order on 2
// goroutines.
//
// Fit returns an error wrapping [ErrBadOutcome] if len(y) differs from
// the number of units or if y is all false or all true; wrapping
// [ErrBadFeature] for a NaN or infinite feature (naming feature and
// unit); wrapping [ErrNotConverged] if L-BFGS stops before the gradient
// threshold, or if Lambda is 0 and the data are separable (every unit
// classified correctly, or a standardised coefficient beyond 30, which
// the error names). The FitInfo is filled in even with an error.
func Fit(t *risk.Table, y []bool, cfg FitConfig) (*risk.Model, FitInfo, error) {
	var info FitInfo
	cw, err := checkFit(t, y, cfg)
	if err != nil {
		return nil, info, err
	}
	maxIter := cfg.MaxIter
	if maxIter <= 0 {
		maxIter = 1000
	}
	tol := cfg.GradTol
	if tol <= 0 {
		tol = 1e-7
	}
	d := newDesign(t, cfg.Bins, cfg.Log1p)
	for j := 0; j < d.q; j++ {
		if d.sd[j] == 0 {
			info.Constant = append(info.Constant, t.Names[d.src[j]])
		}
	}
	obj, err := newLogistic(d, y, cw, cfg)
	if err != nil {
		return nil, info, err
	}
	res, err := minimize(obj, d.q, tol, maxIter)
	if res == nil {
		return nil, info, fmt.Errorf("risk: fit: %v: %w", err, ErrNotConverged)
	}
	beta := res.X
	f, g := obj.eval(beta)
	info.Iterations = res.MajorIterations
	info.Evaluations = res.FuncEvaluations
	info.Objective = f
	info.LogLoss = obj.logLoss
	info.Status = res.Status.String()
	for _, v := range g {
		info.GradNorm = max(info.GradNorm, math.Abs(v))
	}
	if err := checkConverged(t, d, obj, res, info, tol, cfg.Lambda); err != nil {
		return nil, info, err
	}
	return d.model(beta), info, nil
}

// checkFit validates the arguments of [Fit] and returns the class
// weights with zeros made ones.
func checkFit(t *risk.Table, y []bool, cfg FitConfig) ([2]float64, error) {
	cw := cfg.ClassWeights
	n := t.Rows()
	if len(y) != n {
		return cw, fmt.Errorf("risk: %d outcomes for %d units: %w", len(y), n, ErrBadOutcome)
	}
	if len(t.X) != n*t.Cols() {
		return cw, fmt.Errorf("risk: table has %d values, want %d units × %d features: %w", len(t.X), n, t.Cols(), risk.ErrFeatureMismatch)
	}
	if !(cfg.Lambda >= 0) || math.IsInf(cfg.Lambda, 0) {
		return cw, fmt.Errorf("risk: Lambda %v, want finite ≥ 0", cfg.Lambda)
	}
	for k := range cw {
		if !(cw[k] >= 0) || math.IsInf(cw[k], 0) {
			return cw, fmt.Errorf("risk: ClassWeights[%d] = %v, want finite ≥ 0", k, cw[k])
		}
		if cw[k] == 0 {
			cw[k] = 1
		}
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	if pos == 0 || pos == n {
		return cw, fmt.Errorf("risk: %d of %d outcomes positive, need both classes: %w", pos, n, ErrBadOutcome)
	}
	return cw, t.Validate()
}

// newLogistic returns the penalised, weighted log-loss of design d.
func newLogistic(d *design, y []bool, cw [2]float64, cfg FitConfig) (*logistic, error) {
	yf := make([]float64, len(y))
	wt := make([]float64, len(y))
	var wsum float64
	for i, v := range y {
		wt[i] = cw[0]
		if v {
			yf[i], wt[i] = 1, cw[1]
		}
		wsum += wt[i]
	}
	if wsum == 0 {
		return nil, fmt.Errorf("risk: class weights %v give every unit zero weight: %w", cfg.ClassWeights, ErrBadOutcome)
	}
	return &logistic{d: d, y: yf, w: wt, wsum: wsum, lambda: cfg.Lambda}, nil
}

// minimize runs L-BFGS from the intercept of the base rate and zero
// coefficients of the q standardised columns.
func minimize(obj *logistic, q int, tol float64, maxIter int) (*optimize.Result, error) {
	x0 := make([]float64, q+1)
	var wpos float64
	for i := range obj.y {
		wpos += obj.w[i] * obj.y[i]
	}
	x0[0] = math.Log(wpos / (obj.wsum - wpos))
	prob := optimize.Problem{
		Func: func(x []float64) float64 { f, _ := obj.eval(x); return f },
		Grad: func(g, x []float64) { _, gg := obj.eval(x); copy(g, gg) },
	}
	settings := &optimize.Settings{
		GradientThreshold: tol,
		MajorIterations:   maxIter,
		Converger:         optimize.NeverTerminate{},
	}
	return optimize.Minimize(prob, x0, settings, &optimize.LBFGS{})
}

// checkConverged rejects a fit that stopped short of the optimum and,
// without a penalty, separable data.
func checkConverged(t *risk.Table, d *design, obj *logistic, res *optimize.Result, info FitInfo, tol, lambda float64) error {
	// A line search that fails at the optimum (no representable
	// improvement) is accepted when the gradient is nearly zero.
	if res.Status != optimize.GradientThreshold && !(info.GradNorm <= 100*tol) {
		return fmt.Errorf("risk: fit stopped with status %s after %d iterations, gradient norm %.3g > %.3g: %w",
			res.Status, info.Iterations, info.GradNorm, tol, ErrNotConverged)
	}
	if lambda == 0 {
		beta := res.X
		if j, b := maxAbs(beta[1:]); b > 30 {
			return fmt.Errorf("risk: standardised coefficient of feature %q is %.3g: data separable without regularisation (set Lambda > 0): %w",
				t.Names[d.src[j]], beta[1+j], ErrNotConverged)
		}
		if obj.separated(beta) {
			return fmt.Errorf("risk: every unit classified correctly: data separable without regularisation (set Lambda > 0): %w", ErrNotConverged)
		}
	}
	return nil
}

func maxAbs(v []float64) (int, float64) {
	j, m := -1, 0.0
	for k, x := range v {
		if math.Abs(x) > m {
			j, m = k, math.Abs(x)
		}
	}
	return j, m
}

// design is the design matrix of a fit: either the table itself (linear
// terms) or an expansion with cumulative bin indicators.
type design struct {
	n, q  int
	x     []float64 // n × q row-major
	src   []int     // table column of each design column
	lvl   []int     // bin (1-based) of a bin column, 0 for a linear one
	edges [][]float64
	logT  []bool // table column j is log1p-transformed
	mean  []float64
	sd    []float64
	names []string
}

func newDesign(t *risk.Table, bins int, log bool) *design {
	n, p := t.Rows(), t.Cols()
	d := &design{n: n, names: t.Names, edges: make([][]float64, p), logT: make([]bool, p)}
	binned := false
	if bins >= 2 || log {
		col := make([]float64, n)
		for j := 0; j < p; j++ {
			for i := range col {
				col[i] = t.X[i*p+j]
			}
			if log && logEligible(col) {
				d.logT[j] = true
				binned = true
				for i, v := range col {
					col[i] = math.Log1p(v)
				}
			}
			if bins >= 2 {
				d.edges[j] = risk.QuantileEdges(col, bins)
				binned = binned || len(d.edges[j]) > 0
			}
		}
	}
	for j := 0; j < p; j++ {
		if len(d.edges[j]) == 0 {
			d.src, d.lvl = append(d.src, j), append(d.lvl, 0)
			continue
		}
		for b := range d.edges[j] {
			d.src, d.lvl = append(d.src, j), append(d.lvl, b+1)
		}
	}
	d.q = len(d.src)
	if !binned {
		d.x = t.X
	} else {
		d.x = make([]float64, n*d.q)
		for i := 0; i < n; i++ {
			row := t.X[i*p : (i+1)*p]
			out := d.x[i*d.q : (i+1)*d.q]
			for k, j := range d.src {
				v := row[j]
				if d.logT[j] {
					v = math.Log1p(v)
				}
				if b := d.lvl[k]; b == 0 {
					out[k] = v
				} else {
					out[k] = boolF(v >= d.edges[j][b-1])
				}
			}
		}
	}
	// Means and standard deviations, two-pass for accuracy.
	q := d.q
	d.mean = make([]float64, q)
	d.sd = make([]float64, q)
	for i := 0; i < n; i++ {
		for k, v := range d.x[i*q : (i+1)*q] {
			d.mean[k] += v
		}
	}
	for k := range d.mean {
		d.mean[k] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for k, v := range d.x[i*q : (i+1)*q] {
			r := v - d.mean[k]
			d.sd[k] += r * r
		}
	}
	for k := range d.sd {
		d.sd[k] = math.Sqrt(d.sd[k] / float64(n))
		// A column whose spread is lost in rounding is constant.
		if !(d.sd[k] > 1e-12*math.Max(1, math.Abs(d.mean[k]))) {
			d.sd[k] = 0
		}
	}
	return d
}

// model converts standardised coefficients (intercept first) to a Model.
func (d *design) model(beta []float64) *risk.Model {
	m := &risk.Model{Intercept: beta[0]}
	for k := 0; k < d.q; {
		j := d.src[k]
		if d.lvl[k] == 0 {
			t := risk.Term{Feature: d.names[j], Center: d.mean[k], Transform: d.transform(j)}
			if d.sd[k] > 0 {
				t.Coef = beta[1+k] / d.sd[k]
			}
			m.Terms = append(m.Terms, t)
			k++
			continue
		}
		nb := len(d.edges[j])
		t := risk.Term{Feature: d.names[j], Transform: d.transform(j), Edges: append([]float64(nil), d.edges[j]...), Effects: make([]float64, nb+1)}
		var acc, meanEff float64
		for b := 0; b < nb; b++ {
			var w float64
			if d.sd[k+b] > 0 {
				w = beta[1+k+b] / d.sd[k+b]
			}
			acc += w
			t.Effects[b+1] = acc
			meanEff += w * d.mean[k+b]
		}
		for b := range t.Effects {
			t.Effects[b] -= meanEff
		}
		m.Terms = append(m.Terms, t)
		k += nb
	}
	return m
}

func (d *design) transform(j int) string {
	if d.logT[j] {
		return risk.TransformLog1p
	}
	return ""
}

// logEligible reports whether a column is all ≥ 0 with more than two
// distinct values.
func logEligible(col []float64) bool {
	var a, b float64
	distinct := 0
	for _, v := range col {
		if !(v >= 0) {
			return false
		}
		switch {
		case distinct == 0:
			a, distinct = v, 1
		case distinct == 1 && v != a:
			b, distinct = v, 2
		case distinct == 2 && v != a && v != b:
			distinct = 3
		}
	}
	return distinct > 2
}

// logistic is the penalised weighted log-loss of a design.
type logistic struct {
	d      *design
	y, w   []float64
	wsum   float64
	lambda float64

	lastX   []float64
	lastF   float64
	lastG   []float64
	logLoss float64
	coef    []float64
	parts   []float64
}

// fitChunk is the number of rows per partial sum; a fixed size makes the
// sums independent of the number of goroutines.
const fitChunk = 4096

// eval returns the objective and its gradient at x (intercept first),
// caching the last point because L-BFGS asks for both separately.
func (o *logistic) eval(x []float64) (float64, []float64) {
	if o.lastX != nil && equalSlices(o.lastX, x) {
		return o.lastF, o.lastG
	}
	d := o.d
	q := d.q
	if o.coef == nil {
		o.coef = make([]float64, q)
		o.lastG = make([]float64, q+1)
	}
	// η = c0 + Σ coef_k x_k with coef_k = β_k/sd_k, c0 = β0 − Σ coef_k mean_k.
	c0 := x[0]
	for k := 0; k < q; k++ {
		o.coef[k] = 0
		if d.sd[k] > 0 {
			o.coef[k] = x[1+k] / d.sd[k]
		}
		c0 -= o.coef[k] * d.mean[k]
	}
	nch := (d.n + fitChunk - 1) / fitChunk
	stride := q + 2 // loss, Σr, Σ r x_k
	if len(o.parts) != nch*stride {
		o.parts = make([]float64, nch*stride)
	}
	par.Halves(nch, func(_ int, lo, hi int) {
		for c := lo; c < hi; c++ {
			part := o.parts[c*stride : (c+1)*stride]
			clear(part)
			gs := part[2:]
			for i := c * fitChunk; i < min((c+1)*fitChunk, d.n); i++ {
				row := d.x[i*q : (i+1)*q : (i+1)*q]
				eta := c0
				for k, v := range row {
					eta += o.coef[k] * v
				}
				var l, p float64
				if eta > 0 {
					e := math.Exp(-eta)
					l = eta + math.Log1p(e)
					p = 1 / (1 + e)
				} else {
					e := math.Exp(eta)
					l = math.Log1p(e)
					p = e / (1 + e)
				}
				w := o.w[i]
				part[0] += w * (l - o.y[i]*eta)
				r := w * (p - o.y[i])
				part[1] += r
				for k, v := range row {
					gs[k] += r * v
				}
			}
		}
	})
	var loss, rsum float64
	g := o.lastG
	clear(g)
	for c := 0; c < nch; c++ {
		part := o.parts[c*stride : (c+1)*stride]
		loss += part[0]
		rsum += part[1]
		for k := 0; k < q; k++ {
			g[1+k] += part[2+k]
		}
	}
	loss /= o.wsum
	g[0] = rsum / o.wsum
	pen := 0.0
	for k := 0; k < q; k++ {
		if d.sd[k] > 0 {
			g[1+k] = (g[1+k]/o.wsum-d.mean[k]*g[0])/d.sd[k] + o.lambda*x[1+k]
		} else {
			g[1+k] = o.lambda * x[1+k]
		}
		pen += x[1+k] * x[1+k]
	}
	f := loss + o.lambda/2*pen
	o.lastX = append(o.lastX[:0], x...)
	o.lastF, o.logLoss = f, loss
	return f, g
}

// separated reports whether the linear predictor at x classifies every
// unit correctly (η > 0 exactly for the positives).
func (o *logistic) separated(x []float64) bool {
	d := o.d
	q := d.q
	c0 := x[0]
	coef := make([]float64, q)
	for k := 0; k < q; k++ {
		if d.sd[k] > 0 {
			coef[k] = x[1+k] / d.sd[k]
		}
		c0 -= coef[k] * d.mean[k]
	}
	for i := 0; i < d.n; i++ {
		eta := c0
		for k, v := range d.x[i*q : (i+1)*q] {
			eta += coef[k] * v
		}
		if (eta > 0) != (o.y[i] == 1) || eta == 0 {
			return false
		}
	}
	return true
}

func equalSlices(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
