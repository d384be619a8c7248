# Writes the golden estimates used by sampling/estimate_test.go
# (TestEstimatorMatchesR). Run from the repository root:
#   Rscript examples/peers/estimate.R
# Needs the CRAN packages 'sampling' and 'survey'
# (Debian: apt-get install r-cran-sampling r-cran-survey). CI does not run it.
#
# Output:
#   testdata/sampling/estimate_units.csv   case,k,y,pik,pikl  (pikl: the row of
#                                          joint probabilities of sampled unit k
#                                          with every sampled unit, ';'-joined;
#                                          empty when not used)
#   testdata/sampling/estimate_golden.csv  case,estimator,method,value,variance
#
# Peers:
#   total/deville  HTestimator + sampling::varest(Ys, pik = pik)       (Deville 1999)
#   total/poisson  HTestimator + sampling::varHT(y, pikl, method = 1) with the
#                  Poisson design's pikl = pik_k pik_l, and survey::svytotal with
#                  pps = poisson_sampling(pik)
#   total/syg      sampling::varHT(y, pikl, method = 2)                (Sen-Yates-Grundy)
#                  and survey::svytotal with pps = ppsmat(pikl), variance = "YG"
#   hajek/poisson  survey::svymean with pps = poisson_sampling(pik)
#   hajek/syg      survey::svymean with pps = ppsmat(pikl), variance = "YG"
#   hajek/deville  sampling::varest on the linearised variable (y - mean)/Nhat
suppressMessages({
  library(sampling)
  library(survey)
})
out <- "testdata/sampling"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
f <- function(x) sprintf("%.17g", x)

units <- c("case,k,y,pik,pikl")
golden <- c("case,estimator,method,value,variance")
add <- function(case, estimator, method, value, variance) {
  golden <<- c(golden, paste(case, estimator, method, f(value), f(variance), sep = ","))
}
add_units <- function(case, y, pik, pikl = NULL) {
  for (k in seq_along(y)) {
    row <- if (is.null(pikl)) "" else paste(f(pikl[k, ]), collapse = ";")
    units <<- c(units, paste(case, k - 1, f(y[k]), f(pik[k]), row, sep = ","))
  }
}
hajek_deville <- function(y, pik) {
  nhat <- sum(1 / pik)
  m <- sum(y / pik) / nhat
  c(m, varest((y - m) / nhat, pik = pik))
}
value_var <- function(est) c(coef(est)[[1]], vcov(est)[[1]])

set.seed(20261125)
N <- 40
x <- rlnorm(N, 0, 1)
yc <- round(10 * x + rnorm(N, 0, 3), 1)    # a continuous y correlated with x
yb <- as.numeric(runif(N) < 0.15 + 0.1 * x) # a 0/1 rate variable

for (n in c(8, 15)) {
  pik <- inclusionprobabilities(x, n)

  # Systematic pi-ps: Deville's approximation.
  s <- which(UPsystematic(pik) == 1)
  for (v in list(list("c", yc), list("b", yb))) {
    case <- sprintf("sys_n%d_%s", n, v[[1]])
    ys <- v[[2]][s]
    add_units(case, ys, pik[s])
    add(case, "total", "deville", HTestimator(ys, pik[s]), varest(ys, pik = pik[s]))
    h <- hajek_deville(ys, pik[s])
    add(case, "hajek", "deville", h[1], h[2])
  }

  # Poisson: exact variance, from sampling::varHT and from survey.
  s <- which(UPpoisson(pik) == 1)
  for (v in list(list("c", yc), list("b", yb))) {
    case <- sprintf("poisson_n%d_%s", n, v[[1]])
    ys <- v[[2]][s]
    p <- pik[s]
    pikl <- outer(p, p)
    diag(pikl) <- p
    add_units(case, ys, p)
    add(case, "total", "poisson", HTestimator(ys, p), varHT(ys, pikl, method = 1))
    d <- svydesign(ids = ~1, probs = ~p, pps = poisson_sampling(p), data = data.frame(y = ys, p = p))
    tv <- value_var(svytotal(~y, d))
    add(case, "total_survey", "poisson", tv[1], tv[2])
    hv <- value_var(svymean(~y, d))
    add(case, "hajek", "poisson", hv[1], hv[2])
  }

  # Maximum-entropy (conditional Poisson) sampling, whose joint
  # probabilities are known: Sen-Yates-Grundy, and Deville for comparison.
  pikl_all <- UPmaxentropypi2(pik)
  s <- which(UPmaxentropy(pik) == 1)
  for (v in list(list("c", yc), list("b", yb))) {
    case <- sprintf("maxent_n%d_%s", n, v[[1]])
    ys <- v[[2]][s]
    p <- pik[s]
    pikl <- pikl_all[s, s]
    add_units(case, ys, p, pikl)
    add(case, "total", "syg", HTestimator(ys, p), varHT(ys, pikl, method = 2))
    add(case, "total", "deville", HTestimator(ys, p), varest(ys, pik = p))
    d <- svydesign(ids = ~1, fpc = ~p, pps = ppsmat(pikl), variance = "YG", data = data.frame(y = ys, p = p))
    tv <- value_var(svytotal(~y, d))
    add(case, "total_survey", "syg", tv[1], tv[2])
    hv <- value_var(svymean(~y, d))
    add(case, "hajek", "syg", hv[1], hv[2])
    h <- hajek_deville(ys, p)
    add(case, "hajek", "deville", h[1], h[2])
  }
}

writeLines(units, file.path(out, "estimate_units.csv"))
writeLines(golden, file.path(out, "estimate_golden.csv"))
