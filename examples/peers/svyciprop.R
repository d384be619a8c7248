# Writes the golden files of sampling/survey_golden_test.go
# (TestSvycipropMatchesR, TestStratifiedMatchesR). Run from the repository
# root:
#   Rscript examples/peers/svyciprop.R
# Needs the CRAN packages 'sampling' and 'survey'
# (Debian: apt-get install r-cran-sampling r-cran-survey). CI does not run it.
#
# Output:
#   testdata/sampling/survey_units.csv      case,k,y,yc,pi,stratum,domain
#                                           (the sampled units of each case)
#   testdata/sampling/svyciprop_golden.csv  case,domain,variance,method,level,df,
#                                           value,se,lower,upper
#                                           (df "design": svyciprop's default
#                                           degf(design); a number: passed as df,
#                                           which "beta" ignores, so only for
#                                           "logit" and "mean")
#   testdata/sampling/stratified_golden.csv case,estimator,variable,variance,
#                                           value,se,deff (empty for the
#                                           total of a pps design, see add_strat)
#
# Designs, each matched by a firedraw variance method:
#   srs       simple random sampling without replacement, fpc = N
#             (Deville's variance with equal pi is the SRS variance)
#   strat     stratified SRS without replacement, strata = ~h, fpc = ~Nh
#             (Deville within each stratum, summed)
#   poisson   Poisson sampling with unequal pi, pps = poisson_sampling(pi)
suppressMessages({
  library(sampling)
  library(survey)
})
out <- "testdata/sampling"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
f <- function(x) sprintf("%.17g", x)

units <- c("case,k,y,yc,pi,stratum,domain")
ciprop <- c("case,domain,variance,method,level,df,value,se,lower,upper")
strat <- c("case,estimator,variable,variance,value,se,deff")

add_units <- function(case, d) {
  for (k in seq_len(nrow(d))) {
    units <<- c(units, paste(case, k - 1, f(d$y[k]), f(d$yc[k]), f(d$p[k]), d$h[k], d$dom[k], sep = ","))
  }
}
add_ciprop <- function(case, domain, variance, design) {
  for (method in c("logit", "beta", "mean")) {
    for (level in c(0.95, 0.9)) {
      # svyciprop's "beta" ignores df (it always uses degf(design)), so a
      # given df is checked for "logit" and "mean" only.
      dfs <- if (method == "beta") list("design") else list("design", 7.5)
      for (df in dfs) {
        ci <- if (identical(df, "design")) {
          svyciprop(~y, design, method = method, level = level)
        } else {
          svyciprop(~y, design, method = method, level = level, df = df)
        }
        b <- confint(ci)
        ciprop <<- c(ciprop, paste(case, domain, variance, method, f(level), df,
                                   f(coef(ci)[[1]]), f(SE(ci)[[1]]), f(b[1]), f(b[2]), sep = ","))
      }
    }
  }
}
# survey 4.1.1's svytotal for pps designs (svytotal.pps) compares with
# svyvar * Nhat^2, without the 1/n and the fpc of svytotal for other
# designs, so its deff is n/(1 - n/Nhat) times too small; firedraw uses the
# svytotal.survey.design2 definition everywhere, and the golden file leaves
# the pps total's deff empty.
add_strat <- function(case, variance, design) {
  for (v in c("y", "yc")) {
    fml <- as.formula(paste0("~", v))
    tt <- svytotal(fml, design, deff = TRUE)
    mm <- svymean(fml, design, deff = TRUE)
    tdeff <- if (inherits(design, "pps")) "" else f(deff(tt)[[1]])
    strat <<- c(strat,
      paste(case, "total", v, variance, f(coef(tt)[[1]]), f(SE(tt)[[1]]), tdeff, sep = ","),
      paste(case, "mean", v, variance, f(coef(mm)[[1]]), f(SE(mm)[[1]]), f(deff(mm)[[1]]), sep = ","))
  }
}

set.seed(20261202)

# srs: N = 200, n = 40, a 0/1 outcome with prevalence about 15 %.
N <- 200
pop <- data.frame(y = as.numeric(runif(N) < 0.15), yc = round(rlnorm(N, 2, 0.7), 2),
                  dom = sample(c("a", "b"), N, replace = TRUE))
s <- sample(N, 40)
d <- data.frame(pop[s, ], p = 40 / N, h = "all", fpc = N)
add_units("srs", d)
des <- svydesign(ids = ~1, fpc = ~fpc, data = d)
add_ciprop("srs", "", "deville", des)
add_strat("srs", "deville", des)
add_ciprop("srs", "a", "deville", subset(des, dom == "a"))

# strat: three strata of 120, 60 and 20 units, samples of 24, 10 and 4,
# prevalences 5, 20 and 50 %.
Nh <- c(L = 120, M = 60, H = 20)
nh <- c(L = 24, M = 10, H = 4)
prev <- c(L = 0.05, M = 0.2, H = 0.5)
d <- NULL
for (h in names(Nh)) {
  s <- seq_len(nh[[h]])
  y <- as.numeric(runif(Nh[[h]]) < prev[[h]])
  # Keep at least one positive in the sample of the low stratum, so
  # that the logit interval exists.
  if (h == "L") y[1] <- 1
  yc <- round(rlnorm(Nh[[h]], 1 + which(names(Nh) == h) / 2, 0.6), 2)
  dom <- sample(c("a", "b"), Nh[[h]], replace = TRUE)
  d <- rbind(d, data.frame(y = y[s], yc = yc[s], dom = dom[s], p = nh[[h]] / Nh[[h]], h = h, fpc = Nh[[h]]))
}
add_units("strat", d)
des <- svydesign(ids = ~1, strata = ~h, fpc = ~fpc, data = d)
add_ciprop("strat", "", "deville", des)
add_strat("strat", "deville", des)
add_ciprop("strat", "a", "deville", subset(des, dom == "a"))

# poisson: 300 units, pi proportional to a lognormal size, expected n = 50.
N <- 300
x <- rlnorm(N, 0, 0.8)
pik <- inclusionprobabilities(x, 50)
pop <- data.frame(y = as.numeric(runif(N) < 0.1 + 0.1 * (x > 1)), yc = round(3 * x + rnorm(N), 2),
                  dom = sample(c("a", "b"), N, replace = TRUE), p = pik, h = "all")
d <- pop[UPpoisson(pik) == 1, ]
add_units("poisson", d)
des <- svydesign(ids = ~1, probs = ~p, pps = poisson_sampling(d$p), data = d)
add_ciprop("poisson", "", "poisson", des)
add_strat("poisson", "poisson", des)

writeLines(units, file.path(out, "survey_units.csv"))
writeLines(ciprop, file.path(out, "svyciprop_golden.csv"))
writeLines(strat, file.path(out, "stratified_golden.csv"))
