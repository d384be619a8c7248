package sampling

// unitRec, prnSort and systematic are the record form the order and
// systematic tests were written against, on top of prnOrder and
// systematicPass.
type unitRec struct {
	u  float64
	pi float64
	i  int32
}

func prnSort(u, pi []float64, ids []string) []unitRec {
	out := make([]unitRec, 0, len(u))
	prnOrder(u, pi, ids, nil, nil, func(recs []ordRec) {
		for _, r := range recs {
			out = append(out, unitRec{u: u[r.i], pi: r.pi, i: r.i})
		}
	})
	return out
}

func systematic(recs []unitRec, a float64, selected []bool) {
	ord := make([]ordRec, len(recs))
	for j, r := range recs {
		ord[j] = ordRec{pi: r.pi, i: r.i}
	}
	st := systematicPass{a: a}
	st.feed(ord, selected)
	st.finish(selected)
}
