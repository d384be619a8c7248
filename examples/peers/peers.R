# Times R's sampling package on the benchmark of sampling/bench_test.go:
# N = 1e7 units, lognormal(0, 1.5) weights, n = 1e5, inclusion probabilities
# then a systematic πps draw. Run from anywhere:
#   Rscript examples/peers/peers.R
# Needs the CRAN package 'sampling' (Debian: apt-get install r-cran-sampling).
suppressMessages(library(sampling))
set.seed(1)
N <- 1e7
n <- 1e5
w <- rlnorm(N, 0, 1.5)
reps <- 3
for (r in 1:reps) {
  t0 <- proc.time()[["elapsed"]]
  pik <- inclusionprobabilities(w, n)
  t1 <- proc.time()[["elapsed"]]
  s <- UPsystematic(pik)
  t2 <- proc.time()[["elapsed"]]
  cat(sprintf("R sampling %s: inclusionprobabilities %.2f s, UPsystematic %.2f s, total %.2f s, size %d, capped %d\n",
              as.character(packageVersion("sampling")), t1 - t0, t2 - t1, t2 - t0, as.integer(sum(s)), as.integer(sum(pik == 1))))
}
