# Writes testdata/risk/delong_*.csv: scores and outcomes, and pROC's AUC with
# its DeLong variance and 95 % confidence interval, for risk.Evaluate's test
# (TestEvaluateDeLong). Run from the repository root:
#   Rscript examples/peers/delong_golden.R
# Needs r-cran-proc (Debian). The data have ties within and across classes.
suppressMessages(library(pROC))
set.seed(20261202)
cases <- list(
  list(name = "ties", n = 300, prev = 0.2, round = 1),
  list(name = "smooth", n = 1000, prev = 0.05, round = 6),
  list(name = "tiny", n = 9, prev = 0.4, round = 1)
)
for (cs in cases) {
  y <- rbinom(cs$n, 1, cs$prev)
  if (sum(y) < 2) y[1:2] <- 1
  if (sum(1 - y) < 2) y[3:4] <- 0
  s <- round(plogis(rnorm(cs$n, mean = 0.8 * y - 1)), cs$round)
  write.csv(data.frame(score = sprintf("%.17g", s), y = y),
            sprintf("testdata/risk/delong_%s_data.csv", cs$name), row.names = FALSE, quote = FALSE)
  r <- roc(y, s, levels = c(0, 1), direction = "<", quiet = TRUE)
  v <- var(r, method = "delong")
  ci <- ci.auc(r, method = "delong", conf.level = 0.95)
  write.csv(data.frame(auc = sprintf("%.17g", as.numeric(auc(r))), var = sprintf("%.17g", v),
                       lower = sprintf("%.17g", ci[1]), upper = sprintf("%.17g", ci[3])),
            sprintf("testdata/risk/delong_%s_golden.csv", cs$name), row.names = FALSE, quote = FALSE)
}
